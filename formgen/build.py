"""formgen build: the whole year in one command (stage 6 of the pipeline).

For every selected area: load the record once, and for every declared
document compose the plan of each of its outputs (the area, or each project)
and write the workbook and the PDF; then each document's book and the
manifest. Areas run in a process pool. Every output is staged first and
committed only when the whole build succeeded, so an area that fails leaves
every earlier output exactly as it was. A document's outputs for an area whose
inputs (data, layout, fonts, formgen.yaml, formgen version) have not changed
since the last build are not rebuilt.
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
from .book import BookPart, render_book
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
from .documents import Document, check_names, load_documents, outputs
from .eras import FiscalYear
from .errors import BuildError, FormgenError, InputError, ManyErrors
from .layout.bind import Binding
from .layout.load import LoadedLayout, load_layout
from .pdf import Drawn, draw_pdf, render_pdf
from .publish import Staged, commit, discard, document_time, inside, remove, sha256_of, stage, write_atomic
from .records import SourcedRecord
from .xlsx import write_xlsx

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "pdf")
LAYOUT_FILE = "policy_area.yaml"
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
    documents: tuple[str, ...] = ()
    """the documents to build (default: every declared one)"""
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
    """pages of the year's outputs (each once, as PDF or workbook), of every document built"""
    books: dict[str, int] = field(default_factory=dict)
    """pages of each book made or kept, by its path inside the year's folder"""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """data left out of the outputs by design, of every area of the year (built or unchanged)"""


# --------------------------------------------------------------------------- inputs


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


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _layout_digest(layout: LoadedLayout) -> str:
    """Everything of a layout that shapes the output: its text, its font files and its pictures."""
    pictures = sorted(f"{name}:{picture.digest}" for name, picture in layout.images.items())
    return _digest(layout.digest, *sorted({face.digest for face in layout.faces.values()}), *pictures)


def area_layout(layouts_dir: Path, fonts_dir: Path, config: Config | None = None) -> LoadedLayout:
    """The layout every area is laid out with, bound to the project's record model."""
    config = config or default_config()
    binding = Binding(config.models.area, config.texts, config.words)
    return load_layout(layouts_dir / LAYOUT_FILE, fonts_dir, binding, assets_dir=config.folder("assets"))


# --------------------------------------------------------------------------- the manifest


@dataclass
class Manifest:
    """What the last build made: every file (by its path inside the year's folder) and, per
    document and area, the inputs it was made from and its outputs (which may be none)."""

    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    made: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """document → area → {"inputs": digest, "outputs": [paths without extension]}"""


def read_manifest(path: Path) -> Manifest:
    """The last build's manifest; empty when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files, made = data["files"], data.get("documents", {})
        if isinstance(files, dict) and isinstance(made, dict):
            return Manifest(files, made)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return Manifest()


def manifest_bytes(year: FiscalYear, manifest: Manifest) -> bytes:
    data = {
        "generator": f"formgen {__version__}",
        "fiscal_year": year.short,
        "files": manifest.files,
        "documents": manifest.made,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _current(entry: dict[str, Any] | None, inputs: str, path: Path) -> bool:
    """Whether ``path`` is the output the last build made from the same inputs, untouched since."""
    return entry is not None and entry.get("inputs") == inputs and entry.get("sha256") == sha256_of(path)


def _document_digest(document: Document) -> str:
    """Everything of a document that shapes its outputs: its declaration, its layout and fonts."""
    return _digest(document.spec.model_dump_json(), _layout_digest(document.layout))


# --------------------------------------------------------------------------- rendering one area


@dataclass(frozen=True)
class DocumentJob:
    """What to make of one document for one area."""

    document: str
    formats: tuple[str, ...]
    """the formats to write; none when the outputs are current and only their pages are wanted"""
    want_pages: bool
    """the document's book is made: keep the drawn pages"""


@dataclass(frozen=True)
class AreaTask:
    datafile: DataFile
    data: bytes
    """the data file as read for its inputs digest: the same bytes are rendered"""
    year_dir: Path
    jobs: tuple[DocumentJob, ...]


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
    drawn: Drawn | None = None


