"""The open data's CSV encoding: RFC 4180 (comma, double quotes, CRLF line ends), UTF-8 with a BOM.

The BOM is for Excel on Japanese Windows: opening a CSV file by double-click, it reads a file
without one as Shift_JIS and shows UTF-8 Japanese as mojibake; with one it reads UTF-8. Tools
that read UTF-8 skip it (pandas, LibreOffice, frictionless; Python's csv module with
``encoding="utf-8-sig"``), so it costs them nothing.
"""

from __future__ import annotations

import csv
import io

ENCODING = "utf-8"
BOM = "\ufeff".encode()
LINE_END = "\r\n"


def lines(rows: list[list[str]]) -> bytes:
    """Rows as CSV lines (quoted only where a cell holds a comma, a quote or a line break)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue().encode(ENCODING)


def header(names: list[str]) -> bytes:
    """A file's first bytes: the BOM, then the header row."""
    return BOM + lines([names])


DIALECT = {"delimiter": ",", "doubleQuote": True, "header": True, "lineTerminator": LINE_END, "quoteChar": '"'}
"""the CSV dialect as a data package describes it"""
