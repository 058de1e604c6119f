"""Where records live: ``data/<year>/<area>.yaml``, one file per policy area and year.

The folder names the fiscal year (``R7``), the file stem identifies the area
(``37``). Output names are derived from these identifiers, so they are
validated here and can never lead outside the output folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .areas import area_sort_key
from .config.load import Config, default_config
from .eras import FiscalYear
from .errors import DataError, InputError, Issue
from .records import SourcedRecord, read_record
from .yamlsource import read_input

IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}\Z")
IDENTIFIER_HELP = "letters, digits, '-' and '_' (at most 64, not starting with '-' or '_')"
RESERVED = {"book", "manifest"}
"""area identifiers that would clash with the year's book and manifest"""


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
    return FiscalYear.try_parse(name)


def describe(path: Path) -> DataFile:
    return DataFile(path, year_of_folder(path.parent.name), path.stem)


def year_folders(data_dir: Path) -> dict[FiscalYear, Path]:
    """The fiscal-year folders under ``data_dir`` (R6, R7, …); two folders for one year are an error."""
    found: dict[FiscalYear, Path] = {}
    clashes: list[Issue] = []
    if data_dir.is_dir():
        for child in sorted(data_dir.iterdir()):
            year = year_of_folder(child.name)
            if not child.is_dir() or year is None:
                continue
            if year in found:
                message = f"names the same fiscal year ({year.long}) as {found[year]}; merge them"
                clashes.append(Issue(str(child), None, "", message))
            found[year] = child
    if clashes:
        raise DataError(clashes)
    return found


def select_year(data_dir: Path, year: FiscalYear | None = None) -> tuple[FiscalYear, Path]:
    """The folder of ``year``, or of the latest year when none is given."""
    folders = year_folders(data_dir)
    if not folders:
        raise DataError.single(str(data_dir), None, "", "no fiscal-year folders (such as R7) with data files")
    chosen = year or max(folders)
    if chosen not in folders:
        known = ", ".join(y.short for y in sorted(folders))
        raise DataError.single(str(data_dir), None, "", f"there is no folder for {chosen.short} (found {known})")
    return chosen, folders[chosen]


def year_files(folder: Path) -> list[DataFile]:
    """The data files of one year, in area order, their names checked (they name the outputs)."""
    problems = [
        Issue(str(p), None, "", f"formgen reads *.yaml files; rename it to {p.stem}.yaml")
        for p in sorted(folder.glob("*.yml"))
        if not p.name.startswith(".")
    ]
    files = [describe(p) for p in sorted(folder.glob("*.yaml")) if not p.name.startswith(".")]
    for datafile in files:
        if datafile.path.is_dir():
            problems.append(Issue(datafile.display, None, "", "is a folder; a data file must be a file"))
        elif (problem := name_problem(datafile)) is not None:
            problems.append(problem)
    # two names for one area (37.yaml, 037.yaml), caught before anything is read
    problems += same_area_twice([(f, int(f.area_id), None) for f in files if f.area_id.isdigit()], field="")
    if problems:
        raise DataError(problems)
    if not files:
        raise DataError.single(str(folder), None, "", "no data files (*.yaml)")
    return sorted(files, key=lambda f: area_sort_key(f.area_id))


def expand(paths: list[Path]) -> list[DataFile]:
    """Files named on the command line; folders contribute the *.yaml files of their fiscal-year folders."""
    files: list[DataFile] = []
    for path in paths:
        if not path.is_dir():
            files.append(describe(path))
            continue
        folders = [path] if year_of_folder(path.name) else list(year_folders(path).values())
        if not folders:  # a project folder: look for its data folder
            folders = list(year_folders(path / "data").values())
        for folder in folders:
            files.extend(year_files(folder))
    return files


def read_all(files: list[DataFile]) -> dict[str, bytes]:
    """The bytes of every file by area, or every file that cannot be read as one error."""
    return dict(_each(files))


