"""formgen's own SpreadsheetML writer against XlsxWriter, part by part.

formgen writes the workbooks' XML itself (formgen/writers/xlsx). The reference is
formgen's former writer, an independent translation of the plan onto XlsxWriter's
public API (tests/reference_xlsxwriter.py): for every shipped form — the sample's
施策評価票 and 事務事業評価シート, synthetic areas, the example city with its pictures,
SDG tiles and both kinds of chart, an init project's sheet — and for texts, sheet
names and charts that need care, every zip part must be the bytes XlsxWriter writes
for the same plan (the programs XlsxWriter is tested against open them). A
difference is shown at the first byte that differs.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_xlsxwriter import write_through_xlsxwriter

from conftest import EXAMPLE_CONFIG, ROOT, plan_of, run_cli
from formgen.build import area_layout
from formgen.compose import compose
from formgen.config.load import load_config
from formgen.datafiles import describe, load
from formgen.documents import load_documents, outputs
from formgen.plan import Cell, DocumentPlan, Graphic, Row, SheetPlan
from formgen.records import load_record
from formgen.writers.xlsx import WorkbookRefused, write_xlsx

WHEN = datetime(2024, 4, 1, 9, 30, tzinfo=UTC)


def parts(workbook: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def first_difference(ours: bytes, theirs: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    show = slice(max(0, at - 120), at + 120)
    return f"at byte {at}:\n ours:       {ours[show]!r}\n XlsxWriter: {theirs[show]!r}"


def assert_same_parts(plan: DocumentPlan) -> None:
    ours, theirs = write_xlsx(plan, WHEN), write_through_xlsxwriter(plan, WHEN)
    ours_parts, their_parts = parts(ours), parts(theirs)
    assert list(ours_parts) == list(their_parts), "the parts or their order differ"
    with zipfile.ZipFile(io.BytesIO(ours)) as archive:
        assert archive.testzip() is None  # every entry's CRC checks
    for name, data in their_parts.items():
        assert ours_parts[name] == data, f"{plan.title}: {name} differs {first_difference(ours_parts[name], data)}"


def test_the_sample_area(built_plan: DocumentPlan) -> None:
    assert_same_parts(built_plan)


@pytest.fixture(scope="module")
def built_plan() -> DocumentPlan:
    return plan_of(ROOT, load_record(ROOT / "data" / "R7" / "37.yaml"))


def test_the_samples_project_sheets() -> None:
    config = load_config(ROOT / "formgen.yaml")
    (document,) = load_documents(config, ROOT / "layouts", ROOT / "fonts", ("project_sheet",), books=False)
    sourced = load(describe(ROOT / "data" / "R7" / "37.yaml"), config=config)
    made = 0
    for output in outputs(document, sourced.record, "37", sourced.source):
        assert_same_parts(compose(document.layout, sourced.record, output.item, sourced.source))
        made += 1
    assert made >= 3


def test_synthetic_areas(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.pop(0)
    synth.write_year(6, tmp_path)
    layout = area_layout(ROOT / "layouts", ROOT / "fonts", load_config(ROOT / "formgen.yaml"))
    files = sorted(tmp_path.rglob("*.yaml"))
    assert len(files) == 6
    for path in files:
        assert_same_parts(compose(layout, load_record(path)))


def example_plan(area: str) -> DocumentPlan:
    config = load_config(EXAMPLE_CONFIG)
    example = EXAMPLE_CONFIG.parent
    layout = area_layout(example / "layouts", ROOT / "fonts", config)
    return compose(layout, load(describe(example / "data" / "R7" / f"{area}.yaml"), config=config).record)


def charts_of(plan: DocumentPlan) -> list[Graphic]:
    return [c.graphic for s in plan.sheets for r in s.rows for c in r.cells if c.graphic and c.graphic.kind == "chart"]


@pytest.mark.parametrize("kind", ["bars", "bars_and_line"])
@pytest.mark.parametrize("area", ["12", "21"])
def test_the_example_city_with_pictures_tiles_and_charts(area: str, kind: str) -> None:
    plan = example_plan(area)
    for chart in charts_of(plan):
        chart.chart_kind = kind
    assert_same_parts(plan)
    names = list(parts(write_xlsx(plan, WHEN)))
    assert any(n.startswith("xl/charts/") for n in names) and any(n.startswith("xl/media/") for n in names)


def test_charts_with_year_numbers_and_a_series_without_figures() -> None:
    """Year labels that read as numbers are kept as a number cache; a series with no figure at all
    reads an empty row of the hidden sheet."""
    plan = example_plan("12")
    first, *others = charts_of(plan)
    first.categories = ["2023", "2024", "2025"]
    first.series[0] = replace(first.series[0], values=(None, None, None), refs=())
    assert others
    assert_same_parts(plan)


def test_an_init_projects_sheet(tmp_path: Path) -> None:
    result = run_cli("init", str(tmp_path / "city"))
    assert result.exit_code == 0, result.output
    project = tmp_path / "city"
    config = load_config(project / "formgen.yaml")
    layout = area_layout(project / "layouts", project / "fonts", config)
    (data,) = sorted((project / "data").rglob("*.yaml"))[:1]
    assert_same_parts(compose(layout, load(describe(data), config=config).record))


@pytest.mark.parametrize(
    "text",
    [
        "A & B < C > D \"quoted\" 'single'",
        " leading and trailing spaces ",
        "改行を\n含む\n本文",
        "=SUM(A1:A3)",
        "-1 は文字",
        "制御文字\x01\x1fと_x0041_の並び",
        "tab\there",
    ],
)
def test_texts_that_need_escaping(built_plan: DocumentPlan, text: str) -> None:
    plan = copy.deepcopy(built_plan)
    cells = [c for row in plan.sheets[0].rows for c in row.cells if c.number is None and c.text]
    cells[0].lines = [text]
    cells[5].lines = [text]  # the same text twice: one shared string used twice
    assert_same_parts(plan)


def test_sheet_names_that_need_quoting(built_plan: DocumentPlan) -> None:
    plan = copy.deepcopy(built_plan)
    plan.sheets[0].name = "施策 評価票"
    plan.sheets[1].name = "2025"
    plan.sheets[2].name = "A&B's"
    assert_same_parts(plan)


def test_an_overlong_header_is_left_out_keeping_the_margin(built_plan: DocumentPlan) -> None:
    """Excel holds 255 characters: both writers leave a longer header out; XlsxWriter then also
    drops the header margin to its default 0.3 in, ours keeps the plan's (the only difference)."""
    plan = copy.deepcopy(built_plan)
    plan.header = replace(plan.header, left="長" * 300)
    ours, theirs = parts(write_xlsx(plan, WHEN)), parts(write_through_xlsxwriter(plan, WHEN))
    margin = f'header="{plan.page.header / 72}"'.encode()
    for name, data in theirs.items():
        if name.startswith("xl/worksheets/"):
            assert b"<oddHeader>" not in ours[name] and margin in ours[name]
            assert ours[name].replace(margin, b'header="0.3"', 1) == data, name
        else:
            assert ours[name] == data, name


