"""Check every field a layout names against the record model, before anything is composed.

A layout binds cells to record fields by dotted paths. Composing a record
would find an unknown path only when it reaches it, one per run, and never in
a table over a list that happens to be empty. Instead every path of the layout
is resolved here against the types of the record model — with the project's
declared fields — in the same chain of scopes that composing uses (see
:mod:`formgen.compose.context`): the year of a year column, the item of a
table, the record, the project's texts and words. Every problem is reported
at once, with a hint listing only the names that would work where the path is
used.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..config.model import Words
from ..eras import FiscalYear
from ..errors import closest, did_you_mean, shown
from ..records.members import (
    alternatives,
    is_number,
    is_percent,
    is_printable,
    is_scalar,
    list_item,
    members,
    year_entry_type,
)
from ..records.model import LOGIC_STAGES, LogicModel
from ..yamlsource import Loc
from .model import (
    DEFERRED,
    PLACEHOLDER,
    Aggregate,
    CellSpec,
    FieldsBlock,
    HeadingBlock,
    Layout,
    LogicModelBlock,
    NoteBlock,
    Operation,
    Operations,
    Rows,
    TableBlock,
    TextBlock,
    YearCells,
    pad_problem,
    placeholder_parts,
)
from .rows import expand_rows


class Names(dict[str, Any]):
    """A scope that is a fixed set of names (the year of a year column, the project's texts)."""


def names_of(scope: Any) -> dict[str, Any]:
    return scope if isinstance(scope, Names) else members(scope)


class Unbound(Exception):
    """A path that names nothing usable where it is used; the message says why."""


USES = {
    "value": ("something to print", is_printable),
    "template": ("a single value", is_scalar),
    "items": ("a list", lambda t: list_item(t) is not None),
    "figure": ("a figure (a number or a percentage)", is_number),
    "key": ("a single value", lambda t: list_item(t) is None),
}
"""how a path is used → (what it must name, the test)"""

MOVED = {
    "finance": "since formgen 0.2 a project's figures are given per fiscal year (years: {R7: {cost: …}}); "
    "print them in year columns, e.g. {years: [0, 1], cells: [{value: cost}]}",
}
"""fields of earlier versions of formgen, and what a layout says instead"""


@dataclass
class Binding:
    """What a layout is laid out over: the record's type, and the project's texts and words."""

    root: Any
    texts: dict[str, str] = field(default_factory=dict)
    words: Words = Words()
    item: Any = None
    """the type of the item each output is made for (a project), looked up before the record"""

    def scopes(self) -> list[Any]:
        project = Names(texts=Names(dict.fromkeys(self.texts, str)), words=Words)
        return [self.item, self.root, project] if self.item is not None else [self.root, project]


def resolve(scopes: list[Any], path: str, use: str, root: Any) -> Any:
    """The type ``path`` names in ``scopes`` (innermost first); raise Unbound when it names nothing
    or nothing fit for ``use``."""
    first, *rest = path.split(".")
    for scope in scopes:
        found = names_of(scope)
        if first not in found:
            continue
        tp, name = found[first], first
        for part in rest:
            tp = _link(name, tp, root)
            inside = names_of(tp)
            if part not in inside:
                raise Unbound(_not_inside(path, name, tp, part, use))
            tp, name = inside[part], part
        what, fits = USES[use]
        if not fits(tp):
            raise Unbound(_unfit(path, tp, what, use))
        return tp
    raise Unbound(_nowhere(scopes, path, use, root))


def _link(name: str, tp: Any, root: Any) -> Any:
    """A field named ``measure`` holds a measure's number and leads on to that measure."""
    if name == "measure" and is_number(tp) and "measures" in members(root):
        return list_item(members(root)["measures"])
    return tp


def _usable(name: str, tp: Any, use: str) -> list[str]:
    """How ``name`` may be written where ``use`` needs something: itself, or as a group to go into."""
    if USES[use][1](tp):
        return [name]
    return [f"{name}.…"] if _leads_to(tp, use) else []


def _leads_to(tp: Any, use: str, depth: int = 3) -> bool:
    """Whether a group holds, within a few steps, something fit for ``use`` (not only lists)."""
    if depth == 0 or list_item(tp) is not None:
        return False
    return any(USES[use][1](t) or _leads_to(t, use, depth - 1) for t in names_of(tp).values())


def _available(found: dict[str, Any], use: str) -> str:
    shown = [w for name, tp in sorted(found.items()) for w in _usable(name, tp, use)]
    return ", ".join(shown[:40]) + (", …" if len(shown) > 40 else "") if shown else "none"


def _nowhere(scopes: list[Any], path: str, use: str, root: Any) -> str:
    found: dict[str, Any] = {}
    for scope in reversed(scopes):
        found.update(names_of(scope))
    first = path.split(".")[0]
    if first in MOVED:
        return f"there is no field {shown(path)} here: {MOVED[first]}"
    entry = next((e for s in scopes if not isinstance(s, Names) and (e := year_entry_type(s)) is not None), None)
    if entry is not None and first in names_of(entry):  # a figure of a year, asked for outside the years
        return (
            f"there is no field {shown(path)} here: it is given for each year (years: {{R7: {{{first}: …}}}}); "
            f"put the cell in a year column, e.g. {{years: [0, 0], cells: [{{…{first}…}}]}}"
        )
    return f"there is no field {shown(path)} here{did_you_mean(first, found)} (available: {_available(found, use)})"


def _not_inside(path: str, name: str, tp: Any, part: str, use: str) -> str:
    if list_item(tp) is not None:
        return f"there is no field {shown(path)}: {shown(name)} is a list; go through it with a table (items: {name})"
    inside = names_of(tp)
    if not inside:
        return f"there is no field {shown(path)}: {shown(name)} is a single value, not a group of fields"
    close = closest(part, inside)
    hint = f"; did you mean {name}.{close}?" if close is not None else ""
    available = ", ".join(f"{name}.{w}" for n, t in sorted(inside.items()) for w in _usable(n, t, use)) or "none"
    return f"there is no field {shown(path)}{hint}; {shown(name)} has: {available}"


def _unfit(path: str, tp: Any, what: str, use: str) -> str:
    if any(typing.get_origin(t) is dict for t in alternatives(tp)):
        return f"{shown(path)} holds one entry per year: print them with year columns ({{years: [-2, 1], cells: […]}})"
    if list_item(tp) is not None and use in ("value", "template", "figure"):
        return f"{shown(path)} is a list, not {what}; go through it with a table (items: {path})"
    inside = names_of(tp)
    if inside and use in ("value", "template", "figure"):
        fields = ", ".join(f"{path}.{w}" for n, t in sorted(inside.items()) for w in _usable(n, t, use))
        return f"{shown(path)} is a group of fields, not {what}; name one of them: {fields or 'none'}"
    return f"{shown(path)} is not {what}"


# --------------------------------------------------------------------------- the walk


class Binder:
    """Walks a layout as composing would, resolving every path in its scopes."""

    def __init__(self, layout: Layout, binding: Binding):
        self.layout = layout
        self.root = binding.root
        self.top = binding.scopes()
        self.problems: list[tuple[Loc, str]] = []

    def check(self) -> list[tuple[Loc, str]]:
        info = self.layout.document
        for key in ("title", "subject", "author"):
            self.template(getattr(info, key), ("document", key), self.top)
        for k, keyword in enumerate(info.keywords):
            self.template(keyword, ("document", "keywords", k), self.top)
        for part in ("header", "footer"):
            for slot in ("left", "center", "right"):
                self.template(getattr(getattr(self.layout.page, part), slot), ("page", part, slot), self.top)
        for s, sheet in enumerate(self.layout.sheets):
            loc: Loc = ("sheets", s)
            if sheet.title:
                self.template(sheet.title, loc + ("title",), self.top)
            if sheet.skip_if_empty:
                self.path(sheet.skip_if_empty, loc + ("skip_if_empty",), self.top, "items")
            self.rows(sheet.title_rows, loc + ("title_rows",), self.top)
            for b, block in enumerate(sheet.blocks):
                self.block(block, loc + ("blocks", b))
        return list(dict.fromkeys(self.problems))

    def path(self, path: str, loc: Loc, scopes: list[Any], use: str) -> Any | None:
        try:
            return resolve(scopes, path, use, self.root)
        except Unbound as exc:
            self.problems.append((loc, str(exc)))
            return None

    def template(self, text: str, loc: Loc, scopes: list[Any]) -> None:
        for match in PLACEHOLDER.finditer(text):
            inner = match.group(1) or ""
            problem = pad_problem(inner)
            if problem:
                self.problems.append((loc, problem))
                continue
            path = placeholder_parts(inner)[0]
            if path and path not in DEFERRED:
                self.path(path, loc, scopes, "template")

    def block(self, block: Any, loc: Loc) -> None:
        if isinstance(block, (HeadingBlock, NoteBlock)):
            self.template(block.text, loc + ("text",), self.top)
        elif isinstance(block, FieldsBlock):
            self.rows(block.rows, loc + ("rows",), self.top)
        elif isinstance(block, TextBlock):
            if block.label is not None:
                self.template(block.label, loc + ("label",), self.top)
            if block.value is not None:
                self.path(block.value, loc + ("value",), self.top, "value")
            if block.text is not None:
                self.template(block.text, loc + ("text",), self.top)
        elif isinstance(block, TableBlock):
            self.table(block, loc)
        elif isinstance(block, LogicModelBlock):
            self.logic_model(block, loc)

    def items(self, path: str, loc: Loc, scopes: list[Any]) -> Any | None:
        found = self.path(path, loc, scopes, "items")
        return None if found is None else list_item(found)

    def table(self, block: TableBlock, loc: Loc) -> None:
        self.rows(block.header, loc + ("header",), self.top)
        self.rows(block.empty, loc + ("empty",), self.top)
        item = self.items(block.items, loc + ("items",), self.top)
        if item is None:
            return
        each = [item, *self.top]
        if block.group_by:
            self.path(block.group_by, loc + ("group_by",), each, "key")
        for part in ("group", "group_continued", "row"):
            self.rows(getattr(block, part) or [], loc + (part,), each)
        if block.item_bookmark:
            self.template(block.item_bookmark, loc + ("item_bookmark",), each)
        self.rows(block.group_total, loc + ("group_total",), [Names(items=list[item]), *each])  # type: ignore[valid-type]
        self.rows(block.total, loc + ("total",), [Names(items=list[item]), *self.top])  # type: ignore[valid-type]

    def logic_model(self, block: LogicModelBlock, loc: Loc) -> None:
        model = self.items(block.items, loc + ("items",), self.top)
        if model is None:
            return
        if not (isinstance(model, type) and issubclass(model, LogicModel)):
            self.problems.append((loc + ("items",), f"{shown(block.items)} is not a list of logic models"))
            return
        each = [model, *self.top]
        self.rows(block.title, loc + ("title",), each)
        self.rows(block.header, loc + ("header",), each)
        stages = ("projects", *LOGIC_STAGES)
        for c, column in enumerate(block.columns):
            if column.value not in stages:
                message = f"a logic-model column is one of {', '.join(stages)}; got {shown(column.value)}"
                self.problems.append((loc + ("columns", c, "value"), message))

    def rows(self, rows: Rows, loc: Loc, scopes: list[Any]) -> None:
        for row in expand_rows(rows, loc):
            row_scopes = self.at_year(scopes) if row.year is not None else scopes
            for i, item in enumerate(row.cells):
                if isinstance(item, YearCells):
                    for j, cell in enumerate(item.cells):
                        self.cell(cell, row.loc + (i, "cells", j), self.at_year(row_scopes), True)
                else:
                    self.cell(item, row.loc + (i,), row_scopes, row.year is not None)

    @staticmethod
    def at_year(scopes: list[Any]) -> list[Any]:
        """The scopes of a year column (see Context.at_year)."""
        entry = year_entry_type(scopes[0]) if not isinstance(scopes[0], Names) else None
        values = Names(year=FiscalYear, year_kind=str)
        if entry is None:
            return [values, *scopes]
        values["previous"] = entry
        return [entry, values, *scopes]

    def cell(self, cell: CellSpec, loc: Loc, scopes: list[Any], in_year: bool) -> None:
        if cell.sdg_tiles is not None:
            self.path(cell.sdg_tiles, loc + ("sdg_tiles",), scopes, "items")
        if cell.alt is not None:
            self.template(cell.alt, loc + ("alt",), scopes)
        if cell.chart is not None:
            each_year = self.at_year(scopes)
            for key in ("target", "actual"):
                self.path(getattr(cell.chart, key), loc + ("chart", key), each_year, "figure")
            self.template(cell.chart.unit, loc + ("chart", "unit"), scopes)
        for key in ("label", "text"):
            if getattr(cell, key) is not None:
                self.template(getattr(cell, key), loc + (key,), scopes)
        if cell.value is not None:
            self.path(cell.value, loc + ("value",), scopes, "value")
        if cell.aggregate() is not None:
            self.aggregate(cell, loc, scopes, in_year)
        if cell.operation() is not None:
            self.operation(cell, loc, scopes, in_year)

    def operation(self, spec: Operations, loc: Loc, scopes: list[Any], in_year: bool) -> bool | None:
        """Check add, difference, ratio or product and its operands; whether its figure is a
        percentage (None: unknown). Adding or subtracting a percentage and a plain figure, or
        multiplying two percentages, is refused: a ratio of any two figures is one."""
        key = spec.operation()
        assert key is not None
        operands = getattr(spec, key)
        kinds = [self.operand(operand, loc + (key, k), scopes, in_year) for k, operand in enumerate(operands)]
        if key in ("add", "difference") and True in kinds and False in kinds:
            verb = "adds" if key == "add" else "subtracts"
            said = f"{verb} a percentage to a plain figure ({_kinds_shown(operands, kinds)})"
            self.problems.append((loc + (key,), f"{said}: give figures of one kind"))
        if key == "product" and kinds.count(True) > 1:
            said = f"multiplies percentages together ({_kinds_shown(operands, kinds)})"
            self.problems.append((loc + (key,), f"{said}: give one percentage at most, the others plain figures"))
        if key == "ratio":
            return True
        if key == "product":
            return False
        return None if None in kinds else kinds[0]

    def operand(self, operand: str | Aggregate | Operation, loc: Loc, scopes: list[Any], in_year: bool) -> bool | None:
        """Check an operand of an operation; whether it is a percentage (None: unknown)."""
        if isinstance(operand, Aggregate):
            return self.aggregate(operand, loc, scopes, in_year)
        if isinstance(operand, Operation):
            return self.operation(operand, loc, scopes, in_year)
        found = self.path(operand, loc, scopes, "figure")
        return None if found is None else is_percent(found)

    def aggregate(self, spec: Any, loc: Loc, scopes: list[Any], in_year: bool) -> bool | None:
        """Check an aggregate; whether its figure is a percentage (None: unknown)."""
        function, path = spec.aggregate()
        list_path, list_loc = (path, loc + (function,)) if function == "count" else (spec.over or "items", loc)
        if function != "count" and spec.over is not None:
            list_loc = loc + ("over",)
        if list_path == "items" and not any(isinstance(s, Names) and "items" in s for s in scopes):
            message = "say which list to go over (over: projects); items are known only in a table's total rows"
            self.problems.append((loc + (function,), message))
            return None
        item = self.items(list_path, list_loc, scopes)
        if item is None:
            return None
        each = self.at_year([item, *scopes]) if in_year else [item, *scopes]
        found = self.path(path, loc + (function,), each, "figure") if function != "count" else int
        for key, wanted in spec.where.items():
            self.path(key, loc + ("where", key), each, "key")
            for text in wanted if isinstance(wanted, list) else [wanted]:
                if isinstance(text, str):
                    self.template(text, loc + ("where", key), scopes)
        return None if found is None else is_percent(found)


def _kinds_shown(operands: tuple[Any, ...], kinds: list[bool | None]) -> str:
    """The operands as written, each with its kind: 'rate is a percentage, target is not'."""
    named = [_shown_operand(op) for op in operands]
    said = [f"{n} is {'a percentage' if k else 'not'}" for n, k in zip(named, kinds, strict=True) if k is not None]
    return ", ".join(said)


def _shown_operand(operand: str | Aggregate | Operation) -> str:
    """An operand as a clerk wrote it, in short: cost, {sum: cost}, {difference: …}."""
    if isinstance(operand, str):
        return operand
    if isinstance(operand, Operation):
        return f"{{{operand.operation()}: …}}"
    return "{%s: %s}" % (operand.aggregate() or ("", ""))


def check_bindings(layout: Layout, binding: Binding) -> Iterator[tuple[Loc, str]]:
    """Every path of ``layout`` that names nothing usable, with why (all of them)."""
    yield from Binder(layout, binding).check()
