"""Scalar types of the records, with the messages a clerk needs to fix a value.

The YAML loader hands over ints, Decimals, bools, None and str exactly as the
file spells them (see :mod:`formgen.yamlsource`). These types accept only what
is unambiguous and explain everything they refuse: a number written as text,
a YAML 1.1 trap (``0123``, ``1:30``, ``yes``), NaN, a character a workbook
cannot hold.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import shown
from ..sdg import TARGET_COUNTS, TARGETS, describe_targets

# Excel refuses longer cell values.
MAX_CELL_CHARS = 32767

_GROUPED = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\Z")
_PLAIN = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")


def fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx)


def _number_hint(text: str, whole: bool) -> str:
    t = text.strip().lower()
    if t.lstrip("+-") in {".nan", "nan", ".inf", "inf", "infinity"}:
        return "NaN and infinity are not numbers a form can print"
    if re.fullmatch(r"[-+]?0[0-9]+", t):
        return "leading zeros are not allowed (YAML 1.1 would read this as octal); write the number without them"
    if re.fullmatch(r"[-+]?0[oxb][0-9a-f]+", t):
        return "only plain decimal numbers are allowed"
    if re.fullmatch(r"[-+]?[0-9]+(:[0-5]?[0-9])+(\.[0-9]*)?", t):
        return "this looks like a time; YAML 1.1 would read it as a base-60 number"
    if "_" in t:
        return "underscores are not allowed in numbers"
    return "write a whole number such as 12 or 1,200" if whole else "write a number such as 4000, 4,000 or 12.5"


def to_decimal(value: Any, whole: bool = False) -> Decimal:
    """The exact value of a number from the loader (int, Decimal) or typed by hand as text;
    ``whole``: the field wants a whole number (for the hint of what to write)."""
    if isinstance(value, bool):
        raise fail("number_type", "must be a number, got {got}", got=str(value).lower())
    if isinstance(value, int):
        return _within_reach(Decimal(value))
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise fail("number_finite", "must be a finite number, got {got}", got=str(value))
        return _within_reach(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if _GROUPED.match(text) or _PLAIN.match(text):
            return _within_reach(Decimal(text.replace(",", "")))
        raise fail(
            "number_type", "must be a number, got {got}: {hint}", got=shown(value), hint=_number_hint(text, whole)
        )
    raise fail("number_type", "must be a number, got {got}", got=type(value).__name__)


MAX_DIGITS = 15
"""significant digits a workbook keeps"""
MAX_DECIMALS = 6


def _within_reach(number: Decimal) -> Decimal:
    """Refuse figures a workbook would change: more than 15 digits, or more than 6 decimals."""
    sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    if len(digits) + max(exponent, 0) > MAX_DIGITS:
        raise fail("number_size", "has more than {n} digits, more than a workbook keeps", n=MAX_DIGITS)
    if -exponent > MAX_DECIMALS:
        raise fail("number_size", "has more than {n} decimals", n=MAX_DECIMALS)
    return number


def dash_is_missing(value: Any) -> Any:
    """「-」 is how the form prints a missing figure; accept it as missing."""
    if isinstance(value, str) and value.strip() in {"-", "－", "―", "ー"}:
        return None
    return value


def optional_decimal(value: Any) -> Any:
    return None if value is None else to_decimal(value)


def amount(value: Any) -> Any:
    if value is None:
        return None
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise fail("amount_integer", "must be a whole number of thousands of yen, got {got}", got=str(number))
    if number < 0:
        raise fail("amount_negative", "must not be negative, got {got}", got=str(number))
    return int(number)


def whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        number = to_decimal(value, whole=True)
        if number != number.to_integral_value():
            raise fail("int_type", "must be a whole number, got {got}", got=str(number))
        value = int(number)
    return value


def flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "no", "on", "off", "y", "n"}:
        raise fail(
            "bool_type",
            "must be true or false, got {got} (YAML 1.1 would silently read it as a boolean)",
            got=shown(value),
        )
    raise fail("bool_type", "must be true or false, got {got}", got=shown(value))


# Control characters (but the line break), surrogates, line/paragraph
# separators and the non-characters U+FDD0–FDEF and U+xxFFFE/xxFFFF.
_UNHOLDABLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def check_text(value: Any, *, single_line: bool = False) -> str:
    """Refuse what a workbook cell or a printed page cannot hold."""
    if value is None:  # a key with nothing after it
        raise fail("string_type", "is empty: write the text after the key")
    if not isinstance(value, str):  # a list or mapping is named, a long value cut
        advice = "" if isinstance(value, (list, dict)) else "; put it in quotes"
        raise fail("string_type", "must be text, got {got}" + advice, got=shown(value))
    if single_line and "\n" in value:
        raise fail("text_newline", "must be a single line (no line breaks)")
    # every character refused is one str.isprintable refuses too (test_validate_errors): a printable text,
    # 94 % of a synthetic area's, is passed by one C scan, in a third of the pattern's time
    match = None if value.isprintable() else _UNHOLDABLE.search(value)
    if match:
        index, ch = match.start(), match.group()
        what = "a tab" if ch == "\t" else "a control or non-character"
        raise fail(
            "text_char",
            "contains {what} {code} at character {pos}, which a workbook cell cannot hold",
            what=what,
            code=f"U+{ord(ch):04X}",
            pos=index + 1,
        )
    if len(value) > MAX_CELL_CHARS:
        raise fail(
            "text_length",
            "is {n} characters long; a cell holds at most {limit}",
            n=len(value),
            limit=MAX_CELL_CHARS,
        )
    return value


def _text(value: Any) -> str:
    return check_text(value)


def line(value: Any) -> str:
    text = check_text(value, single_line=True)
    if not text.strip():
        raise fail("text_empty", "must not be empty")
    return text


NUMBER_SCHEMA = {
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^[-+]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"}]
}
MISSING_SCHEMA = {"anyOf": [{"type": "null"}, {"const": "-"}]}

Text = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string", "maxLength": MAX_CELL_CHARS})]
"""Free text; ``\\n`` separates paragraphs or forced line breaks."""


def _optional_text(value: Any) -> str:
    return "" if value is None else check_text(value)


OptionalText = Annotated[
    str,
    BeforeValidator(_optional_text),
    WithJsonSchema({"type": ["string", "null"], "maxLength": MAX_CELL_CHARS}),
]
"""Free text a sheet may go without: a key left empty (``vision:``) or null is the text left out."""

Line = Annotated[str, BeforeValidator(line), WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"^[^\n]*$"})]
"""A single line of text: names, titles, labels."""

OptionalNumber = Annotated[
    Decimal | None,
    BeforeValidator(optional_decimal),
    BeforeValidator(dash_is_missing),
    WithJsonSchema({"anyOf": [NUMBER_SCHEMA, MISSING_SCHEMA]}),
]
"""A figure that may be missing: null, omitted, or 「-」 as the form prints it."""

OptionalAmount = Annotated[
    int | None,
    BeforeValidator(amount),
    BeforeValidator(dash_is_missing),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": r"^[0-9]{1,3}(,[0-9]{3})+$"},
                MISSING_SCHEMA,
            ]
        }
    ),
]
"""Thousands of yen, whole and non-negative; may be missing."""


def int_range(low: int, high: int | None = None) -> Any:
    """A whole number within bounds (the bounds also go into the JSON Schema)."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(whole_number)]


