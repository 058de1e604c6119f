"""xlsx writer: the plan as a workbook that prints like the PDF.

Column widths and row heights reproduce the plan's points, merged cells its spans,
and the print setup its pages. Numbers are stored as numbers with their formats;
text is stored with the line breaks the composer chose, so a spreadsheet wraps it
exactly there.

formgen writes the SpreadsheetML itself (grid → sheet, styles, package): through
XlsxWriter's public API a form's ~8,000 grid cells (every edge cell of a merged
range carries its borders) took 60 ms a workbook in per-cell calls, written here in
16 ms. The parts are those XlsxWriter writes for the same workbook, byte for byte
(tests/test_xlsx_parts.py compares them part by part), so the workbooks open in the
programs XlsxWriter is tested against. A plan with pictures, SDG tiles or charts is
still written through XlsxWriter (through_xlsxwriter.py), which draws those.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ...plan import DocumentPlan
from ...publish import document_time
from .grid import Placer, SharedStrings, WorkbookRefused
from .package import (
    ROOT_RELS,
    THEME,
    Package,
    Properties,
    SheetEntry,
    app_xml,
    content_types_xml,
    core_xml,
    shared_strings_xml,
    workbook_rels,
    workbook_xml,
    zipped,
)
from .sheet import form_sheet
from .styles import DEFAULT_FONT_SIZE, Styles
from .through_xlsxwriter import write_through_xlsxwriter
from .xml import absolute

__all__ = ["DEFAULT_FONT_SIZE", "WorkbookRefused", "write_xlsx"]


def write_xlsx(plan: DocumentPlan, timestamp: datetime | None = None) -> bytes:
    """The workbook for ``plan`` as bytes; ``timestamp`` fixes its dates (reproducible builds).

    Raises WorkbookRefused for a cell a workbook cannot hold (outside the sheet, a text over
    32,767 characters) rather than return a workbook without it."""
    if any(cell.graphic for sheet in plan.sheets for row in sheet.title_rows + sheet.rows for cell in row.cells):
        return write_through_xlsxwriter(plan, timestamp)
    when = (timestamp or document_time()).astimezone(UTC).replace(tzinfo=None)
    base = next(iter(plan.fonts.values()))
    styles = Styles(plan, base.family, DEFAULT_FONT_SIZE)
    strings = SharedStrings()
    placer = Placer(plan, styles, strings)
    package = Package()
    sheets: list[str] = []
    for index, sheet in enumerate(plan.sheets):
        placed = placer.sheet(sheet)
        sheets.append(form_sheet(plan, sheet, placed, styles, selected=index == 0))
        last = absolute(len(placed.rows) - 1, len(sheet.columns) - 1)
        package.sheets.append(SheetEntry(sheet.name, f"$A$1:{last}", len(sheet.title_rows)))
    has_strings = strings.uses > 0
    parts: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", content_types_xml(package, has_strings)),
        ("_rels/.rels", ROOT_RELS),
        ("xl/_rels/workbook.xml.rels", workbook_rels(package, has_strings)),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, xml in enumerate(sheets, 1)]
    parts.append(("xl/workbook.xml", workbook_xml(package.sheets)))
    if has_strings:
        parts.append(("xl/sharedStrings.xml", shared_strings_xml(strings)))
    parts += [("xl/styles.xml", styles.xml()), ("xl/theme/theme1.xml", THEME)]
    properties = Properties(plan.title, plan.subject, plan.author, ", ".join(plan.keywords), when)
    parts += [("docProps/core.xml", core_xml(properties)), ("docProps/app.xml", app_xml(package.sheets))]
    return zipped([(name, data.encode() if isinstance(data, str) else data) for name, data in parts])
