"""Command line: the one place where errors become messages and exit codes.

Exit codes: 0 success, 2 an area or input failed (data, layout, fonts,
options, or an area's outputs that could not be staged: all listed together),
1 the build itself could not go on (the output folder, the book or manifest
not writable, a worker process killed), 70 internal error (a bug: please
report it), 130 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from . import __version__
from .errors import FormgenError

if TYPE_CHECKING:
    from .config.load import Config
    from .eras import FiscalYear
    from .plan import DocumentPlan
    from .records import SourcedRecord

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("formgen")


def _fail(lines: list[str], code: int) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


def reports_errors(command: F) -> F:
    """Run a command, turning every exception into a message and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except FormgenError as exc:
            _fail(exc.lines(), exc.exit_code)
        except KeyboardInterrupt:
            _fail(["interrupted"], 130)
        except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except OSError as exc:  # a folder or file the user named cannot be read or written
            where = exc.filename or ""
            _fail([f"{where}: {exc.strerror or exc}" if where else f"{exc.strerror or exc}"], 1)
        except click.exceptions.Exit:
            raise
        except Exception as exc:  # a bug: say so plainly, keep the traceback for those who ask
            if os.environ.get("FORMGEN_DEBUG"):
                traceback.print_exc()
            _fail(
                [
                    f"internal error: {type(exc).__name__}: {exc}",
                    "This is a bug in formgen. Run again with FORMGEN_DEBUG=1 for details and report it.",
                ],
                70,
            )

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formgen")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def main(verbose: int) -> None:
    """formgen: 施策評価票 from YAML records to xlsx workbooks and PDFs."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The project's formgen.yaml (words, texts, declared fields, folders).  [default: ./formgen.yaml if any]",
)


def _project(config_path: Path | None) -> Config:
    from .config.load import find_config

    return find_config(config_path)


def folder_option(name: str, help_text: str) -> Callable[[F], F]:
    """``--name DIR`` passed as ``name_dir``; default: the project's folder (formgen.yaml paths, or ./name)."""
    return click.option(
        f"--{name}",
        f"{name}_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help=f"{help_text}  [default: {name}]",
    )


DATA_OPTION = folder_option("data", "Folder of data files, one subfolder per fiscal year.")
LAYOUTS_OPTION = folder_option("layouts", "Folder of layout files.")
FONTS_OPTION = folder_option("fonts", "Folder of TrueType font files.")
OUT_OPTION = folder_option("out", "Folder for the outputs.")


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for the JSON Schema files.  [default: schema]",
)
@CONFIG_OPTION
@reports_errors
def schema(out_dir: Path | None, config_path: Path | None) -> None:
    """Write JSON Schemas for the data, layout and formgen.yaml files, for editors such as VS Code.

    The data schema includes the fields the project declares in formgen.yaml.
    """
    from .schema import write_schemas

    project = _project(config_path)
    for path in write_schemas(out_dir or project.folder("schema"), project):
        click.echo(str(path))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, readable=False))  # reported as file errors
