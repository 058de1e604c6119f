"""Break every cell's text into lines with the embedded font's widths, and size the rows.

The lines found here are the lines the PDF draws and the workbook stores, so
the row heights fit the text in both.
"""

from __future__ import annotations

import math

from ..errors import InputError, Issue, LayoutError
from ..fonts import FontFace, glyph_problem
from ..layout.load import LoadedLayout
from ..layout.model import MM
from ..linebreak import TooNarrow, break_paragraph
from ..plan import CellStyle
from .bands import BandCell, BandRow
from .content import NumberContent
from .graphics import GraphicContent, fit

ROW_STEP = 0.75
"""row heights are whole screen pixels (0.75 pt), which spreadsheets keep exactly"""


def quantize(height: float) -> float:
    return math.ceil(round(height / ROW_STEP, 6)) * ROW_STEP


def _broken(face: FontFace, size: float, avail: float, first: str, text: str, hang: str) -> list[str]:
    whole = first + text
    if "\n" not in whole and face.width(whole, size) <= avail:
        return [whole]
    return break_paragraph(text, avail, face.advances_at(size), first=first, hang=hang)


def _check_glyphs(face: FontFace, pieces: tuple[str, ...]) -> None:
    for piece in pieces:
        problem = glyph_problem(face, piece) if piece else None
        if problem:
            raise Unprintable(problem)


class Unprintable(Exception):
    """A character the font cannot print; the message names it."""


CACHED_TEXT = 200
"""longest paragraph remembered: labels and short values repeat across a year's forms, a long
narrative is one area's own (remembering those made a worker grow with the year)"""
CACHED_PARAGRAPHS = 50_000


class Measurer:
    """Measures cells for one layout; remembers the lines of every paragraph it broke."""

    def __init__(self, loaded: LoadedLayout):
        self.loaded = loaded
        self._lines: dict[tuple, list[str]] = {}

    def lines(self, face: FontFace, size: float, avail: float, first: str, text: str, hang: str) -> list[str]:
        """The lines of one paragraph. Labels and short values repeat throughout a year's
        forms, so results are remembered (a remembered text was checked against the font
        already); a paragraph that fits needs no breaking at all."""
        key = (id(face), size, avail, first, text, hang)
        found = self._lines.get(key)
        if found is None:
            try:
                found = _broken(face, size, avail, first, text, hang)
            except ValueError:  # too narrow, a line break: an unprintable character says it better
                _check_glyphs(face, (first, text, hang))
                raise
            face.width(hang, size)  # every piece measured before the font is asked about them
            if not face.measured_printable():  # a character measured cannot be printed: which?
                _check_glyphs(face, (first, text, hang))
            if len(text) <= CACHED_TEXT and len(self._lines) < CACHED_PARAGRAPHS:
                self._lines[key] = found
        return found

    def cell(self, cell: BandCell, width: float) -> None:
        """Fill ``cell.lines`` and ``cell.need`` for a cell ``width`` points wide (padding included)."""
        style = cell.style
        face = self.loaded.face(style)
        avail = width - 2 * style.pad_h
        content = cell.content
        if avail < style.size * 0.5:
            raise LayoutError(
                [
                    content.place.issue(
                        f"its cell is {width / MM:.1f} mm wide and the style '{style.name}' pads it by "
                        f"{style.pad_h / MM:.1f} mm on each side, which leaves no room for text; "
                        "widen the column or reduce the padding"
                    )
                ]
            )
        if isinstance(content, GraphicContent):
            cell.graphic = fit(content, avail)
            cell.lines = []
            cell.need = cell.graphic.height + 2 * style.pad_v
            return
        if isinstance(content, NumberContent):
            text_w = face.width(content.text, style.size)
            # the same message for every figure the format prints: without the figure around it
            problem = None if face.measured_printable() else glyph_problem(face, content.text, near=False)
            if problem:  # the number format's own text (a unit, a mark) holds it: the layout's mistake
                raise LayoutError([self._format_issue(content, style, problem)])
            if text_w > avail + 1e-6:
                raise LayoutError(
                    [
                        content.place.issue(
                            f"the figure {content.text} needs {text_w / MM:.1f} mm but its cell leaves "
                            f"{avail / MM:.1f} mm; widen the column or use a smaller font"
                        )
                    ]
                )
            cell.lines = [content.text]
        else:
            lines: list[str] = []
            starts: list[tuple[int, str, int]] = []
            for para in content.paragraphs:
                try:
                    broken = self.lines(face, style.size, avail, para.first, para.text, para.hang)
                    starts.append(
                        (len(lines), para.kind, len(para.first) if para.listed or para.kind == "title" else 0)
                    )
                    lines.extend(broken)
                except Unprintable as exc:
                    raise InputError([content.place.issue(str(exc))]) from None
                except TooNarrow as exc:
                    raise LayoutError(
                        [
                            content.place.issue(
                                f"its cell leaves {avail / MM:.1f} mm for text, too narrow for {exc.char!r}; "
                                "widen the column or use a smaller font"
                            )
                        ]
                    ) from None
            cell.lines = lines
            cell.paragraphs = tuple(starts)
        cell.need = text_height(style, len(cell.lines))

    def _format_issue(self, content: NumberContent, style: CellStyle, problem: str) -> Issue:
        """A number format printing a character the font lacks, named where the format is written:
        at the style when it is the style's (one message for all its cells), else at the cell."""
        if content.number_format == style.number_format:
            place = self.loaded.place(("styles", style.name))
            return place.issue(f"the style {style.name!r} prints figures with {content.number_format!r}: {problem}")
        place = content.format_place or content.place
        return place.issue(f"its number format {content.number_format!r} prints: {problem}")


def text_height(style: CellStyle, lines: int, open_top: bool = False, open_bottom: bool = False) -> float:
    """Height of ``lines`` lines in ``style`` with the padding of the closed edges (at least one line)."""
    pads = (0 if open_top else style.pad_v) + (0 if open_bottom else style.pad_v)
    return max(1, lines) * style.leading + pads


def lines_fitting(style: CellStyle, height: float, open_top: bool = False) -> int:
    """How many lines fit in ``height`` points, with bottom padding and room for rounding."""
    room = height - (0 if open_top else style.pad_v) - style.pad_v - ROW_STEP
    return max(0, int(math.floor(room / style.leading + 1e-9)))


def size_rows(rows: list[BandRow]) -> None:
    """Each row as tall as its tallest cell; cells spanning rows spread what they lack evenly."""
    for row in rows:
        if row.fixed:
            row.height = row.min_height
            continue
        row.height = max([row.min_height] + [c.need for c in row.cells if c.rowspan == 1])
    for r, row in enumerate(rows):
        for c in row.cells:
            if c.rowspan > 1:
                spanned = rows[r : r + c.rowspan]
                have = sum(x.height for x in spanned)
                if c.need > have + 1e-6:
                    extra = (c.need - have) / len(spanned)
                    for x in spanned:
                        x.height += extra
    for row in rows:
        row.height = quantize(row.height)


def measure_rows(measurer: Measurer, rows: list[BandRow], columns: list[float]) -> list[InputError]:
    """Measure every cell and size the rows; the cells that cannot be measured are returned."""
    problems: list[InputError] = []
    for row in rows:
        for cell in row.cells:
            try:
                measurer.cell(cell, sum(columns[cell.col : cell.col + cell.colspan]))
            except InputError as exc:
                problems.append(exc)
    size_rows(rows)
    return problems
