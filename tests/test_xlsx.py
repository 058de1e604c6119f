"""The workbook read back with openpyxl: figures are numbers, geometry and print setup are the plan's."""

from __future__ import annotations

import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from conftest import MINIMAL_RECORD, Built, build_project, project_with
from formgen.eras import FiscalYear
from formgen.plan import Row

YEARS = [FiscalYear.parse(f"R{n}") for n in range(5, 9)]


@pytest.fixture
def workbook(built_workbook: openpyxl.Workbook) -> openpyxl.Workbook:
    return built_workbook


def numeric_cells(ws) -> Counter:  # noqa: ANN001
    found: Counter = Counter()
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                found[(Decimal(str(cell.value)), cell.number_format)] += 1
    return found


def test_every_kpi_figure_is_a_number_with_its_format(built: Built, workbook: openpyxl.Workbook) -> None:
    found = numeric_cells(workbook["施策評価票"])
    expected: Counter = Counter()
    for kpi in built.record.kpis:
        for year in YEARS:
            entry = kpi.years.get(year)
            for value in (entry.target, entry.actual) if entry else ():
                if value is not None:
                    expected[(Decimal(value), "#,##0")] += 1
    assert sum(expected.values()) == 24  # 4 indicators × 4 targets + 8 actuals
    assert not expected - found, f"missing numeric KPI cells: {expected - found}"
    rates = {(v, f) for (v, f) in found if f.endswith("%")}
    assert rates == {
        (Decimal("0.573"), "0.0%"),
        (Decimal("0.62"), "0.0%"),
        (Decimal("1.07"), "0%"),
        (Decimal("1.08"), "0%"),
        (Decimal("0.908"), "0.0%"),
        (Decimal("0.718"), "0.0%"),
        (Decimal("1.229"), "0.0%"),
        (Decimal("1.309"), "0.0%"),
    }


def test_every_finance_figure_is_a_number_in_thousands_format(built: Built, workbook: openpyxl.Workbook) -> None:
    found = numeric_cells(workbook["事務事業評価"])
    expected: Counter = Counter()
    for project in built.record.projects:
        for column in project.years.values():
            for value in (column.cost, column.general_revenue, column.personnel):
                if value is not None:
                    expected[(Decimal(value), "#,##0")] += 1
    assert sum(expected.values()) == 87  # 16 projects × 6 figures, 9 of them printed 「-」
    assert not expected - found, f"missing numeric finance cells: {expected - found}"
    assert (Decimal(22309), "#,##0") in found  # printed 22,309


def _sheet_rows(built: Built, name: str) -> tuple[list[Row], int]:
    sheet = next(s for s in built.plan.sheets if s.name == name)
    return sheet.title_rows + sheet.rows, len(sheet.title_rows)


@pytest.mark.parametrize("name", ["施策評価票", "事務事業評価", "ロジックモデル", "成果根拠"])
def test_cells_merges_widths_and_heights_are_the_plans(built: Built, workbook: openpyxl.Workbook, name: str) -> None:
    ws = workbook[name]
    sheet = next(s for s in built.plan.sheets if s.name == name)
    rows, _ = _sheet_rows(built, name)
    for index, width in enumerate(sheet.columns, start=1):
        # a <col> element may cover a run of equal columns
        stored = next(d.width for d in ws.column_dimensions.values() if d.min <= index <= d.max)
        # a stored width in characters shows as whole pixels (ECMA-376 Part 1, 18.3.1.13; the
        # digits of BIZ UD at the workbook's 10.5 pt are 7 px wide)
        pixels = int((256 * stored + int(128 / 7)) / 256 * 7)
        assert pixels == round(width / 0.75), f"column {index}"
    merges = set()
    for r, row in enumerate(rows, start=1):
        assert ws.row_dimensions[r].height == pytest.approx(row.height), f"row {r}"
        for cell in row.cells:
            target = ws.cell(row=r, column=cell.col + 1)
            if cell.number is not None:
                assert Decimal(str(target.value)) == Decimal(cell.number)
                assert target.number_format == cell.number_format
            else:
                assert (target.value or "") == cell.text, f"row {r} col {cell.col + 1}"
            if cell.colspan > 1 or cell.rowspan > 1:
                merges.add(
                    str(
                        CellRange(
                            min_col=cell.col + 1,
                            min_row=r,
                            max_col=cell.col + cell.colspan,
                            max_row=r + cell.rowspan - 1,
                        )
                    )
                )
    assert {str(m) for m in ws.merged_cells.ranges} == merges
    assert len(merges) > 5


