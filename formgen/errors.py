"""User-facing errors.

Every problem a user can cause (bad data, bad layout, a missing font, an
unwritable output folder) is raised as a :class:`FormgenError`. The CLI is the
only place that turns them into messages and exit codes; nothing else prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

QUOTE_LIMIT = 60
"""characters of the user's input a message quotes at most"""


def cut(text: str, limit: int) -> str:
    """``text``, ending in … after ``limit`` - 1 characters when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def closest(typed: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option closest to what was typed, if any is close enough to be what was meant."""
    close = difflib.get_close_matches(typed, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(typed: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    """'; did you mean 'x'?' naming the option closest to what was typed, or nothing when none
    is close: the hint every message about a misspelt name ends with."""
    close = closest(typed, options, cutoff)
    return f"; did you mean {shown(close)}?" if close is not None else ""


def shown(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value from the user's input, quoted for a message: a long text is cut (a message never
    repeats a whole file or paragraph back), a list or mapping named, never printed."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(cut(value, limit))
    return cut(str(value), limit)


@dataclass(frozen=True)
class Issue:
    """One problem at one place in one input file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FormgenError(Exception):
    """Base of all errors a user can cause; carries the process exit code."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message as lines for the terminal."""
        return [str(self)]


class InputError(FormgenError):
    """One or more problems in an input file (data, layout), all reported at once."""

    exit_code = 2

    def __init__(self, issues: list[Issue]):
        if not issues:
            raise ValueError("InputError needs at least one issue")
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))

    def lines(self) -> list[str]:
        return [str(i) for i in self.issues]

    @classmethod
    def single(cls, file: str | Path, line: int | None, field: str, message: str) -> InputError:
        return cls([Issue(str(file), line, field, message)])


class DataError(InputError):
    """A data (record) file is not a valid evaluation sheet."""


class ConfigError(InputError):
    """formgen.yaml is invalid."""


class LayoutError(InputError):
    """A layout file is invalid or cannot place the record's content."""


class FontError(FormgenError):
    """A font cannot be used: missing file, CFF outlines, or a character it lacks."""

    exit_code = 2


class ManyErrors(FormgenError):
    """Problems gathered from several files (or areas), reported together with a closing line."""

    exit_code = 2

    def __init__(self, messages: list[str], closing: str):
        self.messages = messages
        self.closing = closing
        super().__init__("\n".join(messages + [closing]))

    def lines(self) -> list[str]:
        return self.messages + [self.closing]


class BuildError(FormgenError):
    """The build could not produce its outputs (I/O, unsafe names, ...)."""

    exit_code = 1


@dataclass(frozen=True)
class Place:
    """Where something comes from: a file, a line and a field, for messages."""

    file: str
    line: int | None
    field: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}" if self.field else where

    def issue(self, message: str) -> Issue:
        return Issue(self.file, self.line, self.field, message)
