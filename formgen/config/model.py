"""``formgen.yaml`` as pydantic models: a city's folders, words, texts and declared fields.

The file sits at the top of a project folder (``formgen init`` writes one).
Everything in it is optional: without it a project prints today's sample form.
See ``docs/guide.md`` for a walk-through and ``docs/config.md`` for the reference.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..eras import FiscalYear
from ..errors import shown
from ..project import FOLDERS
from ..records.types import Flag

LEVELS: dict[str, str] = {
    "area": "the sheet itself (one policy area): e.g. 課長名, 問い合わせ先, 総合評価",
    "measure": "each 施策 (measures[])",
    "kpi": "each indicator (kpis[])",
    "kpi_year": "each year of an indicator (kpis[].years.R7)",
    "project": "each 事務事業 (projects[])",
    "project_year": "each year of a project (projects[].years.R7)",
    "related": "each row of 関連する政策分野と事務事業 (related[])",
    "review": "each measure's points in the mid-term review (review.results[], review.issues[])",
    "logic_model": "each logic model (logic_models[])",
    "evidence": "each row of outcome evidence (outcome_evidence[])",
    "evidence_year": "each year of an outcome-evidence row (outcome_evidence[].years.R7)",
}
"""the levels of a record that can hold declared fields, and what each is"""

NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
NAME_HELP = "lower-case letters, digits and single underscores, starting with a letter (e.g. manager_name)"

Number = Annotated[float, Strict()]


def _name(value: Any) -> Any:
    if isinstance(value, str) and not NAME.match(value):
        raise ValueError(f"must be {NAME_HELP}, got {shown(value)}")
    return value


Name = Annotated[str, BeforeValidator(_name)]


class Spec(BaseModel):
    """Strict base: unknown keys are typos."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Paths(Spec):
    """Folders of the project, relative to formgen.yaml; command-line options override them."""

    data: str = FOLDERS["data"]
    layouts: str = FOLDERS["layouts"]
    fonts: str = FOLDERS["fonts"]
    out: str = FOLDERS["out"]
    assets: str = FOLDERS["assets"]
    """pictures the layouts place (the city's emblem)"""
    schema_: str = Field("schema", alias="schema")
    """where `formgen schema` writes the JSON Schemas"""


class Words(Spec):
    """The words formgen prints itself, as the city says them."""

    area: str = Field("政策分野", min_length=1)
    """one sheet's subject: 「政策分野37 交流・移住」 in summaries, the book's contents and bookmarks"""
    form: str = Field("施策評価票", min_length=1)
    """the form's name: default PDF titles and subjects, the book's cover"""
    evaluation: str = Field("行政評価", min_length=1)
    """the whole exercise: the book's cover and title"""
    measure: str = Field("施策", min_length=1)
    """a measure's label: 「施策1 交流の促進」 ({measure.label})"""
    settled: str = Field("決算", min_length=1)
    """{year_kind} of a year before the sheet's (and of the sheet's year with sheet_year: settled)"""
    budget: str = Field("予算", min_length=1)
    """{year_kind} of the sheet's year (of the year after it with sheet_year: settled)"""
    forecast: str = Field("見込み", min_length=1)
    """{year_kind} of the year after the budget's"""
    plan: str = Field("計画", min_length=1)
    """{year_kind} of later years"""
    sheet_year: Literal["budget", "settled"] = "budget"
    """what the sheet's own year's figures are: its budget (a form made during its year, the
    default), or settled (a form made after its year closed: that year 決算, the next 予算, the
    one after 見込み); new-year asks for the figures accordingly"""
    partial: str = Field("※", min_length=1, max_length=3, pattern=r'^[^"\n]+$')
    """mark after a total that leaves out missing figures"""

    def year_kind(self, year: FiscalYear, sheet: FiscalYear) -> str:
        """決算, 予算, 見込み or 計画: what a year's figures are, seen from the sheet's year (the
        form's year columns and the open data's 区分 say the same)."""
        after_budget = year.western - self.budget_year(sheet).western
        if after_budget < 0:
            return self.settled
        return self.budget if after_budget == 0 else self.forecast if after_budget == 1 else self.plan

    def budget_year(self, sheet: FiscalYear) -> FiscalYear:
        """The first year whose figures are not settled: the sheet's, or the one after it."""
        return sheet + 1 if self.sheet_year == "settled" else sheet


# --------------------------------------------------------------------------- declared fields


class FieldBase(Spec):
    """What every declared field has."""

    label: str | None = None
    """the form's name for it (帳票の項目名), e.g. 課長名: shown by editors and in messages"""
    description: str | None = None
    """a longer explanation for the clerk"""
    required: Flag = False
    """the data must give it (otherwise it may be left out)"""
    default: Any = None
    """the value when it is left out (checked like a typed value)"""
    unique: Flag = False
    """no two items of the list may have the same value (a project's 事業番号: a project copied
    twice would be counted twice in every total); for fields of list items, not of the area or
    of a year's entry"""

    @model_validator(mode="after")
    def _required_or_default(self) -> FieldBase:
        if self.required and self.default is not None:
            raise ValueError("a required field has no default: give one or the other")
        return self


