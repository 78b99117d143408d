"""Split a Markdown file into YAML front matter and body, keeping the line of every key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's loader is several times faster; `kb check` reads every post on each run.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def split(text: str) -> FrontMatter:
    """Parse the `---` delimited YAML block at the top of `text`.

    Raises FrontMatterError when there is no block, it is not closed, or it is not a YAML mapping.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(
            "the file does not start with a front-matter block",
            1,
            "begin the file with a line '---', the YAML keys (title, slug, category, ...), then '---'",
        )
    end = next((i for i, line in enumerate(lines) if i and line.rstrip() in ("---", "...")), None)
    if end is None:
        raise FrontMatterError(
            "the front-matter block is not closed", 1, "add a line '---' after the last key"
        )
    yaml_text = "".join(lines[1:end])
    matter = FrontMatter(body="".join(lines[end + 1 :]), body_line=end + 2)
    node, loader = load_nodes(yaml_text, first_line=2, what="the front matter")
    try:
        if node is None:
            return matter
        for key, value, line in mapping_items(loader, node, 2, "the front matter", matter.errors):
            if key in matter.values:
                matter.duplicates.append((key, line))
            matter.values[key] = value
            matter.lines[key] = line
    finally:
        loader.dispose()
    return matter


def shorten(value: object, limit: int = 60) -> str:
    """A value for an error message: one line, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
