"""The `kb_` options: each one's default and what a change of it rebuilds, and the source layout
they give (read from a Sphinx config by the build, from conf.py's values by the `kb` command)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_kb.content.catalog import Layout

if TYPE_CHECKING:
    from collections.abc import Mapping

# name: (default, rebuild, what it is for); docs/configuration.md documents each.
OPTIONS: dict[str, tuple[object, str]] = {
    # Where things live inside the source folder.
    "kb_posts_dir": ("blog", "env"),
    "kb_categories_file": ("categories.yml", "env"),
    # Optional: author id -> name, title, url, image (authors.py).
    "kb_authors_file": ("authors.yml", "env"),
    # Optional: groups of words that mean the same to readers, for search (synonyms.py).
    "kb_synonyms_file": ("synonyms.yml", ""),
    "kb_public_dir": ("public", "env"),
    # Show drafts (with a banner, marked noindex); also `KB_DRAFTS=1` in the environment.
    "kb_drafts": (False, "env"),
    # Home page: the text under the site title, and how many latest posts it lists.
    "kb_description": ("", "env"),
    # The home page's text in each translated language: {"de": "..."} (none: no text there).
    "kb_description_translations": ({}, "env"),
    "kb_latest_posts": (10, "env"),
    # Posts per listing page: category pages are split into numbered pages of this size.
    "kb_posts_per_page": (20, "env"),
    # Reading time on post pages and cards: words of the body / this, rounded up (post.py).
    "kb_words_per_minute": (230, "env"),
    # Related articles at the end of each post (pages/related.py); 0 turns them off.
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
    # Atom and RSS feeds of the site and of each category (outputs/feeds.py): on/off, entries per feed,
    # and what an entry holds ("excerpt" or "full", the post's body).
    "kb_feeds": (True, "html"),
    "kb_feed_entries": (20, ""),
    "kb_feed_content": ("excerpt", ""),
    # Structured data's publisher: {"name", "url", "logo"}; unset keys come from the site (outputs/jsonld.py).
    "kb_publisher": ({}, "html"),
    # html builder: a redirect page at blog/<slug>/index.html for every post, so that the old
    # extensionless `/blog/<slug>` reaches it on hosts that do not try `.html` (outputs/redirect_pages.py).
    "kb_extensionless_redirects": (True, ""),
    # The site's languages (`language` first, added when missing): a post in another one is a
    # translation, `<slug>.<language>.md`, published under `<language>/` (docs/translations.md).
    "kb_languages": ([], "env"),
    # The time zone of front-matter dates without one: an article dated later than the build's
    # clock is scheduled (content/schedule.py, docs/scheduling.md).
    "kb_timezone": ("UTC", "env"),
}


def site_languages(values: Mapping[str, Any] | Any) -> tuple[str, tuple[str, ...]]:
    """(the site's language, the other declared languages), from `language` and `kb_languages`."""
    get = (
        values.get if isinstance(values, dict) else lambda name, default=None: getattr(values, name, default)
    )
    default = language_code(get("language", None) or "en")
    others: list[str] = []
    declared = get("kb_languages", None) or []
    for code in [declared] if isinstance(declared, str) else declared:
        code = language_code(str(code))
        if code and code != default and code not in others:
            others.append(code)
    return default, tuple(others)


def language_code(code: str) -> str:
    """How a language is written in file names and URLs: `de`, `pt-br` (from `pt_BR`)."""
    return code.strip().lower().replace("_", "-")


def layout_from(srcdir: Path, values: Mapping[str, Any]) -> Layout:
    """The source layout from `kb_` values (a Sphinx config or conf.py's namespace)."""

    def get(name: str) -> Any:
        return values.get(name, OPTIONS[name][0]) if isinstance(values, dict) else getattr(values, name)

    language, languages = site_languages(values)
    return Layout(
        srcdir=srcdir,
        language=language,
        languages=languages,
        posts_dir=str(get("kb_posts_dir")).strip("/"),
        categories_file=str(get("kb_categories_file")),
        authors_file=str(get("kb_authors_file")),
        synonyms_file=str(get("kb_synonyms_file")),
        public_dir=str(get("kb_public_dir")).strip("/"),
        show_drafts=bool(get("kb_drafts")),
        posts_per_page=max(1, int(get("kb_posts_per_page"))),
        social_cards=bool(get("kb_social_cards")),
        timezone=str(get("kb_timezone") or "UTC"),
    )
