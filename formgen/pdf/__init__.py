"""PDF writer (stage 5 of the pipeline): the plan drawn with embedded subset fonts."""

from .writer import Drawn, PdfRenderer, render_pdf, write_pdf

__all__ = ["Drawn", "PdfRenderer", "render_pdf", "write_pdf"]
