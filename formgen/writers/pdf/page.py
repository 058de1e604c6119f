"""One page of a sheet as PDF operators, every piece marked: tagged content or artifact.

Fills, then text, then borders, so lines are never covered. Fills and borders
are artifacts; text and drawings are marked content whose MCIDs the structure
tree (:mod:`formgen.writers.pdf.structure`) points at, or artifacts when they repeat
what was said before (a table's header on a continued page, a label printed
again, a sheet's title rows after its first page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ...fonts import FontFace
from ...plan import BORDER_WIDTH_PT, Cell, CellStyle, DocumentPlan, Row, SheetPlan, graphic_origin
from .embed import EmbeddedFont, compressed_ops
from .graphics import Pen, chart_ops, tiles_ops
from .structure import AnnotRef, Flow, Marked, Node, SheetTagger
from .syntax import num


@lru_cache(maxsize=64)
def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return f"{r:.3g} {g:.3g} {b:.3g}"


class PageText:
    """The text state of one page's content stream, so that operators are written only where
    something changes: consecutive cells' text is one text object, the font and colour carry
    over from one cell to the next, and a line is placed from the line before it (``'`` for
    the next line of a paragraph, ``Td`` for any other move) rather than by a matrix of
    absolute numbers. Fewer numbers to format, and smaller streams."""

    def __init__(self) -> None:
        self.font = self.fill = ""
        self.leading = 0
        self.at: tuple[int, int] | None = None
        self.open = False

    def begin(self, resource: str, size: float, color: str) -> str:
        """Text in ``size`` points of the font ``resource`` in ``color`` follows."""
        ops = []
        if not self.open:
            ops.append("BT")
            self.open, self.at = True, None  # BT: the line matrix is the identity again
        font, fill = f"/{resource} {num(size)} Tf", f"{rgb(color)} rg"
        if font != self.font:
            ops.append(font)
            self.font = font
        if fill != self.fill:
            ops.append(fill)
            self.fill = fill
        return " ".join(ops)

    def end(self) -> str:
        """Ends the text object, if one is open (before a drawing, and at the page's end); a
        drawing sets its own colours and fonts, so after it nothing is known."""
        self.font = self.fill = ""
        if not self.open:
            return ""
        self.open = False
        return "ET"

    def show(self, glyphs: str, x: float, y: float, leading: float) -> str:
        """A line of glyphs whose baseline starts at (x, y); ``leading`` is the distance from the
        line before in the same paragraph."""
        here = (round(x * 100), round(y * 100))
        before, self.at = self.at, here
        if before is None:
            return f"{num(here[0] / 100)} {num(here[1] / 100)} Td {glyphs} Tj"
        dx, dy, step = here[0] - before[0], here[1] - before[1], round(leading * 100)
        if dx or dy != -step:
            return f"{num(dx / 100)} {num(dy / 100)} Td {glyphs} Tj"
        if step == self.leading:
            return f"{glyphs}'"
        self.leading = step
        return f"{num(step / 100)} TL {glyphs}'"


@dataclass
class Link:
    """A link annotation: a rectangle of the page going to a page of the same document."""

    rect: tuple[float, float, float, float]
    page: int
    """the target's page number (from 1)"""
    contents: str


@dataclass
class PageBody:
    """A page as drawn, without header and footer: PDF operators, bookmarks (title, level, y),
    the pictures it shows and its links."""

    ops: str = ""
    marks: list[tuple[str, int, float]] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)
    """the pictures it shows, by resource name: their files (each an image object of the PDF)"""
    links: list[Link] = field(default_factory=list)
    mcids: int = 0
    compressed: bytes = b""
    """``ops`` compressed, once: the year's book reuses the stream its area's PDF wrote"""

    def stream_data(self) -> bytes:
        if not self.compressed:
            self.compressed = compressed_ops(self.ops)
        return self.compressed


