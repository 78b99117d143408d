"""Authors: the optional `authors.yml` (id -> name, title, url, image, type) and a post's author.

A post's `author:` is an id from the file or a plain name. Without the file every name is taken
as written; with it, a name the file does not know is reported (most often a typo of an id).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from sphinx_kb.content.frontmatter import FrontMatterError, construct, mapping_items, read_yaml_file, shorten
from sphinx_kb.content.problems import Problem, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from sphinx_kb.content.post import Post

AUTHOR_KEYS = ("name", "title", "url", "image", "type")
# schema.org type of an author: a person, or a company writing as itself.
AUTHOR_TYPES = {"person": "Person", "organization": "Organization"}

# How many ids a "known authors" hint lists: a large team's file would drown the message.
HINT_LIMIT = 10


@dataclass(frozen=True)
class Author:
    """Who wrote a post. `id` is the key in authors.yml, "" for a name the file does not list."""

    name: str
    id: str = ""
    # Job title (schema.org `jobTitle`).
    title: str = ""
    # The author's page: an http(s) URL.
    url: str = ""
    # A picture: a site-root path (a file in the public folder) or an https URL.
    image: str = ""
    # "Person" or "Organization" (the structured data's @type).
    kind: str = "Person"
    line: int | None = field(default=None, compare=False)


@dataclass
class Authors:
    """The entries of authors.yml; `present` is False when the site has no such file."""

    by_id: dict[str, Author] = field(default_factory=dict)
    # False without the file, and when it cannot be read at all (that error is reported instead
    # of one unknown author per post).
    present: bool = False
    # Ids of entries that are reported as broken: posts naming them are not reported again.
    broken: set[str] = field(default_factory=set)
    # Casefolded name -> author (the first entry of a name that is listed twice).
    by_name: dict[str, Author] = field(default_factory=dict)

    def add(self, author: Author) -> Author:
        """Add an entry; returns the entry that already had its name (or the new one)."""
        self.by_id[author.id] = author
        return self.by_name.setdefault(author.name.casefold(), author)

    def find(self, value: str) -> Author | None:
        """The listed author a post's `author:` names: by id, else by name (any case)."""
        return self.by_id.get(value) or self.by_name.get(value.casefold())

    def resolve(self, value: str | None) -> Author | None:
        """The author to show for a post's `author:` value (None when the post names nobody)."""
        if not value:
            return None
        return self.find(value) or Author(name=value)


# problem(message, fix, line, severity=ERROR): how the checks of authors.yml report.
Report = Callable[..., None]


def load_authors(path: Path) -> tuple[Authors, list[Problem]]:
    """Read and check authors.yml; a missing file means every author is a plain name."""
    problems: list[Problem] = []
    authors = Authors(present=path.is_file())
    if not authors.present:
        return authors, problems

    def problem(message: str, fix: str, line: int | None, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(path, line, "author", message, fix, severity))

    what = "the authors file"
    loaded = read_yaml_file(path, what, problem)
    if loaded is None:
        return Authors(), problems
    node, loader = loaded
    if node is None:
        return authors, problems

    try:
        if not isinstance(node, yaml.MappingNode):
            problem(
                "the authors file is not a mapping of author ids",
                "write `jane-doe:` and below it, indented, `name: Jane Doe`",
                1 + node.start_mark.line,
            )
            return Authors(), problems
        seen: set[str] = set()
        for key_node, value_node in node.value:
            line = 1 + key_node.start_mark.line
            try:
                key = str(construct(loader, key_node, 1, what))
            except FrontMatterError as exc:
                problem(exc.message, exc.fix, exc.line)
                continue
            if key in seen:
                problem(f"author `{shorten(key)}` is defined twice", "merge the two entries", line)
                continue
            seen.add(key)
            author = read_entry(loader, key, value_node, line, problem)
            if author is None:
                authors.broken.add(key)
                continue
            first = authors.add(author)
            if first is not author:
                # A post naming this person resolves to the first entry only.
                problem(
                    f"authors `{first.id}` and `{key}` have the same name `{shorten(author.name)}`",
                    "give each author a distinct name, or merge the two entries",
                    line,
                    Severity.WARNING,
                )
    finally:
        loader.dispose()
    return authors, problems


