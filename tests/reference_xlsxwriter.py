"""The reference for formgen's SpreadsheetML writer: the plan onto XlsxWriter's public API.

This is formgen's former workbook writer, kept as an independent translation (it
shares no code with formgen/writers/xlsx): XlsxWriter writes the XML, and
tests/test_xlsx_parts.py requires formgen's parts to be those bytes. One change: its
fonts say they are not the theme's (``font_scheme: none``, see _properties).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter
from reference_xlsxwriter_drawings import PX_PER_PT, ChartData, add_graphics
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from formgen.plan import Cell, CellStyle, DocumentPlan, HeaderFooterPlan, Row, SheetPlan
from formgen.publish import document_time

DEFAULT_FONT_SIZE = 10.5
"""The workbook's default font size. At 10.5 pt BIZ UD fonts have digits exactly
7 px wide at 96 dpi, so column widths in pixels are whole digits' widths."""
PAPER_SIZES = {(595, 842): 9, (842, 1191): 8, (420, 595): 11, (516, 729): 13, (729, 1032): 12, (612, 792): 1}
"""(width, height) in whole points → Excel paperSize code (A4, A3, A5, B5, B4, Letter)"""
BORDER_CODES = {"none": 0, "thin": 1, "medium": 2, "thick": 5, "double": 6, "hair": 7}
"""the plan's border kinds → XlsxWriter's border index"""

Edges = tuple[str, str, str, str]
NO_EDGES: Edges = ("none", "none", "none", "none")


class _Formats:
    """Cell formats, made once per workbook for each distinct need."""

    def __init__(self, workbook: xlsxwriter.Workbook, plan: DocumentPlan):
        self.workbook = workbook
        self.plan = plan
        self._made: dict[tuple[Any, ...], Format] = {}

    def get(self, style: CellStyle, align: str, edges: Edges, number_format: str | None, quote: bool) -> Format:
        key = (style.name, align, edges, number_format, quote)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = self.workbook.add_format(_properties(self.plan, style, align, edges))
            if number_format:
                found.set_num_format(number_format)
            if quote:
                found.set_quote_prefix()
        return found


def _properties(plan: DocumentPlan, style: CellStyle, align: str, edges: Edges) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "font_name": plan.fonts[style.font].family,
        # the form's fonts are not the theme's: without this XlsxWriter 3.3 marks fonts of the
        # default family as the theme's minor font, which Excel then draws in the theme's font
        # (Calibri / ＭＳ Ｐゴシック) whatever the name says; formgen's writer never writes a scheme
        "font_scheme": "none",
        "font_size": style.size,
        "bold": style.bold,
        "font_color": "#" + style.color,
        "align": align,
        "valign": "vcenter" if style.valign == "middle" else style.valign,
        "text_wrap": True,
        "top": BORDER_CODES[edges[0]],
        "right": BORDER_CODES[edges[1]],
        "bottom": BORDER_CODES[edges[2]],
        "left": BORDER_CODES[edges[3]],
    }
    if style.fill:
        properties.update(pattern=1, fg_color="#" + style.fill, bg_color="#" + style.fill)
    return properties


def write_through_xlsxwriter(plan: DocumentPlan, timestamp: datetime | None = None) -> bytes:
    """The workbook for ``plan`` as bytes; ``timestamp`` fixes its dates (reproducible builds).

    Raises WorkbookRefused when XlsxWriter refuses a cell, rather than return a workbook without
    it (XlsxWriter reports a cell out of range or a string too long by a return code only)."""
    when = (timestamp or document_time()).astimezone(UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    base = next(iter(plan.fonts.values()))
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,  # a text starting with = stays text
            "strings_to_urls": False,
            # the Normal font is the embedded family, not Calibri (LibreOffice replaces Calibri
            # with a narrower font and every column would shrink)
            "default_format_properties": {"font_name": base.family, "font_size": DEFAULT_FONT_SIZE},
        },
    )
    workbook.set_properties(
        {
            "title": plan.title,
            "subject": plan.subject,
            "author": plan.author,
            "keywords": ", ".join(plan.keywords),
            "created": when,
        }
    )
    formats = _Formats(workbook, plan)
    charts = ChartData(workbook)
    for sheet in plan.sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        _write_cells(worksheet, plan, sheet, formats)
        _print_setup(worksheet, plan, sheet)
        add_graphics(worksheet, plan, sheet, charts)
    charts.finish()
    workbook.close()
    return buffer.getvalue()


class WorkbookRefused(RuntimeError):
    """XlsxWriter refused a cell of the plan: a bug in formgen, never a workbook without it."""


def _ok(code: int, sheet: SheetPlan, row: int, col: int) -> None:
    if code != 0:
        reason = {-1: "outside the sheet", -2: "a text longer than 32,767 characters"}.get(code, f"code {code}")
        raise WorkbookRefused(f"sheet {sheet.name!r}, row {row + 1}, column {col + 1}: {reason}")


