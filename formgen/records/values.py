"""Values a record holds besides text and plain numbers: rates, choices and dates.

Each is a small frozen dataclass whose public fields and properties a layout
can name (``{grade.label}``, ``{opened.iso}``), and which prints as a form
prints it: a rate as 57.3%, a choice as its value, a date as 令和7年10月1日.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..eras import ERA_DAYS
from ..errors import shown


@dataclass(frozen=True)
class Percent:
    """A rate already rounded as its indicator prescribes: 57.3 with 1 decimal prints 57.3%."""

    percent: Decimal
    decimals: int

    @property
    def fraction(self) -> Decimal:
        """0.573: how a workbook stores 57.3% (shown with the format 0.0%)."""
        return self.percent.scaleb(-2)

    def __str__(self) -> str:
        return f"{self.percent}%"


@dataclass(frozen=True)
class Choice:
    """One of the values a field declares, e.g. grade ``A`` labelled 「順調」."""

    value: str
    label: str
    """the declared label, or the value itself when none is declared"""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class JapaneseDate:
    """A calendar date, printed by era as Japanese forms do: 令和7年10月1日."""

    date: dt.date

    @property
    def era(self) -> tuple[str, str, int]:
        """(kanji, letter, year of era) of the era the date falls in."""
        for kanji, letter, first in ERA_DAYS:
            if self.date >= first:
                return kanji, letter, self.date.year - first.year + 1
        raise ValueError(f"{self.date} is before 昭和")

    @property
    def long(self) -> str:
        """令和7年10月1日 (令和元年5月1日 for the era's first year)."""
        kanji, _, n = self.era
        return f"{kanji}{'元' if n == 1 else n}年{self.date.month}月{self.date.day}日"

    @property
    def short(self) -> str:
        """R7.10.1"""
        _, letter, n = self.era
        return f"{letter}{n}.{self.date.month}.{self.date.day}"

    @property
    def iso(self) -> str:
        """2025-10-01"""
        return self.date.isoformat()

    @property
    def western(self) -> str:
        """2025年10月1日"""
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    def __str__(self) -> str:
        return self.long


DATE_HELP = "a date such as 2025-10-01, 2025/10/1, 令和7年10月1日 or R7.10.1"
_ISO = re.compile(r"(?P<year>[0-9]{4})[-/.](?P<month>[0-9]{1,2})[-/.](?P<day>[0-9]{1,2})\Z")
_ERA_DATE = re.compile(
    r"(?P<era>令和|平成|昭和|[RHS])\s*(?P<year>元|[0-9]{1,2})\s*"
    r"(?:年\s*(?P<month>[0-9]{1,2})\s*月\s*(?P<day>[0-9]{1,2})\s*日|[./](?P<m>[0-9]{1,2})[./](?P<d>[0-9]{1,2}))\Z",
    re.IGNORECASE,
)


def parse_date(value: object) -> JapaneseDate:
    """Read a date as clerks write one; raise ValueError saying what is accepted."""
    if isinstance(value, JapaneseDate):
        return value
    if isinstance(value, dt.date):
        return JapaneseDate(value)
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
    if match := _ISO.match(text):
        return JapaneseDate(_calendar_date(value, int(match["year"]), match["month"], match["day"]))
    if match := _ERA_DATE.match(text):
        letter = match["era"].upper() if len(match["era"]) == 1 else match["era"]
        first = next(day for kanji, short, day in ERA_DAYS if letter in (kanji, short))
        year = first.year + (1 if match["year"] == "元" else int(match["year"])) - 1
        date = _calendar_date(value, year, match["month"] or match["m"], match["day"] or match["d"])
        if date < first:
            raise ValueError(f"{shown(value)} is before the first day of {match['era']} ({first.isoformat()})")
        return JapaneseDate(date)
    raise ValueError(f"must be {DATE_HELP}, got {shown(value)}")


def _calendar_date(value: object, year: int, month: str, day: str) -> dt.date:
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise ValueError(f"{shown(value)} is not a date in the calendar") from None
