"""The open data's tables: their columns (Japanese header, English key, type, unit) and each
area's rows.

One table per file, one value per cell, as the guidance for tabular open data asks: areas,
measures, KPIs (one row per KPI and year), projects, project finances (one row per project and
year) and outcome evidence (one row per item and year). Fiscal years are western integers
beside a 和暦 column; amounts are in 千円 (said in the header); a missing figure is an empty
cell. A city's declared fields are columns of the table of their level (area → areas, kpi and
kpi_year → kpis, …); those of levels without a table (related, review, logic_model) are in the
JSON only.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..config.load import Config
from ..config.model import ChoiceField, GradeField, Words
from ..eras import FiscalYear
from ..records import model as core
from ..records.narrative import plain_text
from .ids import area_id, evidence_id, kpi_id, measure_id, project_id, project_named
from .yearjson import plain

AMOUNT_UNIT = "千円"
RATE_UNIT = "%"

BETTER = {"higher": "高いほど良い", "lower": "低いほど良い"}
"""a KPI's better direction as the tables write it"""
ROUNDING = {
    "half_up": "四捨五入",
    "half_even": "偶数丸め",
    "down": "切り捨て",
    "up": "切り上げ",
    "floor": "切り捨て（負の方向）",
    "ceiling": "切り上げ（正の方向）",
}
"""how a KPI's achievement rate is rounded, as the tables write it"""


