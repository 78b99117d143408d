"""sphinx-kb: publish a knowledge base of Markdown posts with Sphinx.

Enable it with `extensions = ["sphinx_kb"]`; it sets up myst-parser, sphinxext-opengraph,
sphinx-sitemap and sphinx-notfound-page itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx_kb.version import __version__

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> ExtensionMetadata:
    # Imported here, not at the top: the `kb` command imports this package too, and needs
    # none of Sphinx's builders (about half a second at every start).
    from sphinx_kb.glue.extension import setup as setup_extension

    return setup_extension(app)
