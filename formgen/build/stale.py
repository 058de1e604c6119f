"""What a build has to make: the inputs of every output, the last build's manifest, and what is stale.

Every output is made from inputs whose digest the manifest keeps (data, layout,
fonts, pictures, formgen.yaml, the documents' date, formgen's version and code); an
output whose inputs are unchanged and whose file is as the last build left it
is not made again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, identity
from ..datafiles import DataFile
from ..documents import Document
from ..eras import FiscalYear
from ..layout.load import LoadedLayout
from ..opendata.package import DATA_FILES, FOLDER, created
from ..project import MANIFEST_FILE
from ..publish import digest, document_time, sha256_of
from .cache import cache_folder
from .inputs import BuildOptions
from .report import BuildReport


def layoutdigest(layout: LoadedLayout) -> str:
    """Everything of a layout that shapes the output: its text, its font files and its pictures."""
    pictures = sorted(f"{name}:{picture.digest}" for name, picture in layout.images.items())
    return digest(layout.digest, *sorted({face.digest for face in layout.faces.values()}), *pictures)


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


def current(entry: dict[str, Any] | None, inputs: str, path: Path) -> bool:
    """Whether ``path`` is the output the last build made from the same inputs, untouched since."""
    return entry is not None and entry.get("inputs") == inputs and entry.get("sha256") == sha256_of(path)


def documentdigest(document: Document) -> str:
    """Everything of a document that shapes its outputs: its declaration, its layout and fonts."""
    return digest(document.spec.model_dump_json(), layoutdigest(document.layout))


@dataclass(frozen=True)
class DocumentJob:
    """What to make of one document for one area."""

    document: str
    formats: tuple[str, ...]
    """the formats to write; none when the outputs are current and only their pages are wanted"""
    want_pages: bool
    """the document's book is made: keep the drawn pages"""
    inputs: str
    """the digest of everything its outputs are made from (their drawn pages are kept under it)"""


@dataclass(frozen=True)
class AreaTask:
    datafile: DataFile
    digest: str
    """sha256 of the data file as the build planned with it: the worker renders those bytes only"""
    year_dir: Path
    jobs: tuple[DocumentJob, ...]
    cache: Path
    """where drawn pages are kept between builds (see :mod:`formgen.build.cache`)"""
    open_data: str | None = None
    """when the data set is made: the digest of what the area's part of it is made from (its data,
    formgen.yaml, formgen's version and code), under which the part is kept between builds"""


@dataclass
class BuildPlan:
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
    cache: Path = Path()
    """where drawn pages are kept between builds"""
    open_data: str | None = None
    """the inputs digest of the open data, when it is to be made"""
    drop_open_data: bool = False
    """the open data is turned off: the last build's is removed"""
    open_data_parts: dict[str, str] = field(default_factory=dict)
    """area → the digest of what its part of the open data is made from (its data, formgen.yaml,
    formgen's version and code), when the open data is wanted"""


def plan_build(
    options: BuildOptions,
    year: FiscalYear,
    year_dir: Path,
    documents: list[Document],
    digests: dict[str, str],
    every_area: set[str],
) -> BuildPlan:
    config = options.config
    old = read_manifest(year_dir / MANIFEST_FILE)
    # the documents' date is an input too: SOURCE_DATE_EPOCH changes the bytes of every file
    when = document_time().isoformat()
    inputs: dict[tuple[str, str], str] = {}
    books: dict[str, str] = {}
    for document in documents:
        made_of = digest(documentdigest(document), config.forms_digest)
        for area, data in digests.items():
            inputs[(document.name, area)] = digest(identity(), document.name, made_of, when, data)
        book_path = document.book_path(year_dir)
        if document.front is None or book_path is None:
            continue
        book_inputs = digest(
            identity(),
            layoutdigest(document.front),
            made_of,
            *(f"{a}:{inputs[(document.name, a)]}" for a in digests),
        )
        name = book_path.relative_to(year_dir).as_posix()
        if options.force or not current(old.files.get(name), book_inputs, book_path):
            books[document.name] = book_inputs
    cache = cache_folder(options.out_dir, year.short)
    plan = BuildPlan(year, year_dir, documents, old, inputs, books, every_area, not options.documents, cache)
    if options.open_data_wanted():
        parts_of = digest(identity(), FOLDER, config.forms_digest)  # a licence changes no area's rows
        plan.open_data_parts = {area: digest(parts_of, data) for area, data in digests.items()}
        data_inputs = open_data_inputs(config.digest, digests)
        if options.force or not open_data_current(old, year_dir, data_inputs):
            plan.open_data = data_inputs
    elif not options.areas:
        plan.drop_open_data = True
    return plan


def open_data_inputs(config_digest: str, digests: dict[str, str]) -> str:
    """What the open data is made from: every area's data, formgen.yaml (words, declared fields,
    licence), formgen's version and code, and its date when SOURCE_DATE_EPOCH gives one. Not the layouts:
    they change how the forms look, not what the data says."""
    return digest(identity(), FOLDER, config_digest, created() or "", *(f"{a}:{d}" for a, d in digests.items()))


def open_data_current(old: Manifest, year_dir: Path, inputs: str) -> bool:
    """Whether every file of the data set is the one the last build made from the same inputs."""
    return all(current(old.files.get(f"{FOLDER}/{n}"), inputs, year_dir / FOLDER / n) for n in DATA_FILES)


def stale_formats(plan: BuildPlan, document: Document, area: str, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of this document's outputs for this area to write again: all when its inputs
    changed, else those with a file missing or changed since the last build."""
    inputs = plan.inputs[(document.name, area)]
    made = plan.old.made.get(document.name, {}).get(area)
    if not isinstance(made, dict) or made.get("inputs") != inputs:
        return formats
    stale = []
    for fmt in formats:
        names = [f"{path}.{fmt}" for path in made.get("outputs", [])]
        fmt_inputs = digest(inputs, fmt)
        if not all(current(plan.old.files.get(n), fmt_inputs, plan.year_dir / n) for n in names):
            stale.append(fmt)
    return tuple(stale)


def area_tasks(
    options: BuildOptions, plan: BuildPlan, datafiles: list[DataFile], digests: dict[str, str], report: BuildReport
) -> list[AreaTask]:
    tasks: list[AreaTask] = []
    for datafile in datafiles:
        area = datafile.area_id
        jobs = []
        for document in plan.documents:
            formats: tuple[str, ...] = tuple(f for f in options.formats if f in document.spec.formats)
            if not options.force:
                formats = stale_formats(plan, document, area, formats)
            want_pages = document.name in plan.books
            if formats or want_pages:
                jobs.append(DocumentJob(document.name, formats, want_pages, plan.inputs[(document.name, area)]))
        if jobs or plan.open_data is not None:  # the data set takes every area's part
            part_inputs = None if plan.open_data is None else plan.open_data_parts[area]
            tasks.append(AreaTask(datafile, digests[area], plan.year_dir, tuple(jobs), plan.cache, part_inputs))
        if not any(job.formats for job in jobs):
            report.unchanged.append(area)
    return tasks
