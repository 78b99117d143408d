"""Split a Markdown file into YAML front matter and body, keeping the line of every key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

# libyaml's loader is several times faster; `kb check` reads every post on each run.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Builds the values the fast reader types; the same constructor classes as `Loader`.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class FrontMatterError(Exception):
    """The front matter cannot be read at all; `line` is 1-based in the file."""

    def __init__(self, message: str, line: int, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.fix = fix
        # The key whose value could not be read, when known.
        self.key: str | None = None


@dataclass
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    # 1-based line in the file of each key, for error messages.
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
    # Values YAML could not construct (their keys are missing from `values`).
    errors: list[FrontMatterError] = field(default_factory=list)
    body: str = ""
    # 1-based line in the file where the body starts.
    body_line: int = 1


def split(text: str, fast: bool = True) -> FrontMatter:
    """Parse the `---` delimited YAML block at the top of `text`.

    Raises FrontMatterError when there is no block, it is not closed, or it is not a YAML mapping.
    `fast=False` always reads the block with YAML (the tests compare both).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = head_lines(text)
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(
            "the file does not start with a front-matter block",
            1,
            "begin the file with a line '---', the YAML keys (title, slug, category, ...), then '---'",
        )
    end = len(lines) - 1
    if not end:
        raise FrontMatterError(
            "the front-matter block is not closed", 1, "add a line '---' after the last key"
        )
    block = lines[1:end]
    matter = FrontMatter(body=text[sum(map(len, lines)) :], body_line=end + 2)
    items = fast_items(block, first_line=2) if fast else None
    if items is None:
        items = yaml_items("".join(block), matter.errors)
    for key, value, line in items:
        if key in matter.values:
            matter.duplicates.append((key, line))
        matter.values[key] = value
        matter.lines[key] = line
    return matter


def head_lines(text: str) -> list[str]:
    """The lines of `text` (as `str.splitlines(keepends=True)` cuts them) up to and including the
    first `---` or `...` line after a first line `---`; else only the first line.

    Only the head is cut: splitting a whole 10 KB post for its ten front-matter lines is most
    of the time of finding them."""
    size = 2048
    while True:
        lines = text[:size].splitlines(keepends=True)
        whole = size >= len(text)
        # The last line of a cut may continue past it (or be a `\r` of a `\r\n`).
        complete = lines if whole else lines[:-1]
        if complete and complete[0].rstrip() != "---":
            return complete[:1]  # no front matter: the rest does not matter
        for index in range(1, len(complete)):
            if complete[index].rstrip() in ("---", "..."):
                return complete[: index + 1]
        if whole:
            return lines[:1]
        size *= 4


def yaml_items(yaml_text: str, errors: list[FrontMatterError]) -> list[tuple[str, Any, int]]:
    """The entries of the front matter read with YAML (the reader of anything unusual)."""
    node, loader = load_nodes(yaml_text, first_line=2, what="the front matter")
    try:
        if node is None:
            return []
        return mapping_items(loader, node, 2, "the front matter", errors)
    finally:
        loader.dispose()


