"""Notes on figures typed for years the form has no column for (stage 4, part of compose): after
the last column the form has no room for them; before the first they are the past a
rolled-forward file keeps, unless the key looks like a slip for a printed year left blank."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ..eras import FiscalYear
from ..errors import Issue
from .bands import YearColumns
from .context import Context


def unprinted_years(ctx: Context, printed: Iterable[YearColumns], layout: str) -> list[Issue]:
    """Figures typed for years the form has no column for. After the last column they are
    noted: the form has no room for them. Before the first, they are the past a rolled-forward
    file keeps, and are noted only when the key looks like a slip for a printed year left
    without figures before a printed year that has some (R4 for R6 where R7 is given), as the
    note after the columns asks of any blank year (R55 for R5)."""
    notes = []
    for columns in printed:
        if columns.loc is None or not columns.years:
            continue
        first, last = min(columns.years), max(columns.years)
        typed = {year for year, entry in columns.item.years.items() if _given(entry.model_dump())}
        outside = sorted(typed - columns.years)
        keys = {year: (ctx.year_loc(columns.loc, year) or columns.loc) for year in outside}
        meant = _slips({year: str(loc[-1]) for year, loc in keys.items()}, columns.years, typed)
        for year in outside:
            if year < first and year not in meant:
                continue
            message = f"not printed: the year columns of {layout} show {first.short}–{last.short}"
            if year in meant:
                key, blank = meant[year]
                message += f", and {blank} has no figures: is {key} a mistyped {blank}?"
            notes.append(ctx.place_of(keys[year]).issue(message))
    return notes


def _slips(
    keys: dict[FiscalYear, str], printed: set[FiscalYear], typed: set[FiscalYear]
) -> dict[FiscalYear, tuple[str, str]]:
    """Keys outside the columns that look like a slip for a printed year without figures → (the
    key, that year in the key's own form). Each blank year is taken for its nearest key only
    (R2, R3, R4 are all one slip from R6)."""
    found: dict[FiscalYear, tuple[FiscalYear, str, str]] = {}
    for blank in sorted(printed - typed):
        near: list[tuple[int, FiscalYear, str]] = []
        for year, key in keys.items():
            form = _slip_form(key, blank) if _where_a_slip_lands(year, blank, printed, typed) else None
            if form is not None:
                near.append((abs(year.western - blank.western), year, form))
        if near:
            _, year, form = min(near)
            found.setdefault(year, (blank, keys[year], form))
    return {year: (key, form) for year, (_, key, form) in found.items()}


def _where_a_slip_lands(year: FiscalYear, blank: FiscalYear, printed: set[FiscalYear], typed: set[FiscalYear]) -> bool:
    """Whether figures under ``year`` may be the blank printed year's, as where they lie goes:
    - a key just beside the columns is what columns moved by a year, or the past a file keeps,
      leave there: only for a blank year between printed years with figures;
    - a key before the columns (the past): only for a blank year before a printed year with
      figures (not the newest, still to be filled in), and only next to a year with figures
      (a survey taken every other year leaves R3 apart from R5 and R7)."""
    given = typed & printed
    before, after = any(g < blank for g in given), any(g > blank for g in given)
    if year.western in (min(printed).western - 1, max(printed).western + 1) and not (before and after):
        return False
    return year > blank or (after and (year - 1 in typed or year + 1 in typed))


def _given(figures: dict[str, object]) -> bool:
    return any(value is not None for value in figures.values())


def _slip_form(key: str, year: FiscalYear) -> str | None:
    """``year`` in the form ``key`` is one slip away from (R6, 令和6年度, 令和6年, 2024, FY2024),
    if any: a character added, dropped or changed, or two neighbours swapped, as in R66, R4,
    令和4年度 or 2042; the key read as the year parser reads it (full-width digits, lower case)."""
    written = unicodedata.normalize("NFKC", key).strip().upper()
    era = year.long.removesuffix("年度")
    for form in (year.short, year.long, f"{era}年", era, str(year.western), f"FY{year.western}"):
        if _one_slip(written, form):
            return form
    return None


def _one_slip(a: str, b: str) -> bool:
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) != 2:
            return len(differ) == 1
        i, j = differ
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]  # two neighbours swapped
    shorter, longer = sorted((a, b), key=len)
    return len(longer) == len(shorter) + 1 and any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
