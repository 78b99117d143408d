"""The one function that gives a page's public URL (canonical, og:url, sitemap, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog


def site_url(app: Sphinx) -> str:
    """The site's base URL (`html_baseurl`), always ending in `/`; empty when not configured."""
    base: str = app.config.html_baseurl or ""
    return base.rstrip("/") + "/" if base else ""


def page_path(app: Sphinx, docname: str) -> str:
    """A page's path below the site root, as the current builder writes it (html or dirhtml)."""
    if docname == app.config.root_doc:
        return ""
    return app.builder.get_target_uri(docname)


def page_url(app: Sphinx, docname: str) -> str:
    """The absolute URL of a page."""
    return site_url(app) + page_path(app, docname)


def alternate_links(app: Sphinx, catalog: Catalog, versions: dict[str, str]) -> list[tuple[str, str]]:
    """(hreflang, URL) of each version of a page (language -> docname, Catalog.page_versions),
    then `x-default`: the version in the site's language, else the first; none for fewer than
    two versions. The page's head and the sitemap give the same links (docs/translations.md)."""
    links = [(language, page_url(app, docname)) for language, docname in versions.items()]
    if len(links) < 2:
        return []
    default = dict(links).get(catalog.layout.language, links[0][1])
    return [*links, ("x-default", default)]


def asset_url(app: Sphinx, path: str) -> str:
    """The absolute URL of a site-root path such as `/blog/x.png`, or a full URL unchanged."""
    if "://" in path:
        return path
    return site_url(app) + quote(path.lstrip("/"))
