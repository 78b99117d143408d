"""Site search with Pagefind: mark what gets indexed, index the finished HTML, or fall back.

Pagefind indexes the written HTML, not the doctrees, so this module does three things:
- on every page it marks what is searchable (`data-pagefind-body` around the published content
  only, metadata and filters as attributes) and marks drafts to be skipped;
- after the build it runs the Pagefind binary over copies of the indexed pages cut down to what
  Pagefind reads (kept beside the doctrees, refreshed only for pages written since the last
  build, so a page rewritten for its sidebar alone costs no re-index), into a fresh folder that
  then replaces `_pagefind/` (Pagefind never deletes the files of pages that left the site),
  with the order of "Newest first" beside it (order.py);
- it switches Sphinx's own indexer off, which costs about a third of a build and would ship a
  `searchindex.js` nobody loads. Without Pagefind (`kb_search = "sphinx"`, or the binary is
  missing) Sphinx's search and furo's search page stay as they are.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from sphinx_kb.outputs.metadata import category_description
from sphinx_kb.outputs.sitemap import NOT_LISTED
from sphinx_kb.pages.listing import human_date
from sphinx_kb.pages.sources import is_browse_page
from sphinx_kb.search import order, vocabulary
from sphinx_kb.search.order import NEWEST_FILE, Dates, write_newest
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

INDEX_DIR = "_pagefind"
# The listing cards and related articles repeat what other posts say (those are indexed
# themselves), the lines under a post's title repeat its metadata and tags (shown with each
# result, tags are a filter), and heading anchors are a lone "#": none belongs in the index.
EXCLUDE_SELECTORS = (
    ".kb-post-list, .kb-pager, .kb-post-meta, .kb-post-tags, .headerlink, .kb-draft-banner, .kb-related"
)
# page.html wraps what Pagefind indexes in this element and ends it with this comment: Pagefind
# is given copies of the pages cut down to it (a third of a page; the rest is theme and sidebar).
SCOPE_START = b'<div class="kb-search-scope" '
SCOPE_END = b"<!--/kb-search-scope-->"
COPY_HEAD = b'<head><meta charset="utf-8"></head><body>'
# Bump when searchable_copy changes what it keeps: every copy is made again.
COPY_VERSION = 1
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
    """html-collect-pages: Sphinx only writes search.html while its own indexer is on."""
    if pagefind_binary(app) is None:
        return
    catalog = get_catalog(app.env)
    layout = catalog.layout
    categories = [
        (c.name, len(catalog.ancestors(c)) - 1, layout.category_docname(c.slug), catalog.count(c.slug))
        for c in catalog.listed_categories
    ]
    # Shown when a search finds nothing: the newest articles (drafts are never search results).
    published = (p for p in catalog.visible_posts if not p.is_draft)
    recent = [
        (p.title, layout.post_docname(p.slug), human_date(p.date) if p.date else "")
        for p in itertools.islice(published, RECENT_ON_EMPTY)
    ]
    context = {
        "kb_search_categories": categories,
        "kb_search_tags": [tag.name for tag in catalog.tag_index.tags.values()],
        "kb_search_recent": recent,
    }
    yield "search", context, "search.html"


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
    post = catalog.post_for_docname(pagename)
    if post is not None:
        if post.is_draft:
            # Preview builds show drafts; a preview deployed by mistake must not make them findable.
            return 'data-pagefind-ignore="all"', ""
        category = catalog.category_of(post)
        meta = {"title": post.title, "description": post.summary, "category": category.name, "kind": "post"}
        if post.date:
            meta["date"] = post.date.isoformat()
        if context.get("kb_image"):
            meta["image"] = str(context["kb_image"]).lstrip("/")
        data = [data_span("data-pagefind-meta", meta)]
        data += [data_span("data-pagefind-filter", {"category": c.name}) for c in catalog.ancestors(category)]
        # The tag's name on the tag pages (one spelling for all posts), as the Tag list offers it.
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
        description = category_description(category, site_name(app))
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


def run_pagefind(
    binary: Path, pages: Path, site: Path, known: Dates | None = None, words_cache: Path | None = None
) -> tuple[int, float, Dates]:
    """Index the copies in `pages` into a fresh folder swapped in as the site's index, with
    the order of "Newest first" (`known`: the dates of fragments seen before) and the words
    for typo correction (`words_cache`: the words of fragments seen before); (pages indexed,
    seconds, every fragment's date)."""
    start = time.perf_counter()
    fresh = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
    # mkdtemp makes the folder private (0700): a web server running as another user could not
    # read the index. Give it the permissions of any other folder the build makes.
    umask = os.umask(0)
    os.umask(umask)
    fresh.chmod(0o777 & ~umask)
    try:
        result = subprocess.run(
            [
                str(binary),
                "--site",
                str(pages),
                "--output-path",
                str(fresh),
                "--exclude-selectors",
                EXCLUDE_SELECTORS,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError((result.stderr or result.stdout).strip()[-2000:])
        words = vocabulary.load_cache(words_cache) if words_cache is not None else {}

        def take_words(fid: str, fragment: dict[str, Any]) -> None:
            words[fid] = vocabulary.fragment_words(fragment)

        dates = write_newest(fresh, known or {}, take_words)
        # Every fragment's words, from the fragments write_newest listed (order.read_fragment looked
        # up when called: tests count the fragments read).
        words = vocabulary.complete(fresh, dates, words, lambda path: order.read_fragment(path))
        vocabulary.write_vocabulary(fresh, words)
        if words_cache is not None:
            vocabulary.save_cache(words_cache, words)
        target = site / INDEX_DIR
        old = site.parent / f"{fresh.name}-old"
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    entry = json.loads((site / INDEX_DIR / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages_indexed = sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())
    return pages_indexed, time.perf_counter() - start, dates


def html_files(site: Path) -> Iterator[os.DirEntry[str]]:
    stack = [site]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(("_", ".")):
                        stack.append(Path(entry.path))
                elif entry.name.endswith(".html"):
                    yield entry


def searchable_copy(page: bytes) -> bytes | None:
    """What Pagefind reads of a written page: the <html> tag (its language) and the element
    marked by page.html; None for a page it would skip (no data-pagefind-body, drafts)."""
    start = page.find(SCOPE_START)
    if start < 0:
        # Not one of ours (an html_extra_path file, say): Pagefind judges the whole page.
        return page if b"data-pagefind-body" in page else None
    if b"data-pagefind-body" not in page[start : page.find(b">", start)]:
        return None  # a draft in a preview build: data-pagefind-ignore="all"
    end = page.rfind(SCOPE_END)
    root = page.find(b"<html")
    if end < start or root < 0:
        return page  # written before the end marker existed
    return page[root : page.find(b">", root) + 1] + COPY_HEAD + page[start:end] + b"</body></html>"


Seen = dict[str, list[int]]  # a page's path in the site -> [mtime_ns, size] when last read


def sync_copies(site: Path, copies: Path, seen_before: Seen) -> tuple[bool, Seen]:
    """Bring the searchable copies of the site's pages up to date; (whether any copy changed,
    each page's [mtime_ns, size]). Only pages written since the last build are read, and a
    page rewritten with the same searchable part (a sidebar count changed) changes nothing."""
    changed = False
    seen: Seen = {}
    for entry in html_files(site):
        relative = os.path.relpath(entry.path, site)
        stat = entry.stat()
        seen[relative] = key = [stat.st_mtime_ns, stat.st_size]
        if seen_before.get(relative) == key:
            continue
        copy = searchable_copy(Path(entry.path).read_bytes())
        target = copies / relative
        if copy is None:
            if target.exists():
                target.unlink()
                changed = True
            continue
        try:
            same = target.read_bytes() == copy
        except OSError:
            same = False
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(copy)
            changed = True
    for relative in seen_before.keys() - seen.keys():
        target = copies / relative
        if target.exists():
            target.unlink()
            changed = True
    return changed, seen


def read_state(path: Path, expected: dict[str, Any]) -> dict[str, Any] | None:
    """What the last build recorded with these settings, or None (start over)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or any(state.get(key) != value for key, value in expected.items()):
        return None
    return state if isinstance(state.get("pages"), dict) else None


def build_index(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (after outputs/site_files.py removed the pages that left): index the site."""
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
    work = Path(app.doctreedir) / f"sphinx-kb-search-{app.builder.name}"
    copies, state_path = work / "pages", work / "state.json"
    settings = {
        "version": COPY_VERSION,
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
    if not stale:
        write_search_file(site, get_catalog(app.env))
        logger.info("search index: up to date")
        return
    # The build gives back what it no longer needs first (glue/memory.py): Pagefind needs as much again.
    app.emit(INDEXING_STARTS)
    try:
        pages, seconds, dates = run_pagefind(binary, copies, site, known, work / "words.pickle")
    except (OSError, RuntimeError, ValueError, EOFError) as error:
        logger.warning(
            "Pagefind could not index the site, search shows the previous index: %s",
            error,
            type="kb",
            subtype="search",
        )
        return
    write_state(state_path, {**settings, "pages": seen, "indexed": True, "fragments": dates})
    write_search_file(site, get_catalog(app.env))
    logger.info("search index: %d pages indexed by Pagefind in %.1f s", pages, seconds)


def write_search_file(site: Path, catalog: Catalog) -> None:
    """kb-search.json beside the index, on every build: an edit of synonyms.yml changes no page."""
    path = site / INDEX_DIR / vocabulary.SEARCH_FILE
    text = vocabulary.search_json(catalog.synonyms, site / INDEX_DIR)
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    if path.parent.is_dir():
        path.write_text(text, encoding="utf-8")


def write_state(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state), encoding="utf-8")
