"""Page breaks, decided once for both writers.

Bands are placed top to bottom. A band that must stay together moves to the
next page when it does not fit; a heading stays with what follows; anything
taller than the room left is split between lines of text, with labels
repeated and table headers and group headings printed again on the next page. Finally rows
taller than a spreadsheet row may be (409 pt) are spread over several rows,
the cells beside them merged across.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..errors import LayoutError, Place
from ..records.narrative import KEPT_WITH_NEXT
from .bands import Band, BandCell, BandRow
from .content import NumberContent, TextContent
from .measure import ROW_STEP, lines_fitting, quantize, size_rows, text_height

EPS = 0.01
MAX_ROW = 409.0 - ROW_STEP
"""Excel's limit for a row height, in points (with room for rounding)"""
REPEAT_SHARE = 0.25
"""repeated header rows take at most this share of a page"""
EMPTY_SHARE = 0.4
"""a band that does not fit moves to the next page only when that leaves at most this share of
the page empty; otherwise it is split between lines"""


@dataclass
class Paged:
    pages: list[list[BandRow]]
    outline: list[tuple[int, int, int, str]]
    """(page, row within the page, level, title)"""


def _height(rows: list[BandRow]) -> float:
    return sum(r.height for r in rows)


def _copy_rows(rows: list[BandRow]) -> list[BandRow]:
    """Header rows printed again at the top of a page: copies, marked as such."""
    return [replace(r, cells=[replace(c, copy=True) for c in r.cells], repeat=True) for r in rows]


def _lines_from(cell: BandCell, n: int) -> tuple[tuple[int, str, int], ...]:
    """The paragraph starts of a cell's lines from line ``n`` on, numbered from there."""
    return tuple((line - n, kind, mark) for line, kind, mark in cell.paragraphs if line >= n)


def _filler(cell: BandCell, rowspan: int) -> BandCell:
    """An empty cell keeping the grid's borders where a text has already ended."""
    return replace(
        cell, rowspan=rowspan, content=TextContent([], cell.content.place), lines=[], paragraphs=(), need=0.0
    )


def line_marks(cell: BandCell) -> list[tuple[int, bool]]:
    """For each line of a cell: its paragraph (the first line of each starts one; lines before
    the first start go on with the paragraph of the cell above) and whether that paragraph keeps
    with what follows (a 【n】 title, ○ heading, dated line)."""
    marks: list[tuple[int, bool]] = []
    para, keep = -1, False
    starts = {line: kind for line, kind, _ in cell.paragraphs}
    for line in range(len(cell.lines)):
        if line in starts:
            para, keep = para + 1, starts[line] in KEPT_WITH_NEXT
        marks.append((para, keep))
    return marks


def good_cut(marks: list[tuple[int, bool]], n: int) -> int:
    """The number of lines to keep above a page break, at most ``n``, so that no paragraph leaves
    one line alone at the foot (orphan) or the top (widow) of a page and a title, ○ heading or
    dated line keeps two lines of what follows it on its page; 0 when no cut does."""
    total = len(marks)
    para = [p for p, _ in marks]
    while 0 < n < total:
        if para[n - 1] == para[n] and (n == 1 or para[n - 2] != para[n - 1]):
            n -= 1  # orphan: move the paragraph's first line too
            continue
        if para[n] == para[n - 1] and (n + 1 == total or para[n + 1] != para[n]):
            n -= 1  # widow: take one more line to the next page
            continue
        keep = next((k for k in range(n - 1, -1, -1) if marks[k][1]), None)
        if keep is not None and para[keep] != para[n]:
            after = n - keep - 1
            following = total - keep - 1
            if after < min(2, following):
                n = para.index(para[keep])  # the title goes with what follows it
                continue
        break
    return max(0, n)