@dataclass
class AreaResult:
    area_id: str
    outputs: list[OutputResult] = field(default_factory=list)
    area_number: int | None = None
    area_line: int | None = None
    errors: list[str] = field(default_factory=list)

    def staged(self) -> list[Staged]:
        return [s for output in self.outputs for s in output.staged.values()]


_WORKER: tuple[dict[str, Document], Config] | None = None


def _init_worker(layouts_dir: Path, fonts_dir: Path, config_path: Path | None, names: tuple[str, ...]) -> None:
    """Give the worker its documents and configuration: a forked worker has the parent's already;
    another reads them once."""
    global _WORKER
    if _WORKER is None:
        config = load_config(config_path) if config_path is not None else default_config()
        documents = load_documents(config, layouts_dir, fonts_dir, names, books=False)
        _WORKER = ({d.name: d for d in documents}, config)


def _render_in_worker(task: AreaTask) -> AreaResult:
    assert _WORKER is not None, "worker not initialised"
    return render_area(*_WORKER, task)


def render_area(documents: dict[str, Document], config: Config, task: AreaTask) -> AreaResult:
    """load → compose → write, for every document of one area; outputs are staged, not yet in place."""
    result = AreaResult(task.datafile.area_id)
    try:
        sourced = load(task.datafile, task.data, config)
        result.area_number = sourced.record.area.number
        result.area_line = area_line(sourced)
        for job in task.jobs:
            _render_document(documents[job.document], sourced, task, job, result)
    except FormgenError as exc:  # reported with the other areas' problems (exit status 2)
        discard(result.staged())
        result.outputs.clear()
        result.errors = exc.lines()
    except BaseException:
        discard(result.staged())
        raise
    return result


def _render_document(
    document: Document, sourced: SourcedRecord, task: AreaTask, job: DocumentJob, result: AreaResult
) -> None:
    folder = document.folder(task.year_dir)
    record, source = sourced.record, sourced.source
    for output in outputs(document, record, task.datafile.area_id, source):
        plan = compose(document.layout, record, output.item, source)
        path = f"{document.spec.folder}/{output.stem}" if document.spec.folder else output.stem
        made = OutputResult(document.name, path, output.place or task.datafile.display)
        result.outputs.append(made)
        drawn: Drawn | None = None
        if "xlsx" in job.formats:
            made.staged["xlsx"] = stage(folder / f"{output.stem}.xlsx", write_xlsx(plan))
        if "pdf" in job.formats:
            pdf, drawn = render_pdf(plan)
            made.staged["pdf"] = stage(folder / f"{output.stem}.pdf", pdf)
        elif job.want_pages:
            drawn = draw_pdf(plan)
        made.pages = plan.pages
        made.notes = [str(note) for note in plan.notes]
        if job.want_pages:
            made.part, made.drawn = BookPart.of(record, output.title, output.stem), drawn


def _run(
    tasks: list[AreaTask], documents: list[Document], options: BuildOptions, progress: Progress | None
) -> list[AreaResult]:
    jobs = max(1, options.jobs or os.cpu_count() or 1)
    results: list[AreaResult] = []
    by_name = {d.name: d for d in documents}

    def done(result: AreaResult) -> None:
        results.append(result)
        if progress is not None:
            progress(len(results), len(tasks), result.area_id)

    futures: list[Future[AreaResult]] = []
    try:
        if jobs == 1 or len(tasks) <= 1:
            for task in tasks:
                done(render_area(by_name, options.config, task))
        else:
            # fork on Linux: workers start at once and share the fonts already read;
            # elsewhere fork is unsafe or missing, and each worker reads its own
            fork = sys.platform.startswith("linux")
            context = multiprocessing.get_context("fork" if fork else "spawn")
            global _WORKER
            _WORKER = (by_name, options.config) if fork else None  # inherited by forked workers
            names = tuple(by_name)
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(tasks)),
                mp_context=context,
                initializer=_init_worker,
                initargs=(options.layouts_dir, options.fonts_dir, options.config.path, names),
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
        discard([s for r in results + finished for s in r.staged()])
        raise
    order = {task.datafile.area_id: i for i, task in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.area_id])


