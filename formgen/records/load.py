"""Read one data file into a :class:`PolicyArea`, or explain every problem in it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..eras import FiscalYear
from ..errors import DataError
from ..validation import validate
from ..yamlsource import Source, load_yaml
from .model import PolicyArea


@dataclass(frozen=True)
class SourcedRecord:
    """A validated record and the YAML it was read from (its lines, for messages and for
    new-year's comments): kept beside the record, never attached to it."""

    record: PolicyArea
    source: Source


def load_record(path: Path, display: str | None = None, **options: Any) -> PolicyArea:
    """:func:`read_record` without the source."""
    return read_record(path, display, **options).record


def read_record(
    path: Path,
    display: str | None = None,
    *,
    year: FiscalYear | None = None,
    area_number: int | None = None,
    raw: bytes | None = None,
    model: type[PolicyArea] = PolicyArea,
    context: dict[str, Any] | None = None,
) -> SourcedRecord:
    """Load and validate ``path``; raise :class:`DataError` with file:line for each problem.

    ``year`` and ``area_number``, when given, are what the file's folder and
    name say; the record must agree with them. ``raw``: the file's bytes, when already read.
    ``model``: the project's record model (with its declared fields); ``context``: what the
    model needs from the project while validating (see ``Config.validation_context``).
    """
    source = load_yaml(path, DataError, display, partial=True, raw=raw)
    sheet_year = _year_of(source.data)
    hints = {} if sheet_year is None else {"year": sheet_year.short, "next": sheet_year.next.short}
    record = validate(model, source, DataError, (context or {}) | {"sheet_year": sheet_year}, hints)
    problems = [source.issue(loc, message) for loc, message in record.problems()]
    if year is not None and record.fiscal_year != year:
        problems.append(
            source.issue(
                ("fiscal_year",),
                f"is {record.fiscal_year.short} but the file is in the folder for {year.short}",
            )
        )
    if area_number is not None and record.area.number != area_number:
        problems.append(source.issue(("area", "number"), f"is {record.area.number} but the file is named {path.name}"))
    if problems:
        raise DataError(problems)
    return SourcedRecord(record, source)


def _year_of(data: Any) -> FiscalYear | None:
    """The sheet's fiscal year as the file gives it, before validation (items need it, and
    messages name it)."""
    return FiscalYear.try_parse(data.get("fiscal_year")) if isinstance(data, dict) else None