def _split_cell(cell: BandCell, head_span: int, tail_span: int, room: float, strict: bool) -> tuple[BandCell, BandCell]:
    """Divide a cell crossing a cut: the lines that fit in ``room`` above it (cut where a reader
    expects, unless not ``strict``), the rest below."""
    n = lines_fitting(cell.style, room, cell.open_top)
    if n >= len(cell.lines):
        head = replace(cell, rowspan=head_span)
        tail = replace(cell, rowspan=tail_span, copy=True) if cell.repeat else _filler(cell, tail_span)
        return head, tail
    if strict:
        n = good_cut(line_marks(cell), n)
    flows = n > 0
    head = replace(
        cell,
        rowspan=head_span,
        lines=cell.lines[:n],
        need=text_height(cell.style, n) if n else 0.0,
        flows_on=flows,
    )
    rest = cell.lines[n:]
    tail = replace(
        cell,
        rowspan=tail_span,
        lines=rest,
        paragraphs=_lines_from(cell, n),
        need=text_height(cell.style, len(rest)),
        flows_in=flows,
    )
    return head, tail


def _inside_cut_useful(rows: list[BandRow], tops: list[float], j: int, y: float, min_lines: int, strict: bool) -> bool:
    """Whether cutting inside row ``j`` at ``y`` moves text sensibly: the longest text crossing the
    cut keeps ``min_lines`` lines above it (fewer if it has fewer), cut where a reader expects."""
    best_total, best_fit = 0, 0
    for a, row in enumerate(rows[: j + 1]):
        for c in row.cells:
            if a + c.rowspan - 1 < j or isinstance(c.content, NumberContent):
                continue
            total = len(c.lines)
            fit = min(total, lines_fitting(c.style, y - tops[a], c.open_top))
            if fit < total and total > best_total:
                best_total, best_fit = total, good_cut(line_marks(c), fit) if strict else fit
    if best_total == 0 or best_fit == 0:
        return False
    if not strict:
        return True
    below_title = j > 0 and rows[j - 1].lead
    return best_fit >= min(max(min_lines, 2 if below_title else 1), best_total)


def _drawn_from(rows: list[BandRow], j: int) -> int | None:
    """The first row of a drawn cell (picture, tiles, chart) that covers row ``j``, if any."""
    firsts = [a for a, row in enumerate(rows[: j + 1]) for c in row.cells if c.graphic and a + c.rowspan > j]
    return min(firsts, default=None)


def split_rows(
    rows: list[BandRow], y: float, min_lines: int = 1, strict: bool = True
) -> tuple[list[BandRow], list[BandRow]] | None:
    """Cut ``rows`` so the first part is at most ``y`` tall; None when nothing can go above the cut.

    ``strict``: where a reader expects — not right below a title row, not leaving a line alone,
    ``min_lines`` lines of text above the cut (a heading's two); otherwise anywhere that fits
    (for a band that must be split on the page it starts)."""
    tops = [0.0]
    for row in rows:
        tops.append(tops[-1] + row.height)
    j = next((r for r, row in enumerate(rows) if tops[r] + row.height > y + EPS), None)
    if j is None:
        return None
    drawn = _drawn_from(rows, j)
    if drawn is not None:  # a picture or chart is never cut: cut above it
        if drawn == 0:
            return None
        j, y = drawn, tops[drawn]
    inside = not rows[j].fixed and drawn is None and _inside_cut_useful(rows, tops, j, y, min_lines, strict)
    if not inside:
        while strict and j > 0 and rows[j - 1].lead:
            j -= 1  # a title row goes with what follows it
        if j == 0:
            return None
        y = tops[j]
    head: list[BandRow] = [_empty_like(r) for r in rows[:j]]
    tail: list[BandRow] = [_empty_like(r) for r in rows[j:]]
    if inside:
        head.append(BandRow([], tag=rows[j].tag, repeat=rows[j].repeat, continued=rows[j].continued))
        tail[0] = BandRow([], tag=rows[j].tag, repeat=rows[j].repeat, continued=True)
    for a, row in enumerate(rows):
        for c in row.cells:
            b = a + c.rowspan - 1
            if b < j:
                head[a].cells.append(c)
            elif a > j or (a == j and not inside):
                tail[a - j].cells.append(c)
            else:
                head_span = j - a + (1 if inside else 0)
                h, t = _split_cell(c, head_span, b - j + 1, y - tops[a], strict)
                head[a].cells.append(h)
                tail[0].cells.append(t)
    for part in (head, tail):
        for row in part:
            row.cells.sort(key=lambda c: c.col)
        size_rows(part)
        _drop_empty_rows(part)
    return head, tail