@click.option(
    "--layouts",
    "layouts_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of layout files; each valid file is then laid out too.  [default: layouts, when it exists]",
)
@FONTS_OPTION
@CONFIG_OPTION
@reports_errors
def validate(
    paths: tuple[Path, ...], layouts_dir: Path | None, fonts_dir: Path | None, config_path: Path | None
) -> None:
    """Check data files (default: everything under data/).

    With the project's layout (layouts/ by default), every valid file is also
    laid out, so that whatever `build` would refuse (a character the font
    lacks, a header too long) is reported here. Prints one line per valid
    file; lists every problem of every invalid file as file:line: field:
    message and exits with status 2.
    """
    from .build import LAYOUT_FILE
    from .compose import compose
    from .datafiles import DataFile, expand, load_all
    from .documents import Document, book_layout_problems, load_documents, outputs
    from .errors import DataError, FontError, FormgenError, InputError
    from .newyear import still_marked

    project = _project(config_path)
    unique: dict[Path, DataFile] = {}
    for datafile in expand(list(paths) or [project.folder("data")]):  # a file named twice is checked once
        unique.setdefault(datafile.path.resolve(), datafile)
    files = list(unique.values())
    if not files:
        raise InputError.single(", ".join(map(str, paths)) or "data", None, "", "no data files (*.yaml) found")
    failed: list[str] = []
    documents: list[Document] = []
    folder = layouts_dir or project.folder("layouts")
    unlaid = ""
    if layouts_dir is not None or (folder / LAYOUT_FILE).exists():
        fonts = fonts_dir or project.folder("fonts")
        try:  # every declared document, as build would make them
            documents = load_documents(project, folder, fonts, books=False)
        except FormgenError as exc:  # reported with the data's problems, which are still checked
            failed.extend(exc.lines())
            unlaid = " (data only: not laid out, the layout has errors below)"
        failed.extend(book_layout_problems(project, folder, fonts))  # the documents are laid out all the same
    loaded, problems = load_all(files, config=project)
    failed.extend(problems)
    area = project.words.area
    for datafile, sourced in loaded:
        record, source = sourced.record, sourced.source
        for note in still_marked(datafile.display, datafile.path.read_bytes()):
            click.echo(f"note: {note}", err=True)
        pages = ""
        try:
            counts: list[tuple[str, int]] = []
            for document in documents:
                made = [
                    compose(document.layout, record, o.item, source)
                    for o in outputs(document, record, datafile.area_id, source)
                ]
                counts.append((document.name, sum(plan.pages for plan in made)))
                for note in dict.fromkeys(note for plan in made for note in plan.notes):
                    click.echo(f"note: {note}", err=True)
                too_long = [plan.too_long for plan in made if plan.too_long is not None]
                if too_long:
                    raise DataError(too_long)
        except (InputError, FontError) as exc:
            failed.extend(exc.lines())
            continue
        if counts:  # the first document's pages, then the others' by name
            pages = f", {_pages(counts[0][1])}" + "".join(f" + {n} ({name})" for name, n in counts[1:])
        click.echo(
            f"{datafile.display}: ok — {record.fiscal_year.long} {area}{record.area.number} {record.area.name}: "
            f"{len(record.measures)} measures, {len(record.kpis)} KPIs, {len(record.projects)} projects{pages}"
            f"{unlaid}"
        )
    if failed:
        _fail(failed, 2)


@main.command()
@click.argument("datafile", type=click.Path(path_type=Path, dir_okay=False))
@LAYOUTS_OPTION
@FONTS_OPTION
@CONFIG_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--document",
    "document_name",
    help="Lay the file out as this document of formgen.yaml (e.g. project_sheet): every output it makes "
    "of the file, each headed by its file name (default: the 施策評価票, layouts/policy_area.yaml).",
)
@reports_errors
def plan(
    datafile: Path,
    layouts_dir: Path | None,
    fonts_dir: Path | None,
    config_path: Path | None,
    fmt: str,
    document_name: str | None,
) -> None:
    """Print the plan of one data file: every row, cell, line and page break (for review and golden tests)."""
    import json

    from .datafiles import describe, load

    project = _project(config_path)
    layouts, fonts = layouts_dir or project.folder("layouts"), fonts_dir or project.folder("fonts")
    described = describe(datafile)
    sourced = load(described, config=project)
    plans = _plans(project, layouts, fonts, sourced, described.area_id, document_name)
    for _, document in plans:
        if document.too_long is not None:  # the plan is what to look at to shorten it
            click.echo(f"note: {document.too_long}", err=True)
    if fmt == "json":
        data = plans[0][1].to_data() if document_name is None else {stem: p.to_data() for stem, p in plans}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for stem, document in plans:
        if document_name is not None:
            click.echo(f"== {stem} ==")
        click.echo(document.to_text(), nl=False)


def _plans(
    project: Config, layouts: Path, fonts: Path, sourced: SourcedRecord, area_id: str, document_name: str | None
) -> list[tuple[str, DocumentPlan]]:
    """The plans of one data file: the 施策評価票's, or every output of the named document."""
    from .build import area_layout
    from .compose import compose
    from .documents import load_documents, outputs

    record, source = sourced.record, sourced.source
    if document_name is None:
        return [(area_id, compose(area_layout(layouts, fonts, project), record, source=source))]
    [document] = load_documents(project, layouts, fonts, (document_name,), books=False)
    made = outputs(document, record, area_id, source)
    return [(output.stem, compose(document.layout, record, output.item, source)) for output in made]


