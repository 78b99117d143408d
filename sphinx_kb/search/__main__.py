"""`python -m sphinx_kb.search DOCTREES`: index what a build left to index.

A build run with KB_SEARCH_AFTER_BUILD=1 (as `make html` and the Read the Docs configuration
run it) makes the searchable copies and leaves Pagefind's run for this command, started after
Sphinx's process has ended: Pagefind needs about 0.35 MB a page, and it no longer runs beside
the memory the build held. Imports nothing of Sphinx, for the same reason.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sphinx_kb.search import indexer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_kb.search",
        description="Run Pagefind over the site a build with KB_SEARCH_AFTER_BUILD=1 wrote.",
    )
    parser.add_argument("doctrees", type=Path, help="the build's doctree folder (make html: _build/doctrees)")
    args = parser.parse_args(argv)
    jobs = indexer.pending_jobs(args.doctrees)
    if not jobs:
        print(f"search index: nothing left to index in {args.doctrees}")
        return 0
    for path in jobs:
        try:
            job = indexer.read_job(path)
            pages, seconds = indexer.index_site(job)
        except (OSError, RuntimeError, ValueError, EOFError) as error:
            # As in a build: a warning, and the site keeps its previous index; the job stays, so
            # running this again retries (the next build also indexes again).
            print(
                f"WARNING: Pagefind could not index the site, search shows the previous index: {error}"
                " [kb.search]",
                file=sys.stderr,
            )
            continue
        path.unlink(missing_ok=True)
        print(f"search index: {pages} pages of {job.site} indexed by Pagefind in {seconds:.1f} s")
    # 0 also after a warning, as a build's: the site is whole, with the previous index.
    return 0


if __name__ == "__main__":
    sys.exit(main())
