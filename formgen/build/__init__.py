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

import logging
import time

from .. import unchanged as quick
from ..datafiles import DataFile, read_digests
from ..errors import BuildError
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
    started = time.perf_counter()
    year, datafiles, every_area = select_inputs(options)
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
        data = open_open_data(options, plan)  # likewise

        def in_order(result: AreaResult) -> None:
            feed_books(books, result)
            feed_open_data(data, result)

        try:
            results = build_areas(tasks, documents, options, progress, in_order)
            refuse_failures(plan, tasks, results)
            publish(options, plan, tasks, results, report, books, data)
        except BaseException:
            abort_books(books)
            discard(plan.cache)
            if data is not None:
                data.abort()
            raise
        commit(plan.cache)
        _keep_quick(options, plan, datafiles)
        if not options.areas:  # a whole year built: the cache holds its outputs, nothing else
            kept = plan.inputs | {(OPEN_DATA_ENTRIES, a): inputs for a, inputs in plan.open_data_parts.items()}
            prune(plan.cache, [*(d.name for d in plan.documents), OPEN_DATA_ENTRIES], kept)
    report.seconds = time.perf_counter() - started
    return report


def _keep_quick(options: BuildOptions, plan: BuildPlan, datafiles: list[DataFile]) -> None:
    """What decided a build of the latest year, every area, for the next build's quick look
    (:mod:`.quick`): every file it read."""
    cache = options.out_dir / CACHE_FOLDER
    if options.year is not None or options.areas or not datafiles:
        quick.forget(cache)
        return
    inputs = [f.path for f in datafiles]
    for document in plan.documents:
        for layout in (document.layout, document.front):
            if layout is not None:
                inputs += [layout.path, *(f.path for f in layout.faces.values())]
                inputs += [picture.path for picture in layout.images.values()]
    flags = quick.flags(options.formats, options.documents, options.book, options.open_data)
    data = (options.data_dir, datafiles[0].path.parent)
    summary = {"year": plan.year.long, "areas": len(datafiles), "out": str(plan.year_dir)}
    quick.record(cache, flags, options.config.path, data, plan.year_dir, inputs, summary)