@dataclass(frozen=True)
class Column:
    """One column: its CSV header (Japanese), its English key, and its Table Schema type."""

    key: str
    """the English key (the data package's title of the field; README lists them)"""
    header: str
    """the CSV header and the data package's field name"""
    type: str
    """a Table Schema type: string, integer, number, boolean, date"""
    description: str = ""
    unit: str | None = None
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    source: tuple[str, str, str] | None = None
    """for a declared field: (level, field name, part) — part is value, label or year_label"""


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values are identifiers of another table."""

    column: str
    table: str
    to: str


@dataclass(frozen=True)
class Table:
    """One CSV file of the data set."""

    name: str
    """the file's stem and the data package's resource name"""
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    levels: tuple[str, ...] = ()
    """the record levels whose declared fields are columns here"""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


TABLE_NAMES = ("areas", "measures", "kpis", "projects", "project_finances", "outcome_evidence")


# --------------------------------------------------------------------------- columns


def _year_columns(what: str = "年度") -> tuple[Column, Column]:
    """A fiscal year as the guidance wants it (西暦) and as the form prints it (和暦)."""
    return (
        Column("fiscal_year", what, "integer", f"{what}（西暦の年、2025 は令和7年度）", required=True),
        Column("fiscal_year_label", f"{what}（和暦）", "string", f"{what}（和暦、令和7年度）", required=True),
    )


def _point_columns(key: str, label: str) -> tuple[Column, ...]:
    """基準値 / 最終目標値: a figure of a fixed year."""
    return (
        Column(f"{key}_fiscal_year", f"{label}の年度", "integer", f"{label}の年度（西暦）"),
        Column(f"{key}_fiscal_year_label", f"{label}の年度（和暦）", "string"),
        Column(f"{key}_value", label, "number", f"{label}（単位は「単位」の列）"),
    )


def _amount(key: str, label: str) -> Column:
    return Column(key, f"{label}（{AMOUNT_UNIT}）", "integer", f"{label}（単位：{AMOUNT_UNIT}）", unit=AMOUNT_UNIT)


def _area_ref(words: Words) -> Column:
    return Column("area_id", f"{words.area}ID", "string", f"{words.area}の識別子（例 37）", required=True)


def _core_tables(words: Words) -> tuple[Table, ...]:
    """The six tables with the built-in fields of the records."""
    area, measure = words.area, words.measure
    areas = Table(
        "areas",
        area,
        f"{area}ごとに1行：番号、名称、政策体系、主管課、めざす姿",
        (
            Column("area_id", f"{area}ID", "string", f"{area}の識別子（{area}番号、例 37）", required=True),
            *_year_columns("評価年度"),
            Column("area_number", f"{area}番号", "integer", required=True),
            Column("area_name", f"{area}名", "string", required=True),
            Column("policy_goal_number", "政策目標番号", "integer", "総合計画に政策目標のない自治体では空欄"),
            Column("policy_goal_name", "政策目標", "string"),
            Column("policy_number", "政策番号", "integer"),
            Column("policy_name", "政策", "string"),
            Column("department", "主管部局・課", "string", required=True),
            Column("vision", "めざす姿", "string"),
            Column("final_evaluation", "最終評価", "string"),
        ),
        ("area_id",),
        levels=("area",),
    )
    measures = Table(
        "measures",
        measure,
        f"{measure}ごとに1行",
        (
            Column(
                "measure_id",
                f"{measure}ID",
                "string",
                f"{measure}の識別子（{area}番号-m{measure}番号、例 37-m1）",
                required=True,
            ),
            _area_ref(words),
            Column("measure_number", f"{measure}番号", "integer", required=True),
            Column("measure_name", f"{measure}名", "string", required=True),
            Column(
                "sdgs",
                "関連するSDGs",
                "string",
                "関連するSDGsのゴールの番号、セミコロン区切り（例 4;8;11）",
                pattern=r"([0-9]{1,2}(;[0-9]{1,2})*)?",
            ),
            Column("description", f"{measure}の内容", "string"),
            Column("achievements", "主な取組状況と成果", "string"),
            Column("outlook", "課題認識と今後の方針・改善点", "string"),
        ),
        ("measure_id",),
        (ForeignKey("area_id", "areas", "area_id"),),
        levels=("measure",),
    )
    kpis = Table(
        "kpis",
        "重要業績評価指標（KPI）",
        "指標と年度ごとに1行：目標値、実績値、formgen が計算した達成率",
        (
            Column("kpi_id", "指標ID", "string", f"指標の識別子（{area}番号-k指標番号、例 37-k02）", required=True),
            _area_ref(words),
            Column("kpi_number", "指標番号", "integer", f"{area}の中の指標の番号", required=True),
            Column("kpi_name", "指標名", "string", required=True),
            Column("unit", "単位", "string", "目標値・実績値・基準値・最終目標値の単位", required=True),
            Column(
                "better",
                "望ましい方向",
                "string",
                "実績が高いほど良いか低いほど良いか",
                required=True,
                enum=tuple(BETTER.values()),
            ),
            Column("description", "説明又は計算式", "string"),
            *_point_columns("baseline", "基準値"),
            *_point_columns("final_target", "最終目標値"),
            *_year_columns(),
            Column("target", "目標値", "number", "目標値（単位は「単位」の列）"),
            Column("actual", "実績値", "number", "実績値（単位は「単位」の列）"),
            Column(
                "achievement_rate",
                f"達成率（{RATE_UNIT}）",
                "number",
                "実績値÷目標値（低いほど良い指標は目標値÷実績値）×100 を"
                "「達成率の端数処理」で「達成率の小数桁数」に丸めた値。"
                "目標値か実績値が無いとき、または割る数が0のときは空欄",
                unit=RATE_UNIT,
            ),
            Column("rate_decimals", "達成率の小数桁数", "integer", required=True),
            Column("rate_rounding", "達成率の端数処理", "string", required=True, enum=tuple(ROUNDING.values())),
            Column("assessment", "検証", "string"),
        ),
        ("kpi_id", "fiscal_year"),
        (ForeignKey("area_id", "areas", "area_id"),),
        levels=("kpi", "kpi_year"),
    )
    projects = Table(
        "projects",
        "事務事業",
        "事務事業ごとに1行",
        (
            Column(
                "project_id",
                "事業ID",
                "string",
                f"事務事業の識別子（{area}番号-m{measure}番号-p{measure}の中の事業番号、例 37-m1-p05）",
                required=True,
            ),
            _area_ref(words),
            Column("measure_id", f"{measure}ID", "string", required=True),
            Column("project_number", "事業番号", "integer", f"{measure}の中の事業の番号", required=True),
            Column("project_name", "事務事業名", "string", required=True),
            Column("main", "主要事業", "boolean", "主要事業（帳票の◎）なら true", required=True),
            Column("population_goal", "人口減少対策の基本目標", "integer", "人口減少対策の基本目標の番号"),
            Column("sdg_target", "SDGsターゲット", "string", "例 11.3"),
            Column("next_year", "次年度方針", "string", required=True, enum=_policies()),
            Column("department", "担当部・課", "string", required=True),
            Column("basis", "法定・自主", "string", "データに記載がなければ空欄", enum=("法定", "自主")),
            Column("summary", "概要（目的・内容）", "string"),
            Column("achievements", "取組状況と成果", "string"),
            Column("outlook", "課題認識と今後の方針・改善点", "string"),
        ),
        ("project_id",),
        (ForeignKey("area_id", "areas", "area_id"), ForeignKey("measure_id", "measures", "measure_id")),
        levels=("project",),
    )
    kinds = tuple(dict.fromkeys((words.settled, words.budget, words.forecast, words.plan)))
    finances = Table(
        "project_finances",
        "事務事業の財務内容",
        f"事務事業と年度ごとに1行（単位：{AMOUNT_UNIT}）。データに無い年度（事業がまだ無かった年度）の行は無い",
        (
            Column("project_id", "事業ID", "string", required=True),
            *_year_columns(),
            Column(
                "kind",
                "区分",
                "string",
                _kinds_described(words),
                required=True,
                enum=kinds,
            ),
            _amount("cost", "事業費"),
            _amount("general_revenue", "所要一般財源"),
            _amount("personnel", "概算人件費"),
        ),
        ("project_id", "fiscal_year"),
        (ForeignKey("project_id", "projects", "project_id"),),
        levels=("project_year",),
    )
    evidence = Table(
        "outcome_evidence",
        "成果を示す根拠の推移",
        "項目と年度ごとに1行：計画と実績",
        (
            Column("evidence_id", "根拠ID", "string", f"項目の識別子（{area}番号-e番号、例 37-e01）", required=True),
            _area_ref(words),
            Column("project_id", "事業ID", "string", "項目の事務事業"),
            Column("project_name", "事業名", "string", required=True),
            Column("item", "項目", "string", required=True),
            *_year_columns(),
            Column("plan", "計画", "number"),
            Column("actual", "実績", "number"),
        ),
        ("evidence_id", "fiscal_year"),
        (ForeignKey("area_id", "areas", "area_id"), ForeignKey("project_id", "projects", "project_id")),
        levels=("evidence", "evidence_year"),
    )
    return areas, measures, kpis, projects, finances, evidence


def _policies() -> tuple[str, ...]:
    return tuple(str(v) for v in typing.get_args(core.NextYearPolicy))


def tables(config: Config) -> tuple[Table, ...]:
    """The data set's tables for this project: the built-in columns, then its declared fields
    (made once per formgen.yaml and process: every area's rows are laid out by them)."""
    found = _TABLES.get(config.digest)
    if found is None:
        found = _TABLES[config.digest] = tuple(_with_declared(t, config) for t in _core_tables(config.words))
    return found


_TABLES: dict[str, tuple[Table, ...]] = {}


def _with_declared(table: Table, config: Config) -> Table:
    """The table with a column (or two) per declared field of its levels, named apart from the others."""
    columns = _distinct_headers(table.columns)
    for level in table.levels:
        for name, spec in getattr(config.spec.fields, level).items():
            for column in _declared_columns(level, name, spec):
                columns.append(_unique(column, columns, level))
    return replace(table, columns=tuple(columns))


def _declared_columns(level: str, name: str, spec: Any) -> Iterator[Column]:
    """The columns of one declared field: its value, and its label or 和暦 where it has one."""
    label = spec.label or name
    about = spec.description or ""
    source = (level, name, "value")
    kind = spec.type
    if kind == "amount":
        yield Column(name, f"{label}（{AMOUNT_UNIT}）", "integer", about, unit=AMOUNT_UNIT, source=source)
    elif kind == "percent":
        yield Column(name, f"{label}（{RATE_UNIT}）", "number", about, unit=RATE_UNIT, source=source)
    elif kind in ("integer", "decimal", "date"):
        yield Column(name, label, {"decimal": "number"}.get(kind, kind), about, source=source)
    elif kind == "flag":
        yield Column(name, label, "boolean", about, required=True, source=source)
    elif kind == "fiscal_year":
        yield Column(name, label, "integer", f"{label}（西暦）", source=source)
        yield Column(f"{name}_label", f"{label}（和暦）", "string", source=(level, name, "year_label"))
    elif kind in ("choice", "grade"):
        if isinstance(spec, ChoiceField):
            values = tuple(str(option.value) for option in spec.choices)
        else:
            values = tuple(str(step.grade) for step in spec.scale)
        yield Column(name, label, "string", about, enum=tuple(dict.fromkeys(values)), source=source)
        if _labelled(spec):
            yield Column(f"{name}_label", f"{label}（名称）", "string", source=(level, name, "label"))
    else:  # line, text, narrative
        yield Column(name, label, "string", about, source=source)


def _labelled(spec: ChoiceField | GradeField) -> bool:
    """Whether some value of a choice or grade has a label of its own (else a label column says nothing)."""
    if isinstance(spec, ChoiceField):
        return any(o.label and o.label != str(o.value) for o in spec.choices)
    return any(s.label and s.label != str(s.grade) for s in spec.scale)


def _distinct_headers(columns: tuple[Column, ...]) -> list[Column]:
    """The built-in columns, a header that a city's words make the same as another's (政策番号 when
    the area is called 政策) qualified by its key: a CSV reader needs every header once."""
    out: list[Column] = []
    for column in columns:
        clash = column.header in {c.header for c in out} or sum(c.header == column.header for c in columns) > 1
        out.append(replace(column, header=f"{column.header}（{column.key}）") if clash else column)
    return out


def _unique(column: Column, taken: list[Column], level: str) -> Column:
    """A declared column whose key or header another column has: qualified by its level, so that
    no two columns share a key (the JSON's) or a header (a CSV reader's)."""
    keys, headers = {c.key for c in taken}, {c.header for c in taken}
    key, header = column.key, column.header
    if key in keys:
        key = f"{level}_{key}"
    n = 2
    while key in keys:
        key, n = f"{level}_{column.key}_{n}", n + 1
    if header in headers:
        header = f"{header}（{key}）"
    return replace(column, key=key, header=header)


# --------------------------------------------------------------------------- cells and rows


def cell(value: Any) -> str:
    """A value as a CSV cell: numbers plain (no grouping, no exponent), years western, dates ISO,
    true/false, narratives as the plain text they read as, a missing value empty."""
    if type(value) is str:  # most cells
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return plain_text(value)
    value = plain(value)
    return format(value, "f") if isinstance(value, Decimal) else str(value)


Row = dict[str, Any]


def area_rows(record: core.PolicyArea, words: Words, layout: tuple[Table, ...]) -> dict[str, list[list[str]]]:
    """Every table's rows of one area, as CSV cells in the order of the table's columns."""
    by = {t.name: t for t in layout}
    made: dict[str, list[Row]] = {
        "areas": [_area(record) | _declared(record, "area", by["areas"])],
        "measures": [_measure(record, m) | _declared(m, "measure", by["measures"]) for m in record.measures],
        "kpis": list(_kpis(record, by["kpis"])),
        "projects": [_project(record, p) | _declared(p, "project", by["projects"]) for p in record.projects],
        "project_finances": list(_finances(record, words, by["project_finances"])),
        "outcome_evidence": list(_evidence(record, by["outcome_evidence"])),
    }
    return {t.name: [[cell(row.get(c.key)) for c in t.columns] for row in made[t.name]] for t in layout}


def _declared(obj: Any, level: str, table: Table) -> Row:
    """The values of ``obj``'s declared fields (``level``) for the table's declared columns."""
    row: Row = {}
    for column in table.columns:
        if column.source is None or column.source[0] != level:
            continue
        _, name, part = column.source
        value = getattr(obj, name)
        if part == "label":
            value = None if value is None else value.label
        elif part == "year_label":
            value = None if value is None else value.long
        row[column.key] = value
    return row


def _years(year: FiscalYear) -> Row:
    return {"fiscal_year": year, "fiscal_year_label": year.long}


def _kinds_described(words: Words) -> str:
    """What 区分 says, as the city's sheet_year has it (the data and its description agree)."""
    years = ("前年度", "評価年度", "翌年度", "翌々年度")
    shift = 1 if words.sheet_year == "settled" else 0  # the budget's year after the sheet's
    settled, budget, forecast = years[shift], years[shift + 1], years[shift + 2]
    return (
        f"評価年度から見た区分：{settled}以前は{words.settled}、{budget}は{words.budget}、"
        f"{forecast}は{words.forecast}、その後は{words.plan}"
    )


def _numbered(key: str, value: core.Numbered | None) -> Row:
    """``key_number`` and ``key_name`` of a numbered item, empty when the data gives none."""
    if value is None:
        return {f"{key}_number": None, f"{key}_name": None}
    return {f"{key}_number": value.number, f"{key}_name": value.name}


def _area(record: core.PolicyArea) -> Row:
    return {
        "area_id": area_id(record),
        **_years(record.fiscal_year),
        "area_number": record.area.number,
        "area_name": record.area.name,
        **_numbered("policy_goal", record.policy_goal),
        **_numbered("policy", record.policy),
        "department": record.department,
        "vision": record.vision,
        "final_evaluation": record.final_evaluation,
    }


def _measure(record: core.PolicyArea, measure: core.Measure) -> Row:
    return {
        "measure_id": measure_id(record, measure.number),
        "area_id": area_id(record),
        "measure_number": measure.number,
        "measure_name": measure.name,
        "sdgs": ";".join(str(goal) for goal in measure.sdgs),
        "description": measure.description,
        "achievements": measure.achievements,
        "outlook": measure.outlook,
    }


def _given_years(item: core.Kpi | core.Evidence, sheet: FiscalYear) -> list[FiscalYear]:
    """The years an item gives, in order; the sheet's year alone when it gives none, so that the
    item still has its row (with empty figures)."""
    return sorted(item.years) or [sheet]


def _kpis(record: core.PolicyArea, table: Table) -> Iterator[Row]:
    for kpi in record.kpis:
        fixed = {
            "kpi_id": kpi_id(record, kpi.number),
            "area_id": area_id(record),
            "kpi_number": kpi.number,
            "kpi_name": kpi.name,
            "unit": kpi.unit,
            "better": BETTER[kpi.better],
            "description": kpi.description,
            **_point("baseline", kpi.baseline),
            **_point("final_target", kpi.final_target),
            "rate_decimals": kpi.decimals,
            "rate_rounding": ROUNDING[kpi.rounding],
            "assessment": kpi.assessment,
        } | _declared(kpi, "kpi", table)
        for year in _given_years(kpi, record.fiscal_year):
            entry = kpi.year_entry(year)
            yearly = {"target": entry.target, "actual": entry.actual, "achievement_rate": entry.rate}
            yield fixed | _years(year) | yearly | _declared(entry, "kpi_year", table)


def _point(key: str, point: core.KpiPoint | None) -> Row:
    if point is None:
        return {}
    return {f"{key}_fiscal_year": point.year, f"{key}_fiscal_year_label": point.year.long, f"{key}_value": point.value}


def _project(record: core.PolicyArea, project: core.Project) -> Row:
    return {
        "project_id": project_id(record, project.measure, project.number),
        "area_id": area_id(record),
        "measure_id": measure_id(record, project.measure),
        "project_number": project.number,
        "project_name": project.name,
        "main": project.main,
        "population_goal": project.population_goal,
        "sdg_target": project.sdg_target,
        "next_year": project.next_year,
        "department": project.department,
        "basis": project.basis,
        "summary": project.summary,
        "achievements": project.achievements,
        "outlook": project.outlook,
    }


def _finances(record: core.PolicyArea, words: Words, table: Table) -> Iterator[Row]:
    """The years a project gives (a year it leaves out it did not exist in: no row)."""
    for project in record.projects:
        ident = project_id(record, project.measure, project.number)
        for year in sorted(project.years):
            entry = project.years[year]
            figures = {"cost": entry.cost, "general_revenue": entry.general_revenue, "personnel": entry.personnel}
            kind = words.year_kind(year, record.fiscal_year)
            row = {"project_id": ident, **_years(year), "kind": kind, **figures}
            yield row | _declared(entry, "project_year", table)


def _evidence(record: core.PolicyArea, table: Table) -> Iterator[Row]:
    for number, evidence in enumerate(record.outcome_evidence, start=1):
        fixed = {
            "evidence_id": evidence_id(record, number),
            "area_id": area_id(record),
            "project_id": project_named(record, evidence.project),
            "project_name": evidence.project,
            "item": evidence.item,
        } | _declared(evidence, "evidence", table)
        for year in _given_years(evidence, record.fiscal_year):
            entry = evidence.year_entry(year)
            yield (
                fixed
                | _years(year)
                | {"plan": entry.plan, "actual": entry.actual}
                | _declared(entry, "evidence_year", table)
            )
