"""Figures a layout computes — sum, average, min, max, count, add, difference, ratio, product, totals,
and operations of operations — over the sample's own data, compared with the same figures computed
here from the data as PyYAML reads it."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from conftest import SEED_DATA, build_project, make_project, pdf_text, squash

LAYOUT = """\
page:
  size: A4
  margins: {top: 12, bottom: 12, left: 10, right: 10}
  footer: {center: "{page} / {pages}"}
fonts:
  gothic: {regular: BIZUDGothic-Regular.ttf, bold: BIZUDGothic-Bold.ttf}
styles:
  base: {font: gothic, size: 8, border: thin, padding: [0.7, 1.0]}
  value: {}
  label: {}
  heading: {}
  note: {}
  figure: {align: right}
  page: {size: 7, border: none, padding: 0}
sheets:
  - name: 集計
    columns: {count: 10, width: 19}
    blocks:
      - type: table
        items: measures
        row:
          - [{text: "{label}", span: 4},
             {years: [0, 0], cells: [{sum: cost, over: projects, where: {measure: "{number}"}, span: 6}]}]
      - type: table
        items: projects
        group_by: measure
        header:
          - [{label: 事業名, span: 4}, {years: [0, 1], cells: [{label: "{year.short}", span: 2}]}, {label: 差, span: 2}]
        group:
          - [{text: "{measure.label}", span: 10}]
        row:
          - [{value: name, span: 4}, {years: [0, 1], cells: [{value: cost, span: 2, style: figure}]},
             {years: [1, 1], cells: [{difference: [cost, previous.cost], span: 2}]}]
        group_total:
          - [{text: "{measure.label} 小計", span: 4}, {years: [0, 1], cells: [{sum: cost, span: 2}]},
             {years: [1, 1], cells: [{ratio: [{sum: cost}, {sum: previous.cost}], decimals: 2, span: 2}]}]
        total:
          - [{text: 合計, span: 4}, {years: [0, 1], cells: [{sum: cost, span: 2}]}, {count: items, span: 2}]
      - type: fields
        rows:
          - [{label: 新規, span: 2}, {count: projects, where: {next_year: 新規}, span: 1},
             {label: 主要, span: 2}, {count: projects, where: {main: true}, span: 1},
             {label: 継続・終了, span: 2}, {count: projects, where: {next_year: [継続, 終了]}, span: 2}]
          - [{label: 最大, span: 2}, {years: [1, 1], cells: [{max: cost, over: projects, span: 2}]},
             {label: 最小, span: 2}, {years: [1, 1], cells: [{min: cost, over: projects, span: 2}]},
             {label: 平均, span: 1}, {years: [1, 1], cells: [{average: cost, over: projects, span: 1}]}]
          - [{label: 総コスト, span: 4},
             {years: [0, 1], cells: [{add: [{sum: cost, over: projects}, {sum: personnel, over: projects}], span: 3}]}]
      - type: table
        items: projects
        header:
          - [{label: トータルコスト, span: 4}, {years: [0, 1], cells: [{label: "{year.short}", span: 3}]}]
        row:
          - [{text: "計 {name}", span: 4}, {years: [0, 1], cells: [{add: [cost, personnel], span: 3, style: figure}]}]
      - type: table
        items: kpis
        row:
          - [{text: "合 {name}", span: 4},
             {years: [-2, -2], cells: [{add: [actual, {sum: cost, over: projects}], span: 6}]}]
      - type: table
        items: kpis
        row:
          - [{value: name, span: 4}, {years: [-2, -1], cells: [{difference: [actual, target], span: 2}]},
             {ratio: [final_target.value, baseline.value], span: 2}]
        total:
          - [{text: 平均達成率, span: 4}, {years: [-2, -1], cells: [{average: rate, span: 2}]}, {text: "", span: 2}]
      - type: table
        items: projects
        row:
          - [{text: "率 {name}", span: 4},
             {years: [1, 1], cells: [{ratio: [{difference: [cost, previous.cost]}, previous.cost],
                                      decimals: 2, span: 3}]},
             {years: [0, 0], cells: [{product: [cost, {ratio: [personnel, cost], decimals: 2}], span: 3}]}]
      - type: table
        items: kpis
        row:
          - [{text: "積 {name}", span: 4}, {years: [-2, -1], cells: [{product: [target, rate], span: 3}]}]
