"""The 施策評価票 as pydantic models: one :class:`PolicyArea` per data file.

Field names are English; the docstrings give the form's own labels. Everything
the form derives (achievement rates, project numbers, era labels) is computed
here and never typed by the clerk.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, PrivateAttr, Tag
from pydantic_core import PydanticCustomError

from ..eras import FiscalYear
from ..errors import shown
from ..yamlsource import Loc, format_loc
from .narrative import Narrative
from .types import (
    Flag,
    GoalNumber,
    Line,
    OptionalAmount,
    OptionalNumber,
    OptionalText,
    PositiveInt,
    SdgGoal,
    SdgTarget,
    SmallCount,
    Text,
)
from .values import Percent

__all__ = ["Percent"]  # re-exported: rates were defined here first


class Model(BaseModel):
    """Strict base: unknown keys are typos, and records never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    key_hints: ClassVar[dict[str, str]] = {}
    """what to say about a key that is not a field here but means something (a field that moved,
    a value that is computed); ``{year}`` and ``{next}`` name the sheet's fiscal years"""
    unique_fields: ClassVar[tuple[str, ...]] = ()
    """declared fields no two items of a list may share (``unique: true`` in formgen.yaml)"""


class Numbered(Model):
    """A numbered entry of the city's plan: 政策目標5 豊かで魅力ある地域づくり."""

    number: PositiveInt
    name: Line


# --------------------------------------------------------------------------- measures

SDG_GOALS: dict[int, str] = {
    1: "貧困をなくそう",
    2: "飢餓をゼロに",
    3: "すべての人に健康と福祉を",
    4: "質の高い教育をみんなに",
    5: "ジェンダー平等を実現しよう",
    6: "安全な水とトイレを世界中に",
    7: "エネルギーをみんなに そしてクリーンに",
    8: "働きがいも経済成長も",
    9: "産業と技術革新の基盤をつくろう",
    10: "人や国の不平等をなくそう",
    11: "住み続けられるまちづくりを",
    12: "つくる責任 つかう責任",
    13: "気候変動に具体的な対策を",
    14: "海の豊かさを守ろう",
    15: "陸の豊かさも守ろう",
    16: "平和と公正をすべての人に",
    17: "パートナーシップで目標を達成しよう",
}
"""The Japanese titles of the 17 Sustainable Development Goals."""


class Measure(Model):
    """施策: one measure of the policy area."""

    number: PositiveInt
    """施策番号"""
    name: Line
    """名称"""
    sdgs: list[SdgGoal] = []
    """関連するSDGs17のゴール (goal numbers 1–17)"""
    description: OptionalText = ""
    """施策の内容 (a form without one leaves it out)"""
    achievements: Narrative = []
    """主な取組状況と成果"""
    outlook: Narrative = []
    """課題認識と今後の方針・改善点"""

    _word: str = PrivateAttr(default="施策")
    """what the city calls a measure (words.measure of formgen.yaml)"""

    def model_post_init(self, context: Any) -> None:
        """``context``: the validation context, ``{"measure_word": "施策"}``."""
        self._word = (context or {}).get("measure_word", "施策")

    @property
    def label(self) -> str:
        """施策1 交流の促進"""
        return f"{self._word}{self.number} {self.name}"

    @property
    def sdg_goals(self) -> list[str]:
        """The goals with their titles, as the form lists them: 「4 質の高い教育をみんなに」."""
        return [f"{n} {SDG_GOALS[n]}" for n in self.sdgs]


# --------------------------------------------------------------------------- KPIs

Rounding = Literal["half_up", "half_even", "down", "up", "floor", "ceiling"]
_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "floor": ROUND_FLOOR,
    "ceiling": ROUND_CEILING,
}


def _years_once(value: Any) -> Any:
    """R5 and 令和5年度 name the same year: giving both is a mistake, not a merge."""
    if isinstance(value, dict):
        seen: dict[FiscalYear, Any] = {}
        for key in value:
            year = FiscalYear.try_parse(key)
            if year is None:
                continue  # reported by the key's own validation
            if year in seen:
                raise PydanticCustomError(
                    "year_twice",
                    "{year} is given twice (as {a} and {b})",
                    {"year": year.long, "a": repr(seen[year]), "b": repr(key)},
                )
            seen[year] = key
    return value


