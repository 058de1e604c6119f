"""Turn pydantic's validation errors into file:line: field: message issues.

Shared by the data and layout loaders, so both speak the same way:
``data/R7/37.yaml:42: projects[3].years.R6.cost: must be a number, got 'abc'``.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Issue, closest, did_you_mean, shown
from .yamlsource import FULL_WIDTH_SPACE, Loc, Source

M = TypeVar("M", bound=BaseModel)


def validate(
    model: type[M],
    source: Source,
    error: type[InputError],
    context: dict[str, Any] | None = None,
    hint_values: dict[str, str] | None = None,
) -> M:
    """Validate ``source`` as ``model``; raise ``error`` listing every problem with its line, in
    the order of the lines, with those found while reading the file (``source.problems``).

    ``context``: pydantic's validation context; ``hint_values`` fill the placeholders of the
    models' ``key_hints``."""
    try:
        result = model.model_validate(source.data, context=context)
    except ValidationError as exc:
        errors = [(_located(source.data, e), e) for e in exc.errors()]
        found = [
            source.issue(loc, message_for(model, loc, e, hint_values)) for loc, e in _worth_reporting(source, errors)
        ]
        raise error(by_line(source.problems + found)) from None
    if source.problems:
        raise error(source.problems)
    return result


def by_line(issues: list[Issue]) -> list[Issue]:
    """Issues in the order of their lines (those of no line first); the same line keeps its order."""
    return sorted(issues, key=lambda issue: issue.line or 0)


def _located(data: Any, err: Any) -> Loc:
    """Where an error is in the file; a wrong ``type:`` of a block or field is at its ``type`` key."""
    loc = data_loc(data, err["loc"], keep_last=err["type"] == "missing")
    if err["type"] == "union_tag_invalid":
        key = str(err.get("ctx", {}).get("discriminator", "")).strip("'")
        node = data
        for part in loc:
            node = node[part]
        if isinstance(node, dict) and key in node:
            loc += (key,)
    return loc


def _worth_reporting(source: Source, errors: list[tuple[Loc, Any]]) -> list[tuple[Loc, Any]]:
    """The errors a reader needs: not those inside a value an alias or merge key replaced (already
    reported), and for a value that may be one thing or another (a number, or a list of two) —
    pydantic reports every alternative — not the type complaints of alternatives that got less
    far into the value than another."""
    deeper = {loc[:i] for loc, _ in errors for i in range(len(loc))}
    return [
        (loc, e)
        for loc, e in errors
        if not any(loc[: len(gone)] == gone for gone in source.replaced)
        and not (e["type"].endswith("_type") and loc in deeper)
        and not (e["type"] == "missing" and _misspelt(loc, errors))
    ]


def _misspelt(loc: Loc, errors: list[tuple[Loc, Any]]) -> bool:
    """Whether a missing key is there under a close spelling (cels for cells), which its own
    message names ("unknown field: 'cels'; did you mean 'cells'?"): one mistake, said once."""
    typed = [str(other[-1]) for other, e in errors if e["type"] == "extra_forbidden" and other[:-1] == loc[:-1]]
    return bool(loc) and closest(str(loc[-1]), typed) is not None


def data_loc(data: Any, loc: tuple, keep_last: bool = False) -> Loc:
    """The part of pydantic's ``loc`` that names places in the file.

    pydantic inserts union tags and validator names into ``loc``; they are
    dropped here. A missing field keeps its name though it is not in the file.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        following = loc[i + 1 :]
        if isinstance(node, dict) and part in node and not _tag_named_as_a_key(node, part, following, keep_last):
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif part == "[key]":
            continue
        elif keep_last and i == len(loc) - 1:
            out.append(part)
    return tuple(out)


def _tag_named_as_a_key(node: dict[str, Any], part: Any, following: tuple[Any, ...], missing: bool) -> bool:
    """Whether ``part`` is the tag of a union's alternative that happens to be a key of ``node``
    too (a years cell is tagged 'years' and has a ``years`` key): the part after it is then
    found in ``node`` itself, not in its value — or, ``missing``, is the name of a key missing
    from ``node`` where the value is a list (which holds no keys)."""
    if not following:
        return False
    after, value = following[0], node[part]
    if isinstance(value, list) and missing and len(following) == 1:  # a missing key, not an index
        return isinstance(after, str)
    inside = (isinstance(value, dict) and after in value) or (
        isinstance(value, list) and isinstance(after, int) and 0 <= after < len(value)
    )
    return not inside and after in node


def message_for(
    model: type[BaseModel], loc: Loc, err: dict[str, Any], hint_values: dict[str, str] | None = None
) -> str:
    """What a clerk needs to read for one of pydantic's errors at ``loc``."""
    explain = _EXPLAIN.get(err["type"])
    if explain is not None:
        return explain(model, loc, err, hint_values or {})
    wanted = _WANTED.get(err["type"])
    if wanted is not None and err["msg"].startswith("Input should"):
        return f"must be {wanted}, got {shown(err.get('input'))}"
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


