"""The live preview: sphinx-autobuild with drafts shown, rebuilding and reloading on every save.

It builds into its own folders (`_build/preview`), never into `_build/html`: a preview shows
drafts and must not end up in what gets deployed.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from sphinx_kb.pages.sources import is_generated

# Editors' swap and backup files, and hidden files: saving them is not a change to the site.
EDITOR_FILES = [r"/\.[^/]*$", r"~$", r"/#[^/]*#$", r"\.sw[po]$"]


def generated_files(source: Path, category_dir: str) -> list[str]:
    """Regular expressions for the pages the build itself writes into the source folder.

    The build writes them only when their text changes; still, a watcher that saw them would
    start a second build after every first one."""
    patterns = []
    home = source / "index.md"
    if home.is_file() and is_generated(home):
        patterns.append("^" + re.escape(home.resolve().as_posix()) + "$")
    categories = source / category_dir
    generated = [p for p in categories.rglob("*.md")] if categories.is_dir() else []
    if all(is_generated(p) for p in generated):
        # The whole folder is the build's (also the pages of categories that appear later).
        patterns.append("^" + re.escape(categories.resolve().as_posix()) + "/")
    else:
        patterns += ["^" + re.escape(p.resolve().as_posix()) + "$" for p in generated if is_generated(p)]
    return patterns


def autobuild_argv(
    conf_dir: Path,
    source: Path,
    build_dir: Path,
    host: str,
    port: int,
    category_dir: str,
) -> list[str]:
    """sphinx-autobuild's command line for the preview of `source`."""
    argv = [
        str(source),
        str(build_dir / "preview"),
        "-c",
        str(conf_dir),
        "-d",
        str(build_dir / "preview-doctrees"),
        "--host",
        host,
        "--port",
        str(port),
        # conf.py lives beside the source folder, not in it.
        "--watch",
        str(conf_dir / "conf.py"),
        "--ignore",
        str(build_dir),
    ]
    for pattern in [*generated_files(source, category_dir), *EDITOR_FILES]:
        argv += ["--re-ignore", pattern]
    return argv


def run(argv: list[str], drafts: bool) -> int:
    """Run sphinx-autobuild until Ctrl+C; its builds run in child processes that inherit KB_DRAFTS."""
    from sphinx_autobuild.__main__ import main

    os.environ["KB_DRAFTS"] = "1" if drafts else "0"
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how the preview ends
        main(argv)
    return 0