def shorten(value: object, limit: int = 60) -> str:
    """A value for an error message: one line, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_yaml_file(
    path: Path, what: str, report: Callable[[str, str, int | None], None]
) -> tuple[yaml.Node | None, Any] | None:
    """The YAML nodes of a whole file (categories.yml, authors.yml), or None once `report` was
    told why it cannot be read."""
    try:
        return load_nodes(path.read_text(encoding="utf-8"), 1, what)
    except FrontMatterError as exc:
        report(exc.message, exc.fix, exc.line)
    except (OSError, UnicodeDecodeError) as exc:
        report(f"cannot read {what}: {exc}", "save it as UTF-8 text", None)
    return None


def load_nodes(text: str, first_line: int, what: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree of `text` and a loader to construct values from it."""
    loader = Loader(text)
    fix = "quote values that contain ':' or '#', e.g. title: \"Backups: a guide\""
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote is detected at the end of the text: its start is the useful line.
        scanning = exc.context_mark is not None and "quoted scalar" in (exc.context or "")
        mark = exc.context_mark if scanning else (exc.problem_mark or exc.context_mark)
        line = first_line + mark.line if mark is not None else first_line
        problem = f"{exc.context}: {exc.problem}" if scanning else exc.problem
        raise FrontMatterError(f"{what} is not valid YAML: {problem}", line, fix) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + text.count("\n", 0, max(exc.position, 0))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "\0")
        raise FrontMatterError(
            f"{what} contains a character YAML does not allow (U+{code:04X})",
            line,
            "delete the invisible character (retype the line)",
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise FrontMatterError(f"{what} is not valid YAML: {shorten(exc, 120)}", first_line, fix) from None


def describe(node: yaml.Node) -> str:
    # A collection node's value is a tree of nodes: never repr() it (it may nest thousands deep).
    return f"`{shorten(node.value)}`" if isinstance(node, yaml.ScalarNode) else "a nested list or mapping"


def construct(loader: Any, node: yaml.Node, first_line: int, what: str) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or node.start_mark
        message = f"{what} has a value YAML cannot read: {exc.problem or exc}"
        raise FrontMatterError(message, first_line + mark.line) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML turns `2024-13-01` into a date and lets the ValueError out.
        raise FrontMatterError(
            f"{what} has a value YAML cannot read: {describe(node)} ({shorten(exc)})",
            first_line + node.start_mark.line,
            'quote it to keep it as text, e.g. date: "2024-12-01", and check the value',
        ) from None


def mapping_items(
    loader: Any, node: yaml.Node, first_line: int, what: str, errors: list[FrontMatterError]
) -> list[tuple[str, Any, int]]:
    """(key, value, 1-based line of the key) for each entry of a YAML mapping node.

    A value that cannot be constructed goes to `errors` and its key is skipped, so the other
    keys are still checked.
    """
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            f"{what} is not a list of `key: value` lines",
            first_line + node.start_mark.line,
            "write one `key: value` per line",
        )
    items = []
    for key_node, value_node in node.value:
        key = None
        try:
            key = construct(loader, key_node, first_line, what)
            value = construct(loader, value_node, first_line, what)
        except FrontMatterError as exc:
            exc.key = None if key is None else str(key)
            errors.append(exc)
            continue
        items.append((str(key), value, first_line + key_node.start_mark.line))
    return items


# ---------------------------------------------------------------------------------------------
# Fast path. At 10,000 posts, composing YAML nodes (kept for their line numbers) and constructing
# them in Python was half of `kb check`. Nearly all front matter is flat `key: scalar` lines and
# simple lists: those are read here with PyYAML's own resolvers and constructors, so the values
# and their types are exactly what the YAML path gives. Anything this reader is not certain
# about (escapes, multi-line values, anchors, tags, flow mappings, tabs, CR, odd characters,
# comments after plain values, values YAML cannot construct, ...) makes it return None and the
# YAML path reads the block, errors included. tests/test_frontmatter_fast.py compares both.

# Characters libyaml accepts without question (no tab, CR, \x85, BOM or Unicode line separator).
_ODD_CHARACTER = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,63}):(?: +(.*))?\Z")
_ITEM_LINE = re.compile(r"( *)- +(.*)\Z")
_SKIPPED_LINE = re.compile(r" *(?:#.*)?\Z")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"(?: +#.*)?\Z')
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'(?: +#.*)?\Z")
# The usual list: `["backup", "cloud"]`.
_QUOTED_LIST = re.compile(r'\[ *((?:"[^"\\]*" *, *)*"[^"\\]*")? *\](?: +#.*)?\Z')
_QUOTED = re.compile(r'"([^"\\]*)"')
_FLOW_QUOTED = re.compile(r""""([^"\\]*)"|'((?:[^']|'')*)'""")
# A plain item of a flow list: no indicator first, no flow indicator, `:` or `#` anywhere.
_FLOW_PLAIN = re.compile(r"""[^-?:,\[\]{}#&*!|>'"%@` ][^,\[\]{}#:]*""")
_SPACES = re.compile(r" *")
_COMMENT = re.compile(r"(?: +#.*)?\Z")
_NOT_PLAIN_START = frozenset("?:,[]{}#&*!|>'\"%@` ")
_SAFE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")
)
_constructors = Loader.yaml_constructors
_resolvers = Loader.yaml_implicit_resolvers
# Keys already known to be read as text (`title`, `slug`, ...): not typed again in every post.
_text_keys: dict[str, str] = {}
# Typed plain scalars seen before (dates repeat across posts); all of them are immutable.
_typed: dict[str, Any] = {}


class _NotSureError(Exception):
    """The fast reader leaves this block to the YAML path."""


