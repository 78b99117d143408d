"""Site search with Pagefind: mark what gets indexed, index the finished HTML, or fall back.

Pagefind indexes the written HTML, not the doctrees, so this module does three things:
- on every page it marks what is searchable (`data-pagefind-body` around the published content
  only, metadata and filters as attributes) and marks drafts to be skipped;
- after the build it refreshes copies of the indexed pages cut down to what Pagefind reads
  (kept beside the doctrees, refreshed only for pages written since the last build, so a page
  rewritten for its sidebar alone costs no re-index) and, when one changed, runs Pagefind over
  them (indexer.py), or leaves that to `python -m sphinx_kb.search` once Sphinx's process
  has ended (`make html` does: the build's memory is then free for Pagefind's);
- it switches Sphinx's own indexer off, which costs about a third of a build and would ship a
  `searchindex.js` nobody loads. Without Pagefind (`kb_search = "sphinx"`, or the binary is
  missing) Sphinx's search and furo's search page stay as they are.
"""

from __future__ import annotations

import html
import itertools
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_kb.content.wording import wording
from sphinx_kb.outputs.metadata import category_description
from sphinx_kb.outputs.site_files import remove_page
from sphinx_kb.outputs.sitemap import NOT_LISTED
from sphinx_kb.pages.sources import is_browse_page
from sphinx_kb.search import indexer
from sphinx_kb.search.indexer import INDEX_DIR, Job, read_state, sync_copies, write_search_file, write_state
from sphinx_kb.search.order import NEWEST_FILE
from sphinx_kb.search.vocabulary import WORDS_DIR
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import pagefind_binary, site_name
from sphinx_kb.version import code_digest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinx_kb.content.catalog import Catalog

logger = logging.getLogger(__name__)

# How many of the newest articles the search page offers when a search finds nothing.
RECENT_ON_EMPTY = 5
# Emitted right before Pagefind runs (only when it runs), for whoever can free memory first.
INDEXING_STARTS = "kb-search-indexing-starts"


def setup(app: Sphinx) -> None:
    app.add_event(INDEXING_STARTS)


def find_pagefind() -> tuple[Path | None, str]:
    """The Pagefind binary, or None and why it was not found."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH", "").strip()
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return path, ""
        return None, f"PAGEFIND_BINARY_PATH={configured} is not an executable file"
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]

        return Path(get_executable()), ""
    except (ImportError, FileNotFoundError):
        pass
    for name in ("pagefind", "pagefind_extended"):
        found = shutil.which(name)
        if found:
            return Path(found), ""
    return None, "the Pagefind package is not installed"


def choose_search(app: Sphinx, config: Config) -> None:
    """config-inited: use Pagefind when asked for and installed; say once when falling back."""
    app.kb_pagefind = None  # type: ignore[attr-defined]
    mode = str(config.kb_search).strip().lower()
    if mode not in ("pagefind", "sphinx"):
        logger.warning(
            "kb_search = %r is not a search engine sphinx-kb knows; use 'pagefind' or 'sphinx'",
            config.kb_search,
            type="kb",
            subtype="config",
        )
        mode = "pagefind"
    # The engine in effect is a config value, so that switching engines (also when the binary
    # appears or goes) rewrites every page: the pages carry the engine's marks and scripts.
    config.kb_search = mode
    if mode != "pagefind":
        return
    binary, why = find_pagefind()
    if binary is None:
        config.kb_search = "sphinx"
        logger.warning(
            "search falls back to Sphinx's built-in search: %s (install it with "
            "`pip install 'pagefind[bin]'`, or set kb_search = 'sphinx' to choose Sphinx's search)",
            why,
            type="kb",
            subtype="search",
        )
        return
    app.kb_pagefind = binary  # type: ignore[attr-defined]


def take_over_search(app: Sphinx) -> None:
    """builder-inited: with Pagefind, Sphinx's indexer is not run and its search page is ours."""
    if pagefind_binary(app) is None:
        return
    app.builder.search = False  # type: ignore[attr-defined]
    app.add_js_file("kb-search.js", loading_method="defer")
    app.add_css_file("kb-search.css")