_WANTED = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "tuple_type": "a list, such as [cost, personnel]",
    "list_type": "a list",
}
"""what a value of the wrong type should have been"""


def _unknown_key(model: type[BaseModel], loc: Loc, err: dict[str, Any], values: dict[str, str]) -> str:
    name = str(loc[-1]) if loc else ""
    hint = key_hint(model, loc, values)
    if hint:
        return f"unknown field: {shown(name)} {hint}"
    allowed = fields_at(model, loc[:-1])
    typed = name.strip(FULL_WIDTH_SPACE)
    if typed != name and typed in allowed:  # looks like the field on screen
        return f"the key {shown(typed)} has a full-width space「　」 beside it: indent with half-width spaces only"
    close = closest(name, allowed)
    elsewhere = _places_of(model, name)
    found = f"; {shown(name)} is a field of {' and of '.join(elsewhere[:2])}" if elsewhere else ""
    if not found:  # a misspelt field of another level (kpi: under area:), if it is the closer one
        others = {f for _, m in _models_in_tree(model) for f in m.model_fields} - set(allowed)
        near = closest(name, sorted(others), cutoff=0.75)
        if near is not None and (close is None or _likeness(name, near) > _likeness(name, close)):
            places = " and of ".join(_places_of(model, near)[:2])
            return f"unknown field; did you mean {shown(near)}? It is a field of {places}"
    if close is not None:
        return f"unknown field{found}; did you mean {shown(close)}?"
    return f"unknown field{found}" + (f"; allowed here: {', '.join(allowed)}" if allowed else "")


