"""PDF writer (stage 5 of the pipeline): the plan drawn with embedded subset fonts."""

from .writer import DrawnPages, PdfRenderer, draw_pages, write_pdf

__all__ = ["DrawnPages", "PdfRenderer", "draw_pages", "write_pdf"]
