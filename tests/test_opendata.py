"""The year's open data (out/<year>/opendata/): read back with the csv module, pandas,
frictionless and LibreOffice, and checked against the data files.

Expected values come from the data files as PyYAML reads them, computed here with Decimal
(achievement rates included), never from formgen's own code.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml
from frictionless import validate

from conftest import (
    ROOT,
    SEED_RATES,
    SOFFICE,
    Built,
    build_project,
    edit_file,
    libreoffice_convert,
    make_project,
    pdf_text,
    run_cli,
)

EXAMPLE = ROOT / "examples" / "sakuradai"
TABLES = ("areas", "measures", "kpis", "projects", "project_finances", "outcome_evidence")
FILES = {*(f"{t}.csv" for t in TABLES), "records.json", "datapackage.json"}


# --------------------------------------------------------------------------- reading, independently


def figure(value: Any) -> Decimal | None:
    """A figure as the data file gives it: a number, "4,000", or missing (null, 「-」)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if text in {"-", "－", "―", "ー"} else Decimal(text.replace(",", ""))
    return Decimal(str(value))


def western(key: Any) -> int:
    """R7 → 2025 (the data files' year keys; 令和 and 平成 by their letter or name)."""
    if isinstance(key, int):
        return key
    match = re.fullmatch(r"(R|令和|H|平成)(元|[0-9]+)(年度)?", str(key).strip())
    assert match, key
    n = 1 if match[2] == "元" else int(match[2])
    return (2018 if match[1] in ("R", "令和") else 1988) + n


def iso_date(value: Any) -> str:
    """A date as the data file gives it (2025-08-29, which PyYAML reads as a date, or 令和7年9月1日), ISO."""
    match = re.fullmatch(r"令和(元|[0-9]+)年([0-9]+)月([0-9]+)日", str(value))
    if match is None:
        return str(value)
    year = 2018 + (1 if match[1] == "元" else int(match[1]))
    return f"{year}-{int(match[2]):02}-{int(match[3]):02}"


def wareki(year: int) -> str:
    era, n = ("令和", year - 2018) if year >= 2019 else ("平成", year - 1988)
    return f"{era}{'元' if n == 1 else n}年度"


ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}


def rate(kpi: dict[str, Any], entry: dict[str, Any]) -> Decimal | None:
    """達成率 in percent, worked out here: actual ÷ target (target ÷ actual when lower is better)."""
    target, actual = figure(entry.get("target")), figure(entry.get("actual"))
    if target is None or actual is None:
        return None
    numerator, denominator = (actual, target) if kpi.get("better", "higher") == "higher" else (target, actual)
    if denominator == 0:
        return None
    exact = numerator * 100 / denominator
    step = Decimal(1).scaleb(-kpi.get("decimals", 1))
    return exact.quantize(step, rounding=ROUNDING[kpi.get("rounding", "half_up")])


def kind(year: int, sheet: int) -> str:
    return "決算" if year < sheet else "予算" if year == sheet else "見込み" if year == sheet + 1 else "計画"


def by_year(item: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """An item's years (``years: {R5: {...}}``) by western year."""
    return {western(k): v or {} for k, v in (item.get("years") or {}).items()}


def data_files(folder: Path) -> list[dict[str, Any]]:
    """Every data file of a year folder as PyYAML reads it, in area order."""
    records = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in folder.glob("*.yaml")]
    return sorted(records, key=lambda r: r["area"]["number"])