def _plain(value: str) -> Any:
    """A plain scalar as PyYAML reads it: the first matching implicit resolver types it
    (what `BaseResolver.resolve` does for a plain scalar)."""
    candidates = _resolvers.get(value[:1], ())
    if None in _resolvers:
        candidates = [*candidates, *_resolvers[None]]
    if not candidates:
        return value
    if value in _typed:
        return _typed[value]
    for tag, pattern in candidates:
        if pattern.match(value):
            if tag not in _SAFE_TAGS:
                raise _NotSureError
            try:
                typed = _constructors[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))
            except Exception:  # e.g. 2024-13-01: the YAML path reports it with its line
                raise _NotSureError from None
            if len(_typed) < 10_000:
                _typed[value] = typed
            return typed
    return value


def _block_value(text: str) -> Any:
    """The value after `key: ` or `- ` (trailing spaces already removed)."""
    first = text[0]
    if first == '"':
        match = _DOUBLE_QUOTED.match(text)
        if match is None:
            raise _NotSureError
        return match[1]
    if first == "'":
        match = _SINGLE_QUOTED.match(text)
        if match is None:
            raise _NotSureError
        return match[1].replace("''", "'")
    if first == "[":
        match = _QUOTED_LIST.match(text)
        if match is not None:
            return _QUOTED.findall(match[1]) if match[1] else []
        return _flow_list(text)
    if first in _NOT_PLAIN_START or (first == "-" and (len(text) == 1 or text[1] == " ")):
        raise _NotSureError
    if ": " in text or text[-1] == ":" or " #" in text:
        raise _NotSureError
    return _plain(text)


def _flow_list(text: str) -> list[Any]:
    """`[a, "b c", 'd']` on one line."""
    items: list[Any] = []
    position = _SPACES.match(text, 1).end()  # type: ignore[union-attr]
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            match = _FLOW_QUOTED.match(text, position)
            if match is not None:
                double, single = match.groups()
                items.append(double if double is not None else single.replace("''", "'"))
            else:
                match = _FLOW_PLAIN.match(text, position)
                if match is None:
                    raise _NotSureError
                items.append(_plain(match[0].rstrip(" ")))
            position = _SPACES.match(text, match.end()).end()  # type: ignore[union-attr]
            if text.startswith("]", position):
                position += 1
                break
            if not text.startswith(",", position):
                raise _NotSureError
            # `[a, ]` and `[a,, b]` are left to YAML.
            position = _SPACES.match(text, position + 1).end()  # type: ignore[union-attr]
    if _COMMENT.match(text, position) is None:
        raise _NotSureError
    return items


def fast_items(lines: list[str], first_line: int) -> list[tuple[str, Any, int]] | None:
    """(key, value, 1-based line of the key) for a block of simple `key: value` lines (each
    ending in a newline), or None when the YAML path must read it."""
    if _ODD_CHARACTER.search("".join(lines)):
        return None
    items: list[tuple[str, Any, int]] = []
    # The list of a `key:` with no value (its `- ` items may follow), and the indent of its items.
    sequence: list[Any] | None = None
    indent = -1
    try:
        for number, raw in enumerate(lines, first_line):
            line = raw[:-1]
            match = _KEY_LINE.match(line)
            if match is not None:
                key, text = match.groups()
                if key in _text_keys:
                    key = _text_keys[key]  # one string object for all posts: smaller pickles
                elif not isinstance(_plain(key), str):
                    return None  # `yes:`, `null:`: a key YAML does not read as text
                elif len(_text_keys) < 1000:
                    _text_keys[key] = key
                sequence = None
                if text and (text := text.rstrip(" ")):
                    if text[0] == '"' == text[-1] and text.count('"') == 2 and "\\" not in text:
                        items.append((key, text[1:-1], number))  # the usual `key: "text"`
                    else:
                        items.append((key, _block_value(text), number))
                else:
                    items.append((key, None, number))
                    sequence, indent = [], -1
                continue
            match = _ITEM_LINE.match(line)
            if match is not None and sequence is not None:
                spaces, text = match.groups()
                text = text.rstrip(" ")
                if not text or indent not in (-1, len(spaces)):
                    return None
                indent = len(spaces)
                if not sequence:
                    key, _, key_line = items[-1]
                    items[-1] = (key, sequence, key_line)
                sequence.append(_block_value(text))
                continue
            if _SKIPPED_LINE.match(line) is None:
                return None
    except _NotSureError:
        return None
    return items
