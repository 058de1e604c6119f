"""Read ``formgen.yaml``, check its declarations and build the project's record models."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from ..errors import ConfigError, shown
from ..layout.bind import Unbound, resolve
from ..opendata.ids import RESERVED
from ..project import config_file
from ..records.declared import CORE_LEVELS, RecordModels, build_models, kind_of
from ..records.members import class_members
from ..records.narrative import Narrative
from ..records.types import check_text
from ..validation import validate
from ..yamlsource import Loc, Source, load_yaml, read_input
from .model import ConfigSpec, GradeField, Words

log = logging.getLogger(__name__)

YEAR_LEVELS = ("kpi", "project", "evidence")
"""levels with figures per fiscal year (years: {R7: …})"""


@dataclass
class Config:
    """A project's configuration: its folders, words, texts and record models."""

    spec: ConfigSpec
    models: RecordModels
    root: Path
    """the folder the configured paths are relative to"""
    path: Path | None = None
    """formgen.yaml, when the project has one"""
    digest: str = ""
    """sha256 of formgen.yaml as read: an input of every output"""
    source: Source | None = field(default=None, repr=False)

    @property
    def words(self) -> Words:
        return self.spec.words

    @property
    def texts(self) -> dict[str, str]:
        return self.spec.texts

    @property
    def forms_digest(self) -> str:
        """What of formgen.yaml shapes the forms: everything but the open data's settings (a
        licence added to the data package does not make every workbook and PDF again)."""
        return hashlib.sha256(self.spec.model_dump_json(exclude={"open_data"}).encode()).hexdigest()

    def folder(self, name: str) -> Path:
        """A configured folder (data, layouts, fonts, out, schema), relative to formgen.yaml."""
        return self.root / getattr(self.spec.paths, "schema_" if name == "schema" else name)

    def validation_context(self) -> dict[str, Any]:
        """What record models need from the configuration while validating a data file."""
        return {"measure_word": self.words.measure}


def default_config(root: Path = Path(".")) -> Config:
    """The configuration of a project without formgen.yaml: the sample's words, no declared fields."""
    spec = ConfigSpec()
    return Config(spec, build_models(spec.fields), root)


def find_config(given: Path | None) -> Config:
    """The configuration at ``given``, or ./formgen.yaml when there is one, or the default."""
    path = config_file(given)
    return load_config(path) if path is not None else default_config()


def load_config(path: Path) -> Config:
    """Read and check formgen.yaml; every problem is raised at once as a ConfigError with its line."""
    raw = read_input(path, ConfigError)
    source = load_yaml(path, ConfigError, partial=True, raw=raw)
    spec = validate(ConfigSpec, source, ConfigError)
    problems = list(_check(spec))
    grade_problems: list[tuple[Loc, str]] = []

    def check_grade(level: str, grade: GradeField, graded: type[BaseModel]) -> None:
        name = next(n for n, g in getattr(spec.fields, level).items() if g is grade)
        grade_problems.extend(_grade_problems(level, name, grade, graded))

    models = build_models(spec.fields, check_grade) if not problems else default_config().models
    problems += grade_problems
    if problems:
        raise ConfigError([source.issue(loc, message) for loc, message in problems])
    digest = hashlib.sha256(raw).hexdigest()
    return Config(spec, models, path.parent, path, digest, source)


def _check(spec: ConfigSpec) -> Iterator[tuple[Loc, str]]:
    """What pydantic cannot see field by field: names taken by built-in fields, defaults, choices."""
    for name, text in spec.texts.items():
        try:
            check_text(text)
        except PydanticCustomError as exc:
            yield ("texts", name), str(exc)
    for level, core in CORE_LEVELS.items():
        taken = {n for n in dir(core) if not n.startswith("_")} | set(class_members(core))
        taken |= set(getattr(core, "key_hints", {}))
        taken |= RESERVED.get(level, frozenset())
        for name, declared in getattr(spec.fields, level).items():
            loc: Loc = ("fields", level, name)
            if name in taken:
                what = "a built-in field" if name in class_members(core) else "a name formgen uses"
                yield loc, f"'{name}' is {what} of {level} already; choose another name"
            if not isinstance(declared, GradeField):
                yield from _check_declaration(loc, declared)
            elif declared.year is not None and level not in YEAR_LEVELS:
                yield loc + ("year",), f"{level} has no figures per year; leave year out"


def _check_declaration(loc: Loc, declared: Any) -> Iterator[tuple[Loc, str]]:
    if declared.type == "choice":
        values = [str(option.value) for option in declared.choices]
        for i, value in enumerate(values):
            if value in values[:i]:
                yield loc + ("choices", i), f"{shown(value)} is listed twice"
    if declared.default is None:
        return
    try:
        if declared.type == "narrative":
            TypeAdapter(Narrative).validate_python(declared.default)
        else:
            kind_of(declared).check(declared.default)
    except PydanticCustomError as exc:
        yield loc + ("default",), str(exc)
    except ValidationError as exc:
        yield loc + ("default",), exc.errors()[0]["msg"]


def _grade_problems(level: str, name: str, grade: GradeField, graded: type[BaseModel]) -> Iterator[tuple[Loc, str]]:
    """Whether ``of`` names a figure of the graded model, resolved as a layout's paths are."""
    try:
        resolve([graded], grade.of, "figure", graded)
    except Unbound as exc:
        where = " (with year:, of names a field of each year's entry)" if grade.year is not None else ""
        yield ("fields", level, name, "of"), f"{exc}{where}"
