"""One area's record as JSON values: every field the data file gives, under the same names, and
every value formgen computes (numbers, achievement rates, 決算/予算/見込み, grades), plus the
identifiers the CSV tables join on.

Figures are JSON numbers (exact: a record holds at most 15 significant digits), fiscal years
western integers with a ``…_label`` in 和暦 beside them, years of an item a list ordered by
year, dates ISO, a choice its value with its label beside it when it has one of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..config.load import Config
from ..config.model import GradeField, Words
from ..eras import FiscalYear
from ..records import model as core
from ..records.declared import CORE_LEVELS
from ..records.values import Choice, JapaneseDate, Percent
from .ids import area_id, evidence_id, kpi_id, measure_id, project_id, project_named


def area_json(record: core.PolicyArea, config: Config) -> dict[str, Any]:
    """The record as JSON values, with the identifiers of the CSV tables."""
    walker = _Walker(config, record.fiscal_year)
    data = walker.model(record)
    data["id"] = area_id(record)
    for measure, out in zip(record.measures, data["measures"], strict=True):
        out["id"] = measure_id(record, measure.number)
    for kpi, out in zip(record.kpis, data["kpis"], strict=True):
        out["id"] = kpi_id(record, kpi.number)
    for project, out in zip(record.projects, data["projects"], strict=True):
        out["id"] = project_id(record, project.measure, project.number)
        out["measure_id"] = measure_id(record, project.measure)
    for number, (evidence, out) in enumerate(zip(record.outcome_evidence, data["outcome_evidence"], strict=True), 1):
        out["id"] = evidence_id(record, number)
        out["project_id"] = project_named(record, evidence.project)
    return data


def number(value: Decimal) -> int | float:
    """A figure as a JSON number: whole numbers as integers; others as the float whose shortest
    repr is the decimal itself (true for up to 15 significant digits, all a record holds)."""
    return int(value) if value == value.to_integral_value() else float(value)


class _Walker:
    """Turns record objects into JSON values; knows the project's grades and the sheet's year."""

    def __init__(self, config: Config, sheet: FiscalYear):
        self.fields = config.spec.fields
        self.words: Words = config.words
        self.sheet = sheet

    def value(self, value: Any) -> Any:
        if value is None or type(value) in _AS_THEY_ARE:  # most values: nothing to turn
            return value
        if isinstance(value, BaseModel):
            return self.model(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):  # an item's years
            return [self.year(year, entry) for year, entry in sorted(value.items())]
        return scalar(value)

    def model(self, obj: BaseModel) -> dict[str, Any]:
        """Every field, then what is computed: grades, and numbers the form gives items."""
        out: dict[str, Any] = {}
        for name in type(obj).model_fields:
            self.put(out, name, getattr(obj, name))
        level = _level(obj)
        if level is not None:
            for name, spec in getattr(self.fields, level).items():
                if isinstance(spec, GradeField):
                    self.put(out, name, getattr(obj, name))
        if isinstance(obj, (core.Kpi, core.Project)):
            out["number"] = obj.number
        if isinstance(obj, core.KpiYear):
            out["rate"] = scalar(obj.rate)
        return out

    def put(self, out: dict[str, Any], name: str, value: Any) -> None:
        """``name``'s value, and its 和暦 or label beside it (never over a field of the record)."""
        out[name] = self.value(value)
        if isinstance(value, FiscalYear):
            out.setdefault(f"{name}_label", value.long)
        elif isinstance(value, Choice) and value.label != value.value:
            out.setdefault(f"{name}_label", value.label)

    def year(self, year: FiscalYear, entry: BaseModel) -> dict[str, Any]:
        """One year of an item; a project's year says what its figures are (決算, 予算, 見込み)."""
        out = {"fiscal_year": year.western, "fiscal_year_label": year.long} | self.model(entry)
        if isinstance(entry, core.ProjectYear):
            out["kind"] = self.words.year_kind(year, self.sheet)
        return out


def plain(value: Any) -> Any:
    """A record's value with nothing inside as a plain one: percents and figures as Decimal,
    years western, dates ISO, choices their value; the CSV and the JSON write these."""
    if isinstance(value, Percent):
        return value.percent
    if isinstance(value, FiscalYear):
        return value.western
    if isinstance(value, JapaneseDate):
        return value.iso
    if isinstance(value, Choice):
        return value.value
    return value


def scalar(value: Any) -> Any:
    """A value with nothing inside as JSON: figures numbers, years western, dates ISO."""
    value = plain(value)
    return number(value) if isinstance(value, Decimal) else value


_AS_THEY_ARE = (str, int, bool, float)
"""types whose values are JSON values already"""


def _level(obj: BaseModel) -> str | None:
    """The record level ``obj`` is (area, kpi, kpi_year, …), for its declared grades."""
    kind = type(obj)
    if kind not in _LEVELS:
        _LEVELS[kind] = next((level for level, model in CORE_LEVELS.items() if isinstance(obj, model)), None)
    return _LEVELS[kind]


_LEVELS: dict[type, str | None] = {}
"""the level of each record class met (classes are made once, at import or from formgen.yaml)"""
