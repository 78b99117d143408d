"""The order of "Newest first" for the search page, beside Pagefind's index.

Pagefind can sort results itself, but it keeps each sort's order of every page in the metadata
file that every first query downloads: about 21 KB of its 98 KB at 10,000 posts (page numbers
that gzip cannot shrink). Most readers never sort, so sphinx-kb leaves the sort out of the index
and writes the order to `kb-newest.json` in the index folder instead: the result ids of the
posts, newest first, posts without a date last. kb-search.js loads it only when a reader picks
"Newest first", and drops the results that are not posts, as Pagefind's sort did.

The ids and dates come from the fragments Pagefind wrote. A fragment's name is a hash of its
content, so a rebuild reads only the fragments it has not seen before.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

NEWEST_FILE = "kb-newest.json"
FRAGMENT_SUFFIX = ".pf_fragment"
# Pagefind's files are gzip, and their content starts with this signature.
SIGNATURE = b"pagefind_dcd"

# A fragment's id -> its post's date as Pagefind holds it ("" for an undated post), or None for
# a page that is not a post (category pages, the home page, hand-written pages).
Dates = dict[str, str | None]


def read_fragment(path: Path) -> dict[str, Any]:
    data = gzip.decompress(path.read_bytes()).removeprefix(SIGNATURE)
    fragment = json.loads(data)
    if not isinstance(fragment, dict):
        raise ValueError(f"{path.name} is not a Pagefind fragment")
    return fragment


# Told of every fragment read (vocabulary.py takes its words on the same pass).
OnRead = Callable[[str, dict[str, Any]], None]


def post_dates(index: Path, known: Dates, on_read: OnRead | None = None) -> Dates:
    """Every fragment's date in the index folder; those in `known` are not read again."""
    dates: Dates = {}
    folder = index / "fragment"
    if not folder.is_dir():
        return dates  # no page was indexed
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(FRAGMENT_SUFFIX):
                continue
            fid = entry.name[: -len(FRAGMENT_SUFFIX)]
            if fid in known:
                dates[fid] = known[fid]
                continue
            fragment = read_fragment(Path(entry.path))
            if on_read is not None:
                on_read(fid, fragment)
            meta = fragment.get("meta") or {}
            dates[fid] = str(meta.get("date") or "") if meta.get("kind") == "post" else None
    return dates


def newest_first(dates: Dates) -> list[str]:
    """The posts' ids, newest first (by day, then time), undated last; ties by id so that the
    file only changes when the posts do."""
    dated = sorted((fid, date) for fid, date in dates.items() if date)
    dated.sort(key=lambda item: (item[1][:10], item[1]), reverse=True)
    undated = sorted(fid for fid, date in dates.items() if date == "")
    return [fid for fid, _ in dated] + undated


def write_newest(index: Path, known: Dates, on_read: OnRead | None = None) -> Dates:
    """Write the index folder's kb-newest.json; every fragment's date, for the next build."""
    dates = post_dates(index, known, on_read)
    text = json.dumps({"newest": newest_first(dates)}, separators=(",", ":"))
    (index / NEWEST_FILE).write_text(text, encoding="utf-8")
    return dates