"""


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[list[Any]], list[list[Any]], str]:
    project = make_project(tmp_path_factory.mktemp("compute"))
    (project / "layouts" / "policy_area.yaml").write_text(LAYOUT, encoding="utf-8")
    result = build_project(project, "--no-book")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")["集計"]
    cells = [[c for c in row if c.value is not None] for row in ws.iter_rows()]
    return [[c.value for c in row] for row in cells], cells, squash(pdf_text(project / "out" / "R7" / "37.pdf"))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return yaml.safe_load(SEED_DATA.read_text(encoding="utf-8"))


def figure(value: Any) -> Decimal | None:
    return None if value in (None, "-") else Decimal(str(value))


def total(projects: list[dict[str, Any]], year: str) -> tuple[Decimal, bool]:
    """Sum of the costs given for ``year``, and whether one of them was left out."""
    values = [figure(p["years"][year].get("cost")) for p in projects if year in p["years"]]
    return sum((v for v in values if v is not None), Decimal(0)), None in values


def row_starting(cells: list[list[Any]], first: str) -> list[Any]:
    return next(row for row in cells if row and row[0].value == first)


def test_sums_per_group_and_for_the_table(computed: tuple, data: dict[str, Any]) -> None:
    _, cells, _ = computed
    groups = {m["number"]: f"施策{m['number']} {m['name']}" for m in data["measures"]}
    for number, label in groups.items():
        members = [p for p in data["projects"] if p["measure"] == number]
        row = row_starting(cells, f"{label} 小計")
        for cell, year in zip(row[1:3], ("R7", "R8"), strict=True):
            expected, partial = total(members, year)
            assert cell.data_type == "n" and Decimal(str(cell.value)) == expected, (label, year)
            assert cell.number_format == ('#,##0"※"' if partial else "#,##0"), (label, year)
        this, before = total(members, "R8")[0], total(members, "R7")[0]
        ratio = (this * 100 / before).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(str(row[3].value)) == ratio / 100
        measure_row = row_starting(cells, label)
        assert Decimal(str(measure_row[1].value)) == total(members, "R7")[0]  # where: {measure: "{number}"}
    grand = row_starting(cells, "合計")
    assert [Decimal(str(c.value)) for c in grand[1:3]] == [total(data["projects"], y)[0] for y in ("R7", "R8")]
    assert grand[3].value == len(data["projects"])


def test_a_total_leaving_out_a_figure_prints_its_mark(computed: tuple, data: dict[str, Any]) -> None:
    _, _, text = computed
    r7, partial = total(data["projects"], "R7")
    assert partial, "the sample leaves one R7 cost out (printed 「-」)"
    assert f"{r7:,}※" in text


def test_counts_with_filters(computed: tuple, data: dict[str, Any]) -> None:
    rows, _, _ = computed
    projects = data["projects"]
    policy = [p.get("next_year", "継続") for p in projects]
    counts = next(row for row in rows if row and row[0] == "新規")
    assert counts[1] == policy.count("新規")
    assert counts[3] == sum(1 for p in projects if p.get("main"))
    assert counts[5] == policy.count("継続") + policy.count("終了")


def test_min_max_and_average_of_the_figures_given(computed: tuple, data: dict[str, Any]) -> None:
    rows, _, _ = computed
    values = [v for p in data["projects"] if (v := figure(p["years"].get("R8", {}).get("cost"))) is not None]
    row = next(row for row in rows if row and row[0] == "最大")
    assert Decimal(str(row[1])) == max(values) and Decimal(str(row[3])) == min(values)
    average = (sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert Decimal(str(row[5])) == average


def test_differences_and_ratios(computed: tuple, data: dict[str, Any]) -> None:
    rows, _, _ = computed
    for project in data["projects"]:
        row = next(r for r in rows if r and r[0] == project["name"])
        now, before = figure(project["years"]["R8"].get("cost")), figure(project["years"]["R7"].get("cost"))
        printed = row[-1]
        if now is None or before is None:
            assert printed == "-"
        else:
            assert Decimal(str(printed)) == now - before
    for kpi in data["kpis"]:
        row = next(r for r in rows if r and r[0] == kpi["name"])
        for year, cell in zip(("R5", "R6"), row[1:3], strict=True):
            entry = kpi["years"][year]
            assert Decimal(str(cell)) == Decimal(str(entry["actual"])) - Decimal(str(entry["target"]))
        assert row[3] == "-"  # no baseline in the sample: the ratio has no divisor


def test_figures_added_as_a_sum_adds_them(computed: tuple, data: dict[str, Any]) -> None:
    """事業費 + 人件費 per project and year: both missing 「-」, one missing the other marked ※."""
    _, cells, text = computed
    seen = set()
    for project in data["projects"]:
        row = row_starting(cells, f"計 {project['name']}")
        for cell, year in zip(row[1:3], ("R7", "R8"), strict=True):
            entry = project["years"].get(year, {})
            present = [v for k in ("cost", "personnel") if (v := figure(entry.get(k))) is not None]
            seen.add(len(present))
            if not present:
                assert cell.value == "-", (project["name"], year)
                continue
            assert Decimal(str(cell.value)) == sum(present), (project["name"], year)
            assert cell.number_format == ("#,##0" if len(present) == 2 else '#,##0"※"'), (project["name"], year)
            if len(present) == 1:
                assert f"{sum(present):,}※" in text
    assert seen == {0, 1, 2}, "the sample has both, one and none of the two figures"
    # no project gives R5 at all: the sum over them is nothing, not a missing figure; unmarked
    for kpi in data["kpis"]:
        cell = row_starting(cells, f"合 {kpi['name']}")[1]
        assert Decimal(str(cell.value)) == Decimal(str(kpi["years"]["R5"]["actual"])) and cell.number_format == "#,##0"
    # aggregates added: each year's costs and personnel of every project, marked if one is missing
    row = row_starting(cells, "総コスト")
    for cell, year in zip(row[1:3], ("R7", "R8"), strict=True):
        given = [project["years"][year] for project in data["projects"] if year in project["years"]]
        figures = [figure(entry.get(k)) for entry in given for k in ("cost", "personnel")]
        assert Decimal(str(cell.value)) == sum(f for f in figures if f is not None), year
        assert cell.number_format == ('#,##0"※"' if None in figures else "#,##0"), year


def kpi_rate(kpi: dict[str, Any], year: str) -> Decimal:
    """The 達成率 the sample's KPI prints for ``year``, rounded as the KPI says."""
    entry = kpi["years"][year]
    exact = Decimal(str(entry["actual"])) * 100 / Decimal(str(entry["target"]))
    rounding = ROUND_HALF_UP if kpi.get("rounding", "half_up") == "half_up" else "ROUND_DOWN"
    return exact.quantize(Decimal(1).scaleb(-kpi.get("decimals", 1)), rounding=rounding)


