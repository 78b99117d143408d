"""Drafts: left out of the site by default, shown with a banner in preview, never in the sitemap."""

from __future__ import annotations

import os
import re
import time

import pytest
from conftest import BuildResult, build, meta, nav_tree, search_text, write_post

DRAFT_WORD = "quokkafluxion"  # appears only in blog/secret-plans.md, the test root's draft
BANNER = "This article is a draft: it is shown only in preview builds and is not published."


def cards(soup) -> list[tuple[str, list[str]]]:
    """(title, badges) of each post card in the page's article."""
    return [
        (
            card.select_one(".kb-post-card-title a").get_text(strip=True),
            [b.get_text() for b in card.select(".kb-post-card-title .kb-badge-draft")],
        )
        for card in soup.select("article .kb-post-card")
    ]


def counts(soup) -> dict[str, str]:
    return {
        c.select_one(".kb-category-card-title a").get_text(strip=True): c.select_one(".kb-count").get_text()
        for c in soup.select("article .kb-category-card")
    }


def sitemap(result: BuildResult) -> list[str]:
    return re.findall(r"<loc>(.*?)</loc>", (result.outdir / "sitemap.xml").read_text(encoding="utf-8"))


PUBLISHED_SITEMAP = [
    "https://kb.test/",
    "https://kb.test/category/managed-it.html",
    "https://kb.test/category/security.html",
    "https://kb.test/category/backup.html",
    "https://kb.test/blog/backup-rule.html",
    "https://kb.test/blog/phishing-101.html",
    "https://kb.test/blog/outsourced-it-partner.html",
    "https://kb.test/blog/helpdesk-basics.html",
]


# --- default build -------------------------------------------------------------------------------


def assert_draft_left_out(result: BuildResult) -> None:
    out = result.outdir
    assert not (out / "blog/secret-plans.html").exists()
    assert not (out / "_sources/blog/secret-plans.md.txt").exists()
    assert "blog/secret-plans" not in result.app.env.found_docs
    for path, html in result.pages().items():
        assert "secret-plans" not in html, path
        assert "Secret Plans" not in html, path
        assert DRAFT_WORD not in html, path
    search = search_text(result)
    assert DRAFT_WORD not in search
    assert "secret" not in search.lower()
    assert sitemap(result) == PUBLISHED_SITEMAP
    assert cards(result.html("category/security.html")) == [("Phishing 101", [])]
    home = result.html("index.html")
    assert [title for title, _ in cards(home)] == [
        "The 3-2-1 Backup Rule",
        "Phishing 101",
        "What to Look for in an Outsourced IT Partner",
        "Helpdesk Basics",
    ]
    # Security: Phishing 101 and, in its subcategory, the backup rule; not the draft.
    assert counts(home) == {"Managed IT": "2 articles", "Security": "2 articles"}
    # The sidebar window of the draft's category, and its counts, leave the draft out.
    assert nav_tree(result.html("blog/phishing-101.html")) == [
        ("Managed IT", "2", []),
        ("Security", "2", [("Backup & Recovery", "1", []), ("Phishing 101", None, [])]),
    ]


