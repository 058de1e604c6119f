"""A worksheet's XML: columns, rows, cells, merged ranges and the print setup.

Column widths and row heights reproduce the plan's points at 96 dpi, and the print
setup its pages: A4 (or the plan's paper), margins, one page wide and as tall as it
takes, the print area, print titles, a manual break at every page of the plan, and
the header and footer with the spreadsheet's own page fields.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from ...plan import DocumentPlan, HeaderFooterPlan, SheetPlan, filled
from .grid import DEFAULT_COL_PX, DEFAULT_ROW_PX, Grid, Value
from .styles import Styles
from .xml import HEAD, MAX_COLUMNS, cell, column, text

log = logging.getLogger(__name__)

DIGIT_PX = 7
"""width of a digit of the default font at 96 dpi: a column's width is counted in digits"""
PAPER_SIZES = {(595, 842): 9, (842, 1191): 8, (420, 595): 11, (516, 729): 13, (729, 1032): 12, (612, 792): 1}
"""(width, height) in whole points → Excel paperSize code (A4, A3, A5, B5, B4, Letter)"""
MAX_HEADER = 255
"""Excel's longest header or footer, in UTF-16 units"""

_OPEN = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)


def form_sheet(
    plan: DocumentPlan, sheet: SheetPlan, placed: Grid, styles: Styles, selected: bool, drawing: bool
) -> str:
    """The XML of a form sheet laid out as the plan's pages."""
    last_col = max((max(cells) for cells in placed.cells if cells), default=0)
    view = ' tabSelected="1"' if selected else ""
    return "".join(
        [
            HEAD,
            _OPEN,
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            _dimension(len(placed.rows), last_col),
            f'<sheetViews><sheetView showGridLines="0"{view} workbookViewId="0"/></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            _columns(placed.widths),
            _sheet_data(placed, styles),
            _merges(placed.merges),
            _print_setup(plan, sheet),
            '<drawing r:id="rId1"/>' if drawing else "",
            "</worksheet>",
        ]
    )


def data_sheet(cells: dict[int, dict[int, Value]]) -> str:
    """The XML of the charts' hidden data sheet: plain cells, the default page setup."""
    rows = sorted(r for r in cells if cells[r])
    used = [c for r in rows for c in cells[r]]
    if not used:
        ref = "A1"
    else:
        first, last = (min(rows), min(used)), (max(rows), max(used))
        ref = cell(*first) if first == last else f"{cell(*first)}:{cell(*last)}"
    spans = _spans([cells.get(r, {}) for r in range(max(rows, default=-1) + 1)])
    out = []
    for r in rows:
        out.append(f'<row r="{r + 1}" spans="{spans[r >> 4]}">')
        for c in sorted(cells[r]):
            kind, value = cells[r][c]
            ref_c = cell(r, c)
            out.append(
                f'<c r="{ref_c}" t="s"><v>{value}</v></c>' if kind == "s" else f'<c r="{ref_c}"><v>{value:.16G}</v></c>'
            )
        out.append("</row>")
    return (
        f'{HEAD}{_OPEN}<dimension ref="{ref}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + ("<sheetData>" + "".join(out) + "</sheetData>" if out else "<sheetData/>")
        + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )


def _dimension(rows: int, last_col: int) -> str:
    if rows <= 1 and last_col == 0:
        return '<dimension ref="A1"/>'
    return f'<dimension ref="A1:{cell(rows - 1, last_col)}"/>'


def _columns(widths: list[int]) -> str:
    """Runs of equal widths as one <col> each."""
    if not widths:
        return ""
    out, start = [], 0
    for i in range(1, len(widths) + 1):
        if i == len(widths) or widths[i] != widths[start]:
            px = widths[start]
            custom = "" if px == DEFAULT_COL_PX else ' customWidth="1"'
            out.append(f'<col min="{start + 1}" max="{i}" width="{(px * 256 // DIGIT_PX) / 256.0:.16g}"{custom}/>')
            start = i
    return "<cols>" + "".join(out) + "</cols>"