def _empty_like(row: BandRow) -> BandRow:
    return BandRow(
        [], min_height=row.min_height, fixed=row.fixed, tag=row.tag, repeat=row.repeat, continued=row.continued
    )


def _drop_empty_rows(rows: list[BandRow]) -> None:
    """Remove rows a cut left with no height (a workbook would hide them, or LibreOffice print them
    at the default height); cells spanning them span one row fewer."""
    k = 0
    while k < len(rows):
        if rows[k].height > EPS or rows[k].fixed or len(rows) == 1:
            k += 1
            continue
        for a in range(k):
            rows[a].cells = [replace(c, rowspan=c.rowspan - 1) if a + c.rowspan > k else c for c in rows[a].cells]
        moved = [replace(c, rowspan=c.rowspan - 1) for c in rows[k].cells if c.rowspan > 1]
        del rows[k]
        if k < len(rows):
            rows[k].cells = sorted(rows[k].cells + moved, key=lambda c: c.col)


def _lead(bands: list[Band], i: int, capacity: float) -> float:
    """Height a band needs on its page: itself, plus what it must stay with."""
    band = bands[i]
    height = band.height
    if band.keep_with_next and i + 1 < len(bands) and not bands[i + 1].page_break:
        nxt = bands[i + 1]
        if nxt.keep_with_next:
            height += _lead(bands, i + 1, capacity)
        elif nxt.rows:
            whole = nxt.keep and nxt.height <= capacity
            height += nxt.height if whole else nxt.rows[0].height
    return height


def _repeated(band: Band | None, capacity: float) -> list[Band]:
    """The headers printed above ``band`` when it starts a page, outermost first: as many as
    fit in a quarter of the page (a group heading of half a page is not printed on every page)."""
    chain: list[Band] = []
    header = band.header if band is not None else None
    while header is not None:
        chain.insert(0, header)
        header = header.header
    repeated: list[Band] = []
    for header in chain:
        if sum(h.height for h in repeated) + header.height > capacity * REPEAT_SHARE + EPS:
            break
        repeated.append(header)
    return repeated


def _splits(band: Band, room: float) -> bool:
    """Whether the band can start in ``room``, cut where a reader expects."""
    return band.height <= room + EPS or split_rows(band.rows, room) is not None


def _followed(bands: list[Band], i: int, room: float) -> bool:
    """Whether what a heading keeps with (the bands after ``i``) can start in ``room`` below it
    with two lines of text at least: else the heading goes to the next page with it."""
    k = i + 1
    while k < len(bands) and not bands[k].rows and not bands[k].page_break:
        k += 1
    if k == len(bands) or bands[k].page_break:
        return True
    nxt = bands[k]
    if nxt.height <= room + EPS:
        return not nxt.keep_with_next or _followed(bands, k, room - nxt.height)
    return not nxt.keep_with_next and split_rows(nxt.rows, room, min_lines=2) is not None


def _stays(
    bands: list[Band], i: int, remaining: float, most_empty: float, movable: bool, lead: float, room: float
) -> bool:
    """Whether a band that fits goes on this page. A heading (kept with what follows) goes when
    what follows starts here too, with two lines of text at least; when not even the first part
    of what follows fits here, it moves with it to the next page if that leaves at most 40 % of
    this page empty (or if what follows cannot start here at all)."""
    band = bands[i]
    if not band.keep_with_next or not movable:
        return True
    below = remaining - band.height
    if lead > remaining + EPS and lead <= room + EPS and remaining <= most_empty + EPS:
        return False
    return _followed(bands, i, below)