@lru_cache(maxsize=64)
def _widths(borders: tuple[str, str, str, str]) -> tuple[float, float, float, float]:
    """Line widths of a style's top, right, bottom and left borders (0: none)."""
    top, right, bottom, left = (BORDER_WIDTH_PT[kind] for kind in borders)
    return top, right, bottom, left


@dataclass
class _Edges:
    """Border segments of one page, merged so shared edges are drawn once."""

    horizontal: dict[tuple[float, float], list[tuple[float, float]]] = field(default_factory=dict)
    vertical: dict[tuple[float, float], list[tuple[float, float]]] = field(default_factory=dict)

    def ops(self) -> list[str]:
        out: list[str] = ["0 0 0 RG 2 J"]
        current_width = None
        for horizontal, table in ((True, self.horizontal), (False, self.vertical)):
            for (pos, width), spans in sorted(table.items()):
                if width != current_width:
                    out.append(f"{num(width)} w")
                    current_width = width
                for a, b in _merge(spans):
                    if horizontal:
                        out.append(f"{num(a)} {num(pos)} m {num(b)} {num(pos)} l")
                    else:
                        out.append(f"{num(pos)} {num(a)} m {num(pos)} {num(b)} l")
                out.append("S")
        return out


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 0.01:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def artifact(ops: list[str], properties: str = "") -> str:
    """Operators marked as an artifact (not content a reader reads)."""
    if not ops:
        return ""
    head = f"/Artifact {properties} BDC" if properties else "/Artifact BMC"
    return "\n".join([head, *ops, "EMC"])


