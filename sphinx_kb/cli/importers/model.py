"""What an import works on: the old site, its post files, the posts they become, the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOOLS = ("hugo", "jekyll", "astro", "nextjs", "mkdocs", "pelican")

Date = dt.date | dt.datetime


class UsageError(Exception):
    """The command cannot start (exit status 2): a wrong folder or option."""


@dataclass
class Site:
    """The old site: which tool wrote it and where that tool keeps things."""

    tool: str
    root: Path
    # Folder that site-root paths such as `/images/x.png` point into (Hugo's static/, public/, ...).
    static_roots: list[Path] = field(default_factory=list)
    # The tool's own settings (hugo.toml, _config.yml, mkdocs.yml, pelicanconf.py), as read.
    config: dict[str, Any] = field(default_factory=dict)
    # The path part of the old site's address (`/blog` for https://example.com/blog/).
    url_prefix: str = ""
    # The old site's host, to recognise absolute links to it.
    host: str = ""


@dataclass
class SourcePost:
    """One post file of the old site, its front matter read but not yet mapped."""

    path: Path
    # Path relative to the old site's root, for the report.
    name: str
    # Path relative to the folder the tool reads posts from (Hugo's content/, a collection, ...).
    content_path: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    # 1-based line of each front-matter key.
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    # 1-based line of the file where the body starts.
    body_line: int = 1
    # The folder puts it among drafts (Jekyll's _drafts/).
    in_drafts: bool = False
    # Front matter that could not be read at all (the file is skipped).
    error: str | None = None


@dataclass
class FileReport:
    """What happened to one file, for the person running the import."""

    source: str
    target: str | None = None
    mapped: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # Files copied into the public folder: "old path → new path".
    images: list[str] = field(default_factory=list)
    # Changes to the body worth knowing about (shortcodes replaced, links rewritten, ...).
    notes: list[str] = field(default_factory=list)
    # What keeps the post from building cleanly, or content that was lost.
    problems: list[str] = field(default_factory=list)
    # Why the file was not imported at all.
    skipped: str | None = None

    @property
    def clean(self) -> bool:
        return self.skipped is None and not self.problems


@dataclass
class ImageCopy:
    """An image a post uses, copied into the public folder."""

    source: Path
    # Path inside the public folder, e.g. `blog/<slug>/cover.png`.
    public_path: str


@dataclass
class Draft:
    """A post as it will be written, mapped from a SourcePost."""

    source: SourcePost
    report: FileReport
    title: str | None = None
    slug: str | None = None
    category: str | None = None
    # The categories the old site nests the category in, outermost first (Hugo's nested
    # sections), for the `parent:` of categories --add-categories writes.
    category_parents: list[str] = field(default_factory=list)
    # Every category the old site gave the post (its URLs may contain them).
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    excerpt: str | None = None
    description: str | None = None
    og_image: str | None = None
    # Line of the front-matter key the image came from.
    og_image_line: int = 1
    status: str = "published"
    date: Date | None = None
    updated: Date | None = None
    author: str | None = None
    # The address the front matter gives the post on the old site (Hugo `url`, Jekyll `permalink`).
    own_url: str | None = None
    # The path the old site served the post at (drafts: would have), for links between posts.
    address: str = ""
    # Old paths that should redirect to the post: its address, unless it was a draft, and
    # the older ones its front matter lists (Hugo `aliases`, jekyll-redirect-from).
    old_urls: list[str] = field(default_factory=list)
    body: str = ""
    images: list[ImageCopy] = field(default_factory=list)


@dataclass
class NewCategory:
    """A category the imported posts use that categories.yml does not declare."""

    name: str
    # The name of its parent category (declared, or added before it), None at the top.
    parent: str | None = None


@dataclass
class ImportResult:
    site: Site
    reports: list[FileReport]
    # Files of the old site that are not posts (pages, section lists), with the reason.
    ignored: list[tuple[str, str]]
    written: list[Path]
    dry_run: bool
    # categories.yml, relative to the source folder, and what it lacks, parents first.
    categories_file: str = "categories.yml"
    categories_file_exists: bool = True
    new_categories: list[NewCategory] = field(default_factory=list)
    # --add-categories: the new categories were appended (or, in a dry run, would be).
    add_categories: bool = False
    # The exact text appended to categories.yml (or that would be).
    categories_text: str = ""