def paginate(bands: list[Band], capacity: float, where: Place, most_empty: float) -> Paged:
    """The bands on pages of ``capacity`` points (``where``: the layout, for a row that cannot fit).
    A band moves on whole only if that leaves at most ``most_empty`` points of a page unused (the
    composer's rule: :data:`EMPTY_SHARE` of the page); else it is split, where it can be."""
    return Paginator(bands, capacity, where, most_empty).run()


class _Pages:
    """The pages being filled: their rows, the outline entries, the room used on the last page."""

    def __init__(self) -> None:
        self.pages: list[list[BandRow]] = [[]]
        self.outline: list[tuple[int, int, int, str]] = []
        self.used = 0.0
        self.top_rows = 0
        """rows at the top of the last page that repeat a header: the page holds nothing else yet"""

    @property
    def at_top(self) -> bool:
        return len(self.pages[-1]) == self.top_rows

    def place(self, rows: list[BandRow], band_outline: list[tuple[int, str]]) -> None:
        for level, title in band_outline:
            self.outline.append((len(self.pages) - 1, len(self.pages[-1]), level, title))
        self.pages[-1].extend(rows)
        self.used += _height(rows)

    def new_page(self, repeated: list[Band]) -> None:
        """Start a page with ``repeated`` headers at its top."""
        self.pages.append([])
        self.used = 0.0
        for header in repeated:
            self.place(_copy_rows(header.rows), [])
        self.top_rows = len(self.pages[-1])

    def clear_last(self) -> None:
        """Make room: the last page goes without its repeated headers."""
        del self.pages[-1][:]
        self.used, self.top_rows = 0.0, 0


class Paginator:
    """Places bands top to bottom, page by page. Works on its own copy of the band list: a band
    split at a page's foot is replaced there by its rest, never in the caller's list."""

    def __init__(self, bands: list[Band], capacity: float, where: Place, most_empty: float):
        self.bands = list(bands)
        self.capacity = capacity
        self.most_empty = most_empty
        self.where = where
        self.out = _Pages()
        self.glued = False
        """the last band placed must stay with the next one: never move it away"""

    def run(self) -> Paged:
        i = 0
        while i < len(self.bands):
            band = self.bands[i]
            if band.page_break:
                self._page_break(i)
                i += 1
            elif not band.rows:
                i += 1
            elif self._place(i):
                i += 1
        pages = self.out.pages
        if not pages[-1] and len(pages) > 1:
            pages.pop()
        return Paged([cap_rows(page) for page in pages], self.out.outline)

    def _page_break(self, i: int) -> None:
        """A layout's page break; the page after a table's break shows the table's header again."""
        if self.out.at_top:
            return
        nxt = next((b for b in self.bands[i + 1 :] if b.rows or b.page_break), None)
        self.out.new_page(_repeated(nxt, self.capacity) if nxt is not None and not nxt.page_break else [])

    def _place(self, i: int) -> bool:
        """Place band ``i``, or its first part, or start a new page for it; True when it is done."""
        band, out, capacity = self.bands[i], self.out, self.capacity
        remaining = capacity - out.used
        at_top = out.at_top
        lead = _lead(self.bands, i, capacity)
        fits = band.height <= remaining + EPS
        # may the band go to the next page? Not from the top of one, not away from a
        # heading it must stay with, and only to keep it (or it and its followers) whole.
        movable = not at_top and not self.glued and (band.keep or band.keep_with_next)
        repeated = _repeated(band, capacity)
        room = capacity - sum(header.height for header in repeated)  # below the repeated headers
        if fits and _stays(self.bands, i, remaining, self.most_empty, movable, lead, room):
            out.place(band.rows, band.outline)
            self.glued = band.keep_with_next
            return True
        min_lines = 2 if self.glued else 1  # below a heading: two lines of what follows, at least
        self.glued = False
        whole_later = lead <= room + EPS or band.height <= room + EPS
        # moving a band that fits a page leaves this page's room empty: more than 40 % of a
        # page, and it is split between lines instead, when it can be
        if movable and whole_later and (remaining <= self.most_empty or not _splits(band, remaining)):
            out.new_page(repeated)
            return False
        return self._split(i, remaining, min_lines, repeated)

    def _split(self, i: int, remaining: float, min_lines: int, repeated: list[Band]) -> bool:
        """Put the first part of band ``i`` in ``remaining`` and keep its rest for the next page."""
        band, out = self.bands[i], self.out
        at_top = out.at_top
        split = split_rows(band.rows, remaining, min_lines)
        if split is None and at_top:
            split = split_rows(band.rows, remaining, strict=False)  # nowhere better to cut
        if split is None:
            if at_top and out.top_rows:
                out.clear_last()
                return False
            if at_top:
                message = (
                    f"a row is {band.rows[0].height:.0f} pt tall and holds nothing that can be split "
                    f"between pages, but a page holds {self.capacity:.0f} pt"
                )
                raise LayoutError([self.where.issue(message)])
            out.new_page(repeated)
            return False
        head, tail = split
        out.place(head, band.outline)
        self.bands[i] = Band(tail, keep=False, header=band.header)
        out.new_page(repeated)
        return False


