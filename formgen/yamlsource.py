"""Load YAML files as plain values while remembering the line of every node.

Clerks edit the data and layout files by hand, so a mistake must be reported at
the line where it was made. PyYAML's constructors lose the lines and apply the
YAML 1.1 scalar rules (``0123`` is octal, ``1:30`` is base 60, ``no`` is false),
which silently change meaning. This module builds values directly from the
parser's events with a deliberately small set of scalar rules:

* ``null``/``~``/empty → None, ``true``/``false`` → bool,
* plain decimal integers (no leading zeros) → int,
* plain decimal fractions and exponents → :class:`~decimal.Decimal` (exact),
* everything else, and every quoted scalar, → str, exactly as written.

So ``0123``, ``1:30``, ``yes`` or ``.nan`` stay text; a field that expects a
number or a boolean then refuses them with a message naming the line.
Anchors, aliases, explicit tags, duplicate keys, non-text keys and multiple
documents are errors. All problems found while reading are reported together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Issue, Place, cut, shown

try:  # libyaml is much faster on large files; fall back to pure Python
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Loc = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)\Z")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def resolve_plain(text: str) -> Any:
    """The value of an unquoted scalar under formgen's rules (see module doc)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _DECIMAL.match(text):
        return Decimal(text)
    return text


KEY_LIMIT = 40
"""characters of a key a field path shows (a key may be any text the file holds)"""


def format_loc(loc: Loc) -> str:
    """``('projects', 3, 'finance')`` → ``projects[3].finance``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + cut(str(part), KEY_LIMIT)
    return out


@dataclass
class Source:
    """A parsed YAML file: its values and the 1-based line of every node."""

    path: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Issue] = field(default_factory=list)
    """what is wrong in a file read with ``partial`` (duplicate keys, anchors, tags), to be
    reported with the problems found in its values, all at once"""
    replaced: list[Loc] = field(default_factory=list)
    """values read as something else because of those problems (an alias reads as empty, a
    merge key as an ordinary one): checking them would only repeat the problem"""

    def line(self, loc: Loc) -> int | None:
        """The line of the deepest node on ``loc`` that exists in the file."""
        best = self.lines.get((), 1)
        for i in range(1, len(loc) + 1):
            found = self.lines.get(tuple(loc[:i]))
            if found is None:
                break
            best = found
        return best

    def loc_at(self, line: int) -> Loc | None:
        """The deepest field written on ``line``, or else the last one begun above it."""
        before = [loc for loc, at in self.lines.items() if at <= line and loc]
        return max(before, key=lambda loc: (self.lines[loc], len(loc))) if before else None

    def locs_below(self, line: int) -> list[Loc]:
        """The fields that begin below ``line``, nearest first (outermost first on one line)."""
        below = [loc for loc, at in self.lines.items() if at > line and loc]
        return sorted(below, key=lambda loc: (self.lines[loc], len(loc)))

    def issue(self, loc: Loc, message: str) -> Issue:
        return self.place(loc).issue(message)

    def place(self, loc: Loc) -> Place:
        """Where ``loc`` is: this file, its line, the field path."""
        return Place(self.path, self.line(loc), format_loc(loc))


MAX_DEPTH = 40
"""lists and mappings inside each other: a form's data needs under ten levels; far deeper input
would exhaust Python's recursion before saying where it is"""