class YearEntry(Model):
    """The figures of one fiscal year of an item; it knows its item and year, for values it
    derives from them (a KPI's rate), and whether the data file gives the year at all."""

    derived_from: ClassVar[dict[str, str]] = {}
    """a figure worked out from another one (its name → the one it needs)"""
    _item: Any = PrivateAttr(default=None)
    _year: FiscalYear | None = PrivateAttr(default=None)
    _given: bool = PrivateAttr(default=True)

    def attach(self, item: Any, year: FiscalYear, given: bool = True) -> None:
        self._item, self._year, self._given = item, year, given

    def given(self) -> bool:
        """Whether the data file gives this year (an item has no figures for a year it omits:
        a project that had not started yet, not a figure that is unknown)."""
        return self._given

    def note_on(self, name: str) -> str | None:
        """What a clerk should know about how the derived figure ``name`` prints, when its inputs
        make it print other than they might expect (None: nothing)."""
        return None


class WithYears(Model):
    """An item with figures per fiscal year (``years: {R5: {...}, R6: {...}}``)."""

    _sheet_year: FiscalYear | None = PrivateAttr(default=None)
    """the fiscal year of the sheet holding the item (from the validation context)"""
    _empty: dict[FiscalYear, Any] = PrivateAttr(default_factory=dict)
    """entries made for years the data does not give, made once each"""

    @classmethod
    def year_model(cls) -> type[YearEntry]:
        """The model of one year's entry (a city may have declared fields of its own in it)."""
        return typing.get_args(cls.model_fields["years"].annotation)[1]

    def year_entry(self, year: FiscalYear) -> Any:
        """The entry for ``year``: as given, or an empty one (every figure missing)."""
        entry = self.years.get(year) or self._empty.get(year)  # type: ignore[attr-defined]
        if entry is None:
            entry = self._empty[year] = self.year_model()()
            entry.attach(self, year, given=False)
        return entry

    def sheet_year(self) -> FiscalYear | None:
        """The fiscal year of the sheet holding the item."""
        return self._sheet_year

    def model_post_init(self, context: Any) -> None:
        """``context``: the validation context, ``{"sheet_year": FiscalYear}``."""
        self._sheet_year = (context or {}).get("sheet_year")
        for year, entry in self.years.items():  # type: ignore[attr-defined]
            entry.attach(self, year)


class KpiYear(YearEntry):
    """目標 and 実績 of one fiscal year; a missing actual prints as 「-」."""

    target: OptionalNumber = None
    actual: OptionalNumber = None
    derived_from: ClassVar[dict[str, str]] = {"rate": "actual"}

    @property
    def rate(self) -> Percent | None:
        """達成率, rounded as the indicator prescribes (see :meth:`Kpi.rate`)."""
        if self._item is None or self._year is None:
            return None
        rate = self._item.rate(self._year)
        return None if rate is None else Percent(rate, self._item.decimals)

    def note_on(self, name: str) -> str | None:
        """A rate over a divisor of 0: none (「-」); or a dividend of 0 where lower is better (a
        target of 0): 0 % whatever the actual."""
        if name != "rate" or self._item is None or self._year is None:
            return None
        terms = self._item.rate_terms(self._year)
        if terms is None:
            return None
        (top, top_value), (bottom, bottom_value) = terms
        lower = ", lower is better" if self._item.better == "lower" else ""
        formula = f"({top} ÷ {bottom}{lower})"
        if bottom_value == 0:
            return f"達成率 not computed: the {bottom} is 0 {formula}; printed 「-」"
        if top_value == 0 and lower:
            return f"達成率 is 0 %: the {top} is 0 {formula}, whatever the {bottom}"
        return None


class KpiPoint(Model):
    """A figure of one fixed year: 基準値 (the baseline) or 最終目標値 (the plan's final target)."""

    year: FiscalYear
    """the year the figure belongs to; it stays when the sheet moves on to a new year"""
    value: OptionalNumber = None


