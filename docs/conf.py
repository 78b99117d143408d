"""Sphinx settings of the sphinx-kb user guide (build: sphinx-build -W -b html docs docs/_build)."""

project = "sphinx-kb"
author = "NorthStar Technology Group"
copyright = "2026, NorthStar Technology Group"
language = "en"

extensions = ["myst_parser"]
# Lets pages link to a section: [text](writing-posts.md#front-matter-fields).
myst_heading_anchors = 3

html_theme = "furo"
html_title = "sphinx-kb user guide"
exclude_patterns = ["_build"]
