"""Hosting: the 404 page at any URL, Read the Docs, GitHub Pages and `make linkcheck`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import REPO, BuildResult, build, meta, nav_links, pagefind_pages, write_post

# The browser tests here use conftest's playwright_browser (Chromium; skipped without it unless
# KB_REQUIRE_BROWSER=1).
from sphinx_kb.cli.serve import make_server

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Every attribute of a page that holds a URL the browser follows or loads.
URL_ATTRIBUTES = ("href", "src", "action")


def page_urls(soup: BeautifulSoup) -> list[str]:
    return [tag[name] for name in URL_ATTRIBUTES for tag in soup.find_all(attrs={name: True})]


def local_file(outdir: Path, prefix: str, url: str) -> Path:
    """The output file a URL under the site's prefix points to."""
    path = urlsplit(url).path.removeprefix(prefix)
    return outdir / (path + "index.html" if path == "" or path.endswith("/") else path)


def assert_served_anywhere(result: BuildResult, page: str, prefix: str) -> BeautifulSoup:
    """Every link of the page starts from the site root (or is external or an anchor) and
    leads to a file of the site; its content root is the prefix too."""
    soup = result.html(page)
    urls = page_urls(soup)
    assert urls
    for url in urls:
        if url.startswith("#") or urlsplit(url).scheme:
            continue
        assert url.startswith(prefix) and not url.startswith("//"), url
        assert local_file(result.outdir, prefix, url).is_file(), url
    assert soup.html["data-content_root"] == prefix
    return soup


def assert_not_a_page_of_the_site(soup: BeautifulSoup) -> None:
    assert meta(soup, "robots") == "noindex"
    assert soup.find("link", rel="canonical") is None
    assert meta(soup, "og:url") is None
    # Nothing to share either: no Open Graph, Twitter or article tags, no description.
    social = [
        m
        for m in soup.find_all("meta")
        if re.match(r"(og|twitter|article):|description$", m.get("property") or m.get("name") or "")
    ]
    assert social == [], social
    assert not [url for url in page_urls(soup) if re.search(r"/404(\.html|/)", url)]


def sitemap_urls(result: BuildResult) -> list[str]:
    root = ElementTree.parse(result.outdir / "sitemap.xml").getroot()
    return [loc.text or "" for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], BuildResult]:
    """The basic project at a domain's root and in a folder, with html and dirhtml."""
    results = {}
    for builder, base in [
        ("html", "https://kb.test/"),
        ("html", "https://kb.test/help/"),
        ("dirhtml", "https://kb.test/help/"),
    ]:
        srcdir = tmp_path_factory.mktemp("hosting") / "src"
        shutil.copytree(REPO / "tests" / "roots" / "test-basic", srcdir)
        results[builder, base] = build(srcdir, builder, overrides={"html_baseurl": base})
    return results


@pytest.mark.parametrize(
    ("builder", "base", "prefix"),
    [
        ("html", "https://kb.test/", "/"),
        ("html", "https://kb.test/help/", "/help/"),
        ("dirhtml", "https://kb.test/help/", "/help/"),
    ],
)
def test_404_page_links_start_from_the_site_root(sites, builder, base, prefix):
    result = sites[builder, base]
    result.assert_no_warnings()
    soup = assert_served_anywhere(result, "404.html", prefix)
    assert_not_a_page_of_the_site(soup)
    assert soup.title.get_text().startswith("Page not found")
    article = soup.find("article")
    assert article.h1.get_text() == "Page not found"
    links = {a.get_text(): a["href"] for a in article.find_all("a")}
    index, ext = ("index.html", ".html") if builder == "html" else ("", "/")
    assert links["Go to the home page"] == prefix + index
    assert links["Search the knowledge base"] == f"{prefix}search{ext}"
    assert links["Managed IT"] == f"{prefix}category/managed-it{ext}"
    # Our sidebar: every category, from the root.
    assert nav_links(soup)["Backup & Recovery"] == f"{prefix}category/backup{ext}"
    assert soup.select_one("form.sidebar-search-container")["action"] == f"{prefix}search{ext}"
    # Where hosts look for it, with either builder.
    if builder == "dirhtml":
        assert (result.outdir / "404.html").read_bytes() == (result.outdir / "404/index.html").read_bytes()


@pytest.mark.parametrize(
    ("builder", "base"), [("html", "https://kb.test/"), ("dirhtml", "https://kb.test/help/")]
)
def test_404_page_is_in_neither_the_sitemap_nor_the_search_index(sites, builder, base):
    result = sites[builder, base]
    urls = sitemap_urls(result)
    assert base + ("category/security.html" if builder == "html" else "category/security/") in urls
    assert not [u for u in urls if "404" in u]
    indexed = pagefind_pages(result.outdir)
    assert indexed and not [u for u in indexed if "404" in u]


