"""What a layout can name on a record's objects, and the type of each name.

A layout reaches a record through dotted paths (``finance.cost``,
``measure.label``). The reachable names of an object are its fields, its
properties and, for dataclasses, their fields: never methods or names
starting with ``_``. The same table serves the lookups while composing and the
check of every path of a layout against the record model before anything is
composed, so both agree on what exists.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..eras import FiscalYear
from .narrative import Bullet, Dated, Heading, Item
from .values import Choice, JapaneseDate, Percent

PLAIN: tuple[type, ...] = (str, int, Decimal, bool)
"""values with nothing to name inside"""
SCALARS: tuple[type, ...] = (*PLAIN, FiscalYear, Percent, Choice, JapaneseDate)
"""types whose value prints as one text or figure (the last four with parts to name: {year.long})"""
NUMBERS: tuple[type, ...] = (int, Decimal, Percent)
NARRATIVE_PARTS: tuple[type, ...] = (str, Bullet, Dated, Heading, Item)


def alternatives(tp: Any) -> list[Any]:
    """The types a value of ``tp`` may have, None left out (Optional, unions, Annotated unwrapped)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return alternatives(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(tp) for t in alternatives(arg)]
    if origin is typing.Literal:
        return list(dict.fromkeys(type(value) for value in typing.get_args(tp)))
    return [] if tp is type(None) else [tp]


def _is(tp: Any, kinds: tuple[type, ...]) -> bool:
    found = alternatives(tp)
    return bool(found) and all(
        isinstance(t, type) and issubclass(t, kinds) and not (t is bool and bool not in kinds) for t in found
    )


def is_scalar(tp: Any) -> bool:
    return _is(tp, SCALARS)


def is_number(tp: Any) -> bool:
    """A figure (not true/false)."""
    return _is(tp, NUMBERS)


def is_percent(tp: Any) -> bool:
    """A percentage (an achievement rate), which only another percentage may be added to."""
    return _is(tp, (Percent,))


def list_item(tp: Any) -> Any | None:
    """The item type of a list type, else None."""
    for t in alternatives(tp):
        if typing.get_origin(t) is list:
            return typing.get_args(t)[0]
    return None


def is_printable(tp: Any) -> bool:
    """A value a cell can print: a scalar, a narrative, or a list of texts (one paragraph each)."""
    if is_scalar(tp):
        return True
    item = list_item(tp)
    return item is not None and _is(item, NARRATIVE_PARTS)


def members(tp: Any) -> dict[str, Any]:
    """The names reachable on a value of ``tp``, with their types; {} for a scalar or a list."""
    found: dict[str, Any] = {}
    for t in alternatives(tp):
        if isinstance(t, type) and not issubclass(t, PLAIN) and typing.get_origin(t) is None:
            found.update(class_members(t))
    return found


_MEMBERS: dict[type, dict[str, Any]] = {}


def class_members(cls: type) -> dict[str, Any]:
    """Fields, properties and dataclass fields of ``cls``, by name (worked out once per class)."""
    found = _MEMBERS.get(cls)
    if found is None:
        found = _MEMBERS[cls] = _class_members(cls)
    return found


def _class_members(cls: type) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if issubclass(cls, BaseModel):
        found.update({name: info.annotation for name, info in cls.model_fields.items()})
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        found.update({f.name: hints.get(f.name, Any) for f in dataclasses.fields(cls)})
    for name in dir(cls):
        attribute = getattr(cls, name, None)
        if isinstance(attribute, property) and attribute.fget is not None:
            try:
                found[name] = typing.get_type_hints(attribute.fget).get("return", Any)
            except (NameError, TypeError):
                found[name] = Any
    return {n: t for n, t in found.items() if not n.startswith(("_", "model_"))}


def year_entry_type(tp: Any) -> Any | None:
    """The type of one year's entry of an item with figures per year (``years: {R7: …}``), else None."""
    for t in alternatives(tp):
        if isinstance(t, type) and issubclass(t, BaseModel) and hasattr(t, "year_model"):
            return t.year_model()
    return None


def is_prose(owner: Any, name: str) -> bool:
    """Whether the text field ``name`` of ``owner`` holds prose (a Text or a narrative) rather than a
    one-line value such as a name (a Line): prose is read as paragraphs."""
    fields = getattr(type(owner), "model_fields", {})
    field = fields.get(name)
    if field is None:
        return False
    return not any(getattr(getattr(m, "func", None), "__name__", "") == "line" for m in field.metadata)
