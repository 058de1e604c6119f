"""xlsx writer: the plan as a workbook that prints like the PDF.

A thin translator. Column widths and row heights reproduce the plan's points,
merged cells its spans, and the print setup its pages (A4, margins, 100 %
scale, print area, print titles, a manual break at every page of the plan).
Numbers are stored as numbers with their formats; text is stored with the
line breaks the composer chose, so a spreadsheet wraps it exactly there.

openpyxl's ``merge_cells`` rebuilds every covered cell and its borders, which
dominated the write time; merges are registered directly here and the edge
borders are written with the cells, as Excel expects.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.worksheet import Worksheet

from .plan import Cell, CellStyle, DocumentPlan, HeaderFooterPlan, Row, SheetPlan

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
    """openpyxl style objects, made once per distinct need (style creation is slow)."""

    def __init__(self, plan: DocumentPlan):
        self.plan = plan
        self._fonts: dict[str, Font] = {}
        self._fills: dict[str, PatternFill | None] = {}
        self._aligns: dict[tuple[str, str], Alignment] = {}
        self._borders: dict[tuple[str, str, str, str], Border] = {}

    def font(self, style: CellStyle) -> Font:
        font = self._fonts.get(style.name)
        if font is None:
            family = self.plan.fonts[style.font].family
            font = self._fonts[style.name] = Font(name=family, size=style.size, bold=style.bold, color="FF" + style.color)
        return font

    def fill(self, style: CellStyle) -> PatternFill | None:
        if style.name not in self._fills:
            self._fills[style.name] = (
                PatternFill(fill_type="solid", fgColor="FF" + style.fill, bgColor="FF" + style.fill) if style.fill else None
            )
        return self._fills[style.name]

    def alignment(self, horizontal: str, vertical: str) -> Alignment:
        key = (horizontal, vertical)
        align = self._aligns.get(key)
        if align is None:
            align = self._aligns[key] = Alignment(
                horizontal=horizontal, vertical="center" if vertical == "middle" else vertical, wrap_text=True
            )
        return align

    def border(self, top: str, right: str, bottom: str, left: str) -> Border:
        key = (top, right, bottom, left)
        border = self._borders.get(key)
        if border is None:
            side = lambda kind: Side(style=None if kind == "none" else kind)  # noqa: E731
            border = self._borders[key] = Border(top=side(top), right=side(right), bottom=side(bottom), left=side(left))
        return border


def write_xlsx(plan: DocumentPlan, timestamp: datetime | None = None) -> bytes:
    """The workbook for ``plan`` as bytes; ``timestamp`` fixes every date inside (reproducible builds)."""
    when = timestamp or datetime(2000, 1, 1, tzinfo=timezone.utc)
    wb = Workbook()
    _set_default_font(wb, plan)
    wb.remove(wb.active)
    styles = _Styles(plan)
    first_page = 1
    for sheet in plan.sheets:
        ws = wb.create_sheet(sheet.name)
        _write_sheet(ws, plan, sheet, styles)
        _print_setup(ws, plan, sheet, first_page)
        first_page += sheet.pages
    naive = when.astimezone(timezone.utc).replace(tzinfo=None)
    wb.properties.creator = plan.author
    wb.properties.lastModifiedBy = plan.author
    wb.properties.title = plan.title
    wb.properties.subject = plan.subject
    wb.properties.keywords = ", ".join(plan.keywords)
    wb.properties.language = plan.language
    wb.properties.created = naive
    wb.properties.modified = naive
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fix_zip_times(buffer.getvalue(), naive)


def _set_default_font(wb: Workbook, plan: DocumentPlan) -> None:
    """Make the workbook's Normal font the embedded family, not Calibri (which LibreOffice
    replaces with a narrower font, shrinking every column)."""
    base = next(iter(plan.fonts.values()))
    font = Font(name=base.family, size=DEFAULT_FONT_SIZE, family=3)
    wb._fonts = IndexedList([font])
    normal = wb._named_styles["Normal"]
    normal.font = font


def _write_sheet(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan, styles: _Styles) -> None:
    for index, width in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column_width_chars(width)
    rows: list[Row] = sheet.title_rows + sheet.rows
    for r, row in enumerate(rows, start=1):
        ws.row_dimensions[r].height = row.height
        for cell in row.cells:
            _write_cell(ws, plan, r, cell, styles)


def _write_cell(ws: Worksheet, plan: DocumentPlan, r: int, cell: Cell, styles: _Styles) -> None:
    style = plan.styles[cell.style]
    top, right, bottom, left = style.borders
    if cell.open_top:
        top = "none"
    if cell.open_bottom:
        bottom = "none"
    c0, r0 = cell.col + 1, r
    c1, r1 = c0 + cell.colspan - 1, r0 + cell.rowspan - 1
    font = styles.font(style)
    fill = styles.fill(style)
    align = styles.alignment(cell.align or style.align, style.valign)
    for rr in range(r0, r1 + 1):
        for cc in range(c0, c1 + 1):
            edge = (top if rr == r0 else "none", right if cc == c1 else "none", bottom if rr == r1 else "none", left if cc == c0 else "none")
            if rr != r0 and cc != c0 and rr != r1 and cc != c1 and fill is None:
                continue  # an inner cell of a merge with nothing to show
            target = ws.cell(row=rr, column=cc)
            target.border = styles.border(*edge)
            if fill is not None:
                target.fill = fill
    target = ws.cell(row=r0, column=c0)
    target.font = font
    target.alignment = align
    if cell.number is not None:
        target.value = cell.number
        target.number_format = cell.number_format or "General"
    elif cell.lines:
        text = cell.text
        target.value = text
        target.data_type = "s"  # never a formula, whatever the text starts with
        if text.startswith(_FORMULA_START):
            target.quotePrefix = True
    if cell.colspan > 1 or cell.rowspan > 1:
        ws.merged_cells.add(CellRange(min_col=c0, min_row=r0, max_col=c1, max_row=r1))


def _print_setup(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan, first_page: int) -> None:
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
    ws.page_setup.scale = 100
    ws.page_setup.fitToWidth = 0
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.firstPageNumber = first_page
    ws.page_setup.useFirstPageNumber = True
    ws.print_options.horizontalCentered = False
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


def _header_footer(target, plan: DocumentPlan, spec: HeaderFooterPlan) -> None:  # noqa: ANN001
    style = plan.styles[spec.style]
    family = plan.fonts[style.font].family
    for slot in ("left", "center", "right"):
        text = getattr(spec, slot)
        if not text:
            continue
        item = getattr(target, slot)
        item.text = text.replace("&", "&&").replace("{page}", "&P").replace("{pages}", str(plan.pages))
        item.font = f"{family},{'Bold' if style.bold else 'Regular'}"
        item.size = style.size


def _fix_zip_times(data: bytes, when: datetime) -> bytes:
    """Rewrite the archive with one fixed time on every entry, so equal inputs give equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