@pytest.mark.parametrize("name", ["施策評価票", "事務事業評価", "ロジックモデル", "成果根拠"])
def test_every_range_draws_its_own_lines_on_its_edge_cells_and_no_others(
    built: Built, workbook: openpyxl.Workbook, name: str
) -> None:
    """Each line a range wants along an edge is a border, of its kind, of the range's own grid
    cell there, and no grid cell has a border no range wants. Its own, not the neighbour's
    across the edge: wherever a program breaks the pages (Excel ignores manual page breaks when
    a sheet is fitted to the page width; Gnumeric ignores the fitting and cuts the sheet into
    strips), the line then shows on both sides of the break."""
    rows, _ = _sheet_rows(built, name)
    own: dict[tuple[int, int], list[str]] = {}
    """grid cell → the lines its range wants along it (top, right, bottom, left; "" for none)"""
    for r0, row in enumerate(rows):
        for cell in row.cells:
            top, right, bottom, left = (
                "" if kind == "none" else kind for kind in built.plan.styles[cell.style].borders
            )
            r1, c1 = r0 + cell.rowspan - 1, cell.col + cell.colspan - 1
            for r in range(r0, r1 + 1):
                for c in range(cell.col, c1 + 1):
                    own[(r, c)] = [
                        top if r == r0 and not cell.open_top else "",
                        right if c == c1 else "",
                        bottom if r == r1 and not cell.open_bottom else "",
                        left if c == cell.col else "",
                    ]
    borders = _cell_borders(built.xlsx, workbook.sheetnames.index(name) + 1)
    drawn = {at: list(sides) for at, sides in borders.items() if any(sides)}
    wanted = {at: sides for at, sides in own.items() if any(sides)}
    assert drawn == wanted
    assert len(wanted) > 20


