"""formgen's own SpreadsheetML writer against XlsxWriter, part by part.

formgen writes the workbooks' XML itself (formgen/writers/xlsx); a plan with
graphics still goes through XlsxWriter's public API (through_xlsxwriter.py). For
every shipped form without graphics — the sample's 施策評価票 and 事務事業評価シート,
synthetic areas, the example city's sheets with their graphics taken out, an init
project's sheet — and for texts that need escaping, every zip part must be the
bytes XlsxWriter writes for the same plan: XlsxWriter's XML is the reference (the
programs it is tested against open it), and a difference is shown at the first
byte that differs.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONFIG, ROOT, plan_of, run_cli
from formgen.build import area_layout
from formgen.compose import compose
from formgen.config.load import load_config
from formgen.datafiles import describe, load
from formgen.documents import load_documents, outputs
from formgen.plan import DocumentPlan
from formgen.records import load_record
from formgen.writers.xlsx import write_xlsx
from formgen.writers.xlsx.through_xlsxwriter import write_through_xlsxwriter

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
    for name, data in their_parts.items():
        assert ours_parts[name] == data, f"{plan.title}: {name} differs {first_difference(ours_parts[name], data)}"
    assert ours == theirs  # the zip too: same order, dates and compression


def without_graphics(plan: DocumentPlan) -> DocumentPlan:
    stripped = copy.deepcopy(plan)
    for sheet in stripped.sheets:
        for row in sheet.title_rows + sheet.rows:
            row.cells = [replace(cell, graphic=None) for cell in row.cells]
    return stripped


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


def test_the_example_city_without_its_graphics() -> None:
    config = load_config(EXAMPLE_CONFIG)
    example = EXAMPLE_CONFIG.parent
    layout = area_layout(example / "layouts", ROOT / "fonts", config)
    for area in ("12", "21"):
        plan = compose(layout, load(describe(example / "data" / "R7" / f"{area}.yaml"), config=config).record)
        assert any(c.graphic for s in plan.sheets for r in s.rows for c in r.cells)
        assert_same_parts(without_graphics(plan))


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


def test_a_plan_with_graphics_is_written_through_xlsxwriter() -> None:
    """The example city's charts and pictures: the workbook is XlsxWriter's, drawings included."""
    config = load_config(EXAMPLE_CONFIG)
    example = EXAMPLE_CONFIG.parent
    layout = area_layout(example / "layouts", ROOT / "fonts", config)
    plan = compose(layout, load(describe(example / "data" / "R7" / "12.yaml"), config=config).record)
    ours = parts(write_xlsx(plan, WHEN))
    assert ours == parts(write_through_xlsxwriter(plan, WHEN))
    assert any(name.startswith("xl/charts/") for name in ours)
    assert any(name.startswith("xl/media/") for name in ours)
