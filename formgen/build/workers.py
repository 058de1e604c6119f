"""Rendering the areas in a process pool (each area: :func:`formgen.build.render.build_area`),
their results handed on in area order."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING

from ..config.load import Config, default_config, load_config
from ..documents import Document, load_documents
from ..errors import BuildError
from ..publish import Staged, discard
from .inputs import BuildOptions
from .stale import AreaTask

if TYPE_CHECKING:
    from ..book import BookPart
    from ..opendata.writer import AreaPart
    from ..writers.pdf import DrawnPages
    from .kept import KeptOutput

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
    open_data: AreaPart | None = None
    """the area's part of the open data, until it is written"""

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
    from .render import build_area  # imported by the main process before the pool forked

    documents, config = _ready[-1]
    return build_area(documents, config, task)


def build_areas(
    tasks: list[AreaTask],
    documents: list[Document],
    options: BuildOptions,
    progress: Progress | None,
    in_order: Callable[[AreaResult], None] | None = None,
) -> list[AreaResult]:
    """Every task's result, in task order; ``in_order`` gets each result as soon as every
    earlier task's has come (the books are written meanwhile).

    The areas to render go to the worker processes; the areas whose pages only need reading
    from the cache (all but one after an edit) are read by this process meanwhile, instead of
    waiting idle for the workers, and of the workers reading them only to send them here."""
    if not tasks:
        return []
    # rendering's modules (composer, writers, fonts) load only when something is rendered; before
    # the pool forks, so that every worker has them
    from .render import build_area, from_cache

    jobs = max(1, options.jobs or os.cpu_count() or 1)
    by_name = {d.name: d for d in documents}
    results = _InOrder(tasks, progress, in_order)
    cached = [jobs > 1 and from_cache(task) for task in tasks]
    to_read = [task for task, kept in zip(tasks, cached, strict=True) if kept]
    to_render = _larger_first([task for task, kept in zip(tasks, cached, strict=True) if not kept], WINDOW)
    futures: list[Future[AreaResult]] = []
    try:
        if jobs == 1 or len(tasks) <= 1 or not to_render:
            for task in tasks:
                results.done(build_area(by_name, options.config, task))
        else:
            pool = _pool(jobs, len(to_render), options, by_name)
            try:
                futures = [pool.submit(_build_in_worker, task) for task in to_render]
                done: SimpleQueue[Future[AreaResult]] = SimpleQueue()
                for future in futures:
                    future.add_done_callback(done.put)
                waiting = len(futures)
                for task in to_read:
                    # no further ahead of the book than a few areas: their pages wait in memory
                    while waiting and (results.ahead() >= READ_AHEAD or not done.empty()):
                        _collect(done.get(), results, futures, to_render)
                        waiting -= 1
                    results.done(build_area(by_name, options.config, task))
                for _ in range(waiting):
                    _collect(done.get(), results, futures, to_render)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # no worker left writing files
                raise
            # every result is in and the workers are idle: they end while the build publishes
            # (waiting for them took 10-20 ms of an otherwise idle main process)
            pool.shutdown(wait=False)
    except BaseException:
        finished = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
        discard([s for r in results.results + finished for s in r.staged()])
        raise
    return results.in_task_order()


READ_AHEAD = 32
"""areas read from the cache that may wait for an earlier area being rendered (about 0.7 MB each
for a synthetic area: their drawn pages)"""


WINDOW = 8
"""areas reordered together, larger first (see :func:`_larger_first`)"""


def _larger_first(tasks: list[AreaTask], window: int) -> list[AreaTask]:
    """The tasks in consecutive windows, each window's larger data files first (an area's time
    grows with its file): the last areas the workers take are small ones, so they finish nearly
    together instead of one waiting for the other's long area; and no result waits for an
    earlier one (in memory, for the book) more than a window behind. The last window is full."""
    first = len(tasks) % window
    windows = [tasks[:first], *(tasks[i : i + window] for i in range(first, len(tasks), window))]
    return [task for part in windows for task in sorted(part, key=_file_size, reverse=True)]


def _file_size(task: AreaTask) -> int:
    try:
        return task.datafile.path.stat().st_size
    except OSError:  # gone since the build read it: its worker reports that
        return 0


class _InOrder:
    """Results as they come, handed on in task order."""

    def __init__(self, tasks: list[AreaTask], progress: Progress | None, in_order: Callable[[AreaResult], None] | None):
        self.total = len(tasks)
        self.position = {task.datafile.area_id: i for i, task in enumerate(tasks)}
        self.progress = progress
        self.in_order = in_order
        self.results: list[AreaResult] = []
        self.waiting: dict[int, AreaResult] = {}
        self.fed = 0

    def done(self, result: AreaResult) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress(len(self.results), self.total, result.area_id)
        if self.in_order is None:
            return
        self.waiting[self.position[result.area_id]] = result
        while self.fed in self.waiting:
            self.in_order(self.waiting.pop(self.fed))
            self.fed += 1

    def ahead(self) -> int:
        """Results waiting for an earlier one."""
        return len(self.waiting)

    def in_task_order(self) -> list[AreaResult]:
        return sorted(self.results, key=lambda r: self.position[r.area_id])


def _pool(jobs: int, tasks: int, options: BuildOptions, by_name: dict[str, Document]) -> ProcessPoolExecutor:
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
    return ProcessPoolExecutor(
        max_workers=min(jobs, tasks), mp_context=context, initializer=_start_worker, initargs=(setup,)
    )


def _collect(
    future: Future[AreaResult], results: _InOrder, futures: list[Future[AreaResult]], tasks: list[AreaTask]
) -> None:
    """Hand on a worker's finished result."""
    try:
        results.done(future.result())
    except BrokenProcessPool:
        # every unfinished area fails with the pool: which one killed it is unknown
        task_of = dict(zip(futures, tasks, strict=True))
        lost = [task_of[f] for f in futures if not f.done() or f.cancelled() or f.exception() is not None]
        broken = [task.datafile.display for task in sorted(lost, key=lambda t: results.position[t.datafile.area_id])]
        raise BuildError(
            f"a worker process ended abruptly (out of memory, or killed) while building {', '.join(broken)}; "
            "nothing was written"
        ) from None
