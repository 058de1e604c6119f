"""Rendering the areas: load → compose → write for every document of an area, in a process pool."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..book import BookPart
from ..compose import compose
from ..config.load import Config, default_config, load_config
from ..datafiles import area_line, load, read_as_digested
from ..documents import Document, load_documents, outputs
from ..errors import BuildError, FontError, InputError
from ..publish import Staged, discard, stage
from ..records import SourcedRecord
from ..writers.pdf import DrawnPages, draw_pages, write_pdf
from ..writers.xlsx import write_xlsx
from .cache import KeptOutput, entry_path, read_entry, write_entry
from .inputs import BuildOptions
from .stale import AreaTask, DocumentJob

Progress = Callable[[int, int, str], None]
"""called with (areas done, areas to do, the area just done)"""


@dataclass
class OutputResult:
    """One output made for one area: its staged files, pages and, for the book, its drawn pages."""

    document: str
    path: str
    """inside the year's folder, without extension (事務事業/37-1-05)"""
    place: str
    """the data it was made from (file:line), for messages"""
    staged: dict[str, Staged] = field(default_factory=dict)
    pages: int = 0
    notes: list[str] = field(default_factory=list)
    """what the plan leaves out by design (see DocumentPlan.notes)"""
    part: BookPart | None = None
    drawn: DrawnPages | None = None

    @classmethod
    def kept(cls, document: str, output: KeptOutput) -> OutputResult:
        """An output whose PDF is current, as the cache kept it for the book."""
        return cls(document, output.path, output.place, {}, output.pages, output.notes, output.part, output.drawn)


@dataclass
class AreaResult:
    area_id: str
    outputs: list[OutputResult] = field(default_factory=list)
    area_number: int | None = None
    area_line: int | None = None
    errors: list[str] = field(default_factory=list)

    def staged(self) -> list[Staged]:
        return [s for output in self.outputs for s in output.staged.values()]


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker process needs: the documents and configuration, handed over as they are to a
    forked worker (fork copies nothing until written), or else the paths to read them from."""

    parent: int
    """the main process: a worker outlives it by no more than a moment"""
    layouts_dir: Path
    fonts_dir: Path
    config_path: Path | None
    names: tuple[str, ...]
    loaded: tuple[dict[str, Document], Config] | None = None


_ready: list[tuple[dict[str, Document], Config]] = []
"""in a worker process only (set by its initializer; the main process never writes it): its
documents and configuration"""


def _start_worker(setup: WorkerSetup) -> None:
    """A worker's first act: die with the main process, then take its documents and configuration."""
    _die_with_parent(setup.parent)
    if setup.loaded is not None:
        _ready.append(setup.loaded)
        return
    config = load_config(setup.config_path) if setup.config_path is not None else default_config()
    documents = load_documents(config, setup.layouts_dir, setup.fonts_dir, setup.names, books=False)
    _ready.append(({d.name: d for d in documents}, config))


def _die_with_parent(parent: int) -> None:
    """On Linux the kernel ends the worker when the main process dies (a parent-death signal), so a
    killed build leaves no worker behind writing files; a parent already gone ends it at once."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent dies"""


def _build_in_worker(task: AreaTask) -> AreaResult:
    documents, config = _ready[-1]
    return build_area(documents, config, task)


def build_area(documents: dict[str, Document], config: Config, task: AreaTask) -> AreaResult:
    """load → compose → write, for every document of one area; outputs are staged, not yet in
    place. Outputs wanted only for their pages come from the cache when it has them."""
    result = AreaResult(task.datafile.area_id)
    try:
        kept = {job.document: _kept(task, job) for job in task.jobs if not job.formats}
        sourced = None
        if any(kept.get(job.document) is None for job in task.jobs):
            sourced = load(task.datafile, read_as_digested(task.datafile, task.digest), config)
            result.area_number, result.area_line = sourced.record.area.number, area_line(sourced)
        for job in task.jobs:
            found = kept.get(job.document)
            if found is not None:
                (result.area_number, result.area_line), outputs = found
                result.outputs += [OutputResult.kept(job.document, output) for output in outputs]
            else:
                assert sourced is not None
                _make_document(documents[job.document], sourced, task, job, result)
    except (InputError, FontError) as exc:  # the area's inputs: reported with the others' (exit 2)
        discard(result.staged())
        result.outputs.clear()
        result.errors = exc.lines()
    except BaseException:
        discard(result.staged())
        raise
    return result


