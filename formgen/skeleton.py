"""formgen init: a new project folder that builds out of the box.

A city starts from the shipped layouts, fonts and sample area: the
installed package carries them (``formgen/skeleton``); from a source
checkout they are read from the repository itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import BuildError

PARTS = ("layouts", "fonts", "schema", "data")
GITIGNORE = "/out/\n"
README = """\
# 施策評価票 / evaluation sheets

    formgen validate        # check data/ (file:line for every problem)
    formgen build           # out/<year>/: workbooks, PDFs, the year's book, manifest.json
    formgen new-year        # start next year's data from this year's

Data: data/<year>/<area>.yaml (e.g. data/R7/37.yaml). Layouts: layouts/.
Fonts: fonts/ (TrueType, with their licences).
"""


def skeleton_root() -> Path:
    """Where the shipped layouts, fonts, schema and sample data are."""
    package = Path(__file__).resolve().parent
    for root in (package / "skeleton", package.parent):
        if all((root / part).is_dir() for part in PARTS):
            return root
    raise BuildError("the shipped layouts, fonts and sample data are missing from this installation of formgen")


def init_project(target: Path) -> list[Path]:
    """Create ``target`` with layouts, fonts, schema and the sample area; return what was made."""
    if target.exists() and any(target.iterdir()):
        raise BuildError(f"{target} is not empty; choose a new folder")
    root = skeleton_root()
    target.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    for part in ("layouts", "fonts", "schema"):
        shutil.copytree(root / part, target / part, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        made.append(target / part)
    sample = sorted((root / "data").glob("*/*.yaml"))
    for path in sample[:1]:
        destination = target / "data" / path.parent.name / path.name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        made.append(destination)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (target / "README.md").write_text(README, encoding="utf-8")
    return made
