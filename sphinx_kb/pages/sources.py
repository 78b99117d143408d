"""Generated sources: the home page, one landing page per category, the tag pages and the archive.

They are Markdown files in the source folder, so Sphinx reads them like any page. Their text
holds the structure (title, description, which listings, the toctree); the listings render from
the catalog (listing.py re-reads a page when its listing changes). A file is written only when
its text changes: an unchanged build touches nothing, so Sphinx re-reads nothing and a live
preview that watches the folder does not loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_kb.content.archive import ARCHIVE_DOC, archive_docname
from sphinx_kb.content.browse import (
    archive_page_for_docname,
    archive_pages_of,
    tag_page_for_docname,
    tag_pages_of,
)
from sphinx_kb.content.tags import TAG_DIR, TAGS_DOC, Tag, tag_docname
from sphinx_kb.content.wording import Wording, wording
from sphinx_kb.pages.markdown import escape

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category

logger = logging.getLogger(__name__)

MARKER = "% sphinx-kb: generated from categories.yml and the posts' front matter; edits are overwritten."


@dataclass(frozen=True)
class HomeSettings:
    title: str
    description: str
    latest: int
    # The words of the generated pages' titles and descriptions, in the site's language.
    words: Wording = field(default_factory=lambda: wording("en"))


def directive(name: str, **options: object) -> list[str]:
    return [f"```{{{name}}}", *(f":{key}: {value}" for key, value in options.items()), "```", ""]


def category_page(catalog: Catalog, category: Category, words: Wording) -> str:
    children = catalog.children(category.slug)
    posts = catalog.posts_in(category.slug)
    parts = [MARKER, "", f"# {escape(category.name)}", ""]
    if category.description:
        parts += [category.description, ""]
    if children:
        subcategories = escape(words.text("Subcategories"))
        parts += [f"## {subcategories}", "", *directive("kb-categories", parent=category.slug)]
    if posts:
        articles = escape(words.text("Articles"))
        parts += [f"## {articles}", "", *directive("kb-posts", category=category.slug)]
    # The toctree holds every post (structure: breadcrumbs, prev/next); the listing shows a page.
    entries = [c.slug for c in children] + [f"/{catalog.layout.post_docname(p.slug)}" for p in posts]
    parts += ["```{toctree}", ":hidden:", "", *entries, "```", ""]
    return "\n".join(parts)


def page_title(title: str, page: int, pages: int, words: Wording) -> str:
    """`Archive`, then `Archive (page 2 of 5)`."""
    return (
        title
        if page == 1
        else words.text("{title} (page {page} of {pages})", title=title, page=page, pages=pages)
    )


def category_next_page(category: Category, page: int, pages: int, words: Wording) -> str:
    """Page 2, 3, ... of a category's listing: orphans, reached through the pager links."""
    title = page_title(category.name, page, pages, words)
    parts = ["---", "orphan: true", "---", MARKER, "", f"# {escape(title)}", ""]
    parts += directive("kb-posts", category=category.slug, page=page)
    return "\n".join(parts)


def orphan(description: str) -> list[str]:
    """Front matter of a page outside the toctrees, with its meta description and link-preview
    text (otherwise sphinxext-opengraph would cut the first cards' text into them)."""
    # One line of YAML (a flow mapping), so that MARKER stays within is_generated's first lines.
    meta = {"html_meta": {"description": description}}
    matter = {"orphan": True, "myst": meta, "og:description": description}
    return ["---", json.dumps(matter, ensure_ascii=False), "---"]


def tags_page(words: Wording) -> str:
    """The tag index: every tag with its count (the kb-tags directive renders them)."""
    head = orphan(words.text("Every tag of the knowledge base, with its number of articles."))
    title = escape(words.text("Tags"))
    return "\n".join([*head, MARKER, "", f"# {title}", "", *directive("kb-tags")])


def tag_page(tag: Tag, page: int, pages: int, words: Wording) -> str:
    title = page_title(words.text("Tag: {name}", name=tag.name), page, pages, words)
    options: dict[str, object] = {"tag": tag.slug}
    if page > 1:
        options["page"] = page
    head = orphan(words.text("Articles tagged “{name}”, newest first.", name=tag.name))
    return "\n".join([*head, MARKER, "", f"# {escape(title)}", "", *directive("kb-posts", **options)])


def archive_page(page: int, pages: int, words: Wording) -> str:
    title = page_title(words.text("Archive"), page, pages, words)
    options = {"page": page} if page > 1 else {}
    head = orphan(words.text("Every article of the knowledge base by year and month, newest first."))
    return "\n".join([*head, MARKER, "", f"# {escape(title)}", "", *directive("kb-archive", **options)])


