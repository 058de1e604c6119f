"""PDF writer (stage 5 of the pipeline): the plan drawn with embedded subset fonts."""

from .writer import PdfRenderer, write_pdf

__all__ = ["PdfRenderer", "write_pdf"]