class _Reader:
    """Builds values from a PyYAML event stream, recording lines and problems."""

    def __init__(self, path: str, events: Iterator[yaml.Event], text: str = ""):
        self.path = path
        self.events = events
        self.text = text
        """the file, for the lines a value spans"""
        self.lines: dict[Loc, int] = {}
        self.issues: list[Issue] = []
        self.replaced: list[Loc] = []

    def problem(self, event: yaml.Event, loc: Loc, message: str) -> None:
        self.issues.append(Issue(self.path, _line(event), format_loc(loc), message))

    def check_node(self, event: yaml.NodeEvent, loc: Loc) -> None:
        if event.anchor is not None:
            self.problem(event, loc, f"anchors (&{event.anchor}) are not allowed; write the value out")
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            self.problem(event, loc, f"explicit tags ({tag}) are not allowed")

    def value(self, event: yaml.Event, loc: Loc) -> Any:
        self.lines[loc] = _line(event)
        if len(loc) > MAX_DEPTH and isinstance(event, yaml.CollectionStartEvent):
            self.problem(event, loc[:2], f"lists or mappings nested more than {MAX_DEPTH} levels deep")
            self.skip()
            self.replaced.append(loc)
            return None
        if isinstance(event, yaml.AliasEvent):
            self.problem(event, loc, f"aliases (*{event.anchor}) are not allowed; write the value out")
            self.replaced.append(loc)
            return None
        assert isinstance(event, yaml.NodeEvent)
        self.check_node(event, loc)
        if isinstance(event, yaml.ScalarEvent):
            if not event.style and event.tag is None:
                if " - " in event.value:  # seldom: a text that may have list items run into it
                    self.check_run_on(event, loc)
                return resolve_plain(event.value)
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for item in self.until(yaml.SequenceEndEvent):
                items.append(self.value(item, loc + (len(items),)))
            return items
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(loc, bool(event.flow_style))
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover

    def check_run_on(self, event: yaml.ScalarEvent, loc: Loc) -> None:
        """A value on the key's line followed by list items indented under it (a list half made of
        a text) reads as one text, the items run into it: a mistake, not a value."""
        start, end = event.start_mark, event.end_mark
        if start is None or end is None or end.line == start.line:
            return
        first = start.line + 2  # the 1-based number of the line after the key's
        lines = self.text.splitlines()[first - 1 : end.line + 1]  # breaks as YAML counts them (\r, U+2028…)
        item = next((n for n, line in enumerate(lines, first) if line.lstrip().startswith("- ")), None)
        if item is not None:
            self.problem(
                event,
                loc,
                f"line {item} starts a list item ('- ') under this key, whose value is already given on its own "
                f"line: YAML reads them all as one text. To give a list, delete the value on line "
                f"{start.line + 1}; for a text, put it on one line",
            )

    def skip(self) -> None:
        """Pass over the rest of a list or mapping just begun, however deep (without recursion)."""
        depth = 1
        for event in self.events:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                if depth == 0:
                    return

    def mapping(self, loc: Loc, flow: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {}
        last: tuple[str, str] | None = None
        """the last key read and, when its value is a plain whole number, the number as written"""
        cut: dict[str, str] = {}
        """numbers a comma cut into keys ({cost: 4,000}), as written, by the key they belong to"""
        key_events = self.until(yaml.MappingEndEvent)
        for key_event in key_events:
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problem(key_event, loc, "keys must be plain text")
                self.value(key_event, loc + ("?",))
                self.value(next(self.events), loc + ("?",))
                continue
            key = key_event.value
            if key_event.anchor is not None or key_event.tag not in (None, "!"):
                self.check_node(key_event, loc + (key,))
            if key == "<<":
                self.problem(key_event, loc, "merge keys (<<) are not allowed; write the values out")
                self.replaced.append(loc + (key,))
            value_event = next(self.events)
            if flow and last is not None and _cut_off(key_event, value_event):
                last = (last[0], f"{last[1]},{key}")
                cut[last[0]] = last[1]
                continue
            if key in result:
                first = self.lines.get(loc + (key,))
                self.problem(key_event, loc + (key,), f"duplicate key (first given on line {first})")
                self.value(value_event, loc + (f"{key} (duplicate)",))
                continue
            line = _line(key_event)
            result[key] = self.value(value_event, loc + (key,))
            self.lines[loc + (key,)] = line
            if flow:  # a number a comma may have cut: {cost: 4,000}
                value = result[key]
                whole = type(value) is int or (type(value) is str and _DIGITS.fullmatch(value) is not None)
                last = (key, str(value)) if whole else None
        for name, written in cut.items():
            self.comma_number(loc + (name,), written)
        return result

    def comma_number(self, loc: Loc, written: str) -> None:
        """Report a number with commas left unquoted inside {…}, at its field."""
        head = written.split(",")[0]
        message = (
            f"{written} inside {{…}} is read as {head} followed by keys: "
            f'put it in quotes, "{written}", or write it without commas'
        )
        self.issues.append(Issue(self.path, self.lines.get(loc), format_loc(loc), message))
        self.replaced.append(loc)

    def until(self, end: type) -> Iterator[yaml.Event]:
        for event in self.events:
            if isinstance(event, end):
                return
            yield event


_DIGIT = "[0-9０-９]"
"""a digit as typed, half- or full-width (the latter a text to YAML)"""
_DIGITS = re.compile(f"{_DIGIT}+")
_CUT_OFF = re.compile(f"{_DIGIT}{{3}}(?:[.．]{_DIGIT}+)?")
"""what a comma leaves of a number inside {…}: three digits, perhaps decimals"""
FULL_WIDTH_SPACE = "\u3000"
"""「　」: typed by a Japanese input method, and invisible beside half-width spaces"""


def _line(event: yaml.Event) -> int:
    """The 1-based line an event starts on."""
    return event.start_mark.line + 1 if event.start_mark is not None else 1


def _cut_off(key: yaml.ScalarEvent, value: yaml.Event) -> bool:
    """Whether ``key`` is what a comma cut off a number inside {…}: three digits, unquoted, no value."""
    empty = isinstance(value, yaml.ScalarEvent) and value.value == "" and not value.style
    return empty and not key.style and _CUT_OFF.fullmatch(key.value) is not None


def _decode(raw: bytes, path: str, error: type[InputError]) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error.single(path, 1, "", "the file is UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error.single(
            path, line, "", f"the file is not UTF-8 (byte 0x{raw[exc.start]:02X} at column {col}); save it as UTF-8"
        ) from None


# the characters YAML does not allow in a stream (YAML 1.1, 5.1), as PyYAML's reader checks them
_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _control_characters(text: str, path: str) -> list[Issue]:
    """Every character YAML refuses, each with its line and, where the rest parses, its field.

    The reader stops at the first such character without saying which field
    holds it; parsing a copy with the characters replaced finds the fields.
    """
    found = [(text.count("\n", 0, m.start()) + 1, ord(m.group())) for m in _UNPRINTABLE.finditer(text)]
    try:
        source: Source | None = parse_yaml(_UNPRINTABLE.sub("\ufffd", text), path)
    except InputError:
        source = None
    issues = []
    for line, code in found:
        loc = source.loc_at(line) if source is not None else None
        field = format_loc(loc) if loc is not None else ""
        issues.append(Issue(path, line, field, f"control character U+{code:04X} is not allowed"))
    return issues


def _reader_problem(exc: yaml.reader.ReaderError, text: str, path: str) -> list[Issue]:
    found = _control_characters(text, path)
    if found:
        return found
    if isinstance(exc.character, int):  # libyaml counts bytes of the UTF-8 text
        at = text.encode("utf-8")[: exc.position].count(b"\n") + 1
        code = exc.character
    else:
        at = text[: exc.position].count("\n") + 1
        code = ord(exc.character)
    return [Issue(path, at, "", f"control character U+{code:04X} is not allowed")]


def _yaml_problem(exc: yaml.YAMLError, text: str, path: str) -> list[Issue]:
    """A syntax error as the line to look at and, where it is one of the common slips, what to do."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text, path)
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if problem.startswith("found unexpected end of stream") or "expected ':'" in problem:
        # the file's end, or the line after a key without its colon: where it began says more
        mark = getattr(exc, "context_mark", None) or mark
    line: int | None = mark.line + 1 if mark is not None else None
    stopped_mark = getattr(exc, "problem_mark", None)
    stopped = stopped_mark.line + 1 if stopped_mark is not None else line
    lines = text.split("\n")
    opened = _unclosed_quote(lines, stopped)
    if opened is not None:  # the parser read on to the next quote, perhaps far below: name where it began
        quote, at = opened
        where = "to the end of the file" if problem.endswith("end of stream") else f"to line {stopped}"
        unclosed = f"the quote {quote} opened on this line is not closed on it (the parser read on {where})"
        return [Issue(path, at, "", f"YAML syntax error: {unclosed}; the parser says: {problem}")]
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != line:
        context += f" that starts on line {context_mark.line + 1}"
    said = problem + (f" ({context})" if context else "")
    typed = _line_text(lines, context_mark.line + 1 if context_mark is not None else line)
    hint = _hint(problem, _line_text(lines, line), typed) or _under_a_value(problem, lines, line)
    above = _full_width_indent_above(lines, line) if hint is None else None
    if above is not None:  # the parser read that line as a key of its own and stumbled on the next
        line, hint = above, FULL_WIDTH_INDENT
    hint = hint or next((hint for words, hint in _HINTS if words in problem), None)
    message = f"YAML syntax error: {hint}; the parser says: {said}" if hint else f"YAML syntax error: {said}"
    return [Issue(path, line, "", message)]


_KEY_WITH_VALUE = re.compile(r"""^( *)(?:- +)?([^\s#"'-][^:#]*?): +([^\s#|>][^#]*?)\s*(?:#.*)?$""")
"""a line giving a key its value on the line itself: ``fields: {}``, ``- name: 交流事業``"""


def _under_a_value(problem: str, lines: list[str], line: int | None) -> str | None:
    """When the line is indented under a key that has its value already on its own line
    (``fields: {}`` with lines added below it), the key and its value, which are the slip."""
    if line is None or not any(words in problem for words in ("expected key", "<block end>", "mapping values")):
        return None
    written = _line_text(lines, line)
    indent = len(written) - len(written.lstrip(" "))
    for number in range(line - 1, 0, -1):
        above = lines[number - 1]
        if above.strip() and not above.lstrip().startswith("#"):
            found = _KEY_WITH_VALUE.match(above)
            if found is None or len(found.group(1)) >= indent:
                return None
            key, value = shown(found.group(2).strip()), shown(found.group(3))
            return (
                f"the key {key} on line {number} has its value already ({value}), so lines indented under "
                f"it cannot go in it: delete that value to put them in it, or indent this line as far as {key}"
            )
    return None


FULL_WIDTH_INDENT = "the line is indented with a full-width space「　」: YAML indents with half-width spaces only"


def _full_width_indent_above(lines: list[str], line: int | None) -> int | None:
    """The line before ``line`` (blank lines and comments passed over), when it is indented with a
    full-width space: YAML takes such a line for text, and the error shows on the line after it."""
    for number in range((line or 1) - 1, 0, -1):
        above = lines[number - 1]
        if above.strip() and not above.lstrip().startswith("#"):
            return number if above.lstrip(" ").startswith(FULL_WIDTH_SPACE) else None
    return None


def _hint(problem: str, written: str, typed: str) -> str | None:
    """What to do, in plain words, about the slips the line ``written`` shows (the key the parser
    was reading began on the line ``typed``); the parser's ``problem`` alone is
    :data:`_HINTS`'s to explain."""
    if "\t" in written[: len(written) - len(written.lstrip())]:
        return "the line is indented with a tab: YAML indents with spaces only"
    if written.lstrip(" ").startswith(FULL_WIDTH_SPACE):
        return FULL_WIDTH_INDENT
    if _QUOTED_THEN_MORE.match(written):
        return (
            "a text that begins with a quote ends with it, and here more follows; put the whole text "
            "in the other quotes ('\"相互理解\"と平和') or begin it without one"
        )
    if "expected ':'" in problem and ("：" in typed or ":" + FULL_WIDTH_SPACE in typed):
        which = "colon「：」" if "：" in typed else "space「　」 after the colon"
        return f"the key's {which} is full-width: type a half-width ': ' (colon, then space)"
    return None


_VALUE_START = r"""^\s*(?:-\s+|(?:-\s+)?[^\s"'#-][^:#]*:\s+)"""
"""the start of a line up to its value: ``key: ``, ``- ``, ``- key: ``"""
_QUOTED_VALUE = re.compile(_VALUE_START + r"""(["'])(.*)$""")
"""a line whose value opens with a quote: ``key: "…``, ``- "…``"""
_QUOTED_THEN_MORE = re.compile(_VALUE_START + r"""("[^"]*"|'[^']*')\s*[^\s#,\]}]""")
"""a value in quotes with more text after the closing quote: ``vision: "相互理解"と平和``"""


def _unclosed_quote(lines: list[str], before: int | None) -> tuple[str, int] | None:
    """The first line up to ``before`` whose value opens a quote that does not close on that line
    (a text in quotes spreading over lines is valid YAML, but no form's data file needs one)."""
    for number, written in enumerate(lines[: before or 0], start=1):
        found = _QUOTED_VALUE.match(written)
        if found is None:
            continue
        quote, rest = found.groups()
        closing = r'(?<!\\)"' if quote == '"' else r"'(?!')"
        if re.search(closing, rest.replace("''", "") if quote == "'" else rest) is None:
            return quote, number
    return None


def _line_text(lines: list[str], line: int | None) -> str:
    """Line ``line`` (from 1) of the file's ``lines``, or nothing."""
    return lines[line - 1] if line is not None and 0 < line <= len(lines) else ""


_INDENTED_APART = (
    "this line is indented differently from the others of its group: indent it exactly as far as "
    "the keys beside it (a list's '- ' items as far as each other)"
)
_HINTS = [
    ("expected key", _INDENTED_APART),  # libyaml's words
    ("expected <block end>", _INDENTED_APART),  # PyYAML's own parser's
    (
        "did not find expected '-' indicator",
        "in a list each item starts with '- ', and an item's keys line up with the first key after its "
        "'- ': this line lines up with neither",
    ),
    (
        "mapping values are not allowed",
        "a second ': ' on the line (put a text holding ': ' in quotes), or the line is indented further "
        "than the one above, whose key has its value already",
    ),
    (
        "could not find expected ':'",
        "a line with no ': ' after its key; a text that goes on to the next line is indented under its key",
    ),
    ("found unexpected end of stream", "a quote (\" or ') that is never closed"),
    ("that cannot start any token", "a value beginning with @, ` or % goes in quotes"),
    (
        "expected ',' or",
        "a {…} or […] not closed, or a text inside it holding ',' or ': ': put such a text in quotes",
    ),
]
"""what a clerk can do about the parser's commonest complaints (by words of its message: libyaml's,
and PyYAML's own where they differ)"""


def parse_yaml(text: str, path: str, error: type[InputError] = InputError, *, partial: bool = False) -> Source:
    """Parse ``text`` (the contents of ``path``) into a :class:`Source`.

    Problems that leave the values readable (a duplicate key keeps its first
    value; an alias reads as empty) are raised at once, or with ``partial``
    kept in ``Source.problems`` so that the values can be checked too.
    """
    reader = _Reader(path, iter(()), text)
    documents: list[Any] = []
    try:
        events = yaml.parse(text, Loader=_Loader)
        reader.events = events
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                body = next(events)
                if documents:
                    reader.problem(body, (), "only one YAML document per file is allowed")
                documents.append(reader.value(body, ()))
                reader.lines.setdefault((), _line(body))
    except yaml.YAMLError as exc:
        raise error(reader.issues + _yaml_problem(exc, text, path)) from None
    if reader.issues and not partial:
        raise error(reader.issues)
    if not documents or documents[0] is None:
        raise error.single(path, 1, "", "the file is empty")
    data = documents[0]
    if not isinstance(data, dict):  # what the file holds instead, never quoted: it may be anything
        kind = "a list" if isinstance(data, list) else "a single value" if not isinstance(data, str) else "a text"
        raise error.single(
            path, reader.lines.get((), 1), "", f"the file must hold a mapping (key: value lines), not {kind}"
        )
    return Source(path, data, reader.lines, reader.issues, reader.replaced)


def read_input(path: Path, error: type[InputError] = InputError, display: str | None = None) -> bytes:
    """The bytes of an input file; a file that cannot be read is raised as ``error``."""
    shown = display or str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error.single(shown, None, "", "no such file") from None
    except OSError as exc:
        raise error.single(shown, None, "", f"cannot read the file: {exc.strerror or exc}") from None


def load_yaml(
    path: Path,
    error: type[InputError] = InputError,
    display: str | None = None,
    *,
    partial: bool = False,
    raw: bytes | None = None,
) -> Source:
    """Read (unless its bytes are given as ``raw``) and parse a YAML file; every problem is raised
    as ``error`` with file and line."""
    shown = display or str(path)
    if raw is None:
        raw = read_input(path, error, shown)
    return parse_yaml(_decode(raw, shown, error), shown, error, partial=partial)