def _cell_borders(path: Path, sheet: int) -> dict[tuple[int, int], tuple[str, str, str, str]]:
    """(row, column) from 0 → the border styles (top, right, bottom, left; "" for none) of every
    cell the sheet's XML holds, read from the file itself: openpyxl gives a merged range's edge
    cells the first cell's borders when it loads a workbook, which would hide what is written."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
        cells = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{sheet}.xml"))
    kinds = [
        tuple(border.find(f"m:{side}", ns).get("style", "") for side in ("top", "right", "bottom", "left"))
        for border in styles.findall("m:borders/m:border", ns)
    ]
    by_format = [kinds[int(xf.get("borderId", "0"))] for xf in styles.findall("m:cellXfs/m:xf", ns)]
    out = {}
    for cell in cells.iter(f"{{{ns['m']}}}c"):
        ref = openpyxl.utils.cell.coordinate_from_string(cell.get("r"))
        column = openpyxl.utils.cell.column_index_from_string(ref[0])
        out[(ref[1] - 1, column - 1)] = by_format[int(cell.get("s", "0"))]
    return out


@pytest.mark.parametrize("name", ["施策評価票", "事務事業評価", "ロジックモデル", "成果根拠"])
def test_print_setup_is_the_plans(built: Built, workbook: openpyxl.Workbook, name: str) -> None:
    ws = workbook[name]
    sheet = next(s for s in built.plan.sheets if s.name == name)
    page = built.plan.page
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    # one page wide, as tall as it takes (manual breaks make the pages)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # fitToWidth="1" is the default, which a writer may leave out
    assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_view.showGridLines is False
    for side in ("left", "right", "top", "bottom", "header", "footer"):
        assert getattr(ws.page_margins, side) * 72 == pytest.approx(getattr(page, side), abs=0.01)
    rows, titles = _sheet_rows(built, name)
    last = get_column_letter(len(sheet.columns))
    assert ws.print_area == f"'{name}'!$A$1:${last}${len(rows)}"
    if titles:
        assert ws.print_title_rows == f"$1:${titles}"
    else:
        assert ws.print_title_rows is None
    assert [b.id for b in ws.row_breaks.brk] == [titles + start for start in sheet.page_starts[1:]]
    # page numbers from the spreadsheet's own fields, running on across sheets by themselves
    assert ws.page_setup.firstPageNumber is None and not ws.page_setup.useFirstPageNumber
    assert ws.oddFooter.center.text == "&P / &N" and ws.oddFooter.center.font is None


def test_project_sheet_repeats_its_title_on_every_page(built: Built, workbook: openpyxl.Workbook) -> None:
    ws = workbook["事務事業評価"]
    assert ws.print_title_rows == "$1:$1"
    assert ws["A1"].value == "令和7年度行政評価 事務事業評価 政策分野37 交流・移住"
    assert len(ws.row_breaks.brk) >= 4


def test_default_font_is_the_embedded_family(built: Built) -> None:
    with zipfile.ZipFile(built.xlsx) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert "Calibri" not in styles
    first_font = styles.split("<font>", 1)[1].split("</font>", 1)[0]
    assert 'val="BIZ UDGothic"' in first_font and 'val="10.5"' in first_font
    assert "<scheme" not in first_font  # a theme font would override the name


def test_sheet_names_are_unique_and_valid(workbook: openpyxl.Workbook) -> None:
    names = workbook.sheetnames
    assert names == ["施策評価票", "事務事業評価", "ロジックモデル", "成果根拠"]
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= 31 and not set(n) & set(":\\/?*[]") for n in names)


def test_the_workbook_opens_on_its_first_sheet_at_a1(workbook: openpyxl.Workbook) -> None:
    assert workbook.active.title == "施策評価票"
    assert [ws.title for ws in workbook if ws.sheet_view.tabSelected] == ["施策評価票"]
    assert all(ws.sheet_view.selection[0].activeCell == "A1" for ws in workbook)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    risky = ["=SUM(A1:A3)", "+81-3-1234", "-1+1", "@cmd"]
    text = MINIMAL_RECORD.replace("vision: 新しい価値が生まれ続けるまち", f'vision: "{risky[0]}"')
    text = text.replace("name: 交流事業", f'name: "{risky[1]}"')
    text = text.replace("description: 交流を促進します。", f'description: "{risky[2]}"')
    text = text.replace("department: 総務部・総務課\n    main", f'department: "{risky[3]}"\n    main')
    project = project_with(tmp_path, text)
    assert build_project(project).exit_code == 0
    path = project / "out" / "R7" / "37.xlsx"
    wb = openpyxl.load_workbook(path)
    values = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if c.value in risky}
    assert set(values) == set(risky)
    assert all(c.data_type == "s" for c in values.values())
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)


def _content_cells(path: Path) -> dict[str, tuple[int, int, int]]:
    """Per sheet, the cells holding a value as read by openpyxl (normal and read-only mode, the
    latter trusting the sheet's declared used range) and by calamine (Rust)."""
    from python_calamine import CalamineWorkbook

    normal = openpyxl.load_workbook(path)
    streamed = openpyxl.load_workbook(path, read_only=True)
    calamine = CalamineWorkbook.from_path(str(path))
    counts = {}
    for name in normal.sheetnames:
        full = sum(1 for row in normal[name].iter_rows() for cell in row if cell.value is not None)
        fast = sum(1 for row in streamed[name].iter_rows() for cell in row if cell.value is not None)
        rust = sum(1 for row in calamine.get_sheet_by_name(name).to_python() for value in row if value != "")
        counts[name] = (full, fast, rust)
    streamed.close()
    return counts


def test_every_reader_sees_every_cell_of_the_sample(built: Built) -> None:
    counts = _content_cells(built.xlsx)
    assert all(full == fast == rust for full, fast, rust in counts.values()), counts
    assert counts["施策評価票"][0] > 200
    ws = openpyxl.load_workbook(built.xlsx, read_only=True)["施策評価票"]
    sheet = built.plan.sheets[0]
    assert ws.calculate_dimension() == f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.title_rows + sheet.rows)}"


def test_every_reader_sees_every_cell_of_42_synthetic_areas(synthetic_year: Path) -> None:
    from concurrent.futures import ProcessPoolExecutor

    books = sorted(synthetic_year.glob("*.xlsx"))
    assert len(books) == 42
    with ProcessPoolExecutor(2) as pool:  # openpyxl's normal mode takes most of a second a workbook
        counted = dict(zip(books, pool.map(_content_cells, books), strict=True))
    differing = {
        path.name: counts
        for path, counts in counted.items()
        if not all(full == fast == rust for full, fast, rust in counts.values())
    }
    assert differing == {}
    assert all(counts["施策評価票"][0] > 100 for counts in counted.values())


def test_the_writer_fails_rather_than_drop_a_cell(built: Built) -> None:
    """A cell holds at most 32,767 characters (XlsxWriter would cut the text and say so by a return
    code only): the writer raises instead of writing a workbook without the text."""
    import copy

    from formgen.writers.xlsx import WorkbookRefused, write_xlsx

    plan = copy.deepcopy(built.plan)
    cell = next(c for row in plan.sheets[0].rows for c in row.cells if c.number is None and c.text)
    cell.lines = ["あ" * 40_000]
    with pytest.raises(WorkbookRefused, match="32,767"):
        write_xlsx(plan)