@dataclass
class DataSet:
    folder: Path
    """out/<year>/opendata"""
    records: list[dict[str, Any]]
    """the data files as PyYAML reads them"""

    @property
    def descriptor(self) -> dict[str, Any]:
        return json.loads((self.folder / "datapackage.json").read_text(encoding="utf-8"))

    def resource(self, name: str) -> dict[str, Any]:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def rows(self, name: str) -> list[dict[str, str]]:
        """A table read with the csv module, each row by the English keys of its columns."""
        keys = {f["name"]: f["title"] for f in self.resource(name)["schema"]["fields"]}
        with open(self.folder / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
            return [{keys[h]: v for h, v in row.items()} for row in csv.DictReader(handle)]

    def frame(self, name: str) -> pd.DataFrame:
        """A table read with pandas as the README says, columns renamed to the English keys."""
        keys = {f["name"]: f["title"] for f in self.resource(name)["schema"]["fields"]}
        return pd.read_csv(self.folder / f"{name}.csv", encoding="utf-8-sig").rename(columns=keys)


def year_set(out_year: Path, data_year: Path) -> DataSet:
    return DataSet(out_year / "opendata", data_files(data_year))


@pytest.fixture(scope="module")
def shipped(built: Built) -> DataSet:
    """The shipped project (area 37) as the session's build made it."""
    return year_set(built.project / "out" / "R7", built.project / "data" / "R7")


@pytest.fixture(scope="module")
def synthetic(synthetic_year: Path) -> DataSet:
    """42 synthetic areas, as the session's build of them made them."""
    return year_set(synthetic_year, synthetic_year.parent.parent / "data" / "R7")


@pytest.fixture(scope="module", params=["shipped", "synthetic"])
def dataset(request: pytest.FixtureRequest) -> DataSet:
    return request.getfixturevalue(request.param)


def cell(value: Decimal | int | None) -> str:
    """How a figure is written in the CSV: plain, missing empty."""
    return "" if value is None else format(value, "f")


def same(found: Any, wanted: Decimal | None) -> bool:
    """A pandas value (NaN when empty) equal to a figure."""
    if wanted is None:
        return bool(pd.isna(found))
    return not pd.isna(found) and Decimal(repr(float(found))) == wanted


# --------------------------------------------------------------------------- expectations


def expected_kpis(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        area = record["area"]["number"]
        for number, kpi in enumerate(record.get("kpis", []), start=1):
            years = {western(k): v or {} for k, v in (kpi.get("years") or {}).items()}
            for year in sorted(years) or [western(record["fiscal_year"])]:
                entry = years.get(year, {})
                yield {
                    "kpi_id": f"{area}-k{number:02}",
                    "area_id": str(area),
                    "kpi_name": kpi["name"],
                    "unit": kpi["unit"],
                    "better": {"higher": "高いほど良い", "lower": "低いほど良い"}[kpi.get("better", "higher")],
                    "fiscal_year": year,
                    "fiscal_year_label": wareki(year),
                    "target": figure(entry.get("target")),
                    "actual": figure(entry.get("actual")),
                    "achievement_rate": rate(kpi, entry),
                }


def numbered_projects(record: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each project with its identifier: area-measure-position within the measure."""
    seen: dict[int, int] = {}
    for project in record.get("projects", []):
        measure = project["measure"]
        seen[measure] = seen.get(measure, 0) + 1
        yield f"{record['area']['number']}-m{measure}-p{seen[measure]:02}", project


def expected_finances(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        sheet = western(record["fiscal_year"])
        for ident, project in numbered_projects(record):
            years = {western(k): v or {} for k, v in (project.get("years") or {}).items()}
            for year in sorted(years):
                yield {
                    "project_id": ident,
                    "fiscal_year": year,
                    "fiscal_year_label": wareki(year),
                    "kind": kind(year, sheet),
                    **{key: figure(years[year].get(key)) for key in ("cost", "general_revenue", "personnel")},
                }


def expected_evidence(records: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        ids = {}
        for ident, project in numbered_projects(record):
            ids.setdefault(project["name"], ident)
        for number, row in enumerate(record.get("outcome_evidence", []), start=1):
            years = {western(k): v or {} for k, v in (row.get("years") or {}).items()}
            for year in sorted(years) or [western(record["fiscal_year"])]:
                yield {
                    "evidence_id": f"{record['area']['number']}-e{number:02}",
                    "project_id": ids[row["project"]],
                    "item": row["item"],
                    "fiscal_year": year,
                    "plan": figure(years.get(year, {}).get("plan")),
                    "actual": figure(years.get(year, {}).get("actual")),
                }


# --------------------------------------------------------------------------- the files


def test_the_data_set_is_listed_in_the_manifest(built: Built) -> None:
    year = built.project / "out" / "R7"
    assert {p.name for p in (year / "opendata").iterdir()} == FILES
    manifest = json.loads((year / "manifest.json").read_text(encoding="utf-8"))
    listed = {name.removeprefix("opendata/"): entry for name, entry in manifest["files"].items() if "opendata/" in name}
    assert set(listed) == FILES
    import hashlib

    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((year / "opendata" / name).read_bytes()).hexdigest()


def test_every_csv_is_rfc_4180_with_a_bom_and_its_japanese_header_is_the_descriptors(dataset: DataSet) -> None:
    for table in TABLES:
        raw = (dataset.folder / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), table  # Excel on Japanese Windows reads it as UTF-8
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") >= len(dataset.rows(table)) + 1  # CRLF per record
        fields = dataset.resource(table)["schema"]["fields"]
        with open(dataset.folder / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in fields]
        assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", h) or h.endswith("ID") for h in header), header
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", f["title"]) for f in fields)  # the English key
        frame = dataset.frame(table)
        assert list(frame.columns) == [f["title"] for f in fields]
        assert len(frame) == len(dataset.rows(table))


def test_kpis_one_row_per_kpi_and_year_with_the_rates_worked_out_here(dataset: DataSet) -> None:
    wanted = list(expected_kpis(dataset.records))
    assert len(wanted) >= len(dataset.records) * 3
    rows, frame = dataset.rows("kpis"), dataset.frame("kpis")
    assert len(rows) == len(wanted) == len(frame)
    for row, (_, found), want in zip(rows, frame.iterrows(), wanted, strict=True):
        for key in ("kpi_id", "area_id", "kpi_name", "unit", "better", "fiscal_year_label"):
            assert row[key] == str(want[key]), (key, row)
        assert row["fiscal_year"] == str(want["fiscal_year"]) and found["fiscal_year"] == want["fiscal_year"]
        for key in ("target", "actual", "achievement_rate"):
            assert row[key] == cell(want[key]), (key, row)
            assert same(found[key], want[key]), (key, row)
    assert any(w["achievement_rate"] is not None for w in wanted) and any(w["actual"] is None for w in wanted)


def test_the_sample_areas_rates_are_the_published_sheets(shipped: DataSet) -> None:
    rates = [r["achievement_rate"] for r in shipped.rows("kpis") if r["achievement_rate"]]
    assert [f"{r}%" for r in rates] == SEED_RATES


def test_projects_and_their_finances_per_year_in_thousands_of_yen(dataset: DataSet) -> None:
    projects = dataset.rows("projects")
    wanted = [(ident, project, record) for record in dataset.records for ident, project in numbered_projects(record)]
    assert [p["project_id"] for p in projects] == [ident for ident, _, _ in wanted]
    for row, (_, project, record) in zip(projects, wanted, strict=True):
        assert row["project_name"] == project["name"]
        assert row["measure_id"] == f"{record['area']['number']}-m{project['measure']}"
        assert row["main"] == ("true" if project.get("main") else "false")
        assert row["next_year"] == project.get("next_year", "継続")
        assert row["department"] == project["department"]
    finances, frame = dataset.rows("project_finances"), dataset.frame("project_finances")
    wanted_money = list(expected_finances(dataset.records))
    assert len(finances) == len(wanted_money) == len(frame) > 0
    assert dataset.resource("project_finances")["schema"]["fields"][4]["name"] == "事業費（千円）"
    for row, (_, found), want in zip(finances, frame.iterrows(), wanted_money, strict=True):
        for key in ("project_id", "fiscal_year", "fiscal_year_label", "kind"):
            assert row[key] == str(want[key]), (key, row)
        for key in ("cost", "general_revenue", "personnel"):
            assert row[key] == cell(want[key]), (key, row)
            assert same(found[key], want[key]), (key, row)


def test_areas_measures_and_outcome_evidence_hold_the_data(dataset: DataSet) -> None:
    areas = dataset.rows("areas")
    assert [a["area_id"] for a in areas] == [str(r["area"]["number"]) for r in dataset.records]
    for row, record in zip(areas, dataset.records, strict=True):
        assert row["area_name"] == record["area"]["name"] and row["department"] == record["department"]
        assert row["fiscal_year"] == str(western(record["fiscal_year"])) and row["fiscal_year_label"] == "令和7年度"
        assert row["policy_goal_name"] == record["policy_goal"]["name"] and row["vision"] == record["vision"]
    measures = dataset.rows("measures")
    wanted = [(r["area"]["number"], m) for r in dataset.records for m in r["measures"]]
    assert [m["measure_id"] for m in measures] == [f"{a}-m{m['number']}" for a, m in wanted]
    for row, (_, measure) in zip(measures, wanted, strict=True):
        assert row["measure_name"] == measure["name"] and row["description"] == measure["description"]
        assert row["sdgs"] == ";".join(str(g) for g in measure.get("sdgs", []))
    evidence = dataset.rows("outcome_evidence")
    expected = list(expected_evidence(dataset.records))
    assert len(evidence) == len(expected) > 0
    for row, want in zip(evidence, expected, strict=True):
        for key in ("evidence_id", "project_id", "item", "fiscal_year"):
            assert row[key] == str(want[key]), (key, row)
        assert row["plan"] == cell(want["plan"]) and row["actual"] == cell(want["actual"])


def test_missing_figures_are_empty_cells_never_a_dash(dataset: DataSet) -> None:
    for table in ("kpis", "project_finances", "outcome_evidence"):
        text = (dataset.folder / f"{table}.csv").read_text(encoding="utf-8-sig")
        assert not re.search(r",[-－―ー],|,[-－―ー]\r\n", text), table
    assert any(r["actual"] == "" for r in dataset.rows("kpis"))


def test_joins_on_the_identifiers_are_complete(dataset: DataSet) -> None:
    ids = {t: dataset.rows(t) for t in TABLES}
    areas = {r["area_id"] for r in ids["areas"]}
    measures = {r["measure_id"] for r in ids["measures"]}
    projects = {r["project_id"] for r in ids["projects"]}
    assert len(areas) == len(ids["areas"]) == len(dataset.records)
    assert len(measures) == len(ids["measures"]) and len(projects) == len(ids["projects"])
    for table in ("measures", "kpis", "projects", "outcome_evidence"):
        assert {r["area_id"] for r in ids[table]} <= areas, table
    assert {r["measure_id"] for r in ids["projects"]} <= measures
    assert {r["project_id"] for r in ids["project_finances"]} <= projects
    assert {r["project_id"] for r in ids["outcome_evidence"]} <= projects
    # every area has its measures, KPIs and projects: nothing is lost on the way
    for record in dataset.records:
        area = str(record["area"]["number"])
        assert sum(r["area_id"] == area for r in ids["measures"]) == len(record["measures"])
        assert sum(r["area_id"] == area for r in ids["projects"]) == len(record.get("projects", []))
    # pandas joins them too
    frames = {t: dataset.frame(t) for t in ("areas", "measures", "projects", "project_finances")}
    joined = frames["project_finances"].merge(frames["projects"], on="project_id", how="left", indicator=True)
    assert (joined["_merge"] == "both").all()
    joined = frames["projects"].merge(frames["measures"], on="measure_id", how="left", indicator=True)
    assert (joined["_merge"] == "both").all()


def test_frictionless_validates_the_data_package(dataset: DataSet) -> None:
    report = validate(str(dataset.folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = dataset.descriptor
    kpis = dataset.resource("kpis")["schema"]
    assert kpis["primaryKey"] == ["指標ID", "年度"]
    assert {"fields": ["政策分野ID"], "reference": {"resource": "areas", "fields": ["政策分野ID"]}} in kpis[
        "foreignKeys"
    ]
    units = {f["title"]: f.get("unit") for f in dataset.resource("project_finances")["schema"]["fields"]}
    assert units["cost"] == "千円" and units["general_revenue"] == "千円"
    assert "created" not in descriptor  # no date but SOURCE_DATE_EPOCH's


def test_the_frictionless_command_validates_the_shipped_project(shipped: DataSet) -> None:
    command = Path(sys.executable).parent / "frictionless"
    done = subprocess.run(
        [str(command), "validate", "--json", str(shipped.folder / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert json.loads(done.stdout)["valid"] is True


def test_frictionless_finds_a_changed_file(shipped: DataSet, tmp_path: Path) -> None:
    """The descriptor's sizes and sha256 are checked: a file edited after the build is caught."""
    copy = shutil.copytree(shipped.folder, tmp_path / "opendata")
    edit_file(copy / "kpis.csv", "2290", "2291")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert {e.type for task in report.tasks for e in task.errors} & {"hash-count", "byte-count"}


def test_the_records_json_holds_the_same_values_computed_ones_included(dataset: DataSet) -> None:
    data = json.loads((dataset.folder / "records.json").read_text(encoding="utf-8"))
    assert data["fiscal_year"] == 2025 and data["fiscal_year_label"] == "令和7年度"
    assert [a["id"] for a in data["areas"]] == [str(r["area"]["number"]) for r in dataset.records]
    rows = {(r["kpi_id"], r["fiscal_year"]): r for r in dataset.rows("kpis")}
    count = 0
    for area, record in zip(data["areas"], dataset.records, strict=True):
        assert area["vision"] == record["vision"] and area["department"] == record["department"]
        for kpi, given in zip(area["kpis"], record.get("kpis", []), strict=True):
            assert kpi["name"] == given["name"]
            years = by_year(given)
            for entry in kpi["years"]:
                row = rows[(kpi["id"], str(entry["fiscal_year"]))]
                wanted = rate(given, years[entry["fiscal_year"]])
                assert (None if entry["rate"] is None else Decimal(repr(entry["rate"]))) == wanted
                assert row["achievement_rate"] == cell(wanted)
                count += 1
        for project, (ident, given) in zip(area["projects"], numbered_projects(record), strict=True):
            assert project["id"] == ident and project["name"] == given["name"]
            years = by_year(given)
            assert [entry["fiscal_year"] for entry in project["years"]] == sorted(years)
            for entry in project["years"]:
                assert entry["kind"] == kind(entry["fiscal_year"], 2025)
                for key in ("cost", "general_revenue", "personnel"):
                    found = entry[key]
                    assert (None if found is None else Decimal(found)) == figure(years[entry["fiscal_year"]].get(key))
    assert count == len(rows)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_libreoffice_opens_a_csv_with_its_japanese_intact(shipped: DataSet, tmp_path: Path) -> None:
    source = shutil.copy(shipped.folder / "projects.csv", tmp_path / "projects.csv")
    # comma, double quote, UTF-8 (76), from line 1: as a clerk's import dialog would say
    libreoffice_convert(source, tmp_path, "xlsx", "--infilter=CSV:44,34,76,1")
    sheet = openpyxl.load_workbook(tmp_path / "projects.xlsx").active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    fields = shipped.resource("projects")["schema"]["fields"]
    assert cells[0] == [f["name"] for f in fields]  # 事業ID, 政策分野ID, …: no mojibake, no BOM left
    rows = shipped.rows("projects")
    assert len(cells) == len(rows) + 1
    names = [row[4] for row in cells[1:]]
    assert names == [r["project_name"] for r in rows]
    assert cells[1][:3] == ["37-m1-p01", 37, "37-m1"]  # text, not a date: the identifiers hold letters
    assert "姉妹都市" in cells[1][4]


# --------------------------------------------------------------------------- a second city's fields


@pytest.fixture(scope="module")
def sakuradai(tmp_path_factory: pytest.TempPathFactory) -> DataSet:
    out = tmp_path_factory.mktemp("sakuradai-open")
    result = run_cli("build", "--config", str(EXAMPLE / "formgen.yaml"), "--out", str(out), "--no-book")
    assert result.exit_code == 0, result.output
    return year_set(out / "R7", EXAMPLE / "data" / "R7")


def columns(dataset: DataSet, table: str) -> dict[str, str]:
    """English key → Japanese header of a table's columns."""
    return {f["title"]: f["name"] for f in dataset.resource(table)["schema"]["fields"]}


def test_declared_fields_are_columns_of_the_table_of_their_level(sakuradai: DataSet) -> None:
    config = yaml.safe_load((EXAMPLE / "formgen.yaml").read_text(encoding="utf-8"))["fields"]
    own = {
        "areas": ["area"],
        "measures": ["measure"],
        "kpis": ["kpi", "kpi_year"],
        "projects": ["project"],
        "project_finances": ["project_year"],
    }
    for table, levels in own.items():
        keys = columns(sakuradai, table)
        for level in levels:
            for name, spec in config.get(level, {}).items():
                assert name in keys, (table, name)
                assert keys[name].startswith(spec["label"]), (table, name)
        others = {n for level, fields in config.items() if level not in levels for n in fields}
        assert not others & set(keys), table  # nowhere else
    assert validate(str(sakuradai.folder / "datapackage.json")).valid


def test_the_second_citys_values_are_in_their_rows(sakuradai: DataSet) -> None:
    area = {r["area"]["number"]: r for r in sakuradai.records}
    for row in sakuradai.rows("areas"):
        given = area[int(row["area_id"])]
        assert row["manager"] == given["manager"] and row["contact"] == given["contact"]
        assert row["evaluation"] == given["evaluation"]
        labels = {"A": "順調", "B": "概ね順調", "C": "やや遅れ", "D": "遅れ"}
        assert row["evaluation_label"] == labels[given["evaluation"]]
        typed = given.get("satisfaction")  # 62.4 or "48.9%"
        assert figure(row["satisfaction"]) == figure(None if typed is None else str(typed).rstrip("%"))
        if "evaluated_on" in given:
            assert row["evaluated_on"] == iso_date(given["evaluated_on"])
    assert columns(sakuradai, "areas")["satisfaction"] == "市民満足度（%）"
    measures = {r["measure_id"]: r for r in sakuradai.rows("measures")}
    for record in sakuradai.records:
        for measure in record["measures"]:
            row = measures[f"{record['area']['number']}-m{measure['number']}"]
            assert row["priority"] == ("true" if measure.get("priority") else "false")
    projects = {r["project_id"]: r for r in sakuradai.rows("projects")}
    finances = {(r["project_id"], r["fiscal_year"]): r for r in sakuradai.rows("project_finances")}
    assert columns(sakuradai, "project_finances")["subsidy"] == "国県支出金（千円）"
    for record in sakuradai.records:
        for ident, project in numbered_projects(record):
            row = projects[ident]
            assert row["started"] == str(western(project["started"])) and row["started_label"] == wareki(
                western(project["started"])
            )
            assert row["contractor_count"] == str(project["contractor_count"])
            assert figure(row["unit_cost"]) == figure(project["unit_cost"])
            for year, entry in (project.get("years") or {}).items():
                assert row["project_name"] == project["name"]
                assert finances[(ident, str(western(year)))]["subsidy"] == cell(figure((entry or {}).get("subsidy")))


def test_the_second_citys_kpi_grade_is_graded_here_too(sakuradai: DataSet) -> None:
    """指標評価: the grade of the latest year with a rate (A ≥ 100, B ≥ 80, C ≥ 60, else D)."""
    rows = sakuradai.rows("kpis")
    for record in sakuradai.records:
        for number, kpi in enumerate(record.get("kpis", []), start=1):
            rates = [
                rate(kpi, e or {}) for _, e in sorted((kpi.get("years") or {}).items(), key=lambda i: western(i[0]))
            ]
            latest = next((r for r in reversed(rates) if r is not None), None)
            grade = (
                ""
                if latest is None
                else "A"
                if latest >= 100
                else "B"
                if latest >= 80
                else "C"
                if latest >= 60
                else "D"
            )
            ident = f"{record['area']['number']}-k{number:02}"
            assert {r["grade"] for r in rows if r["kpi_id"] == ident} == {grade}, ident


# --------------------------------------------------------------------------- as a build makes it


def opendata(project: Path) -> dict[str, bytes]:
    folder = project / "out" / "R7" / "opendata"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "city")


def build(project: Path, *extra: str) -> str:
    result = build_project(project, "--document", "policy_area", "--no-book", *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_incremental_unchanged_then_one_area_edited(project: Path) -> None:
    build(project)
    before = opendata(project)
    times = {p: p.stat().st_mtime_ns for p in (project / "out" / "R7" / "opendata").iterdir()}
    assert "1 area (0 built, 1 unchanged), 0 files written" in build(project)
    assert opendata(project) == before
    assert {p: p.stat().st_mtime_ns for p in times} == times  # not even rewritten
    edit_file(
        project / "data" / "R7" / "37.yaml", "R5: {target: 4000, actual: 2290}", "R5: {target: 4000, actual: 3000}"
    )
    assert "1 area (1 built, 0 unchanged), 10 files written" in build(project)  # workbook, PDF, the set
    after = opendata(project)
    assert after["projects.csv"] == before["projects.csv"] and after["kpis.csv"] != before["kpis.csv"]
    assert ",4000,3000,75.0," in after["kpis.csv"].decode("utf-8-sig")


def test_a_layout_change_leaves_the_data_set_and_an_area_alone_keeps_it(project: Path) -> None:
    build(project)
    before = opendata(project)
    edit_file(project / "layouts" / "policy_area.yaml", "{label: 主管部局・課", "{label: 主管部局")
    assert "(1 built, 0 unchanged), 2 files written" in build(project)  # the area's workbook and PDF only
    assert opendata(project) == before
    edit_file(project / "data" / "R7" / "37.yaml", "department: 総務部・総務課", "department: 企画政策部")
    result = build_project(project, "--area", "37")
    assert result.exit_code == 0, result.output
    assert opendata(project) == before  # a build of some areas never writes the year's data set
    note = "note: opendata/ left as it was, not part of this build; `formgen build` updates them"
    assert note in result.stderr.splitlines(), result.stderr
    assert "(0 built, 1 unchanged), 8 files written" in build(project)  # the next whole build does
    assert "企画政策部" in opendata(project)["areas.csv"].decode("utf-8-sig")


def test_turned_off_there_is_no_data_folder_nor_manifest_entry(project: Path) -> None:
    build(project)
    assert opendata(project)
    stdout = build(project, "--no-open-data")
    assert "(the open data is turned off)" in stdout
    assert not (project / "out" / "R7" / "opendata").exists()
    manifest = (project / "out" / "R7" / "manifest.json").read_text(encoding="utf-8")
    assert "opendata" not in manifest
    edit_file(project / "formgen.yaml", "documents:", "open_data:\n  enabled: false\n\ndocuments:")
    build(project)
    assert not (project / "out" / "R7" / "opendata").exists()
    assert build(project, "--open-data") and set(opendata(project)) == FILES
    result = build_project(project, "--area", "37", "--open-data")
    assert result.exit_code == 2 and "--open-data: the open data holds every area of the year" in result.stderr


def test_two_builds_are_byte_identical_and_the_date_is_source_date_epochs(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_project(tmp_path / "other")
    build(project)
    build(other, "--jobs", "1")
    assert opendata(project) == opendata(other)
    assert "formgen" in json.loads(opendata(project)["records.json"])["generator"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    build(project)
    descriptor = json.loads(opendata(project)["datapackage.json"])
    assert descriptor["created"] == "2025-12-01T00:00:00Z"
    assert validate(str(project / "out" / "R7" / "opendata" / "datapackage.json")).valid


def test_a_licence_from_formgen_yaml_is_in_the_descriptor_and_makes_no_form_again(project: Path) -> None:
    build(project)
    forms = {p: p.read_bytes() for p in (project / "out" / "R7").rglob("*") if p.suffix in (".pdf", ".xlsx")}
    licence = "open_data:\n  license: {name: CC-BY-4.0, path: 'https://creativecommons.org/licenses/by/4.0/'}\n\n"
    edit_file(project / "formgen.yaml", "documents:", licence + "documents:")
    assert "1 area (0 built, 1 unchanged)" in build(project)
    assert {p: p.read_bytes() for p in forms} == forms
    descriptor = json.loads(opendata(project)["datapackage.json"])
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]


def test_bad_input_exits_2_with_file_and_line_and_the_data_set_stays(project: Path) -> None:
    build(project)
    before = opendata(project)
    path = edit_file(project / "data" / "R7" / "37.yaml", "R7: {cost: 601,", "R7: {cost: abc,")
    result = build_project(project, "--document", "policy_area", "--no-book")
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:\d+: projects\[0\]\.years\.R7\.cost: must be a number", result.stderr)
    assert opendata(project) == before
    assert not list((project / "out" / "R7").rglob(".~formgen-*"))


def test_the_docs_name_every_column_and_its_english_key(shipped: DataSet) -> None:
    docs = (ROOT / "docs" / "opendata.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"`{table}.csv`" in docs
        for field in shipped.resource(table)["schema"]["fields"]:
            assert f"| {field['name']} | `{field['title']}` |" in docs, field  # its row: header, key


def test_a_town_without_policy_goals_builds_and_publishes_them_empty(project: Path) -> None:
    """政策目標, 政策 and めざす姿 left out of the data (a town's plan has none): the forms, the book
    and the data set are made, the columns empty rather than invented, and the package valid."""
    path = project / "data" / "R7" / "37.yaml"
    text = path.read_text(encoding="utf-8")
    kept = [ln for ln in text.splitlines(keepends=True) if not ln.startswith(("policy_goal:", "policy:", "vision:"))]
    assert len(kept) == len(text.splitlines()) - 3
    path.write_text("".join(kept), encoding="utf-8")
    stdout = build_project(project)
    assert stdout.exit_code == 0, stdout.output
    folder = project / "out" / "R7" / "opendata"
    with (folder / "areas.csv").open(encoding="utf-8-sig", newline="") as file:
        row = next(csv.DictReader(file))
    assert [row[k] for k in ("政策目標番号", "政策目標", "政策番号", "政策", "めざす姿")] == [""] * 5
    assert row["政策分野番号"] == "37" and (project / "out" / "R7" / "book.pdf").exists()
    assert validate(str(folder / "datapackage.json")).valid
    # the book's contents head the area's group as having none, not with an empty line
    assert "（政策目標なし）" in pdf_text(project / "out" / "R7" / "book.pdf")


def test_a_project_whose_data_does_not_say_法定_or_自主_is_published_without_either(project: Path) -> None:
    """basis left out (a form without 法定/自主): empty in projects.csv, not 自主 made up."""
    edit_file(project / "data" / "R7" / "37.yaml", "    basis: 自主\n", "", count=1)
    build(project)
    with (project / "out" / "R7" / "opendata" / "projects.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows[0]["法定・自主"] == "" and all(r["法定・自主"] in ("法定", "自主") for r in rows[1:])


def test_a_citys_words_never_give_two_columns_one_header(project: Path) -> None:
    """Called 政策 and 事業, the area's number and the project's ID would read like the fixed
    政策番号 and 事業ID: each header stays unique and the package valid."""
    config = project / "formgen.yaml"
    config.write_text("words: {area: 政策, measure: 事業}\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    build(project)
    folder = project / "out" / "R7" / "opendata"
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file))
        assert len(header) == len(set(header)), (path.name, header)
    assert validate(str(folder / "datapackage.json")).valid
