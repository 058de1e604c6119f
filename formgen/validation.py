"""Turn pydantic's validation errors into file:line: field: message issues.

Shared by the data and layout loaders, so both speak the same way:
``data/R7/37.yaml:42: projects[3].finance.budget.cost: must be a number, got 'abc'``.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Issue
from .yamlsource import Loc, Source

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
    ]


def data_loc(data: Any, loc: tuple, keep_last: bool = False) -> Loc:
    """The part of pydantic's ``loc`` that names places in the file.

    pydantic inserts union tags and validator names into ``loc``; they are
    dropped here. A missing field keeps its name though it is not in the file.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
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


def message_for(
    model: type[BaseModel], loc: Loc, err: dict[str, Any], hint_values: dict[str, str] | None = None
) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        allowed = fields_at(model, loc[:-1])
        name = str(loc[-1]) if loc else ""
        hint = key_hint(model, loc, hint_values or {})
        if hint:
            return f"unknown field: {name!r} {hint}"
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"unknown field{hint}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
        tag = str(ctx.get("tag", ""))
        close = difflib.get_close_matches(tag, tags, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"must be one of {', '.join(tags)}, got {tag!r}{hint}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, got {err.get('input')!r}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping (key: value lines), got {_shown(err.get('input'))}"
    if kind == "list_type":
        return f"must be a list (lines starting with '- '), got {_shown(err.get('input'))}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{err['msg'].lower()}, got {err.get('input')!r}"
    if kind == "too_short":
        return "must not be empty"
    if kind in ("float_type", "int_type", "bool_type", "string_type") and err["msg"].startswith("Input should"):
        wanted = {"float_type": "a number", "int_type": "a whole number", "bool_type": "true or false"}
        return f"must be {wanted.get(kind, 'text')}, got {_shown(err.get('input'))}"
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str):
        return repr(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


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
