"""A city's declared fields as pydantic fields, and the record models extended with them.

formgen.yaml declares fields per level of the record (the area, a measure, a
KPI, a KPI's year, …). Each becomes a field of a subclass of the core model
of that level, with the same validators, messages and JSON Schema as the
built-in fields; the models are built once per project. Grades are computed
fields: a property of the subclass.
"""

from __future__ import annotations

import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, cast

from pydantic import BaseModel, BeforeValidator, Field, InstanceOf, PlainSerializer, WithJsonSchema, create_model
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from ..config.model import (
    ChoiceField,
    DecimalField,
    Fields,
    GradeField,
    IntegerField,
    PercentField,
)
from ..eras import FISCAL_YEAR_SCHEMA, FiscalYear
from ..errors import closest, shown
from . import model as core
from .narrative import Narrative
from .types import (
    MAX_CELL_CHARS,
    MISSING_SCHEMA,
    NUMBER_SCHEMA,
    amount,
    check_text,
    dash_is_missing,
    fail,
    flag,
    line,
    to_decimal,
    whole_number,
)
from .values import DATE_HELP, Choice, JapaneseDate, Percent, parse_date

# --------------------------------------------------------------------------- value checks by type


def _bounded(number: Decimal, low: float | int | None, high: float | int | None) -> Decimal:
    if low is not None and number < Decimal(str(low)):
        raise fail("number_min", "must be at least {low}, got {got}", low=_plain(low), got=str(number))
    if high is not None and number > Decimal(str(high)):
        raise fail("number_max", "must be at most {high}, got {got}", high=_plain(high), got=str(number))
    return number


def _plain(number: float | int) -> str:
    return format(Decimal(str(number)).normalize(), "f")


def _decimals(number: Decimal, decimals: int | None) -> Decimal:
    """``number`` with exactly ``decimals`` decimals (as typed when None); more are refused."""
    if decimals is None:
        return number
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > decimals and number != number.quantize(Decimal(1).scaleb(-decimals)):
        raise fail("number_decimals", "has more than {n} decimals, more than the form prints", n=decimals)
    return number.quantize(Decimal(1).scaleb(-decimals))


def _integer(spec: IntegerField) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        number = whole_number(value)
        _bounded(Decimal(number), spec.min, spec.max)
        return int(number)

    return check


def _decimal(spec: DecimalField) -> Callable[[Any], Decimal]:
    return lambda value: _decimals(_bounded(to_decimal(value), spec.min, spec.max), spec.decimals)


def _percent(spec: PercentField) -> Callable[[Any], Percent]:
    def check(value: Any) -> Percent:
        if isinstance(value, Percent):
            return value
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        number = _bounded(to_decimal(value), spec.min, spec.max)
        try:
            return Percent(_decimals(number, spec.decimals), spec.decimals)
        except PydanticCustomError:
            if not 0 < abs(number) < 1:
                raise
            # 0.523, as a spreadsheet holds 52.3 %: more decimals than the form prints
            raise fail(
                "percent_fraction",
                "has more than {n} decimals, more than the form prints; a percent is written as the "
                "number before %: {pct} for {pct} %, not the fraction {got}",
                n=spec.decimals,
                pct=format((number * 100).normalize(), "f"),
                got=format(number, "f"),
            ) from None

    return check


def _choice(spec: ChoiceField) -> Callable[[Any], Choice]:
    options = {str(o.value): Choice(str(o.value), o.label or str(o.value)) for o in spec.choices}
    by_label = {choice.label: choice.value for choice in options.values() if choice.label != choice.value}
    listed = ", ".join(repr(v) for v in options)

    def check(value: Any) -> Choice:
        if isinstance(value, Choice):
            return value
        written = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        key = unicodedata.normalize("NFKC", written).strip()  # Ｂ is B
        if key in options:
            return options[key]
        if key in by_label:
            hint = f": {shown(key)} is the label of {shown(by_label[key])}; write {by_label[key]}"
        else:
            same = [v for v in options if v.casefold() == key.casefold()]
            close = same[0] if same else closest(key, options, cutoff=0.5) if key else None
            hint = f"; did you mean {shown(close)}?" if close is not None else ""
        raise fail("choice", "must be one of {listed}, got {got}{hint}", listed=listed, got=shown(value), hint=hint)

    return check


