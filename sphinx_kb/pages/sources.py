"""Generated sources: the home page, one landing page per category, the tag pages and the archive.

They are Markdown files in the source folder, so Sphinx reads them like any page. Their text
holds the structure (title, description, which listings, the toctree); the listings render from
the catalog (listing.py re-reads a page when its listing changes). A file is written only when
its text changes: an unchanged build touches nothing, so Sphinx re-reads nothing and a live
preview that watches the folder does not loop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_kb.content.browse import (
    archive_page_for_docname,
    archive_pages_of,
    tag_page_for_docname,
    tag_pages_of,
)
from sphinx_kb.content.wording import Wording, wording
from sphinx_kb.pages.markdown import escape

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Catalog, Layout
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.tags import Tag

logger = logging.getLogger(__name__)

MARKER = "% sphinx-kb: generated from categories.yml and the posts' front matter; edits are overwritten."


@dataclass(frozen=True)
class HomeSettings:
    title: str
    description: str
    latest: int
    # The words of the generated pages' titles and descriptions, in the site's language.
    words: Wording = field(default_factory=lambda: wording("en"))
    # The home page's description in each translated language (kb_description_translations).
    descriptions: dict[str, str] = field(default_factory=dict)

    def in_language(self, language: str) -> HomeSettings:
        """The settings of a translated language's home page: its words, its own description
        (none rather than the site language's)."""
        return HomeSettings(self.title, self.descriptions.get(language, ""), self.latest, wording(language))


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


def browse_links(layout: Layout, root_doc: str, words: Wording) -> list[str]:
    """The home page's line that leads to the tag index and the archive (links relative to the
    home page, which sits in the same folder as they do)."""
    up = "../" * root_doc.count("/")
    line = words.text(
        "Browse [all tags]({tags}) or [the archive]({archive}).",
        tags=f"{up}{layout.tags_docname.removeprefix(layout.prefix)}.md",
        archive=f"{up}{layout.archive_docname().removeprefix(layout.prefix)}.md",
    )
    return [line, ""]


def home_page(catalog: Catalog, settings: HomeSettings, root_doc: str = "index") -> str:
    top = catalog.children(None)
    layout = catalog.layout
    # A translated language's home is in no toctree: the site has one root. Its description
    # tags come from outputs/metadata.py, as the site language's home's do (not twice).
    head = ["---", "orphan: true", "---"] if layout.view else []
    parts = [*head, MARKER, "", f"# {escape(settings.title)}", ""]
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
        parts += browse_links(layout, root_doc, words)
    entries = [layout.category_docname(c.slug).removeprefix(layout.prefix) for c in top]
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
    layout = catalog.layout
    srcdir = layout.srcdir
    wanted = {srcdir / f"{layout.tags_docname}.md": tags_page(words)}
    for tag in catalog.tag_index.tags.values():
        pages = tag_pages_of(catalog, tag.slug)
        for page in range(1, pages + 1):
            wanted[srcdir / f"{layout.tag_docname(tag.slug, page)}.md"] = tag_page(tag, page, pages, words)
    pages = archive_pages_of(catalog)
    for page in range(1, pages + 1):
        wanted[srcdir / f"{layout.archive_docname(page)}.md"] = archive_page(page, pages, words)
    remove_stale(srcdir / layout.tag_dir, wanted)
    remove_stale(srcdir / layout.archive_dir, wanted)
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
    """Write the generated pages that changed, those of the site's language and, under
    `<language>/`, those of each translated language with articles; delete stale ones; return
    what was written."""
    written: list[Path] = []
    for view in catalog.language_views:
        language = view.layout.view
        written += generate_language(view, settings.in_language(language) if language else settings, root_doc)
    remove_stale_languages(catalog.layout, root_doc, set(catalog.view_languages))
    return written


# What a language's folder looks like: `de`, `pt-br`, `zh-hant`.
LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def remove_stale_languages(layout: Layout, root_doc: str, kept: set[str]) -> None:
    """The generated pages of a language that no longer has a published article (or is no
    longer declared): a folder named like a language whose home page we generated. The site
    language's own folders (`tag/`, `category/`, ...) are never one, even when a tag or category
    is called like the home page."""
    own = {layout.category_dir, layout.tag_dir, layout.archive_dir, layout.posts_dir, layout.public_dir}
    folders = [f for f in layout.srcdir.iterdir() if f.is_dir()] if layout.srcdir.is_dir() else []
    for folder in folders:
        name = folder.name
        if name in kept or name in own or not LANGUAGE_FOLDER.fullmatch(name):
            continue
        files, folders_of_language = generated_places(replace(layout, view=name), root_doc)
        home = files[0]
        if not home.is_file() or not is_generated(home):
            continue
        for page in files:
            if page.is_file() and is_generated(page):
                page.unlink()
        for folder_path in folders_of_language:
            remove_stale(folder_path, {})


def generated_places(layout: Layout, root_doc: str) -> tuple[list[Path], list[Path]]:
    """Where the build writes one language's generated pages: the home page (first), the tag
    index and the archive's first page; the category, tag and archive folders."""
    srcdir = layout.srcdir
    names = (layout.home_docname(root_doc), layout.tags_docname, layout.archive_docname())
    files = [srcdir / f"{name}.md" for name in names]
    folders = [
        srcdir / d for d in (layout.category_docname("").rstrip("/"), layout.tag_dir, layout.archive_dir)
    ]
    return files, folders


def generated_locations(layout: Layout, root_doc: str) -> tuple[list[Path], list[Path]]:
    """The files and the folders the build writes its generated pages into, for the site's
    language and each declared language (the live preview must not watch them)."""
    files: list[Path] = []
    folders: list[Path] = []
    for view in [layout, *(replace(layout, view=language) for language in layout.languages)]:
        view_files, view_folders = generated_places(view, root_doc)
        files += view_files
        folders += view_folders
    return files, folders


def generate_language(catalog: Catalog, settings: HomeSettings, root_doc: str) -> list[Path]:
    """The home, category, tag and archive pages of one language (the catalog or a view of it)."""
    layout = catalog.layout
    srcdir = layout.srcdir
    written: list[Path] = []
    home = srcdir / f"{layout.home_docname(root_doc)}.md"
    if home.exists() and not is_generated(home):
        logger.info("sphinx-kb: %s is not generated; leaving it as it is", home)
    elif write_if_changed(home, home_page(catalog, settings, root_doc)):
        written.append(home)

    category_dir = srcdir / layout.prefix / layout.category_dir
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
    catalog = catalog.for_page(docname)
    return (
        docname == catalog.layout.tags_docname
        or tag_page_for_docname(catalog, docname)[0] is not None
        or archive_page_for_docname(catalog, docname) > 0
    )
