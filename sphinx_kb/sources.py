"""Generated sources: the home page and one landing page per category.

They are Markdown files in the source folder, so Sphinx reads them like any page. Their text
holds the structure (title, description, which listings, the toctree); the listings render from
the catalog (listing.py re-reads a page when its listing changes). A file is written only when
its text changes: an unchanged build touches nothing, so Sphinx re-reads nothing and a live
preview that watches the folder does not loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_kb.markdown import escape

if TYPE_CHECKING:
    from sphinx_kb.catalog import Catalog
    from sphinx_kb.categories import Category

logger = logging.getLogger(__name__)

MARKER = "% sphinx-kb: generated from categories.yml and the posts' front matter; edits are overwritten."


@dataclass(frozen=True)
class HomeSettings:
    title: str
    description: str
    latest: int


def directive(name: str, **options: object) -> list[str]:
    return [f"```{{{name}}}", *(f":{key}: {value}" for key, value in options.items()), "```", ""]


def category_page(catalog: Catalog, category: Category) -> str:
    children = catalog.children(category.slug)
    posts = catalog.posts_in(category.slug)
    parts = [MARKER, "", f"# {escape(category.name)}", ""]
    if category.description:
        parts += [category.description, ""]
    if children:
        parts += ["## Subcategories", "", *directive("kb-categories", parent=category.slug)]
    if posts:
        parts += ["## Articles", "", *directive("kb-posts", category=category.slug)]
    # The toctree holds every post (structure: breadcrumbs, prev/next); the listing shows a page.
    entries = [c.slug for c in children] + [f"/{catalog.layout.post_docname(p.slug)}" for p in posts]
    parts += ["```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(parts)


def category_next_page(category: Category, page: int, pages: int) -> str:
    """Page 2, 3, ... of a category's listing: orphans, reached through the pager links."""
    title = f"{category.name} (page {page} of {pages})"
    parts = ["---", "orphan: true", "---", MARKER, "", f"# {escape(title)}", ""]
    parts += directive("kb-posts", category=category.slug, page=page)
    return "\n".join(parts)


def home_page(catalog: Catalog, settings: HomeSettings) -> str:
    top = catalog.children(None)
    parts = [MARKER, "", f"# {escape(settings.title)}", ""]
    if settings.description:
        parts += [escape(settings.description), ""]
    if top:
        parts += ["## Categories", "", *directive("kb-categories")]
    if catalog.visible_posts and settings.latest > 0:
        parts += ["## Latest articles", "", *directive("kb-posts", latest=settings.latest)]
    entries = [catalog.layout.category_docname(c.slug) for c in top]
    parts += ["```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(parts)


def is_generated(path: Path) -> bool:
    """Our files carry MARKER on their first line, or right after a short front matter."""
    try:
        with path.open(encoding="utf-8") as handle:
            return any(handle.readline().rstrip("\n") == MARKER for _ in range(4))
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
        pages = catalog.pages_of(category.slug)
        for page in range(2, pages + 1):
            path = srcdir / f"{catalog.layout.category_docname(category.slug, page)}.md"
            wanted[path] = category_next_page(category, page, pages)
    if category_dir.is_dir():
        for path in category_dir.rglob("*.md"):
            if path not in wanted and is_generated(path):
                path.unlink()
        for folder in sorted(category_dir.glob("*/page"), reverse=True):
            for empty in (folder, folder.parent):
                if empty.is_dir() and not any(empty.iterdir()):
                    empty.rmdir()
    for path, text in wanted.items():
        if path.exists() and not is_generated(path):
            logger.warning(
                "%s was not generated by sphinx-kb and is left as it is; the category page is not updated",
                path,
                type="kb",
                subtype="generated",
                location=f"{path}:1",
            )
            continue
        if write_if_changed(path, text):
            written.append(path)
    return written
