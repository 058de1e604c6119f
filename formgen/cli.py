"""Command line: the one place where errors become messages and exit codes.

Exit codes: 0 success, 1 build failure (I/O, an area failed), 2 invalid input
(data, layout, fonts, options), 70 internal error (a bug: please report it),
130 interrupted.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import FormgenError

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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@reports_errors
def validate(paths: tuple[Path, ...]) -> None:
    """Check data files (default: everything under data/).

    Prints one line per valid file; lists every problem of every invalid file
    as file:line: field: message and exits with status 2.
    """
    from .datafiles import expand, load
    from .errors import InputError

    files = expand(list(paths) or [Path("data")])
    if not files:
        raise InputError.single(", ".join(map(str, paths)) or "data", None, "", "no data files (*.yaml) found")
    failed: list[str] = []
    for datafile in files:
        try:
            record = load(datafile)
        except InputError as exc:
            failed.extend(exc.lines())
            continue
        click.echo(
            f"{datafile.display}: ok — {record.fiscal_year.long} 政策分野{record.area.number} {record.area.name}: "
            f"{len(record.measures)} measures, {len(record.kpis)} KPIs, {len(record.projects)} projects"
        )
    if failed:
        _fail(failed, 2)


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schema"),
    show_default=True,
    help="Folder for the JSON Schema files.",
)
@reports_errors
def schema(out_dir: Path) -> None:
    """Write JSON Schemas for the data (and layout) files, for editors such as VS Code."""
    from .schema import write_schemas

    for path in write_schemas(out_dir):
        click.echo(str(path))


def folder_option(name: str, help_text: str) -> Callable[[F], F]:
    """``--name DIR`` defaulting to ./name, passed as ``name_dir``."""
    return click.option(
        f"--{name}",
        f"{name}_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path(name),
        show_default=True,
        help=help_text,
    )


DATA_OPTION = folder_option("data", "Folder of data files, one subfolder per fiscal year.")
LAYOUTS_OPTION = folder_option("layouts", "Folder of layout files.")
FONTS_OPTION = folder_option("fonts", "Folder of TrueType font files.")
OUT_OPTION = folder_option("out", "Folder for the outputs.")


@main.command()
@click.argument("datafile", type=click.Path(path_type=Path, dir_okay=False))
@LAYOUTS_OPTION
@FONTS_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def plan(datafile: Path, layouts_dir: Path, fonts_dir: Path, fmt: str) -> None:
    """Print the plan of one data file: every row, cell, line and page break (for review and golden tests)."""
    import json

    from .build import LAYOUT_FILE
    from .compose import compose
    from .datafiles import describe, load
    from .layout.load import load_layout

    layout = load_layout(layouts_dir / LAYOUT_FILE, fonts_dir)
    document = compose(layout, load(describe(datafile)))
    if fmt == "json":
        click.echo(json.dumps(document.to_data(), ensure_ascii=False, indent=1))
    else:
        click.echo(document.to_text(), nl=False)


@main.command()
@DATA_OPTION
@LAYOUTS_OPTION
@FONTS_OPTION
@OUT_OPTION
@reports_errors
def build(data_dir: Path, layouts_dir: Path, fonts_dir: Path, out_dir: Path) -> None:
    """Build the workbooks and PDFs of the latest year into out/<year>/."""
    from .build import BuildOptions
    from .build import build as run_build

    report = run_build(BuildOptions(data_dir=data_dir, layouts_dir=layouts_dir, fonts_dir=fonts_dir, out_dir=out_dir))
    for path in report.written:
        click.echo(str(path))
    click.echo(f"{report.year.long}: {len(report.written)} files, {report.pages} pages")


if __name__ == "__main__":  # pragma: no cover
    main()
