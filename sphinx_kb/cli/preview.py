"""The live preview: sphinx-autobuild with drafts shown, rebuilding and reloading on every save.

It builds into its own folders (`_build/preview`), never into `_build/html`: a preview shows
drafts and must not end up in what gets deployed.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_kb.pages.sources import generated_locations, is_generated

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Layout

# Editors' swap and backup files, and hidden files: saving them is not a change to the site.
EDITOR_FILES = [r"/\.[^/]*$", r"~$", r"/#[^/]*#$", r"\.sw[po]$"]


def generated_files(layout: Layout, root_doc: str) -> list[str]:
    """Regular expressions for the pages the build itself writes into the source folder (the
    site language's and each declared language's: pages/sources.py).

    The build writes them only when their text changes; still, a watcher that saw them would
    start a second build after every first one. One not written yet will be the build's."""
    files, folders = generated_locations(layout, root_doc)
    patterns = [
        "^" + re.escape(path.resolve().as_posix()) + "$"
        for path in files
        if not path.exists() or is_generated(path)
    ]
    for folder in folders:
        generated = list(folder.rglob("*.md")) if folder.is_dir() else []
        if all(is_generated(p) for p in generated):
            # The whole folder is the build's (also the pages that appear later).
            patterns.append("^" + re.escape(folder.resolve().as_posix()) + "/")
        else:
            patterns += ["^" + re.escape(p.resolve().as_posix()) + "$" for p in generated if is_generated(p)]
    return patterns


def autobuild_argv(
    conf_dir: Path,
    source: Path,
    build_dir: Path,
    host: str,
    port: int,
    layout: Layout,
    root_doc: str = "index",
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
    for pattern in [*generated_files(layout, root_doc), *EDITOR_FILES]:
        argv += ["--re-ignore", pattern]
    return argv


def run(argv: list[str], drafts: bool) -> int:
    """Run sphinx-autobuild until Ctrl+C; its builds run in child processes that inherit KB_DRAFTS."""
    from sphinx_autobuild.__main__ import main

    os.environ["KB_DRAFTS"] = "1" if drafts else "0"
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how the preview ends
        main(argv)
    return 0