@pytest.fixture
def served(sites) -> Iterator[tuple[str, Path]]:
    outdir = sites["html", "https://kb.test/"].outdir
    server = make_server(outdir, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", outdir
    finally:
        server.shutdown()
        server.server_close()


def test_a_missing_deep_path_answers_404_with_a_page_whose_assets_load(served):
    origin, outdir = served
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{origin}/deep/nested/missing")
    assert missing.value.code == 404
    body = missing.value.read()
    assert body == (outdir / "404.html").read_bytes()
    soup = BeautifulSoup(body, "html.parser")
    assets = [t["href"] for t in soup.select("link[rel=stylesheet]")] + [
        t["src"] for t in soup.select("script[src]")
    ]
    assert any("kb-search.js" in a for a in assets), assets
    # From the root, so they load whatever the missing page's URL was.
    for url in assets + list(nav_links(soup).values()):
        assert url.startswith("/"), url
        with urllib.request.urlopen(origin + url) as response:
            assert response.status == 200, url


def test_search_from_a_deep_missing_page_shows_results(playwright_browser, served):
    """In Chromium: the 404 page served for /a/b/c/missing.html finds Pagefind's index."""
    origin, _outdir = served
    missing = f"{origin}/a/b/c/missing.html"
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Expected: the missing page itself, and the icon browsers ask for (the test site names none).
    expected = {missing, f"{origin}/favicon.ico"}
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text} {m.location}")
            if m.type == "error" and m.location.get("url") not in expected
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and r.url not in expected
            else None
        ),
    )
    try:
        assert page.goto(missing).status == 404
        assert page.locator("article h1").inner_text() == "Page not found"
        page.locator("input.sidebar-search").fill("backup")
        first = page.locator(".kb-search-popup [role=option]").first
        first.wait_for()
        assert first.locator(".kb-search-result-title").inner_text() == "The 3-2-1 Backup Rule"
        first.click()
        page.wait_for_url(f"{origin}/blog/backup-rule.html")
    finally:
        context.close()
    assert problems == [], problems


