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


@dataclass
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

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Row:
    height: float
    cells: list[Cell]


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
        """A readable dump for golden tests: one line per row and per cell, text as drawn."""
        out = [
            f"document: {self.title}",
            f"page: {self.page.width:.2f} x {self.page.height:.2f} pt, "
            f"body {self.page.body_width:.2f} x {self.page.body_height:.2f}",
        ]
        for sheet in self.sheets:
            out.append(f"sheet {sheet.name}: {sheet.pages} pages, columns {' '.join(f'{w:g}' for w in sheet.columns)}")
            for entry in sheet.outline:
                out.append(f"  bookmark row {entry.row} level {entry.level}: {entry.title}")
            if sheet.title_rows:
                out.append("  title rows (every page)")
                out.extend(_rows_text(sheet.title_rows, 0))
            for page in range(sheet.pages):
                rows = sheet.page_rows(page)
                out.append(f"  page {page + 1}: rows {rows.start}-{rows.stop - 1}")
                out.extend(_rows_text([sheet.rows[i] for i in rows], rows.start))
        out.extend(f"note: {note}" for note in self.notes)
        return "\n".join(out) + "\n"


def _rows_text(rows: list[Row], first: int) -> list[str]:
    out = []
    for index, row in enumerate(rows, start=first):
        out.append(f"    row {index} h={row.height:g}")
        for cell in row.cells:
            span = f"{cell.col}+{cell.colspan}" + (f" x{cell.rowspan}" if cell.rowspan > 1 else "")
            flags = "".join(f for f, on in (("^", cell.open_top), ("v", cell.open_bottom)) if on)
            if cell.number is not None:
                content = f"{cell.number} [{cell.number_format}] {cell.lines[0]}"
            else:
                content = " / ".join(cell.lines)
            out.append(f"      [{span}] {cell.style}{flags}: {content}")
    return out