class Kpi(WithYears):
    """重要業績評価指標 (KPI) with its yearly targets and actuals."""

    name: Line
    """指標名"""
    unit: Line
    """単位 (人, 件, 世帯)"""
    description: OptionalText = ""
    """説明又は計算式"""
    better: Literal["higher", "lower"] = "higher"
    """whether a higher or a lower actual is better (decides the rate's direction)"""
    decimals: SmallCount = 1
    """decimals printed in 達成率"""
    rounding: Rounding = "half_up"
    """how 達成率 is rounded to its decimals; the form rounds half up (57.25 → 57.3)"""
    baseline: KpiPoint | None = None
    """基準値: {year: R2, value: 1200}"""
    final_target: KpiPoint | None = None
    """最終目標値: {year: R12, value: 5000}"""
    years: Annotated[dict[FiscalYear, KpiYear], BeforeValidator(_years_once)] = {}
    """目標 / 実績 per fiscal year, keyed R5, R6, …"""
    assessment: OptionalText = ""
    """検証"""

    _number: int = PrivateAttr(default=0)

    @property
    def number(self) -> int:
        """Position in the list of indicators, starting at 1."""
        return self._number

    def numbered(self, number: int) -> None:
        self._number = number

    def rate_terms(self, year: FiscalYear) -> tuple[tuple[str, Decimal], tuple[str, Decimal]] | None:
        """The rate's dividend and divisor, each with its name (actual ÷ target; target ÷ actual
        when lower is better), when both are given."""
        entry = self.years.get(year)
        if entry is None or entry.target is None or entry.actual is None:
            return None
        actual, target = ("actual", entry.actual), ("target", entry.target)
        return (actual, target) if self.better == "higher" else (target, actual)

    def rate(self, year: FiscalYear) -> Decimal | None:
        """達成率 in percent: actual / target (target / actual when lower is better).

        None (printed 「-」) when the target or the actual is missing, or when the
        divisor is 0: a target of 0, or an actual of 0 where lower is better, has no
        finite rate, and the form prints none rather than inventing one.
        """
        terms = self.rate_terms(year)
        if terms is None or terms[1][1] == 0:
            return None
        (_, numerator), (_, denominator) = terms
        exact = numerator * 100 / denominator
        return exact.quantize(Decimal(1).scaleb(-self.decimals), rounding=_ROUNDING[self.rounding])


# --------------------------------------------------------------------------- projects

NextYearPolicy = Literal["継続", "新規", "拡充", "縮小", "見直し", "統合", "休止", "終了", "廃止", "完了"]


class ProjectYear(YearEntry):
    """財務内容 of one fiscal year (単位: 千円): 決算 for a past year, 予算 for the sheet's year,
    見込み for the next (words.sheet_year: settled moves each a year on)."""

    cost: OptionalAmount = None
    """事業費"""
    general_revenue: OptionalAmount = None
    """所要一般財源"""
    personnel: OptionalAmount = None
    """概算人件費"""


class Project(WithYears):
    """事務事業: one administrative project and its evaluation (事務事業評価)."""

    key_hints: ClassVar[dict[str, str]] = {
        "finance": "is how formgen 0.1 gave a project's figures; they are now given per fiscal year: "
        "write years: {{{year}: {{cost: …, general_revenue: …, personnel: …}}, {next}: {{…}}}} "
        "(finance.budget was the {year} 予算, finance.forecast the {next} 見込み)",
    }

    measure: PositiveInt
    """the 施策 number this project belongs to"""
    main: Flag = False
    """主要事業 (printed ◎)"""
    population_goal: GoalNumber | None = None
    """人口減少対策: the basic goal of the population strategy (基本目標2 → 2)"""
    sdg_target: SdgTarget | None = None
    """SDGsターゲット, e.g. 11.3"""
    name: Line
    """事務事業名"""
    next_year: NextYearPolicy = "継続"
    """次年度方針"""
    department: Line
    """担当部・課"""
    basis: Literal["法定", "自主"] | None = None
    """法定/自主 (not given: printed 「-」 as any missing value and published empty, never taken for 自主)"""
    summary: OptionalText = ""
    """概要(目的・内容)"""
    years: Annotated[dict[FiscalYear, ProjectYear], BeforeValidator(_years_once)] = {}
    """財務内容 (千円) per fiscal year, keyed R6, R7, …: 決算, 予算, 見込み by the year"""
    achievements: Narrative = []
    """取組状況と成果"""
    outlook: Narrative = []
    """課題認識と今後の方針・改善点"""

    _number: int = PrivateAttr(default=0)

    @property
    def number(self) -> int:
        """No: position within its measure, starting at 1."""
        return self._number

    def numbered(self, number: int) -> None:
        self._number = number


