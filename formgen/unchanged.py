"""An unchanged year recognised before anything is loaded: the clerk's most frequent build.

Nothing changed is the usual answer of ``formgen build``, and finding it the full
way (formgen.yaml, the layouts and the record models validated, fonts parsed)
costs most of a second in imports alone. So every full build of the latest year
keeps, in ``out/.cache/quick.json``, the digest of what decided it: formgen's
version, the command's options, SOURCE_DATE_EPOCH, the listing of the data folder
and of the year's folder, and the sha256 of every file it read (formgen.yaml,
layouts, fonts, pictures, data files). The next build without --force, --year or
--area computes the same digest from the files as they are and, when it is the
same and every output is as the manifest says, reports the year unchanged from
the manifest. Any difference, or anything it cannot read, and the full build runs
and decides the slow way; this module decides nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import __version__
from .areas import area_sort_key
from .publish import TEMP_PREFIX, sha256_of

QUICK_FILE = "quick.json"
FORMATS = ("xlsx", "pdf")


def flags(formats: tuple[str, ...], documents: tuple[str, ...], book: bool | None, open_data: bool | None) -> str:
    """The options of a build of the latest year, every area, as one text (``book`` None: yes)."""
    chosen = sorted(formats or FORMATS)
    return json.dumps([chosen, sorted(documents), book is not False, open_data])


def record(
    cache: Path,
    options: str,
    config: Path | None,
    data: tuple[Path, Path],
    year_dir: Path,
    inputs: list[Path],
    summary: dict[str, Any],
) -> None:
    """Keep what this full build was decided by (called after it published); ``data``: the data
    folder and the year's folder in it; ``summary``: what the command says of the year besides
    the manifest's figures (its name, areas, folder)."""
    files = sorted({str(p.resolve()) for p in inputs})
    data_dir, data_year = data[0].resolve(), data[1].resolve()
    key = _key(options, config, data_dir, data_year, year_dir.resolve(), files)
    value = {
        "key": key,
        "inputs": files,
        "data_year": str(data_year),
        "year_dir": str(year_dir.resolve()),
        "summary": summary,
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".~{QUICK_FILE}"
        temporary.write_text(json.dumps(value), encoding="utf-8")
        os.replace(temporary, cache / QUICK_FILE)
    except OSError:
        pass  # only a slower next build


def forget(cache: Path) -> None:
    """A build the record does not describe ran (another year, some areas): the record may be
    outdated by it, so it goes."""
    (cache / QUICK_FILE).unlink(missing_ok=True)


def year_figures(files: dict[str, dict[str, Any]]) -> tuple[int, dict[str, int], list[str]]:
    """Pages of the year's outputs (each once, as PDF or workbook), of each book, and the notes,
    as a manifest's files list them."""
    outputs: dict[tuple[str, str], dict[str, Any]] = {}
    books: dict[str, int] = {}
    for name, entry in files.items():
        if entry.get("format") == "book":
            books[name] = entry["pages"]
        elif "area" in entry:
            outputs.setdefault((entry["area"], entry.get("output", name.rsplit(".", 1)[0])), entry)
    pages = sum(entry["pages"] for entry in outputs.values())
    ordered = sorted(outputs, key=lambda key: (area_sort_key(key[0]), key[1]))
    notes = list(dict.fromkeys(note for key in ordered for note in outputs[key].get("notes", [])))
    return pages, books, notes


def unchanged(
    options: str, config: Path | None, data_dir: Path, cache: Path
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The recorded summary and the manifest of the year's folder when nothing has changed since
    the build recorded in ``cache``, else None."""
    try:
        value = json.loads((cache / QUICK_FILE).read_text(encoding="utf-8"))
        year_dir, data_year, files = Path(value["year_dir"]), Path(value["data_year"]), value["inputs"]
        if value["key"] != _key(options, config, data_dir.resolve(), data_year, year_dir, files):
            return None
        if any(name.startswith(TEMP_PREFIX) for name in os.listdir(year_dir)):
            return None  # a build at work, or one that was killed: the full build sees to it
        manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
        entries = manifest["files"]
        if all(sha256_of(year_dir / name) == entry["sha256"] for name, entry in entries.items()):
            return value["summary"], manifest
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def folders(config: Path | None, data_dir: Path | None, out_dir: Path | None) -> tuple[Path, Path] | None:
    """The data and output folders a build would use: the options', else formgen.yaml's paths
    (read plainly: a record exists only for a formgen.yaml the full build accepted, and its digest
    is part of the key), else the defaults; None when formgen.yaml's paths are not plain texts."""
    root, paths = Path("."), dict[str, Any]()
    if config is not None:
        import yaml

        try:
            value = yaml.safe_load(config.read_text(encoding="utf-8"))
        except (OSError, ValueError, yaml.YAMLError):
            return None
        paths = (value.get("paths") if isinstance(value, dict) else None) or {}
        root = config.parent
    given = {"data": data_dir, "out": out_dir}
    found = {}
    for name, folder in given.items():
        path = paths.get(name, name) if isinstance(paths, dict) else None
        if folder is None and not isinstance(path, str):
            return None
        found[name] = folder if folder is not None else root / str(path)
    return found["data"], found["out"]


def _key(options: str, config: Path | None, data_dir: Path, data_year: Path, year_dir: Path, files: list[str]) -> str:
    """Everything that decides a build of the latest year, as one digest (OSError: a folder is gone)."""
    digest = hashlib.sha256()
    parts = [
        __version__,
        options,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        str(config.resolve()) if config else "",
        (sha256_of(config) or "missing") if config else "",
        str(data_dir),
        json.dumps(sorted(os.listdir(data_dir))),
        str(data_year),
        json.dumps(sorted(os.listdir(data_year))),
        str(year_dir),
        *(f"{name}:{sha256_of(Path(name))}" for name in files),
    ]
    for part in parts:
        data = part.encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()
