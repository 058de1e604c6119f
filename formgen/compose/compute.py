"""Figures a layout computes: sum, average, min, max and count over a list; added, difference,
ratio and product, of fields, aggregates or other such operations.

Exact decimal arithmetic on the record's figures. A figure left out of the
data is never taken as 0:

* when every figure is missing the result is missing (printed as the cell's
  ``missing``, 「-」 by default);
* when some are missing, the sum (average, min, max) of those present is
  printed with a mark (words.partial, 「※」) after it, and each missing
  figure is listed as a note on every build;
* a year an item's ``years`` leaves out is no missing figure: the item has
  none that year (a project not yet started), and totals skip it unmarked;
  a figure left out of a year that is given (or written null or 「-」) is;
* figures added (``add: [cost, personnel]``) are as a sum: marked when some are
  missing, each named;
* a ratio whose divisor is 0 or missing is missing; a difference, ratio or
  product with a missing figure is missing (a product with one factor left out
  would be no estimate of it), and one of a marked figure is marked too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import Issue
from ..layout.model import Aggregate, CellSpec, Computed, Operation, Operations
from ..records.model import YearEntry
from ..records.values import Percent
from ..yamlsource import Loc
from .context import MISSING, Context, Items, Lookup, display

Number = int | Decimal | Percent


@dataclass
class Figure:
    """A computed value; ``missing`` are the figures it had to leave out, by their data location
    (None for one whose place is not known, such as the previous year's)."""

    value: Number | None
    missing: list[Loc | None] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.value is not None and bool(self.missing)


def compute(cell: CellSpec, ctx: Context) -> Figure:
    """The figure ``cell`` computes in ``ctx``."""
    if cell.operation() is not None:
        return _operate(cell, ctx)
    return aggregate(cell, ctx)


def _operate(spec: Operations, ctx: Context) -> Figure:
    """The figure of add, difference, ratio or product."""
    key = spec.operation()
    assert key is not None, "compute() and operands ask only operations"
    figures = [_operand(op, ctx) for op in getattr(spec, key)]
    if key == "add":
        return _added(figures)
    values = [f.value for f in figures]
    if key == "product":
        return _combine(figures, _product(values, spec.decimals))
    a, b = values  # difference and ratio take two
    if key == "difference":
        return _combine(figures, _difference(a, b))
    return _combine(figures, _ratio(a, b, 1 if spec.decimals is None else spec.decimals))


def _operand(operand: str | Aggregate | Operation, ctx: Context) -> Figure:
    """A field's figure, an aggregate's or an operation's."""
    if isinstance(operand, Aggregate):
        return aggregate(operand, ctx)
    if isinstance(operand, Operation):
        return _operate(operand, ctx)
    return _figure(ctx.lookup(operand))


def _figure(found: Lookup) -> Figure:
    """A field's figure; when it is missing, where it is — unless its item has no figures that
    year at all (a project not started yet), which is no missing figure."""
    if found.value is not None and found.value is not MISSING:
        return Figure(found.value)
    if isinstance(found.owner, YearEntry) and not found.owner.given():
        return Figure(None)
    return Figure(None, [found.loc])


def _combine(figures: list[Figure], value: Number | None) -> Figure:
    """The figure made of ``figures``: marked for what each of them left out, unless it is missing."""
    return Figure(value, [loc for f in figures for loc in f.missing] if value is not None else [])


def _added(figures: list[Figure]) -> Figure:
    """Figures added as a sum adds them: the present ones, marked for each one missing (a field
    left out, or every figure of an aggregate); an operand with nothing that year at all (no
    item gives the year) leaves no mark."""
    present = [f.value for f in figures if f.value is not None]
    if not present:
        return Figure(None)
    return Figure(_reduce("sum", present, None), [loc for f in figures for loc in f.missing])


def aggregate(spec: Computed, ctx: Context) -> Figure:
    """sum, average, min, max or count over the items of a list that meet ``where``."""
    function, path = spec.aggregate()  # type: ignore[misc]
    items = _items(ctx, path if function == "count" else (spec.over or "items"))
    chosen = [item_ctx for item_ctx in items if _meets(item_ctx, spec.where, ctx)]
    if function == "count":
        return Figure(len(chosen))
    figures = [_figure(item_ctx.lookup(path)) for item_ctx in chosen]
    values = [f.value for f in figures if f.value is not None]
    missing = [loc for f in figures for loc in f.missing]
    if not values:
        return Figure(None, missing)  # printed 「-」; what is missing matters to a figure adding it
    return Figure(_reduce(function, values, getattr(spec, "decimals", None)), missing)


def _items(ctx: Context, path: str) -> list[Context]:
    """A context for each item of the list at ``path``, at the year of the year column if any."""
    found = ctx.lookup(path)
    items = [] if found.value is None or found.value is MISSING else found.value
    if isinstance(items, Items):
        locs = items.locs
    else:
        locs = [None if found.loc is None else found.loc + (i,) for i in range(len(items))]
    contexts = [ctx.child(item, loc) for item, loc in zip(items, locs, strict=True)]
    return [c.at_year(ctx.year) for c in contexts] if ctx.year is not None else contexts


def _meets(item_ctx: Context, where: dict[str, Any], outer: Context) -> bool:
    for key, wanted in where.items():
        value = item_ctx.lookup(key).value
        options = wanted if isinstance(wanted, list) else [wanted]
        if not any(_same(value, option, outer) for option in options):
            return False
    return True


def _same(value: Any, wanted: Any, outer: Context) -> bool:
    """Whether a field's value is the one a ``where`` asks for (a template is filled in first)."""
    if isinstance(wanted, bool) or isinstance(value, bool):
        return value is wanted
    if isinstance(wanted, str):
        wanted, _ = outer.fill(wanted)
    as_text = "" if value is MISSING else display(value)  # a choice displays as its value
    number, other = _as_number(value), _as_number(wanted)
    if number is not None and other is not None:
        return number == other
    return as_text == str(wanted)


def _as_number(value: Any) -> Decimal | None:
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except ArithmeticError:
            return None
    return None


def _plain(value: Number) -> Decimal | int:
    return value.percent if isinstance(value, Percent) else value


def _decimals(value: Decimal | int) -> int:
    exponent = Decimal(value).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _reduce(function: str, values: list[Number], decimals: int | None) -> Number:
    plain = [_plain(v) for v in values]
    rates = [v for v in values if isinstance(v, Percent)]
    if function == "sum":
        result: Decimal | int = sum(plain[1:], plain[0])
    elif function == "min":
        result = min(plain)
    elif function == "max":
        result = max(plain)
    else:  # average: one more decimal than the figures (rates: as many), or as the cell says
        places = decimals if decimals is not None else max(_decimals(v) for v in plain) + (0 if rates else 1)
        exact = Decimal(sum(plain[1:], plain[0])) / len(plain)
        result = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rates:
        return Percent(Decimal(result), max(r.decimals for r in rates))
    return result


def _difference(a: Number | None, b: Number | None) -> Number | None:
    if a is None or b is None:
        return None
    result = _plain(a) - _plain(b)
    rates = [r.decimals for r in (a, b) if isinstance(r, Percent)]
    return Percent(Decimal(result), max(rates)) if rates else result


def _product(values: list[Number | None], decimals: int | None) -> Number | None:
    """The factors multiplied, a percentage as its fraction; exact, or rounded half up to ``decimals``."""
    if any(v is None for v in values):
        return None
    result = Decimal(1)
    for value in values:
        assert value is not None
        result *= value.fraction if isinstance(value, Percent) else Decimal(value)
    if decimals is not None:
        result = result.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        return int(result) if decimals == 0 else result
    return int(result) if result == result.to_integral_value() else result.normalize()  # 154.250 as 154.25


def _ratio(a: Number | None, b: Number | None, decimals: int) -> Percent | None:
    if a is None or b is None or _plain(b) == 0:
        return None
    exact = Decimal(_plain(a)) * 100 / Decimal(_plain(b))
    return Percent(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), decimals)


def partial_notes(figure: Figure, ctx: Context, mark: str) -> list[Issue]:
    """One note per figure a printed total left out (the same figure is named once per build); a
    total with no figure at all prints 「-」, unmarked, and names none."""
    if not figure.partial:
        return []
    return [
        ctx.place_of(loc).issue(f"not given: the totals and other figures computed over it leave it out, marked {mark}")
        for loc in figure.missing
        if loc is not None
    ]
