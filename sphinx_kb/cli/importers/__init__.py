"""`kb import`: bring posts from Hugo, Jekyll, Astro, Next.js, MkDocs and Pelican sites into the
knowledge base, mapping their front matter to ours and reporting what was mapped and dropped."""

from sphinx_kb.cli.importers.model import TOOLS, ImportResult, UsageError
from sphinx_kb.cli.importers.report import exit_status, format_report
from sphinx_kb.cli.importers.run import Options, import_site

__all__ = ["TOOLS", "ImportResult", "Options", "UsageError", "exit_status", "format_report", "import_site"]
