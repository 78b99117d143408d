"""The Sphinx extension: what sphinx-kb connects to which Sphinx event (see `sphinx_kb.setup`).

The one module that knows every layer: each handler it connects lives in the layer whose work it
does (docs/architecture.md lists them)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_kb.content.reading import PostCache, build_catalog
from sphinx_kb.glue import config, inputs, memory, serial_reads, translations, visibility
from sphinx_kb.glue.reporting import log_problems, report_errors
from sphinx_kb.outputs import feeds, jsonld, metadata, redirect_pages, site_files, sitemap
from sphinx_kb.pages import (
    archive,
    interface,
    listing,
    navigation,
    notfound,
    post_page,
    related,
    sources,
    tags,
)
from sphinx_kb.search import pagefind
from sphinx_kb.site.domain import KbDomain, get_domain
from sphinx_kb.site.settings import layout, site_name, words
from sphinx_kb.version import __version__, code_digest

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def read_catalog(app: Sphinx) -> None:
    """builder-inited: read every post once, report every problem, write the generated pages."""
    cache = PostCache(Path(app.doctreedir) / "sphinx-kb-posts.pickle")
    catalog = build_catalog(layout(app), cache)
    cache.save()
    get_domain(app.env).catalog = catalog
    log_problems(catalog.problems)
    settings = sources.HomeSettings(
        title=site_name(app),
        description=app.config.kb_description,
        latest=app.config.kb_latest_posts,
        words=words(app),
        descriptions=dict(app.config.kb_description_translations),
    )
    sources.generate(catalog, settings, app.config.root_doc)


def setup(app: Sphinx) -> ExtensionMetadata:
    # sphinxext-opengraph print()s a notice at import when matplotlib is missing; we do not use
    # its matplotlib cards, so keep the notice out of writers' build logs.
    with contextlib.redirect_stdout(io.StringIO()):
        import sphinxext.opengraph  # noqa: F401
    app.setup_extension("myst_parser")
    app.setup_extension("sphinxext.opengraph")
    app.setup_extension("sphinx_sitemap")
    app.setup_extension("notfound.extension")

    config.register(app)
    app.add_css_file("kb.css")
    app.add_domain(KbDomain)
    app.add_node(post_page.post_header)
    app.add_directive("kb-posts", listing.PostList)
    app.add_directive("kb-categories", listing.CategoryList)
    tags.setup(app)
    archive.setup(app)
    related.setup(app)
    jsonld.setup(app)
    feeds.setup(app)
    serial_reads.setup(app)
    pagefind.setup(app)

    app.connect("config-inited", config.configure)
    app.connect("config-inited", pagefind.choose_search)
    app.connect("config-inited", notfound.configure)
    app.connect("builder-inited", read_catalog)
    app.connect("builder-inited", translations.map_translations, priority=510)
    app.connect("builder-inited", sitemap.use_plain_queue, priority=900)
    app.connect("builder-inited", pagefind.take_over_search)
    app.connect("html-collect-pages", pagefind.search_page)
    app.connect("env-get-outdated", visibility.drop_excluded)
    app.connect("env-get-outdated", visibility.rescheduled)
    app.connect("env-get-outdated", listing.stale_listings)
    app.connect("env-get-updated", navigation.pages_to_rewrite)
    app.connect("doctree-read", post_page.shape_post, priority=300)
    app.connect("doctree-resolved", post_page.fill_post_header)
    app.connect("doctree-resolved", notfound.absolute_links)
    app.connect("doctree-resolved", memory.forget_pickled_doctree, priority=900)
    app.connect("env-before-read-docs", memory.keep_few_read_doctrees)
    # Before freezing: the forked card drawer is gone by then.
    app.connect("write-started", metadata.draw_cards_ahead, priority=400)
    app.connect("write-started", memory.freeze_for_writing)
    app.connect("build-finished", memory.thaw, priority=1)
    app.connect(pagefind.INDEXING_STARTS, memory.release_before_indexing)
    app.connect("html-page-context", metadata.add_page_metadata, priority=400)
    app.connect("html-page-context", navigation.hide_toctree, priority=450)
    app.connect("html-page-context", notfound.finish_page, priority=480)
    app.connect("html-page-context", navigation.add_navigation, priority=550)
    app.connect("html-page-context", navigation.page_breadcrumbs)
    app.connect("html-page-context", navigation.language_pager)
    app.connect("html-page-context", interface.add_words)
    app.connect("html-page-context", pagefind.mark_page, priority=600)
    app.connect("build-finished", sitemap.queue_sitemap, priority=400)
    app.connect("build-finished", sitemap.add_alternates, priority=510)
    app.connect("build-finished", sitemap.write_robots_txt)
    app.connect("build-finished", notfound.finish_output, priority=450)
    app.connect("build-finished", site_files.finish_output)
    app.connect("build-finished", metadata.finish_cards)
    # After site_files.py copied the public folder (its _redirects), before Pagefind indexes.
    app.connect("build-finished", redirect_pages.write_redirects, priority=550)
    app.connect("build-finished", pagefind.remove_stale_search_pages, priority=590)
    app.connect("build-finished", pagefind.build_index, priority=600)
    app.connect("build-finished", report_errors, priority=900)
    app.connect("build-finished", inputs.record_inputs, priority=950)
    return {
        "version": __version__,
        # Sphinx reads every document again when this changes: a build cache made by other
        # sphinx-kb code (an upgrade, an edit) is never reused (5: the related-articles placeholder).
        "env_version": int(f"5{int(code_digest()[:12], 16)}"),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
