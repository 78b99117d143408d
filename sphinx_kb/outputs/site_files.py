"""What lands in the output folder besides Sphinx's pages: the public folder, and no leftovers.

Sphinx never deletes the page of a document that left the site, so after a post is deleted,
made a draft or broken, its old page (and `_sources` copy) would stay online. We remove the
pages of documents that left, and of every excluded post in case the output folder comes from
another build (a preview, or one made before `-E`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.search import js_index

from sphinx_kb.site.domain import get_catalog, get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog


def draft_only_files(catalog: Catalog, default_image: str) -> set[str]:
    """Site paths of the images only drafts name (never the site's default image)."""
    if catalog.layout.show_drafts:
        return set()
    shown = {p.og_image for p in catalog.visible_posts if p.og_image} | {default_image}
    hidden = {p.og_image for p in catalog.posts.values() if p.is_draft and p.og_image}
    return {path.lstrip("/") for path in hidden - shown if path.startswith("/")}


def copy_public(app: Sphinx, catalog: Catalog) -> None:
    """Copy the public folder to the site root, skipping unchanged files and drafts' images
    (a hand-written page that shows a draft's image would lose it: give it its own file)."""
    public = catalog.layout.srcdir / catalog.layout.public_dir
    outdir = Path(app.outdir)
    hidden = draft_only_files(catalog, app.config.kb_default_image)
    for path in hidden:
        (outdir / path).unlink(missing_ok=True)
    if not public.is_dir():
        return
    for root, _dirs, files in os.walk(public):
        for name in files:
            source = Path(root, name)
            relative = source.relative_to(public).as_posix()
            if relative in hidden:
                continue
            target = outdir / relative
            stat = source.stat()
            try:
                done = target.stat()
                if done.st_size == stat.st_size and done.st_mtime_ns == stat.st_mtime_ns:
                    continue
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def remove_page(app: Sphinx, pagename: str) -> bool:
    """Delete the file a page was written to (and under dirhtml its folder, once empty); True
    when it was there."""
    page = Path(app.builder.get_outfilename(pagename))
    existed = page.exists()
    page.unlink(missing_ok=True)
    # dirhtml: blog/<slug>/index.html; drop the folder if nothing else is in it.
    folder = page.parent
    if (
        page.name == "index.html"
        and folder != Path(app.outdir)
        and folder.is_dir()
        and not any(folder.iterdir())
    ):
        folder.rmdir()
    return existed


def remove_gone_pages(app: Sphinx, catalog: Catalog) -> bool:
    """Delete the pages of documents that left the site; True when any was there."""
    gone = get_domain(app.env).removed_docs | catalog.excluded
    outdir = Path(app.outdir)
    deleted = bool(get_domain(app.env).removed_docs)
    for docname in gone - app.env.found_docs:
        deleted = remove_page(app, docname) or deleted
        # Named exactly, not globbed: a glob lists the whole folder, once per draft.
        for suffix in app.config.source_suffix:
            (outdir / "_sources" / f"{docname}{suffix}.txt").unlink(missing_ok=True)
    return deleted


def prune_search_index(outdir: Path) -> None:
    """Drop the terms that lead to no page from Sphinx's searchindex.js.

    Sphinx prunes removed documents from each term's page list but keeps the term itself, so
    the words of a post that left the site (a draft's, say) would stay readable in the file.
    """
    path = outdir / "searchindex.js"
    if not path.is_file():
        return
    data = js_index.loads(path.read_text(encoding="utf-8"))
    for key in ("terms", "titleterms"):
        data[key] = {term: pages for term, pages in data.get(key, {}).items() if pages != []}
    path.write_text(js_index.dumps(data), encoding="utf-8")


def finish_output(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the public folder, and no pages of documents that left the site."""
    if exception is not None or app.builder.format != "html":
        return
    catalog = get_catalog(app.env)
    copy_public(app, catalog)
    if remove_gone_pages(app, catalog):
        prune_search_index(Path(app.outdir))