def search_page(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """html-collect-pages: Sphinx only writes search.html while its own indexer is on. Each
    translated language with pages gets its own, `<language>/search`: Pagefind searches the
    pages of the search page's `<html lang>`."""
    if pagefind_binary(app) is None:
        return
    site = get_catalog(app.env)
    for catalog in site.language_views:
        layout = catalog.layout
        categories = [
            (c.name, len(catalog.ancestors(c)) - 1, layout.category_docname(c.slug), catalog.count(c.slug))
            for c in catalog.listed_categories
        ]
        # Shown when a search finds nothing: the newest articles (drafts are never search results).
        published = (p for p in catalog.visible_posts if not p.is_draft)
        words = wording(layout.page_language)
        recent = [
            (p.title, layout.post_docname(p.slug), words.date(p.date) if p.date else "")
            for p in itertools.islice(published, RECENT_ON_EMPTY)
        ]
        context = {
            "kb_search_categories": categories,
            "kb_search_tags": [tag.name for tag in catalog.tag_index.tags.values()],
            "kb_search_recent": recent,
        }
        yield layout.search_docname, context, "search.html"


def data_span(attribute: str, values: dict[str, str]) -> str:
    """A hidden element whose attributes Pagefind reads (`key[data-key]`), text-free so that
    the values are not indexed twice."""
    keys = ", ".join(f"{key}[data-kb-{key}]" for key in values)
    attrs = "".join(f' data-kb-{key}="{html.escape(value)}"' for key, value in values.items())
    return f'<span hidden {attribute}="{keys}"{attrs}></span>'


def search_marks(app: Sphinx, catalog: Catalog, pagename: str, context: dict[str, Any]) -> tuple[str, str]:
    """The attributes of the element around a page's content, and the data inside it."""
    if is_browse_page(catalog, pagename):
        return "", ""  # tag index, tag and archive pages: cards of posts indexed themselves
    catalog = catalog.for_page(pagename)
    post = catalog.post_for_docname(pagename)
    if post is not None:
        if post.is_draft:
            # Preview builds show drafts; a preview deployed by mistake must not make them findable.
            return 'data-pagefind-ignore="all"', ""
        category = catalog.category_of(post)
        meta = {
            "title": post.title,
            "description": post.summary,
            "category": category.name,
            "kind": "post",
        }
        if post.date:
            meta["date"] = post.date.isoformat()
        if context.get("kb_image"):
            meta["image"] = str(context["kb_image"]).lstrip("/")
        data = [data_span("data-pagefind-meta", meta)]
        data += [data_span("data-pagefind-filter", {"category": c.name}) for c in catalog.ancestors(category)]
        # The tag's name on the tag pages of the article's language (one spelling for all
        # posts), as the Tag list offers it.
        tags = catalog.tag_index.tags
        data += [
            data_span("data-pagefind-filter", {"tag": tags[slug].name})
            for slug in catalog.tag_index.of_post.get(post.slug, ())
        ]
        # No data-pagefind-sort: "Newest first" has its own file (order.py), which only
        # the readers who sort download.
        return "data-pagefind-body", "".join(data)
    category, page = catalog.category_page_for_docname(pagename)
    if category is not None:
        if page > 1:
            return "", ""  # page 1 stands for the category; the cards are not indexed anyway
        description = category_description(category, site_name(app), wording(catalog.layout.page_language))
        meta = {"title": category.name, "description": description, "kind": "category"}
        data = [data_span("data-pagefind-meta", meta)]
        data += [data_span("data-pagefind-filter", {"category": c.name}) for c in catalog.ancestors(category)]
        return 'data-pagefind-body data-pagefind-weight="0.5"', "".join(data)
    if pagename in app.env.found_docs and pagename not in NOT_LISTED:
        # The home page and hand-written pages are content too; excluded posts never get here.
        meta = {"title": str(context.get("title") or ""), "kind": "page"}
        return "data-pagefind-body", data_span("data-pagefind-meta", meta)
    return "", ""


def mark_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context (after outputs/metadata.py): what the page template wraps around the content."""
    context["kb_pagefind"] = pagefind_binary(app) is not None
    if not context["kb_pagefind"] or doctree is None:
        return
    attrs, data = search_marks(app, get_catalog(app.env), pagename, context)
    context["kb_search_attrs"] = attrs
    context["kb_search_data"] = data


def remove_stale_search_pages(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: a language's search page once it has no pages, or without Pagefind (no
    document stands behind them, so Sphinx's removal of pages that left never sees them)."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    catalog = get_catalog(app.env)
    kept = set(catalog.view_languages) if pagefind_binary(app) is not None else set()
    for language in catalog.layout.languages:
        if language in kept:
            continue
        remove_page(app, catalog.in_language(language).layout.search_docname)


def build_index(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (after outputs/site_files.py removed the pages that left): index the site,
    or leave it to `python -m sphinx_kb.search` when KB_SEARCH_AFTER_BUILD is set."""
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    binary = pagefind_binary(app)
    if binary is None:
        if app.builder.name in ("html", "dirhtml"):
            # An index from an earlier Pagefind build would be stale and is no longer used.
            shutil.rmtree(site / INDEX_DIR, ignore_errors=True)
        return
    # Left by an earlier build with Sphinx's search: stale, and it holds every word of the site.
    (site / "searchindex.js").unlink(missing_ok=True)
    # Per builder: html and dirhtml builds may share a doctree folder, not their pages.
    work = Path(app.doctreedir) / f"{indexer.WORK_PREFIX}{app.builder.name}"
    copies, state_path = work / "pages", work / "state.json"
    indexer.forget_pending(work)
    settings = {
        "version": indexer.COPY_VERSION,
        "code": code_digest(),
        "binary": str(binary),
        "site": os.path.abspath(site),
    }
    state = read_state(state_path, settings) if copies.is_dir() else None
    if state is None:
        shutil.rmtree(copies, ignore_errors=True)
        copies.mkdir(parents=True)  # kept even when no page has searchable content
        state = {"pages": {}, "indexed": False}
    changed, seen = sync_copies(site, copies, state["pages"])
    # What each index must hold: an index written by an older sphinx-kb lacks some.
    index = site / INDEX_DIR
    complete = all((index / name).exists() for name in ("pagefind-entry.json", NEWEST_FILE, WORDS_DIR))
    stale = changed or state.get("indexed") is not True or not complete
    known = state.get("fragments")
    known = known if isinstance(known, dict) else {}
    # Recorded before Pagefind runs: if it fails or is stopped, the next build indexes again.
    write_state(state_path, {**settings, "pages": seen, "indexed": not stale, "fragments": known})
    synonyms = [list(group.terms) for group in get_catalog(app.env).synonyms]
    if not stale:
        write_search_file(site, synonyms)
        logger.info("search index: up to date")
        return
    job = Job(str(binary), str(site), str(work), settings, seen, known, synonyms)
    if os.environ.get(indexer.AFTER_BUILD_ENV, "").strip() not in ("", "0"):
        indexer.leave_for_later(job)
        logger.info("search index: left for `python -m sphinx_kb.search %s` after this build", app.doctreedir)
        return
    # The build gives back what it no longer needs first (glue/memory.py): Pagefind needs as much again.
    app.emit(INDEXING_STARTS)
    try:
        pages, seconds = indexer.index_site(job)
    except (OSError, RuntimeError, ValueError, EOFError) as error:
        logger.warning(
            "Pagefind could not index the site, search shows the previous index: %s",
            error,
            type="kb",
            subtype="search",
        )
        return
    logger.info("search index: %d pages indexed by Pagefind in %.1f s", pages, seconds)
