"""The layout YAML as pydantic models: paper, fonts, styles and blocks bound to record fields.

A layout describes a document of one or more sheets. Each sheet is a grid of
columns (widths in millimetres, as on the paper form) and an ordered list of
blocks; every block produces rows of cells that span grid columns. See
``docs/layouts.md`` for the reference and examples.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import shown
from ..numfmt import check_format
from ..records.types import Flag

Loc = tuple[str | int, ...]

MM = 72 / 25.4
"""points per millimetre"""

PAPER_MM: dict[str, tuple[float, float]] = {
    "A3": (297, 420),
    "A4": (210, 297),
    "A5": (148, 210),
    "B4": (257, 364),
    "B5": (182, 257),
    "Letter": (215.9, 279.4),
}

_COLOR = re.compile(r"[0-9A-Fa-f]{6}\Z")


Whole = Annotated[int, Strict()]
"""a whole number written as one (columns, rows, year offsets)"""

Number = Annotated[float, Strict()]
"""a number written as one (millimetres, points, ratios): '0.7' in quotes is text, true is not 1"""


def _bookmark_level(value: Any) -> Any:
    if isinstance(value, bool) or (isinstance(value, int) and 1 <= value <= 3):
        return value
    raise PydanticCustomError(
        "bookmark_level", "must be true, false or a bookmark level from 1 to 3, got {got}", {"got": repr(value)}
    )


BookmarkLevel = Annotated[bool | Annotated[int, Field(ge=1, le=3)], BeforeValidator(_bookmark_level)]
"""true (the default level), false, or the outline level 1–3"""

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
"""``{field.path}`` in a text template; ``{{`` and ``}}`` print a brace"""
DEFERRED = {"page", "pages"}
"""placeholders filled by the writers (page numbers)"""
PAD = re.compile(r"0?[1-9]\Z")
"""after a colon in a placeholder: the width to pad a whole number to, with zeros ({number:02})"""


def placeholder_parts(inner: str) -> tuple[str, str]:
    """``number:02`` → (``number``, ``02``): a placeholder's field path and its padding, if any."""
    path, _, pad = inner.partition(":")
    return path.strip(), pad.strip()


def padded(text: str, pad: str) -> str:
    """``text`` padded with zeros to ``pad`` digits when it is a whole number (checked: :data:`PAD`)."""
    return text.zfill(int(pad)) if pad and text.isdigit() else text


def pad_problem(inner: str) -> str | None:
    """What is wrong with a placeholder's padding, if anything."""
    path, pad = placeholder_parts(inner)
    if ":" in inner and path in DEFERRED:
        return f"{{{inner}}}: a page number is not padded (a spreadsheet numbers its pages itself); write {{{path}}}"
    if ":" in inner and not PAD.match(pad):
        return f"{{{inner}}}: after the colon give the digits to pad to, e.g. {{{path or 'number'}:02}}"
    return None


_FIELD_PATH = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:\.[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)*\Z")