def _year(ctx: click.Context, param: click.Parameter, value: str | None) -> FiscalYear | None:
    from .eras import FiscalYear

    if value is None:
        return None
    try:
        return FiscalYear.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.option(
    "--year", callback=_year, help="Fiscal year to build, e.g. R7 or 令和7年度 (default: the latest in --data)."
)
@click.option("--area", "areas", multiple=True, help="Build only this area (repeatable), e.g. --area 37.")
@click.option(
    "--format", "formats", multiple=True, type=click.Choice(["xlsx", "pdf"]), help="Only this format (repeatable)."
)
@DATA_OPTION
@LAYOUTS_OPTION
@FONTS_OPTION
@OUT_OPTION
@CONFIG_OPTION
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the number of cores)."
)
@click.option(
    "--book/--no-book", default=None, help="Also make the year's book (default: yes, unless --area is given)."
)
@click.option(
    "--document",
    "documents",
    multiple=True,
    help="Build only this document of formgen.yaml (repeatable), e.g. --document project_sheet.",
)
@click.option(
    "--open-data/--no-open-data",
    default=None,
    help="Also write the year's open data to out/<year>/opendata/: CSV, JSON, datapackage.json "
    "(default: as formgen.yaml's open_data.enabled says, yes unless set; never with --area).",
)
@click.option("--force", is_flag=True, help="Rebuild every output even if its inputs have not changed.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    help="Seconds to wait while another build writes the same folder (then stop, naming it).",
)
@reports_errors
def build(
    year: FiscalYear | None,
    areas: tuple[str, ...],
    formats: tuple[str, ...],
    data_dir: Path | None,
    layouts_dir: Path | None,
    fonts_dir: Path | None,
    out_dir: Path | None,
    config_path: Path | None,
    jobs: int | None,
    book: bool | None,
    documents: tuple[str, ...],
    open_data: bool | None,
    force: bool,
    wait: float,
) -> None:
    """Build the workbooks, PDFs, books, open data and manifest of a year into out/<year>/.

    Without options: every document declared in formgen.yaml, for every area
    of the latest year in data/. Outputs whose inputs have not changed since
    the last build are kept as they are.
    """
    if not force and year is None and not areas:
        given = {"data": data_dir, "layouts": layouts_dir, "fonts": fonts_dir, "out": out_dir}
        shown = _unchanged(config_path, given, formats, documents, book, open_data)
        if shown:
            return
    from .build import FORMATS, BuildOptions
    from .build import build as run_build
    from .build.inputs import FAILED
    from .errors import InputError, ManyErrors

    try:
        project = _project(config_path)
    except InputError as exc:  # said as the data's and layouts' mistakes are: what it means for the outputs
        raise ManyErrors(exc.lines(), FAILED) from None
    if book and areas:
        raise InputError.single("--book", None, "", "the book holds every area of the year; leave out --area")
    if open_data and areas:
        message = "the open data holds every area of the year; leave out --area"
        raise InputError.single("--open-data", None, "", message)
    options = BuildOptions(
        data_dir=data_dir or project.folder("data"),
        layouts_dir=layouts_dir or project.folder("layouts"),
        fonts_dir=fonts_dir or project.folder("fonts"),
        out_dir=out_dir or project.folder("out"),
        year=year,
        areas=areas,
        formats=tuple(f for f in FORMATS if f in formats) if formats else FORMATS,
        jobs=jobs,
        book=not areas if book is None else book,
        documents=documents,
        force=force,
        wait=wait,
        config=project,
        open_data=open_data,
    )
    with _progress_bar() as progress:
        report = run_build(options, progress)
    if report.rolled_back:
        click.echo(
            f"note: a build of {report.out_dir} had been stopped while putting its files in place; "
            "its changes were rolled back before this build",
            err=True,
        )
    for path in report.written:
        log.info("wrote %s", path)
    for path in report.removed:
        click.echo(f"removed {path} (no longer made: its data or document is gone)")
    if report.open_data_removed is not None:
        click.echo(f"removed {report.open_data_removed} (the open data is turned off)")
    counts = (report.areas, len(report.built), len(report.unchanged), len(report.written), report.pages)
    _say_year(report.year.long, counts, report.books, report.seconds, report.out_dir, report.notes)
    _say_left(report.left, "formgen build" if year is None else f"formgen build --year {report.year.short}")


def _say_left(left: list[str], command: str = "formgen build") -> None:
    """The books and open data a build did not look at, which its summary lists as the folder
    holds them (see BuildReport.left); ``command`` updates them."""
    if left:
        named, was = ", ".join(left), "they were" if len(left) > 1 else "it was"
        click.echo(f"note: {named} left as {was}, not part of this build; `{command}` updates them", err=True)


