"""Record what each input of the build held when it ended (content/fingerprints.py), so that a
hosted builder can restore a build cache into a fresh checkout and rebuild only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_kb.content import fingerprints

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def input_roots(app: Sphinx) -> list[Path]:
    """The source folder, conf.py and every folder templates come from (sphinx-kb's, the theme's):
    what Sphinx compares with the time of its last read or write."""
    roots = [Path(app.srcdir)]
    conf = Path(app.confdir) / "conf.py"
    if conf.is_file() and not conf.is_relative_to(app.srcdir):
        roots.append(conf)
    templates = getattr(app.builder, "templates", None)
    for folder in getattr(templates, "pathchain", []) or []:
        path = Path(folder)
        if path.is_dir() and not any(path.is_relative_to(root) for root in roots if root.is_dir()):
            roots.append(path)
    return roots


def record_inputs(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (last): sphinx-kb-inputs.json beside the doctrees."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    path = Path(app.doctreedir) / fingerprints.MANIFEST
    roots = fingerprints.record(input_roots(app), fingerprints.load(path))
    fingerprints.save(path, roots)
