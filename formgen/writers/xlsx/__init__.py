"""xlsx writer: the plan as a workbook that prints like the PDF.

Column widths and row heights reproduce the plan's points, merged cells its spans,
and the print setup its pages. Numbers are stored as numbers with their formats;
text is stored with the line breaks the composer chose, so a spreadsheet wraps it
exactly there. Pictures and SDG tiles are anchored pictures, KPI charts native
charts reading the sheet's cells.

formgen writes the SpreadsheetML itself (grid → sheet, styles, drawings, package):
through XlsxWriter's public API a form's ~8,000 grid cells (every edge cell of a
merged range carries its borders) took 60 ms a workbook in per-cell calls, written
here in 16 ms. The parts are those XlsxWriter writes for the same workbook, byte for
byte (tests/test_xlsx_parts.py compares them part by part with formgen's former
XlsxWriter writer), so the workbooks open in the programs XlsxWriter is tested
against. XlsxWriter remains a dependency for its documented helpers (image sizes and
resolutions, sheet-name quoting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ...plan import DocumentPlan
from ...publish import document_time
from .container import zipped
from .drawings import Drawings
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
    drawing_rels,
    shared_strings_xml,
    workbook_rels,
    workbook_xml,
)
from .sheet import data_sheet, form_sheet
from .styles import DEFAULT_FONT_SIZE, Styles
from .xml import absolute

__all__ = ["DEFAULT_FONT_SIZE", "WorkbookRefused", "write_xlsx"]


def write_xlsx(plan: DocumentPlan, timestamp: datetime | None = None) -> bytes:
    """The workbook for ``plan`` as bytes; ``timestamp`` fixes its dates (reproducible builds).

    Raises WorkbookRefused for a cell a workbook cannot hold (outside the sheet, a text over
    32,767 characters) rather than return a workbook without it."""
    when = (timestamp or document_time()).astimezone(UTC).replace(tzinfo=None)
    made = _sheets(plan)
    parts = _parts(plan, made, when)
    return zipped([(name, data.encode() if isinstance(data, str) else data) for name, data in parts])


@dataclass
class _Made:
    """The sheets' XML and what the other parts list of them."""

    styles: Styles
    strings: SharedStrings
    drawings: Drawings
    package: Package = field(default_factory=Package)
    sheets: list[str] = field(default_factory=list)


def _sheets(plan: DocumentPlan) -> _Made:
    """Every form sheet placed on its grid and written, then the charts' hidden data sheet."""
    base = next(iter(plan.fonts.values()))
    made = _Made(Styles(plan, base.family, DEFAULT_FONT_SIZE), SharedStrings(), Drawings(plan))
    placer = Placer(plan, made.styles, made.strings)
    for index, sheet in enumerate(plan.sheets):
        placed = placer.sheet(sheet)
        drawing = made.drawings.add(sheet, placed)
        made.sheets.append(form_sheet(plan, sheet, placed, made.styles, index == 0, drawing.number > 0))
        last = absolute(len(placed.rows) - 1, len(sheet.columns) - 1)
        area = "$A$1" if last == "$A$1" else f"$A$1:{last}"  # one cell: no range
        made.package.sheets.append(SheetEntry(sheet.name, area, len(sheet.title_rows)))
    hidden = made.drawings.data_sheet([s.name for s in made.package.sheets], made.strings)
    if hidden is not None:
        made.sheets.append(data_sheet(hidden[1]))
        made.package.sheets.append(SheetEntry(hidden[0], hidden=True))
    return made


def _parts(plan: DocumentPlan, made: _Made, when: datetime) -> list[tuple[str, str | bytes]]:
    """Every part of the package, in the order Excel (and XlsxWriter) writes them."""
    drawings, package = made.drawings, made.package
    drawing_parts = drawings.parts(made.strings)  # numbers the pictures: before the content types
    package.charts = len(drawings.charts)
    package.drawings = sum(1 for d in drawings.sheets if d.number)
    package.image_types = drawings.image_types()
    has_strings = made.strings.uses > 0
    parts: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", content_types_xml(package, has_strings)),
        ("_rels/.rels", ROOT_RELS),
        ("xl/_rels/workbook.xml.rels", workbook_rels(package, has_strings)),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, xml in enumerate(made.sheets, 1)]
    parts += [("xl/workbook.xml", workbook_xml(package.sheets)), *drawing_parts.charts_and_drawings]
    if has_strings:
        parts.append(("xl/sharedStrings.xml", shared_strings_xml(made.strings)))
    parts += [("xl/styles.xml", made.styles.xml()), ("xl/theme/theme1.xml", THEME)]
    numbers = [d.number for d in drawings.sheets]
    parts += [(f"xl/worksheets/_rels/sheet{i}.xml.rels", drawing_rels(n)) for i, n in enumerate(numbers, 1) if n]
    parts += [*drawing_parts.rels, *drawing_parts.media]
    properties = Properties(plan.title, plan.subject, plan.author, ", ".join(plan.keywords), when)
    return parts + [("docProps/core.xml", core_xml(properties)), ("docProps/app.xml", app_xml(package.sheets))]
