"""The plan: one record laid out, device-independent, in points.

Everything about geometry and pagination is decided when the plan is made
(:mod:`formgen.compose`); the xlsx and PDF writers only translate it. Text is
already broken into lines, rows have their heights, pages their first rows.
A plan can be dumped as plain data (JSON/YAML) for readable golden tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .errors import Issue

Border = Literal["none", "hair", "thin", "medium", "thick", "double"]
BORDER_WIDTH_PT: dict[str, float] = {"none": 0.0, "hair": 0.25, "thin": 0.5, "medium": 1.0, "thick": 1.5, "double": 1.5}


@dataclass(frozen=True)
class CellStyle:
    """A resolved style: nothing inherited, everything in points."""

    name: str
    font: str
    """font family key of the plan's fonts"""
    bold: bool
    size: float
    color: str
    fill: str | None
    borders: tuple[Border, Border, Border, Border]
    """top, right, bottom, left"""
    align: Literal["left", "center", "right"]
    valign: Literal["top", "middle", "bottom"]
    pad_v: float
    pad_h: float
    leading: float
    """distance between baselines"""
    number_format: str | None
    min_height: float


@dataclass(frozen=True)
class Tile:
    """One SDG goal's tile: its colour, number and short title as drawn."""

    goal: int
    color: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ChartSeries:
    name: str
    color: str
    values: tuple[Decimal | None, ...]
    """one per category; None where there is no figure (left out, not drawn as 0)"""
    refs: tuple[tuple[int, int] | None, ...] = ()
    """for each value, the (row, column) of the sheet's cell printing it (title rows counted first),
    so that the workbook's chart reads the cell; None where no cell prints it"""


@dataclass
class Graphic:
    """Something drawn inside a cell rather than written: a picture, SDG tiles or a chart.
    Sizes in points; the writers place it in its cell by the cell style's alignment and padding."""

    kind: Literal["image", "sdg", "chart"]
    alt: str
    """alternative text, read in its place by screen readers"""
    width: float
    height: float
    image: str | None = None
    """the picture's file"""
    image_digest: str = ""
    """sha256 of the picture's bytes (read when the layout was loaded)"""
    tiles: list[Tile] = field(default_factory=list)
    tile: float = 0.0
    """a tile's side"""
    per_row: int = 1
    number_size: float = 0.0
    title_size: float = 0.0
    categories: list[str] = field(default_factory=list)
    series: list[ChartSeries] = field(default_factory=list)
    unit: str = ""
    chart_kind: str = "bars"
    text_size: float = 0.0
    """the size of a chart's labels"""

    def describe(self) -> str:
        size = f"{self.width / MM_PT:.1f}x{self.height / MM_PT:.1f} mm"
        if self.kind == "image":
            return f"image {self.image.rsplit('/', 1)[-1] if self.image else ''} {size} alt={self.alt}"
        if self.kind == "sdg":
            return f"sdg tiles {' '.join(str(t.goal) for t in self.tiles)} {size} alt={self.alt}"
        figures = "; ".join(f"{s.name} {' '.join('-' if v is None else str(v) for v in s.values)}" for s in self.series)
        return f"chart {self.chart_kind} {' '.join(self.categories)}: {figures} {size} alt={self.alt}"


MM_PT = 72 / 25.4
"""points per millimetre"""

TILE_GAP = 1.5 * MM_PT
"""between SDG tiles"""


def graphic_origin(box: tuple[float, float, float, float], style: CellStyle, graphic: Graphic) -> tuple[float, float]:
    """The top-left corner of a graphic in its cell ``box`` (left, top, right, bottom, with y growing
    downwards), placed by the cell style's alignment inside its padding: the same in both writers."""
    left, top, right, bottom = box
    x = _place(left, right, style.pad_h, graphic.width, {"left": "start", "right": "end"}.get(style.align))
    y = _place(top, bottom, style.pad_v, graphic.height, {"top": "start", "bottom": "end"}.get(style.valign))
    return x, y


def _place(start: float, end: float, pad: float, size: float, at: str | None) -> float:
    """Where something ``size`` long begins between ``start`` and ``end``: after the padding at
    the start, before it at the end, or centred."""
    if at == "start":
        return start + pad
    if at == "end":
        return end - pad - size
    return (start + end - size) / 2


