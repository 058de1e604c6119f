"""Fields a city declares in formgen.yaml are validated exactly like built-in ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import MINIMAL_RECORD, run_cli
from formgen.config.load import load_config
from formgen.datafiles import describe, load

CONFIG = """\
# a city's declarations: one field of every type, and one at every level
fields:
  area:
    manager: {type: line, label: 課長名, required: true}
    memo: {type: text}
    reason: {type: narrative, label: 評価理由}
    staff: {type: integer, min: 0}
    weight: {type: decimal, decimals: 2}
    reserve: {type: amount}
    satisfaction: {type: percent, decimals: 1, min: 0, max: 100}
    since: {type: fiscal_year}
    opened: {type: date}
    priority: {type: flag}
    policy_kind: {type: choice, choices: [拡充, 継続, {value: 縮小, label: 縮小する}]}
    rank: {type: choice, choices: [A, B]}
    overall: {type: grade, of: satisfaction, scale: [{grade: A, min: 80}, {grade: B}]}
  measure:
    owner: {type: line}
  kpi:
    source: {type: line}
  kpi_year:
    remark: {type: text}
  project:
    started: {type: fiscal_year}
  project_year:
    subsidy: {type: amount}
  related:
    url: {type: line}
  review:
    comment: {type: text}
  logic_model:
    caption: {type: line}
  evidence:
    basis: {type: line}
  evidence_year:
    survey: {type: line}
"""

VALID = """\
manager: 山田 花子
memo: "一行目\\n二行目"
reason: [{title: 成果, body: [順調に進んだ。, {bullet: 利用者が増えた。}]}]
staff: 12
weight: 1.25
reserve: "4,000"
satisfaction: "62.5%"
since: 令和2年度
opened: 2025-10-01
priority: true
policy_kind: 縮小
rank: Ｂ
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "formgen.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "data" / "R7").mkdir(parents=True)
    return tmp_path


def write(project: Path, text: str) -> Path:
    path = project / "data" / "R7" / "37.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def validate(project: Path, path: Path):  # noqa: ANN201
    return run_cli("validate", "--config", str(project / "formgen.yaml"), str(path))


def test_every_type_reads_its_valid_value(project: Path) -> None:
    path = write(project, MINIMAL_RECORD + VALID)
    result = validate(project, path)
    assert result.exit_code == 0, result.output
    record = load(describe(path), config=load_config(project / "formgen.yaml")).record
    assert record.manager == "山田 花子"
    assert record.memo == "一行目\n二行目"
    assert record.reason[0].title == "成果" and record.reason[0].body[1].bullet == "利用者が増えた。"
    assert record.staff == 12 and isinstance(record.staff, int)
    assert record.weight == Decimal("1.25")
    assert record.reserve == 4000
    assert (record.satisfaction.percent, record.satisfaction.fraction) == (Decimal("62.5"), Decimal("0.625"))
    assert record.since.long == "令和2年度"
    assert (record.opened.long, record.opened.iso) == ("令和7年10月1日", "2025-10-01")
    assert record.priority is True
    assert (record.policy_kind.value, record.policy_kind.label) == ("縮小", "縮小する")
    assert record.rank.value == "B"  # written full-width
    assert record.overall.value == "B"  # a grade is computed (62.5 % of satisfaction: not the 80 of A)


def test_optional_fields_may_be_left_out_and_a_required_one_may_not(project: Path) -> None:
    ok = validate(project, write(project, MINIMAL_RECORD + "manager: 山田 花子\n"))
    assert ok.exit_code == 0, ok.output
    path = write(project, MINIMAL_RECORD)
    result = validate(project, path)
    assert result.exit_code == 2
    assert f"{path}:1: manager: is required but missing" in result.stderr


