"""formgen build: the whole year in one command (stage 6 of the pipeline).

For every selected area: load the record, compose the plan, write the
workbook and the PDF; then the year's book and the manifest. Areas run in a
process pool. Every output is staged first and committed only when the whole
build succeeded, so an area that fails leaves every earlier output exactly as
it was. Outputs whose inputs (data, layout, fonts, formgen version) have not
changed since the last build are not rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .book import BOOK_LAYOUT_FILE, BookArea, book_layout, render_book
from .compose import compose
from .config.load import Config, default_config, load_config
from .datafiles import (
    DataFile,
    area_line,
    area_sort_key,
    load,
    load_all,
    read_all,
    same_area,
    same_area_twice,
    select_year,
    year_files,
)
from .eras import FiscalYear
from .errors import BuildError, FontError, FormgenError, InputError, ManyErrors
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .pdf import Drawn, draw_pdf, render_pdf
from .publish import Staged, commit, discard, document_time, inside, remove, sha256_of, stage, write_atomic
from .xlsx import write_xlsx

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf")
LAYOUT_FILE = "policy_area.yaml"
BOOK_FILE = "book.pdf"
MANIFEST_FILE = "manifest.json"
FAILED = "build failed: nothing was written; earlier outputs are unchanged"

Progress = Callable[[int, int, str], None]
"""called with (areas done, areas to do, the area just done)"""


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
    force: bool = False
    config: Config = field(default_factory=default_config)
    """the project's formgen.yaml: words, texts, declared fields"""


@dataclass
class BuildReport:
    year: FiscalYear
    out_dir: Path
    areas: int
    built: list[str] = field(default_factory=list)
    """areas rendered in this build"""
    unchanged: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    pages: int = 0
    """pages of the area PDFs or workbooks of the year"""
    book_pages: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """data left out of the outputs by design, of every area of the year (built or unchanged)"""


# --------------------------------------------------------------------------- inputs


def select_inputs(options: BuildOptions) -> tuple[FiscalYear, list[DataFile]]:
    """The year to build (latest unless given) and its data files, in area order."""
    year, folder = select_year(options.data_dir, options.year)
    files = year_files(folder)
    if options.areas:
        missing = [a for a in options.areas if not any(same_area(a, f.area_id) for f in files)]
        if missing:
            known = ", ".join(f.area_id for f in files)
            message = f"no data file for area {', '.join(sorted(missing, key=area_sort_key))} (found {known})"
            raise InputError.single(str(folder), None, "", message)
        files = [f for f in files if any(same_area(a, f.area_id) for a in options.areas)]
    return year, files


def data_problems(datafiles: list[DataFile], config: Config) -> list[str]:
    """Every problem of the data files, as file:line: field: message lines."""
    try:
        contents = read_all(datafiles)
    except InputError as exc:
        return exc.lines()
    return load_all(datafiles, contents, config)[1]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _layout_digest(layout: LoadedLayout) -> str:
    """Everything of a layout that shapes the output: its text and its font files."""
    return _digest(layout.digest, *sorted({face.digest for face in layout.faces.values()}))


def area_layout(layouts_dir: Path, fonts_dir: Path, config: Config | None = None) -> LoadedLayout:
    """The layout every area is laid out with, bound to the project's record model."""
    config = config or default_config()
    binding = Binding(config.models.area, config.texts, config.words)
    return load_layout(layouts_dir / LAYOUT_FILE, fonts_dir, binding)


# --------------------------------------------------------------------------- the manifest


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Files of the last build, by name; empty when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def manifest_bytes(year: FiscalYear, files: dict[str, dict[str, Any]]) -> bytes:
    data = {"generator": f"formgen {__version__}", "fiscal_year": year.short, "files": files}
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _current(entry: dict[str, Any] | None, inputs: str, path: Path) -> bool:
    """Whether ``path`` is the output the last build made from the same inputs, untouched since."""
    return entry is not None and entry.get("inputs") == inputs and entry.get("sha256") == sha256_of(path)


# --------------------------------------------------------------------------- rendering one area


@dataclass(frozen=True)
class AreaTask:
    datafile: DataFile
    data: bytes
    """the data file as read for its inputs digest: the same bytes are rendered"""
    targets: dict[str, Path]
    """format → output path, for the formats to write"""
    want_pages: bool