def tile_positions(graphic: Graphic) -> list[tuple[float, float]]:
    """The top-left corner of each SDG tile, relative to the graphic's: left to right, then down."""
    step = graphic.tile + TILE_GAP
    return [((i % graphic.per_row) * step, (i // graphic.per_row) * step) for i in range(len(graphic.tiles))]


@dataclass(slots=True)
class Cell:
    """A cell anchored at (its row, ``col``) covering ``colspan`` × ``rowspan`` grid cells."""

    col: int
    colspan: int
    rowspan: int
    style: str
    lines: list[str]
    """the text as drawn, one entry per line (numbers: their formatted text)"""
    number: int | Decimal | None = None
    """set when the cell holds a number; the workbook stores it with ``number_format``"""
    number_format: str | None = None
    align: str | None = None
    """overrides the style's alignment"""
    open_top: bool = False
    """continues a text from the cell above: no border, no top padding"""
    open_bottom: bool = False
    """continues in the cell below"""
    header: bool = False
    """a label: a table header cell (TH)"""
    copy: bool = False
    """a label printed again on a continued page: not content of its own"""
    prose: bool = False
    """sentences (a narrative, a Text field): read as paragraphs, not as one value"""
    paragraphs: tuple[tuple[int, str, int], ...] = ()
    """where each paragraph of the text starts: (line, kind, length of its mark such as ・ or 【1】);
    a cell's first line continues the text of the cell above when it starts no paragraph"""
    flows_on: bool = False
    """its text goes on in the same column at the top of the next page"""
    flows_in: bool = False
    """its text comes from the same column at the foot of the previous page"""
    graphic: Graphic | None = None
    """drawn inside the cell (then it has no lines)"""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class RowTag:
    """What a row is part of, for the PDF's structure tree (headings, tables, paragraphs)."""

    block: int
    """the block of the sheet it comes from; -1 for the sheet's title rows"""
    kind: Literal["title", "heading", "note", "text", "fields", "table", "spacer"]
    part: str = ""
    """in a table: header, group, item, total or empty"""
    level: int = 0
    """a heading's level (1 the sheet's title)"""
    table: int = 0
    """which table of the block (a logic-model block makes one per model)"""
    items: str = ""
    """a table's list (e.g. entries), with ``item`` the row's item in it"""
    item: int = -1
    card: bool = False
    """each item is a table of its own: a table without header rows whose rows hold their own
    labels (each indicator with its 年度, 目標 and 実績)"""


@dataclass(slots=True)
class Row:
    height: float
    cells: list[Cell]
    tag: RowTag | None = None
    repeat: bool = False
    """printed again at the top of a continued page (a table's header): not content of its own"""
    continued: bool = False
    """goes on with the row above it (the rest of a row cut by a page break, or by the 409 pt
    limit of a spreadsheet row): not a row of its own"""


@dataclass(frozen=True)
class OutlineEntry:
    """A PDF bookmark pointing at the top of ``row``."""

    row: int
    level: int
    title: str


@dataclass
class SheetPlan:
    name: str
    title: str
    columns: list[float]
    """widths in points"""
    title_rows: list[Row]
    """printed at the top of every page"""
    rows: list[Row]
    page_starts: list[int]
    """index of the first row of each page"""
    outline: list[OutlineEntry] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_rows(self, page: int) -> range:
        end = self.page_starts[page + 1] if page + 1 < len(self.page_starts) else len(self.rows)
        return range(self.page_starts[page], end)


@dataclass(frozen=True)
class PageSetup:
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    header: float
    footer: float

    @property
    def body_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def body_width(self) -> float:
        return self.width - self.left - self.right


@dataclass(frozen=True)
class HeaderFooterPlan:
    """Text templates with only {page} and {pages} left to fill."""

    left: str
    center: str
    right: str
    style: str
    size: float
    """font size in points: the style's, or smaller when the texts are too long for the page"""

    @property
    def paged(self) -> bool:
        """Whether it shows the page's number or the count (else it is the same on every page)."""
        return any(PAGE in text or PAGES in text for text in (self.left, self.center, self.right))


PAGE, PAGES = "{page}", "{pages}"
"""the placeholders a header or footer keeps for the writers: each fills them its own way (the
PDF with numbers, the workbook with the spreadsheet's own fields)"""


def filled(text: str, page: str, pages: str) -> str:
    """A header or footer text with its page number and count put in."""
    return text.replace(PAGE, page).replace(PAGES, pages)


@dataclass(frozen=True)
class FontPlan:
    family: str
    """the family name a workbook uses"""
    regular: str
    """path of the regular TrueType file"""
    bold: str | None


@dataclass
class DocumentPlan:
    title: str
    subject: str
    author: str
    keywords: list[str]
    language: str
    page: PageSetup
    header: HeaderFooterPlan
    footer: HeaderFooterPlan
    fonts: dict[str, FontPlan]
    styles: dict[str, CellStyle]
    sheets: list[SheetPlan]
    notes: list[Issue] = field(default_factory=list)
    """data the plan leaves out by design (figures for years after the year columns): the build
    reports them, without failing"""
    too_long: Issue | None = None
    """set when the plan takes more pages than its layout's ``page.max_pages``: the build and
    validate refuse it (naming every such output at once), ``formgen plan`` shows it"""

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.sheets)

    def to_data(self) -> dict[str, Any]:
        """Plain data for JSON/YAML dumps (numbers as strings to keep them exact)."""

        def clean(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items() if v is not None and v is not False}
            if isinstance(value, (list, tuple)):
                return [clean(v) for v in value]
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, float):
                return round(value, 2)
            return value

        data = asdict(self)
        for font in data["fonts"].values():
            for key in ("regular", "bold"):
                if font[key]:
                    font[key] = font[key].rsplit("/", 1)[-1]
        return clean(data)

    def to_text(self) -> str:
        """A readable dump for golden tests: a line per row, per cell and per line of text as
        drawn, rows numbered within their page, so a moved line break is a small diff."""
        out = [
            f"document: {self.title}",
            f"page: {self.page.width:.2f} x {self.page.height:.2f} pt, "
            f"body {self.page.body_width:.2f} x {self.page.body_height:.2f}",
        ]
        for sheet in self.sheets:
            out.append(f"sheet {sheet.name}: {sheet.pages} pages, columns {' '.join(f'{w:g}' for w in sheet.columns)}")
            for entry in sheet.outline:
                page = max(p for p in range(sheet.pages) if sheet.page_starts[p] <= entry.row)
                where = f"page {page + 1} row {entry.row - sheet.page_starts[page]}"
                out.append(f"  bookmark {where} level {entry.level}: {entry.title}")
            if sheet.title_rows:
                out.append("  title rows (every page)")
                out.extend(_rows_text(sheet.title_rows))
            for page in range(sheet.pages):
                rows = sheet.page_rows(page)
                out.append(f"  page {page + 1}: {len(rows)} rows")
                out.extend(_rows_text([sheet.rows[i] for i in rows]))
        out.extend(f"note: {note}" for note in self.notes)
        return "\n".join(out) + "\n"


def _rows_text(rows: list[Row]) -> list[str]:
    out = []
    for index, row in enumerate(rows):
        out.append(f"    row {index} h={row.height:g}{_row_tag(row)}")
        for cell in row.cells:
            span = f"{cell.col}+{cell.colspan}" + (f" x{cell.rowspan}" if cell.rowspan > 1 else "")
            marks = (
                ("^", cell.open_top),
                ("v", cell.open_bottom),
                ("<", cell.flows_in),
                (">", cell.flows_on),
                ("H", cell.header),
                ("=", cell.copy),
            )
            flags = "".join(f for f, on in marks if on)
            if cell.graphic is not None:
                content = cell.graphic.describe()
            elif cell.number is not None:
                content = f"{cell.number} [{cell.number_format}] {cell.lines[0]}"
            else:
                out.append(f"      [{span}] {cell.style}{flags}:" + (f" {cell.lines[0]}" if cell.lines else ""))
                out.extend(f"        | {line}" for line in cell.lines[1:])
                continue
            out.append(f"      [{span}] {cell.style}{flags}: {content}")
    return out


def _row_tag(row: Row) -> str:
    """What a row is part of, for golden dumps: ``table:item``, ``heading 2``, ``repeat``."""
    if row.tag is None:
        return ""
    tag = row.tag
    text = f" {tag.kind}" + (f":{tag.part}" if tag.part else "") + (f" {tag.level}" if tag.kind == "heading" else "")
    return text + (" repeat" if row.repeat else "") + (" continued" if row.continued else "")
