"""Which grid cells of a sheet draw each line of the form (the workbook's borders).

A merged range shows its first cell's value and fill over the whole range, but Excel and
LibreOffice draw the lines along its edges from the grid cells there: each edge cell used to
hold its range's borders, some 7,000 cells a workbook and most of the workbook's writing time.
A line between two grid cells is drawn when either of them has it, so here each line is given
to one of the two. A vertical line goes to the cell on its right (a range's first cell, written
anyway), or to the one on its left at the sheet's right edge. The lines between two rows go to
the rows by turns: a row that draws the line above it also draws the line below it, and the
next row draws neither, so about half the cells of a stacked table are never written. Where a
page breaks, both rows keep the line (each printed page draws its own), and where the two sides
of a boundary want different kinds of line, each keeps its own, as the form has them.
"""

from __future__ import annotations

from ..plan import Cell, CellStyle, SheetPlan

Edges = tuple[str, str, str, str]
"""top, right, bottom, left"""
NONE = "none"


GridCell = tuple[int, int, Cell, bool, Edges]
"""a grid cell to write: its row and column, the plan's cell (range) it is part of, whether it
is the range's first cell (which holds the value), and the lines it draws"""


def grid_cells(sheet: SheetPlan, styles: dict[str, CellStyle]) -> list[GridCell]:
    """Every grid cell that has to be written: each range's first cell, and every cell that
    draws a line; row by row."""
    rows = sheet.title_rows + sheet.rows
    width = len(sheet.columns)
    owner: list[list[Cell | None]] = [[None] * width for _ in rows]
    first: list[list[bool]] = [[False] * width for _ in rows]
    wanted = {side: [[NONE] * (width + 1) for _ in range(len(rows) + 1)] for side in "trbl"}
    for r0, row in enumerate(rows):
        for cell in row.cells:
            top, right, bottom, left = styles[cell.style].borders
            c0, c1, r1 = cell.col, cell.col + cell.colspan, r0 + cell.rowspan
            first[r0][c0] = True
            for r in range(r0, r1):
                owner[r][c0:c1] = [cell] * cell.colspan
                wanted["l"][r][c0] = left
                wanted["r"][r][c1 - 1] = right
            if not cell.open_top:
                wanted["t"][r0][c0:c1] = [top] * cell.colspan
            if not cell.open_bottom:
                wanted["b"][r1 - 1][c0:c1] = [bottom] * cell.colspan
    drawn = _horizontal(wanted["t"], wanted["b"], owner, _page_tops(sheet))
    drawn_left, drawn_right = _vertical(wanted["l"], wanted["r"], owner)
    nothing = (NONE, NONE, NONE, NONE)
    out: list[GridCell] = []
    for r, cells in enumerate(owner):
        tops, bottoms = drawn[r]
        lines = zip(tops, drawn_right[r], bottoms, drawn_left[r], strict=True)
        out += [
            (r, c, cell, is_first, edges)
            for c, (cell, is_first, edges) in enumerate(zip(cells, first[r], lines, strict=True))
            if cell is not None and (is_first or edges != nothing)
        ]
    return out


def _page_tops(sheet: SheetPlan) -> set[int]:
    """Grid rows that start a printed page (below the title rows it repeats)."""
    titles = len(sheet.title_rows)
    return {titles + start for start in sheet.page_starts[1:]}


def _horizontal(
    tops: list[list[str]], bottoms: list[list[str]], owner: list[list[Cell | None]], page_tops: set[int]
) -> list[tuple[list[str], list[str]]]:
    """Per row, the lines its cells draw above and below them."""
    height, width = len(owner), len(owner[0]) if owner else 0
    drawn = [([NONE] * width, [NONE] * width) for _ in range(height)]
    upper_drew_its_top = False
    for r in range(height + 1):  # the boundary above row r
        above = bottoms[r - 1] if r > 0 else [NONE] * width
        below = tops[r] if r < height else [NONE] * width
        both = r in page_tops
        to_upper = r == height or (r > 0 and upper_drew_its_top and not both)
        for c in range(width):
            a, b = above[c], below[c]
            if a == NONE and b == NONE:
                continue
            upper = owner[r - 1][c] is not None if r > 0 else False
            lower = owner[r][c] is not None if r < height else False
            if both or (a != NONE and b != NONE and a != b):
                if a != NONE and upper:
                    drawn[r - 1][1][c] = a
                if b != NONE and lower:
                    drawn[r][0][c] = b
            elif (to_upper and upper) or not lower:
                drawn[r - 1][1][c] = a if a != NONE else b
            else:
                drawn[r][0][c] = a if a != NONE else b
        upper_drew_its_top = both or not to_upper
    return drawn


def _vertical(
    lefts: list[list[str]], rights: list[list[str]], owner: list[list[Cell | None]]
) -> tuple[list[list[str]], list[list[str]]]:
    """Per row, the lines its cells draw on their left and on their right."""
    width = len(owner[0]) if owner else 0
    left = [[NONE] * width for _ in owner]
    right = [[NONE] * width for _ in owner]
    for r, cells in enumerate(owner):
        for c in range(width + 1):  # the boundary left of column c
            a = rights[r][c - 1] if c > 0 else NONE
            b = lefts[r][c] if c < width else NONE
            if a == NONE and b == NONE:
                continue
            has_left = c > 0 and cells[c - 1] is not None
            has_right = c < width and cells[c] is not None
            if a != NONE and b != NONE and a != b:
                left[r][c] = b
                right[r][c - 1] = a
            elif has_right:
                left[r][c] = a if a != NONE else b
            elif has_left:
                right[r][c - 1] = a if a != NONE else b
    return left, right