# (id, the line replacing a valid one, the field, a fragment of the message)
WRONG = [
    ("line-newline", 'manager: "山田\\n花子"', "manager", "must be a single line"),
    ("line-empty", 'manager: ""', "manager", "must not be empty"),
    ("line-null", "manager:", "manager", "is required: give a value"),
    ("text-number", "memo: 12", "memo", "must be text, got 12"),
    ("text-too-long", "memo: " + "あ" * 32768, "memo", "at most 32767"),
    ("text-control", 'memo: "a\\u0007b"', "memo", "U+0007"),
    ("narrative-entry", "reason: [{bulet: x}]", "reason[0]", "each entry must be"),
    ("integer-fraction", "staff: 1.5", "staff", "must be a whole number"),
    ("integer-min", "staff: -1", "staff", "must be at least 0, got -1"),
    ("integer-octal", "staff: 0123", "staff", "octal"),
    ("integer-text", "staff: abc", "staff", "write a whole number such as 12 or 1,200"),
    ("decimal-decimals", "weight: 1.255", "weight", "more than 2 decimals"),
    ("decimal-text", "weight: abc", "weight", "must be a number, got 'abc'"),
    ("amount-negative", "reserve: -5", "reserve", "must not be negative"),
    ("amount-fraction", "reserve: 1.5", "reserve", "whole number of thousands of yen"),
    ("percent-max", "satisfaction: 150", "satisfaction", "must be at most 100, got 150"),
    ("percent-text", "satisfaction: many", "satisfaction", "must be a number, got 'many'"),
    ("percent-decimals", "satisfaction: 62.55", "satisfaction", "more than 1 decimals"),
    (  # a spreadsheet's habit
        "percent-as-fraction",
        "satisfaction: 0.523",
        "satisfaction",
        "more than 1 decimals, more than the form prints; a percent is written as the number before %: "
        "52.3 for 52.3 %, not the fraction 0.523",
    ),
    ("fiscal-year", "since: X9", "since", "expected a fiscal year"),
    ("date-calendar", "opened: 2025-02-30", "opened", "not a date in the calendar"),
    ("date-text", "opened: いつか", "opened", "must be a date such as 2025-10-01"),
    ("flag-yes", "priority: yes", "priority", "YAML 1.1 would silently read it as a boolean"),
    ("choice-unknown", "policy_kind: 休止", "policy_kind", "must be one of '拡充', '継続', '縮小', got '休止'"),
    ("choice-typo", "policy_kind: 拡允", "policy_kind", "did you mean '拡充'?"),
    ("choice-label", "policy_kind: 縮小する", "policy_kind", "'縮小する' is the label of '縮小'; write 縮小"),
    ("choice-case", "rank: b", "rank", "did you mean 'B'?"),
    ("key-of-another-level", "started: R3", "started", "unknown field; 'started' is a field of projects[]"),
    ("undeclared-key", "managr: 山田", "managr", "unknown field; did you mean 'manager'?"),
    ("grade-typed", "overall: A", "overall", "never typed"),
]


@pytest.mark.parametrize("case,line,field,fragment", WRONG, ids=[c[0] for c in WRONG])
def test_a_wrong_value_names_file_line_and_field(
    project: Path, case: str, line: str, field: str, fragment: str
) -> None:
    key = line.split(":")[0]
    lines = [ln for ln in VALID.splitlines() if not ln.startswith(f"{key}:")]
    text = MINIMAL_RECORD + "\n".join(lines) + "\n" + line + "\n"
    path = write(project, text)
    result = validate(project, path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    number = text.splitlines().index(line) + 1
    prefix = f"{path}:{number}: {field}: "
    matching = [ln for ln in result.stderr.splitlines() if ln.startswith(prefix)]
    assert any(fragment in ln for ln in matching), f"no {prefix!r}…{fragment!r} in:\n{result.stderr}"


def test_fields_declared_at_every_level_are_read_and_checked(project: Path) -> None:
    described = "    description: 交流を促進します。"
    text = MINIMAL_RECORD.replace(described, described + "\n    owner: 企画課")
    text = text.replace("    unit: 人\n", "    unit: 人\n    source: 住民基本台帳\n")
    text = text.replace("R5: {target: 4000, actual: 2290}", "R5: {target: 4000, actual: 2290, remark: 速報値}")
    text = text.replace("    main: true\n", "    main: true\n    started: R3\n")
    text = text.replace("R7: {cost: 601,", "R7: {subsidy: 300, cost: 601,")
    text += (
        VALID
        + """\
related:
  - {area: 政策分野1, project: 事業A, department: 企画課, url: https://example.jp}
review:
  results:
    - {measure: 1, points: [進んだ。], comment: 中間報告}
logic_models:
  - {measure: 1, projects: [交流事業], caption: 交流のロジック}
outcome_evidence:
  - project: 交流事業
    item: 参加者数
    basis: 受付名簿
    years: {R6: {plan: 100, survey: 4月集計}}
"""
    )
    path = write(project, text)
    result = validate(project, path)
    assert result.exit_code == 0, result.output
    record = load(describe(path), config=load_config(project / "formgen.yaml")).record
    assert record.measures[0].owner == "企画課"
    assert record.kpis[0].source == "住民基本台帳"
    assert [e.remark for e in record.kpis[0].years.values()] == ["速報値"]
    assert record.projects[0].started.short == "R3"
    assert [e.subsidy for e in record.projects[0].years.values()] == [300]
    assert record.related[0].url == "https://example.jp"
    assert record.review.results[0].comment == "中間報告"
    assert record.logic_models[0].caption == "交流のロジック"
    assert record.outcome_evidence[0].basis == "受付名簿"
    assert [e.survey for e in record.outcome_evidence[0].years.values()] == ["4月集計"]
    typo = write(project, text.replace("    owner: 企画課", "    ownr: 企画課"))
    result = validate(project, typo)
    assert result.exit_code == 2
    line = text.splitlines().index("    owner: 企画課") + 1
    assert f"{typo}:{line}: measures[0].ownr: unknown field; did you mean 'owner'?" in result.stderr


def test_every_wrong_value_is_reported_at_once_in_the_order_of_the_lines(project: Path) -> None:
    text = MINIMAL_RECORD + VALID.replace("staff: 12", "staff: -1").replace("opened: 2025-10-01", "opened: x")
    path = write(project, text.replace("vision: 新しい価値が生まれ続けるまち", "vision: 12"))
    result = validate(project, path)
    assert result.exit_code == 2
    fields = [line.split(": ")[1] for line in result.stderr.splitlines()]
    assert fields == ["vision", "staff", "opened"]


def test_a_declared_text_the_font_cannot_print_is_named_with_its_line(project: Path) -> None:
    import shutil

    from conftest import FONTS, LAYOUTS

    shutil.copytree(LAYOUTS, project / "layouts")
    path = project / "layouts" / "policy_area.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "[{label: めざす姿, span: 7}, {value: vision, span: 31}]",
        "[{label: めざす姿, span: 7}, {value: vision, span: 31}]\n"
        "          - [{label: 課長名, span: 7}, {value: manager, span: 31}]",
    )
    path.write_text(text.replace("{texts.plan}", "総合計画").replace("{texts.population_note}", "※"), encoding="utf-8")
    data = write(project, MINIMAL_RECORD + "manager: 山田 \U0001f600\n")
    result = run_cli(
        "validate",
        *("--config", str(project / "formgen.yaml"), "--layouts", str(project / "layouts"), "--fonts", str(FONTS)),
        str(data),
    )
    assert result.exit_code == 2, result.output
    line = len(MINIMAL_RECORD.splitlines()) + 1
    assert f"{data}:{line}: manager: " in result.stderr and "U+1F600" in result.stderr


