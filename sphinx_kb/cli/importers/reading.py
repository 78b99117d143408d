"""Read other tools' files: YAML, TOML and JSON front matter, Pelican's header lines, site settings."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from sphinx_kb.cli.importers.model import SourcePost
from sphinx_kb.content.frontmatter import FrontMatterError, split

TOML_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
TOML_TABLE = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
PELICAN_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_ -]*):\s*(.*)$")


def read_source(path: Path, name: str, pelican: bool = False) -> SourcePost:
    """The front matter and body of one post file (`pelican`: header lines may stand in for it)."""
    source = SourcePost(path=path, name=name)
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError) as exc:
        source.error = f"cannot read the file: {exc}"
        return source
    first = text.split("\n", 1)[0].rstrip()
    try:
        if first == "+++":
            read_toml(text, source)
        elif first == "---":
            read_yaml(text, source)
        elif first == "{":
            read_json(text, source)
        elif pelican:
            read_pelican(text, source)
        else:
            source.body = text
    except FrontMatterError as exc:
        source.error = f"line {exc.line}: {exc.message}"
    return source


def read_yaml(text: str, source: SourcePost) -> None:
    matter = split(text)
    if matter.errors:
        raise matter.errors[0]
    source.values, source.lines = matter.values, matter.lines
    source.body, source.body_line = matter.body, matter.body_line


def read_toml(text: str, source: SourcePost) -> None:
    lines = text.splitlines(keepends=True)
    end = next((i for i, line in enumerate(lines) if i and line.rstrip() == "+++"), None)
    if end is None:
        raise FrontMatterError("the TOML front matter (+++) is not closed", 1)
    block = "".join(lines[1:end])
    try:
        source.values = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(f"the TOML front matter is not valid: {exc}", 1) from None
    table = ""
    for number, line in enumerate(lines[1:end], start=2):
        if match := TOML_TABLE.match(line):
            table = match[1] + "."
        elif match := TOML_KEY.match(line):
            source.lines.setdefault(table + next(g for g in match.groups() if g), number)
    source.body, source.body_line = "".join(lines[end + 1 :]), end + 2


def read_json(text: str, source: SourcePost) -> None:
    """Hugo's JSON front matter: one object at the top of the file."""
    try:
        values, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(f"the JSON front matter is not valid: {exc.msg}", exc.lineno) from None
    if not isinstance(values, dict):
        raise FrontMatterError("the JSON front matter is not an object", 1)
    source.values = values
    for key in values:
        at = text.find(json.dumps(key), 0, end)
        source.lines[key] = text.count("\n", 0, max(at, 0)) + 1
    source.body = text[end:].lstrip("\n")
    source.body_line = text.count("\n", 0, len(text) - len(source.body)) + 1


def read_pelican(text: str, source: SourcePost) -> None:
    """`Key: value` lines up to the first blank line (Python-Markdown's meta extension);
    an indented line continues the value above it."""
    lines = text.splitlines(keepends=True)
    key = None
    number = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        if key and line[:1] in " \t":
            source.values[key] += " " + line.strip()
            continue
        match = PELICAN_LINE.match(line.rstrip("\n"))
        if match is None:
            if number == 1:
                source.body = text
                return
            raise FrontMatterError(f"`{line.strip()[:40]}` is not a `Key: value` header line", number)
        key = match[1].strip().lower()
        source.values[key] = match[2].strip()
        source.lines[key] = number
    else:
        number += 1
    source.body = "".join(lines[number:])
    source.body_line = number + 1


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml and _config.yml even with `!!python/name:` or `!ENV` tags (as None)."""


def _ignore_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def load_config(path: Path) -> dict[str, Any]:
    """A tool's settings file (YAML, TOML, JSON or a Python file of plain assignments)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix == ".py":
            data = python_constants(text)
        else:
            data = yaml.load(text, Loader=_TolerantLoader)  # a SafeLoader subclass: no Python objects
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError, SyntaxError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def python_constants(text: str) -> dict[str, Any]:
    """`NAME = <literal>` assignments of a Python settings file, without running it."""
    values: dict[str, Any] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                continue
    return values