def _pages(count: int) -> str:
    return f"{count} page{'' if count == 1 else 's'}"


def _say_year(
    year: str,
    counts: tuple[int, int, int, int, int],
    books: dict[str, int],
    seconds: float,
    out_dir: Path,
    notes: list[str],
) -> None:
    """The build's last line (``counts``: areas, built, unchanged, files written, pages) and its
    notes: the same whether the build ran or the quick look found nothing to do."""
    areas, built, unchanged, written, pages = counts
    book_text = "".join(f", {name} {_pages(count)}" for name, count in sorted(books.items()))
    click.echo(
        f"{year}: {areas} area{'' if areas == 1 else 's'} ({built} built, {unchanged} unchanged), "
        f"{written} file{'' if written == 1 else 's'} written, {_pages(pages)}{book_text}, {seconds:.1f} s → {out_dir}"
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)


def _unchanged(
    config_path: Path | None,
    given: dict[str, Path | None],
    formats: tuple[str, ...],
    documents: tuple[str, ...],
    book: bool | None,
    open_data: bool | None,
) -> bool:
    """Say the year is unchanged, as the full build would, when a quick look finds nothing changed
    since the last build (see formgen.unchanged); False when the full build must run."""
    import time

    from . import unchanged as quick
    from .project import config_file

    started = time.perf_counter()
    config = config_file(config_path)
    folders = quick.folders(config, given)
    if folders is None:
        return False
    seen = quick.unchanged(quick.flags(formats, documents, book, open_data), config, folders)
    if seen is None:
        return False
    summary, manifest, year_dir = seen
    pages, books, notes = quick.year_figures(manifest["files"])
    areas = summary["areas"]
    _say_year(summary["year"], (areas, 0, areas, 0, pages), books, time.perf_counter() - started, year_dir, notes)
    left = summary.get("left")
    _say_left(left if isinstance(left, list) and all(isinstance(n, str) for n in left) else [])
    return True


@main.command("new-year")
@DATA_OPTION
@CONFIG_OPTION
@click.option("--from", "source", callback=_year, help="Year to roll forward (default: the latest in --data).")
@click.option(
    "--force",
    is_flag=True,
    help="Replace data files already in the next year's folder, and roll a year whose lines are still marked 要更新.",
)
@reports_errors
def new_year(data_dir: Path | None, config_path: Path | None, source: FiscalYear | None, force: bool) -> None:
    """Start next year's data from this year's: data/R7 → data/R8.

    Targets, projects and texts are kept for editing; the year just ended
    waits for its actuals. Prints, with file and line, what must be updated
    (the same notes are written as comments in the new files).
    """
    from .newyear import new_year as roll

    project = _project(config_path)
    report = roll(data_dir or project.folder("data"), source, force, project)
    for path in report.files:
        click.echo(f"wrote {path}")
    count = len(report.files)
    click.echo(f"{report.source.long} → {report.target.long}: {count} area{'' if count == 1 else 's'}; to update:")
    for issue in report.todo:
        click.echo(f"  {issue}")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@reports_errors
def init(directory: Path) -> None:
    """Create a new project folder with layouts, fonts and a sample area."""
    from .skeleton import init_project

    for path in init_project(directory):
        click.echo(f"created {path}")
    here = directory.resolve() == Path.cwd().resolve()
    click.echo("next: formgen build" if here else f"next: cd {directory} && formgen build")


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal; nothing when the output goes to a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None

    def update(done: int, total: int, area: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="building", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.label = f"area {area}"
        bar.update(1)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def run() -> None:
    """``formgen`` as installed (the console script, ``python -m formgen.cli``): the command, then
    :func:`leave` with its exit code."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):  # sys.exit("message"): as Python does
        print(code, file=sys.stderr)
        code = 1
    leave(code or 0)


def leave(code: int) -> NoReturn:
    """End the process once a command has returned: every file it wrote is closed (and synced),
    its messages are flushed here, and nothing is left to run, so tearing the interpreter down
    (freeing every module, model and font one by one: some 40 ms after a build of 42 areas)
    would serve nobody. mypy's command ends the same way."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (`| head`): as reports_errors ends then
            code = code or 141
        except OSError:  # the output could not be written (a full disk): as Python ends then
            code = code or 120
        except ValueError:  # closed: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
