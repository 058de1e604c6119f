"""After rendering: the checks across areas, then publishing — the outputs and books put in place,
those no longer made removed, the manifest written — and the summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config.model import Words
from ..datafiles import same_area_twice
from ..documents import Document
from ..eras import FiscalYear
from ..errors import ManyErrors
from ..opendata.package import FOLDER
from ..opendata.writer import OpenDataWriter
from ..project import MANIFEST_FILE
from ..publish import Staged, StagedWriter, digest, discard, publish_all, stage
from ..unchanged import year_figures
from .inputs import FAILED, BuildOptions
from .report import BuildReport
from .stale import AreaTask, BuildPlan, Manifest, manifest_bytes
from .workers import AreaResult

if TYPE_CHECKING:
    from ..book import BookPart
    from ..book_writer import BookBuilder
    from ..writers.pdf import DrawnPages


def refuse_failures(plan: BuildPlan, tasks: list[AreaTask], results: list[AreaResult]) -> None:
    """Every area's problems, two files describing one area, two outputs named alike: all named
    at once, and nothing written."""
    failures = list(dict.fromkeys(line for r in results for line in r.errors))  # a layout's, once
    datafile_of = {task.datafile.area_id: task.datafile for task in tasks}
    twice = same_area_twice(
        [(datafile_of[r.area_id], r.area_number, r.area_line) for r in results if r.area_number is not None]
    )
    failures += [str(issue) for issue in twice]
    failures += name_clashes(plan, tasks, results)
    if failures:
        discard([s for r in results for s in r.staged()])
        raise ManyErrors(failures, FAILED)


def publish(
    options: BuildOptions,
    plan: BuildPlan,
    tasks: list[AreaTask],
    results: list[AreaResult],
    report: BuildReport,
    books: dict[str, OpenBook],
    data: OpenDataWriter | None = None,
) -> None:
    """Put the new outputs, books, open data and manifest in place and remove the outputs no longer
    made: all of it or, if anything fails, none of it (see :func:`formgen.publish.publish_all`)."""
    year_dir = plan.year_dir
    staged = [s for r in results for s in r.staged()]
    manifest = Manifest({n: e for n, e in plan.old.files.items() if (year_dir / n).exists()}, plan.old.made)
    try:
        gone = record_outputs(plan, tasks, results, manifest, report)
        staged += close_books(books, plan, manifest)
        staged += close_open_data(data, plan, manifest)
        dropped = drop_open_data(manifest) if plan.drop_open_data else []
        if not options.areas:
            gone += orphans(plan, manifest)
        staged.append(stage(year_dir / MANIFEST_FILE, manifest_bytes(plan.year, manifest)))
        publish_all(year_dir, staged, [year_dir / name for name in sorted(set(gone)) + dropped])
    except BaseException:
        discard(staged)
        raise
    report.written.extend(item.target for item in staged if item.target.name != MANIFEST_FILE)
    report.removed.extend(year_dir / name for name in sorted(set(gone)))
    report.open_data_removed = year_dir / FOLDER if dropped else None
    summarise(plan, manifest, report)


def name_clashes(plan: BuildPlan, tasks: list[AreaTask], results: list[AreaResult]) -> list[str]:
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


def record_outputs(
    plan: BuildPlan, tasks: list[AreaTask], results: list[AreaResult], manifest: Manifest, report: BuildReport
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
                        "inputs": digest(inputs, fmt),
                        **({"notes": output.notes} if output.notes else {}),
                    }
        if any(job.formats for job in jobs[area]):
            report.built.append(area)
    written = {item.target.relative_to(plan.year_dir).as_posix() for r in results for item in r.staged()}
    gone = [name for name in gone if name not in written]  # an output that moved keeps its new file
    for name in gone:
        manifest.files.pop(name, None)
    return sorted(set(gone))


@dataclass
class OpenBook:
    """A stale book, written while its document's outputs are made (its file is opened when
    its first part comes, so a build that fails at once writes nothing)."""

    document: Document
    inputs: str
    path: Path
    year: FiscalYear
    words: Words
    file: StagedWriter | None = None
    builder: BookBuilder | None = None

    def open(self) -> BookBuilder:
        if self.file is None or self.builder is None:
            from ..book_writer import BookBuilder  # the book's modules load only when a book is written

            assert self.document.front is not None
            self.file = StagedWriter(self.path)
            front, per_item = self.document.front, self.document.per_item
            self.builder = BookBuilder(front, self.year, self.words, self.file, per_item)
        return self.builder

    def add(self, part: BookPart, drawn: DrawnPages) -> None:
        self.open().add(part, drawn)


def open_books(options: BuildOptions, plan: BuildPlan) -> dict[str, OpenBook]:
    """The stale books: their parts go in as the areas are made."""
    books: dict[str, OpenBook] = {}
    for document in plan.documents:
        inputs = plan.books.get(document.name)
        path = document.book_path(plan.year_dir)
        if inputs is None or path is None or document.front is None:
            continue
        books[document.name] = OpenBook(document, inputs, path, plan.year, options.config.words)
    return books


def feed_books(books: dict[str, OpenBook], result: AreaResult) -> None:
    """An area's outputs into their books (areas come in book order), then let go of their pages:
    the main process holds one area's at a time, not the year's."""
    for output in result.outputs:
        book = books.get(output.document)
        if book is not None and output.part is not None and output.drawn is not None:
            book.add(output.part, output.drawn)
        output.part = output.drawn = None


def close_books(books: dict[str, OpenBook], plan: BuildPlan, manifest: Manifest) -> list[Staged]:
    """Finish every open book (its front matter now that its parts are known); staged files."""
    staged: list[Staged] = []
    for book in books.values():
        pages = book.open().finish()  # a book of no outputs: the front matter alone
        assert book.file is not None
        item = book.file.finish()
        staged.append(item)
        manifest.files[item.target.relative_to(plan.year_dir).as_posix()] = {
            "document": book.document.name,
            "format": "book",
            "pages": pages,
            "bytes": item.size,
            "sha256": item.sha256,
            "inputs": book.inputs,
        }
    return staged


def abort_books(books: dict[str, OpenBook]) -> None:
    for book in books.values():
        if book.file is not None:
            book.file.abort()


OPEN_DATA = "open_data"
"""the manifest's format of the open data's files"""


def open_open_data(options: BuildOptions, plan: BuildPlan) -> OpenDataWriter | None:
    """The data set, when it is stale: every area's part goes in as the areas are made."""
    if plan.open_data is None:
        return None
    return OpenDataWriter(plan.year_dir / FOLDER, plan.year, options.config)


