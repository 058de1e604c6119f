"""Documents: the forms a project prints from one set of records.

A project declares its documents in formgen.yaml (``documents:``): each is a
layout, an output unit — one output per area, or one per item of a list of the
record such as ``projects`` — a file name template, the formats to write and,
optionally, a book gathering every output of the year. Without declarations a
project prints one document, today's sheet per area with the year's book.

Names of outputs are checked twice: the template when the project is loaded
(nothing but placeholders may hold a character that could leave the output
folder), and every rendered name, since a data value could hold one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .book import book_layout
from .compose.context import Context, Scope, UnknownField
from .config.load import Config
from .config.model import UNSAFE_FILE_CHARS, DocumentSpec
from .errors import ConfigError, FormgenError, InputError, Issue, ManyErrors, did_you_mean, shown
from .layout.bind import Binding, Unbound, resolve
from .layout.load import LoadedLayout, load_layout
from .layout.model import DEFERRED, PLACEHOLDER, pad_problem, padded, placeholder_parts
from .records.members import list_item
from .records.model import PolicyArea
from .yamlsource import Loc, Source, format_loc

MAX_NAME = 120
"""characters of a rendered file name"""


@dataclass(frozen=True)
class Document:
    """A declared document with its layouts loaded and checked."""

    name: str
    spec: DocumentSpec
    layout: LoadedLayout
    front: LoadedLayout | None
    """the layout of its book's cover and contents, when it has a book and one is wanted"""

    @property
    def per_item(self) -> bool:
        return self.spec.each != "area"

    def folder(self, year_dir: Path) -> Path:
        return year_dir / self.spec.folder if self.spec.folder else year_dir

    def book_path(self, year_dir: Path) -> Path | None:
        book = self.spec.book
        return self.folder(year_dir) / f"{book.file}.pdf" if book is not None else None


@dataclass(frozen=True)
class Output:
    """What one output of a document holds: a whole area, or one item of it."""

    stem: str
    """the file name without extension"""
    title: str
    """its title in the book's contents and bookmarks"""
    item: Scope | None = None
    """the item (with where it is in the data file) for one output per item"""
    place: str = ""
    """where the item is in the data file (file:line), for messages; empty for a whole area"""


def load_documents(
    config: Config, layouts_dir: Path, fonts_dir: Path, names: tuple[str, ...] = (), books: bool = True
) -> list[Document]:
    """The declared documents (those named, or all), their layouts loaded and bound: every problem
    of every document at once."""
    check_names(config, names)
    declared = config.spec.declared_documents()
    _check_books(config, declared)
    documents: list[Document] = []
    failed: list[FormgenError] = []
    for name, spec in declared.items():
        if names and name not in names:
            continue
        try:
            documents.append(_load(config, name, spec, layouts_dir, fonts_dir, books))
        except FormgenError as exc:
            failed.append(exc)
    if len(failed) == 1:
        raise failed[0]
    if failed:
        lines = list(dict.fromkeys(line for exc in failed for line in exc.lines()))
        raise ManyErrors(lines, "the documents above cannot be made")
    return documents


def book_layout_problems(config: Config, layouts_dir: Path, fonts_dir: Path) -> list[str]:
    """What is wrong with the declared documents' book layouts (validate reports it beside the
    documents, which it lays out all the same)."""
    problems: list[str] = []
    for name, spec in config.spec.declared_documents().items():
        if spec.book is None:
            continue
        try:
            book_layout(
                _layout_file(config, layouts_dir, spec.book.layout, ("documents", name, "book", "layout")),
                fonts_dir,
                config,
            )
        except FormgenError as exc:
            problems.extend(exc.lines())
    return list(dict.fromkeys(problems))


def check_names(config: Config, names: tuple[str, ...]) -> None:
    """Documents named on the command line must be declared."""
    declared = config.spec.declared_documents()
    unknown = [n for n in names if n not in declared]
    if unknown:
        message = f"no document {', '.join(unknown)} in formgen.yaml (declared: {', '.join(declared)})"
        raise InputError.single("--document", None, "", message)


def _check_books(config: Config, declared: dict[str, DocumentSpec]) -> None:
    """Two documents' books must not be one file."""
    seen: dict[str, str] = {}
    problems = []
    for name, spec in declared.items():
        if spec.book is None:
            continue
        path = f"{spec.folder}/{spec.book.file}" if spec.folder else spec.book.file
        if path in seen:
            message = f"{path}.pdf is the book of {seen[path]} already; give this book another file or folder"
            problems.append(_issue(config, ("documents", name, "book", "file"), message))
        seen.setdefault(path, name)
    if problems:
        raise ConfigError(problems)


def _load(config: Config, name: str, spec: DocumentSpec, layouts_dir: Path, fonts_dir: Path, books: bool) -> Document:
    root = config.models.area
    loc: Loc = ("documents", name)
    binding = Binding(root, config.texts, config.words)
    if spec.each != "area":
        try:
            binding.item = list_item(resolve(binding.scopes(), spec.each, "items", root))
        except Unbound as exc:
            raise ConfigError([_issue(config, loc + ("each",), str(exc))]) from None
    problems = list(_template_problems(binding, spec, loc))
    if problems:
        raise ConfigError([_issue(config, where, message) for where, message in problems])
    path = _layout_file(config, layouts_dir, spec.layout, loc + ("layout",))
    layout = load_layout(path, fonts_dir, binding, assets_dir=config.folder("assets"))
    front = None
    if books and spec.book is not None:
        front_path = _layout_file(config, layouts_dir, spec.book.layout, loc + ("book", "layout"))
        front = book_layout(front_path, fonts_dir, config)
    return Document(name, spec, layout, front)


