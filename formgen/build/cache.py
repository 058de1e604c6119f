"""Drawn pages kept between builds, so that a stale book does not draw its unchanged areas again.

After one area of 42 is edited the year's book is stale, and it needs every
output's pages. Each output's pages as a book holds them (a part, see
:mod:`formgen.writers.pdf.part`, with its bookmarks, pictures and characters)
are kept in ``out/.cache/<year>/<document>/<area>.json``, one file per document
and area, so the cache never holds more than the year's outputs.

An entry is JSON (nothing in it is executed when read), starts with a line
naming its format, the digest of every input its outputs were made from (data,
layout, fonts, pictures, formgen.yaml, SOURCE_DATE_EPOCH, formgen's version and code) and
the sha256 of the rest; an entry whose inputs differ, or that is damaged in any
way, is ignored, and the area is drawn again and its entry rewritten. Entries of
areas and documents no longer built are removed after each build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..publish import CACHE_FOLDER

log = logging.getLogger(__name__)

FORMAT = b"formgen-pages 6"
OPEN_DATA_ENTRIES = "opendata"
"""the folder of the areas' parts of the open data (beside one per document)"""
STAGED = ".~"
"""the name of an entry written by a build that has not published yet starts with this"""


def cache_folder(out_dir: Path, year: str) -> Path:
    return out_dir / CACHE_FOLDER / year


def entry_path(folder: Path, document: str, area: str) -> Path:
    return folder / document / f"{area}.json"


T = TypeVar("T")


def write_entry(path: Path, inputs: str, value: Any) -> None:
    """Keep ``value`` (JSON values: an area's outputs of one document, see :mod:`.kept`) under a
    temporary name beside ``path``: the build puts it in place when it publishes
    (:func:`commit`), or removes it when it fails. A cache that cannot be written is only a
    slower next build."""
    payload = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()  # Japanese as UTF-8, not \u escapes
    head = b"%s %s %s\n" % (FORMAT, inputs.encode("ascii"), hashlib.sha256(payload).hexdigest().encode())
    temporary = path.with_name(f"{STAGED}{path.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(head + payload)
    except OSError as exc:
        log.warning("could not keep the drawn pages in %s: %s", path, exc)
        temporary.unlink(missing_ok=True)


def commit(folder: Path) -> None:
    """Put the entries this build wrote in place (it published its outputs)."""
    for temporary in sorted(folder.glob(f"*/{STAGED}*")):
        try:
            os.replace(temporary, temporary.with_name(temporary.name.removeprefix(STAGED)))
        except OSError as exc:
            log.warning("could not keep the drawn pages in %s: %s", temporary.parent, exc)


def discard(folder: Path) -> None:
    """Remove the entries a build wrote but did not publish (it failed, or was killed), and the
    folders left empty: a build that fails leaves no trace."""
    for temporary in folder.glob(f"*/{STAGED}*"):
        temporary.unlink(missing_ok=True)
    for empty in [*sorted(folder.glob("*/")), folder, folder.parent]:
        try:
            empty.rmdir()  # only an empty folder
        except OSError:
            pass


def read_entry(path: Path, inputs: str, parse: Callable[[Any], T]) -> T | None:
    """The entry's value made into what ``parse`` makes of it, or None when there is no entry for
    these inputs, or it is damaged (``parse`` raises ValueError, TypeError or KeyError on a
    value that is not what it should be)."""
    try:
        data = path.read_bytes()
        head, _, payload = data.partition(b"\n")
        fmt_a, fmt_b, kept_inputs, checksum = head.split(b" ")
        if b"%s %s" % (fmt_a, fmt_b) != FORMAT or kept_inputs.decode("ascii") != inputs:
            return None
        if hashlib.sha256(payload).hexdigest().encode() != checksum:
            raise ValueError("its checksum does not match")
        return parse(json.loads(payload))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, RecursionError) as exc:  # pydantic's are ValueErrors
        log.info("ignored the damaged cache entry %s: %s", path, exc)
        return None


def prune(folder: Path, documents: list[str], keep: dict[tuple[str, str], str]) -> None:
    """Remove the entries of ``documents`` that no current output was made from
    (``keep``: (document, area) → its inputs)."""
    for document in documents:
        for path in sorted((folder / document).glob("*.json")):
            inputs = keep.get((document, path.stem))
            if inputs is None or not made_from(path, inputs):
                path.unlink(missing_ok=True)


def made_from(path: Path, inputs: str) -> bool:
    """Whether the entry at ``path`` was kept for ``inputs`` (its first line only: whether it is
    whole is known when it is read)."""
    try:
        with path.open("rb") as file:
            return file.readline().split(b" ")[2:3] == [inputs.encode("ascii")]
    except OSError:
        return False
