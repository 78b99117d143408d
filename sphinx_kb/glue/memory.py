"""Keep the build's memory near what it needs: Sphinx's doctree caches, the garbage collector
and the heap around writing and Pagefind (figures in docs/performance.md)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment


@cache
def _malloc_trim() -> ctypes._CFuncPtr | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (musl has no malloc_trim)


def freeze_for_writing(app: Sphinx, builder: Builder) -> None:
    """write-started: set what reading built aside from the garbage collector. With `-j N` every
    writing worker is forked from this process and shares its memory until it writes to a page;
    a full collection in a worker touches every object and so copies nearly all of it (measured
    at 10,000 posts: 4.9 GB for Sphinx's processes while writing). Frozen objects are not
    traversed, here or in the workers; what becomes garbage while writing is still collected."""
    gc.collect()
    gc.freeze()


def thaw(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (first): objects of the environment that became garbage can go again."""
    gc.unfreeze()


def release_memory() -> None:
    """Collect the reference cycles the written doctrees left and hand the freed pages back
    to the system. Python collects its oldest generation rarely once the environment holds
    millions of objects, and glibc keeps freed memory for reuse: without this, the build keeps
    hundreds of MB it no longer needs while Pagefind, which needs as much again, runs."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def release_before_indexing(app: Sphinx) -> None:
    """kb-search-indexing-starts (search/pagefind.py): Pagefind is about to run beside this process."""
    release_memory()


def forget_pickled_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: drop the bytes Sphinx keeps of every doctree it loads for writing.
    Each page is resolved once, so the cache only grows: ~50 KB a post, 500 MB at 10,000 posts
    in the main process, which every -j worker is forked from. A second read, should an
    extension ask, reads the file again."""
    cache = getattr(app.env, "_pickled_doctree_cache", None)
    if isinstance(cache, dict):
        cache.pop(docname, None)


# Up to this many documents read, keeping their doctrees for writing saves re-reading them
# and costs little memory (an incremental build).
KEEP_READ_DOCTREES = 100


class _NotKept(dict):  # type: ignore[type-arg]
    """A doctree cache that keeps nothing: writing finds no entry and reads the pickle."""

    def __setitem__(self, key: object, value: object) -> None:
        pass


def keep_few_read_doctrees(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """env-before-read-docs: a serial read keeps every doctree it reads in memory until its
    page is written, so at the end of reading it holds all of them: most of the 4.3 GB a
    `-j 1` build of 10,000 posts needed. Above a few documents, writing reads each one back
    from its pickle instead (a few ms a page). Sphinx empties the cache when it pickles the
    environment, so the next build starts with its own dict again."""
    if len(docnames) > KEEP_READ_DOCTREES and isinstance(
        getattr(env, "_write_doc_doctree_cache", None), dict
    ):
        env._write_doc_doctree_cache = _NotKept()  # type: ignore[attr-defined]
