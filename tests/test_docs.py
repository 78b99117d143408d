"""The user guide in docs/ builds with zero warnings (`make docs`)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_user_guide_builds_without_warnings(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert (tmp_path / "configuration.html").is_file()
