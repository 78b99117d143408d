"""Settings of the NorthStar knowledge base (see docs/configuration.md for every option)."""

import os

project = "NorthStar Knowledge Base"
author = "NorthStar Technology Group"
copyright = "2026, NorthStar Technology Group"
language = "en"
# Articles are also published in German: `blog/<slug>.de.md` (docs/translations.md).
kb_languages = ["en", "de"]

# The public address of the site: canonical links, Open Graph URLs and the sitemap use it.
# On Read the Docs, the address it publishes this build at.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "https://kb.northstar.example/")

extensions = ["sphinx_kb"]

html_theme = "furo"
html_title = "NorthStar Knowledge Base"

kb_description = (
    "Practical IT guides, checklists and how-tos from NorthStar Technology Group: "
    "managed IT, cybersecurity, backup and cloud."
)
# The German home page's text (kb_languages above).
kb_description_translations = {
    "de": "Praxisnahe IT-Leitfäden, Checklisten und Anleitungen von NorthStar Technology Group: "
    "IT-Betreuung, IT-Sicherheit, Datensicherung und Cloud.",
}
# Shown by social networks for pages without an ogImage of their own.
kb_default_image = "/og-default.png"
# The browser tab's icon (browsers ask for /favicon.ico when a site names none).
html_favicon = "source/_static/favicon.svg"
