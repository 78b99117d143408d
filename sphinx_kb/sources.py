"""Generated sources: the home page and one landing page per category.

They are Markdown files in the source folder, so Sphinx reads them like any page. A file is
written only when its text changes: an unchanged build touches nothing, so Sphinx re-reads
nothing and a live preview that watches the folder does not loop.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_kb.markdown import escape

if TYPE_CHECKING:
    from sphinx_kb.catalog import Catalog
    from sphinx_kb.categories import Category
    from sphinx_kb.post import Post

logger = logging.getLogger(__name__)

MARKER = "% sphinx-kb: generated from categories.yml and the posts' front matter; edits are overwritten."


@dataclass(frozen=True)
class HomeSettings:
    title: str
    description: str
    latest: int


def digest(data: object) -> str:
    """A short fingerprint of what a listing shows: the page's text changes when it does."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def post_card_data(catalog: Catalog, post: Post) -> list[object]:
    return [post.slug, post.title, str(post.date), post.excerpt, catalog.category_of(post).name, post.status]


def category_card_data(catalog: Catalog, category: Category) -> list[object]:
    return [category.slug, category.name, category.description, catalog.count(category.slug)]


def category_page(catalog: Catalog, category: Category) -> str:
    children = catalog.children(category.slug)
    posts = catalog.posts_in(category.slug)
    parts = [MARKER, "", f"# {escape(category.name)}", ""]
    if category.description:
        parts += [category.description, ""]
    if children:
        shown = [category_card_data(catalog, c) for c in children]
        parts += [
            "## Subcategories",
            "",
            "```{kb-categories}",
            f":parent: {category.slug}",
            f":digest: {digest(shown)}",
            "```",
            "",
        ]
    if posts:
        shown = [post_card_data(catalog, p) for p in posts]
        parts += [
            "## Articles",
            "",
            "```{kb-posts}",
            f":category: {category.slug}",
            f":digest: {digest(shown)}",
            "```",
            "",
        ]
    entries = [c.slug for c in children] + [f"/{catalog.layout.post_docname(p.slug)}" for p in posts]
    parts += ["```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(parts)


def home_page(catalog: Catalog, settings: HomeSettings) -> str:
    top = catalog.children(None)
    latest = catalog.visible_posts[: settings.latest]
    parts = [MARKER, "", f"# {escape(settings.title)}", ""]
    if settings.description:
        parts += [escape(settings.description), ""]
    if top:
        shown = [category_card_data(catalog, c) for c in top]
        parts += ["## Categories", "", "```{kb-categories}", f":digest: {digest(shown)}", "```", ""]
    if latest:
        shown = [post_card_data(catalog, p) for p in latest]
        parts += [
            "## Latest articles",
            "",
            "```{kb-posts}",
            f":latest: {settings.latest}",
            f":digest: {digest(shown)}",
            "```",
            "",
        ]
    entries = [catalog.layout.category_docname(c.slug) for c in top]
    parts += ["```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(parts)


def is_generated(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\n") == MARKER
    except (OSError, UnicodeDecodeError):
        return False


def write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def generate(catalog: Catalog, settings: HomeSettings, root_doc: str) -> list[Path]:
    """Write the home and category pages that changed, delete stale ones; return what was written."""
    srcdir = catalog.layout.srcdir
    written: list[Path] = []
    home = srcdir / f"{root_doc}.md"
    if home.exists() and not is_generated(home):
        logger.info("sphinx-kb: %s is not generated; leaving it as it is", home)
    elif write_if_changed(home, home_page(catalog, settings)):
        written.append(home)

    category_dir = srcdir / catalog.layout.category_dir
    wanted = {}
    for category in catalog.listed_categories:
        wanted[category_dir / f"{category.slug}.md"] = category_page(catalog, category)
    if category_dir.is_dir():
        for path in category_dir.glob("*.md"):
            if path not in wanted and is_generated(path):
                path.unlink()
    for path, text in wanted.items():
        if path.exists() and not is_generated(path):
            logger.warning(
                "%s was not generated by sphinx-kb and is left as it is; the category page is not updated",
                path,
                type="kb",
                subtype="generated",
                location=str(path),
            )
            continue
        if write_if_changed(path, text):
            written.append(path)
    return written
