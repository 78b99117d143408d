"""Structured data (schema.org JSON-LD) in the head of each page, from the catalog.

Posts get a `BlogPosting` and a `BreadcrumbList`, category pages a `BreadcrumbList`, the home
page a `WebSite`. Search engines need absolute URLs here, so without `html_baseurl` no page gets
any (glue/config.py already warns that the base URL is missing). Drafts get none: a preview build
deployed by mistake must not announce them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_kb.content.post import iso_date
from sphinx_kb.outputs.metadata import default_image
from sphinx_kb.pages import notfound
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import pagefind_binary, site_name
from sphinx_kb.site.urls import asset_url, page_url, site_url

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinx_kb.content.authors import Author
    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.post import Post

logger = logging.getLogger(__name__)

PUBLISHER_KEYS = ("name", "url", "logo")
# In a script element `</script` ends the element whatever the JSON around it, and `<!--` changes
# how the parser looks for that end; U+2028/U+2029 break older JavaScript parsers. JSON lets any
# character inside a string be written as \uXXXX, so none of them ever has to appear as is.
ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

Json = dict[str, Any]


def script(data: Json) -> str:
    """The `<script type="application/ld+json">` element for `data`, safe for any text in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in ESCAPES.items():
        text = text.replace(char, escaped)
    return f'<script type="application/ld+json">{text}</script>'


def check_publisher(app: Sphinx, config: Config) -> None:
    """config-inited: say which `kb_publisher` keys are not used (Sphinx checks it is a dict)."""
    publisher = config.kb_publisher
    if not isinstance(publisher, dict):
        return
    for key, value in publisher.items():
        if key not in PUBLISHER_KEYS:
            logger.warning(
                "conf.py: kb_publisher has an unknown key %r; it is ignored (known keys: %s)",
                key,
                ", ".join(PUBLISHER_KEYS),
                type="kb",
                subtype="config",
            )
        elif not isinstance(value, str):
            logger.warning(
                "conf.py: kb_publisher[%r] must be text; the site's own value is used instead",
                key,
                type="kb",
                subtype="config",
            )


def logo_url(app: Sphinx) -> str:
    """`html_logo` as a full URL: Sphinx copies a local logo to `_static/<its file name>`."""
    logo = str(app.config.html_logo or "")
    if not logo or "://" in logo:
        return logo
    return asset_url(app, "_static/" + logo.replace("\\", "/").rsplit("/", 1)[-1])


def publisher(app: Sphinx) -> Json:
    """The Organization behind the site: `kb_publisher`, else the site's name, address and logo."""
    given = app.config.kb_publisher if isinstance(app.config.kb_publisher, dict) else {}

    def value(key: str) -> str:
        text = given.get(key)
        return text.strip() if isinstance(text, str) else ""

    data: Json = {
        "@type": "Organization",
        "name": value("name") or site_name(app),
        "url": asset_url(app, value("url")) if value("url") else site_url(app),
    }
    logo = asset_url(app, value("logo")) if value("logo") else logo_url(app)
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": logo}
    return data


def person(app: Sphinx, author: Author) -> Json:
    """The author as a schema.org Person (or Organization, for `type: organization`)."""
    data: Json = {"@type": author.kind, "name": author.name}
    if author.url:
        data["url"] = author.url
    if author.title and author.kind == "Person":
        data["jobTitle"] = author.title
    if author.image:
        data["image"] = asset_url(app, author.image)
    return data


def breadcrumbs(app: Sphinx, trail: list[tuple[str, str]]) -> Json:
    """A BreadcrumbList from (name, docname) pairs, the home page first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": page_url(app, docname)}
            for index, (name, docname) in enumerate(trail, start=1)
        ],
    }


def category_trail(app: Sphinx, catalog: Catalog, category: Category) -> list[tuple[str, str]]:
    """Home, then the category's ancestors from the top, then the category itself."""
    trail = [(site_name(app), catalog.layout.home_docname(app.config.root_doc))]
    trail += [(c.name, catalog.layout.category_docname(c.slug)) for c in catalog.ancestors(category)]
    return trail


def blog_posting(app: Sphinx, catalog: Catalog, post: Post, context: dict[str, Any]) -> Json:
    url = page_url(app, catalog.layout.docname_of(post))
    data: Json = {
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
    }
    if post.summary:
        data["description"] = post.summary
    # The image the page's og:image shows (metadata.py chose it: own image, card or default).
    image = asset_url(app, context["kb_image"]) if context.get("kb_image") else default_image(app)
    if image:
        data["image"] = image
    if post.date:
        data["datePublished"] = iso_date(post.date)
    if post.last_modified:
        data["dateModified"] = iso_date(post.last_modified)
    author = catalog.authors.resolve(post.author)
    if author is not None:
        data["author"] = person(app, author)
    data["publisher"] = publisher(app)
    data["articleSection"] = catalog.category_of(post).name
    if post.tags:
        data["keywords"] = list(post.tags)
    if post.language or app.config.language:
        data["inLanguage"] = post.language or app.config.language
    return data


def website(app: Sphinx) -> Json:
    data: Json = {"@type": "WebSite", "name": site_name(app), "url": site_url(app)}
    if app.config.kb_description:
        data["description"] = app.config.kb_description
    if app.config.language:
        data["inLanguage"] = app.config.language
    data["publisher"] = publisher(app)
    if pagefind_binary(app) is not None:
        # Only Pagefind's search page reads its query from `?q=` (search/pagefind.py, kb-search.js).
        target = page_url(app, "search") + "?q={search_term_string}"
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": target},
            "query-input": "required name=search_term_string",
        }
    return data


def structured_data(app: Sphinx, pagename: str, context: dict[str, Any]) -> list[Json]:
    """The schema.org items of one page (none for pages that are not posts, categories or home)."""
    catalog = get_catalog(app.env).for_page(pagename)
    post = catalog.post_for_docname(pagename)
    if post is not None:
        if post.is_draft:
            return []
        trail = category_trail(app, catalog, catalog.category_of(post))
        trail.append((post.title, pagename))
        return [blog_posting(app, catalog, post, context), breadcrumbs(app, trail)]
    category = catalog.category_for_docname(pagename)
    if category is not None:
        return [breadcrumbs(app, category_trail(app, catalog, category))]
    if pagename == app.config.root_doc:
        return [website(app)]
    return []


def add_structured_data(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context, after metadata.py (which picks the page's image)."""
    if doctree is None or app.builder.format != "html" or not site_url(app) or notfound.is_404(app, pagename):
        return
    items = structured_data(app, pagename, context)
    if not items:
        return
    data: Json = (
        {"@context": "https://schema.org", **items[0]}
        if len(items) == 1
        else {
            "@context": "https://schema.org",
            "@graph": items,
        }
    )
    context["metatags"] = context.get("metatags", "") + script(data) + "\n"


def setup(app: Sphinx) -> None:
    # `kb_publisher` is in content/options.py with the other `kb_` values.
    app.connect("config-inited", check_publisher)
    app.connect("html-page-context", add_structured_data, priority=410)
