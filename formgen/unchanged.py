"""An unchanged year recognised before anything is loaded: the clerk's most frequent build.

Nothing changed is the usual answer of ``formgen build``, and finding it the full
way (formgen.yaml, the layouts and the record models validated, fonts parsed)
costs most of a second in imports alone. So every full build of the latest year
keeps, in ``out/.cache/quick.json``: the digest of its options and folders,
formgen's version and code and SOURCE_DATE_EPOCH; the listing of the data folder and of the
year's folder as the build started; the sha256 of every file it read, as it read
it (formgen.yaml, layouts, fonts, pictures, data files; paths as given, so a
symlink pointed elsewhere is read anew); and the sha256 of the manifest it wrote.
The next build without --force, --year or --area checks all of it against the
files as they are and, when everything matches, reports the year unchanged from
the manifest. Any difference, or anything it cannot read, and the full build runs
and decides the slow way (a full build forgets the record before it publishes,
so one stopped on the way leaves none behind); this module decides nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from . import identity
from .areas import area_sort_key
from .project import FOLDERS, FORMATS, MANIFEST_FILE
from .publish import CACHE_FOLDER, TEMP_PREFIX, digest, sha256_of

QUICK_FILE = "quick.json"


Folders = tuple[Path, Path, Path, Path]
"""data, layouts, fonts, out"""


def flags(formats: tuple[str, ...], documents: tuple[str, ...], book: bool | None, open_data: bool | None) -> str:
    """The options of a build of the latest year, every area, as one text (``book`` None: yes)."""
    chosen = sorted(formats or FORMATS)
    return json.dumps([chosen, sorted(documents), book is not False, open_data])


def listing(data_dir: Path, data_year: Path) -> list[list[str]]:
    """What the data folder and the year's folder hold (taken as a build starts)."""
    return [sorted(os.listdir(data_dir)), sorted(os.listdir(data_year))]


def record(cache: Path, options: str, config: Path | None, folders: Folders, seen: dict[str, Any]) -> None:
    """Keep what this full build was decided by (called once it published). ``seen``: the
    listing as it started (``data_year``, ``listing``), every file it read with its sha256 as
    read (``read``), the year's folder (``year_dir``) and what the command says of the year
    besides the manifest's figures (``summary``)."""
    year_dir = Path(seen["year_dir"])
    value = {
        "key": _key(options, config, folders, Path(seen["data_year"]), seen["listing"]),
        "read": {str(Path(name).absolute()): digest for name, digest in seen["read"].items()},
        "data_year": str(Path(seen["data_year"]).absolute()),
        "year_name": year_dir.name,
        "manifest": sha256_of(year_dir / MANIFEST_FILE),
        "summary": seen["summary"],
    }
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = cache / f".~{QUICK_FILE}"
        temporary.write_text(json.dumps(value), encoding="utf-8")
        os.replace(temporary, cache / QUICK_FILE)
    except OSError:
        pass  # only a slower next build


def forget(cache: Path) -> None:
    """A full build is about to publish, or ran for another year or some areas: the record goes."""
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
    options: str, config: Path | None, folders: Folders
) -> tuple[dict[str, Any], dict[str, Any], Path] | None:
    """The recorded summary, the manifest and the year's folder when nothing has changed since
    the build recorded in the output folder's cache, else None."""
    data_dir, out_dir = folders[0], folders[3]
    try:
        value = json.loads((out_dir / CACHE_FOLDER / QUICK_FILE).read_text(encoding="utf-8"))
        data_year = Path(value["data_year"])
        if value["key"] != _key(options, config, folders, data_year, listing(data_dir, data_year)):
            return None
        if any(sha256_of(Path(name)) != read for name, read in value["read"].items()):
            return None
        year_dir = out_dir / value["year_name"]
        if any(name.startswith(TEMP_PREFIX) for name in os.listdir(year_dir)):
            return None  # a build at work, or one that was killed: the full build sees to it
        raw = (year_dir / MANIFEST_FILE).read_bytes()
        if hashlib.sha256(raw).hexdigest() != value["manifest"]:
            return None
        manifest = json.loads(raw)
        if all(sha256_of(year_dir / name) == entry["sha256"] for name, entry in manifest["files"].items()):
            return value["summary"], manifest, year_dir
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def folders(config: Path | None, given: dict[str, Path | None]) -> Folders | None:
    """The data, layouts, fonts and output folders a build would use: the options' (``given``),
    else formgen.yaml's paths (read plainly: a record exists only for a formgen.yaml the full
    build accepted, and its digest is part of the key), else the defaults; None when
    formgen.yaml's paths are not plain texts."""
    root, paths = Path("."), dict[str, Any]()
    if config is not None:
        import yaml

        try:
            value = yaml.safe_load(config.read_text(encoding="utf-8"))
        except (OSError, ValueError, yaml.YAMLError):
            return None
        paths = (value.get("paths") if isinstance(value, dict) else None) or {}
        root = config.parent
    if not isinstance(paths, dict):
        return None
    found = []
    for name in ("data", "layouts", "fonts", "out"):
        folder, path = given.get(name), paths.get(name, FOLDERS[name])
        if folder is None and not isinstance(path, str):
            return None
        found.append(folder if folder is not None else root / str(path))
    return found[0], found[1], found[2], found[3]


def _key(options: str, config: Path | None, folders: Folders, data_year: Path, seen: list[list[str]]) -> str:
    """The options, folders, version, date and listings of a build of the latest year, as one digest."""
    return digest(
        identity(),
        options,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        str(config.absolute()) if config else "",
        *(str(folder.absolute()) for folder in folders),
        str(data_year.absolute()),
        json.dumps(seen),
    )