def test_rows_without_cells_and_a_one_cell_sheet(built_plan: DocumentPlan) -> None:
    """A spacer row (no cells) between rows, and a sheet of one cell: the rows are still written
    with their heights, the print area of one cell is that cell."""
    plan = copy.deepcopy(built_plan)
    sheet = plan.sheets[0]
    sheet.rows.insert(1, Row(3.0, []))
    sheet.page_starts = [0] + [start + 1 for start in sheet.page_starts[1:]]
    single = plan.sheets[-1]
    single.title_rows, single.rows, single.page_starts = [], [Row(20.0, [single_cell(single)])], [0]
    single.columns = single.columns[:1]
    assert_same_parts(plan)


def single_cell(sheet: SheetPlan) -> Cell:
    first = next(c for row in sheet.title_rows + sheet.rows for c in row.cells)
    return replace(first, col=0, colspan=1, rowspan=1, graphic=None)


def test_no_font_is_the_themes() -> None:
    """Every font of the workbook names the form's family and none says it is the theme's minor
    font: Excel would draw such a font in the theme's (Calibri, ＭＳ Ｐゴシック) whatever its name."""
    plan = example_plan("12")
    styles = parts(write_xlsx(plan, WHEN))["xl/styles.xml"].decode()
    assert "<scheme" not in styles
    assert styles.count("<font>") == styles.count('<name val="BIZ UD')


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"col": -1}, "outside the sheet"),
        ({"colspan": 0}, "outside the sheet"),
        ({"rowspan": 10_000}, "outside the sheet"),
        ({"number": Decimal("1E+400"), "number_format": "#,##0"}, "beyond what a spreadsheet holds"),
        ({"number": 10**400, "number_format": "#,##0"}, "beyond what a spreadsheet holds"),
    ],
)
def test_a_cell_no_workbook_can_hold_is_refused(built_plan: DocumentPlan, change: dict, reason: str) -> None:
    plan = copy.deepcopy(built_plan)
    row = plan.sheets[0].rows[2]
    row.cells[0] = replace(row.cells[0], **change)
    with pytest.raises(WorkbookRefused, match=reason):
        write_xlsx(plan, WHEN)