# --------------------------------------------------------------------------- the build


@dataclass
class _Plan:
    """What a build decided before rendering: the inputs of everything, and what is stale."""

    year: FiscalYear
    year_dir: Path
    documents: list[Document]
    old: Manifest
    inputs: dict[tuple[str, str], str]
    """(document, area) → the digest of everything its outputs are made from"""
    books: dict[str, str]
    """document → the inputs digest of its book, for the books to make"""
    areas: set[str] = field(default_factory=set)
    """every area of the year that has a data file (not only those selected)"""
    all_documents: bool = True
    """every declared document is built (no --document)"""


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the selected documents and areas of one year, their books and manifest, into out/<year>/."""
    started = time.perf_counter()
    year, datafiles, every_area = select_inputs(options)
    documents = _documents(options, datafiles)
    year_dir = options.out_dir / year.short
    if not inside(options.out_dir, year_dir):
        raise BuildError(f"{year_dir}: would be outside {options.out_dir}")
    contents = read_all(datafiles)
    plan = _plan(options, year, year_dir, documents, contents, every_area)
    report = BuildReport(year, year_dir, len(datafiles))
    tasks = _tasks(options, plan, datafiles, contents, report)
    results = _run(tasks, documents, options, progress)
    staged = [s for r in results for s in r.staged()]
    failures = [line for r in results for line in r.errors]
    datafile_of = {task.datafile.area_id: task.datafile for task in tasks}
    twice = same_area_twice(
        [(datafile_of[r.area_id], r.area_number, r.area_line) for r in results if r.area_number is not None]
    )
    failures += [str(issue) for issue in twice]
    failures += _name_clashes(plan, tasks, results)
    if failures:
        discard(staged)
        raise ManyErrors(failures, FAILED)
    manifest = Manifest({n: e for n, e in plan.old.files.items() if (year_dir / n).exists()}, plan.old.made)
    try:
        gone = _record(plan, tasks, results, manifest, report)
        staged += _books(options, plan, results, manifest)
        for item in staged:
            commit(item)
            report.written.append(item.target)
    except BaseException:
        discard(staged)
        raise
    for name in gone:
        remove(year_dir / name)
        report.removed.append(year_dir / name)
    if not options.areas:
        _remove_orphans(plan, manifest, report)
    write_atomic(year_dir / MANIFEST_FILE, manifest_bytes(year, manifest))
    _summarise(plan, manifest, report)
    report.seconds = time.perf_counter() - started
    return report


def _documents(options: BuildOptions, datafiles: list[DataFile]) -> list[Document]:
    """The documents to build, their layouts loaded; a broken layout is named with the data's problems."""
    config = options.config
    # the books hold every area of the year: never one made of the selected areas only
    with_books = options.book and not options.areas
    check_names(config, options.documents)
    try:
        return load_documents(config, options.layouts_dir, options.fonts_dir, options.documents, with_books)
    except FormgenError as exc:
        found = data_problems(datafiles, config)
        if not found:
            raise
        raise ManyErrors(exc.lines() + found, FAILED) from None


def _plan(
    options: BuildOptions,
    year: FiscalYear,
    year_dir: Path,
    documents: list[Document],
    contents: dict[str, bytes],
    every_area: set[str],
) -> _Plan:
    config = options.config
    old = read_manifest(year_dir / MANIFEST_FILE)
    # the documents' date is an input too: SOURCE_DATE_EPOCH changes the bytes of every file
    when = document_time().isoformat()
    inputs: dict[tuple[str, str], str] = {}
    books: dict[str, str] = {}
    for document in documents:
        made_of = _digest(_document_digest(document), config.digest)
        for area, data in contents.items():
            inputs[(document.name, area)] = _digest(__version__, document.name, made_of, when, data)
        book_path = document.book_path(year_dir)
        if document.front is None or book_path is None:
            continue
        book_inputs = _digest(
            __version__,
            _layout_digest(document.front),
            made_of,
            *(f"{a}:{inputs[(document.name, a)]}" for a in contents),
        )
        name = book_path.relative_to(year_dir).as_posix()
        if options.force or not _current(old.files.get(name), book_inputs, book_path):
            books[document.name] = book_inputs
    return _Plan(year, year_dir, documents, old, inputs, books, every_area, not options.documents)


