"""PDF writer: draws the plan page by page, the same rows the workbook holds.

Text is drawn as text (never parsed as markup), with embedded subset fonts;
fills, then text, then borders, so lines are never covered. Page numbers,
bookmarks and document metadata come from the plan. Output is deterministic:
reportlab's invariant mode, dates from SOURCE_DATE_EPOCH when it is set.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from ..fonts import FontFace, read_face
from ..plan import (
    BORDER_WIDTH_PT,
    Cell,
    CellStyle,
    DocumentPlan,
    FontPlan,
    HeaderFooterPlan,
    PageSetup,
    SheetPlan,
    graphic_origin,
)
from .embed import EmbeddedFont
from .graphics import Pen, chart_ops, tiles_ops

# Flate only: reportlab's default adds ASCII85 on top, 25 % more bytes, encoded in pure Python
rl_config.useA85 = 0


class _Canvas(Canvas):
    """A canvas that declares no initial font: reportlab's default would add an
    unembedded Helvetica to every page's resources."""

    def _make_preamble(self) -> None:
        self._preamble = "1 0 0 1 0 0 cm"


@lru_cache(maxsize=64)
def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return f"{r:.3g} {g:.3g} {b:.3g}"


def _n(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass
class _Edges:
    """Border segments of one page, merged so shared edges are drawn once."""

    horizontal: dict[tuple[float, float], list[tuple[float, float]]] = field(default_factory=dict)
    vertical: dict[tuple[float, float], list[tuple[float, float]]] = field(default_factory=dict)

    def add(self, kind: str, x1: float, y1: float, x2: float, y2: float) -> None:
        width = BORDER_WIDTH_PT[kind]
        if width == 0:
            return
        if y1 == y2:
            self.horizontal.setdefault((round(y1, 2), width), []).append((min(x1, x2), max(x1, x2)))
        else:
            self.vertical.setdefault((round(x1, 2), width), []).append((min(y1, y2), max(y1, y2)))

    def ops(self) -> list[str]:
        out: list[str] = ["0 0 0 RG 2 J"]
        current_width = None
        for horizontal, table in ((True, self.horizontal), (False, self.vertical)):
            for (pos, width), spans in sorted(table.items()):
                if width != current_width:
                    out.append(f"{_n(width)} w")
                    current_width = width
                for a, b in _merge(spans):
                    if horizontal:
                        out.append(f"{_n(a)} {_n(pos)} m {_n(b)} {_n(pos)} l")
                    else:
                        out.append(f"{_n(pos)} {_n(a)} m {_n(pos)} {_n(b)} l")
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


@dataclass
class PageBody:
    """A page as drawn, without header and footer: PDF operators and bookmarks (title, level, y)."""

    ops: str
    marks: list[tuple[str, int, float]]
    pictures: list[tuple[str, float, float, float, float]] = field(default_factory=list)
    """(file, left, bottom, width, height): placed after the operators, one image object per file"""


@dataclass
class Drawn:
    """A document's pages as drawn, and what is needed to number and embed them elsewhere."""

    page: PageSetup
    header: HeaderFooterPlan
    footer: HeaderFooterPlan
    styles: dict[str, CellStyle]
    fonts: dict[str, FontPlan]
    pages: list[PageBody] = field(default_factory=list)
    glyphs: dict[str, dict[int, str]] = field(default_factory=dict)
    """font file → glyph id → text, for the glyphs the pages use"""


class PdfRenderer:
    """Draws one or more plans into one PDF (a single area, or the year's book)."""

    def __init__(self, title: str, author: str, subject: str, keywords: list[str], language: str):
        self.buffer = io.BytesIO()
        self.canvas = _Canvas(self.buffer, invariant=1, pageCompression=1, lang=language)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setSubject(subject)
        self.canvas.setKeywords(keywords)
        self.canvas.setCreator("formgen")
        self.canvas.setProducer("formgen")
        self._fonts: dict[str, EmbeddedFont] = {}
        self._faces: dict[str, FontFace] = {}
        self._bookmarks = 0
        self._last_level = -1

    # ----- fonts

    def font(self, face: FontFace) -> EmbeddedFont:
        key = resource_name(face)  # one font however many files or styles name the same bytes
        embedded = self._fonts.get(key)
        if embedded is None:
            embedded = self._fonts[key] = EmbeddedFont(face, key)
            self.canvas._doc.delayedFonts.append(embedded)
        return embedded

    def face(self, plan: DocumentPlan | Drawn, style: CellStyle) -> FontFace:
        spec = plan.fonts[style.font]
        path = spec.bold if style.bold and spec.bold else spec.regular
        face = self._faces.get(path)
        if face is None:
            face = self._faces[path] = read_face(Path(path))
        return face

    # ----- outline

    def bookmark(self, title: str, level: int, y: float) -> None:
        """Add an outline entry at height ``y`` of the current page (levels never skip)."""
        level = max(0, min(level, self._last_level + 1))
        self._last_level = level
        key = f"b{self._bookmarks}"
        self._bookmarks += 1
        self.canvas.bookmarkPage(key, fit="XYZ", left=0, top=y)
        self.canvas.addOutlineEntry(title, key, level=level, closed=level >= 1)

    # ----- documents

    def document(
        self, plan: DocumentPlan, first_page: int, total_pages: int, level: int = 0, title: str | None = None
    ) -> Drawn:
        """Draw every page of ``plan``, numbered from ``first_page`` of ``total_pages``.

        With ``title``, the document gets an outline entry of its own (one level
        above ``level``) holding its sheets and sections, as areas do in the book.
        Returns the pages as drawn, so that the book can reuse them.
        """
        drawn = Drawn(plan.page, plan.header, plan.footer, plan.styles, plan.fonts)
        for sheet in plan.sheets:
            for page in range(sheet.pages):
                drawn.pages.append(self._body(plan, sheet, page))
        self.pages(drawn, first_page, total_pages, level, [title] if title is not None else None)
        drawn.glyphs = {str(font.face.path): dict(font.unicode_of) for font in self._fonts.values()}
        return drawn

    def pages(self, drawn: Drawn, first_page: int, total: int, level: int = 0, titles: list[str] | None = None) -> None:
        """Put pages drawn before (by this or another renderer) into this PDF, with page numbers.
        ``titles`` are bookmarks at the first page, outermost first, ending one level above ``level``."""
        setup = drawn.page
        for path, glyphs in drawn.glyphs.items():
            self.font(read_face(Path(path))).unicode_of.update(glyphs)
        for index, body in enumerate(drawn.pages):
            canvas = self.canvas
            canvas.setPageSize((setup.width, setup.height))
            if index == 0 and titles:
                for depth, title in enumerate(titles, start=level - len(titles)):
                    self.bookmark(title, depth, setup.height)
            for mark_title, mark_level, y in body.marks:
                if index == 0 and titles and mark_level == 0 and mark_title == titles[-1]:
                    continue  # a sheet titled as the output it belongs to: one bookmark is enough
                self.bookmark(mark_title, level + mark_level, y)
            number = first_page + index
            furniture = self._header_footer(drawn, drawn.header, number, total, top=True)
            furniture += self._header_footer(drawn, drawn.footer, number, total, top=False)
            canvas.addLiteral(body.ops + "\n" + "\n".join(furniture))
            for path, x, y, width, height in body.pictures:
                # drawImage embeds a file once per PDF and refers to it wherever it is shown again
                canvas.drawImage(path, x, y, width, height, mask="auto")
            canvas.showPage()

    def _body(self, plan: DocumentPlan, sheet: SheetPlan, page: int) -> PageBody:
        """One page without its header and footer: fills, text, borders, and its bookmarks."""
        setup = plan.page
        top = setup.height - setup.top
        rows = list(sheet.title_rows)
        first_index = len(rows)
        page_rows = sheet.page_rows(page)
        rows += [sheet.rows[i] for i in page_rows]
        tops: list[float] = []
        y = top
        for row in rows:
            tops.append(y)
            y -= row.height
        tops.append(y)
        marks = []
        for entry in sheet.outline:
            if entry.row in page_rows:
                row_top = tops[first_index + entry.row - page_rows.start] if entry.level else setup.height
                marks.append((entry.title, entry.level, row_top))
        lefts = [setup.left]
        for width in sheet.columns:
            lefts.append(lefts[-1] + width)
        fills: list[str] = []
        texts: list[str] = []
        edges = _Edges()
        pictures: list[tuple[str, float, float, float, float]] = []
        for r, row in enumerate(rows):
            for cell in row.cells:
                self._cell(plan, cell, lefts, tops, r, fills, texts, edges)
                if cell.graphic is not None:
                    box = (lefts[cell.col], tops[r], lefts[cell.col + cell.colspan], tops[r + cell.rowspan])
                    texts.extend(self._graphic(plan, cell, box, pictures))
        return PageBody("\n".join(fills + texts + edges.ops()), marks, pictures)

    def _graphic(
        self,
        plan: DocumentPlan,
        cell: Cell,
        box: tuple[float, float, float, float],
        pictures: list[tuple[str, float, float, float, float]],
    ) -> list[str]:
        """A cell's picture (placed later), SDG tiles or chart, where its style puts it in the cell."""
        graphic = cell.graphic
        assert graphic is not None
        style = plan.styles[cell.style]
        x0, y_top, x1, y_bottom = box
        x, y_down = graphic_origin((x0, -y_top, x1, -y_bottom), style, graphic)
        top = -y_down
        if graphic.kind == "image" and graphic.image is not None:
            pictures.append((graphic.image, x, top - graphic.height, graphic.width, graphic.height))
            return []
        bold = replace(style, bold=graphic.kind == "sdg")
        face = self.face(plan, bold)
        pen = Pen(face, self.font(face), _rgb, _n)
        return tiles_ops(graphic, x, top, pen) if graphic.kind == "sdg" else chart_ops(graphic, x, top, pen)

    def _cell(
        self,
        plan: DocumentPlan,
        cell: Cell,
        lefts: list[float],
        tops: list[float],
        r: int,
        fills: list[str],
        texts: list[str],
        edges: _Edges,
    ) -> None:
        style = plan.styles[cell.style]
        x0, x1 = lefts[cell.col], lefts[cell.col + cell.colspan]
        y_top, y_bottom = tops[r], tops[r + cell.rowspan]
        if style.fill:
            fills.append(f"{_rgb(style.fill)} rg {_n(x0)} {_n(y_bottom)} {_n(x1 - x0)} {_n(y_top - y_bottom)} re f")
        top, right, bottom, left = style.borders
        if not cell.open_top:
            edges.add(top, x0, y_top, x1, y_top)
        if not cell.open_bottom:
            edges.add(bottom, x0, y_bottom, x1, y_bottom)
        edges.add(left, x0, y_top, x0, y_bottom)
        edges.add(right, x1, y_top, x1, y_bottom)
        if not cell.lines:
            return
        face = self.face(plan, style)
        font = self.font(face)
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
        half_leading = (style.leading - (face.ascent + face.descent) * size) / 2
        baseline = first_top - half_leading - face.ascent * size
        align = cell.align or style.align
        parts = [f"BT /{font.resource} {_n(size)} Tf {_rgb(style.color)} rg"]
        for line in cell.lines:
            if line:
                if align == "left":
                    x = x0 + style.pad_h
                else:
                    width = face.width(line, size)
                    x = x1 - style.pad_h - width if align == "right" else (x0 + x1 - width) / 2
                parts.append(f"1 0 0 1 {_n(x)} {_n(baseline)} Tm <{font.encode(line)}> Tj")
            baseline -= style.leading
        parts.append("ET")
        texts.append(" ".join(parts))

    def _header_footer(
        self, plan: DocumentPlan | Drawn, spec: HeaderFooterPlan, number: int, total: int, top: bool
    ) -> list[str]:
        style = plan.styles[spec.style]
        face = self.face(plan, style)
        font = self.font(face)
        setup = plan.page
        size = spec.size
        if top:
            baseline = setup.height - setup.header - face.ascent * size
        else:
            baseline = setup.footer + face.descent * size
        ops: list[str] = []
        for slot in ("left", "center", "right"):
            text = getattr(spec, slot).replace("{page}", str(number)).replace("{pages}", str(total))
            if not text:
                continue
            width = face.width(text, size)
            if slot == "left":
                x = setup.left
            elif slot == "right":
                x = setup.width - setup.right - width
            else:
                x = (setup.width - width) / 2
            ops.append(
                f"BT /{font.resource} {_n(size)} Tf {_rgb(style.color)} rg "
                f"1 0 0 1 {_n(x)} {_n(baseline)} Tm <{font.encode(text)}> Tj ET"
            )
        return ops

    def save(self) -> bytes:
        self.canvas.showOutline()
        self.canvas.save()
        return self.buffer.getvalue()


def _draw(plan: DocumentPlan) -> tuple[PdfRenderer, Drawn]:
    renderer = PdfRenderer(plan.title, plan.author, plan.subject, plan.keywords, plan.language)
    return renderer, renderer.document(plan, 1, plan.pages)


def draw_pdf(plan: DocumentPlan) -> Drawn:
    """One record's pages as drawn, for the year's book, without writing its own PDF."""
    return _draw(plan)[1]


def render_pdf(plan: DocumentPlan) -> tuple[bytes, Drawn]:
    """The PDF of one record's plan, and its pages as drawn (for the year's book)."""
    renderer, drawn = _draw(plan)
    return renderer.save(), drawn


def resource_name(face: FontFace) -> str:
    """The PDF resource name of a face: the same in every PDF, so drawn pages can move between
    them, and derived from the font itself, so a project in another folder gives the same bytes."""
    return "F" + face.digest[:10]
