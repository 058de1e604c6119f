"""The rows a layout's rows lists stand for: years as rows become one row per year."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..yamlsource import Loc
from .model import CellSpec, Rows, RowSpec, YearCells, YearRows


@dataclass(frozen=True)
class RowAt:
    """One row of a block as laid out: where it is written, its cells, and for a row of
    ``{years: …, row: …}`` the year it stands for (relative to the record's year)."""

    loc: Loc
    cells: RowSpec
    year: int | None = None


def expand_rows(rows: Rows, loc: Loc) -> list[RowAt]:
    out: list[RowAt] = []
    for r, row in enumerate(rows):
        if isinstance(row, YearRows):
            out.extend(RowAt(loc + (r, "row"), list(row.row), offset) for offset in row.offsets())
        else:
            out.append(RowAt(loc + (r,), row))
    return out


def cells_of(row: RowAt) -> Iterator[tuple[Loc, CellSpec, int]]:
    """Cells of a row with their location and how many times they repeat (year cells)."""
    for i, item in enumerate(row.cells):
        if isinstance(item, YearCells):
            for j, cell in enumerate(item.cells):
                yield row.loc + (i, "cells", j), cell, len(item.offsets())
        else:
            yield row.loc + (i,), item, 1
