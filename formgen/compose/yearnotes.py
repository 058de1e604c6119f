"""Notes on figures typed for years the form has no column for (stage 4, part of compose): after
the last column the form has no room for them; before the first they are the past a
rolled-forward file keeps, unless the key looks like a slip for a printed year left blank."""

from __future__ import annotations

from collections.abc import Iterable

from ..eras import FiscalYear
from ..errors import Issue
from .bands import YearColumns
from .context import Context


def unprinted_years(ctx: Context, printed: Iterable[YearColumns], layout: str) -> list[Issue]:
    """Figures typed for years the form has no column for. After the last column they are
    noted: the form has no room for them. Before the first, they are the past a rolled-forward
    file keeps, and are noted only when the key looks like a mistyped printed year that has no
    figures between years that have (R4 for R6 where R5 and R7 are given), as a note after the
    last column then asks too."""
    notes = []
    for columns in printed:
        if columns.loc is None or not columns.years:
            continue
        first, last = min(columns.years), max(columns.years)
        typed = {year for year, entry in columns.item.years.items() if _given(entry.model_dump())}
        holes = [year for year in sorted(columns.years) if year not in typed]
        for year in sorted(typed - columns.years):
            loc = ctx.year_loc(columns.loc, year) or columns.loc
            key = str(loc[-1])
            given = typed & columns.years
            meant = next((h for h in holes if _between(h, given) and _one_edit_from(key, h)), None)
            if year < first and meant is None:
                continue
            message = f"not printed: the year columns of {layout} show {first.short}–{last.short}"
            if meant is not None:
                message += f", and {meant.short} has no figures: is {key} a mistyped {meant.short}?"
            notes.append(ctx.place_of(loc).issue(message))
    return notes


def _given(figures: dict[str, object]) -> bool:
    return any(value is not None for value in figures.values())


def _between(year: FiscalYear, typed: set[FiscalYear]) -> bool:
    """Whether figures are given for a printed year before ``year`` and one after it."""
    return any(t < year for t in typed) and any(t > year for t in typed)


def _one_edit_from(key: str, year: FiscalYear) -> bool:
    """Whether ``key`` is one slip away from ``year`` as written in any of its forms (R6,
    令和6年度, 2024): a character added, dropped or changed, or two neighbours swapped, as in
    R66, R4 or 2042."""
    return any(_one_slip(key, form) for form in (year.short, year.long, str(year.western)))


def _one_slip(a: str, b: str) -> bool:
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) != 2:
            return len(differ) == 1
        i, j = differ
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]  # two neighbours swapped
    shorter, longer = sorted((a, b), key=len)
    return len(longer) == len(shorter) + 1 and any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