class PageDrawer:
    """Draws the pages of one sheet; ``font_of`` gives the embedded font of a face, ``face_of``
    the face of a style."""

    def __init__(
        self,
        plan: DocumentPlan,
        sheet: SheetPlan,
        tagger: SheetTagger,
        face_of: Callable[[CellStyle], FontFace],
        font_of: Callable[[FontFace], EmbeddedFont],
        links: dict[int, int] | None = None,
    ):
        self.plan = plan
        self.sheet = sheet
        self.tagger = tagger
        self.face_of = face_of
        self.font_of = font_of
        self.links = links or {}
        """item of a table over ``entries`` → the page its row links to (the book's contents)"""
        self.text: PageText
        """the text state of the page being drawn (a new one for each page)"""

    def page(self, page: int) -> PageBody:
        plan, sheet = self.plan, self.sheet
        setup = plan.page
        body = PageBody()
        page_rows = sheet.page_rows(page)
        title_rows = [replace(r, repeat=True) if page else r for r in sheet.title_rows]
        rows: list[Row] = title_rows + [sheet.rows[i] for i in page_rows]
        tops = [setup.height - setup.top]
        for row in rows:
            tops.append(tops[-1] - row.height)
        for entry in sheet.outline:
            if entry.row in page_rows:
                top = tops[len(title_rows) + entry.row - page_rows.start] if entry.level else setup.height
                body.marks.append((entry.title, entry.level, top))
        lefts = [setup.left]
        for width in sheet.columns:
            lefts.append(lefts[-1] + width)
        fills: list[tuple[str, str]] = []
        content: list[str] = []
        edges = _Edges()
        self.text = PageText()
        for r, row in enumerate(rows):
            link = self._link(row, body, lefts, tops, r)
            for cell in row.cells:
                box = (lefts[cell.col], tops[r], lefts[cell.col + cell.colspan], tops[r + cell.rowspan])
                self._frame(cell, box, fills, edges)
                target = self.tagger.cell_target(row, cell, rows, r)
                if isinstance(target, Node) and target.role.startswith("H") and cell.lines:
                    self.tagger.sect.kids.append(target)
                if link is not None and cell.lines and target is not None:
                    target, link = self._linked(target, link), None
                content.append(self._content(cell, box, target, body))
        content.append(self.text.end())
        body.ops = "\n".join([artifact(_fill_ops(fills)), *filter(None, content), artifact(edges.ops())])
        return body

    # ----- frames

    def _frame(
        self, cell: Cell, box: tuple[float, float, float, float], fills: list[tuple[str, str]], edges: _Edges
    ) -> None:
        style = self.plan.styles[cell.style]
        x0, y_top, x1, y_bottom = box
        if style.fill:
            fills.append((style.fill, f"{num(x0)} {num(y_bottom)} {num(x1 - x0)} {num(y_top - y_bottom)} re f"))
        top, right, bottom, left = _widths(style.borders)
        horizontal, vertical = edges.horizontal, edges.vertical
        if top and not cell.open_top:
            horizontal.setdefault((round(y_top, 2), top), []).append((x0, x1))
        if bottom and not cell.open_bottom:
            horizontal.setdefault((round(y_bottom, 2), bottom), []).append((x0, x1))
        if left:
            vertical.setdefault((round(x0, 2), left), []).append((y_bottom, y_top))
        if right:
            vertical.setdefault((round(x1, 2), right), []).append((y_bottom, y_top))

    # ----- links (the book's contents)

    def _link(self, row: Row, body: PageBody, lefts: list[float], tops: list[float], r: int) -> AnnotRef | None:
        tag = row.tag
        if tag is None or tag.items != "entries" or tag.item not in self.links or row.repeat:
            return None
        target = self.links[tag.item]
        text = " ".join(c.text for c in row.cells if c.lines and not c.copy)
        body.links.append(Link((lefts[0], tops[r + 1], lefts[-1], tops[r]), target, f"{text}（{target}ページ）"))
        return AnnotRef(body, len(body.links) - 1)

    @staticmethod
    def _linked(target: Flow | Node, link: AnnotRef) -> Node:
        """The Link element holding the row's link annotation and the text of its first cell."""
        node = (target.container if isinstance(target, Flow) else target).add("Link")
        node.kids.append(link)
        return node

    # ----- text and drawings

    def _content(self, cell: Cell, box: tuple[float, float, float, float], target: Any, body: PageBody) -> str:
        if cell.graphic is not None:
            return self._graphic(cell, box, target, body)
        if not cell.lines:
            return ""
        style = self.plan.styles[cell.style]
        face = self.face_of(style)
        font = self.font_of(face)
        lines = self._placed_lines(cell, box, style, face)
        text = self.text
        head = text.begin(font.resource, style.size, style.color)

        def shown(segment: list[tuple[str, float, float]]) -> list[str]:
            return [text.show(font.encode(t), x, y, style.leading) for t, x, y in segment if t]

        if target is None:
            return "\n".join(filter(None, [head, artifact(shown(lines))]))
        if isinstance(target, Node):  # a heading, a header cell, a link: all its lines in one sequence
            return "\n".join(filter(None, [head, self._marked(target, body, shown(lines))]))
        out = [head]
        for role_node, segment in _segments(cell, target, lines, lambda t: face.width(t, style.size)):
            if role_node is not None:
                out.append(self._marked(role_node, body, shown(segment)))
        return "\n".join(filter(None, out))

    def _placed_lines(
        self, cell: Cell, box: tuple[float, float, float, float], style: CellStyle, face: FontFace
    ) -> list[tuple[str, float, float]]:
        """Each line's text and the point its baseline starts at."""
        x0, y_top, x1, y_bottom = box
        size = style.size
        pad_top = 0.0 if cell.open_top else style.pad_v
        pad_bottom = 0.0 if cell.open_bottom else style.pad_v
        block = len(cell.lines) * style.leading
        if style.valign == "middle":
            first_top = y_top - pad_top - max(0.0, (y_top - y_bottom - pad_top - pad_bottom - block) / 2)
        elif style.valign == "bottom":
            first_top = y_bottom + pad_bottom + block
        else:
            first_top = y_top - pad_top
        baseline = first_top - (style.leading - (face.ascent + face.descent) * size) / 2 - face.ascent * size
        align = cell.align or style.align
        out = []
        for line in cell.lines:
            if align == "left":
                x = x0 + style.pad_h
            else:
                width = face.width(line, size)
                x = x1 - style.pad_h - width if align == "right" else (x0 + x1 - width) / 2
            out.append((line, x, baseline))
            baseline -= style.leading
        return out

    def _marked(self, node: Node, body: PageBody, ops: list[str]) -> str:
        mcid = body.mcids
        body.mcids += 1
        node.kids.append(Marked(body, mcid))
        return "\n".join([f"/{node.role} <</MCID {mcid}>> BDC", *ops, "EMC"])

    def _graphic(self, cell: Cell, box: tuple[float, float, float, float], target: Any, body: PageBody) -> str:
        """A picture, SDG tiles or chart, as a Figure with its alternative text."""
        graphic = cell.graphic
        assert graphic is not None
        if graphic.kind == "sdg" and not graphic.tiles:
            return ""  # no goals: nothing to draw, nothing to read
        style = self.plan.styles[cell.style]
        x0, y_top, x1, y_bottom = box
        ended = self.text.end()
        x, y_down = graphic_origin((x0, -y_top, x1, -y_bottom), style, graphic)
        top = -y_down
        if graphic.kind == "image" and graphic.image is not None:
            name = image_name(graphic.image_digest)
            body.images[name] = graphic.image
            w, h = graphic.width, graphic.height
            ops = [f"q {num(w)} 0 0 {num(h)} {num(x)} {num(top - h)} cm /{name} Do Q"]
        else:
            face = self.face_of(replace(style, bold=graphic.kind == "sdg"))
            pen = Pen(face, self.font_of(face), rgb, num)
            ops = tiles_ops(graphic, x, top, pen) if graphic.kind == "sdg" else chart_ops(graphic, x, top, pen)
        if target is None:
            return "\n".join(filter(None, [ended, artifact(ops)]))
        container = target.container if isinstance(target, Flow) else target
        bbox = [round(x, 2), round(top - graphic.height, 2), round(x + graphic.width, 2), round(top, 2)]
        figure = container.add("Figure", alt=graphic.alt, attributes=[{"O": "Layout", "BBox": bbox}])
        return "\n".join(filter(None, [ended, self._marked(figure, body, ops)]))


