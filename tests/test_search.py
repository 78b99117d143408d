"""Site search: what the pages mark for Pagefind, the index the build writes, and the fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import (
    BuildResult,
    build,
    clean_copy,
    pagefind_fragments,
    pagefind_pages,
    search_text,
    touch_later,
    write_post,
)

from sphinx_kb import cli
from sphinx_kb.cli.serve import make_server
from sphinx_kb.search import indexer as search_indexer
from sphinx_kb.search import order as search_order
from sphinx_kb.search import pagefind as search

DRAFT_WORD = "quokkafluxion"  # only in blog/secret-plans.md, the test root's draft


def scope(result: BuildResult, path: str):
    """The element around a page's content that carries the Pagefind attributes, or None."""
    return result.html(path).select_one("article .kb-search-scope")


def test_posts_are_indexed_with_metadata_filters_and_sort(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    pages = pagefind_pages(result.outdir)
    post = pages["/blog/backup-rule.html"]
    assert post["meta"]["title"] == "The 3-2-1 Backup Rule"
    assert post["meta"]["description"] == "Three copies, two media, one off-site."
    assert post["meta"]["category"] == "Backup & Recovery"
    assert post["meta"]["date"] == "2024-09-05"
    assert post["meta"]["kind"] == "post"
    image = post["meta"]["image"]
    assert (result.outdir / image).is_file(), image
    # A subcategory's post is found under its parent category's filter too.
    assert post["filters"]["category"] == ["Security", "Backup & Recovery"]
    assert "Keep three copies." in post["content"]
    tagged = pages["/blog/outsourced-it-partner.html"]
    assert tagged["filters"]["category"] == ["Managed IT"]
    # No Pagefind sort (its order would weigh on every first query): "Newest first" has its file.
    assert result.html("blog/backup-rule.html").select_one("[data-pagefind-sort]") is None
    assert newest_urls(result.outdir) == [
        "/blog/backup-rule.html",  # 2024-09-05
        "/blog/phishing-101.html",  # 2024-07-01
        "/blog/outsourced-it-partner.html",  # 2024-05-14
        "/blog/helpdesk-basics.html",  # 2024-02-01
    ]


def newest_urls(outdir: Path) -> list[str]:
    """kb-newest.json's order, as the URLs of the fragments its ids name."""
    order = json.loads((outdir / "_pagefind" / "kb-newest.json").read_text(encoding="utf-8"))["newest"]
    fragments = pagefind_fragments(outdir)
    return [fragments[fid]["url"] for fid in order]


def test_a_rebuild_reads_only_the_fragments_it_has_not_seen(make_project, monkeypatch, tmp_path):
    src = make_project()
    build(src).assert_no_warnings()
    read: list[str] = []
    original = search_order.read_fragment
    monkeypatch.setattr(search_order, "read_fragment", lambda path: read.append(path.name) or original(path))
    post = src / "blog/phishing-101.md"
    post.write_text(post.read_text(encoding="utf-8").replace("2024-07-01", "2023-01-01"), encoding="utf-8")
    touch_later(post)
    result = build(src)
    result.assert_no_warnings()
    # The edited post's fragment is new (names are content hashes); the others are known.
    assert len(read) == 1, read
    assert newest_urls(result.outdir)[-1] == "/blog/phishing-101.html"  # now the oldest
    # The same order as a clean build of the same sources.
    assert newest_urls(result.outdir) == newest_urls(build(clean_copy(src, tmp_path / "clean")).outdir)


def test_tags_are_a_filter_with_one_value_each(make_project):
    src = make_project()
    write_post(
        src,
        "tagged",
        'title: "Tagged Post"\nslug: tagged\ncategory: Managed IT\nexcerpt: "Tags."\n'
        "date: 2024-02-02\ntags: [backup, cloud, remote work]",
    )
    result = build(src)
    result.assert_no_warnings()
    post = pagefind_pages(result.outdir)["/blog/tagged.html"]
    assert post["filters"]["tag"] == ["backup", "cloud", "remote work"]


def test_undated_posts_sort_last_and_error_pages_are_not_indexed(make_project):
    src = make_project()
    write_post(
        src, "undated", 'title: "Undated Post"\nslug: undated\ncategory: Managed IT\nexcerpt: "No date."'
    )
    (src / "404.md").write_text("# Page not found\n\nTry the search.\n", encoding="utf-8")
    (src / "about.md").write_text("# About us\n\nWe write guides.\n", encoding="utf-8")
    result = build(src)
    # "Newest first" keeps it, at the end; pages that are not posts are not in the order.
    assert newest_urls(result.outdir)[-2:] == ["/blog/helpdesk-basics.html", "/blog/undated.html"]
    assert "/about.html" not in newest_urls(result.outdir)
    pages = pagefind_pages(result.outdir)
    assert "/404.html" not in pages
    assert pages["/about.html"]["meta"] == {"title": "About us", "kind": "page"}


def test_the_index_is_readable_by_a_web_server(make_project):
    previous = os.umask(0o022)
    try:
        result = build(make_project())
    finally:
        os.umask(previous)
    index = result.outdir / "_pagefind"
    # Not the 0700 of a private temporary folder: the web server may run as another user.
    assert index.stat().st_mode & 0o777 == 0o755
    assert (index / "pagefind.js").stat().st_mode & 0o777 == 0o644


def test_only_the_content_is_indexed_not_the_navigation(make_project):
    result = build(make_project())
    pages = pagefind_pages(result.outdir)
    post = pages["/blog/backup-rule.html"]["content"]
    # The sidebar lists other posts and categories, the footer the copyright: none of it is content.
    for chrome in ("Phishing 101", "Helpdesk Basics", "Managed IT", "Copyright", "Made with", "Home"):
        assert chrome not in post, chrome
    # Nor is the line under the title (category · date), shown with every result anyway.
    assert "September 5, 2024" not in post
    # Nor are a post's tag links (a filter) or its related articles (indexed as themselves).
    tagged = pages["/blog/outsourced-it-partner.html"]["content"]
    page = result.html("blog/outsourced-it-partner.html")
    assert page.select(".kb-post-tags .kb-tag") and page.select(".kb-related a")
    for shown in ("Tags:", "Related articles", *(a.get_text() for a in page.select(".kb-related a"))):
        assert shown not in tagged, shown
    # The sidebar element is outside the indexed element on every page.
    html = result.html("blog/backup-rule.html")
    assert html.select(".sidebar-tree [data-pagefind-body]") == []
    assert html.select_one("[data-pagefind-body]").find_parent("article") is not None


def test_listing_pages_index_their_own_text_not_the_post_cards(make_project):
    src = make_project()
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("kb_posts_per_page = 1\n")
    result = build(src)
    result.assert_no_warnings()
    pages = pagefind_pages(result.outdir)
    category = pages["/category/managed-it.html"]
    assert category["meta"]["kind"] == "category"
    assert category["meta"]["title"] == "Managed IT"
    assert "Everything about managed services." in category["content"]
    # The cards' titles and excerpts belong to the posts' own results.
    assert "Outsourced" not in category["content"]
    assert category["filters"]["category"] == ["Managed IT"]
    # Posts outrank the category pages that list them.
    assert scope(result, "category/managed-it.html")["data-pagefind-weight"] == "0.5"
    # Numbered pages repeat page 1: not indexed.
    assert (result.outdir / "category/managed-it/page/2.html").is_file()
    assert "/category/managed-it/page/2.html" not in pages
    assert scope(result, "category/managed-it/page/2.html") is None
    assert "/" in pages  # the home page
    assert not any(url.endswith(("search.html", "genindex.html")) for url in pages)


def test_drafts_are_never_indexed_not_even_in_a_preview_build(make_project, monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    result = build(make_project(), overrides={"kb_drafts": True})
    result.assert_no_warnings()
    assert (result.outdir / "blog/secret-plans.html").is_file()  # shown in the preview ...
    draft = scope(result, "blog/secret-plans.html")
    assert draft["data-pagefind-ignore"] == "all"  # ... but marked for the indexer to skip
    assert not draft.has_attr("data-pagefind-body")
    assert "/blog/secret-plans.html" not in pagefind_pages(result.outdir)
    assert DRAFT_WORD not in search_text(result)
    assert "Secret Plans" not in search_text(result)
    # The published posts are still there.
    assert "/blog/phishing-101.html" in pagefind_pages(result.outdir)


def test_sphinx_indexer_is_off_and_the_search_page_is_pagefinds(make_project):
    result = build(make_project())
    out = result.outdir
    assert not (out / "searchindex.js").exists()
    page = result.html("search.html")
    assert page.select_one("[data-kb-search-page] input[name=q]") is not None
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    scripts = [s.get("src", "") for s in page.find_all("script")]
    assert any("_static/kb-search.js" in s for s in scripts)
    assert not any("searchtools.js" in s or "searchindex.js" in s for s in scripts)
    # Every category of the tree is offered as a filter, subcategories under their parent.
    options = [o["value"] for o in page.select(".kb-search-category option")]
    assert options == ["", "Managed IT", "Security", "Backup & Recovery"]
    # The script reaches Pagefind through the output folder it was built into.
    assert (out / "_static/kb-search.js").is_file()
    assert (out / "_pagefind/pagefind.js").is_file()


def test_incremental_builds_update_the_index_and_leave_nothing_stale(make_project):
    src = make_project()
    first = build(src)
    first.assert_no_warnings()
    assert "/blog/helpdesk-basics.html" in pagefind_pages(first.outdir)

    # Nothing changed: the index is not rebuilt.
    before = {p: p.stat().st_mtime_ns for p in (src / "_build/html/_pagefind").rglob("*")}
    again = build(src)
    assert "search index: up to date" in again.status
    assert {p: p.stat().st_mtime_ns for p in (src / "_build/html/_pagefind").rglob("*")} == before

    # A body edit reaches the index; a deleted post leaves it, with none of its files left.
    post = src / "blog/phishing-101.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nWatch for zebrafrond links.\n", encoding="utf-8")
    touch_later(post)
    (src / "blog/helpdesk-basics.md").unlink()
    result = build(src)
    result.assert_no_warnings()
    # 3 posts, 3 category pages and the home page.
    assert "search index: 7 pages indexed by Pagefind" in result.status
    pages = pagefind_pages(result.outdir)
    assert "zebrafrond" in pages["/blog/phishing-101.html"]["content"]
    assert "/blog/helpdesk-basics.html" not in pages
    assert "Helpdesk" not in search_text(result)
    assert not [p for p in (src / "_build").iterdir() if p.name.startswith(".pagefind-")]


def test_pagefind_reads_cut_down_copies_and_indexes_what_the_whole_pages_give(
    make_project, tmp_path, monkeypatch
):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    src = make_project()
    result = build(src, overrides={"kb_drafts": True})  # a preview: the draft is written
    result.assert_no_warnings()
    copies = src / "_build/.doctrees-html/sphinx-kb-search-html/pages"
    copied = {str(p.relative_to(copies)) for p in copies.rglob("*.html")}
    # Posts, category pages and the home page; not drafts, tag or archive pages, not the 404 page.
    assert {"index.html", "blog/backup-rule.html", "category/security.html"} <= copied
    assert not {"blog/secret-plans.html", "tags.html", "archive.html", "404.html", "search.html"} & copied
    assert not [name for name in copied if name.startswith("tag/")]
    page = (copies / "blog/backup-rule.html").read_bytes()
    assert len(page) < (result.outdir / "blog/backup-rule.html").stat().st_size / 2
    assert b"sidebar" not in page
    # Pagefind over the whole written pages makes the same index.
    binary = search.find_pagefind()[0]
    assert binary is not None
    whole = tmp_path / "whole"
    whole.mkdir()
    # The same run as the build's (flags and all), given the written pages instead of the copies.
    search_indexer.run_pagefind(binary, result.outdir, whole)
    assert pagefind_pages(result.outdir) == pagefind_pages(whole)


def test_a_page_rewritten_with_the_same_searchable_part_is_not_indexed_again(make_project):
    src = make_project()
    build(src).assert_no_warnings()
    page = src / "_build/html/blog/backup-rule.html"
    # Written again with only its surroundings changed (as when a sidebar count changes).
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", "<!-- x --></body>"), encoding="utf-8")
    touch_later(page)
    assert "search index: up to date" in build(src).status
    # Its searchable part changed: indexed again.
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Keep three copies.", "Keep three quillwort copies."), encoding="utf-8")
    touch_later(page)
    result = build(src)
    assert "pages indexed by Pagefind" in result.status
    assert "quillwort" in pagefind_pages(result.outdir)["/blog/backup-rule.html"]["content"]


def run_search_command(doctrees: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx_kb.search", str(doctrees)], capture_output=True, text=True, check=False
    )


def test_make_html_indexes_after_sphinx_has_ended_and_gets_the_same_index(
    make_project, tmp_path, monkeypatch
):
    in_process = build(make_project(dest="in-process"))
    monkeypatch.setenv("KB_SEARCH_AFTER_BUILD", "1")
    src = make_project(dest="after")
    doctrees = src / "_build/.doctrees-html"
    pending = doctrees / "sphinx-kb-search-html/pending.json"
    result = build(src)
    result.assert_no_warnings()
    assert f"search index: left for `python -m sphinx_kb.search {doctrees}`" in result.status
    assert pending.is_file()
    assert not (result.outdir / "_pagefind").exists()
    run = run_search_command(doctrees)
    assert run.returncode == 0, run.stderr
    assert f"search index: 8 pages of {result.outdir} indexed by Pagefind" in run.stdout
    assert not pending.exists()
    # The same index, the same files beside it, as when the build runs Pagefind itself.
    assert pagefind_pages(result.outdir) == pagefind_pages(in_process.outdir)
    for name in ("kb-search.json", "kb-newest.json", "kb-words/en"):
        assert (result.outdir / "_pagefind" / name).exists(), name
    assert (result.outdir / "_pagefind/kb-search.json").read_text(encoding="utf-8") == (
        in_process.outdir / "_pagefind/kb-search.json"
    ).read_text(encoding="utf-8")
    # Nothing changed: nothing left, and the command says so.
    assert "search index: up to date" in build(src).status
    assert not pending.exists()
    assert "nothing left to index" in run_search_command(doctrees).stdout
    # A job left behind is cancelled by a build that indexes itself: run late, it must not put
    # back the older record (it would mark the newer copies as indexed).
    post = src / "blog/backup-rule.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Keep three copies.", "Keep three sedge copies.")
    )
    assert "left for" in build(src).status
    monkeypatch.delenv("KB_SEARCH_AFTER_BUILD")
    assert "pages indexed by Pagefind" in build(src).status
    assert not pending.exists()
    assert "sedge" in pagefind_pages(result.outdir)["/blog/backup-rule.html"]["content"]