def test_headers_properties_and_chart_labels_escape_as_cell_texts_do() -> None:
    """A literal _xHHHH_ (which Excel would read as an escaped character) in a footer, the
    document's title, a sheet's name and a chart's unit is escaped as XlsxWriter escapes it."""
    plan = example_plan("12")
    plan.footer = replace(plan.footer, left="_x0041_ & {page} / {pages}")
    plan.title = "桜台市 _x0042_ 評価"
    plan.sheets[0].name = "施策_x0043_"
    for chart in charts_of(plan):
        chart.unit = "人_x0044_"
        chart.series[0] = replace(chart.series[0], name="目標_x0045_")
    assert_same_parts(plan)
    ours = parts(write_xlsx(plan, WHEN))
    assert b"_x005F_x0041_" in ours["xl/worksheets/sheet1.xml"]
    assert b"_x005F_x0042_" in ours["docProps/core.xml"]


SHEET_NAMES = [
    "施策評価票",
    "令和7年度 評価",
    "A1",
    "a1",
    "XFD1048576",
    "XFE1",
    "A1048577",
    "A0",
    "R1C1",
    "r12",
    "R0",
    "C16384",
    "C16385",
    "RC",
    "R",
    "C",
    "rc3x",
    "1年",
    ".hidden",
    "_x",
    "O'Brien",
    "'quoted'",
    "１期",
    "A１",
    "Straße",
    "x.y",
    "ＡＢ",
    "⑴",
    "²x",
    "R1048577",
    "AAA1",
    "ABCD1",
]


@given(st.one_of(st.sampled_from(SHEET_NAMES), st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8)))
@settings(max_examples=500, deadline=None)
def test_sheet_names_are_quoted_in_formulas_as_xlsxwriter_quotes_them(name: str) -> None:
    """Cell references name sheets as XlsxWriter's quote_sheetname does; names with an emoji are
    always quoted (quoting is never wrong; XlsxWriter leaves some unquoted)."""
    from xlsxwriter.utility import EMOJIS, quote_sheetname

    from formgen.writers.xlsx.xml import sheet_reference

    ours = sheet_reference(name)
    if re.search(f"[{EMOJIS}]", name):
        assert ours == "'" + name.replace("'", "''") + "'" or name.startswith("'")
    else:
        assert ours == quote_sheetname(name)
