"""The 404 page: sphinx-notfound-page writes it, we make it work at any URL.

A host answers every missing path (`/a/b/c/missing`) with the site's `404.html`, so nothing on
that page may be relative: sphinx-notfound-page rewrites `pathto` and the asset tags to start
from its URL prefix; we set that prefix from `html_baseurl` (its own default is Read the Docs'
`/en/latest/`), make our sidebar, `data-content_root` (kb-search.js finds `_pagefind/` from
it) and the links of a hand-written `404.md` absolute too, and keep the page out of search
engines. With `dirhtml` the page is also copied to `404.html`, where hosts look for it.
"""

from __future__ import annotations

import html
import os
import posixpath
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.builders.dirhtml import DirectoryHTMLBuilder

from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import words

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def base_path(base_url: str) -> str:
    """The site's path on its host: "/" for https://kb.example.com/, "/help/" for
    https://example.com/help/ (and "/" when there is no base URL)."""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def configure(app: Sphinx, config: Config) -> None:
    """config-inited: the 404 page's URL prefix is the path of `html_baseurl`, unless conf.py
    sets `notfound_urls_prefix` or Read the Docs gives its own address (notfound's default
    then is that address's path)."""
    default = config.values["notfound_urls_prefix"].default
    if config.notfound_urls_prefix != default or os.environ.get("READTHEDOCS_CANONICAL_URL"):
        return
    config.notfound_urls_prefix = base_path(config.html_baseurl or "")


def is_404(app: Sphinx, pagename: str) -> bool:
    return pagename == app.config.notfound_pagename


def url_prefix(app: Sphinx) -> str:
    """Where every link of the 404 page starts (notfound treats None and "" as "/")."""
    prefix: str = app.config.notfound_urls_prefix or "/"
    return prefix if prefix.endswith("/") else prefix + "/"


def absolute_uri(app: Sphinx, docname: str) -> str:
    """A page's link from the site root, as notfound's `pathto` writes it on the 404 page."""
    return url_prefix(app) + app.builder.get_target_uri(docname)


def page_body(app: Sphinx) -> str:
    """What the generated page says: where to go from here, every link absolute."""
    catalog = get_catalog(app.env)
    categories = "".join(
        f'<li><a href="{html.escape(absolute_uri(app, catalog.layout.category_docname(c.slug)))}">'
        f"{html.escape(c.name)}</a></li>"
        for c in catalog.children(None)
    )
    text = words(app).text
    home, search = (html.escape(absolute_uri(app, docname)) for docname in (app.config.root_doc, "search"))
    title, why, go_home, go_search = (
        html.escape(message)
        for message in (
            text("Page not found"),
            text("There is no page at this address: it may have moved, or the link may be mistyped."),
            text("Go to the home page"),
            text("Search the knowledge base"),
        )
    )
    parts = [
        f"<h1>{title}</h1>",
        f"<p>{why}</p>",
        "<ul>",
        f'<li><a href="{home}">{go_home}</a></li>',
        f'<li><a href="{search}">{go_search}</a></li>',
        "</ul>",
    ]
    if categories:
        heading = html.escape(text("Browse the categories"))
        parts += [f"<h2>{heading}</h2>", f'<ul class="kb-not-found-categories">{categories}</ul>']
    return "\n".join(parts)


def finish_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context, after outputs/metadata.py (400) and before sphinxext-opengraph and furo (500)."""
    if app.builder.format != "html" or not is_404(app, pagename):
        return
    # Sphinx sets a relative root ("./") for where the file lies; the page is served at any depth.
    context["content_root"] = url_prefix(app)
    # An error page is no page of the site: no canonical URL, no og:url, not indexed.
    context["pageurl"] = None
    context["meta"] = {**(context.get("meta") or {}), "ogp_disable": True}
    context["metatags"] = context.get("metatags", "") + '<meta name="robots" content="noindex" />\n'
    if doctree is None and app.config.notfound_context == app.config.values["notfound_context"].default:
        context["body"] = page_body(app)
        context["title"] = words(app).text("Page not found")


def rooted(directory: str, uri: str) -> str:
    """A relative link written for a page in `directory`, from the site root instead."""
    path, hash_sign, fragment = uri.partition("#")
    joined = posixpath.normpath(posixpath.join(directory, path)).lstrip("/")
    if joined == ".":
        joined = ""
    if path.endswith("/") and joined:
        joined += "/"
    return joined + hash_sign + fragment


def absolute_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the links of a hand-written 404 page (notfound fixes only its images)."""
    if app.builder.format != "html" or not is_404(app, docname):
        return
    directory = posixpath.dirname(app.builder.get_target_uri(docname))
    for node in doctree.findall(nodes.reference):
        uri = node.get("refuri", "")
        if not uri or uri.startswith(("#", "/")) or urlsplit(uri).scheme:
            continue
        node["refuri"] = url_prefix(app) + rooted(directory, uri)


def finish_output(app: Sphinx, exception: Exception | None) -> None:
    """build-finished, before outputs/site_files.py (500) copies the public folder, whose own 404.html wins:
    dirhtml writes 404/index.html, hosts serve /404.html."""
    if exception is not None or app.builder.format != "html":
        return
    page = Path(app.builder.get_outfilename(app.config.notfound_pagename))
    if not page.is_file():
        return
    if isinstance(app.builder, DirectoryHTMLBuilder):
        shutil.copy2(page, Path(app.outdir) / f"{app.config.notfound_pagename}.html")
