"""Japanese fiscal years and their era labels (R7 ↔ 令和7年度 ↔ FY2025).

A Japanese fiscal year runs from April to March and is named by the era year
in which it starts: 令和7年度 is FY2025 (April 2025 – March 2026). Forms print
the short label (R7) in year columns and the long one (令和7年度) in headings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from .errors import shown

# (kanji, letter, first western year); newest first
ERA_DAYS: tuple[tuple[str, str, date], ...] = (
    ("令和", "R", date(2019, 5, 1)),
    ("平成", "H", date(1989, 1, 8)),
    ("昭和", "S", date(1926, 12, 25)),
)
"""(kanji, letter, first day) of each era, newest first: dates are named by the era of their day"""
ERAS: tuple[tuple[str, str, int], ...] = tuple((kanji, letter, first.year) for kanji, letter, first in ERA_DAYS)
"""(kanji, letter, first western year): a fiscal year is named by the era of the year it starts in"""
_FIRST_YEAR = ERAS[-1][2]
_LAST_YEAR = 2200

_BY_NAME = {kanji: start for kanji, _, start in ERAS} | {letter: start for _, letter, start in ERAS}
_LABEL = re.compile(r"(令和|平成|昭和|[RHS])\s*(元|[0-9]{1,3})\s*(?:年度?)?\Z", re.IGNORECASE)
_WESTERN = re.compile(r"(?:FY)?\s*([0-9]{4})\s*(?:年度)?\Z", re.IGNORECASE)

LABEL_HELP = "a fiscal year such as R7, 令和7年度 or 2025"


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A Japanese fiscal year, stored as the western year in which it starts."""

    western: int

    def __post_init__(self) -> None:
        if not _FIRST_YEAR <= self.western <= _LAST_YEAR:
            raise ValueError(f"fiscal year {self.western} is outside {_FIRST_YEAR}–{_LAST_YEAR}")

    @classmethod
    def parse(cls, value: Any) -> FiscalYear:
        """Read R7, r7, 令和7年度, 令和元年度, H30, FY2025, 2025 or the int 2025."""
        if isinstance(value, FiscalYear):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"expected {LABEL_HELP}, got {shown(value)}")
        if isinstance(value, int):
            return cls(value)
        text = unicodedata.normalize("NFKC", value).strip()
        match = _LABEL.match(text)
        if match:
            era, number = match.groups()
            start = _BY_NAME[era.upper() if len(era) == 1 else era]
            n = 1 if number == "元" else int(number)
            if n < 1:
                raise ValueError(f"there is no year 0 of an era: {shown(value)}")
            return cls(start + n - 1)
        match = _WESTERN.match(text)
        if match:
            return cls(int(match.group(1)))
        raise ValueError(f"expected {LABEL_HELP}, got {shown(value)}")

    @classmethod
    def try_parse(cls, value: Any) -> FiscalYear | None:
        """The fiscal year ``value`` names, or None when it names none."""
        try:
            return cls.parse(value)
        except ValueError:
            return None

    @property
    def era(self) -> tuple[str, str, int]:
        """(kanji, letter, year of era) of the era in which this fiscal year starts."""
        for kanji, letter, start in ERAS:
            if self.western >= start:
                return kanji, letter, self.western - start + 1
        raise AssertionError("unreachable: checked in __post_init__")  # pragma: no cover

    @property
    def short(self) -> str:
        """R7"""
        _, letter, n = self.era
        return f"{letter}{n}"

    @property
    def era_year(self) -> str:
        """令和7 (令和元 for the first year)."""
        kanji, _, n = self.era
        return f"{kanji}{'元' if n == 1 else n}"

    @property
    def long(self) -> str:
        """令和7年度"""
        return f"{self.era_year}年度"

    @property
    def fy(self) -> str:
        """FY2025"""
        return f"FY{self.western}"

    @property
    def next(self) -> FiscalYear:
        """The following fiscal year (令和8年度 after 令和7年度)."""
        return self + 1

    def __add__(self, years: int) -> FiscalYear:
        return FiscalYear(self.western + years)

    def __sub__(self, years: int) -> FiscalYear:
        return FiscalYear(self.western - years)

    def __str__(self) -> str:
        return self.short

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> FiscalYear:
            try:
                return cls.parse(value)
            except ValueError as exc:
                raise PydanticCustomError("fiscal_year", str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda fy: fy.short)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return dict(FISCAL_YEAR_SCHEMA)


FISCAL_YEAR_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "string",
            # what parse() reads after NFKC (full-width letters and digits), in ECMAScript terms
            "pattern": r"^\s*(令和|平成|昭和|[RHSrhsＲＨＳｒｈｓ])\s*(元|[0-9０-９]{1,3})\s*(年度?)?\s*$"
            r"|^\s*([FfＦｆ][YyＹｙ])?\s*[0-9０-９]{4}\s*(年度)?\s*$",
        },
        {"type": "integer", "minimum": _FIRST_YEAR, "maximum": _LAST_YEAR},
    ],
    "description": f"Fiscal year: {LABEL_HELP}",
}
