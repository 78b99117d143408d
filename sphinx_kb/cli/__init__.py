"""The `kb` command (`new`, `check`, `serve`, `import`). It reads posts through content/ and never
imports Sphinx's builders or writers."""

from sphinx_kb.cli.main import main

__all__ = ["main"]
