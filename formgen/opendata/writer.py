"""The data set written as the areas come: each area's part made where its record is loaded (a
worker), appended in area order to staged files, finished with the data package once every
area is in. A build that fails aborts it: nothing of it is published (see formgen.publish).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..config.load import Config
from ..eras import FiscalYear
from ..publish import Staged, StagedWriter, stage
from ..records.model import PolicyArea
from . import csvfile
from .package import DESCRIPTOR_FILE, RECORDS_FILE, descriptor
from .tables import AMOUNT_UNIT, RATE_UNIT, Table, area_rows, tables
from .yearjson import area_json


@dataclass(frozen=True)
class AreaPart:
    """One area's share of the data set, ready to append: small to send back from a worker."""

    rows: dict[str, bytes]
    """table name → its CSV lines for this area"""
    counts: dict[str, int]
    """table name → rows"""
    record: bytes
    """the area's record as one line of JSON"""


def area_part(record: PolicyArea, config: Config) -> AreaPart:
    """The area's rows of every table and its JSON, from its loaded record."""
    rows = area_rows(record, config.words, tables(config))
    text = json.dumps(area_json(record, config), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return AreaPart(
        {name: csvfile.lines(r) for name, r in rows.items()},
        {name: len(r) for name, r in rows.items()},
        text.encode("utf-8"),
    )


class OpenDataWriter:
    """The year's data set in ``folder``: :meth:`add` each area's part in order, then :meth:`finish`
    for the staged files (or :meth:`abort`). Its files are opened when the first part comes, so a
    build that fails at once writes nothing."""

    def __init__(self, folder: Path, year: FiscalYear, config: Config):
        self.folder = folder
        self.year = year
        self.config = config
        self.tables: tuple[Table, ...] = tables(config)
        self.rows = {t.name: 0 for t in self.tables}
        self.areas = 0
        self._files: dict[str, StagedWriter] = {}

    def _open(self) -> dict[str, StagedWriter]:
        if not self._files:
            for table in self.tables:
                self._files[table.file] = writer = StagedWriter(self.folder / table.file)
                writer.write(csvfile.header([c.header for c in table.columns]))
            self._files[RECORDS_FILE] = StagedWriter(self.folder / RECORDS_FILE)
            self._files[RECORDS_FILE].write(b'{"areas":[\n')
        return self._files

    def add(self, part: AreaPart) -> None:
        files = self._open()
        for table in self.tables:
            files[table.file].write(part.rows[table.name])
            self.rows[table.name] += part.counts[table.name]
        files[RECORDS_FILE].write((b",\n" if self.areas else b"") + part.record)
        self.areas += 1

    def finish(self) -> dict[str, Staged]:
        """Every file staged, by its name: the tables, the records and the descriptor."""
        files = self._open()
        files[RECORDS_FILE].write(self._records_end())
        staged = {name: writer.finish() for name, writer in files.items()}
        data = descriptor(self.tables, self.year, self.config, staged)
        staged[DESCRIPTOR_FILE] = stage(self.folder / DESCRIPTOR_FILE, data)
        return staged

    def _records_end(self) -> bytes:
        """The JSON's keys after ``areas``, in sorted order like every JSON formgen writes."""
        about = {
            "fiscal_year": self.year.western,
            "fiscal_year_label": self.year.long,
            "generator": f"formgen {__version__}",
            "units": {"amounts": AMOUNT_UNIT, "rates": RATE_UNIT},
            "words": self.config.words.model_dump(),
        }
        text = json.dumps(about, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return ("\n]," + text[1:] + "\n").encode("utf-8")

    def abort(self) -> None:
        for writer in self._files.values():
            writer.abort()