class LineField(FieldBase):
    """One line of text: names, titles, a contact line."""

    type: Literal["line"]


class TextField(FieldBase):
    """Text that may hold line breaks."""

    type: Literal["text"]


class NarrativeField(FieldBase):
    """Narrative like 主な取組状況と成果: paragraphs, bullets, ○ headings, numbered items."""

    type: Literal["narrative"]


class IntegerField(FieldBase):
    """A whole number."""

    type: Literal["integer"]
    min: int | None = None
    max: int | None = None


class DecimalField(FieldBase):
    """A number that may have decimals."""

    type: Literal["decimal"]
    decimals: int | None = Field(None, ge=0, le=6)
    """decimals printed (values with more are refused); default: as typed"""
    min: Number | None = None
    max: Number | None = None


class AmountField(FieldBase):
    """An amount in thousands of yen (千円): whole and not negative."""

    type: Literal["amount"]


class PercentField(FieldBase):
    """A percentage, typed 62.5 or "62.5%"; the workbook stores 0.625 shown as 62.5%."""

    type: Literal["percent"]
    decimals: int = Field(1, ge=0, le=4)
    """decimals printed (values with more are refused)"""
    min: Number | None = None
    max: Number | None = None


class FiscalYearField(FieldBase):
    """A fiscal year: R7, 令和7年度 or 2025."""

    type: Literal["fiscal_year"]


class DateField(FieldBase):
    """A date: 2025-10-01, 令和7年10月1日 or R7.10.1; printed 令和7年10月1日."""

    type: Literal["date"]


class FlagField(FieldBase):
    """true or false; printed as the cell's mark (◎) or nothing."""

    type: Literal["flag"]


class ChoiceOption(Spec):
    value: str | int
    """what the data file says, e.g. A"""
    label: str | None = None
    """what {field.label} prints, e.g. 順調"""


def _options(value: Any) -> Any:
    if isinstance(value, list):
        return [item if isinstance(item, dict) else {"value": item} for item in value]
    return value


class ChoiceField(FieldBase):
    """One of a declared list of values, each with an optional label: grade A 「順調」 … D 「遅れ」."""

    type: Literal["choice"]
    choices: Annotated[
        list[ChoiceOption], BeforeValidator(_options, json_schema_input_type=list[str | int | ChoiceOption])
    ] = Field(min_length=1)
    """the values: [A, B, C] or [{value: A, label: 順調}, …]"""


class GradeStep(Spec):
    """One step of a grading scale: the grade given when the value reaches ``min`` (or stays within
    ``max``); a step with neither is given to every value that reached no step above it."""

    grade: str | int
    label: str | None = None
    min: Number | None = None
    """the value must be at least this"""
    max: Number | None = None
    """the value must be at most this (for figures where lower is better)"""


class GradeField(Spec):
    """A grade computed from a value of the same item by a scale; never typed in the data."""

    type: Literal["grade"]
    label: str | None = None
    description: str | None = None
    of: str
    """the graded value, a field of the item: rate (達成率), or a declared percent or number"""
    year: Literal["latest"] | int | None = None
    """for a value of a year's entry (rate, actual): latest (a KPI's latest year with an actual,
    graded 「-」 when its rate cannot be worked out; otherwise the latest year that has the value)
    or the year relative to the sheet's (0 the sheet's year, -1 the year before)"""
    scale: list[GradeStep] = Field(min_length=1)
    """steps from the best grade down, e.g. [{grade: A, min: 100}, {grade: B, min: 80}, {grade: C}]"""


FieldDeclaration = Annotated[
    LineField
    | TextField
    | NarrativeField
    | IntegerField
    | DecimalField
    | AmountField
    | PercentField
    | FiscalYearField
    | DateField
    | FlagField
    | ChoiceField
    | GradeField,
    Field(discriminator="type"),
]

DeclaredFields = dict[Name, FieldDeclaration]


class Fields(Spec):
    """Fields a city adds to its records, by level (see LEVELS)."""

    area: DeclaredFields = {}
    measure: DeclaredFields = {}
    kpi: DeclaredFields = {}
    kpi_year: DeclaredFields = {}
    project: DeclaredFields = {}
    project_year: DeclaredFields = {}
    related: DeclaredFields = {}
    review: DeclaredFields = {}
    logic_model: DeclaredFields = {}
    evidence: DeclaredFields = {}
    evidence_year: DeclaredFields = {}

    @field_validator("area", "kpi_year", "project_year", "evidence_year")
    @classmethod
    def _unique_in_lists(cls, value: DeclaredFields, info: ValidationInfo) -> DeclaredFields:
        """``unique`` compares the items of a list: an area is one per file, a year's entry one per year."""
        for name, spec in value.items():
            if getattr(spec, "unique", False):
                one = "file" if info.field_name == "area" else "year"
                raise ValueError(
                    f"{name}: unique is for the fields of a list's items (measure, kpi, project, related, "
                    f"review, logic_model, evidence); there is one {info.field_name} per {one}"
                )
        return value


