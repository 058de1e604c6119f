"""xlsx writer: the plan as a workbook that prints like the PDF.

A thin translator. Column widths and row heights reproduce the plan's points,
merged cells its spans, and the print setup its pages (A4, margins, 100 %
scale, print area, print titles, a manual break at every page of the plan).
Numbers are stored as numbers with their formats; text is stored with the
line breaks the composer chose, so a spreadsheet wraps it exactly there.

openpyxl's ``merge_cells`` rebuilds every covered cell and its borders, and
its style setters hash style objects for every cell; both dominated the write
time. Merges are registered directly here, the edge borders are written with
the cells (as Excel expects), and each distinct style is registered once.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .plan import Cell, CellStyle, DocumentPlan, HeaderFooterPlan, Row, SheetPlan
from .publish import document_time
from .xlsx_drawings import add_graphics

DEFAULT_FONT_SIZE = 10.5
"""The workbook's default font size. At 10.5 pt BIZ UD fonts have digits exactly
7 px wide at 96 dpi, so column widths in characters convert to whole pixels."""
MAX_DIGIT_PX = 7
POINTS_PER_PX = 0.75
PAPER_SIZES = {(595, 842): 9, (842, 1191): 8, (420, 595): 11, (516, 729): 13, (729, 1032): 12, (612, 792): 1}
"""(width, height) in whole points → Excel paperSize code (A4, A3, A5, B5, B4, Letter)"""
_FORMULA_START = ("=", "+", "-", "@")


def column_width_chars(points: float) -> float:
    """The stored width (in default-font digits) that gives ``points`` on screen and paper."""
    return round(points / POINTS_PER_PX) / MAX_DIGIT_PX


class _Styles:
    """Style ids, made once per distinct need.

    Assigning openpyxl style objects cell by cell hashes them every time, which
    dominated the write; here each combination is registered with the workbook
    once and cells get a copy of the resulting style array.
    """

    def __init__(self, wb: Workbook, plan: DocumentPlan):
        self.wb = wb
        self.plan = plan
        self._ids: dict[tuple, int] = {}

    def style_id(
        self, style: CellStyle, align: str, edges: tuple[str, str, str, str], number_format: str | None, quote: bool
    ) -> int:
        """The index of the cell format (xf) for this combination, registered once per workbook."""
        key = (style.name, align, edges, number_format, quote)
        found = self._ids.get(key)
        if found is None:
            wb = self.wb
            family = self.plan.fonts[style.font].family
            font, fill, border, alignment = _style_objects(
                family, style.size, style.bold, style.color, style.fill, edges, align, style.valign
            )
            fmt = number_format or "General"
            fmt_id = BUILTIN_FORMATS_REVERSE.get(fmt)
            if fmt_id is None:
                fmt_id = wb._number_formats.add(fmt) + BUILTIN_FORMATS_MAX_SIZE
            array = StyleArray(
                [
                    wb._fonts.add(font),
                    wb._fills.add(fill),
                    wb._borders.add(border),
                    fmt_id,
                    0,
                    wb._alignments.add(alignment),
                    0,
                    1 if quote else 0,
                    0,
                ]
            )
            found = self._ids[key] = wb._cell_styles.add(array)
        return found


@lru_cache(maxsize=4096)
def _style_objects(
    family: str,
    size: float,
    bold: bool,
    color: str,
    fill_color: str | None,
    edges: tuple[str, str, str, str],
    align: str,
    valign: str,
) -> tuple[Font, PatternFill, Border, Alignment]:
    """openpyxl style objects, made once per process (they are slow to build and never changed)."""
    font = Font(name=family, size=size, bold=bold, color="FF" + color)
    fill = (
        PatternFill(fill_type="solid", fgColor="FF" + fill_color, bgColor="FF" + fill_color)
        if fill_color
        else PatternFill()
    )

    def side(kind: str) -> Side:
        return Side(style=None if kind == "none" else kind)

    border = Border(top=side(edges[0]), right=side(edges[1]), bottom=side(edges[2]), left=side(edges[3]))
    alignment = Alignment(horizontal=align, vertical="center" if valign == "middle" else valign, wrap_text=True)
    return font, fill, border, alignment


def write_xlsx(plan: DocumentPlan, timestamp: datetime | None = None) -> bytes:
    """The workbook for ``plan`` as bytes; ``timestamp`` fixes every date inside (reproducible builds)."""
    when = timestamp or document_time()
    wb = Workbook()
    _set_default_font(wb, plan)
    wb.remove(wb.active)
    styles = _Styles(wb, plan)
    sheet_data: dict[str, bytes] = {}
    """worksheet part name → its cells"""
    for sheet in plan.sheets:
        ws = wb.create_sheet(sheet.name)
        sheet_data[f"xl/worksheets/sheet{len(sheet_data) + 1}.xml"] = _sheet_data(ws, plan, sheet, styles)
        _print_setup(ws, plan, sheet)
        add_graphics(ws, plan, sheet)
    naive = when.astimezone(UTC).replace(tzinfo=None)
    wb.properties.creator = plan.author
    wb.properties.lastModifiedBy = plan.author
    wb.properties.title = plan.title
    wb.properties.subject = plan.subject
    wb.properties.keywords = ", ".join(plan.keywords)
    wb.properties.language = plan.language
    wb.properties.created = naive
    wb.properties.modified = naive
    buffer = io.BytesIO()
    # ExcelWriter rather than wb.save(): save() stamps 'modified' with the clock
    ExcelWriter(wb, _FixedTimeZip(buffer, naive, sheet_data)).save()
    return buffer.getvalue()


def _set_default_font(wb: Workbook, plan: DocumentPlan) -> None:
    """Make the workbook's Normal font the embedded family, not Calibri (which LibreOffice
    replaces with a narrower font, shrinking every column)."""
    base = next(iter(plan.fonts.values()))
    font = Font(name=base.family, size=DEFAULT_FONT_SIZE, family=3)
    wb._fonts = IndexedList([font])
    normal = wb._named_styles["Normal"]
    normal.font = font


_OOXML_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def _ooxml_text(text: str) -> str:
    """Text as a workbook stores it: Excel reads ``_x000D_`` as an escaped character, so an
    underscore that starts such a sequence is itself escaped (``_x005F_``) to stay literal."""
    return _OOXML_ESCAPE.sub("_x005F_", text)


def _escape(text: str) -> str:
    return _ooxml_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_data(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan, styles: _Styles) -> bytes:
    """The worksheet's <sheetData> and <mergeCells>.

    Cells are written here as XML rather than as openpyxl cell objects: a sheet
    holds thousands of styled cells (the edges of every merged range carry its
    borders, as Excel expects), and building and serialising a cell object each
    was most of the time spent writing a workbook. openpyxl still writes every
    other part of the workbook.
    """
    for index, width in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column_width_chars(width)
    letters = [get_column_letter(c) for c in range(1, len(sheet.columns) + 1)]
    rows: list[Row] = sheet.title_rows + sheet.rows
    cells: list[dict[int, str]] = [{} for _ in rows]
    merges: list[str] = []
    for r, row in enumerate(rows, start=1):
        for cell in row.cells:
            _cell_xml(plan, r, cell, styles, letters, cells, merges)
    out = ["<sheetData>"]
    for r, (row, row_cells) in enumerate(zip(rows, cells, strict=True), start=1):
        out.append(f'<row r="{r}" ht="{row.height:g}" customHeight="1">')
        out.extend(row_cells[c] for c in sorted(row_cells))
        out.append("</row>")
    out.append("</sheetData>")
    if merges:  # the element that follows sheetData in these worksheets
        out.append(f'<mergeCells count="{len(merges)}">{"".join(merges)}</mergeCells>')
    return "".join(out).encode("utf-8")


def _cell_xml(
    plan: DocumentPlan,
    r: int,
    cell: Cell,
    styles: _Styles,
    letters: list[str],
    out: list[dict[int, str]],
    merges: list[str],
) -> None:
    style = plan.styles[cell.style]
    top, right, bottom, left = style.borders
    if cell.open_top:
        top = "none"
    if cell.open_bottom:
        bottom = "none"
    c0, r0 = cell.col, r
    c1, r1 = c0 + cell.colspan - 1, r0 + cell.rowspan - 1
    align = cell.align or style.align
    text = None if cell.number is not None else cell.text
    quote = text is not None and text.startswith(_FORMULA_START)
    for rr in range(r0, r1 + 1):
        for cc in range(c0, c1 + 1):
            if r0 < rr < r1 and c0 < cc < c1 and style.fill is None:
                continue  # an inner cell of a merge with nothing to show
            edges = (
                top if rr == r0 else "none",
                right if cc == c1 else "none",
                bottom if rr == r1 else "none",
                left if cc == c0 else "none",
            )
            first = rr == r0 and cc == c0
            sid = styles.style_id(style, align, edges, cell.number_format if first else None, quote and first)
            ref = f"{letters[cc]}{rr}"
            if first and cell.number is not None:
                value = cell.number if isinstance(cell.number, int) else format(cell.number, "f")
                out[rr - 1][cc] = f'<c r="{ref}" s="{sid}" t="n"><v>{value}</v></c>'
            elif first and text:
                # an inline string: never a formula, whatever the text starts with
                body = _escape(text)
                out[rr - 1][cc] = (
                    f'<c r="{ref}" s="{sid}" t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'
                )
            else:
                out[rr - 1][cc] = f'<c r="{ref}" s="{sid}"/>'
    if cell.colspan > 1 or cell.rowspan > 1:
        merges.append(f'<mergeCell ref="{letters[c0]}{r0}:{letters[c1]}{r1}"/>')


def _print_setup(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan) -> None:
    page = plan.page
    inch = 72.0
    ws.page_margins.left = page.left / inch
    ws.page_margins.right = page.right / inch
    ws.page_margins.top = page.top / inch
    ws.page_margins.bottom = page.bottom / inch
    ws.page_margins.header = page.header / inch
    ws.page_margins.footer = page.footer / inch
    portrait = page.height >= page.width
    size = (round(min(page.width, page.height)), round(max(page.width, page.height)))
    paper = PAPER_SIZES.get(size)
    if paper is not None:
        ws.page_setup.paperSize = paper
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    # one page wide, as tall as it takes: where a reader lacks the fonts, the wider fallback
    # font shrinks the sheet a little instead of cutting every wide cell into strips; the
    # manual breaks keep the pages the PDF has. Page numbers run on across sheets by
    # themselves (first page number: automatic).
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    ws.sheet_view.showGridLines = False  # the form draws its own borders
    title_count = len(sheet.title_rows)
    last_row = title_count + len(sheet.rows)
    ws.print_area = f"A1:{get_column_letter(len(sheet.columns))}{last_row}"
    if title_count:
        ws.print_title_rows = f"1:{title_count}"
    breaks = RowBreak()
    for start in sheet.page_starts[1:]:
        breaks.append(Break(id=title_count + start))
    ws.row_breaks = breaks
    _header_footer(ws.oddHeader, plan, plan.header)
    _header_footer(ws.oddFooter, plan, plan.footer)


def _header_footer(target: Any, plan: DocumentPlan, spec: HeaderFooterPlan) -> None:
    """Header or footer texts with the spreadsheet's own page fields (&P, &N: right however a
    program repaginates) and no font code (Gnumeric printed ours as text): the workbook's
    default font is the form's, bold by &B."""
    style = plan.styles[spec.style]
    for slot in ("left", "center", "right"):
        text = getattr(spec, slot)
        if not text:
            continue
        item = getattr(target, slot)
        item.text = _ooxml_text(text.replace("&", "&&").replace("{page}", "&P").replace("{pages}", "&N"))
        item.size = spec.size
        if style.bold:
            item.text = "&B" + item.text


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed time (reproducible builds),
    and which puts formgen's cell data into the worksheets openpyxl writes."""

    def __init__(self, target: io.BytesIO, when: datetime, sheet_data: dict[str, bytes]):
        super().__init__(target, "w", compression=zipfile.ZIP_DEFLATED)
        self._stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
        self._sheet_data = sheet_data

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes worksheets through temporary files, whose time would leak in
        with open(filename, "rb") as handle:
            data = handle.read()
        cells = self._sheet_data.get(arcname or "")
        if cells is not None:
            data = _EMPTY_SHEET_DATA.sub(lambda _: cells, data, count=1)
        return self.writestr(arcname or str(filename), data)


_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
