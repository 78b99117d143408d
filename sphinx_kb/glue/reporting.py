"""How the build tells writers what is wrong: every problem of the catalog as a typed Sphinx
warning or error, and a failing exit status when posts were left out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util import logging

from sphinx_kb.content.problems import Severity, sort_key
from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

    from sphinx_kb.content.problems import Problem

logger = logging.getLogger(__name__)


def log_problems(problems: Iterable[Problem]) -> None:
    """Report problems through Sphinx's logger: typed, located, and filterable with `suppress_warnings`."""
    for problem in sorted(problems, key=sort_key):
        log = logger.error if problem.severity is Severity.ERROR else logger.warning
        log(problem.text, type="kb", subtype=problem.subtype, location=problem.location)


def report_errors(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: posts with errors were left out; the build must not look successful."""
    if exception is not None:
        return
    errors = get_catalog(app.env).errors
    if errors:
        files = sorted({str(p.path) for p in errors})
        # Untyped on purpose: `suppress_warnings` may hide the messages, never the failure.
        logger.error(
            "%d error(s) in %d file(s) left content out of the site: %s; fix them and build again",
            len(errors),
            len(files),
            ", ".join(files),
        )
        app.statuscode = 1
