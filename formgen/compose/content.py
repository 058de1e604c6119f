"""What a layout cell holds for one record: paragraphs of text or a formatted number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..eras import FiscalYear
from ..errors import Issue, LayoutError, Place, shown
from ..layout.model import CellSpec
from ..numfmt import default_format, format_number, percent_format
from ..records.members import is_prose
from ..records.model import YearEntry
from ..records.narrative import Paragraph, paragraphs
from ..records.values import Choice, JapaneseDate, Percent
from .compute import Figure
from .context import MISSING, Context, UnknownField, public_names


@dataclass
class TextContent:
    paragraphs: list[Paragraph]
    place: Place
    """where the text comes from, for messages"""
    prose: bool = False
    """sentences (a Text field, a narrative), read as paragraphs; otherwise a value or a label"""
    note: Issue | None = None
    """what the build says about the value printed (a rate over a target of 0)"""


@dataclass
class NumberContent:
    value: int | Decimal
    number_format: str
    text: str
    place: Place
    key: tuple[int, str] | None = None
    """the figure's source (id of the object read, field name): a chart finds the cell by it"""
    format_place: Place | None = None
    """the layout's cell whose number format (or style's) it is printed with, when not ``place``"""
    note: Issue | None = None
    """what the build says about the value printed (a rate over a target of 0)"""


Content = TextContent | NumberContent


def text_paragraphs(text: str, bullet: str | None = None) -> list[Paragraph]:
    """Paragraphs of a plain text: one per line, with an optional bullet and hanging indent."""
    if bullet:
        hang = "\u3000" * len(bullet)
        return [Paragraph(part, first=bullet, hang=hang, kind="bullet") for part in text.split("\n")]
    return [Paragraph(part) for part in text.split("\n")]


def unknown_field(place: Place, exc: UnknownField) -> LayoutError:
    if exc.why:
        return LayoutError([place.issue(f"there is no field {shown(exc.path)}: {exc.why}")])
    available = ", ".join(exc.available[:40])
    return LayoutError([place.issue(f"there is no field {shown(exc.path)} here; available: {available}")])


def fill_template(ctx: Context, template: str, place: Place, missing: str | None = None) -> str:
    """A template filled from ``ctx``; an unknown field is a layout error at ``place``.

    With ``missing``, a template naming a field that has no value gives ``missing``
    instead (cells); without, such a field just prints as nothing (headings, notes).
    """
    try:
        text, was_missing = ctx.fill(template)
    except UnknownField as exc:
        raise unknown_field(place, exc) from None
    return missing if was_missing and missing is not None else text


def cell_content(cell: CellSpec, ctx: Context, style_format: str | None, place: Place) -> Content:
    """The content of ``cell`` in context; ``place`` is the cell's place in the layout."""
    template = cell.label if cell.label is not None else cell.text
    if template is not None:
        text = fill_template(ctx, template, place, missing=cell.missing or "")
        return TextContent(text_paragraphs(text, cell.bullet), place)
    if cell.value is None:
        return TextContent([], place)
    try:
        found = ctx.lookup(cell.value)
    except UnknownField as exc:
        raise unknown_field(place, exc) from None
    data_place = ctx.place_of(found.loc) if found.loc is not None else place
    content = value_content(found.value, cell, style_format, data_place, place)
    name = cell.value.rsplit(".", 1)[-1]
    if isinstance(content, NumberContent) and found.owner is not None:
        content.key = (id(found.owner), name)
    elif isinstance(content, TextContent) and isinstance(found.value, str):
        content.prose = is_prose(found.owner, name)
    if isinstance(found.owner, YearEntry):
        said = found.owner.note_on(name)
        content.note = None if said is None else data_place.issue(said)
    return content


def figure_content(figure: Figure, cell: CellSpec, style_format: str | None, place: Place, mark: str) -> Content:
    """A computed figure; one that leaves out missing figures is marked (#,##0"※")."""
    content = value_content(figure.value, cell, style_format, place, place)
    if figure.partial and isinstance(content, NumberContent):
        marked = f'{content.number_format}"{mark}"'
        return NumberContent(content.value, marked, format_number(content.value, marked), place)
    return content


def _blank(value: Any) -> bool:
    """An empty narrative, or a text of spaces only (「　」 typed as a placeholder)."""
    return value == [] or (isinstance(value, str) and not value.strip())


def value_content(value: Any, cell: CellSpec, style_format: str | None, where: Place, layout_place: Place) -> Content:
    if value is None or value is MISSING or (cell.missing is not None and _blank(value)):
        # an empty text or narrative prints the cell's missing text when it gives one (（意見なし）)
        return TextContent(text_paragraphs("-" if cell.missing is None else cell.missing), where)
    if isinstance(value, bool):
        return TextContent(text_paragraphs((cell.mark or "◎") if value else ""), where)
    if isinstance(value, Percent):
        fmt = cell.format or percent_format(value.decimals)
        return NumberContent(value.fraction, fmt, format_number(value.fraction, fmt), where, format_place=layout_place)
    if isinstance(value, (int, Decimal)):
        fmt = cell.format or style_format or default_format(value)
        return NumberContent(value, fmt, format_number(value, fmt), where, format_place=layout_place)
    if isinstance(value, FiscalYear):
        return TextContent(text_paragraphs(value.short), where)
    if isinstance(value, (Choice, JapaneseDate)):
        return TextContent(text_paragraphs(str(value)), where)
    if isinstance(value, str):
        return TextContent(text_paragraphs(value, cell.bullet), where)
    if isinstance(value, list):
        if cell.bullet and all(isinstance(v, str) for v in value):
            return TextContent([p for v in value for p in text_paragraphs(v, cell.bullet)], where, prose=True)
        try:
            return TextContent(paragraphs(value), where, prose=True)
        except TypeError:
            pass
    fields = ", ".join(f"{cell.value}.{n}" for n in public_names(value)[:12])
    raise LayoutError(
        [
            layout_place.issue(
                f"{shown(cell.value)} is a group of fields, not something to print; name one of them: {fields}"
            )
        ]
    )
