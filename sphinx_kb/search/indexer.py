"""Index the written site with Pagefind: the searchable copies of the pages, Pagefind's run, the
files kb-search.js reads beside its index, and the record of what was indexed.

Nothing here needs Sphinx: `make html` runs Pagefind after Sphinx's process has ended
(`python -m sphinx_kb.search`, see __main__.py), so that the index, about 0.35 MB a page in
Pagefind's process, is not built beside the memory the build held (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_kb.search import order, vocabulary
from sphinx_kb.search.order import Dates, write_newest

if TYPE_CHECKING:
    from collections.abc import Iterator

INDEX_DIR = "_pagefind"
# page.html wraps what Pagefind indexes in this element and ends it with this comment: Pagefind
# is given copies of the pages cut down to it (a third of a page; the rest is theme and sidebar).
SCOPE_START = b'<div class="kb-search-scope" '
SCOPE_END = b"<!--/kb-search-scope-->"
COPY_HEAD = b'<head><meta charset="utf-8"></head><body>'
# Bump when searchable_copy changes what it keeps: every copy is made again.
COPY_VERSION = 1
# The listing cards and related articles repeat what other posts say (those are indexed
# themselves), the lines under a post's title repeat its metadata and tags (shown with each
# result, tags are a filter), and heading anchors are a lone "#": none belongs in the index.
EXCLUDE_SELECTORS = (
    ".kb-post-list, .kb-pager, .kb-post-meta, .kb-post-tags, .headerlink, .kb-draft-banner, .kb-related"
)
# With this set in its environment, a build leaves Pagefind's run to `python -m sphinx_kb.search`.
AFTER_BUILD_ENV = "KB_SEARCH_AFTER_BUILD"
# What a build left to index, in its search folder beside the doctrees (one per builder).
PENDING_FILE = "pending.json"
WORK_PREFIX = "sphinx-kb-search-"


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


def write_search_file(site: Path, synonyms: list[list[str]]) -> None:
    """kb-search.json beside the index, on every build: an edit of synonyms.yml changes no page."""
    path = site / INDEX_DIR / vocabulary.SEARCH_FILE
    text = vocabulary.search_json(synonyms, site / INDEX_DIR)
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


@dataclass
class Job:
    """What indexing a site needs, from the build that wrote it."""

    binary: str
    site: str
    work: str  # the builder's search folder beside the doctrees: copies, state, word cache
    settings: dict[str, Any]  # recorded with the state: another value starts over
    seen: Seen  # the pages the copies were made from
    known: Dates  # the fragments' dates from the last index
    synonyms: list[list[str]]  # the terms of each synonym group, for kb-search.json


def index_site(job: Job) -> tuple[int, float]:
    """Run Pagefind over the copies and record it; (pages indexed, seconds). Raises OSError,
    RuntimeError, ValueError or EOFError when Pagefind or its files fail."""
    work = Path(job.work)
    site = Path(job.site)
    pages, seconds, dates = run_pagefind(
        Path(job.binary), work / "pages", site, job.known, work / "words.pickle"
    )
    write_state(work / "state.json", {**job.settings, "pages": job.seen, "indexed": True, "fragments": dates})
    write_search_file(site, job.synonyms)
    return pages, seconds


def leave_for_later(job: Job) -> Path:
    """Record the job for `python -m sphinx_kb.search`; the file it wrote."""
    path = Path(job.work) / PENDING_FILE
    path.write_text(json.dumps(asdict(job)), encoding="utf-8")
    return path


def forget_pending(work: Path) -> None:
    """A build that indexed (or found nothing to index) cancels what an earlier one left."""
    (work / PENDING_FILE).unlink(missing_ok=True)


def pending_jobs(doctrees: Path) -> list[Path]:
    """The jobs builds left under a doctree folder, one per builder."""
    try:
        folders = sorted(p for p in doctrees.iterdir() if p.name.startswith(WORK_PREFIX))
    except OSError:
        return []
    return [folder / PENDING_FILE for folder in folders if (folder / PENDING_FILE).is_file()]


def read_job(path: Path) -> Job:
    """A pending job; ValueError when the file is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Job(**data)
    except (OSError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is not a search job sphinx-kb wrote: {error}") from error
