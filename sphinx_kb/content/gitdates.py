"""Last commit date of files, from one `git log` call for the whole folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def last_commit_dates(folder: Path) -> dict[Path, str]:
    """Map each file under `folder` to the ISO date of the last commit that touched it.

    Empty when git or the repository is not there (a tarball, a fresh export): callers fall back.
    """
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return {}
    try:
        top = subprocess.run(
            [git, "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True, check=True
        ).stdout.strip()
        log = subprocess.run(
            # quotepath=off: non-ASCII names (é, ü, ...) print as they are, not as octal escapes.
            [
                git,
                "-c",
                "core.quotepath=off",
                "log",
                "--format=%x00%cI",
                "--name-only",
                "--no-renames",
                "--",
                ".",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[Path, str] = {}
    current = ""
    for line in log.splitlines():
        if line.startswith("\x00"):
            current = line[1:]
        elif line and current:
            dates.setdefault(Path(top) / unquote(line), current)
    return dates


def unquote(name: str) -> str:
    """Git still C-quotes names with quotes, backslashes or control characters: `"a\\"b.md"`."""
    if not (len(name) > 1 and name[0] == name[-1] == '"'):
        return name
    raw = name[1:-1].encode("utf-8").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", errors="replace")
