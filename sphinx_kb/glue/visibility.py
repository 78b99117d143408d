"""Keep drafts (outside preview) and invalid posts out of the site without touching config.

Adding them to `exclude_patterns` would change the configuration whenever a post is published
or breaks, and Sphinx re-reads every page after a configuration change. Instead we drop them
from the documents Sphinx found, and purge them when they were pages in the previous build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_kb.site.domain import get_catalog, get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def drop_excluded(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: runs right after Sphinx compared the found documents with the last build."""
    for docname in get_catalog(env).excluded & env.found_docs:
        env.found_docs.discard(docname)
        added.discard(docname)
        changed.discard(docname)
        if docname in env.all_docs:
            removed.add(docname)
    get_domain(env).removed_docs = frozenset(removed)
    return []


def rescheduled(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """env-get-outdated: a preview shows a scheduled article with a banner; the day it goes live
    (its file unchanged), its page is read again without it. Outside preview it was no page, so
    Sphinx reads it as a new one anyway."""
    catalog = get_catalog(env)
    layout = catalog.layout
    now = {layout.docname_of(post) for post in catalog.every_post if post.scheduled is not None}
    domain = get_domain(env)
    before = set(domain.data.get("scheduled", ()))
    domain.data["scheduled"] = sorted(now)
    return sorted(d for d in before ^ now if d in env.found_docs and d in env.all_docs)
