"""SpreadsheetML's small syntax: escaping, column letters, cell references."""

from __future__ import annotations

import re
from functools import cache

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
"""the namespace of relationship types and of r:id attributes"""
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384

_ATTRIBUTE = str.maketrans({"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\n": "&#xA;"})
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")


def attribute(value: str) -> str:
    """``value`` inside double quotes."""
    return value.translate(_ATTRIBUTE)


def text(value: str) -> str:
    """``value`` as element content, as Excel reads it back: control characters as _xHHHH_ (XML
    cannot hold them) and a literal _xHHHH_ escaped so that it reads as itself, then &, < and >
    as entities (cell texts, headers, properties, chart labels alike)."""
    if "_x" in value:
        value = _ESCAPE_LIKE.sub(r"_x005F\1", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.translate(_TEXT)


@cache
def column(index: int) -> str:
    """Column letters of a zero-based index: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cell(row: int, col: int) -> str:
    """A1-style reference of zero-based (row, col)."""
    return f"{column(col)}{row + 1}"


def absolute(row: int, col: int) -> str:
    """$A$1-style reference of zero-based (row, col)."""
    return f"${column(col)}${row + 1}"