# --------------------------------------------------------------------------- documents

UNSAFE_FILE_CHARS = set('\\/:*?"<>|')
"""characters a file name never holds here: path separators, and what Windows refuses"""


def _file_part(value: Any) -> Any:
    """A folder or file name (template) that cannot leave the output folder."""
    if isinstance(value, str):
        literal = re.sub(r"\{[^{}]*\}", "", value)
        bad = sorted(UNSAFE_FILE_CHARS & set(literal))
        if bad or any(ord(c) < 32 for c in literal):
            chars = " ".join(bad) or "control characters"
            raise ValueError(f"a file or folder name cannot hold {chars}, got {shown(value)}")
        if value.startswith(".") or value.strip() != value:
            raise ValueError(f"a file or folder name cannot start with a dot or a space, got {shown(value)}")
    return value


FilePart = Annotated[str, BeforeValidator(_file_part), Field(max_length=100)]


class BookSpec(Spec):
    """The document's book: every output of the year in one PDF, after a cover and contents."""

    layout: str = "book.yaml"
    """the layout of its cover and contents, in the layouts folder"""
    file: FilePart = Field("book", min_length=1)
    """its file name without .pdf, in the document's folder"""


class DocumentSpec(Spec):
    """One form printed from the records: a layout, what one output holds, its file names and formats."""

    layout: str
    """the layout file, in the layouts folder"""
    each: str = "area"
    """one output per area (area), or per item of a list of the record, e.g. projects"""
    file: FilePart | None = Field(None, min_length=1)
    """file name template without extension, e.g. "{area.number}-{measure}-{number:02}" (a number
    after a colon pads with zeros); default: the data file's name (each: area only)"""
    folder: FilePart = ""
    """a folder inside out/<year>/ for the files (default: none)"""
    title: str | None = None
    """each output's title in the book's contents and bookmarks; default
    "{words.area}{area.number} {area.name}" (each: area) or "{name}" """
    formats: list[Literal["xlsx", "pdf"]] = Field(["xlsx", "pdf"], min_length=1)
    book: BookSpec | None = None
    """gather every output of the year in one PDF"""

    @model_validator(mode="after")
    def _named(self) -> DocumentSpec:
        if self.each != "area" and self.file is None:
            raise ValueError(f"one output per item of {self.each} needs a file name template (file: …)")
        if len(set(self.formats)) != len(self.formats):
            raise ValueError("a format is listed twice")
        return self

    def title_template(self) -> str:
        if self.title is not None:
            return self.title
        return "{words.area}{area.number} {area.name}" if self.each == "area" else "{name}"


class License(Spec):
    """The licence the open data is published under, as a data package names it."""

    name: str = Field(min_length=1)
    """an SPDX identifier, e.g. CC-BY-4.0"""
    path: str | None = None
    """where its text is, e.g. https://creativecommons.org/licenses/by/4.0/"""
    title: str | None = None
    """its name for people, e.g. クリエイティブ・コモンズ 表示 4.0 国際"""


class OpenData(Spec):
    """The year's open data: every area's figures as CSV tables, one JSON of the records and a
    data package (datapackage.json) describing them, in out/<year>/opendata/."""

    enabled: Flag = True
    """write it with every build of the whole year (--no-open-data turns it off for one build)"""
    license: License | None = None
    """the licence written into datapackage.json; none by default: the city decides"""


DEFAULT_DOCUMENTS = {"policy_area": DocumentSpec(layout="policy_area.yaml", book=BookSpec())}
"""what a project without documents: prints (today's sheet per area, and the year's book)"""


class ConfigSpec(Spec):
    """formgen.yaml: how this project differs from the sample."""

    paths: Paths = Paths()
    words: Words = Words()
    texts: dict[Name, str] = {}
    """texts of the city that layouts print as {texts.name}: the plan's name, a footnote"""
    fields: Fields = Fields()
    documents: dict[Name, DocumentSpec] = {}
    """the forms the project prints, by name; default: policy_area (policy_area.yaml, one per
    area, with the year's book)"""
    open_data: OpenData = OpenData()
    """the year's open data beside the forms (CSV, JSON, datapackage.json)"""

    def declared_documents(self) -> dict[str, DocumentSpec]:
        return self.documents or DEFAULT_DOCUMENTS