def feed_open_data(data: OpenDataWriter | None, result: AreaResult) -> None:
    """An area's part into the data set (areas come in order), then let go of it: the main
    process holds one area's part at a time, not the year's."""
    if data is not None and result.open_data is not None:
        data.add(result.open_data)
    result.open_data = None


def close_open_data(data: OpenDataWriter | None, plan: BuildPlan, manifest: Manifest) -> list[Staged]:
    """Finish the data set (its descriptor now that its files are known); its staged files."""
    if data is None or plan.open_data is None:
        return []
    staged = data.finish()
    for name, item in staged.items():
        manifest.files[f"{FOLDER}/{name}"] = {
            "format": OPEN_DATA,
            "bytes": item.size,
            "sha256": item.sha256,
            "inputs": plan.open_data,
            **({"rows": data.rows[name.removesuffix(".csv")]} if name.endswith(".csv") else {}),
        }
    return list(staged.values())


def drop_open_data(manifest: Manifest) -> list[str]:
    """The last build's open data, taken out of the manifest: the files to remove (it is turned off)."""
    gone = sorted(name for name, entry in manifest.files.items() if entry.get("format") == OPEN_DATA)
    for name in gone:
        del manifest.files[name]
    return gone


def orphans(plan: BuildPlan, manifest: Manifest) -> list[str]:
    """Outputs of areas whose data file is gone (and of documents no longer declared, when every
    document was built), taken out of the manifest: the files to remove, so that the folder holds
    this year's outputs only."""
    found: list[str] = []
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
            del manifest.files[name]
            found.append(name)
    for document in list(manifest.made):
        if all_documents and document not in declared:
            del manifest.made[document]
            continue
        for area in list(manifest.made[document]):
            if area not in areas:
                del manifest.made[document][area]
    return found


def summarise(plan: BuildPlan, manifest: Manifest, report: BuildReport) -> None:
    """Pages, books and notes of the year as the folder now holds them."""
    report.pages, books, report.notes = year_figures(manifest.files)
    report.books.update(books)
