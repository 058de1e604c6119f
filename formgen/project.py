"""A project's file and folder names, read by the quick look before anything else is loaded."""

from __future__ import annotations

from pathlib import Path

CONFIG_FILE = "formgen.yaml"
MANIFEST_FILE = "manifest.json"
"""in out/<year>/: every output of the year, its pages and the digest of its inputs"""
FORMATS = ("xlsx", "pdf")
"""the formats a build writes unless told which"""
FOLDERS = {"data": "data", "layouts": "layouts", "fonts": "fonts", "out": "out", "assets": "assets"}
"""the folders of a project, relative to formgen.yaml, unless its ``paths`` say otherwise"""


def config_file(given: Path | None) -> Path | None:
    """The project's formgen.yaml: the one given, or ./formgen.yaml when there is one."""
    if given is not None:
        return given
    here = Path(CONFIG_FILE)
    return here if here.is_file() else None