def read_entry(loader: Any, key: str, node: yaml.Node, line: int, problem: Report) -> Author | None:
    """One `id:` entry with its `name`, `title`, `url`, `image`, `type`; None (reported) when unusable."""
    errors: list[FrontMatterError] = []
    try:
        items = mapping_items(loader, node, 1, f"author `{shorten(key)}`", errors)
    except FrontMatterError:
        problem(
            f"author `{shorten(key)}` is not a list of `key: value` lines",
            f"write `{shorten(key)}:` and below it, indented, `name: ...`",
            line,
        )
        return None
    for error in errors:
        problem(error.message, error.fix, error.line)
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    wrong: set[str] = set()
    for name, raw, key_line in items:
        if name not in AUTHOR_KEYS:
            close = difflib.get_close_matches(name, AUTHOR_KEYS, n=1)
            fix = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(AUTHOR_KEYS)
            problem(
                f"unknown key `{shorten(name)}` for author `{shorten(key)}`", fix, key_line, Severity.WARNING
            )
            continue
        lines[name] = key_line
        if raw is None:
            continue
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            problem(f"`{name}` of author `{shorten(key)}` must be text", f'write {name}: "..."', key_line)
            wrong.add(name)
            continue
        fields[name] = " ".join(str(raw).split())
    if not fields.get("name"):
        if "name" not in wrong:
            where = lines.get("name", line)
            problem(f"author `{shorten(key)}` has no `name`", "add `name: ...` to it", where)
        return None
    url = fields.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        problem(
            f"url `{shorten(url)}` of author `{shorten(key)}` is not a full URL; it is left out",
            "write it as https://...",
            lines["url"],
            Severity.WARNING,
        )
        url = ""
    image = fields.get("image", "")
    if image and (image.startswith("//") or not image.startswith(("/", "https://"))):
        problem(
            f"image `{shorten(image)}` of author `{shorten(key)}` is neither a site-root path nor "
            "an https URL; it is left out",
            "write `/authors/x.png` for a file in the public folder, or a full https:// URL",
            lines["image"],
            Severity.WARNING,
        )
        image = ""
    kind = AUTHOR_TYPES.get(fields.get("type", "person").casefold())
    if kind is None:
        problem(
            f"type `{shorten(fields['type'])}` of author `{shorten(key)}` is not `person` or `organization`",
            "write `type: organization` for a company, or leave `type` out for a person",
            lines["type"],
            Severity.WARNING,
        )
        kind = "Person"
    return Author(fields["name"], key, fields.get("title", ""), url, image, kind, line)


def check_post_authors(authors: Authors, posts: Iterable[Post], file_name: str) -> list[Problem]:
    """With authors.yml, every post's `author:` must be an id or a name from it."""
    if not authors.present:
        return []
    problems = []
    # Matched case-insensitively: `jane doe` is closer to `Jane Doe` than to `jake`.
    candidates = {c.casefold(): c for a in authors.by_id.values() for c in (a.id, a.name)}
    ids = sorted(authors.by_id)
    known = ", ".join(ids[:HINT_LIMIT]) + (", ..." if len(ids) > HINT_LIMIT else "")
    for post in posts:
        if not post.author or post.author in authors.broken or authors.find(post.author) is not None:
            continue
        close = difflib.get_close_matches(post.author.casefold(), list(candidates), n=1, cutoff=0.6)
        hint = f"did you mean `{candidates[close[0]]}`? " if close else ""
        problems.append(
            Problem(
                post.path,
                post.lines.get("author"),
                "unknown-author",
                f"author `{shorten(post.author)}` is not in {file_name}",
                f"{hint}use an author id ({known or 'none yet'}) or a listed name, "
                f"or add the author to {file_name}",
                Severity.WARNING,
            )
        )
    return problems