def _sheet_data(placed: Grid, styles: Styles) -> str:
    """Rows with their heights and spans (the columns a block of 16 rows uses), and their cells."""
    spans = _spans(placed.cells)
    index = styles.index
    number = styles.number
    shared: dict[int, str] = {}
    """a blank grid cell's XML after its reference, by the cell's identity (alive all along)"""
    if not placed.cells:
        return "<sheetData/>"
    letters = [column(c) for c in range(1 + max((max(cells) for cells in placed.cells if cells), default=-1))]
    out = ["<sheetData>"]
    for r, cells in enumerate(placed.cells):
        px = placed.heights[r]
        if px == 0:  # a row of no height is a hidden one of the default height
            height = ' hidden="1"'
        else:
            height = "" if px == DEFAULT_ROW_PX else f' ht="{px * 0.75:.16g}" customHeight="1"'
        span = spans.get(r >> 4)
        attrs = f'<row r="{r + 1}"' + (f' spans="{span}"' if span else "") + height
        if not cells:
            out.append(attrs + "/>")
            continue
        out.append(attrs + ">")
        row = str(r + 1)
        for c in sorted(cells):
            found = cells[c]
            tail = shared.get(id(found))
            if tail is None:
                key, (kind, value) = found
                s = index.get(key) or number(key)
                if kind == "s":
                    tail = f' s="{s}" t="s"><v>{value}</v></c>'
                elif kind == "n":
                    tail = f' s="{s}"><v>{value:.16G}</v></c>'
                else:
                    tail = shared[id(found)] = f' s="{s}"/>'  # blanks of a pattern are one object
            out.append(f'<c r="{letters[c]}{row}"{tail}')
        out.append("</row>")
    out.append("</sheetData>")
    return "".join(out)


def _spans(rows: Sequence[Mapping[int, object]]) -> dict[int, str]:
    """Each block of 16 rows: the first and last column its cells use (1-based), as Excel lists them."""
    spans: dict[int, str] = {}
    for block in range(0, len(rows), 16):
        used = [c for cells in rows[block : block + 16] if cells for c in (min(cells), max(cells))]
        if used:
            spans[block >> 4] = f"{min(used) + 1}:{max(used) + 1}"
    return spans


def _merges(merges: list[tuple[int, int, int, int]]) -> str:
    if not merges:
        return ""
    ranges = "".join(f'<mergeCell ref="{cell(r0, c0)}:{cell(r1, c1)}"/>' for r0, c0, r1, c1 in merges)
    return f'<mergeCells count="{len(merges)}">{ranges}</mergeCells>'


def _print_setup(plan: DocumentPlan, sheet: SheetPlan) -> str:
    """Margins, paper, one page wide (where a reader lacks the fonts, the wider fallback font shrinks
    the sheet a little instead of cutting every wide cell into strips; the manual breaks keep the
    pages the PDF has), the header and footer, and a break before every page of the plan. Page
    numbers run on across sheets by themselves."""
    page = plan.page
    inch = 72.0
    margins = (
        f'<pageMargins left="{page.left / inch}" right="{page.right / inch}" top="{page.top / inch}" '
        f'bottom="{page.bottom / inch}" header="{page.header / inch}" footer="{page.footer / inch}"/>'
    )
    size = (round(min(page.width, page.height)), round(max(page.width, page.height)))
    paper = PAPER_SIZES.get(size)
    orientation = "portrait" if page.height >= page.width else "landscape"
    paper_size = f' paperSize="{paper}"' if paper else ""
    setup = f'<pageSetup{paper_size} fitToHeight="0" orientation="{orientation}"/>'
    title_count = len(sheet.title_rows)
    breaks = sorted({title_count + start for start in sheet.page_starts[1:]} - {0})[:1023]
    row_breaks = ""
    if breaks:
        listed = "".join(f'<brk id="{b}" max="{MAX_COLUMNS - 1}" man="1"/>' for b in breaks)
        row_breaks = f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">{listed}</rowBreaks>'
    header = _header_footer(plan.styles[plan.header.style].bold, plan.header, "oddHeader")
    footer = _header_footer(plan.styles[plan.footer.style].bold, plan.footer, "oddFooter")
    return margins + setup + f"<headerFooter>{header}{footer}</headerFooter>" + row_breaks


def _header_footer(bold: bool, spec: HeaderFooterPlan, element: str) -> str:
    """Header or footer texts with the spreadsheet's own page fields (&P, &N: right however a
    program repaginates) and no font code (Gnumeric printed one as text): the workbook's default
    font is the form's, bold by &B, the size by &n unless the text starts with a digit (which
    would read as part of the size). Excel holds at most 255 characters: a longer one is left
    out (and logged) rather than cut, as XlsxWriter does."""
    out = []
    for code, slot in (("&L", "left"), ("&C", "center"), ("&R", "right")):
        value = getattr(spec, slot)
        if not value:
            continue
        value = filled(value.replace("&", "&&"), "&P", "&N")  # the text's own & doubled first
        size = "" if value[:1].isdigit() else f"&{spec.size:g}"
        out.append(code + ("&B" if bold else "") + size + value)
    joined = "".join(out)
    if len(joined.encode("utf-16-le")) // 2 > MAX_HEADER:
        log.warning("%s of the workbook left out: longer than Excel's 255 characters", element)
        return ""
    return f"<{element}>{text(joined)}</{element}>" if joined else ""
