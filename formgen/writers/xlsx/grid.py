"""The plan's cells on the sheet's grid: what each grid cell holds and how it looks.

A cell of the plan spanning several grid cells becomes a merged range: its value in
the first grid cell and its borders on the edge cells of the range (Excel draws a
merged range's lines from the edge cells, and so does every program after it when a
page break or a print title cuts the range). Inner grid cells are written only to
carry a fill.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from ...plan import Cell, CellStyle, DocumentPlan, Row, SheetPlan
from .styles import NO_EDGES, Edges, FormatKey, Styles
from .xml import MAX_COLUMNS, MAX_ROWS

MAX_TEXT = 32_767
"""the longest text a cell holds, in UTF-16 units"""
PX_PER_PT = 4 / 3
"""a spreadsheet measures its columns and rows in whole pixels at 96 dpi"""
DEFAULT_COL_PX = 64
DEFAULT_ROW_PX = 20


class WorkbookRefused(RuntimeError):
    """A cell of the plan that a workbook cannot hold: a bug in formgen, never a workbook without it."""


class SharedStrings:
    """The workbook's texts, each once, numbered in the order cells first use them."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.uses = 0

    def number(self, text: str) -> int:
        self.uses += 1
        return self.index.setdefault(text, len(self.index))


Value = tuple[str, object]
"""("s", string index) | ("n", number) | ("", None) for a blank"""


@dataclass
class Grid:
    """A sheet's grid cells by row, its merged ranges, and its columns and rows in whole pixels
    (what the sheet declares and what its drawings are anchored by)."""

    rows: list[Row]
    cells: list[dict[int, tuple[FormatKey, Value]]]
    widths: list[int]
    heights: list[int]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def looks(style: CellStyle, cell: Cell) -> tuple[Edges, str, str | None, bool]:
    """A plan cell's sides (open ones drawn by the cell they continue), alignment, text (None for a
    number) and whether the text needs the quote prefix (it would read as a formula)."""
    top, right, bottom, left = style.borders
    sides = ("none" if cell.open_top else top, right, "none" if cell.open_bottom else bottom, left)
    text = None if cell.number is not None else cell.text
    quote = text is not None and text.startswith(("=", "+", "-", "@"))
    return sides, cell.align or style.align, text, quote


GridCell = tuple[FormatKey, Value]
Pattern = dict[tuple[int, int], "GridCell | None"]
BLANK: Value = ("", None)


class Placer:
    """Places a workbook's sheets on their grids, numbering texts in the order the plan lists them."""

    def __init__(self, plan: DocumentPlan, styles: Styles, strings: SharedStrings):
        self.plan = plan
        self.styles = styles
        self.strings = strings
        self._patterns: dict[tuple[str, str, Edges], Pattern] = {}

    def sheet(self, sheet: SheetPlan) -> Grid:
        """Every cell of ``sheet`` on the grid."""
        rows = sheet.title_rows + sheet.rows
        if len(rows) > MAX_ROWS or len(sheet.columns) > MAX_COLUMNS:
            _refuse(sheet, min(len(rows), MAX_ROWS), min(len(sheet.columns), MAX_COLUMNS), "outside the sheet")
        widths = [round(width * PX_PER_PT) for width in sheet.columns]
        placed = Grid(rows, [{} for _ in rows], widths, [int(row.height * PX_PER_PT + 0.5) for row in rows])
        for r, row in enumerate(rows):
            for cell in row.cells:
                self._place(sheet, placed, r, cell)
        return placed

    def _place(self, sheet: SheetPlan, placed: Grid, r0: int, cell: Cell) -> None:
        style = self.plan.styles[cell.style]
        (top, right, bottom, left), align, text, quote = looks(style, cell)
        c0 = cell.col
        c1, r1 = c0 + cell.colspan - 1, r0 + cell.rowspan - 1
        if c0 < 0 or c1 < c0 or r1 < r0 or c1 >= MAX_COLUMNS or r1 >= len(placed.cells):
            _refuse(sheet, r0, c0, f"spans rows {r0 + 1}-{r1 + 1} and columns {c0 + 1}-{c1 + 1}, outside the sheet")
        if (r1, c1) != (r0, c0):
            placed.merges.append((r0, c0, r1, c1))
            self._blanks(placed, self._pattern(style, align, (top, right, bottom, left)), r0, c0, r1, c1)
        first = (top, right if c1 == c0 else "none", bottom if r1 == r0 else "none", left)
        key = self.styles.key(style, align, first, cell.number_format, quote)
        placed.cells[r0][c0] = (key, _value(sheet, r0, cell, text, self.strings))

    @staticmethod
    def _blanks(placed: Grid, pattern: Pattern, r0: int, c0: int, r1: int, c1: int) -> None:
        """The blank grid cells of a merged range (the caller then writes its first cell)."""
        for rr in range(r0, r1 + 1):
            vertical = (rr == r0) + 2 * (rr == r1)
            row_cells = placed.cells[rr]
            for cc, horizontal in ((c0, 1 + 2 * (c0 == c1)), (c1, 2 + (c0 == c1))):
                found = pattern[vertical, horizontal]
                if found is not None:
                    row_cells[cc] = found
            inner = pattern[vertical, 0]
            if inner is not None and c1 - c0 > 1:
                row_cells.update(dict.fromkeys(range(c0 + 1, c1), inner))

    def _pattern(self, style: CellStyle, align: str, sides: Edges) -> Pattern:
        """A merged range's blank grid cells by (row, column), each 0 inner, 1 first, 2 last,
        3 both: with the borders of the sides the cell lies on, None where it would show
        nothing (no line, no fill) and is not written."""
        found = self._patterns.get((style.name, align, sides))
        if found is not None:
            return found
        top, right, bottom, left = sides
        out: Pattern = {}
        for vertical in range(4):
            for horizontal in range(4):
                edges: Edges = (
                    top if vertical & 1 else "none",
                    right if horizontal & 2 else "none",
                    bottom if vertical & 2 else "none",
                    left if horizontal & 1 else "none",
                )
                show = style.fill or edges != NO_EDGES
                out[vertical, horizontal] = (self.styles.key(style, align, edges, None, False), BLANK) if show else None
        self._patterns[style.name, align, sides] = out
        return out


def _value(sheet: SheetPlan, r0: int, cell: Cell, text: str | None, strings: SharedStrings) -> Value:
    if cell.number is not None:
        try:
            as_float = float(cell.number) if isinstance(cell.number, int) else float(Decimal(cell.number))
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float):
            _refuse(sheet, r0, cell.col, f"the figure {cell.number} is beyond what a spreadsheet holds")
        return ("n", cell.number if isinstance(cell.number, int) else as_float)
    if text:
        if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
            _refuse(sheet, r0, cell.col, "a text longer than 32,767 characters")
        return ("s", strings.number(text))
    return BLANK


def _refuse(sheet: SheetPlan, row: int, col: int, reason: str) -> None:
    raise WorkbookRefused(f"sheet {sheet.name!r}, row {row + 1}, column {col + 1}: {reason}")
