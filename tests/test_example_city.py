"""The second city's example (examples/sakuradai): its own fields, totals and grades, read back.

Expected values come from the data files as PyYAML reads them, computed here
with Decimal; the outputs are read by openpyxl, python-calamine, poppler and
LibreOffice.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
import yaml
from python_calamine import CalamineWorkbook

from conftest import ROOT, edit_file, pdf_pages, pdf_text, run_cli, squash, unprinted

EXAMPLE = ROOT / "examples" / "sakuradai"
AREAS = ("12", "21")
SHEET = "施策評価シート"


@dataclass
class Area:
    data: dict[str, Any]
    """the data file as PyYAML reads it"""
    xlsx: Path
    pdf: Path
    rows: list[list[Any]]
    """the sheet's cell values, row by row (openpyxl), empty cells left out"""
    cells: list[list[Any]]
    """the same sheet's cells (openpyxl cell objects), empty cells left out"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Area]:
    out = tmp_path_factory.mktemp("sakuradai-out")
    result = run_cli("build", "--config", str(EXAMPLE / "formgen.yaml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    areas = {}
    for area in AREAS:
        data = yaml.safe_load((EXAMPLE / "data" / "R7" / f"{area}.yaml").read_text(encoding="utf-8"))
        ws = openpyxl.load_workbook(out / "R7" / f"{area}.xlsx")[SHEET]
        cells = [[c for c in row if c.value is not None] for row in ws.iter_rows()]
        rows = [[c.value for c in row] for row in cells]
        areas[area] = Area(data, out / "R7" / f"{area}.xlsx", out / "R7" / f"{area}.pdf", rows, cells)
    return areas


def after(rows: list[list[Any]], label: str, skip: int = 0) -> Any:
    """The value printed right of the cell ``label`` (the first such cell in the sheet)."""
    for row in rows:
        if label in row:
            return row[row.index(label) + 1 + skip]
    raise AssertionError(f"no cell {label!r}")


def row_of(area: Area, first: str) -> list[Any]:
    """The cells of the row whose first cell is ``first``."""
    matches = [cells for cells, values in zip(area.cells, area.rows, strict=True) if values and values[0] == first]
    assert len(matches) == 1, f"{len(matches)} rows start with {first!r}"
    return matches[0]


def amount(value: Any) -> Decimal | None:
    return None if value in (None, "-") else Decimal(str(value))


# --------------------------------------------------------------------------- declared fields


def test_the_example_builds_every_area_and_its_book(example: dict[str, Area]) -> None:
    for area in example.values():
        assert area.xlsx.exists() and area.pdf.exists()
    book = next(iter(example.values())).pdf.parent / "book.pdf"
    assert pdf_pages(book) == 2 + sum(pdf_pages(a.pdf) for a in example.values())
    contents = squash(pdf_text(book, page=2))
    assert "施策12子育て支援の充実" in contents and "施策21公共交通の確保" in contents  # words.area


@pytest.mark.parametrize("area", AREAS)
def test_header_and_footer_carry_the_managers_name_and_the_contact_line(example: dict[str, Area], area: str) -> None:
    a = example[area]
    for page in range(1, pdf_pages(a.pdf) + 1):
        text = squash(pdf_text(a.pdf, raw=True, page=page))  # in drawing order: the footer is one line
        assert squash(f"課長名：{a.data['manager']}") in text
        assert squash(f"問い合わせ先：{a.data['contact']}") in text
    ws = openpyxl.load_workbook(a.xlsx)[SHEET]
    assert a.data["manager"] in ws.oddHeader.right.text
    assert a.data["contact"] in ws.oddFooter.left.text


def test_declared_area_fields_print_where_the_layout_places_them(example: dict[str, Area]) -> None:
    area = example["12"]
    data = area.data
    assert after(area.rows, "評価日") == "令和7年8月29日"  # 2025-08-29
    assert after(area.rows, "重要度") == data["importance"]
    assert after(area.rows, "総合評価") == data["evaluation"] == "B"
    assert after(area.rows, "総合評価", skip=1) == "概ね順調"  # the choice's label
    satisfaction = next(c for row in area.cells for c in row if c.value == "市民満足度")
    value = row_of_cell(area, satisfaction)
    assert value.data_type == "n" and value.number_format == "0.0%"
    assert Decimal(str(value.value)) == Decimal(str(data["satisfaction"])) / 100
    assert after(example["21"].rows, "評価日") == "令和7年9月1日"
    assert after(example["21"].rows, "市民満足度") == pytest.approx(0.489)  # typed "48.9%"


def row_of_cell(area: Area, cell: Any) -> Any:
    """The cell right of ``cell`` in its row."""
    row = next(r for r in area.cells if cell in r)
    return row[row.index(cell) + 1]


def test_narratives_and_lists_of_declared_fields_print(example: dict[str, Area]) -> None:
    area = example["12"]
    text = squash(pdf_text(area.pdf))
    reason = area.data["evaluation_reason"]
    assert "【1】成果指標の状況" in text and "【2】今後の方向性" in text
    assert squash("・" + reason[0]["body"][1]["bullet"]) in text
    measures = area.rows[area.rows.index(["基本事業", "重点", "内容", "関連するSDGs"]) + 1 :][:2]
    assert measures[0][:2] == ["基本事業1 保育サービスの充実", "★"]  # priority: true
    assert "★" not in measures[1]


def test_declared_project_fields_are_numbers_and_texts_in_their_columns(example: dict[str, Area]) -> None:
    area = example["12"]
    for project in area.data["projects"]:
        cells = row_of(area, project["name"])
        values = [c.value for c in cells]
        assert project["started"] in values
        count = next(c for c in cells[1:] if c.value == project["contractor_count"] and c.data_type == "n")
        assert count.number_format == "#,##0"
        subsidy = project["years"]["R7"].get("subsidy")
        if subsidy is not None:
            assert any(c.value == subsidy and c.data_type == "n" and c.number_format == "#,##0" for c in cells)


# --------------------------------------------------------------------------- totals


def cost_sums(projects: list[dict[str, Any]], year: str, key: str = "cost") -> tuple[Decimal | None, bool]:
    """The sum of the figures given for ``year`` and whether one was left out (「-」 or missing in a
    year that is given); years a project does not give are not figures left out."""
    given = [p["years"][year] for p in projects if year in p["years"]]
    present = [amount(entry.get(key)) for entry in given]
    found = [v for v in present if v is not None]
    return (sum(found, Decimal(0)) if found else None), len(found) < len(present)


def measure_labels(data: dict[str, Any]) -> dict[int, str]:
    return {m["number"]: f"基本事業{m['number']} {m['name']}" for m in data["measures"]}


@pytest.mark.parametrize("area", AREAS)
def test_totals_per_measure_and_for_the_area_equal_the_sums_of_the_data(example: dict[str, Area], area: str) -> None:
    a = example[area]
    projects = a.data["projects"]
    groups = {label: [p for p in projects if p["measure"] == n] for n, label in measure_labels(a.data).items()}
    groups["施策合計"] = projects
    calamine = CalamineWorkbook.from_path(str(a.xlsx)).get_sheet_by_name(SHEET).to_python()
    for label, members in groups.items():
        first = label if label == "施策合計" else f"{label} 小計"
        cells = row_of(a, first)[1:]
        for column, year in enumerate(("R5", "R6", "R7")):
            expected, partial = cost_sums(members, year)
            cell = cells[column]
            assert cell.data_type == "n", (first, year, cell.value)
            assert Decimal(str(cell.value)) == expected, (first, year)
            assert cell.number_format == ('#,##0"※"' if partial else "#,##0"), (first, year)
        this, _ = cost_sums(members, "R7")
        before, partial = cost_sums(members, "R6")
        ratio = (this * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert Decimal(str(cells[3].value)) == ratio / 100
        assert cells[3].number_format == ('0.0%"※"' if partial else "0.0%")
        subsidy, _ = cost_sums(members, "R7", "subsidy")
        assert Decimal(str(cells[4].value)) == subsidy
        assert cells[5].value == len(members) and cells[5].number_format == '0"事業"'
        row = next(r for r in calamine if r and r[0] == first)
        assert [Decimal(str(v)) for v in row if isinstance(v, float)][:3] == [
            cost_sums(members, y)[0] for y in ("R5", "R6", "R7")
        ]


def test_a_figure_left_out_of_a_total_is_noted_once(tmp_path: Path) -> None:
    path = EXAMPLE / "data" / "R7" / "12.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith('      R6: {cost: "-"'))
    result = run_cli("validate", "--config", str(EXAMPLE / "formgen.yaml"))
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == [
        f"note: {path}:{line}: projects[2].years.R6.cost: not given: "
        "the totals and other figures computed over it leave it out, marked ※"
    ]


def test_counts_by_next_year_policy_and_an_average(example: dict[str, Area]) -> None:
    for a in example.values():
        projects = a.data["projects"]
        policies = [p.get("next_year", "継続") for p in projects]
        counts = next(row for row in a.rows if row and row[0] == "次年度方針：拡充")
        assert after([counts], "次年度方針：拡充") == policies.count("拡充")
        assert after([counts], "新規") == policies.count("新規")
        assert after([counts], "縮小・見直し") == policies.count("縮小") + policies.count("見直し")
        costs = [Decimal(str(p["unit_cost"])) for p in projects]
        average = (sum(costs) / len(costs)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(str(after(a.rows, "単位コストの平均（千円）"))) == average


# --------------------------------------------------------------------------- grades and KPIs


def expected_grade(kpi: dict[str, Any]) -> str:
    """A ≥ 100 %, B ≥ 80 %, C ≥ 60 %, else D, by the rate of the latest year with an actual; 「-」
    without one. Lower is better: target ÷ actual."""
    years = sorted((y for y, v in kpi["years"].items() if v.get("actual") is not None), reverse=True)
    if not years:
        return "-"
    entry = kpi["years"][years[0]]
    target, actual = Decimal(str(entry["target"])), Decimal(str(entry["actual"]))
    if kpi.get("better") == "lower" and actual == 0:
        return "-"  # no rate for that year: never an older year's grade
    exact = target / actual * 100 if kpi.get("better") == "lower" else actual / target * 100
    rate = exact.quantize(Decimal(1).scaleb(-kpi.get("decimals", 1)), rounding=ROUND_HALF_UP)
    return next((g for g, low in (("A", 100), ("B", 80), ("C", 60)) if rate >= low), "D")


@pytest.mark.parametrize("area", AREAS)
def test_computed_grades_follow_the_thresholds(example: dict[str, Area], area: str) -> None:
    a = example[area]
    printed = []
    for kpi in a.data["kpis"]:
        name_row = next(i for i, row in enumerate(a.rows) if kpi["name"] in row)
        printed.append(after([a.rows[name_row + 1]], "評価"))
    assert printed == [expected_grade(k) for k in a.data["kpis"]]
    if area == "12":  # lower is better (75.0 % → C), above target (A), no actual (「-」)
        assert printed == ["C", "A", "-"]


@pytest.mark.parametrize(
    ("r6", "grade"),
    [
        ("{target: 3, actual: 0}", "-"),
        ("{target: 3}", "A"),
        ("{target: 3, actual: 3}", "A"),
        ("{target: 3, actual: 5}", "C"),
    ],
)
def test_a_grade_is_the_latest_actuals_even_when_its_rate_cannot_be_worked_out(
    tmp_path: Path, r6: str, grade: str
) -> None:
    """R5: target 5, actual 4 (lower is better: 5 ÷ 4 = 125 % → A); R6 varies. An actual of 0
    where lower is better has no rate: the grade is 「-」, never R5's."""
    project = tmp_path / "examples" / "sakuradai"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("out"))
    (tmp_path / "fonts").symlink_to(ROOT / "fonts")  # the example's ../../fonts
    data = edit_file(project / "data" / "R7" / "12.yaml", "R6: {target: 3, actual: 4}", f"R6: {r6}")
    kpi = yaml.safe_load(data.read_text(encoding="utf-8"))["kpis"][0]
    assert kpi["years"]["R5"] == {"target": 5, "actual": 4} and expected_grade(kpi) == grade
    result = run_cli("build", "--config", str(project / "formgen.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "out" / "R7" / "12.xlsx")[SHEET]
    rows = [[c.value for c in row if c.value is not None] for row in sheet.iter_rows()]
    name_row = next(i for i, row in enumerate(rows) if kpi["name"] in row)
    assert after([rows[name_row + 1]], "評価") == grade


def test_baseline_final_target_and_years_as_rows(example: dict[str, Area]) -> None:
    a = example["12"]
    kpi = a.data["kpis"][1]
    name_row = next(i for i, row in enumerate(a.rows) if kpi["name"] in row)
    head = a.rows[name_row]
    assert after([head], "基準値") == "令和2年度" and after([head], "基準値", skip=1) == kpi["baseline"]["value"]
    assert after([head], "最終目標値") == "令和9年度" and after([head], "最終目標値", skip=1) == 20000
    years = [row for row in a.rows[name_row + 2 : name_row + 5]]
    assert [row[0] for row in years] == ["令和5年度", "令和6年度", "令和7年度"]
    assert years[1][1:4] == [16000, 16480, pytest.approx(1.03)]


# --------------------------------------------------------------------------- printed by LibreOffice


def sentences_of(data: dict[str, Any]) -> Iterator[str]:
    """Every sentence of the narrative texts of a data file, as PyYAML reads it."""

    def texts(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from texts(item)
        elif isinstance(value, list):
            for item in value:
                yield from texts(item)

    fields = [data["vision"], data["evaluation_reason"]]
    fields += [m["description"] for m in data["measures"]] + [k["assessment"] for k in data["kpis"]]
    for text in texts(fields):
        for part in text.split("。"):
            if len(squash(part)) >= 2:
                yield squash(part)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed; .ci/run installs it")
@pytest.mark.parametrize("area", AREAS)
def test_libreoffice_prints_the_workbook_like_the_pdf(example: dict[str, Area], area: str, tmp_path: Path) -> None:
    from test_libreoffice import print_with_libreoffice

    a = example[area]
    printed = print_with_libreoffice(a.xlsx, tmp_path)
    assert pdf_pages(printed) == pdf_pages(a.pdf)
    text = squash(pdf_text(printed))
    sentences = list(sentences_of(a.data))
    assert len(sentences) >= 6
    assert not unprinted(sentences, text, interrupted=True)


# --------------------------------------------------------------------------- the editor schema


def schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((EXAMPLE / "schema" / "record.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def json_data(path: Path) -> Any:
    """The data file as an editor's YAML extension reads it (YAML 1.2: dates stay text)."""
    from formgen.yamlsource import load_yaml

    return json.loads(json.dumps(load_yaml(path).data, default=float))


def test_the_examples_schema_checks_its_data_files(tmp_path: Path) -> None:
    result = run_cli("schema", "--config", str(EXAMPLE / "formgen.yaml"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("record.schema.json", "layout.schema.json", "config.schema.json"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (EXAMPLE / "schema" / name).read_text(
            encoding="utf-8"
        ), f"examples/sakuradai/schema/{name} is out of date: run formgen schema there"
    validator = schema_validator()
    for area in AREAS:
        data = json_data(EXAMPLE / "data" / "R7" / f"{area}.yaml")
        errors = list(validator.iter_errors(data))
        assert not errors, [e.message for e in errors]
    data = json_data(EXAMPLE / "data" / "R7" / "12.yaml")
    assert list(validator.iter_errors(data | {"managr": "x"})), "an undeclared key must be refused"
    assert list(validator.iter_errors(data | {"evaluation": "E"})), "a choice not declared must be refused"
    assert list(validator.iter_errors(data | {"satisfaction": "many"})), "a percent must be a number"
    without = {k: v for k, v in data.items() if k != "manager"}
    assert list(validator.iter_errors(without)), "a required declared field must be given"


def test_a_character_the_font_lacks_in_a_header_field_is_blamed_on_the_data(tmp_path: Path) -> None:
    data = tmp_path / "R7" / "12.yaml"
    data.parent.mkdir()
    text = (EXAMPLE / "data" / "R7" / "12.yaml").read_text(encoding="utf-8")
    data.write_text(text.replace("manager: 佐藤 真理子", "manager: 佐藤 \U0001f600"), encoding="utf-8")
    result = run_cli("validate", "--config", str(EXAMPLE / "formgen.yaml"), str(data))
    assert result.exit_code == 2
    line = 1 + text.splitlines().index("manager: 佐藤 真理子")
    assert result.stderr.startswith(f"{data}:{line}: manager: the character '\U0001f600' U+1F600"), result.stderr