def _write_cells(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan, formats: _Formats) -> None:
    """Columns, rows, cells and merges."""
    for index, width in enumerate(sheet.columns):
        _ok(ws.set_column_pixels(index, index, round(width * PX_PER_PT)), sheet, 0, index)
    rows: list[Row] = sheet.title_rows + sheet.rows
    for r, row in enumerate(rows):
        _ok(ws.set_row(r, row.height), sheet, r, 0)
        for cell in row.cells:
            _ok(_write_cell(ws, plan, r, cell, formats), sheet, r, cell.col)


def _write_cell(ws: Worksheet, plan: DocumentPlan, r0: int, cell: Cell, formats: _Formats) -> int:
    """One cell of the plan: its value in the first grid cell, its borders on the edge cells of
    its span (as Excel expects of a merged range). Returns XlsxWriter's code: 0 when written."""
    style = plan.styles[cell.style]
    top, right, bottom, left = style.borders
    if cell.open_top:
        top = "none"
    if cell.open_bottom:
        bottom = "none"
    c0 = cell.col
    c1, r1 = c0 + cell.colspan - 1, r0 + cell.rowspan - 1
    align = cell.align or style.align
    text = None if cell.number is not None else cell.text
    quote = text is not None and text.startswith(("=", "+", "-", "@"))

    def edges(rr: int, cc: int) -> Edges:
        return (
            top if rr == r0 else "none",
            right if cc == c1 else "none",
            bottom if rr == r1 else "none",
            left if cc == c0 else "none",
        )

    first = formats.get(style, align, edges(r0, c0), cell.number_format, quote)
    if (r1, c1) != (r0, c0):
        # merged without a format (XlsxWriter then writes no blank cells), then each edge cell
        # gets its borders, and the inner cells the fill if there is one
        code = ws.merge_range(r0, c0, r1, c1, None, None)
        if code:
            return code
        for rr in range(r0, r1 + 1):
            for cc in range(c0, c1 + 1):
                if (rr, cc) == (r0, c0):
                    continue
                border = edges(rr, cc)
                if style.fill or border != NO_EDGES:  # a grid cell with nothing to show is not written
                    ws.write_blank(rr, cc, None, formats.get(style, align, border, None, False))
    if cell.number is not None:
        number = cell.number if isinstance(cell.number, int) else float(Decimal(cell.number))
        return int(ws.write_number(r0, c0, number, first))
    if text:
        return int(ws.write_string(r0, c0, text, first))
    return int(ws.write_blank(r0, c0, None, first))


def _print_setup(ws: Worksheet, plan: DocumentPlan, sheet: SheetPlan) -> None:
    page = plan.page
    inch = 72.0
    ws.set_margins(page.left / inch, page.right / inch, page.top / inch, page.bottom / inch)
    portrait = page.height >= page.width
    size = (round(min(page.width, page.height)), round(max(page.width, page.height)))
    paper = PAPER_SIZES.get(size)
    if paper is not None:
        ws.set_paper(paper)
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    # one page wide, as tall as it takes: where a reader lacks the fonts, the wider fallback
    # font shrinks the sheet a little instead of cutting every wide cell into strips; the
    # manual breaks keep the pages the PDF has. Page numbers run on across sheets by
    # themselves (first page number: automatic).
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)  # the form draws its own borders
    title_count = len(sheet.title_rows)
    last_row = title_count + len(sheet.rows) - 1
    ws.print_area(0, 0, last_row, len(sheet.columns) - 1)
    if title_count:
        ws.repeat_rows(0, title_count - 1)
    ws.set_h_pagebreaks([title_count + start for start in sheet.page_starts[1:]])
    ws.set_header(_header_footer(plan, plan.header), {"margin": page.header / inch})
    ws.set_footer(_header_footer(plan, plan.footer), {"margin": page.footer / inch})


def _header_footer(plan: DocumentPlan, spec: HeaderFooterPlan) -> str:
    """Header or footer texts with the spreadsheet's own page fields (&P, &N: right however a
    program repaginates) and no font code (Gnumeric printed one as text): the workbook's default
    font is the form's, bold by &B, the size by &n unless the text starts with a digit (which
    would read as part of the size)."""
    style = plan.styles[spec.style]
    out = []
    for code, slot in (("&L", "left"), ("&C", "center"), ("&R", "right")):
        text = getattr(spec, slot)
        if not text:
            continue
        text = text.replace("&", "&&").replace("{page}", "&P").replace("{pages}", "&N")
        size = "" if text[:1].isdigit() else f"&{spec.size:g}"
        out.append(code + ("&B" if style.bold else "") + size + text)
    return "".join(out)