PositiveInt = int_range(1)
SmallCount = int_range(0, 4)
"""0 to 4: decimals of a rate"""
GoalNumber = int_range(1, 20)
"""a basic goal of the population strategy (基本目標1–20)"""

Flag = Annotated[bool, BeforeValidator(flag)]

SdgGoal = int_range(1, 17)


def _sdg_target(value: Any) -> Any:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)  # the loader keeps the digits as written: 11.10 stays "11.10"
    text = check_text(value, single_line=True).strip()
    folded = unicodedata.normalize("NFKC", text).lower().replace(" ", "")  # １１．Ａ is 11.a
    if folded in _TARGETS:
        return folded
    guess = folded.replace(",", ".").replace("、", ".").replace("。", ".")
    hint = f"; did you mean {guess}?" if guess in _TARGETS else ""
    goal = re.match(r"([0-9]{1,2})[.,、。]", folded)
    if goal is None or int(goal.group(1)) not in TARGET_COUNTS:
        message = "must be an SDG target such as 11.3 or 4.a (1.1 to 17.19), got {got}{hint}"
        raise fail("sdg_target", message, got=shown(text), hint=hint)
    number = int(goal.group(1))
    message = "{got} is not an SDG target: goal {goal} has {targets}{hint}"
    raise fail("sdg_target", message, got=shown(text), goal=number, targets=describe_targets(number), hint=hint)


_TARGETS = frozenset(TARGETS)

SdgTarget = Annotated[
    str,
    BeforeValidator(_sdg_target),
    WithJsonSchema({"anyOf": [{"type": "string", "enum": list(TARGETS)}, {"type": "number"}]}),
]
"""An SDG target, e.g. ``11.3`` (goal 11, target 3)."""
