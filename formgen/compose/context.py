"""Looking up record fields named in a layout: paths, templates and their data locations.

A layout names fields as dotted paths (``baseline.value``) and templates
(``政策分野{area.number} {area.name}``). They are looked up in a chain of
scopes, innermost first: the year of a year column (the item's entry for that
year, then the year itself), the table item, the record, and last the
project's ``texts`` and ``words``. Each scope knows where its object is in the
data file, so a problem with a value (a character the font lacks) can name the
data file's line.

Only the names of :mod:`formgen.records.members` are reachable (fields and
properties, never methods or names starting with ``_``), and a field named
``measure`` holding a number leads on to that measure (``measure.name``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..config.model import Words
from ..eras import FiscalYear
from ..errors import Place
from ..layout.model import DEFERRED, PLACEHOLDER, padded, placeholder_parts
from ..records.members import class_members
from ..records.model import PolicyArea, WithYears
from ..yamlsource import Loc, Source, format_loc

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


class Missing:
    """The value of a path that leads through an empty field."""

    def __repr__(self) -> str:
        return "Missing"


MISSING = Missing()


class Root(Protocol):
    """What a layout is laid out over: an area's record, or the book's contents."""

    @property
    def fiscal_year(self) -> FiscalYear: ...


def _measure_link(root: Root, value: Any) -> Any:
    if isinstance(root, PolicyArea) and isinstance(value, int) and not isinstance(value, bool):
        return root.measure(value)
    return value


LINKS: dict[str, Callable[[Root, Any], Any]] = {"measure": _measure_link}
"""fields holding a number that names another part of the record"""


@dataclass(frozen=True)
class YearColumn:
    """What a year column names besides the item's entry: the year, what its figures are, and
    the entry of the year before (for a 前年度比)."""

    year: FiscalYear
    year_kind: str
    """決算, 予算, 見込み or 計画"""
    _item: Any = None

    @property
    def previous(self) -> Any:
        """The item's entry of the year before (only items with figures per year have one)."""
        return self._item.year_entry(self.year - 1) if self._item is not None else None


class Items(list[Any]):
    """The items a total row adds up (a group's or the whole table's), with where each is in the
    data file, so that a figure a total leaves out can be named."""

    def __init__(self, items: list[Any], locs: list[Loc | None]):
        super().__init__(items)
        self.locs = locs


@dataclass(frozen=True)
class Scope:
    obj: Any
    loc: Loc | None
    """where ``obj`` is in the data file, if it comes from there"""


@dataclass(frozen=True)
class Lookup:
    value: Any
    loc: Loc | None
    owner: Any = None
    """the object the value was read from (a year's entry, an item, the record)"""


class UnknownField(Exception):
    def __init__(self, path: str, available: list[str], why: str = ""):
        self.path = path
        self.available = available
        self.why = why
        super().__init__(path)


def public_names(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return sorted(str(k) for k in obj)
    return sorted(class_members(type(obj)))


def _get(obj: Any, name: str) -> Any:
    """``obj.name`` if it is a public field or property; raise KeyError otherwise."""
    if not _NAME.match(name):
        raise KeyError(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        raise KeyError(name)
    if name not in class_members(type(obj)):
        raise KeyError(name)
    return getattr(obj, name)


def placeholders(template: str) -> list[str]:
    """The field paths a template prints, e.g. ``['area.number', 'area.name']``."""
    return [placeholder_parts(m.group(1))[0] for m in PLACEHOLDER.finditer(template) if m.group(1) is not None]


def project_scope(texts: dict[str, str], words: Words) -> dict[str, Any]:
    """What every layout can name besides the record: the project's texts and words."""
    return {"texts": texts, "words": words}


@dataclass(frozen=True)
class Context:
    record: Root
    scopes: tuple[Scope, ...]
    """innermost first"""
    words: Words = Words()
    year: FiscalYear | None = None
    """the year of the year column being filled, if any"""
    source: Source | None = None
    """the YAML the record was read from, to name lines in messages (none for the book's contents)"""

    @classmethod
    def of(
        cls,
        record: Root,
        texts: dict[str, str] | None = None,
        words: Words | None = None,
        source: Source | None = None,
    ) -> Context:
        words = words or Words()
        outermost = Scope(project_scope(texts or {}, words), None)
        return cls(record, (Scope(record, ()), outermost), words, None, source)

    def child(self, obj: Any, loc: Loc | None) -> Context:
        return replace(self, scopes=(Scope(obj, loc),) + self.scopes)

    def at_year(self, year: FiscalYear) -> Context:
        """The scopes of a year column: the year itself, and the item's entry for the year when
        the innermost item has figures per year (KPIs, projects, outcome evidence)."""
        item, loc = self.scopes[0].obj, self.scopes[0].loc
        with_years = isinstance(item, WithYears)
        ctx = self.child(YearColumn(year, self.year_kind(year), item if with_years else None), None)
        if with_years:
            ctx = ctx.child(item.year_entry(year), self.year_loc(loc, year))
        return replace(ctx, year=year)

    def year_kind(self, year: FiscalYear) -> str:
        """決算, 予算, 見込み or 計画: what a year's figures are, seen from the sheet's year."""
        return self.words.year_kind(year, getattr(self.record, "fiscal_year", year))

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
            name, owner = first, scope.obj
            for part in rest:
                if value is None or value is MISSING:
                    return Lookup(MISSING, loc)
                link = LINKS.get(name)
                if link is not None:
                    value, loc = link(self.record, value), None
                try:
                    owner, value = value, _get(value, part)
                except KeyError:
                    available = public_names(value)
                    if not available:
                        raise UnknownField(path, [], f"'{name}' is a single value, not a group of fields") from None
                    raise UnknownField(path, available) from None
                loc = None if loc is None else loc + (part,)
                name = part
            return Lookup(value, loc, owner)
        available = sorted({n for s in self.scopes if s.obj is not None for n in public_names(s.obj)})
        raise UnknownField(path, available)

    def year_loc(self, item_loc: Loc | None, year: FiscalYear) -> Loc | None:
        """Where an item's entry for ``year`` is, with its key as the file writes it (R9, 令和9年度)."""
        if item_loc is None:
            return None
        source = self.source
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
        source = self.source
        if source is None:
            return Place("(record)", None, format_loc(loc))
        return source.place(loc)

    def fill(self, template: str, *, missing: str = "") -> tuple[str, bool]:
        """Fill ``{path}`` placeholders; returns (text, whether any value was missing)."""
        was_missing = False

        def fill(match: re.Match[str]) -> str:
            nonlocal was_missing
            token = match.group(0)
            if token in ("{{", "}}"):
                return token[0]
            path, pad = placeholder_parts(match.group(1))
            if path in DEFERRED:
                return token
            value = self.lookup(path).value
            if value is None or value is MISSING or value == "":
                was_missing = True
                return missing
            return padded(display(value), pad)

        return PLACEHOLDER.sub(fill, template), was_missing


def display(value: Any) -> str:
    """How a value reads inside a template."""
    if isinstance(value, FiscalYear):
        return value.short
    if isinstance(value, bool):
        return "◎" if value else ""
    return str(value)