@dataclass
class AreaResult:
    area_id: str
    staged: dict[str, Staged] = field(default_factory=dict)
    pages: int = 0
    area_number: int | None = None
    area_line: int | None = None
    book_area: BookArea | None = None
    """what the book's contents say of the area"""
    drawn: Drawn | None = None
    """the area's PDF pages as drawn, for the book"""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """what the plan leaves out by design (see DocumentPlan.notes)"""


_WORKER: tuple[LoadedLayout, Config] | None = None


def _init_worker(layouts_dir: Path, fonts_dir: Path, config_path: Path | None) -> None:
    """Give the worker its layout and configuration: a forked worker has the parent's already;
    another reads them once."""
    global _WORKER
    if _WORKER is None:
        config = load_config(config_path) if config_path is not None else default_config()
        _WORKER = (area_layout(layouts_dir, fonts_dir, config), config)


def _render_in_worker(task: AreaTask) -> AreaResult:
    assert _WORKER is not None, "worker not initialised"
    return render_area(*_WORKER, task)


def render_area(layout: LoadedLayout, config: Config, task: AreaTask) -> AreaResult:
    """load → compose → write, for one area; outputs are staged, not yet in place."""
    result = AreaResult(task.datafile.area_id)
    drawn: Drawn | None = None
    try:
        record = load(task.datafile, task.data, config)
        result.area_number = record.area.number
        result.area_line = area_line(record)
        plan = compose(layout, record)
        if "xlsx" in task.targets:
            result.staged["xlsx"] = stage(task.targets["xlsx"], write_xlsx(plan))
        if "pdf" in task.targets:
            pdf, drawn = render_pdf(plan)
            result.staged["pdf"] = stage(task.targets["pdf"], pdf)
        elif task.want_pages:
            drawn = draw_pdf(plan)
    except FormgenError as exc:  # reported with the other areas' problems (exit status 2)
        discard(list(result.staged.values()))
        result.staged.clear()
        result.errors = exc.lines()
        return result
    except BaseException:
        discard(list(result.staged.values()))
        raise
    result.pages = plan.pages
    result.notes = [str(note) for note in plan.notes]
    if task.want_pages:
        result.book_area, result.drawn = BookArea.of(record), drawn
    return result


def _run(
    tasks: list[AreaTask], layout: LoadedLayout, options: BuildOptions, progress: Progress | None
) -> list[AreaResult]:
    jobs = max(1, options.jobs or os.cpu_count() or 1)
    results: list[AreaResult] = []

    def done(result: AreaResult) -> None:
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks), result.area_id)

    futures: list[Future[AreaResult]] = []
    try:
        if jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                done(render_area(layout, options.config, task))
        else:
            # fork on Linux: workers start at once and share the fonts already read;
            # elsewhere fork is unsafe or missing, and each worker reads its own
            fork = sys.platform.startswith("linux")
            context = multiprocessing.get_context("fork" if fork else "spawn")
            global _WORKER
            _WORKER = (layout, options.config) if fork else None  # inherited by forked workers
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(tasks)),
                mp_context=context,
                initializer=_init_worker,
                initargs=(options.layouts_dir, options.fonts_dir, options.config.path),
            ) as pool:
                futures = [pool.submit(_render_in_worker, task) for task in tasks]
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
        discard([s for r in results + finished for s in r.staged.values()])
        raise
    order = {task.datafile.area_id: i for i, task in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.area_id])