def test_default_build_leaves_drafts_out_of_everything(make_project, monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    result = build(make_project())
    result.assert_no_warnings()
    assert result.app.config.kb_drafts is False
    assert_draft_left_out(result)


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_drafts_environment_variable_off(make_project, monkeypatch, value):
    monkeypatch.setenv("KB_DRAFTS", value)
    result = build(make_project())
    result.assert_no_warnings()
    assert_draft_left_out(result)


def test_conf_setting_overrides_the_environment_variable(make_project, monkeypatch):
    monkeypatch.setenv("KB_DRAFTS", "1")
    result = build(make_project(), overrides={"kb_drafts": False})
    result.assert_no_warnings()
    assert_draft_left_out(result)


def test_category_holding_only_drafts_gets_no_page(make_project, monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    src = make_project()
    write_post(
        src,
        "coming-soon",
        'title: "Coming Soon"\nslug: coming-soon\ncategory: Empty Category\nexcerpt: "Soon."\nstatus: draft',
    )
    result = build(src)
    result.assert_no_warnings()
    assert not (src / "category/empty-category.md").exists()
    assert not (result.outdir / "category/empty-category.html").exists()
    assert "Empty Category" not in result.html("index.html").get_text()

    preview = build(src, outdir=src / "_build" / "preview", overrides={"kb_drafts": True}, fresh=True)
    preview.assert_no_warnings()
    assert cards(preview.html("category/empty-category.html")) == [("Coming Soon", ["Draft"])]
    assert counts(preview.html("index.html"))["Empty Category"] == "1 article"
    assert "https://kb.test/category/empty-category.html" not in sitemap(preview)


# --- preview -------------------------------------------------------------------------------------


def preview_build(make_project, monkeypatch, how: str) -> BuildResult:
    if how == "setting":
        monkeypatch.delenv("KB_DRAFTS", raising=False)
        return build(make_project(), overrides={"kb_drafts": True})
    monkeypatch.setenv("KB_DRAFTS", how)
    return build(make_project())


@pytest.mark.parametrize("how", ["setting", "1", "true", "yes"])
def test_preview_shows_drafts_marked_as_drafts(make_project, monkeypatch, how):
    result = preview_build(make_project, monkeypatch, how)
    result.assert_no_warnings()
    assert result.app.config.kb_drafts is True

    page = result.html("blog/secret-plans.html")
    article = page.find("article")
    (banner,) = article.select(".kb-draft-banner")
    assert banner.select_one(".admonition-title").get_text() == "Draft"
    assert [p.get_text() for p in banner.find_all("p")] == ["Draft", BANNER]
    # The banner sits under the title and post header, before the body.
    assert banner.find_previous_sibling("p")["class"] == ["kb-post-meta"]
    assert DRAFT_WORD in banner.find_next_sibling("p").get_text()
    assert meta(page, "robots") == "noindex"

    security = result.html("category/security.html")
    assert cards(security) == [("Secret Plans", ["Draft"]), ("Phishing 101", [])]
    home = result.html("index.html")
    assert cards(home)[:2] == [("Secret Plans", ["Draft"]), ("The 3-2-1 Backup Rule", [])]
    assert counts(home) == {"Managed IT": "2 articles", "Security": "3 articles"}
    # The sidebar counts the draft, and the window of its category lists it (newest first).
    assert nav_tree(result.html("blog/phishing-101.html")) == [
        ("Managed IT", "2", []),
        (
            "Security",
            "3",
            [("Backup & Recovery", "1", []), ("Secret Plans", None, []), ("Phishing 101", None, [])],
        ),
    ]
    assert nav_tree(result.html("blog/secret-plans.html")) == nav_tree(result.html("blog/phishing-101.html"))
    # A page of another category shows no posts of Security.
    assert nav_tree(result.html("blog/helpdesk-basics.html"))[1] == (
        "Security",
        "3",
        [("Backup & Recovery", "1", [])],
    )

    # Published pages are unchanged: no banner, no noindex.
    published = result.html("blog/phishing-101.html")
    assert published.select(".kb-draft-banner") == []
    assert meta(published, "robots") is None
    # Preview or not, the sitemap lists only what is published.
    assert sitemap(result) == PUBLISHED_SITEMAP


def test_preview_sitemap_keeps_category_dates_of_published_posts(make_project, monkeypatch):
    # The draft (2025-01-10) is the newest post of Security: it must not date the category.
    result = preview_build(make_project, monkeypatch, "setting")
    text = (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://kb.test/category/security.html</loc>\n    <lastmod>2024-09-05</lastmod>" in text
    assert "2025-01-10" not in text


def test_default_build_after_preview_takes_the_draft_out_of_listings_and_search(make_project, monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    src = make_project()
    preview = build(src, overrides={"kb_drafts": True})
    preview.assert_no_warnings()
    assert DRAFT_WORD not in search_text(preview)  # Pagefind skips drafts even in a preview
    result = build(src)
    result.assert_no_warnings()
    assert cards(result.html("category/security.html")) == [("Phishing 101", [])]
    assert counts(result.html("index.html")) == {"Managed IT": "2 articles", "Security": "2 articles"}
    for path in ("index.html", "blog/phishing-101.html", "category/security.html"):
        assert "Secret Plans" not in result.html(path).get_text(), path
    assert sitemap(result) == PUBLISHED_SITEMAP
    assert DRAFT_WORD not in search_text(result)


def test_default_build_after_preview_removes_the_draft_page(make_project, monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    src = make_project()
    build(src, overrides={"kb_drafts": True}).assert_no_warnings()
    result = build(src)
    result.assert_no_warnings()
    assert not (result.outdir / "blog/secret-plans.html").exists()
    assert not (result.outdir / "_sources/blog/secret-plans.md.txt").exists()
    assert not any("secret-plans" in str(p) for p in result.outdir.rglob("*"))


def make_draft_again(src) -> str:
    """A published post, built, then turned into a draft; returns its unique word."""
    write_post(
        src,
        "wombat-notes",
        'title: "Wombat Notes"\nslug: wombat-notes\ncategory: Security\nexcerpt: "Notes."\ndate: 2024-03-03',
        "Only this post says wombatquasar.\n",
    )
    build(src).assert_no_warnings()
    path = src / "blog/wombat-notes.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("date:", "status: draft\ndate:"), encoding="utf-8"
    )
    later = time.time() + 10
    os.utime(path, (later, later))
    return "wombatquasar"


def preview_then_default(src) -> str:
    build(src, overrides={"kb_drafts": True}).assert_no_warnings()
    return DRAFT_WORD


@pytest.mark.parametrize("engine", ["pagefind", "sphinx"])
@pytest.mark.parametrize("scenario", [preview_then_default, make_draft_again], ids=lambda f: f.__name__)
def test_no_draft_word_stays_in_search_index(make_project, monkeypatch, scenario, engine):
    monkeypatch.delenv("KB_DRAFTS", raising=False)
    src = make_project()
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"kb_search = {engine!r}\n")
    word = scenario(src)
    result = build(src)
    result.assert_no_warnings()
    assert (result.outdir / ("_pagefind" if engine == "pagefind" else "searchindex.js")).exists()
    assert word not in search_text(result)
