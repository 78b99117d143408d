"""Social and search metadata of each page, from the catalog.

sphinxext-opengraph writes the `og:*` tags: we hand it per-page values through a copy of the
page's metadata (never the environment's own dict, which it would mutate). We add what it
does not know: the meta description, `article:*`, Twitter tags, canonical URL and robots.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_kb.content.parallel import can_fork, in_two_processes
from sphinx_kb.content.post import first_paragraph, iso_date
from sphinx_kb.content.wording import og_locale, wording
from sphinx_kb.outputs import cards
from sphinx_kb.pages.notfound import is_404
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import home_description, site_name
from sphinx_kb.site.urls import alternate_links, asset_url, page_url

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.post import Post
    from sphinx_kb.content.wording import Wording


def tag(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />'


def own_image(catalog: Catalog, post: Post) -> str | None:
    """The post's ogImage when it can be served: an https URL or an existing public file."""
    og_image = post.og_image
    if og_image and ("://" in og_image or catalog.public_file_exists(og_image)):
        return og_image
    return None


def card_for(app: Sphinx, catalog: Catalog, post: Post) -> str | None:
    """Site path of the post's social card, or None when it has its own image or cards are off."""
    if own_image(catalog, post) or not app.config.kb_social_cards:
        return None
    return cards.card_name(post.slug, site_name(app), catalog.category_of(post).name, post.title)


def draw(app: Sphinx, card: str, site: str, category: str, post: Post) -> bool:
    """Make sure the card file exists; a card that cannot be drawn is a warning, not a crash."""
    try:
        cards.ensure_card(Path(app.outdir), card, site, category, post.title)
    except Exception as exc:  # Pillow and fonts: whatever fails, the page still gets built
        logger.warning(
            "cannot draw the social card: %s; the default image is used",
            exc,
            type="kb",
            subtype="card",
            location=f"{post.path}:1",
        )
        return False
    return True


def default_image(app: Sphinx) -> str | None:
    default: str = app.config.kb_default_image
    return asset_url(app, default) if default else None


def category_description(category: Category, site: str, words: Wording, language: str = "") -> str:
    # The same Markdown-to-text reading as a post's excerpt fallback.
    return first_paragraph(category.description_in(language)) or words.text(
        "Articles about {category} in {site}.", category=category.name_in(language), site=site
    )