class Related(Model):
    """関連する政策分野と事務事業: one row."""

    area: Line
    """政策分野"""
    project: Line
    """事務事業名"""
    department: Line
    """担当部・課名"""


# --------------------------------------------------------------------------- review


class ReviewGroup(Model):
    """Bullet points of one measure in the mid-term review (【施策1 交流の促進】)."""

    measure: PositiveInt
    points: list[Text]


class Review(Model):
    """第7次総合計画の期中総括"""

    results: list[ReviewGroup] = []
    """○主な成果"""
    issues: list[ReviewGroup] = []
    """○課題"""


# --------------------------------------------------------------------------- logic model


class LogicCell(Model):
    """A logic-model cell that spans ``rows`` project rows."""

    text: Text
    rows: PositiveInt = 1


def _cell_kind(value: Any) -> str:
    return "text" if isinstance(value, str) else "cell"


LogicEntry = Annotated[
    Annotated[Text, Tag("text")] | Annotated[LogicCell, Tag("cell")],
    Discriminator(_cell_kind),
]

LOGIC_STAGES: tuple[str, ...] = ("outputs", "short_term", "mid_term", "final")


@dataclass(frozen=True)
class Span:
    """A placed logic-model cell: first row, number of rows, text."""

    row: int
    rows: int
    text: str


class LogicModel(Model):
    """ロジックモデル of one measure: 事業名 → 事業実績 → 短期成果 → 中期成果 → 最終成果.

    ``projects`` has one entry per row; every other column lists its cells top
    to bottom, each a text (one row) or ``{text, rows}`` spanning several rows.
    """

    measure: PositiveInt
    projects: list[Text] = Field(min_length=1)
    """事業名, one per row"""
    outputs: list[LogicEntry] = []
    """事業実績"""
    short_term: list[LogicEntry] = []
    """短期成果"""
    mid_term: list[LogicEntry] = []
    """中期成果"""
    final: list[LogicEntry] = []
    """最終成果"""

    def spans(self, stage: str) -> list[Span]:
        """The cells of one column with their row positions."""
        out: list[Span] = []
        row = 0
        for entry in getattr(self, stage):
            cell = LogicCell(text=entry) if isinstance(entry, str) else entry
            out.append(Span(row, cell.rows, cell.text))
            row += cell.rows
        return out


# --------------------------------------------------------------------------- outcome evidence


class EvidenceYear(YearEntry):
    """計画 and 実績 of one year."""

    plan: OptionalNumber = None
    actual: OptionalNumber = None


class Evidence(WithYears):
    """成果を示す根拠の推移(中期成果): one item of one project."""

    project: Line
    """事業名"""
    item: Line
    """項目, e.g. 移住相談件数(年間)"""
    years: Annotated[dict[FiscalYear, EvidenceYear], BeforeValidator(_years_once)] = {}
    """計画 / 実績 per fiscal year"""


# --------------------------------------------------------------------------- the sheet


