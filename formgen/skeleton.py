"""formgen init: a new project folder that builds out of the box.

A city starts from the shipped layouts, fonts and sample area (area 37 of
the sample city): the installed package carries them (``formgen/skeleton``);
from a source checkout they are read from the repository itself. The new
project's formgen.yaml is a neutral one (``formgen/templates/formgen.yaml``),
so nothing of the sample city is printed but the sample area's own data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import BuildError
from .project import CONFIG_FILE

PARTS = ("layouts", "fonts", "schema", "data")
SAMPLE = Path("data") / "R7" / "37.yaml"
"""the sample area, copied into every new project"""
CONFIG_TEMPLATE = Path(__file__).resolve().parent / "templates" / "formgen.yaml"
GITIGNORE = "/out/\n"
README = """\
# 施策評価票 / evaluation sheets

    formgen validate        # check data/ (file:line for every problem)
    formgen schema          # after changing formgen.yaml: editor schemas with your own fields
    formgen build           # out/<year>/: workbooks, PDFs, the year's book, open data, manifest.json
    formgen new-year        # start next year's data from this year's

Data: data/<year>/<area>.yaml (e.g. data/R7/37.yaml). Layouts: layouts/.
Fonts: fonts/ (TrueType, with their licences). Your city's words, texts and
fields: formgen.yaml.
"""


def skeleton_root() -> Path:
    """Where the shipped layouts, fonts, schema and sample data are."""
    package = Path(__file__).resolve().parent
    for root in (package / "skeleton", package.parent):
        if all((root / part).is_dir() for part in PARTS) and (root / SAMPLE).is_file():
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
    destination = target / SAMPLE
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / SAMPLE, destination)
    made.append(destination)
    shutil.copy2(CONFIG_TEMPLATE, target / CONFIG_FILE)
    made.append(target / CONFIG_FILE)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (target / "README.md").write_text(README, encoding="utf-8")
    return made
