"""What each input of a build held, so that a fresh checkout can look unchanged to Sphinx.

Sphinx decides what to read again by modification times: a source newer than its last read is
read again, a template newer than a page rewrites the page. A fresh `git clone` (a hosted
builder's every run) gives every file the time of the clone, so a restored build cache alone
still rebuilds everything. The build records, beside its doctrees, each input's content digest,
size and modification time (`sphinx-kb-inputs.json`); `kb restore-mtimes` then gives every
file whose content is the same the time it had, and leaves the others as they are: newer than
the cache, so they are read again. Times are only restored for equal content, never guessed
from git history, so a restored cache cannot hide a change.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "sphinx-kb-inputs.json"
VERSION = 1
# Folders that are no input: build output, version control, caches.
SKIPPED = ("_build", "__pycache__", "node_modules")

# A file's path relative to its root -> [digest, size, mtime_ns].
Files = dict[str, list[Any]]


def digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def walk(root: Path) -> list[tuple[str, Path]]:
    """(name in the record, path) of the files of a root (a folder, or one file), hidden ones and
    build output left out."""
    if root.is_file():
        return [(root.name, root)]
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED)
        base = Path(folder)
        prefix = base.relative_to(root).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        found.extend((prefix + name, base / name) for name in sorted(files) if not name.startswith("."))
    return found


def record(roots: list[Path], previous: dict[str, Files] | None = None) -> dict[str, Files]:
    """Every file of every root with its digest, size and time. A file whose size and time are
    those of `previous` keeps its digest without being read (a build of 10,000 posts reads none)."""
    previous = previous or {}
    result: dict[str, Files] = {}
    for root in roots:
        before = previous.get(str(root), {})
        files: Files = {}
        for relative, path in walk(root):
            try:
                stat = path.stat()
            except OSError:
                continue
            old = before.get(relative)
            if old is not None and old[1:] == [stat.st_size, stat.st_mtime_ns]:
                files[relative] = old
                continue
            try:
                files[relative] = [digest(path), stat.st_size, stat.st_mtime_ns]
            except OSError:
                continue
        result[str(root)] = files
    return result


def load(path: Path) -> dict[str, Files]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("version") != VERSION
        or not isinstance(data.get("roots"), dict)
    ):
        return {}
    return data["roots"]


def save(path: Path, roots: dict[str, Files]) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"version": VERSION, "roots": roots}), encoding="utf-8")
    partial.replace(path)


@dataclass
class Restored:
    restored: int = 0  # same content: the recorded time given back
    changed: int = 0  # another content: left newer than the cache
    new: int = 0  # not in the record
    roots_missing: int = 0  # a recorded root that is not on this machine


def restore(manifest: dict[str, Files]) -> Restored:
    """Give each file whose content is the one recorded its recorded modification time."""
    tally = Restored()
    for root_name, files in manifest.items():
        root = Path(root_name)
        if not root.exists():
            tally.roots_missing += 1
            continue
        for relative, path in walk(root):
            entry = files.get(relative)
            if entry is None:
                tally.new += 1
                continue
            try:
                stat = path.stat()
                if stat.st_size != entry[1] or digest(path) != entry[0]:
                    tally.changed += 1
                    continue
                if stat.st_mtime_ns != entry[2]:
                    os.utime(path, ns=(entry[2], entry[2]))
            except OSError:
                tally.changed += 1
                continue
            tally.restored += 1
    return tally
