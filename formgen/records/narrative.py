"""Narrative text as the form writes it: numbered items, paragraphs, bullets, history.

The sheet's long texts are not free prose: they are sequences of numbered items
(【1】 title) holding paragraphs, ○ sub-headings, ・ bullet lines and dated
history lines (・令和5年度：…). Keeping that structure in the data lets the
layout indent bullets and number items, so the clerk never types 【3】 by hand
and never renumbers after deleting an item.

In YAML a narrative is a list whose entries are:

* a string — a paragraph,
* ``{bullet: text}`` — a ・ bullet line,
* ``{date: 令和5年度, text: …}`` — a dated history line,
* ``{heading: text}`` — a ○ sub-heading,
* ``{title: text, body: [entries]}`` — a numbered item 【n】.

A single string is accepted as a one-paragraph narrative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, GetJsonSchemaHandler, Tag

from .types import Flag, Line, Text


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bullet(_Entry):
    """・ bullet line"""

    bullet: Text


class Dated(_Entry):
    """A history line: 「・令和5年度：…」."""

    date: Line
    text: Text
    bullet: Flag = True


class Heading(_Entry):
    """○ sub-heading inside an item."""

    heading: Line


def _entry_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "paragraph"
    if isinstance(value, dict):
        # "date" before "bullet": a dated line may carry bullet: false
        for key, tag in (("title", "item"), ("date", "dated"), ("bullet", "bullet"), ("heading", "heading")):
            if key in value:
                return tag
        return "unknown"
    if isinstance(value, BaseModel):
        return {Item: "item", Bullet: "bullet", Dated: "dated", Heading: "heading"}.get(type(value))
    return None


_ENTRY_HELP = "a paragraph (text), {bullet: …}, {date: …, text: …} or {heading: …}"
_NARRATIVE_HELP = _ENTRY_HELP + " or a numbered item {title: …, body: […]}"


def _kind_or_fail(help_text: str) -> Any:
    def kind(value: Any) -> str | None:
        tag = _entry_kind(value)
        return None if tag in (None, "unknown") else tag

    return Discriminator(
        kind,
        custom_error_type="narrative_entry",
        custom_error_message=f"each entry must be {help_text}",
        custom_error_context={},
    )


Entry = Annotated[
    Annotated[Text, Tag("paragraph")]
    | Annotated[Bullet, Tag("bullet")]
    | Annotated[Dated, Tag("dated")]
    | Annotated[Heading, Tag("heading")],
    _kind_or_fail(_ENTRY_HELP),
]


class Item(_Entry):
    """A numbered item 【n】 with a title and a body; the number comes from its position."""

    title: Line
    body: list[Entry] = []


NarrativeEntry = Annotated[
    Annotated[Text, Tag("paragraph")]
    | Annotated[Bullet, Tag("bullet")]
    | Annotated[Dated, Tag("dated")]
    | Annotated[Heading, Tag("heading")]
    | Annotated[Item, Tag("item")],
    _kind_or_fail(_NARRATIVE_HELP),
]


def _single_paragraph(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _OrText:
    """JSON Schema: a narrative may also be written as one string."""

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, handler(schema)]}


Narrative = Annotated[list[NarrativeEntry], BeforeValidator(_single_paragraph), _OrText]


KEPT_WITH_NEXT = ("title", "heading", "dated")
"""kinds of paragraph a page should not end right after: 【n】 titles, ○ headings, dated lines"""


@dataclass(frozen=True)
class Paragraph:
    """One printable paragraph: ``first`` starts it, ``hang`` prefixes its continuation lines."""

    text: str
    first: str = ""
    hang: str = ""
    kind: str = "text"
    """text, title (【n】), heading (○), dated (・令和5年度：…), bullet (・…), or more (a further
    line of the bullet or dated line before it)"""

    @property
    def listed(self) -> bool:
        """An entry of a list: a bullet or a dated line with its mark."""
        return self.kind in ("bullet", "dated") and bool(self.first.strip())


def paragraphs(narrative: list[Any] | str | None) -> list[Paragraph]:
    """Flatten a narrative into printable paragraphs, numbering items 【1】【2】…

    Explicit line breaks inside a text become separate paragraphs with the
    same indentation, so a clerk's manual breaks are kept.
    """
    if narrative is None:
        return []
    if isinstance(narrative, str):
        narrative = [narrative]
    out: list[Paragraph] = []
    number = 0
    for entry in narrative:
        if isinstance(entry, Item):
            number += 1
            out.append(Paragraph(entry.title, first=f"【{number}】", kind="title"))
            out.extend(_entry_paragraphs(entry.body))
        else:
            out.extend(_entry_paragraphs([entry]))
    return out


def _entry_paragraphs(entries: list[Any]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for entry in entries:
        if isinstance(entry, str):
            out.extend(Paragraph(part) for part in entry.split("\n"))
        elif isinstance(entry, Bullet):
            out.extend(_hanging("・", entry.bullet, "bullet"))
        elif isinstance(entry, Dated):
            mark = "・" if entry.bullet else ""
            out.extend(_hanging(mark, f"{entry.date}：{entry.text}", "dated"))
        elif isinstance(entry, Heading):
            out.append(Paragraph(entry.heading, first="○", kind="heading"))
        else:  # pragma: no cover - the model admits nothing else
            raise TypeError(f"unexpected narrative entry {entry!r}")
    return out


def _hanging(mark: str, text: str, kind: str) -> list[Paragraph]:
    hang = "\u3000" if mark else ""
    parts = text.split("\n")
    # a dated line the clerk broke over several lines is an ordinary ・ item (it keeps with nothing)
    first = Paragraph(parts[0], first=mark, hang=hang, kind=kind if kind != "dated" or len(parts) == 1 else "bullet")
    return [first] + [Paragraph(p, first=hang, hang=hang, kind="more") for p in parts[1:]]


def plain_text(narrative: list[Any] | str | None) -> str:
    """The narrative as it reads on paper, one paragraph per line (for tests and search)."""
    return "\n".join(p.first + p.text for p in paragraphs(narrative))
