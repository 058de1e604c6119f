"""A table that works out each entry the first time it is asked for.

Looked up through ``map(table.__getitem__, text)`` it runs no Python code for keys
already seen: the composer measures some 200,000 characters an area this way (font
advances, line-breaking flags).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Table(dict[K, V]):
    """``make(key)`` for every key, each made once."""

    def __init__(self, make: Callable[[K], V]):
        super().__init__()
        self.make = make

    def __missing__(self, key: K) -> V:
        value = self[key] = self.make(key)
        return value


class Widths(Table[str, float]):
    """A Table of characters' widths that are never negative nor NaN (a font's advances, or a
    function's checked as they come): the line breaker takes them as they are."""
