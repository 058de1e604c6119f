"""Drawn pages kept between builds, so that a stale book does not draw its unchanged areas again.

After one area of 42 is edited the year's book is stale, and it needs every
output's pages. Each output's pages as a book holds them (a part, see
:mod:`formgen.writers.pdf.part`, with its bookmarks, pictures and characters)
are kept in ``out/.cache/<year>/<document>/<area>.json``, one file per document
and area, so the cache never holds more than the year's outputs.

An entry is JSON (nothing in it is executed when read), starts with a line
naming its format, the digest of every input its outputs were made from (data,
layout, fonts, pictures, formgen.yaml, SOURCE_DATE_EPOCH, formgen's version) and
the sha256 of the rest; an entry whose inputs differ, or that is damaged in any
way, is ignored, and the area is drawn again and its entry rewritten. Entries of
areas and documents no longer built are removed after each build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..book import BookPart
from ..plan import CellStyle, FontPlan, HeaderFooterPlan, PageSetup
from ..records.model import Numbered
from ..writers.pdf import DrawnPages
from ..writers.pdf.page import PageBody
from ..writers.pdf.part import from_json, to_json

log = logging.getLogger(__name__)

FORMAT = b"formgen-pages 1"
CACHE_FOLDER = ".cache"
STAGED = ".~"
"""the name of an entry written by a build that has not published yet starts with this"""


def cache_folder(out_dir: Path, year: str) -> Path:
    return out_dir / CACHE_FOLDER / year


def entry_path(folder: Path, document: str, area: str) -> Path:
    return folder / document / f"{area}.json"


def write_entry(path: Path, inputs: str, area: tuple[int, int | None], outputs: list[KeptOutput]) -> None:
    """Keep an area's outputs of one document under a temporary name beside ``path``: the build
    puts it in place when it publishes (:func:`commit`), or removes it when it fails. A cache
    that cannot be written is only a slower next build."""
    value = {"area": list(area), "outputs": [output.to_json() for output in outputs]}
    payload = json.dumps(value, ensure_ascii=True, sort_keys=True).encode()
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
    """Remove the entries a build wrote but did not publish (it failed, or was killed)."""
    for temporary in folder.glob(f"*/{STAGED}*"):
        temporary.unlink(missing_ok=True)


def read_entry(path: Path, inputs: str) -> tuple[tuple[int, int | None], list[KeptOutput]] | None:
    """An area's outputs as kept, or None when there is no entry for these inputs, or it is damaged."""
    try:
        data = path.read_bytes()
        head, _, payload = data.partition(b"\n")
        fmt_a, fmt_b, kept_inputs, checksum = head.split(b" ")
        if b"%s %s" % (fmt_a, fmt_b) != FORMAT or kept_inputs.decode("ascii") != inputs:
            return None
        if hashlib.sha256(payload).hexdigest().encode() != checksum:
            raise ValueError("its checksum does not match")
        value = json.loads(payload)
        number, line = _types()["area"].validate_python(value["area"])
        return (number, line), [KeptOutput.from_json(o) for o in value["outputs"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, ValidationError) as exc:
        log.info("ignored the damaged cache entry %s: %s", path, exc)
        return None


def prune(folder: Path, documents: list[str], keep: dict[tuple[str, str], str]) -> None:
    """Remove the entries of ``documents`` that no current output was made from
    (``keep``: (document, area) → its inputs)."""
    for document in documents:
        for path in sorted((folder / document).glob("*.json")):
            inputs = keep.get((document, path.stem))
            if inputs is None or not _made_from(path, inputs):
                path.unlink(missing_ok=True)


def _made_from(path: Path, inputs: str) -> bool:
    try:
        with path.open("rb") as file:
            return file.readline().split(b" ")[2:3] == [inputs.encode("ascii")]
    except OSError:
        return False


# ----- an output as JSON


@dataclass
class KeptOutput:
    """What the book needs of one output, and what the build reports of it."""

    path: str
    place: str
    pages: int
    notes: list[str]
    part: BookPart
    drawn: DrawnPages

    def _numbered(self) -> dict[str, Numbered]:
        return {"area": self.part.area, "policy_goal": self.part.policy_goal, "policy": self.part.policy}

    def to_json(self) -> dict[str, Any]:
        drawn = self.drawn
        used = {drawn.header.style, drawn.footer.style}
        return {
            "path": self.path,
            "place": self.place,
            "pages": self.pages,
            "notes": self.notes,
            "part": {
                "numbered": {k: [v.number, v.name] for k, v in self._numbered().items()},
                "texts": {"department": self.part.department, "title": self.part.title, "file": self.part.file},
            },
            "setup": [
                asdict(drawn.page),
                asdict(drawn.header),
                asdict(drawn.footer),
                {name: asdict(style) for name, style in drawn.styles.items() if name in used},
                {name: asdict(font) for name, font in drawn.fonts.items()},
            ],
            "marks": [[list(mark) for mark in body.marks] for body in drawn.pages],
            "images": [body.images for body in drawn.pages],
            "glyphs": drawn.glyphs,
            "objects": to_json(drawn.part),
        }

    @classmethod
    def from_json(cls, value: Any) -> KeptOutput:
        """An output read back, every value checked (ValueError when one is not what it should be)."""
        types = _types()
        part = types["part"].validate_python(value["part"])
        numbered = {k: Numbered.model_construct(number=n, name=name) for k, (n, name) in part["numbered"].items()}
        texts = part["texts"]
        page, header, footer, styles, fonts = types["setup"].validate_python(value["setup"])
        drawn = DrawnPages(page, header, footer, styles, fonts)
        drawn.glyphs = types["glyphs"].validate_python(value["glyphs"])
        drawn.part = from_json(value["objects"])
        marks, images = types["pages"].validate_python([value["marks"], value["images"]])
        drawn.pages = [PageBody(marks=m, images=i) for m, i in zip(marks, images, strict=True)]
        if len(drawn.part.pages) != len(drawn.pages) or not {header.style, footer.style} <= set(styles):
            raise ValueError("its pages or styles disagree")
        book_part = BookPart(
            numbered["area"],
            numbered["policy_goal"],
            numbered["policy"],
            texts["department"],
            texts["title"],
            texts["file"],
        )
        path, place, pages, notes = types["output"].validate_python(
            [value["path"], value["place"], value["pages"], value["notes"]]
        )
        return cls(path, place, pages, notes, book_part, drawn)


@cache
def _types() -> dict[str, TypeAdapter[Any]]:
    """The shapes a kept output is checked against (made once, when first needed)."""
    numbered = dict[str, tuple[int, str]]
    return {
        "area": TypeAdapter(tuple[int, int | None]),
        "part": TypeAdapter(dict[str, numbered | dict[str, str]]),
        "setup": TypeAdapter(
            tuple[PageSetup, HeaderFooterPlan, HeaderFooterPlan, dict[str, CellStyle], dict[str, FontPlan]]
        ),
        "glyphs": TypeAdapter(dict[str, str]),
        "pages": TypeAdapter(tuple[list[list[tuple[str, int, float]]], list[dict[str, str]]]),
        "output": TypeAdapter(tuple[str, str, int, list[str]]),
    }
