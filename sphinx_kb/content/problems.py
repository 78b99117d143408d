"""Problems found in the knowledge base's sources, reported the same way by the build
(glue/reporting.py, as Sphinx warnings) and `kb check`."""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    # An error leaves the post out of the site and makes the build exit non-zero.
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one source file, with what to do about it."""

    path: Path
    line: int | None
    subtype: str
    message: str
    fix: str = ""
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        # Sphinx reads a location without `:line` as a docname, so a whole-file problem says line 1.
        return f"{self.path}:{self.line or 1}"

    @property
    def text(self) -> str:
        return f"{self.message} ({self.fix})" if self.fix else self.message

    def format(self, relative_to: Path | None = None) -> str:
        """One line for people: `file:line: error: what is wrong (how to fix it) [kb.subtype]`."""
        where = located(self.path, self.line, relative_to)
        return f"{where}: {self.severity.value}: {self.text} [kb.{self.subtype}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "line": self.line,
            "severity": self.severity.value,
            "type": "kb",
            "subtype": self.subtype,
            "message": self.message,
            "fix": self.fix,
        }


def located(path: Path, line: int | None, relative_to: Path | None = None) -> str:
    """`file:line` (`file` for a whole file), relative to `relative_to` when the file is in it:
    how `kb check` names a place, for problems and information alike."""
    if relative_to is not None:
        with contextlib.suppress(ValueError):
            path = path.relative_to(relative_to)
    return f"{path}:{line}" if line else str(path)


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (str(problem.path), problem.line or 0, problem.message)
