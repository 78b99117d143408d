"""The `kb_` configuration values, and how they configure the extensions sphinx-kb drives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.locale import _
from sphinx.util import logging

from sphinx_kb.catalog import Layout

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent


def drafts_from_environment() -> bool:
    """`KB_DRAFTS=1 make html` (or sphinx-build, sphinx-autobuild) turns on the draft preview."""
    return os.environ.get("KB_DRAFTS", "").strip().lower() not in ("", "0", "false", "no")


# name: (default, rebuild, what it is for); docs/configuration.md documents each.
OPTIONS: dict[str, tuple[object, str]] = {
    # Where things live inside the source folder.
    "kb_posts_dir": ("blog", "env"),
    "kb_categories_file": ("categories.yml", "env"),
    # Optional: author id -> name, title, url, image (authors.py).
    "kb_authors_file": ("authors.yml", "env"),
    "kb_public_dir": ("public", "env"),
    # Show drafts (with a banner, marked noindex); also `KB_DRAFTS=1` in the environment.
    "kb_drafts": (False, "env"),
    # Home page: the text under the site title, and how many latest posts it lists.
    "kb_description": ("", "env"),
    "kb_latest_posts": (10, "env"),
    # Posts per listing page: category pages are split into numbered pages of this size.
    "kb_posts_per_page": (20, "env"),
    # Reading time on post pages and cards: words of the body / this, rounded up (post.py).
    "kb_words_per_minute": (230, "env"),
    # Related articles at the end of each post (related.py); 0 turns them off.
    "kb_related_posts": (3, "html"),
    # Sidebar: how many posts of the current category it lists (the rest: via the category page).
    "kb_sidebar_posts": (10, "html"),
    # Draw a social card (title, category, site name) for posts without an image of their own.
    "kb_social_cards": (True, "html"),
    # Social image for pages without their own (a site-root path in the public folder, or a URL).
    "kb_default_image": ("", "html"),
    # Site search: "pagefind" (falls back to "sphinx", Sphinx's built-in search, when missing).
    "kb_search": ("pagefind", "html"),
    # Write robots.txt pointing to the sitemap (unless the public folder ships its own).
    "kb_robots_txt": (True, "html"),
    # Atom and RSS feeds of the site and of each category (feeds.py): on/off, entries per feed,
    # and what an entry holds ("excerpt" or "full", the post's body).
    "kb_feeds": (True, "html"),
    "kb_feed_entries": (20, ""),
    "kb_feed_content": ("excerpt", ""),
    # Structured data's publisher: {"name", "url", "logo"}; unset keys come from the site (jsonld.py).
    "kb_publisher": ({}, "html"),
    # html builder: a redirect page at blog/<slug>/index.html for every post, so that the old
    # extensionless `/blog/<slug>` reaches it on hosts that do not try `.html` (redirects.py).
    "kb_extensionless_redirects": (True, ""),
}


def register(app: Sphinx) -> None:
    for name, (default, rebuild) in OPTIONS.items():
        if name == "kb_drafts":
            default = drafts_from_environment()
        app.add_config_value(name, default, rebuild, types=frozenset({type(default)}))


def layout_from(srcdir: Path, values: Mapping[str, Any]) -> Layout:
    """The source layout from `kb_` values (a Sphinx config or conf.py's namespace)."""

    def get(name: str) -> Any:
        return values.get(name, OPTIONS[name][0]) if isinstance(values, dict) else getattr(values, name)

    return Layout(
        srcdir=srcdir,
        posts_dir=str(get("kb_posts_dir")).strip("/"),
        categories_file=str(get("kb_categories_file")),
        authors_file=str(get("kb_authors_file")),
        public_dir=str(get("kb_public_dir")).strip("/"),
        show_drafts=bool(get("kb_drafts")),
        posts_per_page=max(1, int(get("kb_posts_per_page"))),
        social_cards=bool(get("kb_social_cards")),
    )


def site_name(app: Sphinx) -> str:
    """The knowledge base's name: the home page's title, og:site_name, the social cards."""
    return str(app.config.html_title or app.config.project)


def layout(app: Sphinx) -> Layout:
    return layout_from(Path(app.srcdir), app.config)


def configure(app: Sphinx, config: Config) -> None:
    """Set the options of myst-parser, sphinxext-opengraph, sphinx-sitemap and Sphinx that we own."""
    # The public folder is copied to the site root by output.py (not html_extra_path, which
    # would also publish drafts' images and skip dotfiles such as .nojekyll).
    config.exclude_patterns = [
        *config.exclude_patterns,
        f"{config.kb_public_dir.strip('/')}/**",
        "_build",
        "**/.*",
    ]
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [str(HERE / "static"), *config.html_static_path]

    # The front-matter title is the page's H1 (pages.py makes sure it stays plain text).
    config.myst_title_to_header = True
    config.myst_enable_extensions = sorted({*config.myst_enable_extensions, "colon_fence", "deflist"})

    if config.html_title == _("%s %s documentation") % (config.project, config.release):
        # Sphinx's default title ("<project>  documentation") is wrong for a knowledge base.
        config.html_title = config.project

    base = config.html_baseurl
    if base and not base.endswith("/"):
        config.html_baseurl = base + "/"
    config.ogp_site_url = config.html_baseurl
    config.ogp_canonical_url = config.html_baseurl
    config.ogp_site_name = config.html_title or config.project
    config.ogp_social_cards = {"enable": False}
    config.ogp_enable_meta_description = True
    # sphinx-sitemap: no language/version prefix, and we hand it the URL list ourselves
    # (see sitemap.py for why its own per-page collection is switched off).
    config.site_url = config.html_baseurl
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = ["*"]
    config.sitemap_show_lastmod = False
    config.sitemap_indent = 2

    if not config.html_baseurl:
        logger.warning(
            "html_baseurl is not set in conf.py: canonical links, og:url, og:image and the sitemap need "
            "the site's public address (e.g. html_baseurl = 'https://kb.example.com/')",
            type="kb",
            subtype="config",
        )