def _likeness(a: str, b: str) -> float:
    """How alike two names are, as difflib's close matches measure it."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _wrong_tag(model: type[BaseModel], loc: Loc, err: dict[str, Any], values: dict[str, str]) -> str:
    ctx = err.get("ctx", {})
    tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
    tag = str(ctx.get("tag", ""))
    return f"must be one of {', '.join(tags)}, got {shown(tag)}{did_you_mean(tag, tags)}"


def _no_tag(model: type[BaseModel], loc: Loc, err: dict[str, Any], values: dict[str, str]) -> str:
    """A block or declaration without its ``type:`` (or something that is not one at all)."""
    key = str(err.get("ctx", {}).get("discriminator", "type")).strip("'")
    tags = [str(t) for m in _models_in(_type_at(model, loc)) for t in _literals(m, key)]
    message = f"needs {key}: one of {', '.join(dict.fromkeys(tags))}" if tags else f"needs {key}:"
    if len(loc) >= 2 and str(loc[-1]) in fields_at(model, loc[:-2]):
        message += f" ({shown(loc[-1])} is not one of these: it belongs one level up, beside {shown(loc[-2])})"
    return message


def _not_listed(model: type[BaseModel], loc: Loc, err: dict[str, Any], values: dict[str, str]) -> str:
    expected = str(err.get("ctx", {}).get("expected", ""))
    got = err.get("input")
    hint = did_you_mean(str(got), re.findall(r"'([^']*)'", expected), cutoff=0.5)
    return f"must be one of {expected}, got {shown(got)}{hint}"


def _message(text: str) -> Callable[[type[BaseModel], Loc, dict[str, Any], dict[str, str]], str]:
    return lambda model, loc, err, values: text.format(got=shown(err.get("input")), msg=err["msg"].lower())


def _group(kind: str) -> Callable[[type[BaseModel], Loc, dict[str, Any], dict[str, str]], str]:
    """A mapping or list expected: when nothing was given, most often its lines are indented as
    far as its own name, which makes them its neighbours rather than its contents."""

    def explain(model: type[BaseModel], loc: Loc, err: dict[str, Any], values: dict[str, str]) -> str:
        if err.get("input") is None:
            name = shown(str(loc[-1])) if loc else "it"
            return (
                f"has nothing under it; {kind} expected: its lines go below {name}, indented further "
                f"than {name} (a line indented as far as {name} is beside it, not in it)"
            )
        return f"must be {kind}, got {shown(err.get('input'))}"

    return explain


_EXPLAIN: dict[str, Callable[[type[BaseModel], Loc, dict[str, Any], dict[str, str]], str]] = {
    "missing": _message("is required but missing"),
    "extra_forbidden": _unknown_key,
    "union_tag_invalid": _wrong_tag,
    "union_tag_not_found": _no_tag,
    "literal_error": _not_listed,
    "model_type": _group("a mapping (key: value lines)"),
    "model_attributes_type": _group("a mapping (key: value lines)"),
    "dict_type": _group("a mapping (key: value lines)"),
    "list_type": _group("a list (lines starting with '- ')"),
    "greater_than_equal": _message("{msg}, got {got}"),
    "less_than_equal": _message("{msg}, got {got}"),
    "greater_than": _message("{msg}, got {got}"),
    "less_than": _message("{msg}, got {got}"),
    "too_short": _message("must not be empty"),
}
"""pydantic's error types that get a message of formgen's own"""


def key_hint(model: type[BaseModel], loc: Loc, values: dict[str, str]) -> str | None:
    """What the models at ``loc[:-1]`` say about the key ``loc[-1]`` (see ``Model.key_hints``)."""
    current: Any = model
    for part in loc[:-1]:
        current = _step(current, part)
        if current is None:
            return None
    for model_type in _models_in(current):
        hint = getattr(model_type, "key_hints", {}).get(str(loc[-1]))
        if hint:
            return hint.format_map(DefaultHint(values))
    return None


class DefaultHint(dict[str, str]):
    """Placeholder values for a hint; one not known reads as a description of the year."""

    def __missing__(self, key: str) -> str:
        return {"year": "the sheet's year", "next": "the next year"}.get(key, key)


def _type_at(model: type[BaseModel], loc: Loc) -> Any:
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    return current


def _literals(model: type[BaseModel], key: str) -> tuple[Any, ...]:
    """The values a model's ``key`` field may take, when it is a Literal (a union's tag)."""
    field = model.model_fields.get(key)
    return typing.get_args(field.annotation) if field is not None else ()


def _places_of(model: type[BaseModel], name: str) -> list[str]:
    """Where in the model's tree a field ``name`` is (``projects[]``, ``kpis[].years.<year>``)."""
    return [path or "the top of the file" for path, m in _models_in_tree(model) if name in m.model_fields]


def _models_in_tree(model: type[BaseModel]) -> list[tuple[str, type[BaseModel]]]:
    """Every model of the tree under ``model``, once each, with the path to it."""
    found: list[tuple[str, type[BaseModel]]] = []
    seen: set[type] = set()
    todo: list[tuple[str, Any]] = [("", model)]
    while todo:
        path, tp = todo.pop(0)
        for m in _models_in(tp):
            if m in seen:
                continue
            seen.add(m)
            found.append((path, m))
            for field, info in m.model_fields.items():
                below = f"{path}.{field}".lstrip(".")
                todo.extend((below + suffix, inner) for suffix, inner in _inside(info.annotation))
    return found


def _inside(tp: Any) -> list[tuple[str, Any]]:
    """How a field's values are reached: as they are, each of a list, or each year of a mapping."""
    out: list[tuple[str, Any]] = []
    for arg in _args(tp):
        origin = typing.get_origin(arg)
        if origin is list:
            out.append(("[]", typing.get_args(arg)[0]))
        elif origin is dict:
            out.append((".<year>", typing.get_args(arg)[1]))
        else:
            out.append(("", arg))
    return out


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model found at ``loc`` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    names: list[str] = []
    for model_type in _models_in(current):
        names += [n for n in model_type.model_fields if n not in names]
    return names


def _args(tp: Any) -> tuple:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _args(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: tuple = ()
        for arg in typing.get_args(tp):
            out += _args(arg)
        return out
    return (tp,)


def _models_in(tp: Any) -> list[type[BaseModel]]:
    return [a for a in _args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]


def _step(tp: Any, part: str | int) -> Any:
    for arg in _args(tp):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and isinstance(part, str):
            field = arg.model_fields.get(part)
            if field is not None:
                return field.annotation
        origin = typing.get_origin(arg)
        if origin is list and isinstance(part, int):
            return typing.get_args(arg)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(arg)[1]
    return None