def add_page_metadata(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context, before sphinxext-opengraph (priority 500) renders the tags."""
    # A hand-written 404 page is no page of the site to share (pages/notfound.py marks it noindex).
    if doctree is None or app.builder.format != "html" or is_404(app, pagename):
        return
    catalog = get_catalog(app.env)
    url = page_url(app, pagename)
    context["pageurl"] = url
    site = site_name(app)
    view = catalog.for_page(pagename)
    post = view.post_for_docname(pagename)
    category = view.category_for_docname(pagename)

    og: dict[str, str] = {"og:url": url}
    extra: list[str] = []
    image: str | None
    if post is not None:
        title, description = post.title, post.summary
        own = own_image(catalog, post)
        card = card_for(app, catalog, post)
        if card is not None and not draw(app, card, site, catalog.category_of(post).name, post):
            card = None
        if card is not None:
            og["og:image:width"], og["og:image:height"] = str(cards.WIDTH), str(cards.HEIGHT)
        image = asset_url(app, own or card) if (own or card) else default_image(app)
        context["kb_image"] = own or card  # a site-root path, for the search results (search/pagefind.py)
        og["og:type"] = "article"
        if post.date:
            extra.append(tag("property", "article:published_time", iso_date(post.date)))
        if post.last_modified:
            extra.append(tag("property", "article:modified_time", iso_date(post.last_modified)))
        extra.append(tag("property", "article:section", catalog.category_of(post).name_in(post.language)))
        extra += [tag("property", "article:tag", t) for t in post.tags]
        author = catalog.authors.resolve(post.author)
        if author is not None:
            extra.append(tag("name", "author", author.name))
        if post.is_draft:
            extra.append(tag("name", "robots", "noindex"))
    elif category is not None:
        page_words = wording(view.layout.page_language)
        title, description = category.name, category_description(category, site, page_words)
        page = view.category_page_for_docname(pagename)[1]
        if page > 1:
            title = page_words.text(
                "{title} (page {page} of {pages})",
                title=category.name,
                page=page,
                pages=view.pages_of(category.slug),
            )
        image = default_image(app)
    elif pagename == view.layout.home_docname(app.config.root_doc):
        title = site
        description = home_description(app, view.layout.view)
        image = default_image(app)
    else:
        # Any other page: sphinxext-opengraph's own title and description, our URL and image.
        title, description, image = "", "", default_image(app)

    if title:
        og["og:title"] = title
    if description:
        og["og:description"] = description
        extra.insert(0, tag("name", "description", description))
    if image:
        og["og:image"] = image
        og["og:image:alt"] = title or site
    extra.append(tag("name", "twitter:card", "summary_large_image" if image else "summary"))
    if title:
        extra.append(tag("name", "twitter:title", title))
    if description:
        extra.append(tag("name", "twitter:description", description))
    if image:
        extra.append(tag("name", "twitter:image", image))

    extra += language_tags(app, catalog, pagename)

    # sphinxext-opengraph only escapes `"`: hand it values that are already HTML-escaped.
    context["meta"] = {**(context.get("meta") or {}), **{k: html.escape(v) for k, v in og.items()}}
    context["metatags"] = context.get("metatags", "") + "\n".join(extra) + "\n"


def language_tags(app: Sphinx, catalog: Catalog, pagename: str) -> list[str]:
    """On a site in several languages (kb_languages): the page's locale for social networks,
    and on a page in several languages (an article with translations, a home or category page)
    every version, itself included, as `hreflang` alternates with the site's language as
    `x-default` (docs/translations.md)."""
    if not catalog.layout.languages:
        return []  # a site in one language: its pages stay as they were
    here = catalog.for_page(pagename).layout.page_language
    found = [tag("property", "og:locale", og_locale(here))]
    versions = catalog.page_versions(pagename, app.config.root_doc)
    found += [tag("property", "og:locale:alternate", og_locale(lang)) for lang in versions if lang != here]
    found += [
        f'<link rel="alternate" hreflang="{html.escape(lang)}" href="{html.escape(url)}" />'
        for lang, url in alternate_links(app, catalog, versions)
    ]
    return found


# Below this many cards to draw, a second process costs more than it saves.
CARDS_IN_TWO_PROCESSES = 64


def post_cards(app: Sphinx, catalog: Catalog) -> list[tuple[str, str, Post]]:
    """(card, category name, post) for every visible post whose social image is its card."""
    found = []
    for post in (p for view in catalog.language_views for p in view.visible_posts):
        card = card_for(app, catalog, post)
        if card is not None:
            found.append((card, catalog.category_of(post).name, post))
    return found


def draw_cards_ahead(app: Sphinx, builder: Builder) -> None:
    """write-started: draw the cards this build lacks before any page is written, in two
    processes when there are many (~5 ms a card; otherwise drawn one by one while writing, in the
    main process of a serial build). Pages then only find their card there."""
    if builder.format != "html" or not app.config.kb_social_cards:
        return
    outdir = Path(app.outdir)
    missing = [
        (card, category, post.title)
        for card, category, post in post_cards(app, get_catalog(app.env))
        if not (outdir / card).is_file()
    ]
    if not missing:
        return
    draw_missing = functools.partial(cards.draw_missing, outdir, site_name(app))
    if len(missing) >= CARDS_IN_TWO_PROCESSES and can_fork():
        in_two_processes(draw_missing, missing)
    else:
        draw_missing(missing)


def finish_cards(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: every published post without an image has its card (draw_cards_ahead drew
    the missing ones; one that could not be drawn is tried again and warned about, also when its
    page was not rewritten), and cards nobody uses any more are deleted."""
    if exception is not None or app.builder.format != "html":
        return
    site = site_name(app)
    wanted = {
        card
        for card, category, post in post_cards(app, get_catalog(app.env))
        if draw(app, card, site, category, post)
    }
    cards.remove_stale_cards(Path(app.outdir), wanted)