def browse_links(root_doc: str, words: Wording) -> list[str]:
    """The home page's line that leads to the tag index and the archive."""
    up = "../" * root_doc.count("/")
    line = words.text(
        "Browse [all tags]({tags}) or [the archive]({archive}).",
        tags=f"{up}{TAGS_DOC}.md",
        archive=f"{up}{ARCHIVE_DOC}.md",
    )
    return [line, ""]


def home_page(catalog: Catalog, settings: HomeSettings, root_doc: str = "index") -> str:
    top = catalog.children(None)
    parts = [MARKER, "", f"# {escape(settings.title)}", ""]
    if settings.description:
        parts += [escape(settings.description), ""]
    words = settings.words
    if top:
        categories = escape(words.text("Categories"))
        parts += [f"## {categories}", "", *directive("kb-categories")]
    if catalog.visible_posts and settings.latest > 0:
        latest = escape(words.text("Latest articles"))
        parts += [f"## {latest}", "", *directive("kb-posts", latest=settings.latest)]
    if catalog.visible_posts:
        parts += browse_links(root_doc, words)
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


def browse_pages(catalog: Catalog, words: Wording) -> dict[Path, str]:
    """The tag index, the tag pages and the archive pages (tags.py, archive.py), by file."""
    srcdir = catalog.layout.srcdir
    wanted = {srcdir / f"{TAGS_DOC}.md": tags_page(words)}
    for tag in catalog.tag_index.tags.values():
        pages = tag_pages_of(catalog, tag.slug)
        for page in range(1, pages + 1):
            wanted[srcdir / f"{tag_docname(tag.slug, page)}.md"] = tag_page(tag, page, pages, words)
    pages = archive_pages_of(catalog)
    for page in range(1, pages + 1):
        wanted[srcdir / f"{archive_docname(page)}.md"] = archive_page(page, pages, words)
    remove_stale(srcdir / TAG_DIR, wanted)
    remove_stale(srcdir / ARCHIVE_DOC, wanted)
    return wanted


def remove_stale(folder: Path, wanted: dict[Path, str]) -> None:
    """Delete generated pages of `folder` that are no longer wanted, and the folders they leave empty."""
    if not folder.is_dir():
        return
    for path in folder.rglob("*.md"):
        if path not in wanted and is_generated(path):
            path.unlink()
    for pages in sorted(folder.glob("*/page"), reverse=True) + sorted(folder.glob("page")):
        for empty in (pages, pages.parent):
            if empty != folder and empty.is_dir() and not any(empty.iterdir()):
                empty.rmdir()


def generate(catalog: Catalog, settings: HomeSettings, root_doc: str) -> list[Path]:
    """Write the home and category pages that changed, delete stale ones; return what was written."""
    srcdir = catalog.layout.srcdir
    written: list[Path] = []
    home = srcdir / f"{root_doc}.md"
    if home.exists() and not is_generated(home):
        logger.info("sphinx-kb: %s is not generated; leaving it as it is", home)
    elif write_if_changed(home, home_page(catalog, settings, root_doc)):
        written.append(home)

    category_dir = srcdir / catalog.layout.category_dir
    wanted = {}
    for category in catalog.listed_categories:
        wanted[category_dir / f"{category.slug}.md"] = category_page(catalog, category, settings.words)
        pages = catalog.pages_of(category.slug)
        for page in range(2, pages + 1):
            path = srcdir / f"{catalog.layout.category_docname(category.slug, page)}.md"
            wanted[path] = category_next_page(category, page, pages, settings.words)
    remove_stale(category_dir, wanted)
    wanted.update(browse_pages(catalog, settings.words))
    for path, text in wanted.items():
        if path.exists() and not is_generated(path):
            logger.warning(
                "%s was not generated by sphinx-kb and is left as it is; the %s is not updated; "
                "rename or remove it to get the generated page",
                path,
                "category page" if path.is_relative_to(category_dir) else "tag or archive page",
                type="kb",
                subtype="generated",
                location=f"{path}:1",
            )
            continue
        if write_if_changed(path, text):
            written.append(path)
    return written


def is_browse_page(catalog: Catalog, docname: str) -> bool:
    """The tag index, a tag page or an archive page: listings of cards, kept out of the search
    index and the sitemap (the posts they list are in both)."""
    return (
        docname == TAGS_DOC
        or tag_page_for_docname(catalog, docname)[0] is not None
        or archive_page_for_docname(catalog, docname) > 0
    )
