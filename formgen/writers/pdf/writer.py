"""PDF writer (stage 5 of the pipeline): the plan drawn as a tagged, archival PDF.

Every page is drawn once (:mod:`formgen.writers.pdf.page`) with its content marked for
the structure tree (:mod:`formgen.writers.pdf.structure`); a document's pages and tree
become a part (:mod:`formgen.writers.pdf.part`), objects that any PDF can hold, and
its PDF is written as a PDF of that one part (:mod:`formgen.writers.pdf.merge`):
PDF/A-2a and PDF/UA-1, deterministic bytes (dates from SOURCE_DATE_EPOCH). The
year's book holds the same parts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...fonts import FontFace, read_face
from ...plan import CellStyle, DocumentPlan, FontPlan, HeaderFooterPlan, PageSetup, filled
from ...publish import document_time
from .archive import DocumentInfo
from .embed import EmbeddedFont
from .merge import PartsWriter
from .page import PageBody, PageDrawer, artifact, rgb
from .part import PartBuilder, PdfPart
from .structure import Node, SheetTagger
from .syntax import num


@dataclass
class DrawnPages:
    """A document's pages as drawn, its structure, and what is needed to number and embed them elsewhere."""

    page: PageSetup
    header: HeaderFooterPlan
    footer: HeaderFooterPlan
    styles: dict[str, CellStyle]
    fonts: dict[str, FontPlan]
    pages: list[PageBody] = field(default_factory=list)
    structure: Node = field(default_factory=lambda: Node("Part"))
    """a Sect per sheet, their content pointing into ``pages``"""
    glyphs: dict[str, str] = field(default_factory=dict)
    """font file → the characters the pages draw with it"""
    part: PdfPart = field(default_factory=PdfPart)
    """the pages and structure as objects a PDF holds: the document's own, or the book"""

    def for_book(self) -> DrawnPages:
        """What the book needs: the part, and the pages' bookmarks and pictures, not their
        drawing or structure tree (the part holds those); small enough to cross processes."""
        pages = [PageBody(marks=body.marks, images=body.images) for body in self.pages]
        return replace(self, pages=pages, structure=Node("Part"))


class PdfRenderer:
    """Draws one or more plans into one PDF (a single area, or the year's book)."""

    def __init__(self, title: str, author: str, subject: str, keywords: list[str], language: str):
        self.info = DocumentInfo(title, author, subject, keywords, language, document_time())
        self.fonts: dict[str, EmbeddedFont] = {}
        self._faces: dict[str, FontFace] = {}

    # ----- fonts

    def font(self, face: FontFace) -> EmbeddedFont:
        key = resource_name(face)  # one font however many files or styles name the same bytes
        embedded = self.fonts.get(key)
        if embedded is None:
            embedded = self.fonts[key] = EmbeddedFont(face, key)
        return embedded

    def face(self, plan: DocumentPlan | DrawnPages, style: CellStyle) -> FontFace:
        spec = plan.fonts[style.font]
        return self._face_at(spec.bold if style.bold and spec.bold else spec.regular)

    def _face_at(self, path: str) -> FontFace:
        """The face of a font file, read once per renderer (read_face resolves and stats the file
        on every call, to notice a changed font)."""
        face = self._faces.get(path)
        if face is None:
            face = self._faces[path] = read_face(Path(path))
        return face

    # ----- documents

    def document(self, plan: DocumentPlan, links: dict[int, int] | None = None) -> DrawnPages:
        """Draw every page of ``plan`` and make them a part. ``links``: item of the contents
        table → its page (the book's contents)."""
        drawn = DrawnPages(plan.page, plan.header, plan.footer, plan.styles, plan.fonts)
        for sheet in plan.sheets:
            tagger = SheetTagger(sheet, drawn.structure)
            drawer = PageDrawer(plan, sheet, tagger, lambda s: self.face(plan, s), self.font, links)
            drawn.pages.extend(drawer.page(page) for page in range(sheet.pages))
        drawn.part = PartBuilder().build(drawn.pages, plan.page.width, plan.page.height, drawn.structure)
        drawn.glyphs = {str(f.face.path): "".join(sorted(set(f.unicode_of.values()))) for f in self.fonts.values()}
        return drawn

    def register(self, glyphs: dict[str, str]) -> None:
        """Characters drawn elsewhere with these fonts (font file → characters): embedded too (a
        book registers every output's: 600 and more in a year with project sheets)."""
        for path, chars in glyphs.items():
            self.font(self._face_at(path)).encode(chars)

    def running(self, drawn: DrawnPages, top: bool, number: int = 0, total: int = 0) -> str:
        """The running header (``top``) or footer of page ``number`` of ``total``, as the operators
        of a content stream that follows the page's body."""
        return "\n" + self._header_footer(drawn, drawn.header if top else drawn.footer, number, total, top)

    @staticmethod
    def paged(drawn: DrawnPages, top: bool) -> bool:
        """Whether the running header (``top``) or footer shows the page's number (or the count)."""
        return (drawn.header if top else drawn.footer).paged

    def _header_footer(self, plan: DrawnPages, spec: HeaderFooterPlan, number: int, total: int, top: bool) -> str:
        """The running header or footer, an artifact (pagination) the structure leaves out."""
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
            text = filled(getattr(spec, slot), str(number), str(total))
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
                f"BT /{font.resource} {num(size)} Tf {rgb(style.color)} rg "
                f"1 0 0 1 {num(x)} {num(baseline)} Tm {font.encode(text)} Tj ET"
            )
        kind = "Header" if top else "Footer"
        return artifact(ops, f"<</Type /Pagination /Subtype /{kind}>>")


def _draw(plan: DocumentPlan) -> tuple[PdfRenderer, DrawnPages]:
    renderer = PdfRenderer(plan.title, plan.author, plan.subject, plan.keywords, plan.language)
    return renderer, renderer.document(plan)


def draw_pages(plan: DocumentPlan) -> DrawnPages:
    """What the year's book needs of one record's PDF, without writing the PDF."""
    return _draw(plan)[1].for_book()


def write_pdf(plan: DocumentPlan) -> tuple[bytes, DrawnPages]:
    """The PDF of one record's plan (a PDF of one part), and what the year's book needs of it."""
    renderer, drawn = _draw(plan)
    out = io.BytesIO()
    writer = PartsWriter(out, renderer)
    writer.add(drawn, [], 0)
    writer.finish(renderer.info)
    return out.getvalue(), drawn.for_book()


def resource_name(face: FontFace) -> str:
    """The PDF resource name of a face: the same in every PDF, so drawn pages can move between
    them, and derived from the font itself, so a project in another folder gives the same bytes."""
    return "F" + face.digest[:10]
