"""Where records live: ``data/<year>/<area>.yaml``, one file per policy area and year.

The folder names the fiscal year (``R7``), the file stem identifies the area
(``37``). Output names are derived from these identifiers, so they are
validated here and can never lead outside the output folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .eras import FiscalYear
from .errors import DataError, Issue
from .records import PolicyArea, load_record

IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}\Z")
IDENTIFIER_HELP = "letters, digits, '-' and '_' (at most 64, not starting with '-' or '_')"


@dataclass(frozen=True)
class DataFile:
    """One record file and the identifiers its location gives it."""

    path: Path
    year: FiscalYear | None
    area_id: str

    @property
    def display(self) -> str:
        return str(self.path)


def year_of_folder(name: str) -> FiscalYear | None:
    try:
        return FiscalYear.parse(name)
    except ValueError:
        return None


def describe(path: Path) -> DataFile:
    return DataFile(path, year_of_folder(path.parent.name), path.stem)


def year_folders(data_dir: Path) -> dict[FiscalYear, Path]:
    """The fiscal-year folders under ``data_dir`` (R6, R7, …)."""
    found: dict[FiscalYear, Path] = {}
    if data_dir.is_dir():
        for child in sorted(data_dir.iterdir()):
            year = year_of_folder(child.name)
            if child.is_dir() and year is not None:
                found[year] = child
    return found


def expand(paths: list[Path]) -> list[DataFile]:
    """Files named on the command line; folders contribute their ``*.yaml`` files, recursively."""
    files: list[DataFile] = []
    for path in paths:
        if path.is_dir():
            files.extend(describe(p) for p in sorted(path.rglob("*.yaml")) if not p.name.startswith("."))
        else:
            files.append(describe(path))
    return files


def area_sort_key(area_id: str) -> tuple[int, int | str]:
    """Numeric areas in numeric order (2 before 10), then the others by name."""
    return (0, int(area_id)) if area_id.isdigit() else (1, area_id)


def load(datafile: DataFile) -> PolicyArea:
    """Load a record and check that its folder and file name agree with it."""
    if not IDENTIFIER.match(datafile.area_id):
        raise DataError([Issue(datafile.display, None, "", f"the file name must be {IDENTIFIER_HELP}")])
    number = int(datafile.area_id) if datafile.area_id.isdigit() else None
    return load_record(datafile.path, datafile.display, year=datafile.year, area_number=number)