def test_a_failed_index_after_the_build_warns_keeps_the_old_index_and_retries(make_project, monkeypatch):
    src = make_project()
    result = build(src)
    before = pagefind_pages(result.outdir)
    monkeypatch.setenv("KB_SEARCH_AFTER_BUILD", "1")
    post = src / "blog/backup-rule.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Keep three copies.", "Keep three rush copies."))
    build(src)
    doctrees = src / "_build/.doctrees-html"
    pending = doctrees / "sphinx-kb-search-html/pending.json"
    job = json.loads(pending.read_text(encoding="utf-8"))
    pending.write_text(json.dumps({**job, "binary": "/bin/false"}), encoding="utf-8")
    run = run_search_command(doctrees)
    assert run.returncode == 0
    assert "WARNING: Pagefind could not index the site, search shows the previous index" in run.stderr
    assert pagefind_pages(result.outdir) == before
    assert pending.is_file()  # run again, it retries
    pending.write_text(json.dumps(job), encoding="utf-8")
    assert run_search_command(doctrees).returncode == 0
    assert "rush" in pagefind_pages(result.outdir)["/blog/backup-rule.html"]["content"]
    # Not a job at all: said, not a traceback.
    pending.write_text("{", encoding="utf-8")
    run = run_search_command(doctrees)
    assert "is not a search job sphinx-kb wrote" in run.stderr and "Traceback" not in run.stderr