def test_operations_of_operations(computed: tuple, data: dict[str, Any]) -> None:
    """A ratio of a difference (増減率), a product with a percentage as its fraction, nested."""
    _, cells, _ = computed
    seen = set()
    for project in data["projects"]:
        row = row_starting(cells, f"率 {project['name']}")
        growth, share = row[1].value, row[2].value
        now, before = figure(project["years"]["R8"].get("cost")), figure(project["years"]["R7"].get("cost"))
        if now is None or not before:
            assert growth == "-", project["name"]
        else:
            expected = ((now - before) * 100 / before).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            assert Decimal(str(growth)) == expected / 100, project["name"]
            assert row[1].number_format == "0.00%"
        personnel = figure(project["years"]["R7"].get("personnel"))
        if before is None or personnel is None or not before:
            assert share == "-", project["name"]
            seen.add("missing")
            continue
        percent = (personnel * 100 / before).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert abs(Decimal(str(share)) - before * percent / 100) < Decimal("1e-9"), project["name"]
        seen.add("given")
    assert seen == {"missing", "given"}, "the sample has a project without an R7 cost"
    for kpi in data["kpis"]:
        row = row_starting(cells, f"積 {kpi['name']}")
        for year, cell in zip(("R5", "R6"), row[1:3], strict=True):
            expected = Decimal(str(kpi["years"][year]["target"])) * kpi_rate(kpi, year) / 100
            assert abs(Decimal(str(cell.value)) - expected) < Decimal("1e-9"), (kpi["name"], year)


