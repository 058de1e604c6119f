"""Carrying a file's comments over to a rewritten copy of it (used by ``formgen new-year``).

Clerks explain figures in comments (「the seed lost this actual」, the source of
a number, who to ask). Rewriting a record as YAML would drop them, so each
comment is tied to the field it stands beside — a trailing comment to the
field on its line, a comment on lines of its own to the field that follows —
and put back beside the same field of the new text. A comment whose field is
gone goes beside the nearest field that is still there: none is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from .yamlsource import Loc, Source, parse_yaml

_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True)
class Comment:
    line: int
    """1-based line of the comment in its file"""
    text: str
    """the comment, from ``#`` to the end of the line"""
    trailing: bool
    """written after a value on the same line (else on a line of its own)"""


def find_comments(text: str) -> list[Comment]:
    """Every comment of a YAML text, in order.

    PyYAML's scanner skips comments, so they are exactly the ``#`` runs in the
    gaps between its tokens; a ``#`` inside a quoted or block scalar is part of
    a token and never mistaken for one.
    """
    found: list[Comment] = []
    end = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        found.extend(_comments_in(text, end, token.start_mark.index))
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            # a block scalar's token begins with its header line, which may end in a comment
            start = token.start_mark.index
            header_end = text.find("\n", start)
            header = text[start : len(text) if header_end < 0 else header_end]
            at = re.search(r"\s#", header)
            if at is not None:
                found.extend(_comments_in(text, start + at.start(), start + len(header)))
        end = max(end, token.end_mark.index)
    return found


def _comments_in(text: str, start: int, end: int) -> list[Comment]:
    """The comments in a stretch of ``text`` that holds only white space and comments."""
    found = []
    for match in _COMMENT.finditer(text, start, end):
        at = match.start()
        line_start = text.rfind("\n", 0, at) + 1
        trailing = bool(text[line_start:at].strip())
        found.append(Comment(text.count("\n", 0, at) + 1, match.group().rstrip(), trailing))
    return found


def carry_comments(
    old: Source,
    comments: list[Comment],
    new_text: str,
    display: str,
    rename: Callable[[Loc], Loc] = lambda loc: loc,
) -> str:
    """``new_text`` with ``comments`` (of ``old``) put beside the fields they were beside.

    ``rename`` maps a field of the old file to its name in the new one.
    """
    new = parse_yaml(new_text, display)
    lines = new_text.split("\n")
    above: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    at_end: list[str] = []
    for comment in comments:
        if comment.trailing:
            loc = old.loc_at(comment.line)
            target = new.line(rename(loc)) if loc is not None else None
            if target is not None and not opens_block_scalar(lines[target - 1]):
                after.setdefault(target, []).append(comment.text)
                continue
        else:  # above the first field below it that the new text still has
            following = (new.lines.get(rename(loc)) for loc in old.locs_below(comment.line))
            target = next((line for line in following if line is not None), None)
        if target is None:
            at_end.append(comment.text)
        else:
            above.setdefault(target, []).append(comment.text)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        indent = line[: len(line) - len(line.lstrip(" "))]
        out.extend(indent + text for text in above.get(number, []))
        out.append("  ".join([line, *after.get(number, [])]))
    if at_end:
        while out and not out[-1]:
            out.pop()
        out.extend(at_end + [""])
    return "\n".join(out)


def opens_block_scalar(line: str) -> bool:
    """Whether a line ends in a block scalar's indicator (|, >-, …): nothing may follow it there."""
    return line.rstrip().endswith(("|", "|-", "|+", ">", ">-", ">+"))