# --------------------------------------------------------------------------- the build


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the selected areas of one year, their book and manifest, into out/<year>/."""
    started = time.perf_counter()
    year, datafiles = select_inputs(options)
    config = options.config
    try:
        layout = area_layout(options.layouts_dir, options.fonts_dir, config)
    except (InputError, FontError) as exc:  # the data's problems are named with the layout's
        found = data_problems(datafiles, config)
        if not found:
            raise
        raise ManyErrors(exc.lines() + found, FAILED) from None
    # the book holds every area of the year: never one made of the selected areas only
    with_book = options.book and not options.areas
    front = book_layout(options.layouts_dir / BOOK_LAYOUT_FILE, options.fonts_dir, config) if with_book else None
    out_dir = options.out_dir / year.short
    if not inside(options.out_dir, out_dir):
        raise BuildError(f"{out_dir}: would be outside {options.out_dir}")
    manifest_path = out_dir / MANIFEST_FILE
    old = read_manifest(manifest_path)
    report = BuildReport(year, out_dir, len(datafiles))

    # the documents' date is an input too: SOURCE_DATE_EPOCH changes the bytes of every file
    layout_digest = _digest(_layout_digest(layout), config.digest)
    when = document_time().isoformat()
    contents = read_all(datafiles)
    area_inputs = {area: _digest(__version__, layout_digest, when, data) for area, data in contents.items()}
    book_inputs = (
        _digest(__version__, _layout_digest(front), config.digest, *(f"{a}:{d}" for a, d in area_inputs.items()))
        if front
        else ""
    )
    book_path = out_dir / BOOK_FILE
    book_stale = front is not None and (options.force or not _current(old.get(BOOK_FILE), book_inputs, book_path))

    tasks: list[AreaTask] = []
    for datafile in datafiles:
        area = datafile.area_id
        targets = {}
        for fmt in options.formats:
            path = out_dir / f"{area}.{fmt}"
            if options.force or not _current(old.get(path.name), _digest(area_inputs[area], fmt), path):
                targets[fmt] = path
        if targets or book_stale:
            tasks.append(AreaTask(datafile, contents[area], targets, want_pages=book_stale))
        if not targets:
            report.unchanged.append(area)

    results = _run(tasks, layout, options, progress)
    staged = [s for r in results for s in r.staged.values()]
    failures = [line for r in results for line in r.errors]
    datafile_of = {task.datafile.area_id: task.datafile for task in tasks}
    twice = same_area_twice(
        [(datafile_of[r.area_id], r.area_number, r.area_line) for r in results if r.area_number is not None]
    )
    failures += [str(issue) for issue in twice]
    if failures:
        discard(staged)
        raise ManyErrors(failures, FAILED)

    files = {name: entry for name, entry in old.items() if (out_dir / name).exists()}
    try:
        for result in results:
            for fmt, item in result.staged.items():
                files[item.target.name] = {
                    "area": result.area_id,
                    "format": fmt,
                    "pages": result.pages,
                    "bytes": item.size,
                    "sha256": item.sha256,
                    "inputs": _digest(area_inputs[result.area_id], fmt),
                    **({"notes": result.notes} if result.notes else {}),
                }
            if result.staged:
                report.built.append(result.area_id)
        if book_stale and front is not None:
            areas = [(r.book_area, r.drawn) for r in results if r.book_area is not None and r.drawn is not None]
            data, book_pages = render_book(front, year, areas, config.words)
            item = stage(book_path, data)
            staged.append(item)
            files[BOOK_FILE] = {
                "format": "book",
                "pages": book_pages,
                "bytes": item.size,
                "sha256": item.sha256,
                "inputs": book_inputs,
            }
        for item in staged:
            commit(item)
            report.written.append(item.target)
    except BaseException:
        discard(staged)
        raise
    if not options.areas:
        _remove_orphans(out_dir, files, set(area_inputs), report)
    write_atomic(manifest_path, manifest_bytes(year, files))
    if front is not None and BOOK_FILE in files:
        report.book_pages = files[BOOK_FILE]["pages"]
    # an area's workbook and PDF have the same pages and notes: take either
    of_area = {entry["area"]: entry for entry in files.values() if entry.get("area") in area_inputs}
    report.pages = sum(entry["pages"] for entry in of_area.values())
    report.notes = [note for area in sorted(of_area, key=area_sort_key) for note in of_area[area].get("notes", [])]
    report.seconds = time.perf_counter() - started
    return report


def _remove_orphans(out_dir: Path, files: dict[str, dict[str, Any]], areas: set[str], report: BuildReport) -> None:
    """Outputs of areas whose data file is gone: remove them, so the folder holds this year only."""
    for name in sorted(files):
        area = files[name].get("area")
        if area is not None and area not in areas:
            path = out_dir / name
            remove(path)
            del files[name]
            report.removed.append(path)
