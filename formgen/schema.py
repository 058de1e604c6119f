"""JSON Schemas of the input files, so editors complete and check them as they are typed.

VS Code's YAML extension reads a modeline at the top of a file::

    # yaml-language-server: $schema=../../schema/record.schema.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .layout.model import Layout
from .records.model import PolicyArea

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "record.schema.json": (PolicyArea, "formgen 施策評価票 record (data/<year>/<area>.yaml)"),
    "layout.schema.json": (Layout, "formgen layout (layouts/<name>.yaml)"),
}


def schema_of(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def render(model: type[BaseModel], title: str) -> str:
    return json.dumps(schema_of(model, title), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (model, title) in SCHEMAS.items():
        path = out_dir / name
        path.write_text(render(model, title), encoding="utf-8")
        written.append(path)
    return written