def _stale_formats(plan: _Plan, document: Document, area: str, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of this document's outputs for this area to write again: all when its inputs
    changed, else those with a file missing or changed since the last build."""
    inputs = plan.inputs[(document.name, area)]
    made = plan.old.made.get(document.name, {}).get(area)
    if not isinstance(made, dict) or made.get("inputs") != inputs:
        return formats
    stale = []
    for fmt in formats:
        names = [f"{path}.{fmt}" for path in made.get("outputs", [])]
        fmt_inputs = _digest(inputs, fmt)
        if not all(_current(plan.old.files.get(n), fmt_inputs, plan.year_dir / n) for n in names):
            stale.append(fmt)
    return tuple(stale)


def _tasks(
    options: BuildOptions, plan: _Plan, datafiles: list[DataFile], contents: dict[str, bytes], report: BuildReport
) -> list[AreaTask]:
    tasks: list[AreaTask] = []
    for datafile in datafiles:
        area = datafile.area_id
        jobs = []
        for document in plan.documents:
            formats: tuple[str, ...] = tuple(f for f in options.formats if f in document.spec.formats)
            if not options.force:
                formats = _stale_formats(plan, document, area, formats)
            want_pages = document.name in plan.books
            if formats or want_pages:
                jobs.append(DocumentJob(document.name, formats, want_pages))
        if jobs:
            tasks.append(AreaTask(datafile, contents[area], plan.year_dir, tuple(jobs)))
        if not any(job.formats for job in jobs):
            report.unchanged.append(area)
    return tasks


def _name_clashes(plan: _Plan, tasks: list[AreaTask], results: list[AreaResult]) -> list[str]:
    """Two outputs that would be written to one file: each is named with the data it comes from.
    Outputs kept from earlier builds count, unless their area's data file or their document is gone
    (those are removed by this build)."""
    made_now = {(job.document, task.datafile.area_id) for task in tasks for job in task.jobs}
    declared = {d.name for d in plan.documents}
    taken: dict[str, str] = {}
    for name, areas in plan.old.made.items():
        for area, made in areas.items():
            kept = area in plan.areas and (name in declared or not plan.all_documents)
            if kept and (name, area) not in made_now and isinstance(made, dict):
                for path in made.get("outputs", []):
                    taken[path] = f"{area} (built before)"
    for document in plan.documents:
        book = document.book_path(plan.year_dir)
        if book is not None and document.name in plan.books:
            taken[book.relative_to(plan.year_dir).with_suffix("").as_posix()] = f"the book of {document.name}"
    clashes = []
    for result in results:
        for output in result.outputs:
            other = taken.get(output.path)
            if other is not None:
                clashes.append(
                    f"{output.place}: document {output.document}: its file {output.path} is also made for "
                    f"{other}; make the file names tell them apart (documents.{output.document}.file)"
                )
            taken[output.path] = output.place
    return clashes


def _record(
    plan: _Plan, tasks: list[AreaTask], results: list[AreaResult], manifest: Manifest, report: BuildReport
) -> list[str]:
    """Enter the new outputs in the manifest; return the files of earlier outputs no longer made."""
    jobs = {task.datafile.area_id: task.jobs for task in tasks}
    gone: list[str] = []
    for result in results:
        area = result.area_id
        for job in jobs[area]:
            if not job.formats:
                continue
            inputs = plan.inputs[(job.document, area)]
            made = [o for o in result.outputs if o.document == job.document]
            paths = [o.path for o in made]
            previous = manifest.made.get(job.document, {}).get(area)
            for old_path in previous.get("outputs", []) if isinstance(previous, dict) else []:
                if old_path not in paths:
                    gone.extend(n for n in manifest.files if n.rsplit(".", 1)[0] == old_path)
            manifest.made.setdefault(job.document, {})[area] = {"inputs": inputs, "outputs": paths}
            for output in made:
                for fmt, item in output.staged.items():
                    manifest.files[item.target.relative_to(plan.year_dir).as_posix()] = {
                        "area": area,
                        "document": job.document,
                        "format": fmt,
                        "output": output.path,
                        "pages": output.pages,
                        "bytes": item.size,
                        "sha256": item.sha256,
                        "inputs": _digest(inputs, fmt),
                        **({"notes": output.notes} if output.notes else {}),
                    }
        if any(job.formats for job in jobs[area]):
            report.built.append(area)
    written = {item.target.relative_to(plan.year_dir).as_posix() for r in results for item in r.staged()}
    gone = [name for name in gone if name not in written]  # an output that moved keeps its new file
    for name in gone:
        manifest.files.pop(name, None)
    return sorted(set(gone))


def _books(options: BuildOptions, plan: _Plan, results: list[AreaResult], manifest: Manifest) -> list[Staged]:
    """Make the books that are stale, from the pages every area's outputs drew."""
    staged: list[Staged] = []
    for document in plan.documents:
        inputs = plan.books.get(document.name)
        path = document.book_path(plan.year_dir)
        if inputs is None or path is None or document.front is None:
            continue
        parts = [
            (o.part, o.drawn)
            for r in results
            for o in r.outputs
            if o.document == document.name and o.part is not None and o.drawn is not None
        ]
        data, pages = render_book(document.front, plan.year, parts, options.config.words, document.per_item)
        item = stage(path, data)
        staged.append(item)
        manifest.files[path.relative_to(plan.year_dir).as_posix()] = {
            "document": document.name,
            "format": "book",
            "pages": pages,
            "bytes": item.size,
            "sha256": item.sha256,
            "inputs": inputs,
        }
    return staged


def _remove_orphans(plan: _Plan, manifest: Manifest, report: BuildReport) -> None:
    """Outputs of areas whose data file is gone (and of documents no longer declared, when every
    document was built): remove them, so the folder holds this year's outputs only."""
    areas, all_documents = plan.areas, plan.all_documents
    declared = {d.name: d for d in plan.documents}
    books = {b.relative_to(plan.year_dir).as_posix() for d in plan.documents if (b := d.book_path(plan.year_dir))}
    for name in sorted(manifest.files):
        entry = manifest.files[name]
        area, document, fmt = entry.get("area"), entry.get("document"), entry.get("format")
        spec = declared[document].spec if document in declared else None
        orphan = (
            (area is not None and area not in areas)
            or (all_documents and document is not None and document not in declared)
            or (spec is not None and fmt not in ("book", *spec.formats))  # a format no longer declared
            or (all_documents and fmt == "book" and name not in books)  # a book no longer made there
        )
        if orphan:
            remove(plan.year_dir / name)
            del manifest.files[name]
            report.removed.append(plan.year_dir / name)
    for document in list(manifest.made):
        if all_documents and document not in declared:
            del manifest.made[document]
            continue
        for area in list(manifest.made[document]):
            if area not in areas:
                del manifest.made[document][area]


def _summarise(plan: _Plan, manifest: Manifest, report: BuildReport) -> None:
    """Pages, books and notes of the year as the folder now holds them."""
    outputs: dict[tuple[str, str], dict[str, Any]] = {}
    for name, entry in manifest.files.items():
        if entry.get("format") == "book":
            report.books[name] = entry["pages"]
        elif "area" in entry:
            outputs.setdefault((entry["area"], entry.get("output", name.rsplit(".", 1)[0])), entry)
    report.pages = sum(entry["pages"] for entry in outputs.values())
    ordered = sorted(outputs, key=lambda key: (area_sort_key(key[0]), key[1]))
    report.notes = list(dict.fromkeys(note for key in ordered for note in outputs[key].get("notes", [])))