def _date(value: Any) -> JapaneseDate:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail("date", "{why}", why=str(exc)) from None


def _fiscal_year(value: Any) -> FiscalYear:
    try:
        return FiscalYear.parse(value)
    except ValueError as exc:
        raise fail("fiscal_year", "{why}", why=str(exc)) from None


def _required(value: Any) -> Any:
    if value is None:
        raise fail("missing_value", "is required: give a value")
    return value


# --------------------------------------------------------------------------- pydantic fields


@dataclass(frozen=True)
class Kind:
    """How one declared type validates, what it holds and its JSON Schema."""

    holds: Any
    check: Callable[[Any], Any]
    schema: dict[str, Any]
    empty: Any = None
    """the value of an optional field left out (None: missing, printed 「-」)"""
    dash_is_missing: bool = True
    """「-」 means missing, as in the form's figures (not for texts)"""
    dump: Callable[[Any], Any] | None = None
    """the value as the data file writes it (``formgen new-year`` writes records back)"""


_TEXT_SCHEMA = {"type": "string", "maxLength": MAX_CELL_CHARS}
_LINE_SCHEMA = {"type": "string", "minLength": 1, "pattern": r"^[^\n]*$"}


def kind_of(spec: Any) -> Kind:
    """The validation of a declared field (every type but grade)."""
    t = spec.type
    if t == "line":
        return Kind(str, line, _LINE_SCHEMA, dash_is_missing=False)
    if t == "text":
        return Kind(str, check_text, _TEXT_SCHEMA, empty="", dash_is_missing=False)
    if t == "integer":
        bounds = {k: v for k, v in (("minimum", spec.min), ("maximum", spec.max)) if v is not None}
        return Kind(int, _integer(spec), {"type": "integer", **bounds})
    if t == "decimal":
        return Kind(Decimal, _decimal(spec), NUMBER_SCHEMA)
    if t == "amount":
        return Kind(int, amount, {"anyOf": [{"type": "integer", "minimum": 0}, NUMBER_SCHEMA["anyOf"][1]]})
    if t == "percent":
        return Kind(
            InstanceOf[Percent],
            _percent(spec),
            {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[-+]?[0-9]+(\.[0-9]+)?\s*[%％]?$"}]},
            dump=lambda v: v.percent,
        )
    if t == "fiscal_year":
        return Kind(FiscalYear, _fiscal_year, FISCAL_YEAR_SCHEMA)
    if t == "date":
        return Kind(InstanceOf[JapaneseDate], _date, {"type": "string", "description": DATE_HELP}, dump=lambda v: v.iso)
    if t == "flag":
        return Kind(bool, flag, {"type": "boolean"}, empty=False, dash_is_missing=False)
    if t == "choice":
        values: list[Any] = [str(o.value) for o in spec.choices]
        values += [int(v) for v in values if v.isascii() and v.isdigit()]
        return Kind(InstanceOf[Choice], _choice(spec), {"enum": values}, dump=lambda v: v.value)
    raise AssertionError(f"no kind {t!r}")  # pragma: no cover - the config model admits nothing else


def declared_field(spec: Any) -> tuple[Any, FieldInfo]:
    """The annotation and FieldInfo of a declared field (every type but grade)."""
    about = "：".join(part for part in (spec.label, spec.description) if part) or None
    if spec.type == "narrative":
        annotation: Any = Annotated[Narrative, BeforeValidator(lambda v: [] if v is None else v)]
        default = [] if spec.default is None else spec.default
    else:
        annotation, default = _checked(kind_of(spec), spec)
    if spec.required:
        return annotation, Field(description=about, title=spec.label)
    return annotation, cast(FieldInfo, Field(default, description=about, title=spec.label))


def _checked(kind: Kind, spec: Any) -> tuple[Any, Any]:
    """The annotation of a declared field of ``kind``, and its value when left out."""
    required = bool(spec.required)
    check = kind.check if required else (lambda v: None if v is None else kind.check(v))
    # pydantic runs the last of several validators first: 「-」 → missing, (refused if required), checked
    validators = [BeforeValidator(check)] + ([BeforeValidator(_required)] if required else [])
    schema = kind.schema
    if kind.dash_is_missing:
        validators.append(BeforeValidator(dash_is_missing))
        schema = schema if required else {"anyOf": [schema, MISSING_SCHEMA]}
    dump = kind.dump
    serializer = [] if dump is None else [PlainSerializer(lambda v: None if v is None else dump(v))]
    holds = kind.holds if required else kind.holds | None
    default = kind.empty if spec.default is None else kind.check(spec.default)
    return Annotated[holds, *validators, WithJsonSchema(schema), *serializer], default


# --------------------------------------------------------------------------- grades


def read_path(obj: Any, path: str) -> Any:
    """``obj.a.b``: public attributes only (the path was checked against the model)."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def graded_value(item: Any, spec: GradeField) -> Decimal | int | None:
    """The value ``spec`` grades, for ``item``; None when it is missing."""
    if spec.year is None:
        value = read_path(item, spec.of)
    elif spec.year == "latest":
        value = read_path(_latest_entry(item, spec), spec.of)  # None without years
    else:
        sheet_year = item.sheet_year()
        value = None if sheet_year is None else read_path(item.year_entry(sheet_year + spec.year), spec.of)
    return value.percent if isinstance(value, Percent) else value


def _latest_entry(item: Any, spec: GradeField) -> Any:
    """The latest year's entry that has the figure graded; for a figure worked out from another
    (a KPI's rate, from the actual) the latest that has that one (a rate that cannot be worked
    out there, such as an actual of 0 where lower is better, grades 「-」, never an older year's)."""
    entries = (item.year_entry(y) for y in sorted(item.years, reverse=True))
    return next((e for e in entries if read_path(e, e.derived_from.get(spec.of, spec.of)) is not None), None)


def grade(value: Decimal | int | None, spec: GradeField) -> Choice | None:
    """The first step of the scale that ``value`` reaches; None for a missing value."""
    if value is None:
        return None
    for step in spec.scale:
        reached = (step.min is None or value >= Decimal(str(step.min))) and (
            step.max is None or value <= Decimal(str(step.max))
        )
        if reached:
            return Choice(str(step.grade), step.label or str(step.grade))
    return None


def grade_property(spec: GradeField) -> property:
    def fget(self: Any) -> Choice | None:
        return grade(graded_value(self, spec), spec)

    fget.__annotations__ = {"return": Choice | None}
    fget.__doc__ = spec.label or "a computed grade"
    return property(fget)


# --------------------------------------------------------------------------- the models


@dataclass(frozen=True)
class RecordModels:
    """The record models of one project: the core models, extended with its declared fields."""

    area: type[core.PolicyArea]
    """the sheet's model, holding the models of the other levels"""


CORE_LEVELS: dict[str, type[BaseModel]] = {
    "area": core.PolicyArea,
    "measure": core.Measure,
    "kpi": core.Kpi,
    "kpi_year": core.KpiYear,
    "project": core.Project,
    "project_year": core.ProjectYear,
    "related": core.Related,
    "review": core.ReviewGroup,
    "logic_model": core.LogicModel,
    "evidence": core.Evidence,
    "evidence_year": core.EvidenceYear,
}

_CONTAINS: dict[str, dict[str, str]] = {
    "kpi": {"years": "kpi_year"},
    "project": {"years": "project_year"},
    "evidence": {"years": "evidence_year"},
    "review_groups": {"results": "review", "issues": "review"},
    "area": {
        "measures": "measure",
        "kpis": "kpi",
        "related": "related",
        "review": "review_groups",
        "projects": "project",
        "logic_models": "logic_model",
        "outcome_evidence": "evidence",
    },
}
"""the fields of a level that hold another level (lists, entries by year, the review's two lists)"""

GradeCheck = Callable[[str, GradeField, type[BaseModel]], None]


def build_models(fields: Fields, check_grade: GradeCheck | None = None) -> RecordModels:
    """The project's record models; the core models themselves when nothing is declared.

    ``check_grade(level, spec, model)`` is called for each grade with the model it grades (the
    level's, or its year entry's), before the grade is added.
    """
    if not any(getattr(fields, level) for level in CORE_LEVELS):
        return RecordModels(core.PolicyArea)
    built: dict[str, type[BaseModel]] = {}
    for level in ("kpi_year", "project_year", "evidence_year", "measure", "related", "review", "logic_model"):
        built[level] = _extend(CORE_LEVELS[level], level, getattr(fields, level), {}, check_grade)
    for level in ("kpi", "project", "evidence"):
        built[level] = _extend(CORE_LEVELS[level], level, getattr(fields, level), built, check_grade)
    built["review_groups"] = _extend(core.Review, "review_groups", {}, built, None)
    built["area"] = _extend(core.PolicyArea, "area", fields.area, built, check_grade)
    return RecordModels(built["area"])  # type: ignore[arg-type]


def _extend(
    base: type[BaseModel],
    level: str,
    declared: dict[str, Any],
    built: dict[str, type[BaseModel]],
    check_grade: GradeCheck | None,
) -> type[BaseModel]:
    """A subclass of ``base`` with the declared fields, holding the built models of lower levels."""
    fields: dict[str, Any] = {}
    for name, lower in _CONTAINS.get(level, {}).items():
        fields[name] = _holding(base.model_fields[name], built[lower])
    grades: dict[str, GradeField] = {}
    for name, spec in declared.items():
        if isinstance(spec, GradeField):
            grades[name] = spec
        else:
            fields[name] = declared_field(spec)
    model = create_model(base.__name__, __base__=base, __module__=base.__module__, __doc__=base.__doc__, **fields)
    hints = dict(getattr(base, "key_hints", {}))
    for name, spec in grades.items():
        hints[name] = f"is computed from {spec.of} (a grade declared in formgen.yaml), never typed"
    setattr(model, "key_hints", hints)  # noqa: B010 - a ClassVar of the core model, set on the subclass
    unique = tuple(name for name, spec in declared.items() if getattr(spec, "unique", False))
    setattr(model, "unique_fields", unique)  # noqa: B010 - likewise
    for name, spec in grades.items():
        graded = model.year_model() if spec.year is not None and hasattr(model, "year_model") else model
        if check_grade is not None:
            check_grade(level, spec, graded)
        setattr(model, name, grade_property(spec))
    return model


def _holding(field: FieldInfo, lower: type[BaseModel]) -> tuple[Any, FieldInfo]:
    """A container field (list of items, or entries by year) retyped to hold ``lower``."""
    origin = typing.get_origin(field.annotation)
    args = typing.get_args(field.annotation)
    retyped: Any
    if origin is dict:
        retyped = dict[args[0], lower]  # type: ignore[valid-type]
    elif origin is list:
        retyped = list[lower]  # type: ignore[valid-type]
    else:
        retyped = lower
    annotation = Annotated[retyped, *field.metadata] if field.metadata else retyped
    if field.is_required():
        return annotation, Field(description=field.description)
    default = field.get_default(call_default_factory=True)
    if isinstance(default, BaseModel):  # an empty part of the core model: an empty one of ``lower``
        default = lower()
    return annotation, Field(default, description=field.description)
