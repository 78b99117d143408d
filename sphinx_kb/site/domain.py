"""The `kb` domain: where a build keeps its catalog and what it must remember between builds.

The catalog is an attribute of the domain instance, which Sphinx creates anew for every build
and never pickles; reader and writer processes of a parallel build are forked after it is set.
`data` (pickled with the environment) holds, per page, the fingerprints of its navigation and
of the listings it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sphinx.domains import Domain

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.environment import BuildEnvironment

    from sphinx_kb.content.catalog import Catalog


class KbDomain(Domain):
    name = "kb"
    label = "Knowledge base"
    # `scheduled`: the scheduled articles of the last build (glue/visibility.py).
    initial_data: ClassVar[dict[str, Any]] = {"nav": {}, "listings": {}, "scheduled": []}
    catalog: Catalog | None = None
    # Documents that were pages in the previous build and are not any more (set per build).
    removed_docs: frozenset[str] = frozenset()
    # (parent, previous, next) of the translated languages' pages (pages/navigation.py; per build).
    language_relations: dict[str, tuple[str | None, str | None, str | None]] | None = None

    def clear_doc(self, docname: str) -> None:
        self.data["listings"].pop(docname, None)

    def resolve_any_xref(self, *args: Any, **kwargs: Any) -> list[tuple[str, Any]]:
        # The domain declares no object types, so a Markdown link MyST resolves through
        # `any` (an in-page `#anchor`, say) never targets it: answer "nothing here" instead of
        # Sphinx's "has not implemented" warning.
        return []

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        # `nav` is only written by the main process (env-get-updated).
        for docname in docnames:
            if docname in otherdata["listings"]:
                self.data["listings"][docname] = otherdata["listings"][docname]


def get_domain(env: BuildEnvironment) -> KbDomain:
    domain = env.get_domain("kb")
    assert isinstance(domain, KbDomain)
    return domain


def get_catalog(env: BuildEnvironment) -> Catalog:
    catalog = get_domain(env).catalog
    if catalog is None:
        msg = "sphinx-kb: the catalog is read at builder-inited; nothing may ask for it earlier"
        raise RuntimeError(msg)
    return catalog
