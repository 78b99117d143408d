"""The `kb_` configuration values, and how they configure the extensions sphinx-kb drives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import _
from sphinx.util import logging

from sphinx_kb.content.options import OPTIONS, language_code

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

# The package's templates and static files (sphinx_kb/templates, sphinx_kb/static).
PACKAGE = Path(__file__).parent.parent


def drafts_from_environment() -> bool:
    """`KB_DRAFTS=1 make html` (or sphinx-build, sphinx-autobuild) turns on the draft preview."""
    return os.environ.get("KB_DRAFTS", "").strip().lower() not in ("", "0", "false", "no")


def register(app: Sphinx) -> None:
    for name, (default, rebuild) in OPTIONS.items():
        if name == "kb_drafts":
            default = drafts_from_environment()
        app.add_config_value(name, default, rebuild, types=frozenset({type(default)}))


def configure(app: Sphinx, config: Config) -> None:
    """Set the options of myst-parser, sphinxext-opengraph, sphinx-sitemap and Sphinx that we own."""
    # The public folder is copied to the site root by outputs/site_files.py (not html_extra_path, which
    # would also publish drafts' images and skip dotfiles such as .nojekyll).
    config.exclude_patterns = [
        *config.exclude_patterns,
        f"{config.kb_public_dir.strip('/')}/**",
        "_build",
        "**/.*",
    ]
    config.templates_path = [str(PACKAGE / "templates"), *config.templates_path]
    config.html_static_path = [str(PACKAGE / "static"), *config.html_static_path]

    # The front-matter title is the page's H1 (pages/post_page.py makes sure it stays plain text).
    config.myst_title_to_header = True
    config.myst_enable_extensions = sorted({*config.myst_enable_extensions, "colon_fence", "deflist"})

    if config.html_title == _("%s %s documentation") % (config.project, config.release):
        # Sphinx's default title ("<project>  documentation") is wrong for a knowledge base.
        config.html_title = config.project

    base = config.html_baseurl
    if base and not base.endswith("/"):
        config.html_baseurl = base + "/"
    config.ogp_site_url = config.html_baseurl
    config.ogp_canonical_url = config.html_baseurl
    config.ogp_site_name = config.html_title or config.project
    config.ogp_social_cards = {"enable": False}
    config.ogp_enable_meta_description = True
    # sphinx-sitemap: no language/version prefix, and we hand it the URL list ourselves
    # (see sitemap.py for why its own per-page collection is switched off).
    config.site_url = config.html_baseurl
    config.sitemap_url_scheme = "{link}"
    config.sitemap_excludes = ["*"]
    config.sitemap_show_lastmod = False
    config.sitemap_indent = 2

    check_descriptions(config)

    if not config.html_baseurl:
        logger.warning(
            "html_baseurl is not set in conf.py: canonical links, og:url, og:image and the sitemap need "
            "the site's public address (e.g. html_baseurl = 'https://kb.example.com/')",
            type="kb",
            subtype="config",
        )


def check_descriptions(config: Config) -> None:
    """`kb_description_translations` must map language codes to text: anything else is said and
    left out, so that no page or feed has to guess."""
    value = config.kb_description_translations
    if not isinstance(value, dict):
        logger.warning(
            "kb_description_translations must be a dict such as {'de': 'Text der Startseite'}, "
            "not %s; it is ignored",
            type(value).__name__,
            type="kb",
            subtype="config",
        )
        config.kb_description_translations = {}
        return
    kept = {}
    for language, text in value.items():
        if isinstance(language, str) and isinstance(text, str):
            kept[language_code(language)] = text
        else:
            logger.warning(
                "kb_description_translations[%r] must be a text; it is ignored",
                language,
                type="kb",
                subtype="config",
            )
    config.kb_description_translations = kept
