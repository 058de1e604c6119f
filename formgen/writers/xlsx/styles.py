"""The workbook's cell formats: each distinct need once, as styles.xml lists them.

A format is the cell style's font, fill and alignment with the borders a grid cell
draws, a number format and the quote prefix. Formats get their indexes in the order
the sheets' XML first uses them, and fonts, fills, borders and number formats are
shared between formats, as Excel (and XlsxWriter) writes them.
"""

from __future__ import annotations

from ...plan import CellStyle, DocumentPlan
from .xml import attribute

DEFAULT_FONT_SIZE = 10.5
"""The workbook's default font size. At 10.5 pt BIZ UD fonts have digits exactly
7 px wide at 96 dpi, so column widths in pixels are whole digits' widths."""
BORDER_NAMES = {"none": "", "thin": "thin", "medium": "medium", "thick": "thick", "double": "double", "hair": "hair"}
"""the plan's border kinds → SpreadsheetML's border styles ("" draws none)"""
VERTICAL = {"top": ' vertical="top"', "middle": ' vertical="center"', "bottom": ""}
"""bottom is the spreadsheet's default: not written"""

Edges = tuple[str, str, str, str]
"""top, right, bottom, left"""
NO_EDGES: Edges = ("none", "none", "none", "none")
Own = tuple[str, float, bool, str, str, "str | None"]
"""a cell style's own properties: font family, size, bold, colour, vertical alignment, fill"""
FormatKey = tuple[Own, str, Edges, "str | None", bool]
"""(the style's own properties, horizontal alignment, edges, number format, quote prefix)"""

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Styles:
    """The formats a workbook uses, numbered as its sheets first use them."""

    def __init__(self, plan: DocumentPlan, default_font: str, default_size: float):
        self.plan = plan
        self.default_font = default_font
        self.default_size = default_size
        self._own: dict[str, Own] = {}
        self.index: dict[FormatKey, int] = {}
        """format → its xf index (0 is the default format, never a cell's)"""

    def key(self, style: CellStyle, align: str, edges: Edges, number_format: str | None, quote: bool) -> FormatKey:
        """What makes a cell's format distinct (two styles alike in every property share one)."""
        own = self._own.get(style.name)
        if own is None:
            family = self.plan.fonts[style.font].family
            own = self._own[style.name] = (family, style.size, style.bold, style.color, style.valign, style.fill)
        return (own, align, edges, number_format, quote)

    def number(self, key: FormatKey) -> int:
        """The xf index of ``key``, given on first use."""
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.index) + 1
        return found

    def xml(self) -> str:
        """styles.xml: number formats, fonts, fills, borders and the formats that combine them."""
        fonts: dict[tuple[bool, float, str, str], int] = {}
        fills: dict[str | None, int] = {None: 0}
        borders: dict[Edges, int] = {NO_EDGES: 0}
        numbers: dict[str, int] = {}
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for key in self.index:
            (family, size, bold, color, valign, fill), align, edges, number_format, quote = key
            font = fonts.setdefault((bold, size, color, family), len(fonts) + 1)
            fill_id = fills.setdefault(fill, len(fills) + 1)
            border = borders.setdefault(edges, len(borders))
            fmt = _number_format_id(number_format, numbers)
            xfs.append(
                f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill_id}" borderId="{border}" xfId="0"'
                + (' quotePrefix="1"' if quote else "")
                + (' applyNumberFormat="1"' if fmt else "")
                + ' applyFont="1"'
                + (' applyFill="1"' if fill_id else "")
                + (' applyBorder="1"' if border else "")
                + f' applyAlignment="1"><alignment horizontal="{align}"{VERTICAL[valign]} wrapText="1"/></xf>'
            )
        return "".join(
            [
                _HEAD,
                '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                _number_formats(numbers),
                f'<fonts count="{len(fonts) + 1}">',
                f'<font><sz val="{self.default_size}"/><color theme="1"/><name val="{attribute(self.default_font)}"/>'
                '<family val="2"/></font>',
                *(_font(*font) for font in fonts),
                "</fonts>",
                f'<fills count="{len(fills) + 1}">',
                '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>',
                *(_fill(fill) for fill in fills if fill is not None),
                "</fills>",
                f'<borders count="{len(borders)}">',
                *(_border(edges) for edges in borders),
                "</borders>",
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
                f'<cellXfs count="{len(xfs)}">',
                *xfs,
                "</cellXfs>",
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
                '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
                'defaultPivotStyle="PivotStyleLight16"/></styleSheet>',
            ]
        )


def _number_format_id(number_format: str | None, numbers: dict[str, int]) -> int:
    """Built-in 0 (General) and 1 ("0"); any other format its own id from 164 on."""
    if number_format is None or number_format == "General":
        return 0
    if number_format == "0":
        return 1
    return numbers.setdefault(number_format, 164 + len(numbers))


def _number_formats(numbers: dict[str, int]) -> str:
    if not numbers:
        return ""
    listed = "".join(f'<numFmt numFmtId="{i}" formatCode="{attribute(code)}"/>' for code, i in numbers.items())
    return f'<numFmts count="{len(numbers)}">{listed}</numFmts>'


def _font(bold: bool, size: float, color: str, family: str) -> str:
    return (
        "<font>" + ("<b/>" if bold else "") + f'<sz val="{size}"/><color rgb="FF{color.upper()}"/>'
        f'<name val="{attribute(family)}"/><family val="2"/></font>'
    )


def _fill(color: str) -> str:
    rgb = "FF" + color.upper()
    return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/><bgColor rgb="{rgb}"/></patternFill></fill>'


def _border(edges: Edges) -> str:
    top, right, bottom, left = (BORDER_NAMES[edge] for edge in edges)
    sides = (("left", left), ("right", right), ("top", top), ("bottom", bottom))
    return "<border>" + "".join(_side(name, kind) for name, kind in sides) + "<diagonal/></border>"


def _side(name: str, kind: str) -> str:
    return f'<{name} style="{kind}"><color auto="1"/></{name}>' if kind else f"<{name}/>"