def _kept(task: AreaTask, job: DocumentJob) -> tuple[tuple[int, int | None], list[KeptOutput]] | None:
    return read_entry(entry_path(task.cache, job.document, task.datafile.area_id), job.inputs)


def _make_document(
    document: Document, sourced: SourcedRecord, task: AreaTask, job: DocumentJob, result: AreaResult
) -> None:
    folder = document.folder(task.year_dir)
    record, source = sourced.record, sourced.source
    kept: list[KeptOutput] = []
    made_here: list[OutputResult] = []
    for output in outputs(document, record, task.datafile.area_id, source):
        plan = compose(document.layout, record, output.item, source)
        path = f"{document.spec.folder}/{output.stem}" if document.spec.folder else output.stem
        made = OutputResult(document.name, path, output.place or task.datafile.display)
        made_here.append(made)
        result.outputs.append(made)  # staged files are discarded if a later one fails
        drawn: DrawnPages | None = None
        if "xlsx" in job.formats:
            made.staged["xlsx"] = stage(folder / f"{output.stem}.xlsx", write_xlsx(plan))
        if "pdf" in job.formats:
            pdf, drawn = write_pdf(plan)
            made.staged["pdf"] = stage(folder / f"{output.stem}.pdf", pdf)
        elif job.want_pages:  # the PDF is current: only its pages for the book
            drawn = draw_pages(plan)
        made.pages = plan.pages
        made.notes = [str(note) for note in plan.notes]
        if drawn is not None:
            made.part, made.drawn = BookPart.of(record, output.title, output.stem), drawn
            kept.append(KeptOutput(made.path, made.place, made.pages, made.notes, made.part, drawn))
    if len(kept) == len(made_here):  # every output drawn: kept for the next stale book
        area = (record.area.number, result.area_line)
        write_entry(entry_path(task.cache, document.name, task.datafile.area_id), job.inputs, area, kept)
    if not job.want_pages:
        for made in made_here:
            made.part = made.drawn = None  # no book wants them: not sent back


def build_areas(
    tasks: list[AreaTask],
    documents: list[Document],
    options: BuildOptions,
    progress: Progress | None,
    in_order: Callable[[AreaResult], None] | None = None,
) -> list[AreaResult]:
    """Every task's result, in task order; ``in_order`` gets each result as soon as every
    earlier task's has come (the books are written meanwhile)."""
    jobs = max(1, options.jobs or os.cpu_count() or 1)
    results: list[AreaResult] = []
    by_name = {d.name: d for d in documents}
    position = {task.datafile.area_id: i for i, task in enumerate(tasks)}
    waiting: dict[int, AreaResult] = {}
    fed = [0]

    def done(result: AreaResult) -> None:
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks), result.area_id)
        if in_order is None:
            return
        waiting[position[result.area_id]] = result
        while fed[0] in waiting:
            in_order(waiting.pop(fed[0]))
            fed[0] += 1

    futures: list[Future[AreaResult]] = []
    try:
        if jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                done(build_area(by_name, options.config, task))
        else:
            # fork on Linux: workers start at once and share the fonts already read;
            # elsewhere fork is unsafe or missing, and each worker reads its own
            fork = sys.platform.startswith("linux")
            context = multiprocessing.get_context("fork" if fork else "spawn")
            setup = WorkerSetup(
                os.getpid(),
                options.layouts_dir,
                options.fonts_dir,
                options.config.path,
                tuple(by_name),
                (by_name, options.config) if fork else None,
            )
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(tasks)),
                mp_context=context,
                initializer=_start_worker,
                initargs=(setup,),
            ) as pool:
                futures = [pool.submit(_build_in_worker, task) for task in tasks]
                task_of = dict(zip(futures, tasks, strict=True))
                try:
                    for future in as_completed(futures):
                        try:
                            done(future.result())
                        except BrokenProcessPool:
                            # every unfinished area fails with the pool: which one killed it is unknown
                            pending = [
                                task_of[f].datafile.display
                                for f in futures
                                if not f.done() or f.cancelled() or f.exception() is not None
                            ]
                            raise BuildError(
                                "a worker process ended abruptly (out of memory, or killed) while building "
                                f"{', '.join(pending)}; nothing was written"
                            ) from None
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
    except BaseException:
        finished = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
        discard([s for r in results + finished for s in r.staged()])
        raise
    return sorted(results, key=lambda r: position[r.area_id])
