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


@dataclass
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    # 1-based line in the file of each key, for error messages.
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)
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
    items = load_mapping(yaml_text, first_line=2, what="the front matter")
    if items is None:
        return matter
    for key, value, line in items:
        if key in matter.values:
            matter.duplicates.append((key, line))
        matter.values[key] = value
        matter.lines[key] = line
    return matter


def load_nodes(text: str, first_line: int, what: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree of `text` and a loader to construct values from it."""
    loader = Loader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else first_line
        raise FrontMatterError(
            f"{what} is not valid YAML: {exc.problem or exc}",
            line,
            "quote values that contain ':' or '#', e.g. title: \"Backups: a guide\"",
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"{what} is not valid YAML: {exc}", first_line) from None


def construct(loader: Any, node: yaml.Node, first_line: int, what: str) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or node.start_mark
        raise FrontMatterError(
            f"{what} has a value YAML cannot read: {exc.problem or exc}", first_line + mark.line
        ) from None


def mapping_items(loader: Any, node: yaml.Node, first_line: int, what: str) -> list[tuple[str, Any, int]]:
    """(key, value, 1-based line of the key) for each entry of a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(
            f"{what} is not a list of `key: value` lines",
            first_line + node.start_mark.line,
            "write one `key: value` per line",
        )
    items = []
    for key_node, value_node in node.value:
        key = construct(loader, key_node, first_line, what)
        items.append(
            (str(key), construct(loader, value_node, first_line, what), first_line + key_node.start_mark.line)
        )
    return items


def load_mapping(text: str, first_line: int, what: str) -> list[tuple[str, Any, int]] | None:
    node, loader = load_nodes(text, first_line, what)
    try:
        return None if node is None else mapping_items(loader, node, first_line, what)
    finally:
        loader.dispose()
