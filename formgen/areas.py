"""Area identifiers (a data file's name, 37 for 37.yaml) in the order every listing uses."""

from __future__ import annotations


def area_sort_key(area_id: str) -> tuple[int, int | str]:
    """Numeric areas in numeric order (2 before 10), then the others by name."""
    return (0, int(area_id)) if area_id.isdigit() else (1, area_id)
