"""The browse pages of a catalog: how many pages the tag pages and the archive fill, which posts
each page lists, and which docname is which page (category pages: catalog.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_kb.content.tags import Tag

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.post import Post


def tag_pages_of(catalog: Catalog, slug: str) -> int:
    tag = catalog.tag_index.tags.get(slug)
    return catalog.layout.page_count(len(tag.posts)) if tag else 1


def tag_posts_on_page(catalog: Catalog, slug: str, page: int) -> list[Post]:
    tag = catalog.tag_index.tags.get(slug)
    return catalog.layout.on_page(tag.posts, page) if tag else []


def tag_page_for_docname(catalog: Catalog, docname: str) -> tuple[Tag | None, int]:
    """The tag a tag page (any of its numbered pages) is about, and the page number."""
    prefix = catalog.layout.tag_dir + "/"
    if not docname.startswith(prefix):
        return None, 0
    slug, _, page = docname[len(prefix) :].partition("/page/")
    tag = catalog.tag_index.tags.get(slug)
    if tag is None:
        return None, 0
    number = int(page) if page.isdigit() else 1 if not page else 0
    return (tag, number) if 1 <= number <= tag_pages_of(catalog, slug) else (None, 0)


def tag_docnames(catalog: Catalog) -> list[str]:
    return [
        catalog.layout.tag_docname(slug, n)
        for slug in catalog.tag_index.tags
        for n in range(1, tag_pages_of(catalog, slug) + 1)
    ]


def archive_pages_of(catalog: Catalog) -> int:
    return catalog.layout.page_count(len(catalog.visible_posts))


def archive_posts_on_page(catalog: Catalog, page: int) -> list[Post]:
    return catalog.layout.on_page(catalog.visible_posts, page)


def archive_page_for_docname(catalog: Catalog, docname: str) -> int:
    """The number of the archive page a docname is, or 0."""
    if docname == catalog.layout.archive_docname():
        return 1
    prefix = catalog.layout.archive_dir + "/page/"
    number = docname[len(prefix) :] if docname.startswith(prefix) else ""
    return int(number) if number.isdigit() and 2 <= int(number) <= archive_pages_of(catalog) else 0


def archive_docnames(catalog: Catalog) -> list[str]:
    return [catalog.layout.archive_docname(n) for n in range(1, archive_pages_of(catalog) + 1)]