def test_average_of_rates_keeps_the_rates_decimals(computed: tuple, data: dict[str, Any]) -> None:
    rows, cells, _ = computed
    row = row_starting(cells, "平均達成率")
    for year, cell in zip(("R5", "R6"), row[1:3], strict=True):
        rates = [kpi_rate(kpi, year) for kpi in data["kpis"]]
        expected = (sum(rates) / len(rates)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert Decimal(str(cell.value)) == expected / 100 and cell.number_format == "0.0%"


def test_an_aggregate_added_with_every_figure_missing_names_each(tmp_path: Path, data: dict[str, Any]) -> None:
    """No project gives its R8 personnel: the added total is the costs alone, marked, and each
    missing personnel figure is named (a marked figure always says what it leaves out)."""
    project = make_project(tmp_path)
    (project / "layouts" / "policy_area.yaml").write_text(LAYOUT, encoding="utf-8")
    path = project / "data" / "R7" / "37.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(      R8: \{.*?)personnel: [0-9]+", r"\1personnel: null", text), encoding="utf-8")
    result = build_project(project, "--no-book")
    assert result.exit_code == 0, result.output
    edited = yaml.safe_load(path.read_text(encoding="utf-8"))["projects"]
    given = [i for i, p in enumerate(edited) if "R8" in p["years"]]  # written, even as nulls: given
    assert all(edited[i]["years"]["R8"].get("personnel") is None for i in given)
    named = [i for i in range(len(edited)) if f"projects[{i}].years.R8.personnel: not given" in result.stderr]
    assert named == given and len(named) > 10, result.stderr
    ws = openpyxl.load_workbook(project / "out" / "R7" / "37.xlsx")["集計"]
    row = next(r for r in ws.iter_rows(values_only=False) if r[0].value == "総コスト")
    cells = [c for c in row if c.value is not None]
    costs = [figure(data["projects"][i]["years"]["R8"].get("cost")) for i in given]
    assert Decimal(str(cells[2].value)) == sum(c for c in costs if c is not None)
    assert cells[2].number_format == '#,##0"※"'


def test_a_missing_figure_is_named_in_a_note_on_every_build(tmp_path: Path, data: dict[str, Any]) -> None:
    project = make_project(tmp_path)
    (project / "layouts" / "policy_area.yaml").write_text(LAYOUT, encoding="utf-8")
    first = build_project(project, "--no-book")
    second = build_project(project, "--no-book")
    missing = next(i for i, p in enumerate(data["projects"]) if p["years"]["R7"].get("cost") is None)
    for result in (first, second):
        assert result.exit_code == 0
        notes = [line for line in result.stderr.splitlines() if f"projects[{missing}].years.R7.cost: not given" in line]
        assert len(notes) == 1, result.stderr
        # a figure left out of an add: [cost, personnel] is named as well
        without = next(i for i, p in enumerate(data["projects"]) if p["years"]["R7"].get("personnel") is None)
        assert f"projects[{without}].years.R7.personnel: not given" in result.stderr, result.stderr
