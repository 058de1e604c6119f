"""The identifiers that join the open data's tables: stable while the data keeps its numbers.

An area is its number (``37``); a measure, a project, a KPI and an outcome-evidence row add a
letter and their number to it: ``37-m1`` (measure 1), ``37-m1-p05`` (the fifth project of
measure 1, as the form numbers it and the 事務事業評価シート 37-1-05 is named), ``37-k02``
(KPIs belong to the area, not to a measure), ``37-e01``. The letters are what keep a
spreadsheet from reading them as dates: Excel and LibreOffice open ``37-1-05`` as 1937-01-05.
"""

from __future__ import annotations

from ..records.model import PolicyArea

RESERVED: dict[str, frozenset[str]] = {
    "area": frozenset({"id"}),
    "measure": frozenset({"id"}),
    "kpi": frozenset({"id"}),
    "project": frozenset({"id", "measure_id"}),
    "evidence": frozenset({"id", "project_id"}),
    "kpi_year": frozenset({"fiscal_year", "fiscal_year_label"}),
    "project_year": frozenset({"fiscal_year", "fiscal_year_label", "kind"}),
    "evidence_year": frozenset({"fiscal_year", "fiscal_year_label"}),
}
"""names the open data's JSON gives each level (identifiers, a year's 年度 and 区分): a city's
declared field may not take them, or the JSON would hold one of the two"""


def area_id(record: PolicyArea) -> str:
    """``37``: the area's number (one file per area and year is enforced, so it is unique)."""
    return str(record.area.number)


def measure_id(record: PolicyArea, measure: int) -> str:
    """``37-m1``"""
    return f"{area_id(record)}-m{measure}"


def project_id(record: PolicyArea, measure: int, number: int) -> str:
    """``37-m1-p05``: numbered within its measure, as the form numbers it."""
    return f"{measure_id(record, measure)}-p{number:02}"


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
