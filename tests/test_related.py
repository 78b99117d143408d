"""Related articles at the end of posts; tag pages and related lists after incremental builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build, clean_copy, touch_later
from test_tags import add_crafted, target


def related(result, slug: str) -> list[str]:
    page = f"blog/{slug}.html"
    links = result.html(page).select("article .kb-related a")
    return [target(page, a["href"]).removeprefix("blog/").removesuffix(".html") for a in links]


@pytest.fixture
def crafted(make_project) -> Path:
    src = make_project()
    add_crafted(src)
    return src


def test_related_posts_by_shared_tags_then_category_then_nearest_date(crafted):
    result = build(crafted)
    result.assert_no_warnings()
    # alpha (Security; cloud, backup): charlie shares both tags (4), bravo one tag and the
    # category (3), delta one tag (2); phishing-101 only the category (1). The draft foxtrot,
    # which shares everything, never shows.
    assert related(result, "alpha") == ["charlie", "bravo", "delta"]
    assert related(result, "bravo") == ["alpha", "charlie", "phishing-101"]
    # delta's "Backup" is the tag "backup": charlie (tag + category), alpha (tag), then the
    # category's posts nearest in date.
    assert related(result, "delta") == ["charlie", "alpha", "outsourced-it-partner"]
    # Equal scores (the category only): nearest in date first, not newest first.
    assert related(result, "helpdesk-basics") == ["charlie", "delta", "outsourced-it-partner"]
    # An undated post has no nearest: newest first.
    assert related(result, "echo") == ["outsourced-it-partner", "delta", "charlie"]
    # Nothing in common with any other published post: no section at all.
    assert related(result, "golf") == ["backup-rule"]
    page = result.html("blog/alpha.html")
    assert page.select_one(".kb-related .rubric").get_text() == "Related articles"
    assert [a.get_text() for a in page.select(".kb-related a")] == ["Charlie", "Bravo", "Delta"]
    assert [d.get_text() for d in page.select(".kb-related .kb-date")] == [
        "March 10, 2024",
        "February 10, 2024",
        "April 10, 2024",
    ]


def test_kb_related_posts_sets_the_number_and_zero_turns_them_off(crafted):
    one = build(crafted, overrides={"kb_related_posts": 1})
    one.assert_no_warnings()
    assert related(one, "alpha") == ["charlie"]
    off = build(crafted, outdir=crafted / "_build" / "off", overrides={"kb_related_posts": 0})
    off.assert_no_warnings()
    assert off.html("blog/alpha.html").select(".kb-related") == []


def test_a_post_related_to_nothing_has_no_section(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    # phishing-101 is alone in Security (the draft does not count) and has no tags.
    assert result.html("blog/phishing-101.html").select(".kb-related") == []
    assert related(result, "helpdesk-basics") == ["outsourced-it-partner"]


# --- incremental and parallel builds -------------------------------------------------------------


def retag(src: Path) -> None:
    """alpha loses `backup`, gains `zebra`; bravo is renamed (it shows in alpha's related list)."""
    alpha = src / "blog/alpha.md"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text(text.replace('tags: ["cloud", "backup"]', 'tags: ["cloud", "zebra"]'), encoding="utf-8")
    touch_later(alpha)
    bravo = src / "blog/bravo.md"
    bravo.write_text(
        bravo.read_text(encoding="utf-8").replace('title: "Bravo"', 'title: "Bravo Two"'), encoding="utf-8"
    )
    touch_later(bravo)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_incremental_build_after_retagging_matches_clean_build(crafted, tmp_path, builder):
    first = build(crafted, builder)
    first.assert_no_warnings()
    suffix = ".html" if builder == "html" else "/index.html"
    assert (first.outdir / f"tag/backup{suffix}").is_file()
    retag(crafted)
    incremental = build(crafted, builder)
    incremental.assert_no_warnings()
    clean = build(
        clean_copy(crafted, tmp_path / "clean"), builder, outdir=tmp_path / "out" / builder, fresh=True
    )
    clean.assert_no_warnings()
    assert incremental.pages() == clean.pages()
    # What changed is really there: a new tag page, alpha off the backup page, new related lists.
    zebra = incremental.html(f"tag/zebra{suffix}")
    assert [a.get_text() for a in zebra.select("article .kb-post-card-title a")] == ["Alpha"]
    backup = incremental.html(f"tag/backup{suffix}")
    assert [a.get_text() for a in backup.select("article .kb-post-card-title a")] == ["Delta", "Charlie"]
    page = f"blog/delta{suffix}"
    # delta (Managed IT; backup) no longer shares a tag with alpha.
    links = incremental.html(page).select("article .kb-related a")
    assert [a.get_text() for a in links] == [
        "Charlie",
        "What to Look for in an Outsourced IT Partner",
        "Helpdesk Basics",
    ]
    # charlie (not edited) shows bravo's new title.
    assert "Bravo Two" in [
        a.get_text() for a in incremental.html(f"blog/charlie{suffix}").select(".kb-related a")
    ]


def test_removing_the_last_post_of_a_tag_removes_its_pages(crafted, tmp_path):
    build(crafted, overrides={"kb_posts_per_page": 1}).assert_no_warnings()
    assert (crafted / "tag/outsourcing.md").is_file()
    post = crafted / "blog/outsourced-it-partner.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace('["outsourcing", "support"]', '["support"]'),
        encoding="utf-8",
    )
    touch_later(post)
    incremental = build(crafted, overrides={"kb_posts_per_page": 1})
    incremental.assert_no_warnings()
    assert not (crafted / "tag/outsourcing.md").exists()
    assert not (incremental.outdir / "tag/outsourcing.html").exists()
    clean = build(
        clean_copy(crafted, tmp_path / "clean"),
        outdir=tmp_path / "out" / "html",
        fresh=True,
        overrides={"kb_posts_per_page": 1},
    )
    assert incremental.pages() == clean.pages()


def test_parallel_build_matches_serial_build(crafted, tmp_path):
    serial = build(crafted, outdir=tmp_path / "serial" / "html")
    serial.assert_no_warnings()
    parallel = build(crafted, outdir=tmp_path / "parallel" / "html", parallel=2)
    parallel.assert_no_warnings()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", parallel.status)
    assert re.search(r"writing output\.\.\. \[ *\d+%\] \S+ \.\. \S+", plain)
    assert parallel.pages() == serial.pages()
    assert related(parallel, "alpha") == ["charlie", "bravo", "delta"]