def image_name(digest: str) -> str:
    """The resource name of a picture, from its bytes' digest: the same picture gets the same
    name in every PDF, however its path is written."""
    return "Im" + digest[:10]


def _fill_ops(fills: list[tuple[str, str]]) -> list[str]:
    """Filled rectangles, each colour set only when it changes."""
    ops, current = [], ""
    for color, rectangle in fills:
        if color != current:
            ops.append(f"{rgb(color)} rg {rectangle}")
            current = color
        else:
            ops.append(rectangle)
    return ops


def _segments(
    cell: Cell, flow: Flow, lines: list[tuple[str, float, float]], width: Callable[[str], float]
) -> list[tuple[Node | None, list[tuple[str, float, float]]]]:
    """The cell's lines grouped by paragraph, each with the element it belongs to; a paragraph's
    mark (・, 【1】) is a label of its own. Lines before the first paragraph start carry on the
    paragraph of the cell above."""
    starts = {line: (kind, mark) for line, kind, mark in cell.paragraphs}
    out: list[tuple[Node | None, list[tuple[str, float, float]]]] = []
    if 0 not in starts:
        out.append((flow.go_on(), []))
    for index, (text, x, y) in enumerate(lines):
        if index in starts and not text:
            out.append((None, []))  # an empty paragraph: nothing to read
            continue
        if index in starts:
            kind, mark = starts[index]
            label, node = flow.paragraph(kind, mark)
            if label is not None and mark and text:
                # the mark is drawn as its own run so that it can be the list item's label
                out.append((label, [(text[:mark], x, y)]))
                out.append((node, [(text[mark:], x + width(text[:mark]), y)]))
                continue
            out.append((node, []))
        out[-1][1].append((text, x, y))
    return [(node, [ln for ln in segment if ln[0]]) for node, segment in out if any(ln[0] for ln in segment)]