# --------------------------------------------------------------------------- a broken formgen.yaml


BROKEN = [
    ("unknown-type", "    x: {type: lin}", "fields.area.x.type", "did you mean 'line'?"),
    ("unknown-option", "    x: {type: line, lable: 名前}", "fields.area.x.lable", "did you mean 'label'?"),
    ("option-of-another-type", "    x: {type: line, choices: [A]}", "fields.area.x.choices", "unknown field"),
    ("bad-name", "    Manager: {type: line}", "fields.area.Manager", "lower-case letters"),
    ("builtin-name", "    vision: {type: text}", "fields.area.vision", "built-in field of area"),
    ("bad-default", "    x: {type: percent, default: abc}", "fields.area.x.default", "must be a number"),
    ("choice-twice", "    x: {type: choice, choices: [A, B, A]}", "fields.area.x.choices[2]", "'A' is listed twice"),
    ("required-and-default", "    x: {type: line, required: true, default: y}", "fields.area.x", "required field"),
    ("grade-of-unknown", "    x: {type: grade, of: rat, scale: [{grade: A}]}", "fields.area.x.of", "no field 'rat'"),
    ("grade-of-text", "    x: {type: grade, of: vision, scale: [{grade: A}]}", "fields.area.x.of", "not a figure"),
    (
        "grade-year-without-years",
        "    x: {type: grade, of: area, year: 0, scale: [{grade: A}]}",
        "fields.area.x.year",
        "no figures per year",
    ),
    ("unknown-level", "  areas: {}\n  area:", "fields.areas", "did you mean 'area'?"),
    ("no-type", "    x: {label: 名前}", "fields.area.x", "needs type: one of line, text, narrative"),
    ("level-nested", "    kpi:\n      g: {type: line}", "fields.area.kpi", "it belongs one level up, beside 'area'"),
    (
        "not-a-boolean",
        "    x: {type: line, required: はい}",
        "fields.area.x.required",
        "must be true or false, got 'はい'",
    ),
    ("yes-for-true", "    x: {type: line, unique: yes}", "fields.area.x.unique", "must be true or false, got 'yes'"),
    ("yaml-syntax", "    x: {type: line", "", "flow mapping that starts on line 3"),
]


@pytest.mark.parametrize("case,line,field,fragment", BROKEN, ids=[c[0] for c in BROKEN])
def test_a_broken_declaration_is_refused_at_its_own_line(
    tmp_path: Path, case: str, line: str, field: str, fragment: str
) -> None:
    config = tmp_path / "formgen.yaml"
    text = "fields:\n  area:\n" + line + "\n" if not line.startswith("  areas") else "fields:\n" + line + " {}\n"
    config.write_text(text, encoding="utf-8")
    data = tmp_path / "R7" / "37.yaml"
    data.parent.mkdir()
    data.write_text(MINIMAL_RECORD, encoding="utf-8")
    result = run_cli("validate", "--config", str(config), str(data))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    first = text.splitlines().index(line.splitlines()[0]) + 1 + (case == "yaml-syntax")  # noticed at the end
    prefix = f"{config}:{first}: " + (f"{field}: " if field else "")
    matching = [ln for ln in result.stderr.splitlines() if ln.startswith(prefix)]
    assert any(fragment in ln for ln in matching), f"no {prefix!r}…{fragment!r} in:\n{result.stderr}"


