"""Test helpers: build real Sphinx projects from the roots in tests/roots and parse what they write."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent


@dataclass
class BuildResult:
    srcdir: Path
    outdir: Path
    status: str
    warnings: str
    statuscode: int
    app: Sphinx

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / path).read_text(encoding="utf-8"), "html.parser")

    def pages(self) -> dict[str, str]:
        """Every written HTML page's text, keyed by path (for comparing two builds)."""
        return {
            str(p.relative_to(self.outdir)): p.read_text(encoding="utf-8")
            for p in sorted(self.outdir.rglob("*.html"))
        }

    def assert_no_warnings(self) -> None:
        assert self.warnings == "", self.warnings


def build(
    srcdir: Path,
    builder: str = "html",
    *,
    confdir: Path | None = None,
    outdir: Path | None = None,
    parallel: int = 0,
    overrides: dict[str, Any] | None = None,
    fresh: bool = False,
) -> BuildResult:
    """Run a real Sphinx build in this process, the way `sphinx-build` does."""
    confdir = confdir or srcdir
    outdir = outdir or srcdir / "_build" / builder
    doctreedir = outdir.parent / f".doctrees-{builder}"
    status, warning = io.StringIO(), io.StringIO()
    with patch_docutils(confdir), docutils_namespace():
        app = Sphinx(
            srcdir,
            confdir,
            outdir,
            doctreedir,
            builder,
            confoverrides=overrides or {},
            status=status,
            warning=warning,
            freshenv=fresh,
            parallel=parallel,
        )
        app.build()
    return BuildResult(srcdir, outdir, status.getvalue(), warning.getvalue(), app.statuscode, app)


@pytest.fixture
def make_project(tmp_path: Path):
    """Copy a test root into a temporary folder (the build writes generated pages into it)."""

    def make(name: str = "basic", dest: str = "src") -> Path:
        target = tmp_path / dest
        shutil.copytree(ROOTS / f"test-{name}", target)
        return target

    return make


def write_post(srcdir: Path, slug: str, front_matter: str, body: str = "Some text.\n") -> Path:
    """Write `blog/<slug>.md` with the given front-matter lines."""
    path = srcdir / "blog" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front_matter.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


def meta(soup: BeautifulSoup, key: str) -> str | None:
    """The content of `<meta property=key>` or `<meta name=key>`; asserts there is at most one."""
    found = soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    assert len(found) <= 1, f"{key} appears {len(found)} times"
    return found[0]["content"] if found else None