def read_digests(files: list[DataFile]) -> dict[str, str]:
    """The sha256 of every file by area (reading one at a time: a build keeps the digests, not a
    thousand files' bytes), or every file that cannot be read as one error."""
    return {area: hashlib.sha256(data).hexdigest() for area, data in _each(files)}


def _each(files: list[DataFile]) -> Iterator[tuple[str, bytes]]:
    problems: list[Issue] = []
    for datafile in files:
        try:
            data = read_input(datafile.path, DataError, datafile.display)
        except DataError as exc:
            problems.extend(exc.issues)
            continue
        yield datafile.area_id, data
    if problems:
        raise DataError(problems)


def read_as_digested(datafile: DataFile, digest: str) -> bytes:
    """A data file's bytes, which must still be those the build digested when it planned."""
    data = read_input(datafile.path, DataError, datafile.display)
    if hashlib.sha256(data).hexdigest() != digest:
        raise DataError.single(datafile.display, None, "", "the file changed while the build was running; build again")
    return data


def load_all(
    files: list[DataFile], contents: dict[str, bytes] | None = None, config: Config | None = None
) -> tuple[list[tuple[DataFile, SourcedRecord]], list[str]]:
    """Every file loaded (from ``contents`` by area when already read), or the problems of
    those that would not load (all of them, not the first)."""
    loaded: list[tuple[DataFile, SourcedRecord]] = []
    problems: list[str] = []
    for datafile in files:
        try:
            loaded.append((datafile, load(datafile, (contents or {}).get(datafile.area_id), config)))
        except InputError as exc:
            problems.extend(exc.lines())
    entries = [(datafile, sourced.record.area.number, area_line(sourced)) for datafile, sourced in loaded]
    return loaded, problems + [str(issue) for issue in same_area_twice(entries)]


def area_line(sourced: SourcedRecord) -> int | None:
    """The line of the record's area number, for messages about the area as a whole."""
    return sourced.source.line(("area", "number"))


def same_area_twice(entries: list[tuple[DataFile, int, int | None]], field: str = "area.number") -> list[Issue]:
    """Two files of one year describing the same policy area (e.g. 37.yaml and kikaku.yaml).

    ``entries``: each file with its area number and the line giving it; ``field`` names it.
    """
    first_of: dict[tuple[FiscalYear | None, int], DataFile] = {}
    problems = []
    for datafile, number, line in entries:
        first = first_of.setdefault((datafile.year, number), datafile)
        if first is not datafile:
            message = f"area {number} is also {first.path.name}; keep one file per area"
            problems.append(Issue(datafile.display, line, field, message))
    return problems


def name_problem(datafile: DataFile) -> Issue | None:
    """What is wrong with a data file's name, which names its outputs too."""
    if not IDENTIFIER.match(datafile.area_id):
        return Issue(datafile.display, None, "", f"the file name must be {IDENTIFIER_HELP}")
    if datafile.area_id in RESERVED:
        return Issue(datafile.display, None, "", f"'{datafile.area_id}' is reserved; rename the file")
    return None


def load(datafile: DataFile, raw: bytes | None = None, config: Config | None = None) -> SourcedRecord:
    """Load a record (from ``raw`` when its bytes are already read) with the project's models, and
    check that its folder and file name agree with it."""
    problem = name_problem(datafile)
    if problem is not None:
        raise DataError([problem])
    config = config or default_config()
    number = int(datafile.area_id) if datafile.area_id.isdigit() else None
    return read_record(
        datafile.path,
        datafile.display,
        year=datafile.year,
        area_number=number,
        raw=raw,
        model=config.models.area,
        context=config.validation_context(),
    )


def same_area(wanted: str, area_id: str) -> bool:
    """Whether ``--area wanted`` names the file ``area_id``: by name, or by number (5 is 05.yaml)."""
    if wanted == area_id:
        return True
    return wanted.isdigit() and area_id.isdigit() and int(wanted) == int(area_id)
