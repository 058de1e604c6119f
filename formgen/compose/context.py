"""Looking up record fields named in a layout: paths, templates and their data locations.

A layout names fields as dotted paths (``finance.budget.cost``) and templates
(``政策分野{area.number} {area.name}``). They are looked up in a chain of
scopes, innermost first: the year of a year column, the table item, the
record. Each scope knows where its object is in the data file, so a problem
with a value (a character the font lacks) can name the data file's line.

Only public attributes are reachable (no names starting with ``_``), methods
are refused, and a field named ``measure`` holding a number leads on to that
measure (``measure.name``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..eras import FiscalYear
from ..errors import Place
from ..layout.model import PLACEHOLDER
from ..records.model import Percent, PolicyArea
from ..yamlsource import Loc, format_loc

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
DEFERRED = {"page", "pages"}
"""placeholders filled by the writers (page numbers)"""


class Missing:
    """The value of a path that leads through an empty field."""

    def __repr__(self) -> str:
        return "Missing"


MISSING = Missing()


def _measure_link(record: PolicyArea, value: Any) -> Any:
    return record.measure(value) if isinstance(value, int) and not isinstance(value, bool) else value


LINKS: dict[str, Callable[[PolicyArea, Any], Any]] = {"measure": _measure_link}
"""fields holding a number that names another part of the record"""


@dataclass(frozen=True)
class Scope:
    obj: Any
    loc: Loc | None
    """where ``obj`` is in the data file, if it comes from there"""


@dataclass(frozen=True)
class Lookup:
    value: Any
    loc: Loc | None


class UnknownField(Exception):
    def __init__(self, path: str, available: list[str], why: str = ""):
        self.path = path
        self.available = available
        self.why = why
        super().__init__(path)


def public_names(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return sorted(str(k) for k in obj)
    return _type_names(type(obj))


@lru_cache(maxsize=256)
def _type_names(cls: type) -> list[str]:
    names = set(getattr(cls, "model_fields", {}))
    names |= {n for n in dir(cls) if not n.startswith("_") and isinstance(getattr(cls, n, None), property)}
    names |= set(getattr(cls, "__dataclass_fields__", {}))
    return sorted(n for n in names if not n.startswith(("_", "model_")))


@lru_cache(maxsize=256)
def _type_name_set(cls: type) -> frozenset[str]:
    return frozenset(_type_names(cls))


def _get(obj: Any, name: str) -> Any:
    """``obj.name`` if it is a public field or property; raise KeyError otherwise."""
    if not _NAME.match(name):
        raise KeyError(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        raise KeyError(name)
    if name not in _type_name_set(type(obj)):
        raise KeyError(name)
    return getattr(obj, name)


def placeholders(template: str) -> list[str]:
    """The field paths a template prints, e.g. ``['area.number', 'area.name']``."""
    return [m.group(1).strip() for m in PLACEHOLDER.finditer(template) if m.group(1) is not None]


@dataclass(frozen=True)
class Context:
    record: PolicyArea
    scopes: tuple[Scope, ...]
    """innermost first"""

    @classmethod
    def of(cls, record: PolicyArea) -> Context:
        return cls(record, (Scope(record, ()),))

    def child(self, obj: Any, loc: Loc | None) -> Context:
        return Context(self.record, (Scope(obj, loc),) + self.scopes)

    def lookup(self, path: str) -> Lookup:
        """The value at ``path`` and its data location; raise UnknownField if no scope has it."""
        first, *rest = path.split(".")
        for scope in self.scopes:
            if scope.obj is None:
                continue
            try:
                value = _get(scope.obj, first)
            except KeyError:
                continue
            loc = None if scope.loc is None else scope.loc + (first,)
            name = first
            for part in rest:
                if value is None or value is MISSING:
                    return Lookup(MISSING, loc)
                link = LINKS.get(name)
                if link is not None:
                    value, loc = link(self.record, value), None
                try:
                    value = _get(value, part)
                except KeyError:
                    available = public_names(value)
                    if not available:
                        raise UnknownField(path, [], f"'{name}' is a single value, not a group of fields") from None
                    raise UnknownField(path, available) from None
                loc = None if loc is None else loc + (part,)
                name = part
            return Lookup(value, loc)
        available = sorted({n for s in self.scopes if s.obj is not None for n in public_names(s.obj)})
        raise UnknownField(path, available)

    def year_loc(self, item_loc: Loc | None, year: FiscalYear) -> Loc | None:
        """Where an item's entry for ``year`` is, with its key as the file writes it (R9, 令和9年度)."""
        if item_loc is None:
            return None
        source = self.record._source
        node = source.data if source is not None else None
        for part in item_loc + ("years",):
            if isinstance(node, dict):
                node = node.get(part)
            else:
                node = node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        for key in node if isinstance(node, dict) else ():
            if FiscalYear.try_parse(key) == year:
                return item_loc + ("years", key)
        return item_loc + ("years", year.short)

    def place_of(self, loc: Loc) -> Place:
        """The data file's line for a location in the record."""
        source = self.record._source
        if source is None:
            return Place("(record)", None, format_loc(loc))
        return source.place(loc)

    def render(self, template: str, *, missing: str = "") -> tuple[str, bool]:
        """Fill ``{path}`` placeholders; returns (text, whether any value was missing)."""
        was_missing = False

        def fill(match: re.Match[str]) -> str:
            nonlocal was_missing
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            path = match.group(1).strip()
            if path in DEFERRED:
                return token
            value = self.lookup(path).value
            if value is None or value is MISSING or value == "":
                was_missing = True
                return missing
            return display(value)

        return PLACEHOLDER.sub(fill, template), was_missing


def display(value: Any) -> str:
    """How a value reads inside a template."""
    if isinstance(value, FiscalYear):
        return value.short
    if isinstance(value, Percent):
        return str(value)
    if isinstance(value, bool):
        return "◎" if value else ""
    return str(value)
