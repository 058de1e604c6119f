"""What a build did: areas built and unchanged, files written and removed, pages, books, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..eras import FiscalYear


@dataclass
class BuildReport:
    year: FiscalYear
    out_dir: Path
    areas: int
    built: list[str] = field(default_factory=list)
    """areas rendered in this build"""
    unchanged: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    """outputs removed because their data or document is gone"""
    open_data_removed: Path | None = None
    """the open data's folder, removed because the open data is turned off"""
    pages: int = 0
    """pages of the year's outputs (each once, as PDF or workbook), of every document built"""
    books: dict[str, int] = field(default_factory=dict)
    """pages of each book made or kept, by its path inside the year's folder"""
    left: list[str] = field(default_factory=list)
    """books and the open data's folder this build left as they were without checking them
    (--area, --no-book, --document): they may not hold what was just built"""
    rolled_back: bool = False
    """a build killed while publishing was found and rolled back before this one"""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """data left out of the outputs by design, of every area of the year (built or unchanged)"""
