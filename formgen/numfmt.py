"""Excel number formats, rendered exactly as a spreadsheet shows them.

The workbook stores numbers as numbers with a format; the PDF prints text.
Both must show the same characters, so formgen supports the formats a form
needs and renders them itself: digits with or without thousands separators,
fixed decimals, percent, and literal text before or after ('#,##0"人"').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .errors import shown

_LITERAL = r'(?:"[^"]*"|\\.)*'
_FORMAT = re.compile(rf"({_LITERAL})(#,##0|0)(\.0+)?(%?)({_LITERAL})\Z")

SUPPORTED_HELP = 'formats like 0, #,##0, #,##0.0, 0.0%, 0% with optional quoted text before or after, e.g. #,##0"人"'


@dataclass(frozen=True)
class NumberFormat:
    prefix: str
    grouping: bool
    decimals: int
    percent: bool
    suffix: str


def _literal(text: str) -> str:
    return "".join(m.group(1) if m.group(1) is not None else m.group(2) for m in re.finditer(r'"([^"]*)"|\\(.)', text))


@lru_cache(maxsize=256)
def check_format(fmt: str) -> NumberFormat:
    """Parse ``fmt``; raise ValueError naming the supported formats if it is not one."""
    match = _FORMAT.match(fmt)
    if not match:
        raise ValueError(f"unsupported number format {shown(fmt)}; use {SUPPORTED_HELP}")
    prefix, digits, decimals, percent, suffix = match.groups()
    return NumberFormat(_literal(prefix), digits == "#,##0", len(decimals or ".") - 1, bool(percent), _literal(suffix))


def format_number(value: Decimal | int, fmt: str) -> str:
    """The text a spreadsheet shows for ``value`` in format ``fmt`` (rounding half away from zero)."""
    spec = check_format(fmt)
    number = Decimal(value) * (100 if spec.percent else 1)
    number = number.quantize(Decimal(1).scaleb(-spec.decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    body = f"{abs(number):,.{spec.decimals}f}" if spec.grouping else f"{abs(number):.{spec.decimals}f}"
    return f"{sign}{spec.prefix}{body}{'%' if spec.percent else ''}{spec.suffix}"


def default_format(value: Decimal | int) -> str:
    """Thousands separators and as many decimals as the figure was written with (4,000 or 12.5)."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return "#,##0" + ("." + "0" * places if places else "")
    return "#,##0"


def percent_format(decimals: int) -> str:
    return "0" + ("." + "0" * decimals if decimals else "") + "%"