def _layout_file(config: Config, layouts_dir: Path, file: str, loc: Loc) -> Path:
    """A document's layout file; one that is not there is formgen.yaml's mistake, named at the
    line that names it, with the layouts there are."""
    path = layouts_dir / file
    if path.is_file() or not layouts_dir.is_dir():  # no folder at all: said as such by the loader
        return path
    there = sorted(p.name for p in layouts_dir.glob("*.yaml"))
    hint = did_you_mean(file, there)
    listed = ", ".join(there[:LISTED]) + (", …" if len(there) > LISTED else "")
    holds = f" ({layouts_dir} holds {listed})" if there else f" ({layouts_dir} holds no layouts)"
    raise ConfigError([_issue(config, loc, f"{path}: no such file{hint}{holds}")])


LISTED = 12
"""layout files a message lists"""


def _template_problems(binding: Binding, spec: DocumentSpec, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Fields of the file name and title templates that name nothing, and bad paddings."""
    for key, template in (("file", spec.file), ("title", spec.title_template())):
        for match in PLACEHOLDER.finditer(template or ""):
            if match.group(1) is None:
                continue  # {{ or }}: a brace
            path = placeholder_parts(match.group(1))[0]
            if not path:
                yield loc + (key,), "{} names no field; write the field's name, e.g. {number}"
                continue
            if path in DEFERRED:
                yield loc + (key,), f"{{{path}}} is a page number, which a {key} name has not"
                continue
            problem = pad_problem(match.group(1))
            if problem:
                yield loc + (key,), problem
            try:
                resolve(binding.scopes(), path, "template", binding.root)
            except Unbound as exc:
                yield loc + (key,), str(exc)


def _issue(config: Config, loc: Loc, message: str) -> Issue:
    if config.source is not None:
        return config.source.issue(loc, message)
    return Issue("formgen.yaml", None, format_loc(loc), message)


# --------------------------------------------------------------------------- outputs of one record


def outputs(document: Document, record: PolicyArea, area_id: str, source: Source | None = None) -> list[Output]:
    """The outputs of ``document`` for one area's record, in the record's order (``source``: the
    record's YAML, so that each output says where its item is)."""
    binding = document.layout.binding
    ctx = Context.of(record, binding.texts, binding.words, source)
    spec = document.spec
    if not document.per_item:
        stem = output_name(ctx, spec.file, document) if spec.file else area_id
        return [Output(stem, _title(ctx, spec, document))]
    found = ctx.lookup(spec.each)
    items = found.value or []
    out = []
    for index, item in enumerate(items):
        loc = None if found.loc is None else found.loc + (index,)
        item_ctx = ctx.child(item, loc)
        assert spec.file is not None  # checked when the document was declared
        where = ctx.place_of(loc) if loc is not None else None
        place = "" if where is None else (f"{where.file}:{where.line}" if where.line is not None else where.file)
        name = output_name(item_ctx, spec.file, document)
        out.append(Output(name, _title(item_ctx, spec, document), Scope(item, loc), place))
    return out


def _title(ctx: Context, spec: DocumentSpec, document: Document) -> str:
    try:
        return ctx.fill(spec.title_template())[0]
    except UnknownField as exc:  # pragma: no cover - bound when the document was loaded
        raise InputError.single("formgen.yaml", None, f"documents.{document.name}.title", str(exc)) from None


def output_name(ctx: Context, template: str, document: Document) -> str:
    """A file name from its template; ``{number:02}`` pads a number with zeros. A name a data
    value would make unsafe (a slash, a leading dot, too long) is refused at the item's line."""

    filled: list[tuple[str, Loc | None]] = []

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        path, pad = placeholder_parts(match.group(1))
        found = ctx.lookup(path)
        text = "" if found.value is None else str(found.value)
        filled.append((text, found.loc))
        return padded(text, pad)

    name = PLACEHOLDER.sub(fill, template)
    problem = name_problem(name)
    if problem:
        # blame the value that holds the bad character, else the item
        loc = next((loc for text, loc in filled if loc is not None and _unsafe(text)), ctx.scopes[0].loc)
        place = ctx.place_of(loc or ())
        raise InputError([place.issue(f"document {document.name}: the file name {shown(name)} {problem}")])
    return name


def _unsafe(text: str) -> bool:
    return bool(UNSAFE_FILE_CHARS & set(text)) or any(ord(c) < 32 for c in text)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file name inside the output folder, if it cannot."""
    if not name.strip():
        return "is empty"
    bad = sorted(UNSAFE_FILE_CHARS & set(name))
    if bad or any(ord(c) < 32 for c in name):
        return f"holds {' '.join(bad) or 'a control character'}; file names cannot"
    if name.startswith(".") or name != name.strip():
        return "starts with a dot or a space; file names cannot"
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long; at most {MAX_NAME}"
    return None
