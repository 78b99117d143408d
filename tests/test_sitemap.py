"""sitemap.xml (through sphinx-sitemap) and robots.txt."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOTS, BuildResult, build, write_post

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BUILDERS = ["html", "dirhtml"]
SITE = "https://kb.test/"

# Pages of the basic project (drafts excluded, `Empty Category` has no page) and their lastmod:
# a post's `updated`, else its `date`; home and category pages: the newest of their posts
# (a parent category counts its subcategories' posts).
BASIC = {
    "": "2024-09-05",
    "category/managed-it": "2024-08-01",
    "category/security": "2024-09-05",
    "category/backup": "2024-09-05",
    "blog/backup-rule": "2024-09-05",
    "blog/phishing-101": "2024-07-01",
    "blog/outsourced-it-partner": "2024-05-14",
    "blog/helpdesk-basics": "2024-08-01",
}


def url(builder: str, path: str) -> str:
    if not path:
        return SITE
    return SITE + (f"{path}.html" if builder == "html" else f"{path}/")


def expected(builder: str, pages: dict[str, str | None]) -> dict[str, str | None]:
    return {url(builder, path): lastmod for path, lastmod in pages.items()}


def sitemap(result: BuildResult) -> dict[str, str | None]:
    """{loc: lastmod} of sitemap.xml; asserts that it is well-formed and lists no URL twice."""
    root = ET.parse(result.outdir / "sitemap.xml").getroot()
    assert root.tag == f"{NS}urlset"
    entries = []
    for entry in root:
        assert entry.tag == f"{NS}url"
        assert [child.tag for child in entry] in ([f"{NS}loc"], [f"{NS}loc", f"{NS}lastmod"])
        lastmod = entry.find(f"{NS}lastmod")
        entries.append((entry.find(f"{NS}loc").text, None if lastmod is None else lastmod.text))
    locs = [loc for loc, _ in entries]
    assert len(locs) == len(set(locs)), locs
    return dict(entries)


def add_404_page(srcdir: Path) -> None:
    (srcdir / "404.md").write_text("---\norphan: true\n---\n\n# Page not found\n\nSorry.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, BuildResult]:
    """The basic project with a 404 page, built once per builder."""
    srcdir = tmp_path_factory.mktemp("sitemap") / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    add_404_page(srcdir)
    return {builder: build(srcdir, builder) for builder in BUILDERS}


@pytest.mark.parametrize("builder", BUILDERS)
def test_sitemap_lists_exactly_home_categories_and_published_posts(site, builder):
    result = site[builder]
    result.assert_no_warnings()
    assert sitemap(result) == expected(builder, BASIC)
    # The pages left out do exist in the output.
    written = (
        ["404.html", "search.html", "genindex.html"]
        if builder == "html"
        else ["404/index.html", "search/index.html", "genindex/index.html"]
    )
    for page in written:
        assert (result.outdir / page).is_file(), page
    assert not (result.outdir / "blog" / "secret-plans.html").exists()


@pytest.mark.parametrize("builder", BUILDERS)
def test_robots_txt_points_to_the_sitemap(site, builder):
    robots = (site[builder].outdir / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://kb.test/sitemap.xml" in robots.splitlines()


def test_no_language_prefix_when_language_is_set(make_project):
    srcdir = make_project()
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('language = "en"\n')
    result = build(srcdir)
    result.assert_no_warnings()
    urls = sitemap(result)
    assert urls == expected("html", BASIC)
    assert not any("/en/" in loc for loc in urls)


@pytest.mark.parametrize("builder", BUILDERS)
def test_drafts_stay_out_of_the_sitemap_in_preview(make_project, builder):
    srcdir = make_project()
    # A category whose only post is a draft gets a page in preview, but not a sitemap entry.
    write_post(
        srcdir,
        "draft-only",
        'title: "Draft Only"\nslug: draft-only\ncategory: Empty Category\nexcerpt: "Soon."\n'
        "status: draft\ndate: 2025-02-01",
    )
    result = build(srcdir, builder, overrides={"kb_drafts": True})
    result.assert_no_warnings()
    assert sitemap(result) == expected(builder, BASIC)
    suffix = ".html" if builder == "html" else "/index.html"
    assert (result.outdir / f"blog/secret-plans{suffix}").is_file()
    assert (result.outdir / f"category/empty-category{suffix}").is_file()


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_lastmod_of_undated_posts_is_their_last_commit(make_project):
    # The knowledge base is a folder inside the repository, as in a docs/ folder.
    srcdir = make_project(dest="repo/kb")
    repo = srcdir.parent
    for slug in ("edited-twice", "committed-once"):
        write_post(
            srcdir, slug, f'title: "{slug}"\nslug: {slug}\ncategory: Empty Category\nexcerpt: "Undated."'
        )
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first", date="2023-01-02T10:00:00+00:00")
    with (srcdir / "blog" / "edited-twice.md").open("a", encoding="utf-8") as post:
        post.write("\nMore text.\n")
    git(repo, "commit", "-q", "-am", "second", date="2025-03-04T01:30:00+02:00")
    # A later commit to another post does not date these two.
    with (srcdir / "blog" / "helpdesk-basics.md").open("a", encoding="utf-8") as post:
        post.write("\nEven more.\n")
    git(repo, "commit", "-q", "-am", "third", date="2025-06-01T12:00:00+00:00")
    # Not committed yet: no date to give.
    write_post(
        srcdir, "not-committed", 'title: "New"\nslug: not-committed\ncategory: Security\nexcerpt: "New."'
    )

    result = build(srcdir)
    result.assert_no_warnings()
    urls = sitemap(result)
    # The commit's own date, as a W3C datetime or as the calendar day of the commit.
    second = urls.pop(url("html", "blog/edited-twice"))
    first = urls.pop(url("html", "blog/committed-once"))
    assert second in ("2025-03-04T01:30:00+02:00", "2025-03-04")
    assert first in ("2023-01-02T10:00:00+00:00", "2023-01-02")
    # Home and category: the newest of their posts; a dated post keeps its front-matter date.
    assert urls == expected(
        "html",
        {
            **BASIC,
            "": second,
            "category/empty-category": second,
            "blog/not-committed": None,
        },
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_lastmod_in_a_folder_with_a_non_ascii_name(make_project):
    srcdir = make_project(dest="repo/base-de-connaissances-é")
    write_post(srcdir, "undated", 'title: "Undated"\nslug: undated\ncategory: Security\nexcerpt: "Undated."')
    git(srcdir.parent, "init", "-q")
    git(srcdir.parent, "add", ".")
    git(srcdir.parent, "commit", "-q", "-m", "first", date="2023-01-02T10:00:00+00:00")
    result = build(srcdir)
    result.assert_no_warnings()
    assert sitemap(result)[url("html", "blog/undated")] in ("2023-01-02T10:00:00+00:00", "2023-01-02")


@pytest.mark.parametrize("change", ["touch", "edit"])
def test_incremental_build_still_lists_every_page(make_project, change):
    """Plain sphinx-sitemap collects URLs in `html-page-context`, i.e. only for the pages written
    in *this* build; after an incremental build that rewrites one page, its sitemap.xml lists that
    single page and drops everything else (sphinx-sitemap issue #13). sphinx-kb must list the whole
    site whatever Sphinx rewrote."""
    srcdir = make_project()
    first = build(srcdir)
    first.assert_no_warnings()
    assert sitemap(first) == expected("html", BASIC)
    # Marks a page that the second build must not rewrite, to prove the build is incremental.
    untouched = first.outdir / "blog" / "phishing-101.html"
    untouched.write_text(untouched.read_text(encoding="utf-8") + "<!-- from the first build -->\n")

    post = srcdir / "blog" / "helpdesk-basics.md"
    pages = dict(BASIC)
    if change == "edit":
        post.write_text(
            post.read_text(encoding="utf-8").replace("2024-08-01", "2024-10-01"), encoding="utf-8"
        )
        pages |= {"": "2024-10-01", "category/managed-it": "2024-10-01", "blog/helpdesk-basics": "2024-10-01"}
    # A modification time clearly after the first build, without waiting.
    later = time.time() + 60
    os.utime(post, (later, later))

    second = build(srcdir)
    second.assert_no_warnings()
    assert "helpdesk-basics" in second.status
    assert untouched.read_text(encoding="utf-8").endswith("<!-- from the first build -->\n")
    assert sitemap(second) == expected("html", pages)


@pytest.mark.parametrize("builder", BUILDERS)
def test_parallel_build_writes_the_same_sitemap(make_project, builder):
    srcdir = make_project()
    for day in range(1, 9):
        write_post(
            srcdir,
            f"extra-{day}",
            f'title: "Extra {day}"\nslug: extra-{day}\ncategory: Security\nexcerpt: "More."\n'
            f"date: 2024-06-0{day}",
        )
    serial = build(srcdir, builder, outdir=srcdir / "_build" / "serial" / builder, fresh=True)
    parallel = build(srcdir, builder, outdir=srcdir / "_build" / "parallel" / builder, parallel=2, fresh=True)
    serial.assert_no_warnings()
    parallel.assert_no_warnings()
    # Sphinx really read and wrote in chunks (`first .. last` progress lines).
    assert any("writing output" in line and " .. " in line for line in parallel.status.splitlines())
    assert (parallel.outdir / "sitemap.xml").read_bytes() == (serial.outdir / "sitemap.xml").read_bytes()
    extra = {f"blog/extra-{day}": f"2024-06-0{day}" for day in range(1, 9)}
    assert sitemap(parallel) == expected(builder, {**BASIC, **extra})


def test_robots_txt_from_the_public_folder_wins(make_project):
    srcdir = make_project()
    result = build(srcdir)
    result.assert_no_warnings()
    assert "Sitemap: https://kb.test/sitemap.xml" in (result.outdir / "robots.txt").read_text().splitlines()
    shipped = "User-agent: *\nDisallow: /private/\n"
    (srcdir / "public" / "robots.txt").write_text(shipped, encoding="utf-8")
    # Over the generated one of the first build, and in a new output folder.
    for result in (build(srcdir), build(srcdir, outdir=srcdir / "_build" / "other" / "html")):
        result.assert_no_warnings()
        assert (result.outdir / "robots.txt").read_text(encoding="utf-8") == shipped


def test_without_baseurl_the_build_warns_instead_of_crashing(make_project):
    srcdir = make_project()
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('html_baseurl = "https://kb.test/"\n', ""))
    result = build(srcdir)
    assert result.statuscode == 0
    lines = result.warnings.splitlines()
    ours = [line for line in lines if "[kb.config]" in line]
    assert len(ours) == 1, result.warnings
    assert "html_baseurl" in ours[0]
    # sphinx-sitemap may add its own notice; nothing else may warn.
    assert all("[sitemap.configuration]" in line for line in lines if line not in ours), result.warnings
    assert (result.outdir / "blog" / "helpdesk-basics.html").is_file()
    assert not (result.outdir / "sitemap.xml").exists()
    robots = (result.outdir / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap" not in robots