def hand_written_404(srcdir: Path) -> None:
    (srcdir / "404.md").write_text(
        "# Nothing here\n\nGo [home](index.md), read about [backups](category/backup.md) "
        "or mail [us](mailto:help@kb.test).\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_a_hand_written_404_page_takes_precedence_and_links_from_the_root(make_project, builder):
    srcdir = make_project()
    hand_written_404(srcdir)
    result = build(srcdir, builder, overrides={"html_baseurl": "https://kb.test/help/"})
    result.assert_no_warnings()
    soup = assert_served_anywhere(result, "404.html", "/help/")
    assert_not_a_page_of_the_site(soup)
    assert soup.find("article").h1.get_text(strip=True).rstrip("¶") == "Nothing here"
    links = {a.get_text(): a["href"] for a in soup.find("article").find_all("a") if a.get_text()}
    ext = ".html" if builder == "html" else "/"
    assert links["home"] == ("/help/index.html" if builder == "html" else "/help/")
    assert links["backups"] == f"/help/category/backup{ext}"
    assert links["us"].startswith("mailto:help")  # untouched
    assert "Browse the categories" not in soup.get_text()


def test_url_prefix_from_conf_py_or_read_the_docs_wins(make_project, monkeypatch):
    srcdir = make_project()
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('notfound_urls_prefix = "/kb/"\n')
    assert build(srcdir).html("404.html").html["data-content_root"] == "/kb/"

    srcdir = make_project(dest="rtd")
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", "https://northstar-kb.readthedocs.io/en/latest/")
    result = build(srcdir)
    assert_served_anywhere(result, "404.html", "/en/latest/")


def test_linkcheck_builder_runs_offline(make_project):
    srcdir = make_project()
    write_post(
        srcdir,
        "links",
        'title: "Links"\nslug: links\ncategory: Managed IT\nexcerpt: "E."\ndate: 2024-01-02',
        "See [the vendor](https://vendor.example/guide) and [backups](backup-rule.md).\n",
    )
    hand_written_404(srcdir)
    result = build(srcdir, "linkcheck", overrides={"linkcheck_ignore": [r"https?://.*"]})
    assert result.statuscode == 0
    result.assert_no_warnings()
    checked = [json.loads(line) for line in (result.outdir / "output.json").read_text().splitlines()]
    assert {
        "filename": "blog/links.md",
        "uri": "https://vendor.example/guide",
        "status": "ignored",
    }.items() <= next(c for c in checked if c["uri"] == "https://vendor.example/guide").items()
    # No kb handler wrote anything meant for the HTML site.
    assert sorted(p.name for p in result.outdir.iterdir()) == ["output.json", "output.txt"]


def make_dry_run(target: str, env: dict[str, str] | None = None, command: str | None = None) -> str:
    """The commands `make` would run in the repository (nothing is run)."""
    run = subprocess.run(
        ["bash", "-c", command or f"make {target}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {}), "MAKEFLAGS": "n"},
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_make_linkcheck_runs_the_linkcheck_builder_like_make_html():
    # Its own doctrees: run between two html builds, it must not mark changed pages as written.
    assert re.search(
        r"sphinx-build -M linkcheck source _build -c \. -d _build/doctrees-linkcheck\s*$",
        make_dry_run("linkcheck"),
        re.M,
    )
    assert "make linkcheck" in make_dry_run("help")


def test_read_the_docs_builds_this_layout(tmp_path):
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["build"]["tools"]["python"] == "3.11"
    commands: list[str] = config["build"]["commands"]
    assert "python -m pip install -r requirements.txt" in commands
    # Read the Docs cannot run here: run its commands, but the network ones, in a copy of the repository.
    local = [c for c in commands if not c.startswith(("git fetch", "python -m pip"))]
    assert len(local) == len(commands) - 2
    shutil.copy(REPO / "conf.py", tmp_path / "conf.py")
    shutil.copytree(
        REPO / "source", tmp_path / "source", ignore=shutil.ignore_patterns("index.md", "category")
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    output = tmp_path / "rtd-output"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "READTHEDOCS": "True",
        "READTHEDOCS_OUTPUT": str(output),
        "READTHEDOCS_CANONICAL_URL": "https://northstar-kb.readthedocs.io/en/latest/",
    }
    for command in local:
        run = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert "WARNING" not in run.stderr, run.stderr
    site = output / "html"
    assert sorted(p.name for p in output.iterdir()) == ["html"]
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("link", rel="canonical")["href"] == "https://northstar-kb.readthedocs.io/en/latest/"
    assert (site / "blog/outsourced-it-partner.html").is_file()
    # Pagefind indexed the site after Sphinx's process ended (its own command).
    assert (site / "_pagefind/pagefind-entry.json").is_file()
    assert not list((tmp_path / "_build/doctrees").glob("sphinx-kb-search-*/pending.json"))
    not_found = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert not_found.html["data-content_root"] == "/en/latest/"
    assert not_found.select_one("link[rel=stylesheet]")["href"].startswith("/en/latest/_static/")


def test_github_pages_workflow_builds_with_make_html_and_deploys():
    workflow = yaml.safe_load((REPO / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    build_job, deploy_job = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = {step.get("uses", "").partition("@")[0] or step.get("name"): step for step in build_job["steps"]}
    assert steps["actions/checkout"]["with"]["fetch-depth"] == 0
    assert steps["actions/setup-python"]["with"]["python-version"] == "3.11"
    pages_id = steps["actions/configure-pages"]["id"]
    build_step = steps["Build"]
    assert "make html" in (REPO / "README.md").read_text(encoding="utf-8")
    assert build_step["run"].startswith("make html ")
    assert build_step["env"]["BASE_URL"] == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    # What it runs, with the address configure-pages gives (without a trailing slash).
    commands = make_dry_run("html", {"BASE_URL": "https://owner.github.io/kb"}, build_step["run"])
    assert re.search(
        r"sphinx-build -M html source _build -c \. -D html_baseurl=https://owner.github.io/kb\s*$",
        commands,
        re.M,
    )
    # Pagefind indexes once Sphinx's process has ended, with the memory it held free again.
    assert re.search(r"^KB_SEARCH_AFTER_BUILD=1 \S*sphinx-build -M html ", commands, re.M)
    assert re.search(r"^\S*python -m sphinx_kb\.search _build/doctrees\s*$", commands, re.M)
    assert steps["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    assert re.search(r"^BUILDDIR\s*:?=\s*_build$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    permissions = {**workflow.get("permissions", {}), **deploy_job.get("permissions", {})}
    assert permissions["pages"] == "write" and permissions["id-token"] == "write"
    assert deploy_job["needs"] == "build"
    assert deploy_job["environment"]["name"] == "github-pages"
    assert [s["uses"].partition("@")[0] for s in deploy_job["steps"]] == ["actions/deploy-pages"]
    assert workflow["concurrency"]["group"]
    trigger = workflow.get("on", workflow.get(True))
    assert trigger["push"]["branches"] == ["main"]
    # Daily, for scheduled articles: one run a day at a fixed minute and hour.
    [daily] = trigger["schedule"]
    minute, hour, *rest = daily["cron"].split()
    assert minute.isdigit() and hour.isdigit() and rest == ["*", "*", "*"]
