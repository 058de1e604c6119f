"""formgen build: the whole year in one command (stage 6 of the pipeline).

For every selected area: load the record once, and for every declared
document compose the plan of each of its outputs (the area, or each project)
and write the workbook and the PDF; then each document's book, the year's
open data (formgen.opendata) and the manifest. Areas run in a process pool.
Every output is staged first and committed only when the whole build
succeeded, so an area that fails leaves every earlier output exactly as it was. A document's outputs for an area whose
inputs (data, layout, fonts, formgen.yaml, formgen version) have not changed
since the last build are not rebuilt.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import unchanged as quick
from ..datafiles import DataFile, read_digests
from ..errors import BuildError
from ..opendata.package import FOLDER as OPEN_DATA_FOLDER
from ..publish import CACHE_FOLDER, inside, sweep
from .cache import OPEN_DATA_ENTRIES, commit, discard, prune
from .inputs import (
    FORMATS,
    LAYOUT_FILE,
    BuildOptions,
    area_layout,
    data_problems,
    documents_to_build,
    select_inputs,
)
from .lock import FolderLock
from .publishing import (
    abort_books,
    feed_books,
    feed_open_data,
    open_books,
    open_open_data,
    publish,
    refuse_failures,
)
from .report import BuildReport
from .stale import BuildPlan, area_tasks, plan_build
from .workers import AreaResult, Progress, build_areas

__all__ = [
    "FORMATS",
    "LAYOUT_FILE",
    "BuildOptions",
    "BuildReport",
    "Progress",
    "area_layout",
    "build",
    "data_problems",
    "select_inputs",
]

log = logging.getLogger(__name__)


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the selected documents and areas of one year, their books and manifest, into out/<year>/."""
    with _fewer_collections():
        return _build(options, progress)


YOUNG_COLLECTION = 20_000
"""objects made before the cycle collector looks at the youngest ones (Python's default: 700)"""


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A build makes and drops millions of small objects, and each time the cycle collector reached
    its oldest generation it went over every module, model and font loaded before the build began.
    Those are left out of its reach while building (gc.freeze); workers, forked meanwhile, inherit
    it. The collector also looks at new objects less often (every 20,000 rather than 700; a form's
    objects are freed by their reference counts, rarely in cycles): workers' CPU 3.89 -> 3.74 s
    for 42 synthetic areas (medians of four alternating builds). Cycles are still freed."""
    thresholds = gc.get_threshold()
    gc.freeze()
    if thresholds[0]:  # 0: whoever called turned automatic collection off; left so
        gc.set_threshold(max(thresholds[0], YOUNG_COLLECTION), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _build(options: BuildOptions, progress: Progress | None) -> BuildReport:
    started = time.perf_counter()
    year, datafiles, every_area = select_inputs(options)
    listed = _listed(options, datafiles)
    documents = documents_to_build(options, datafiles)
    year_dir = options.out_dir / year.short
    if not inside(options.out_dir, year_dir):
        raise BuildError(f"{year_dir}: would be outside {options.out_dir}")
    digests = read_digests(datafiles)
    with FolderLock(year_dir, options.wait):  # one build at a time writes the year's folder
        rolled_back = sweep(year_dir)  # what a killed build left: rolled back, removed
        plan = plan_build(options, year, year_dir, documents, digests, every_area)
        discard(plan.cache)
        report = BuildReport(year, year_dir, len(datafiles), rolled_back=rolled_back)
        tasks = area_tasks(options, plan, datafiles, digests, report)
        books = open_books(options, plan)  # written as the areas come, while later ones are made
        gc.freeze()  # the documents, layouts and fonts just loaded too (see _fewer_collections)
        data = open_open_data(options, plan)  # likewise

        def in_order(result: AreaResult) -> None:
            feed_books(books, result)
            feed_open_data(data, result)

        try:
            results = build_areas(tasks, documents, options, progress, in_order)
            refuse_failures(plan, tasks, results)
            quick.forget(options.out_dir / CACHE_FOLDER)  # one stopped while publishing leaves no record
            publish(options, plan, tasks, results, report, books, data)
        except BaseException:
            abort_books(books)
            discard(plan.cache)
            if data is not None:
                data.abort()
            raise
        commit(plan.cache)
        report.left = _left_unchecked(options, plan, report)
        _keep_quick(options, plan, datafiles, digests, listed, report.left)
        if not options.areas:  # a whole year built: the cache holds its outputs, nothing else
            kept = plan.inputs | {(OPEN_DATA_ENTRIES, a): inputs for a, inputs in plan.open_data_parts.items()}
            prune(plan.cache, [*(d.name for d in plan.documents), OPEN_DATA_ENTRIES], kept)
    report.seconds = time.perf_counter() - started
    return report


def _left_unchecked(options: BuildOptions, plan: BuildPlan, report: BuildReport) -> list[str]:
    """The year's books and open data that this build did not look at (see BuildReport.left)."""
    year_dir = plan.year_dir
    checked = {
        path.relative_to(year_dir).as_posix()
        for document in plan.documents
        if document.front is not None and (path := document.book_path(year_dir)) is not None
    }
    left = [book for book in report.books if book not in checked]
    if not options.open_data_wanted() and (year_dir / OPEN_DATA_FOLDER).is_dir():
        left.append(f"{OPEN_DATA_FOLDER}/")
    return left


Listed = tuple[Path, list[list[str]]] | None
"""the year's data folder and the listing the quick look compares, taken as the build starts"""


def _keep_quick(
    options: BuildOptions,
    plan: BuildPlan,
    datafiles: list[DataFile],
    digests: dict[str, str],
    listed: Listed,
    left: list[str],
) -> None:
    """What decided a build of the latest year, every area, for the next build's quick look
    (:mod:`formgen.unchanged`): every file it read with its sha256 as read."""
    if listed is None:  # another year or some areas: not what the quick look answers (forgotten already)
        return
    read = {str(f.path): digests[f.area_id] for f in datafiles}
    if options.config.path is not None:
        read[str(options.config.path)] = options.config.digest
    for document in plan.documents:
        for layout in (document.layout, document.front):
            if layout is not None:
                read[str(layout.path)] = layout.digest
                read.update({str(face.path): face.digest for face in layout.faces.values()})
                read.update({str(picture.path): picture.digest for picture in layout.images.values()})
    flags = quick.flags(options.formats, options.documents, options.book, options.open_data)
    folders = (options.data_dir, options.layouts_dir, options.fonts_dir, options.out_dir)
    summary = {"year": plan.year.long, "areas": len(datafiles), "left": left}
    data_year, listing = listed
    seen = {"data_year": str(data_year), "listing": listing, "read": read, "year_dir": str(plan.year_dir)}
    quick.record(options.out_dir / CACHE_FOLDER, flags, options.config.path, folders, {**seen, "summary": summary})


def _listed(options: BuildOptions, datafiles: list[DataFile]) -> Listed:
    if options.year is not None or options.areas or not datafiles:
        return None
    data_year = datafiles[0].path.parent
    return data_year, quick.listing(options.data_dir, data_year)
