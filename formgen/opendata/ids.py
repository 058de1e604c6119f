"""The identifiers that join the open data's tables: stable while the data keeps its numbers.

An area is its number (``37``), a measure the area's and its own (``37-1``), a project the
measure's and its position within it (``37-1-05``, as the 事務事業評価シート files are named),
a KPI the area's and its position (``37-k02``: KPIs belong to the area, not to a measure),
an outcome-evidence row likewise (``37-e01``).
"""

from __future__ import annotations

from ..records.model import PolicyArea


def area_id(record: PolicyArea) -> str:
    """``37``: the area's number (one file per area and year is enforced, so it is unique)."""
    return str(record.area.number)


def measure_id(record: PolicyArea, measure: int) -> str:
    """``37-1``"""
    return f"{area_id(record)}-{measure}"


def project_id(record: PolicyArea, measure: int, number: int) -> str:
    """``37-1-05``: numbered within its measure, as the form numbers it."""
    return f"{measure_id(record, measure)}-{number:02}"


def kpi_id(record: PolicyArea, number: int) -> str:
    """``37-k02``"""
    return f"{area_id(record)}-k{number:02}"


def evidence_id(record: PolicyArea, number: int) -> str:
    """``37-e01``: the outcome-evidence rows in the order the data gives them."""
    return f"{area_id(record)}-e{number:02}"


def project_named(record: PolicyArea, name: str) -> str | None:
    """The identifier of the first project called ``name`` (outcome evidence names its project)."""
    project = next((p for p in record.projects if p.name == name), None)
    return None if project is None else project_id(record, project.measure, project.number)