def test_dirhtml_index_has_directory_urls(make_project):
    result = build(make_project(), "dirhtml")
    result.assert_no_warnings()
    pages = pagefind_pages(result.outdir)
    assert "/blog/backup-rule/" in pages
    assert "/category/security/" in pages
    assert (result.outdir / "search/index.html").is_file()
    assert not (result.outdir / "searchindex.js").exists()


def test_parallel_build_writes_the_same_index(make_project, tmp_path):
    src = make_project()
    serial = build(src, outdir=tmp_path / "serial" / "html")
    parallel = build(src, outdir=tmp_path / "parallel" / "html", parallel=2)
    parallel.assert_no_warnings()
    assert pagefind_pages(parallel.outdir) == pagefind_pages(serial.outdir)


# --- without Pagefind -----------------------------------------------------------------------------


def test_missing_pagefind_falls_back_to_sphinx_search_and_says_so_once(make_project, monkeypatch):
    src = make_project()
    build(src).assert_no_warnings()  # an earlier build with Pagefind left _pagefind/ behind
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(src / "no-such-pagefind"))
    result = build(src)
    assert result.statuscode == 0
    lines = [line for line in result.warnings.splitlines() if "WARNING" in line]
    assert len(lines) == 1, result.warnings
    assert "search falls back to Sphinx's built-in search" in lines[0]
    assert "no-such-pagefind" in lines[0] and "pagefind[bin]" in lines[0]
    assert "[kb.search]" in lines[0]
    out = result.outdir
    assert not (out / "_pagefind").exists()  # stale, and nothing loads it any more
    assert DRAFT_WORD not in (out / "searchindex.js").read_text(encoding="utf-8")
    assert "phish" in (out / "searchindex.js").read_text(encoding="utf-8")
    page = result.html("search.html")
    assert page.select_one("[data-kb-search-page]") is None
    assert any("searchtools.js" in s.get("src", "") for s in page.find_all("script"))
    assert result.html("blog/backup-rule.html").select("[data-pagefind-body]") == []