class Spec(BaseModel):
    """Strict base of layout models: unknown keys are typos."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _color(value: Any) -> Any:
    if isinstance(value, str):
        text = value.removeprefix("#")
        if not _COLOR.match(text):
            raise ValueError(f"must be a colour as six hex digits like 'D9E1F2', got {shown(value)}")
        return text.upper()
    return value


Color = Annotated[str, BeforeValidator(_color)]


def _field_path(value: Any) -> Any:
    if isinstance(value, str) and not _FIELD_PATH.match(value):
        raise ValueError(
            f"must be a field name or dotted path such as 'cost' or 'policy_goal.name', got {shown(value)}"
        )
    return value


FieldPath = Annotated[str, BeforeValidator(_field_path)]


# --------------------------------------------------------------------------- page


class Margins(Spec):
    """Page margins in millimetres; header and footer are drawn inside the top and bottom margins."""

    top: Number = Field(15, ge=0, le=100)
    bottom: Number = Field(15, ge=0, le=100)
    left: Number = Field(12, ge=0, le=100)
    right: Number = Field(12, ge=0, le=100)
    header: Number = Field(6, ge=0, le=100)
    """distance from the top edge to the header line"""
    footer: Number = Field(6, ge=0, le=100)
    """distance from the bottom edge to the footer line"""


class HeaderFooter(Spec):
    """Three text slots; placeholders: {page}, {pages} and any record field such as {area.name}."""

    left: str = ""
    center: str = ""
    right: str = ""
    style: str = "page"


class Page(Spec):
    size: Literal["A3", "A4", "A5", "B4", "B5", "Letter"] | tuple[Number, Number] = "A4"
    """paper name, or [width, height] in millimetres"""
    orientation: Literal["portrait", "landscape"] = "portrait"
    margins: Margins = Margins()
    header: HeaderFooter = HeaderFooter()
    footer: HeaderFooter = HeaderFooter(center="{page} / {pages}")
    max_pages: Whole | None = Field(None, ge=1)
    """the most pages one output may take (a city prints its 事務事業評価シート on two at most): one
    that takes more is refused, naming its data"""

    def size_mm(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.size] if isinstance(self.size, str) else self.size
        return (max(w, h), min(w, h)) if self.orientation == "landscape" else (min(w, h), max(w, h))


class FontSpec(Spec):
    """A font family: TrueType files looked up in the fonts folder."""

    regular: str
    bold: str | None = None
    """used for bold styles; without it bold text uses the regular file"""


# --------------------------------------------------------------------------- styles

BorderKind = Literal["none", "hair", "thin", "medium", "thick", "double"]


Millimetres = Annotated[Number, Field(ge=0, le=50)]


class Style(Spec):
    """A named cell style. Unset values come from ``parent`` (default: the style named ``base``)."""

    parent: str | None = None
    font: str | None = None
    """a family name from ``fonts``"""
    size: Number | None = Field(None, ge=4, le=72)
    """font size in points"""
    bold: Flag | None = None
    color: Color | None = None
    """text colour, six hex digits"""
    fill: Color | Literal["none"] | None = None
    """background colour, six hex digits, or none"""
    border: BorderKind | None = None
    """all four edges"""
    border_top: BorderKind | None = None
    border_right: BorderKind | None = None
    border_bottom: BorderKind | None = None
    border_left: BorderKind | None = None
    align: Literal["left", "center", "right"] | None = None
    valign: Literal["top", "middle", "bottom"] | None = None
    padding: Millimetres | tuple[Millimetres, Millimetres] | None = None
    """millimetres: one value for all sides, or [vertical, horizontal]"""
    line_height: Number | None = Field(None, ge=1.0, le=3.0)
    """distance between lines as a multiple of the font size"""
    number_format: str | None = None
    """Excel number format for numbers, e.g. '#,##0' or '0.0%'"""
    min_height: Number | None = Field(None, ge=0)
    """minimum row height in millimetres"""

    @field_validator("number_format")
    @classmethod
    def _known_format(cls, value: str | None) -> str | None:
        if value is not None:
            check_format(value)
        return value


# --------------------------------------------------------------------------- cells


WhereValue = str | bool | Number | list[str | bool | Number]
"""what a field must be for an item to count: a value, a template such as "{number}", or a list of
values (any of them)"""


class Computed(Spec):
    """The keys of a figure computed over the items of a list."""

    sum: FieldPath | None = None
    """the sum of this field of the items"""
    average: FieldPath | None = None
    min: FieldPath | None = None
    max: FieldPath | None = None
    count: FieldPath | None = None
    """the list whose items are counted (``items`` in a table's total rows)"""
    over: FieldPath | None = None
    """the list to go over (default: ``items``, the items of a table's group or the table, in total rows)"""
    where: dict[FieldPath, WhereValue] = {}
    """only the items whose fields have these values, e.g. {next_year: 拡充} or {measure: "{number}"}"""

    def aggregate(self) -> tuple[str, str] | None:
        """(function, field or list) of the aggregate this spec gives, if any."""
        for function in AGGREGATES:
            path = getattr(self, function)
            if path is not None:
                return function, path
        return None

    def _check_aggregate(self) -> None:
        given = [f for f in AGGREGATES if getattr(self, f) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of {', '.join(AGGREGATES)} (got {', '.join(given)})")
        if not given and (self.over is not None or self.where):
            raise ValueError(f"over and where go with one of {', '.join(AGGREGATES)}")
        if self.count is not None and self.over is not None:
            raise ValueError("count names its list itself ({count: projects}); leave out over")


AGGREGATES = ("sum", "average", "min", "max", "count")


class Aggregate(Computed):
    """A figure computed over a list: exactly one of sum, average, min, max or count."""

    @model_validator(mode="after")
    def _one(self) -> Aggregate:
        self._check_aggregate()
        if self.aggregate() is None:
            raise ValueError(f"give one of {', '.join(AGGREGATES)}")
        return self


OPERATIONS = ("add", "difference", "ratio", "product")
"""figures computed from other figures (each an operand: a field, an aggregate or an operation)"""


def _operand_kind(value: Any) -> str:
    if isinstance(value, Operation) or (isinstance(value, dict) and any(k in value for k in OPERATIONS)):
        return "operation"
    return "aggregate" if isinstance(value, (dict, Aggregate)) else "path"


Operand = Annotated[
    Annotated[FieldPath, Tag("path")]
    | Annotated[Aggregate, Tag("aggregate")]
    | Annotated["Operation", Tag("operation")],
    Discriminator(_operand_kind),
]
"""a field, an aggregate such as {sum: cost}, or an operation such as {difference: [actual, baseline]}"""


class Operations(Spec):
    """The keys of a figure computed from other figures."""

    add: tuple[Operand, ...] | None = None
    """the sum of two figures or more, e.g. [cost, personnel] (トータルコスト: 事業費 + 人件費)"""
    difference: tuple[Operand, Operand] | None = None
    """the first minus the second, e.g. [cost, previous.cost]"""
    ratio: tuple[Operand, Operand] | None = None
    """the first divided by the second, as a percentage, e.g. [cost, previous.cost] (前年度比)"""
    product: tuple[Operand, ...] | None = None
    """two figures or more multiplied, e.g. [staff, salary] (人件費: 職員数 × 平均給与); a percentage
    counts as its fraction (50 % as 0.5)"""
    decimals: Whole | None = Field(None, ge=0, le=6)
    """decimals of an average, a ratio or a product (default: an average one more than its figures,
    a ratio 1, a product exact)"""

    @field_validator("add", "product")
    @classmethod
    def _two_or_more(cls, value: tuple[Any, ...] | None, info: ValidationInfo) -> tuple[Any, ...] | None:
        if value is not None and len(value) < 2:
            example = "[cost, personnel]" if info.field_name == "add" else "[staff, salary]"
            verb = "adds" if info.field_name == "add" else "multiplies"
            raise ValueError(f"{verb} two figures or more, e.g. {example}; got {len(value)}")
        return value

    def operation(self) -> str | None:
        """Which of add, difference, ratio or product this gives, if any."""
        return next((key for key in OPERATIONS if getattr(self, key) is not None), None)


class Operation(Operations):
    """A figure computed from others, as an operand: exactly one of add, difference, ratio or
    product, e.g. the progress toward a target, {ratio: [{difference: [actual, baseline.value]},
    {difference: [final_target.value, baseline.value]}]}."""

    @model_validator(mode="before")
    @classmethod
    def _not_an_aggregate_too(cls, value: Any) -> Any:
        if isinstance(value, dict):
            both = [key for key in (*AGGREGATES, *OPERATIONS) if key in value]
            if any(key in AGGREGATES for key in both):
                raise ValueError(
                    f"an operand is an aggregate such as {{sum: cost}} or an operation such as "
                    f"{{difference: [actual, target]}}, not both (got {', '.join(both)})"
                )
        return value

    @model_validator(mode="after")
    def _one(self) -> Operation:
        given = [key for key in OPERATIONS if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError(f"give one of {', '.join(OPERATIONS)}" + (f" (got {', '.join(given)})" if given else ""))
        if self.decimals is not None and given[0] not in ("ratio", "product"):
            raise ValueError("decimals go with ratio or product")
        return self


class YearRange(Spec):
    years: tuple[Whole, Whole]
    """[first, last] relative to the record's year: [-2, 1] on a 令和7年度 record is R5 … R8"""

    @field_validator("years")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError(f"the first year offset must not be after the second, got {list(value)}")
        if value[1] - value[0] > 20:
            raise ValueError("at most 21 years")
        return value

    def offsets(self) -> range:
        return range(self.years[0], self.years[1] + 1)


class ChartSpec(YearRange):
    """A chart of an indicator's target and actual per fiscal year (in a table over kpis)."""

    target: FieldPath = "target"
    """the field of each year's entry holding the target"""
    actual: FieldPath = "actual"
    """the field of each year's entry holding the actual figure"""
    kind: Literal["bars", "bars_and_line"] = "bars"
    """bars: a target and an actual bar per year; bars_and_line: actual bars and a target line"""
    unit: str = "{unit}"
    """the value axis's title, a template (default: the indicator's unit)"""
    height: Number = Field(45, gt=5, le=250)
    """millimetres"""


GRAPHICS = ("image", "sdg_tiles", "chart")
"""cell contents that are drawn, not written"""
CONTENTS = ("label", "value", "text", *AGGREGATES, *OPERATIONS, *GRAPHICS)


class CellSpec(Computed, Operations):
    """One cell of a row: exactly one of ``label``, ``value``, ``text``, an aggregate (``sum``,
    ``average``, ``min``, ``max``, ``count``), ``add``, ``difference``, ``ratio`` or ``product``."""

    label: str | None = None
    """fixed text (style defaults to 'label')"""
    value: FieldPath | None = None
    """a record field, e.g. department or baseline.value"""
    text: str | None = None
    """a template with {field} placeholders, e.g. '政策分野{area.number} {area.name}'"""
    span: Whole = Field(1, ge=1)
    """columns covered"""
    rows: Whole = Field(1, ge=1)
    """rows covered"""
    style: str | None = None
    align: Literal["left", "center", "right"] | None = None
    format: str | None = None
    """number format overriding the style's"""
    mark: str | None = None
    """for true/false fields: printed when true (default ◎); blank when false"""
    bullet: str | None = None
    """put this mark (e.g. ・) before each paragraph of the text, with a hanging indent"""
    missing: str | None = None
    """printed when the field is empty (default 「-」 for numbers, blank for text)"""
    image: str | None = None
    """a PNG or JPEG file in the project's assets folder, drawn inside the cell (e.g. the city's emblem)"""
    sdg_tiles: FieldPath | None = None
    """a list of SDG goal numbers (e.g. sdgs), drawn as the goals' coloured tiles"""
    chart: ChartSpec | None = None
    """a chart of an indicator's target and actual per year"""
    alt: str | None = None
    """alternative text of an image (required), tiles or chart (default: made from the figures)"""
    width: Number | None = Field(None, gt=0, le=500)
    """an image's width in millimetres (default: from its height, or the cell's width)"""
    height: Number | None = Field(None, gt=0, le=250)
    """an image's height in millimetres (default: from its width and proportions)"""
    tile: Number = Field(12, ge=5, le=40)
    """the size of an SDG tile in millimetres"""

    @model_validator(mode="after")
    def _one_content(self) -> CellSpec:
        given = self._given()
        if len(given) > 1:
            raise ValueError(f"give only one of {', '.join(given)}")
        self._check_aggregate()
        if self.decimals is not None and not (self.average or self.ratio or self.product):
            raise ValueError("decimals go with average, ratio or product")
        if self.format is not None:
            check_format(self.format)
        if self.image is not None and not (self.alt or "").strip():
            raise ValueError("an image needs its alternative text (alt: …), read aloud in its place")
        if (self.width is not None or self.height is not None) and self.image is None:
            raise ValueError("width and height go with image (a chart has its own height)")
        return self

    @property
    def graphic(self) -> bool:
        """Whether the cell is drawn (an image, SDG tiles, a chart) rather than written."""
        return any(getattr(self, kind) is not None for kind in GRAPHICS)

    def default_style(self) -> str:
        return self.style or ("label" if self.label is not None else "value")

    @cached_property  # asked of every cell of every area; a private attribute costs 3 µs a read
    def computed(self) -> bool:
        """Whether the cell holds a figure computed by the layout (sum, count, ratio, …)."""
        given = self._given()
        return bool(given) and given[0] not in ("label", "value", "text", *GRAPHICS)

    def _given(self) -> list[str]:
        """The contents given (a valid cell has at most one)."""
        return [k for k in CONTENTS if getattr(self, k) is not None]


class YearCells(YearRange):
    """Cells repeated for each fiscal year of a range relative to the record's year.

    ``years: [-2, 1]`` on a 令和7年度 record gives R5, R6, R7, R8. Inside,
    ``{year.short}`` / ``{year.long}`` name the year, ``{year_kind}`` says what its figures
    are (決算, 予算, 見込み), and ``value`` fields are looked up first in the item's entry for
    that year (target, actual, rate; cost; plan), and ``previous`` is the year before's entry.
    """

    cells: list[CellSpec] = Field(min_length=1)


def _cell_kind(value: Any) -> str:
    if isinstance(value, dict) and "years" in value:
        return "years"
    if isinstance(value, YearCells):
        return "years"
    return "cell"


RowItem = Annotated[
    Annotated[CellSpec, Tag("cell")] | Annotated[YearCells, Tag("years")],
    Discriminator(_cell_kind),
]
RowSpec = list[RowItem]
"""A row: cells from left to right; together they must cover the sheet's columns."""


class YearRows(YearRange):
    """Years as rows: ``row`` repeated once per fiscal year of the range, each filled as a year
    column is (``{year.short}``, the item's entry for the year)."""

    row: list[CellSpec] = Field(min_length=1)


def _row_kind(value: Any) -> str:
    return "years" if isinstance(value, (dict, YearRows)) else "row"


RowOrYears = Annotated[
    Annotated[RowSpec, Tag("row")] | Annotated[YearRows, Tag("years")],
    Discriminator(_row_kind),
]
Rows = list[RowOrYears]
"""rows of a block: each a list of cells, or {years: [a, b], row: [cells]} for one row per year"""


# --------------------------------------------------------------------------- blocks


class BlockBase(Spec):
    keep_together: Flag = True
    """move the block to the next page rather than split it, when it fits on one page"""


class HeadingBlock(Spec):
    """A line of text, kept with what follows; optionally a PDF bookmark."""

    type: Literal["heading"]
    text: str
    style: str = "heading"
    bookmark: BookmarkLevel = False
    """true (level 1) or a level 1–3: add a bookmark to the PDF outline"""
    level: Whole | None = Field(None, ge=1, le=6)
    """its level in the PDF's structure (H1–H6); default: 1 for a sheet's first heading, one
    below its bookmark level, or one below the last bookmarked heading"""


class NoteBlock(BlockBase):
    """A footnote or remark (※…) spanning the sheet."""

    type: Literal["note"]
    text: str
    style: str = "note"


class SpacerBlock(Spec):
    """Vertical space."""

    type: Literal["spacer"]
    height: Number = Field(3, gt=0, le=100)
    """millimetres"""


class PageBreakBlock(Spec):
    """Start a new page."""

    type: Literal["page_break"]


class FieldsBlock(BlockBase):
    """Rows of label / value cells bound to record fields."""

    type: Literal["fields"]
    rows: Rows = Field(min_length=1)


class TextBlock(BlockBase):
    """A labelled narrative: a label cell beside (or above) a long text that may flow across pages."""

    type: Literal["text"]
    label: str | None = None
    value: FieldPath | None = None
    text: str | None = None
    label_span: Whole = Field(4, ge=1)
    label_position: Literal["left", "top"] = "left"
    style: str = "text"
    label_style: str = "label"
    keep_together: Flag = False
    missing: str | None = None
    """printed when the text is empty (e.g. （意見なし）, rather than a box that looks forgotten)"""

    @model_validator(mode="after")
    def _one_content(self) -> TextBlock:
        if (self.value is None) == (self.text is None):
            raise ValueError("give exactly one of value or text")
        return self


class TableBlock(BlockBase):
    """A table over a list of the record: header rows, then rows per item, optionally grouped.

    Header rows repeat at the top of each page the table continues on.
    """

    type: Literal["table"]
    items: FieldPath
    """the list to iterate, e.g. projects or kpis"""
    header: Rows = []
    row: Rows = Field(min_length=1)
    """rows for each item; fields are looked up on the item first"""
    group_by: FieldPath | None = None
    """a field of the items, e.g. measure; groups keep their first-seen order"""
    group: Rows = []
    """rows before each group; fields are those of the group's first item (grouped by measure,
    ``measure.label`` names the measure)"""
    group_continued: Rows | None = None
    """rows printed instead of ``group`` at the top of each page a group continues on, after the
    header rows, e.g. ``{measure.label}（続き）``; default: the group rows again; ``[]``: none"""
    group_bookmark: BookmarkLevel = False
    """add a bookmark per group (level 2, or the level given), titled with the group rows' text"""
    item_bookmark: str | None = None
    """add a bookmark per item with this title template, e.g. '{label}' (level 2)"""
    group_total: Rows = []
    """rows after each group, e.g. a 小計; ``items`` are the group's items (``{sum: cost}``) and other
    fields those of its first item, as in ``group``"""
    total: Rows = []
    """rows after the last item, e.g. a 合計; ``items`` are all the table's items"""
    empty: Rows = []
    """rows printed when the list is empty"""
    keep_together: Flag = False
    """keep the whole table on one page when it fits (each item is always kept together when it fits)"""
    page_per_item: Flag = False
    """start each item on a new page (with the table's header and the item's group rows above it);
    an item longer than a page goes on over the next, its labels repeated"""


class LogicModelBlock(BlockBase):
    """The logic model: columns of cells whose row spans come from the data."""

    type: Literal["logic_model"]
    items: FieldPath = "logic_models"
    title: Rows = []
    """rows before each model; fields are the model's (``measure.label`` names its measure)"""
    header: Rows = []
    columns: list[CellSpec] = Field(min_length=1)
    """one cell per column: value names the column (projects, outputs, short_term, mid_term, final)"""
    keep_together: Flag = False

    @field_validator("columns")
    @classmethod
    def _named(cls, columns: list[CellSpec]) -> list[CellSpec]:
        for column in columns:
            if column.value is None:
                raise ValueError(
                    "each column names its list with value: (projects, outputs, short_term, mid_term or final)"
                )
        return columns


Block = Annotated[
    HeadingBlock | NoteBlock | SpacerBlock | PageBreakBlock | FieldsBlock | TextBlock | TableBlock | LogicModelBlock,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------- sheets and the document


def _columns(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) != {"count", "width"}:
            raise ValueError("write the columns as a list of widths, or as {count: 38, width: 5}")
        count, width = value["count"], value["width"]
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 256:
            raise ValueError(f"count must be a whole number from 1 to 256, got {shown(count)}")
        if isinstance(width, bool) or not isinstance(width, (int, float, Decimal)) or not 0 < width <= 500:
            raise ValueError(f"width must be a number of millimetres (more than 0, at most 500), got {shown(width)}")
        return [width] * count
    return value


class Sheet(Spec):
    """One worksheet of the workbook and one part of the PDF."""

    name: str = Field(min_length=1, max_length=31)
    """worksheet name (at most 31 characters, none of : \\ / ? * [ ])"""
    title: str | None = None
    """bookmark title of the sheet in the PDF (default: the name)"""
    columns: Annotated[
        list[Annotated[Number, Field(gt=0, le=500)]],
        BeforeValidator(_columns),
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {"type": "number", "exclusiveMinimum": 0, "maximum": 500},
                        "minItems": 1,
                    },
                    {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer", "minimum": 1, "maximum": 256},
                            "width": {"type": "number", "exclusiveMinimum": 0},
                        },
                        "required": ["count", "width"],
                        "additionalProperties": False,
                    },
                ]
            }
        ),
    ] = Field(min_length=1)
    """column widths in millimetres, or {count: n, width: mm}"""
    title_rows: Rows = []
    """rows printed at the top of every page of this sheet (the workbook's print titles)"""
    blocks: list[Block] = Field(min_length=1)
    skip_if_empty: FieldPath | None = None
    """leave the sheet out when this list of the record is empty (e.g. logic_models)"""

    @field_validator("name")
    @classmethod
    def _sheet_name(cls, value: str) -> str:
        bad = sorted(set(value) & set(":\\/?*[]"))
        if bad:
            raise ValueError(f"a worksheet name cannot contain {' '.join(bad)}")
        if value.startswith("'") or value.endswith("'"):
            raise ValueError("a worksheet name cannot start or end with an apostrophe")
        return value


class DocumentInfo(Spec):
    """PDF metadata; templates with record fields."""

    title: str = "{fiscal_year.long} {words.form} {words.area}{area.number} {area.name}"
    subject: str = "{words.form}"
    author: str = "{department}"
    keywords: list[str] = []
    language: str = "ja-JP"


class Layout(Spec):
    """A layout file: the whole document for one record."""

    document: DocumentInfo = DocumentInfo()
    page: Page = Page()
    fonts: dict[str, FontSpec] = Field(min_length=1)
    """family name → files in the fonts folder"""
    styles: dict[str, Style] = Field(min_length=1)
    sheets: list[Sheet] = Field(min_length=1)
    """worksheet names must be unique, ignoring case (checked with the sheets' lines on loading)"""
