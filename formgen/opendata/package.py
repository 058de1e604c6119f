"""The data package (Frictionless Data ``datapackage.json``) that describes the open data: each
CSV file's table schema — Japanese header as the field's name, English key as its title, type,
unit, primary and foreign keys — its encoding and dialect, size and sha256, so that standard
tools (``frictionless validate``) check and load the tables as they are.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..config.load import Config
from ..eras import FiscalYear
from ..publish import Staged, document_time
from . import csvfile
from .tables import AMOUNT_UNIT, TABLE_NAMES, Column, Table

FOLDER = "opendata"
"""the data set's folder inside out/<year>/"""
RECORDS_FILE = "records.json"
DESCRIPTOR_FILE = "datapackage.json"
DATA_FILES = (*(f"{name}.csv" for name in TABLE_NAMES), RECORDS_FILE, DESCRIPTOR_FILE)
"""every file of the data set, in the order the descriptor lists them"""


def created() -> str | None:
    """When the data set was made: only from SOURCE_DATE_EPOCH (a fixed date would be a false one)."""
    if not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None
    return document_time().isoformat().replace("+00:00", "Z")


def descriptor(layout: tuple[Table, ...], year: FiscalYear, config: Config, files: dict[str, Staged]) -> bytes:
    """datapackage.json for the staged data files (their sizes and digests are in it)."""
    words = config.words
    package: dict[str, Any] = {
        "name": f"policy-evaluation-{year.western}",
        "title": f"{year.long} {words.evaluation} {words.form}",
        "description": (
            f"{year.long}の{words.form}の数値と記述：{words.area}、{words.measure}、重要業績評価指標（KPI）の"
            f"年度ごとの目標値・実績値・達成率、事務事業とその財務内容（単位：{AMOUNT_UNIT}）、成果を示す根拠。"
            f"CSV は UTF-8（BOM 付き）、1行目が見出し。{RECORDS_FILE} は同じ記録の全体（JSON）。"
        ),
        "resources": [_table(t, layout, files[t.file]) for t in layout] + [_records(files[RECORDS_FILE])],
    }
    license = config.spec.open_data.license
    if license is not None:
        package["licenses"] = [license.model_dump(exclude_none=True)]
    when = created()
    if when is not None:
        package["created"] = when
    return (json.dumps(package, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _integrity(staged: Staged) -> dict[str, Any]:
    return {"bytes": staged.size, "hash": f"sha256:{staged.sha256}"}


def _table(table: Table, layout: tuple[Table, ...], staged: Staged) -> dict[str, Any]:
    header = {c.key: c.header for c in table.columns}
    other = {t.name: t for t in layout}
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in table.columns],
        "missingValues": [""],
        "primaryKey": [header[k] for k in table.primary_key],
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [header[k.column]], "reference": {"resource": k.table, "fields": [other[k.table].header(k.to)]}}
            for k in table.foreign_keys
        ]
    return {
        "name": table.name,
        "path": table.file,
        "title": table.title,
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": csvfile.ENCODING,
        "dialect": csvfile.DIALECT,
        "schema": schema,
        **_integrity(staged),
    }


def _field(column: Column) -> dict[str, Any]:
    """A column as a Table Schema field: the CSV header is its name, the English key its title."""
    field: dict[str, Any] = {"name": column.header, "title": column.key, "type": column.type}
    if column.description:
        field["description"] = column.description
    if column.unit:
        field["unit"] = column.unit
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum:
        constraints["enum"] = list(column.enum)
    if column.pattern:
        constraints["pattern"] = column.pattern
    if constraints:
        field["constraints"] = constraints
    return field


def _records(staged: Staged) -> dict[str, Any]:
    return {
        "name": "records",
        "path": RECORDS_FILE,
        "title": "記録の全体",
        "description": (
            "年度の全記録：データファイルのすべての項目と、計算した値（達成率、番号、区分、評価）、表の識別子"
        ),
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        **_integrity(staged),
    }