def test_a_missing_config_file_given_by_name_is_an_error(tmp_path: Path) -> None:
    result = run_cli("validate", "--config", str(tmp_path / "formgen.yaml"), str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path / 'formgen.yaml'}: no such file" in result.stderr


def test_a_latest_year_grade_of_a_plan_grades_the_latest_plan_not_the_latest_actual() -> None:
    """Only a KPI's rate is graded by the latest year with an actual; other figures by the latest
    year that has them (R6 has a plan of 5 and no actual yet)."""
    from formgen.config.model import GradeField
    from formgen.records.declared import graded_value
    from formgen.records.model import Evidence

    evidence = Evidence.model_validate(
        {"project": "事業", "item": "項目", "years": {"R5": {"plan": 3, "actual": 2}, "R6": {"plan": 5}}}
    )
    spec = GradeField.model_validate({"type": "grade", "of": "plan", "year": "latest", "scale": [{"grade": "A"}]})
    assert graded_value(evidence, spec) == 5


def test_a_unique_field_given_twice_names_both_items(tmp_path: Path) -> None:
    """A project copied twice would be counted twice in every total: its 事業番号 declared unique
    is refused at the copy's line, naming the first."""
    config = tmp_path / "formgen.yaml"
    config.write_text("fields:\n  project:\n    code: {type: line, unique: true}\n", encoding="utf-8")
    project = "  - measure: 1\n    name: {name}\n    code: '{code}'\n    department: 総務課\n"
    projects = "".join(project.format(name=n, code=c) for n, c in (("事業A", "03-05"), ("事業B", "03-06")))
    path = tmp_path / "data" / "R7" / "37.yaml"
    path.parent.mkdir(parents=True)
    base = MINIMAL_RECORD.split("projects:\n")[0] + "projects:\n"
    path.write_text(base + projects, encoding="utf-8")
    assert validate(tmp_path, path).exit_code == 0
    path.write_text(base + projects + project.format(name="事業C", code="03-05"), encoding="utf-8")
    result = validate(tmp_path, path)
    assert result.exit_code == 2, result.output
    line = (base + projects).count("\n") + 3  # the copy's code
    assert f"{path}:{line}: projects[2].code: '03-05' is given to projects[0].code too" in result.stderr, result.stderr


def test_a_project_listed_twice_in_a_measure_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "R7" / "37.yaml"
    path.parent.mkdir()
    copy = MINIMAL_RECORD.split("projects:\n")[1]
    path.write_text(MINIMAL_RECORD + copy, encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2, result.output
    lines = (MINIMAL_RECORD + copy).splitlines()
    line = len(lines) - lines[::-1].index("    name: 交流事業")  # the copy's
    assert f"{path}:{line}: projects[1].name: '交流事業' is listed twice in 施策1 (as projects[0].name too)" in (
        result.stderr
    ), result.stderr


def test_unique_is_refused_where_there_is_no_list(tmp_path: Path) -> None:
    config = tmp_path / "formgen.yaml"
    config.write_text("fields:\n  area:\n    code: {type: line, unique: true}\n", encoding="utf-8")
    data = tmp_path / "R7" / "37.yaml"
    data.parent.mkdir()
    data.write_text(MINIMAL_RECORD, encoding="utf-8")
    result = run_cli("validate", "--config", str(config), str(data))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{config}:2: fields.area: code: unique is for the fields of a list's items" in result.stderr, result.stderr


def test_messages_about_measures_use_the_citys_word_for_them(tmp_path: Path) -> None:
    """A city whose 施策 is the policy area calls its measures 基本事業: so do the messages."""
    config = tmp_path / "formgen.yaml"
    config.write_text("words:\n  measure: 基本事業\n", encoding="utf-8")
    path = tmp_path / "data" / "R7" / "37.yaml"
    path.parent.mkdir(parents=True)
    copy = MINIMAL_RECORD.split("projects:\n")[1]
    path.write_text(
        MINIMAL_RECORD + copy + copy.replace("measure: 1", "measure: 2"),
        encoding="utf-8",
    )
    result = validate(tmp_path, path)
    assert result.exit_code == 2, result.output
    assert "projects[1].name: '交流事業' is listed twice in 基本事業1 (as projects[0].name too)" in result.stderr
    assert "projects[2].measure: there is no 基本事業2 in measures (known: 1)" in result.stderr
    assert "施策" not in result.stderr, result.stderr
