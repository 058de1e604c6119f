"""JSON Schemas of the input files, so editors complete and check them as they are typed.

VS Code's YAML extension reads a modeline at the top of a file::

    # yaml-language-server: $schema=../../schema/record.schema.json

The record schema is the project's: it includes the fields formgen.yaml declares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .config.load import Config
from .config.model import ConfigSpec
from .layout.model import Layout


def schemas(config: Config) -> dict[str, tuple[type[BaseModel], str]]:
    """File name → (model, title) of every schema of the project."""
    return {
        "record.schema.json": (config.models.area, "formgen record (data/<year>/<area>.yaml)"),
        "layout.schema.json": (Layout, "formgen layout (layouts/<name>.yaml)"),
        "config.schema.json": (ConfigSpec, "formgen project configuration (formgen.yaml)"),
    }


def schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def schema_text(model: type[BaseModel], title: str) -> str:
    return json.dumps(schema_of(model, title), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path, config: Config) -> list[Path]:
    """Write every schema of the project into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (model, title) in schemas(config).items():
        path = out_dir / name
        path.write_text(schema_text(model, title), encoding="utf-8")
        written.append(path)
    return written
