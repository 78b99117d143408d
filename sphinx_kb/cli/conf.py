"""conf.py as the `kb` command reads it (the build reads it through Sphinx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def read_conf(conf_dir: Path) -> dict[str, Any]:
    """The values set in conf.py (it is plain Python; Sphinx evaluates it the same way)."""
    conf = conf_dir / "conf.py"
    if not conf.is_file():
        return {}
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    return eval_config_file(conf, Tags())
