"""JSON Schemas of the input files, so editors complete and check them as they are typed.

VS Code's YAML extension reads a modeline at the top of a file::

    # yaml-language-server: $schema=../../schema/record.schema.json

The record schema is the project's: it includes the fields formgen.yaml declares.
"""

from __future__ import annotations

import ast
import inspect
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

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
    schema = model.model_json_schema(mode="validation", by_alias=True, schema_generator=DocumentedSchema)
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


class DocumentedSchema(GenerateJsonSchema):
    """Each field described by the docstring written under it in its model.

    pydantic can read them itself (``use_attribute_docstrings``), but it does so for every model
    as it is defined, parsing a module's source once per class: 50 ms of every command's start.
    Only a schema shows them, so they are read here, one parse per module."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        model = schema["cls"]
        properties = json_schema.get("properties", {})
        for name, field in getattr(model, "model_fields", {}).items():
            shown = properties.get(field.alias or name)
            if shown is None or field.description is not None:
                continue
            # the class that annotates the field last says what it is (over its type's description)
            owner = next((c for c in model.__mro__ if name in c.__dict__.get("__annotations__", {})), None)
            described = _docstrings(owner).get(name) if owner is not None else None
            if described and not _said_by_reference(shown, field.annotation, described):
                shown["description"] = described
        return json_schema


def _said_by_reference(shown: JsonSchemaValue, annotation: Any, described: str) -> bool:
    """A reference to a model whose own docstring says the same: pydantic leaves the field's
    description out then, as the model's says it."""
    model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return "$ref" in shown and model is not None and inspect.cleandoc(model.__doc__ or "") == described


@cache
def _docstrings(cls: type) -> dict[str, str]:
    """Attribute name → the string right under its annotation, in the body of ``cls`` itself."""
    body = _class_body(cls.__module__, cls.__qualname__)
    found: dict[str, str] = {}
    for statement, following in zip(body, body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def _class_body(module_name: str, qualname: str) -> list[ast.stmt]:
    module = _module_tree(module_name)
    body: list[ast.stmt] = module.body if module is not None else []
    for part in qualname.split("."):
        found = next((s for s in body if isinstance(s, ast.ClassDef) and s.name == part), None)
        if found is None:
            return []  # made at run time (a model extended by formgen.yaml), or not from a file
        body = found.body
    return body


@cache
def _module_tree(module_name: str) -> ast.Module | None:
    module = sys.modules.get(module_name)
    try:
        return ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError):
        return None
