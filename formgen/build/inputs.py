"""What a build reads: its options, the year's data files, and the documents' layouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config.load import Config, default_config
from ..datafiles import DataFile, area_sort_key, load_all, read_all, same_area, select_year, year_files
from ..documents import Document, check_names, load_documents
from ..eras import FiscalYear
from ..errors import FormgenError, InputError, ManyErrors
from ..layout.bind import Binding
from ..layout.load import LoadedLayout, load_layout
from ..project import FORMATS

LAYOUT_FILE = "policy_area.yaml"
FAILED = "build failed: nothing was written; earlier outputs are unchanged"


@dataclass(frozen=True)
class BuildOptions:
    data_dir: Path = Path("data")
    layouts_dir: Path = Path("layouts")
    fonts_dir: Path = Path("fonts")
    out_dir: Path = Path("out")
    year: FiscalYear | None = None
    areas: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS
    jobs: int | None = None
    """worker processes; None = the number of cores"""
    book: bool = True
    documents: tuple[str, ...] = ()
    """the documents to build (default: every declared one)"""
    force: bool = False
    wait: float = 0.0
    """seconds to wait for another build writing the same folder (then stop, naming it)"""
    config: Config = field(default_factory=default_config)
    """the project's formgen.yaml: words, texts, declared fields"""
    open_data: bool | None = None
    """write the year's open data; None: as formgen.yaml says (open_data.enabled)"""

    def open_data_wanted(self) -> bool:
        """Whether this build makes the open data: it holds every area, so never with --area."""
        wanted = self.config.spec.open_data.enabled if self.open_data is None else self.open_data
        return wanted and not self.areas


def select_inputs(options: BuildOptions) -> tuple[FiscalYear, list[DataFile], set[str]]:
    """The year to build (latest unless given), the data files selected, in area order, and every
    area of the year that has a data file (outputs of the others are gone)."""
    year, folder = select_year(options.data_dir, options.year)
    files = year_files(folder)
    every_area = {f.area_id for f in files}
    if options.areas:
        missing = [a for a in options.areas if not any(same_area(a, f.area_id) for f in files)]
        if missing:
            known = ", ".join(f.area_id for f in files)
            message = f"no data file for area {', '.join(sorted(missing, key=area_sort_key))} (found {known})"
            raise InputError.single(str(folder), None, "", message)
        files = [f for f in files if any(same_area(a, f.area_id) for a in options.areas)]
    return year, files, every_area


def data_problems(datafiles: list[DataFile], config: Config) -> list[str]:
    """Every problem of the data files, as file:line: field: message lines."""
    try:
        contents = read_all(datafiles)
    except InputError as exc:
        return exc.lines()
    return load_all(datafiles, contents, config)[1]


def area_layout(layouts_dir: Path, fonts_dir: Path, config: Config | None = None) -> LoadedLayout:
    """The layout every area is laid out with, bound to the project's record model."""
    config = config or default_config()
    binding = Binding(config.models.area, config.texts, config.words)
    return load_layout(layouts_dir / LAYOUT_FILE, fonts_dir, binding, assets_dir=config.folder("assets"))


def documents_to_build(options: BuildOptions, datafiles: list[DataFile]) -> list[Document]:
    """The documents to build, their layouts loaded; a broken layout is named with the data's problems."""
    config = options.config
    # the books hold every area of the year: never one made of the selected areas only
    with_books = options.book and not options.areas
    check_names(config, options.documents)
    try:
        return load_documents(config, options.layouts_dir, options.fonts_dir, options.documents, with_books)
    except FormgenError as exc:
        found = data_problems(datafiles, config)
        if not found and exc.exit_code != ManyErrors.exit_code:  # not the inputs': said as it is
            raise
        raise ManyErrors(exc.lines() + found, FAILED) from None
