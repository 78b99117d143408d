"""Read a handful of changed documents in this process, even under `-j N`.

Sphinx reads in parallel whenever `-j` is above 1, however few documents changed, and each
reading process sends the *whole* environment back pickled: at 10,000 posts that is ~20 s of
pickling to re-read one edited post (about 0.05 s in this process). Parallel reading pays off
only when the documents to read are a fair share of the site, so below that share this reads
them serially and gives writing its `-j` back afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# Measured at 10,000 posts on 2 cores: reading a post ~0.05 s, the environment's round trip
# ~2 ms per document of the site; parallel reading breaks even near 8 % of the site.
PARALLEL_SHARE = 10


def read_few_serially(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """env-before-read-docs: Sphinx checks `app.parallel` right after this event."""
    if app.parallel > 1 and len(docnames) * PARALLEL_SHARE < len(env.all_docs):
        app.kb_parallel = app.parallel  # type: ignore[attr-defined]
        app.parallel = 1


def restore_parallel(app: Sphinx, env: BuildEnvironment) -> None:
    """env-updated (after reading, before writing): writing uses `-j` as given."""
    saved = getattr(app, "kb_parallel", None)
    if saved is not None:
        app.parallel = saved
        app.kb_parallel = None  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", read_few_serially)
    app.connect("env-updated", restore_parallel, priority=0)