def test_the_fallback_warning_can_be_suppressed(make_project, monkeypatch):
    src = make_project()
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('suppress_warnings = ["kb.search"]\n')
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(src / "no-such-pagefind"))
    build(src).assert_no_warnings()


def test_sphinx_search_can_be_chosen(make_project):
    result = build(make_project(), overrides={"kb_search": "sphinx"})
    result.assert_no_warnings()
    assert (result.outdir / "searchindex.js").is_file()
    assert not (result.outdir / "_pagefind").exists()


def test_an_unknown_search_engine_is_reported(make_project):
    result = build(make_project(), overrides={"kb_search": "lunr"})
    assert "kb_search = 'lunr' is not a search engine sphinx-kb knows" in result.warnings
    assert "[kb.config]" in result.warnings
    assert (result.outdir / "_pagefind/pagefind-entry.json").is_file()


def test_a_failing_pagefind_keeps_the_previous_index_and_warns(make_project, monkeypatch, tmp_path):
    src = make_project()
    build(src).assert_no_warnings()
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'pagefind: out of disk space' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    post = src / "blog/phishing-101.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    touch_later(post)
    result = build(src)
    assert "Pagefind could not index the site" in result.warnings
    assert "out of disk space" in result.warnings
    assert "[kb.search]" in result.warnings
    assert "/blog/phishing-101.html" in pagefind_pages(result.outdir)
    # The next build with a working Pagefind catches up, though no page changed since.
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    again = build(src)
    assert "pages indexed by Pagefind" in again.status
    assert "More." in pagefind_pages(again.outdir)["/blog/phishing-101.html"]["content"]


# --- kb serve -------------------------------------------------------------------------------------


def test_served_site_has_the_types_browsers_need(make_project):
    result = build(make_project())
    server = make_server(result.outdir, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        wasm = next((result.outdir / "_pagefind").glob("wasm.*.pagefind"))
        with urllib.request.urlopen(base + "_pagefind/pagefind.js") as response:
            assert response.headers["Content-Type"] == "text/javascript"
        with urllib.request.urlopen(base + "_pagefind/" + wasm.name) as response:
            assert response.read() == wasm.read_bytes()
        with urllib.request.urlopen(base + "_pagefind/pagefind-entry.json") as response:
            assert json.loads(response.read())["languages"]
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "blog/nothing-here.html")
        assert missing.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_kb_serve_needs_a_built_site(tmp_path: Path, capsys):
    assert cli.main(["serve", "--built", str(tmp_path)]) == 2
    assert "no built site" in capsys.readouterr().err
