"""Scheduled articles (issue #18): a published article dated later than the build's clock is left
out of every output until its time, and shown with a banner in preview. The clock is injected
with KB_NOW, never slept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import build, pagefind_pages, search_text, write_post

from sphinx_kb import cli
from sphinx_kb.content.schedule import goes_live, parse_now, time_zone

SOON = (
    'title: "Coming Soon"\nslug: coming-soon\ncategory: "Security"\nexcerpt: "Ready next week."\n'
    "date: {date}\ntags: [later]"
)
WORD = "Quokkaschedule"  # in the body only: found in the index iff the article is indexed


def outputs(result) -> dict[str, str]:
    """Every output file a reader, a feed reader or a crawler gets, as text."""
    out = result.outdir
    found = {}
    for path in out.rglob("*"):
        if (
            path.is_file()
            and path.suffix in (".html", ".xml", ".txt", ".json")
            and "_pagefind" not in path.parts
        ):
            found[str(path.relative_to(out))] = path.read_text(encoding="utf-8", errors="replace")
    return found


def add_soon(src: Path, date: str) -> None:
    write_post(src, "coming-soon", SOON.format(date=date), f"The {WORD} article.\n")


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.delenv("KB_DRAFTS", raising=False)

    def at(moment: str) -> None:
        monkeypatch.setenv("KB_NOW", moment)

    return at


def test_an_article_dated_tomorrow_is_in_no_output_and_dated_yesterday_is_published(make_project, clock):
    src = make_project()
    clock("2026-03-10T12:00Z")
    add_soon(src, "2026-03-11")
    result = build(src)
    result.assert_no_warnings()
    assert not (result.outdir / "blog/coming-soon.html").exists()
    for name, text in outputs(result).items():
        assert "coming-soon" not in text and "Coming Soon" not in text, name
    assert not (result.outdir / "tag/later.html").exists()  # its tag has no other article
    assert "/blog/coming-soon.html" not in pagefind_pages(result.outdir)
    assert WORD.lower() not in search_text(result).lower()

    # The same article dated yesterday: published everywhere.
    add_soon(src, "2026-03-09")
    result = build(src)
    result.assert_no_warnings()
    assert (result.outdir / "blog/coming-soon.html").is_file()
    assert "Coming Soon" in result.html("category/security.html").get_text()
    assert "Coming Soon" in (result.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "blog/coming-soon.html" in (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "/blog/coming-soon.html" in pagefind_pages(result.outdir)


def test_it_goes_live_at_its_time_in_the_site_s_time_zone(make_project, clock):
    src = make_project()
    add_soon(src, "2027-01-15 09:00")
    berlin = {"kb_timezone": "Europe/Berlin"}
    clock("2027-01-15T07:59:00Z")  # 08:59 in Berlin
    before = build(src, overrides=berlin)
    before.assert_no_warnings()
    assert not (before.outdir / "blog/coming-soon.html").exists()
    clock("2027-01-15T08:01:00Z")  # 09:01 in Berlin: live, with no change to any file
    after = build(src, overrides=berlin)
    after.assert_no_warnings()
    assert (after.outdir / "blog/coming-soon.html").is_file()
    assert "Coming Soon" in after.html("index.html").get_text()
    assert "Coming Soon" in (after.outdir / "atom.xml").read_text(encoding="utf-8")
    # In UTC (the default) 09:00 is later: still out at 08:01 UTC.
    utc = build(src, outdir=src / "_build" / "utc", fresh=True)
    utc.assert_no_warnings()
    assert not (utc.outdir / "blog/coming-soon.html").exists()


def test_preview_shows_it_with_a_banner_until_its_time(make_project, clock):
    src = make_project()
    add_soon(src, "2027-01-15 09:00")
    preview = {"kb_drafts": True, "kb_timezone": "Europe/Berlin"}
    clock("2027-01-15T07:59:00Z")
    result = build(src, overrides=preview)
    result.assert_no_warnings()
    page = result.html("blog/coming-soon.html")
    banner = page.select_one(".kb-scheduled-banner")
    assert banner is not None
    assert "January 15, 2027" in banner.get_text() and "CET" in banner.get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    card = result.html("category/security.html").select_one(".kb-badge-scheduled")
    assert card is not None and card.get_text() == "Scheduled"
    assert "/blog/coming-soon.html" not in pagefind_pages(result.outdir)  # never indexed
    # The preview build is kept; at its time the page is read again and loses its banner.
    clock("2027-01-15T08:01:00Z")
    live = build(src, overrides=preview)
    live.assert_no_warnings()
    assert live.html("blog/coming-soon.html").select_one(".kb-scheduled-banner") is None
    assert live.html("category/security.html").select_one(".kb-badge-scheduled") is None
    assert "/blog/coming-soon.html" in pagefind_pages(live.outdir)


def test_a_draft_dated_in_the_future_stays_a_draft(make_project, clock):
    src = make_project()
    clock("2026-03-10T12:00Z")
    write_post(src, "coming-soon", SOON.format(date="2026-04-01") + "\nstatus: draft")
    result = build(src, overrides={"kb_drafts": True})
    page = result.html("blog/coming-soon.html")
    assert page.select_one(".kb-draft-banner") is not None
    assert page.select_one(".kb-scheduled-banner") is None


def test_kb_check_lists_scheduled_articles_and_when_each_goes_live(make_project, clock, capsys, monkeypatch):
    src = make_project()
    (src / "conf.py").write_text(
        (src / "conf.py").read_text(encoding="utf-8") + 'kb_timezone = "Europe/Berlin"\n', encoding="utf-8"
    )
    add_soon(src, "2027-01-15 09:00")
    clock("2027-01-14T12:00Z")
    monkeypatch.chdir(src)
    args = ["check", "--conf-dir", str(src), "--source", str(src), "--no-cache"]
    assert cli.main(args) == 0  # information, not a problem
    out, err = capsys.readouterr()
    assert (
        "blog/coming-soon.md:6: info: scheduled for 2027-01-15 09:00 CET (2027-01-15 08:00 UTC, tomorrow) "
        "[kb.scheduled]"
    ) in out
    assert err.endswith(", 1 scheduled\n")
    assert cli.main([*args, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scheduled"] == [
        {
            "file": str(src / "blog/coming-soon.md"),
            "line": 6,
            "severity": "info",
            "subtype": "scheduled",
            "goes_live": "2027-01-15T09:00:00+01:00",
        }
    ]
    # Once it is out, nothing is said.
    clock("2027-01-16T00:00Z")
    cli.main(args)
    assert "scheduled" not in capsys.readouterr().out


def test_a_wrong_time_zone_or_clock_is_reported_and_utc_used(make_project, clock):
    src = make_project()
    clock("next tuesday")
    result = build(src, overrides={"kb_timezone": "Mars/Olympus"})
    assert "kb_timezone `Mars/Olympus` is not a time zone; UTC is used" in result.warnings
    assert "KB_NOW=next tuesday is not a date and time" in result.warnings
    assert result.statuscode == 0


def test_the_clock_and_zones():
    berlin = time_zone("Europe/Berlin")
    assert berlin is not None and time_zone("Nowhere/Town") is None
    assert parse_now("2027-01-15T08:00Z").isoformat() == "2027-01-15T08:00:00+00:00"
    assert parse_now("2027-01-15").isoformat() == "2027-01-15T00:00:00+00:00"
    assert parse_now("soon") is None
    import datetime as dt

    # A day goes live at midnight in the site's zone; an explicit offset wins over the zone.
    assert goes_live(dt.date(2027, 7, 1), berlin).isoformat() == "2027-07-01T00:00:00+02:00"
    aware = dt.datetime(2027, 7, 1, 9, tzinfo=dt.UTC)
    assert goes_live(aware, berlin) == aware
    assert os.environ.get("KB_NOW") is None


def test_a_time_without_an_offset_is_a_time_in_the_site_s_zone_everywhere(make_project, clock):
    src = make_project()
    clock("2026-03-10T12:00Z")
    add_soon(src, "2026-01-15 09:00")
    result = build(src, overrides={"kb_timezone": "America/New_York"})
    result.assert_no_warnings()
    atom = (result.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "<published>2026-01-15T09:00:00-05:00</published>" in atom
    sitemap = (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2026-01-15T09:00:00-05:00</lastmod>" in sitemap
    page = result.html("blog/coming-soon.html")
    assert page.find("meta", property="article:published_time")["content"] == "2026-01-15T09:00:00-05:00"
