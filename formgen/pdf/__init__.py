"""PDF writer (stage 5 of the pipeline): the plan drawn with embedded subset fonts."""

from .writer import Drawn, PdfRenderer, draw_pdf, render_pdf

__all__ = ["Drawn", "PdfRenderer", "draw_pdf", "render_pdf"]