def cap_rows(rows: list[BandRow]) -> list[BandRow]:
    """Spread rows taller than a spreadsheet row over several rows, merging the cells beside."""
    if all(r.height <= MAX_ROW + EPS for r in rows):
        return rows
    out: list[BandRow] = []
    for row in rows:
        if row.height <= MAX_ROW + EPS:
            out.append(row)
            continue
        tall = {id(c): c for c in row.cells if c.rowspan == 1 and c.need > MAX_ROW + EPS}
        per_row = {key: max(1, lines_fitting(c.style, MAX_ROW, True)) for key, c in tall.items()}
        parts = max((math.ceil(len(c.lines) / per_row[key]) for key, c in tall.items()), default=1)
        if parts <= 1:
            # tall because of text in cells spanning several rows: divide the row
            # into equal rows and merge every cell of it over them
            parts = math.ceil(row.height / MAX_ROW)
            tall = {}
        new_rows = [BandRow([], tag=row.tag, repeat=row.repeat, continued=row.continued or p > 0) for p in range(parts)]
        for c in row.cells:
            if id(c) in tall:
                k = per_row[id(c)]
                for p in range(parts):
                    chunk = c.lines[p * k : (p + 1) * k]
                    top, bottom = (p > 0 or c.open_top), (p < parts - 1 or c.open_bottom)
                    need = text_height(c.style, len(chunk), top, bottom) if chunk else 0.0
                    piece = replace(c, lines=chunk, need=need)
                    piece.paragraphs = tuple(
                        (line - p * k, kind, mark) for line, kind, mark in c.paragraphs if p * k <= line < (p + 1) * k
                    )
                    piece.open_top, piece.open_bottom = top, bottom
                    piece.flows_in, piece.flows_on = c.flows_in and p == 0, c.flows_on and p == parts - 1
                    new_rows[p].cells.append(piece)
            else:
                new_rows[0].cells.append(replace(c, rowspan=c.rowspan + parts - 1))
        position = len(out)
        for p_index, previous in enumerate(out):
            for c in previous.cells:
                if p_index + c.rowspan - 1 >= position:
                    c.rowspan += parts - 1
        for new in new_rows:
            new.height = quantize(max([0.0] + [c.need for c in new.cells if c.rowspan == 1]))
        shortfall = row.height - sum(r.height for r in new_rows)
        if shortfall > 0:  # what cells spanning the rows need: spread it evenly
            for new in new_rows:
                new.height = quantize(new.height + shortfall / parts)
        out.extend(new_rows)
    return out