class PolicyArea(Model):
    """施策評価票: one policy area's evaluation sheet for one fiscal year."""

    fiscal_year: FiscalYear
    """評価年度 (R7 = 令和7年度)"""
    department: Line
    """主管部局・課"""
    policy_goal: Numbered | None = None
    """政策目標 (a city whose plan has none leaves it out)"""
    policy: Numbered | None = None
    """政策 (likewise)"""
    area: Numbered
    """政策分野"""
    vision: OptionalText = ""
    """めざす姿"""
    measures: list[Measure] = Field(min_length=1)
    """施策"""
    kpis: list[Kpi] = []
    """重要業績評価指標(KPI)"""
    related: list[Related] = []
    """関連する政策分野と事務事業"""
    review: Review = Review()
    """第7次総合計画の期中総括"""
    final_evaluation: OptionalText = ""
    """最終評価"""
    projects: list[Project] = []
    """事務事業一覧 and 事務事業評価"""
    logic_models: list[LogicModel] = []
    """ロジックモデル"""
    outcome_evidence: list[Evidence] = []
    """成果を示す根拠の推移(中期成果)"""

    _measure_word: str = PrivateAttr(default="施策")
    """what the city calls a measure, for the messages of :meth:`problems` (as Measure._word)"""

    def model_post_init(self, context: Any) -> None:
        """Number what the form numbers. ``context``: the validation context, ``{"measure_word": "施策"}``."""
        self._measure_word = (context or {}).get("measure_word", "施策")
        for index, kpi in enumerate(self.kpis, start=1):
            kpi.numbered(index)
        counters: dict[int, int] = {}
        for project in self.projects:
            counters[project.measure] = counters.get(project.measure, 0) + 1
            project.numbered(counters[project.measure])

    # ----- derived views used by layouts

    def measure(self, number: int) -> Measure | None:
        return next((m for m in self.measures if m.number == number), None)

    def projects_of(self, measure: int) -> list[Project]:
        return [p for p in self.projects if p.measure == measure]

    # ----- cross-field checks

    def _lists(self) -> Iterator[tuple[Loc, list[Model]]]:
        """Every list of items the record holds (the review's two as well), with its place."""
        for owner, loc in ((self, ()), (self.review, ("review",))):
            for name in type(owner).model_fields:
                value = getattr(owner, name)
                if isinstance(value, list) and value and isinstance(value[0], Model):
                    yield loc + (name,), value

    def _unique_values(self) -> Iterator[tuple[Loc, str]]:
        """Declared fields that must differ between the items of a list (an item copied twice
        would otherwise be counted twice in every total)."""
        for loc, items in self._lists():
            for name in type(items[0]).unique_fields:
                given = [(loc + (i, name), getattr(item, name)) for i, item in enumerate(items)]
                yield from _twice(
                    [(where, value) for where, value in given if value is not None and str(value).strip()],
                    lambda value, first: (
                        f"{shown(str(value))} is given to {format_loc(first)} too: no two may be the same"
                    ),
                )

    def problems(self) -> Iterator[tuple[Loc, str]]:
        """Inconsistencies pydantic cannot see field by field, with the location of each."""
        numbers, word = [m.number for m in self.measures], self._measure_word
        yield from _twice(
            [(("measures", i, "number"), n) for i, n in enumerate(numbers)], lambda n, _: f"{word}{n} is listed twice"
        )
        seen = set(numbers)
        known = ", ".join(str(n) for n in numbers)

        def measure_ref(loc: Loc, n: int) -> Iterator[tuple[Loc, str]]:
            if n not in seen:
                yield loc, f"there is no {word}{n} in measures (known: {known})"

        for i, project in enumerate(self.projects):
            yield from measure_ref(("projects", i, "measure"), project.measure)
        for part in ("results", "issues"):
            for i, group in enumerate(getattr(self.review, part)):
                yield from measure_ref(("review", part, i, "measure"), group.measure)
        for i, model in enumerate(self.logic_models):
            yield from measure_ref(("logic_models", i, "measure"), model.measure)
            rows = len(model.projects)
            for stage in LOGIC_STAGES:
                entries = getattr(model, stage)
                total = sum(s.rows for s in model.spans(stage))
                if entries and total != rows:
                    yield (
                        ("logic_models", i, stage),
                        f"its cells span {total} rows but there are {rows} projects; "
                        "each column must cover every project row (use rows: n to span)",
                    )
        yield from _twice(
            [(("projects", i, "name"), (p.measure, p.name)) for i, p in enumerate(self.projects)],
            lambda key, first: f"{shown(key[1])} is listed twice in {word}{key[0]} (as {format_loc(first)} too)",
        )
        yield from self._unique_values()
        names = {p.name for p in self.projects}
        for i, evidence in enumerate(self.outcome_evidence):
            if evidence.project not in names:
                yield ("outcome_evidence", i, "project"), f"no project is named {shown(evidence.project)}"


def _twice(keyed: list[tuple[Loc, Any]], message: Callable[[Any, Loc], str]) -> Iterator[tuple[Loc, str]]:
    """Every item whose key an earlier item has already, at its own place, naming the first."""
    first: dict[Any, Loc] = {}
    for loc, key in keyed:
        if key in first:
            yield loc, message(key, first[key])
        else:
            first[key] = loc
