"""Test helpers: build real Sphinx projects from the roots in tests/roots and parse what they write."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from sphinx_kb.cli.serve import make_server
from sphinx_kb.pages.sources import is_generated

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


def add_notes(srcdir: Path, count: int) -> None:
    """`count` short published posts `note-NN` in managed-it, dated 2024-01-01 onwards."""
    for number in range(count):
        write_post(
            srcdir,
            f"note-{number:02d}",
            f"title: Note {number}\nslug: note-{number:02d}\ncategory: managed-it\n"
            f"excerpt: Short note {number}.\nstatus: published\ndate: 2024-01-{number + 1:02d}",
            f"Body of note {number}.\n",
        )


def meta(soup: BeautifulSoup, key: str) -> str | None:
    """The content of `<meta property=key>` or `<meta name=key>`; asserts there is at most one."""
    found = soup.find_all("meta", attrs={"property": key}) + soup.find_all("meta", attrs={"name": key})
    assert len(found) <= 1, f"{key} appears {len(found)} times"
    return found[0]["content"] if found else None


def nav_label(link) -> str:
    """A sidebar link's text without the article count that follows a category's name."""
    return "".join(t for t in link.find_all(string=True) if not t.find_parent(class_="kb-count")).strip()


def nav_tree(soup: BeautifulSoup) -> list[tuple[str, str | None, list]]:
    """The sidebar (`.sidebar-tree`) as nested (label, count, children): a category's count is its
    `.kb-count` text, a post's (and the "All N articles" link's) is None."""

    def walk(ul) -> list[tuple[str, str | None, list]]:
        items = []
        for li in ul.find_all("li", recursive=False):
            link = li.find("a", recursive=False)
            count = link.select_one(".kb-count")
            child = li.find("ul", recursive=False)
            items.append((nav_label(link), count.get_text() if count else None, walk(child) if child else []))
        return items

    return walk(soup.select_one(".sidebar-tree > ul"))


def nav_links(soup: BeautifulSoup) -> dict[str, str]:
    """label -> href of every sidebar link."""
    return {nav_label(a): a["href"] for a in soup.select(".sidebar-tree a")}


def card_file(result: BuildResult, soup: BeautifulSoup, slug: str) -> Path:
    """Check that a post page's social image is its generated card and return the card's file.

    The card is `https://<base>/_kb/cards/<slug>-<12 hex>.png`, a 1200x630 PNG in the output,
    announced with its size and a large-image Twitter card."""
    url = meta(soup, "og:image")
    base = result.app.config.html_baseurl.rstrip("/")
    assert url is not None
    assert re.fullmatch(rf"{re.escape(base)}/_kb/cards/{re.escape(slug)}-[0-9a-f]{{12}}\.png", url), url
    assert meta(soup, "twitter:image") == url
    assert meta(soup, "og:image:width") == "1200"
    assert meta(soup, "og:image:height") == "630"
    assert meta(soup, "twitter:card") == "summary_large_image"
    path = result.outdir / url.removeprefix(base + "/")
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    return path


def plain(text: str) -> str:
    """A build log without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def env_counts(result: BuildResult) -> str:
    """Sphinx's "updating environment: N added, N changed, N removed" line."""
    found = re.findall(r"updating environment: (.*)", plain(result.status))
    assert len(found) == 1, plain(result.status)
    return found[0].strip()


def written(result: BuildResult) -> set[str]:
    """The documents the build wrote ("writing output... [ 50%] blog/x")."""
    return set(re.findall(r"writing output\.\.\. \[ *\d+%\] (\S+)", plain(result.status)))


def touch_later(path: Path) -> None:
    """Give an edited file an mtime clearly after the previous build read it.

    Sphinx re-reads a source when its mtime is newer than the time it last read it; on a coarse
    clock an edit made right after a build could look as old as that read.
    """
    later = time.time() + 10
    os.utime(path, (later, later))


def clean_copy(srcdir: Path, dest: Path) -> Path:
    """The sources as a fresh checkout has them: no build output and no generated pages."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n == "_build" or (n.endswith(".md") and is_generated(Path(folder, n)))}

    shutil.copytree(srcdir, dest, ignore=ignore)
    return dest


def pagefind_files(outdir: Path) -> dict[str, bytes]:
    """Pagefind's index as written: each fragment/index/filter file's decompressed bytes, by name.

    Pagefind gzips its files behind a `pagefind_dcd` signature; fragments are JSON, index and
    filter chunks CBOR (whose strings are plain UTF-8, so a word can be looked for directly)."""
    files = {}
    for path in sorted((outdir / "_pagefind").glob("*/*.pf_*")):
        data = gzip.decompress(path.read_bytes())
        files[f"{path.parent.name}/{path.name}"] = data.removeprefix(b"pagefind_dcd")
    return files


def pagefind_fragments(outdir: Path) -> dict[str, dict[str, Any]]:
    """The pages in the Pagefind index by result id (a fragment's file name): its fragment."""
    return {
        name.removeprefix("fragment/").removesuffix(".pf_fragment"): json.loads(data)
        for name, data in pagefind_files(outdir).items()
        if name.startswith("fragment/")
    }


def pagefind_pages(outdir: Path) -> dict[str, dict[str, Any]]:
    """The pages in the Pagefind index: URL -> its fragment (content, meta, filters, ...)."""
    pages = {fragment["url"]: fragment for fragment in pagefind_fragments(outdir).values()}
    entry = json.loads((outdir / "_pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert len(pages) == sum(lang["page_count"] for lang in entry["languages"].values())
    return pages


def search_text(result: BuildResult) -> str:
    """Everything the site's search holds: Pagefind's files, or Sphinx's searchindex.js."""
    if (result.outdir / "_pagefind").is_dir():
        assert not (result.outdir / "searchindex.js").exists()
        return b"\n".join(pagefind_files(result.outdir).values()).decode("utf-8", "replace")
    return (result.outdir / "searchindex.js").read_text(encoding="utf-8")


def search_state(result: BuildResult) -> dict[str, Any]:
    """The search index as data, for comparing an incremental build with a clean one."""
    if (result.outdir / "_pagefind").is_dir():
        return pagefind_pages(result.outdir)
    text = (result.outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    for key in ("terms", "titleterms"):
        data[key] = {term: docs for term, docs in data[key].items() if docs != []}
    return data


# --- Browser tests (tests/test_browser.py, tests/test_search_understanding.py) ---------------------
# Debian's chromium (/usr/bin/chromium) driven by Playwright. Without it browser tests are skipped,
# unless KB_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure.

CHROMIUM = Path("/usr/bin/chromium")
# As root in a container: no sandbox; and no calls home (this machine's network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("KB_TEST_ARTIFACTS", REPO / "tests" / "artifacts"))


def browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test installs requirements-test.txt)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def playwright_browser():
    missing = browser_missing()
    if missing:
        if os.environ.get("KB_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests cannot run: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serve(site: Path) -> Iterator[str]:
    server = make_server(site, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(playwright_browser, request):
    """A fresh page whose console errors and failed requests fail the test."""
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield page
    context.close()
    assert problems == [], problems


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def brightness(css_color: str) -> int:
    """r + g + b of a computed `rgb(...)` / `rgba(...)` colour."""
    return sum(int(c) for c in css_color[css_color.index("(") + 1 : -1].split(",")[:3])
