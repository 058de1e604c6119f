"""formgen build: data × layout → workbooks and PDFs in out/<year>/.

The pipeline, per area: load the record, compose the plan, write the
workbook and the PDF. Every area is rendered before anything is written: if
one fails, the build reports its errors and leaves every earlier output as it
was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .compose import compose
from .datafiles import DataFile, area_sort_key, describe, load, year_folders
from .eras import FiscalYear
from .errors import BuildError, FormgenError, InputError
from .layout.load import LoadedLayout, load_layout
from .pdf import write_pdf
from .plan import DocumentPlan
from .publish import inside, write_atomic
from .xlsx import write_xlsx

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf")
LAYOUT_FILE = "policy_area.yaml"


@dataclass
class BuildOptions:
    data_dir: Path = Path("data")
    layouts_dir: Path = Path("layouts")
    fonts_dir: Path = Path("fonts")
    out_dir: Path = Path("out")
    year: FiscalYear | None = None
    areas: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS


@dataclass
class AreaOutput:
    datafile: DataFile
    plan: DocumentPlan
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class BuildReport:
    year: FiscalYear
    written: list[Path]
    pages: int


def select_inputs(options: BuildOptions) -> tuple[FiscalYear, list[DataFile]]:
    """The year to build (latest unless given) and its data files, in area order."""
    folders = year_folders(options.data_dir)
    if not folders:
        raise InputError.single(str(options.data_dir), None, "", "no fiscal-year folders (such as R7) with data files")
    year = options.year or max(folders)
    if year not in folders:
        known = ", ".join(y.short for y in sorted(folders))
        raise InputError.single(str(options.data_dir), None, "", f"there is no folder for {year.short} (found {known})")
    files = [describe(p) for p in sorted(folders[year].glob("*.yaml")) if not p.name.startswith(".")]
    if options.areas:
        wanted = set(options.areas)
        missing = sorted(wanted - {f.area_id for f in files}, key=area_sort_key)
        if missing:
            raise InputError.single(str(folders[year]), None, "", f"no data file for area {', '.join(missing)}")
        files = [f for f in files if f.area_id in wanted]
    if not files:
        raise InputError.single(str(folders[year]), None, "", "no data files (*.yaml)")
    return year, sorted(files, key=lambda f: area_sort_key(f.area_id))


def render_area(layout: LoadedLayout, datafile: DataFile, formats: tuple[str, ...]) -> AreaOutput:
    """load → compose → write, for one area, in memory."""
    record = load(datafile)
    plan = compose(layout, record)
    output = AreaOutput(datafile, plan)
    if "xlsx" in formats:
        output.files["xlsx"] = write_xlsx(plan)
    if "pdf" in formats:
        output.files["pdf"] = write_pdf(plan)
    return output


def build(options: BuildOptions) -> BuildReport:
    year, datafiles = select_inputs(options)
    layout = load_layout(options.layouts_dir / LAYOUT_FILE, options.fonts_dir)
    outputs: list[AreaOutput] = []
    failures: list[str] = []
    for datafile in datafiles:
        try:
            outputs.append(render_area(layout, datafile, options.formats))
        except FormgenError as exc:
            failures.extend(exc.lines())
    if failures:
        raise BuildFailed(failures)
    out_dir = options.out_dir / year.short
    written: list[Path] = []
    for output in outputs:
        for fmt, data in output.files.items():
            path = out_dir / f"{output.datafile.area_id}.{fmt}"
            if not inside(options.out_dir, path):
                raise BuildError(f"{path}: would be written outside {options.out_dir}")
            write_atomic(path, data)
            written.append(path)
    return BuildReport(year, written, sum(o.plan.pages for o in outputs))


class BuildFailed(FormgenError):
    """Some areas could not be built; nothing was written."""

    exit_code = 2

    def __init__(self, lines: list[str]):
        self.messages = lines
        super().__init__("\n".join(lines))

    def lines(self) -> list[str]:
        return self.messages + ["build failed: nothing was written; earlier outputs are unchanged"]
