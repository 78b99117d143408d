"""`python -m sphinx_kb.cli`: the `kb` command."""

import sys

from sphinx_kb.cli.main import main

sys.exit(main())
