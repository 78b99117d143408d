"""sitemap.xml (written by sphinx-sitemap) and robots.txt, from the catalog.

sphinx-sitemap collects URLs as pages are written, so after an incremental build its sitemap
lists only the rewritten pages (sphinx-sitemap issue #13), and it lists search.html and
genindex.html. We switch its collection off (`sitemap_excludes = ["*"]`, see glue/config.py) and put
every published page of the catalog into its queue just before it writes the file.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from sphinx_kb.pages.sources import is_browse_page
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.urls import alternate_links, page_path, site_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog


# Pages that are not content: a hand-written error page must not be indexed.
NOT_LISTED = frozenset({"404", "search", "genindex"})


def sitemap_entries(
    catalog: Catalog, root_doc: str, other_pages: dict[str, Path]
) -> list[tuple[str, str | None]]:
    """(docname, lastmod) of the home page, every category page, every published post and the
    other pages of the site (`other_pages`: docname -> source file, dated by git); the home and
    category pages of each translated language with theirs."""
    views = catalog.language_views
    published = [[p for p in view.visible_posts if not p.is_draft] for view in views]
    listings: list[tuple[str, str | None]] = []
    articles: list[tuple[str, str | None]] = []
    for view, posts in zip(views, published, strict=True):
        post_dates = {p.slug: catalog.last_changed(p) for p in posts}
        listings += listing_entries(view, root_doc, post_dates)
        articles += [(view.layout.post_docname(p.slug), post_dates[p.slug]) for p in posts]
    git_dates = catalog.commit_dates if other_pages else {}
    others = [(docname, git_dates.get(path.resolve())) for docname, path in sorted(other_pages.items())]
    return [*listings, *articles, *others]


def listing_entries(
    catalog: Catalog, root_doc: str, post_dates: dict[str, str | None]
) -> list[tuple[str, str | None]]:
    """The home page and the category pages of one language, dated by their newest article."""

    def newest(slugs: list[str]) -> str | None:
        dates = [d for s in slugs if (d := post_dates.get(s))]
        # Dates and datetimes mix: compare on the calendar day, keep the full value.
        return max(dates, key=lambda d: d[:10]) if dates else None

    entries: list[tuple[str, str | None]] = [
        (catalog.layout.home_docname(root_doc), newest(list(post_dates)))
    ]
    for category in catalog.listed_categories:
        slugs: list[str] = []
        stack = [category]
        while stack:
            current = stack.pop()
            slugs += [p.slug for p in catalog.posts_in(current.slug) if not p.is_draft]
            stack += catalog.children(current.slug)
        if slugs:
            lastmod = newest(slugs)
            for page in range(1, catalog.pages_of(category.slug) + 1):
                entries.append((catalog.layout.category_docname(category.slug, page), lastmod))
    return entries


def use_plain_queue(app: Sphinx) -> None:
    """builder-inited, after sphinx-sitemap: swap its multiprocessing Manager queue for a plain one.

    sphinx-sitemap starts a Manager process on every build so that parallel writers can report
    pages; we never use that (only the main process fills the queue, from the catalog), and the
    Manager costs ~2 s at interpreter exit when it is not shut down (about a third of a no-op
    build of 1,000 posts)."""
    links = getattr(app, "sitemap_links", None)
    manager = getattr(links, "_manager", None)
    if manager is not None:
        manager.shutdown()
    if links is not None:
        app.sitemap_links = queue.Queue()  # type: ignore[attr-defined]


def queue_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, before sphinx-sitemap (priority 500) writes the file."""
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or app.builder.format != "html" or not site_url(app):
        return
    catalog = get_catalog(app.env)
    root_doc = app.config.root_doc
    ours = {catalog.layout.post_docname(slug) for slug in catalog.posts} | {
        catalog.layout.docname_of(post)
        for versions in catalog.translations.values()
        for post in versions.values()
    }
    for view in catalog.language_views:
        ours.add(view.layout.home_docname(root_doc))
        ours.update(
            view.layout.category_docname(c.slug, page)
            for c in view.listed_categories
            for page in range(1, view.pages_of(c.slug) + 1)
        )
    # Hand-written pages (an "About" page, ...) are part of the site too.
    other_pages = {
        docname: Path(app.env.doc2path(docname))
        for docname in app.env.found_docs - ours
        if docname.rpartition("/")[2] not in NOT_LISTED and not is_browse_page(catalog, docname)
    }
    for docname, lastmod in sitemap_entries(catalog, app.config.root_doc, other_pages):
        links.put((page_path(app, docname), lastmod))


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def add_alternates(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, after sphinx-sitemap wrote the file: each version of a translated article
    (and of a home or category page) lists every version, itself included, and `x-default` as
    `<xhtml:link rel="alternate">` (Google's sitemap form of hreflang), the same links as the
    page's head (metadata.py)."""
    if exception is not None or app.builder.format != "html" or not site_url(app):
        return
    catalog = get_catalog(app.env)
    root_doc = app.config.root_doc
    versions = [
        {
            language: catalog.layout.docname_of(post)
            for language, post in catalog.versions(slug).items()
            if not post.is_draft
        }
        for slug in catalog.translations
    ]
    if catalog.view_languages:
        # The home and category pages of every language (a category may have pages only in
        # translated languages); a page's versions are found from any of them, so once.
        seen: set[str] = set()
        for view in catalog.language_views:
            for docname, _ in listing_entries(view, root_doc, {}):
                if docname not in seen:
                    found = catalog.page_versions(docname, root_doc)
                    seen.update(found.values())
                    versions.append(found)
    alternates: dict[str, list[tuple[str, str]]] = {}
    for found in versions:
        links = alternate_links(app, catalog, found)
        for language, url in links:
            if language != "x-default":
                alternates[url] = links
    path = Path(app.outdir, app.config.sitemap_filename)
    if not alternates or not path.is_file():
        return
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    tree = ElementTree.parse(path)
    for url in tree.getroot().iter(f"{{{SITEMAP_NS}}}url"):
        loc = url.findtext(f"{{{SITEMAP_NS}}}loc", "").strip()
        for language, href in alternates.get(loc, []):
            ElementTree.SubElement(
                url, f"{{{XHTML_NS}}}link", {"rel": "alternate", "hreflang": language, "href": href}
            )
    ElementTree.indent(tree, space="  ")
    tree.write(path, encoding="utf-8", xml_declaration=True)


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.kb_robots_txt:
        return
    catalog = get_catalog(app.env)
    if catalog.public_file_exists("/robots.txt"):
        return
    lines = ["User-agent: *", "Allow: /"]
    if site_url(app):
        lines += ["", f"Sitemap: {site_url(app)}{app.config.sitemap_filename}"]
    Path(app.outdir, "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
