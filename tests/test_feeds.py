"""Atom and RSS feeds of the site and of each category (feeds.py), parsed with feedparser."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import BuildResult, build, clean_copy, touch_later, write_post

SITE = "https://kb.test/"

# test-taxonomy, newest first by `date`; the undated posts last, by title.
TAXONOMY = [
    "firewall-rules",  # 2024-06-01, Firewalls (Security)
    "password-managers",  # 2024-05-05, Passwords (Security)
    "wifi-basics",  # 2024-04-04, Networking
    "vpn-setup",  # 2024-03-01, Virtual Private Networks (Firewalls, Security)
    "stateful-inspection",  # 2024-01-15, Firewalls (Security)
    "access-points",  # undated, Networking
    "cable-types",  # undated, Networking
]
# A category's feed holds its own posts and those of its subcategories, at any depth.
TAXONOMY_CATEGORIES = {
    "security": ["firewall-rules", "password-managers", "vpn-setup", "stateful-inspection"],
    "firewalls": ["firewall-rules", "vpn-setup", "stateful-inspection"],
    "vpn": ["vpn-setup"],
    "passwords": ["password-managers"],
    "networking": ["wifi-basics", "access-points", "cable-types"],
}
# test-basic without drafts; helpdesk-basics is dated 2024-02-01 (updated 2024-08-01).
BASIC = ["backup-rule", "phishing-101", "outsourced-it-partner", "helpdesk-basics"]


def post_url(builder: str, slug: str) -> str:
    return f"{SITE}blog/{slug}" + (".html" if builder == "html" else "/")


def feed_files(outdir: Path) -> dict[str, bytes]:
    """Every feed in the output, by path below the site root."""
    found = [*outdir.glob("*.xml"), *outdir.glob("category/*/*.xml")]
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in sorted(found)
        if p.name in ("atom.xml", "rss.xml")
    }


def parse(result: BuildResult, path: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((result.outdir / path).read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return feed


def slugs(feed: feedparser.FeedParserDict, builder: str = "html") -> list[str]:
    """The posts of a feed in order, checking each entry's absolute link and stable id."""
    found = []
    for entry in feed.entries:
        slug = entry.link.removeprefix(f"{SITE}blog/").removesuffix(".html").removesuffix("/")
        assert entry.link == post_url(builder, slug)
        assert entry.id == entry.link
        found.append(slug)
    return found


def self_link(feed: feedparser.FeedParserDict) -> str:
    return next(link.href for link in feed.feed.links if link.rel == "self")


def discovery(soup: BeautifulSoup) -> dict[str, str]:
    """type -> href of the page's feed autodiscovery links."""
    links = soup.find_all("link", rel="alternate")
    result = {link["type"]: link["href"] for link in links if "xml" in link.get("type", "")}
    assert len(result) == len([link for link in links if "xml" in link.get("type", "")])
    return result


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_site_and_category_feeds(make_project, builder: str) -> None:
    result = build(make_project("taxonomy"), builder)
    result.assert_no_warnings()

    expected = {"": TAXONOMY} | {f"category/{slug}/": posts for slug, posts in TAXONOMY_CATEGORIES.items()}
    # Categories without posts (Hardware, Antivirus) have no page and no feed.
    assert set(feed_files(result.outdir)) == {
        f"{folder}{name}.xml" for folder in expected for name in ("atom", "rss")
    }
    for folder, posts in expected.items():
        atom, rss = parse(result, f"{folder}atom.xml"), parse(result, f"{folder}rss.xml")
        assert atom.version == "atom10"
        assert rss.version == "rss20"
        for feed in (atom, rss):
            assert slugs(feed, builder) == posts, folder
        assert self_link(atom) == f"{SITE}{folder}atom.xml"
        assert self_link(rss) == f"{SITE}{folder}rss.xml"
        # The feed's date is its newest entry's.
        newest = max(entry.updated_parsed for entry in atom.entries)
        assert atom.feed.updated_parsed == newest

    site = parse(result, "atom.xml")
    assert site.feed.title == "Taxonomy KB"
    assert site.feed.subtitle == "Three levels of categories."
    assert site.feed.link == SITE
    first = site.entries[0]
    assert first.title == "Writing Firewall Rules"
    assert first.summary == "Allow only what you need."
    assert "content" not in first  # excerpt mode: no body
    assert [t.term for t in first.tags] == ["Firewalls"]
    assert first.published == "2024-06-01T00:00:00+00:00"
    assert first.updated == "2024-06-01T00:00:00+00:00"

    security = parse(result, "category/security/atom.xml")
    assert security.feed.title == "Security – Taxonomy KB"
    assert security.feed.subtitle == "Keep attackers out."
    assert security.feed.link == SITE + (
        "category/security.html" if builder == "html" else "category/security/"
    )
    vpn = parse(result, "category/vpn/rss.xml")
    assert vpn.feed.title == "Virtual Private Networks – Taxonomy KB"
    assert vpn.feed.subtitle == "Tunnels."
    assert vpn.entries[0].published == "Fri, 01 Mar 2024 00:00:00 +0000"

    # Autodiscovery: the home page and each category page point to their own feeds, which exist.
    pages = {"": "index.html"} | {
        f"category/{slug}/": f"category/{slug}.html" if builder == "html" else f"category/{slug}/index.html"
        for slug in TAXONOMY_CATEGORIES
    }
    for folder, page in pages.items():
        links = discovery(result.html(page))
        assert links == {
            "application/atom+xml": f"{SITE}{folder}atom.xml",
            "application/rss+xml": f"{SITE}{folder}rss.xml",
        }, page
        for href in links.values():
            assert (result.outdir / href.removeprefix(SITE)).is_file()
    post_page = "blog/vpn-setup.html" if builder == "html" else "blog/vpn-setup/index.html"
    assert discovery(result.html(post_page)) == {}


def test_authors_tags_and_drafts(make_project) -> None:
    srcdir = make_project("basic")
    result = build(srcdir, overrides={"kb_drafts": True})
    # Preview builds show the draft page, never in a feed.
    assert (result.outdir / "blog/secret-plans.html").is_file()
    for path in feed_files(result.outdir):
        feed = parse(result, path)
        assert "secret-plans" not in slugs(feed), path
    assert slugs(parse(result, "atom.xml")) == BASIC
    assert slugs(parse(result, "category/security/rss.xml")) == ["backup-rule", "phishing-101"]

    atom, rss = parse(result, "atom.xml"), parse(result, "rss.xml")
    for feed in (atom, rss):
        partner = feed.entries[2]
        assert partner.title == "What to Look for in an Outsourced IT Partner"
        assert partner.author == "Jane Doe"
        assert [t.term for t in partner.tags] == ["Managed IT", "outsourcing", "support"]
        assert "author" not in feed.entries[0]
    # `updated` is the entry's date when the post has one; the feed's is the newest entry's.
    helpdesk = atom.entries[3]
    assert (helpdesk.published, helpdesk.updated) == (
        "2024-02-01T00:00:00+00:00",
        "2024-08-01T00:00:00+00:00",
    )
    assert atom.feed.updated == "2024-09-05T00:00:00+00:00"
    assert rss.feed.updated == "Thu, 05 Sep 2024 00:00:00 +0000"


def test_posts_with_errors_are_left_out(make_project) -> None:
    srcdir = make_project("basic")
    # Valid front matter but a slug that does not match the file name: an error.
    write_post(
        srcdir, "broken", 'title: "Broken"\nslug: "not-broken"\ncategory: "Security"\ndate: 2026-01-01'
    )
    write_post(
        srcdir,
        "newest",
        'title: "Newest"\nslug: "newest"\ncategory: "Security"\nexcerpt: "New."\ndate: 2026-01-02',
    )
    result = build(srcdir)
    assert result.statuscode == 1
    assert "broken.md" in result.warnings
    for path in feed_files(result.outdir):
        found = slugs(parse(result, path))
        assert "broken" not in found
        assert "not-broken" not in found
    assert slugs(parse(result, "atom.xml")) == ["newest", *BASIC]
    assert slugs(parse(result, "category/security/atom.xml")) == ["newest", "backup-rule", "phishing-101"]


def full_content_project(make_project) -> Path:
    srcdir = make_project("basic")
    shutil.copy(srcdir / "public/default.png", srcdir / "blog/diagram.png")
    write_post(
        srcdir,
        "linked",
        'title: "Linked"\nslug: "linked"\ncategory: "Security"\nexcerpt: "Links."\ndate: 2025-03-01',
        "See [phishing](phishing-101.md), [a partner](outsourced-it-partner.md) "
        "and [below](#details).\n\n"
        "![A diagram](diagram.png)\n\n(details)=\n## Details\n\nMore [outside](https://example.org/x).\n",
    )
    return srcdir


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_full_content_and_entry_limit(make_project, builder: str) -> None:
    srcdir = full_content_project(make_project)
    result = build(srcdir, builder, overrides={"kb_feed_content": "full", "kb_feed_entries": 2})
    result.assert_no_warnings()
    assert slugs(parse(result, "atom.xml"), builder) == ["linked", "backup-rule"]
    assert slugs(parse(result, "category/managed-it/atom.xml"), builder) == [
        "outsourced-it-partner",
        "helpdesk-basics",
    ]
    for name in ("atom.xml", "rss.xml"):
        feed = parse(result, name)
        linked = feed.entries[0]
        assert linked.summary == "Links."
        assert len(linked.content) == 1
        body = BeautifulSoup(linked.content[0].value, "html.parser")
        assert [a["href"] for a in body.find_all("a")] == [
            post_url(builder, "phishing-101"),
            post_url(builder, "outsourced-it-partner"),
            post_url(builder, "linked") + "#details",
            "https://example.org/x",
        ]
        image = body.find("img")
        assert image["src"].startswith(SITE + "_images/diagram")
        assert (result.outdir / image["src"].removeprefix(SITE)).is_file()
        assert image["alt"] == "A diagram"
        # The body only: no title, no category/date line, no heading anchors.
        assert body.find("h1") is None
        assert body.select(".kb-post-meta, .headerlink, [hidden]") == []
        assert [h.get_text() for h in body.find_all("h2")] == ["Details"]
        assert body.get_text().startswith("See phishing")


def test_incremental_build_equals_clean_build(make_project, tmp_path: Path) -> None:
    srcdir = make_project("taxonomy")
    overrides = {"kb_feed_content": "full"}
    first = build(srcdir, overrides=overrides)
    ids = [e.id for e in parse(first, "atom.xml").entries]

    post = srcdir / "blog/wifi-basics.md"
    text = post.read_text(encoding="utf-8")
    text = text.replace('"Wi-Fi Basics"', '"Wi-Fi in Depth"').replace("2024-04-04", "2024-07-07")
    text = text.replace("---\n\nPick", 'tags: ["wireless"]\n---\n\nPick a quiet channel; read the manual.')
    post.write_text(text, encoding="utf-8")
    touch_later(post)
    incremental = build(srcdir, overrides=overrides)
    incremental.assert_no_warnings()

    # A clean build (a fresh checkout, in parallel) of the same sources writes the same feeds.
    clean = build(clean_copy(srcdir, tmp_path / "clean"), overrides=overrides, parallel=2)
    clean.assert_no_warnings()
    assert feed_files(incremental.outdir) == feed_files(clean.outdir)

    site = parse(incremental, "atom.xml")
    assert slugs(site) == ["wifi-basics", *[s for s in TAXONOMY if s != "wifi-basics"]]
    wifi = site.entries[0]
    assert wifi.title == "Wi-Fi in Depth"
    assert [t.term for t in wifi.tags] == ["Networking", "wireless"]
    assert wifi.updated == "2024-07-07T00:00:00+00:00"
    assert "read the manual" in wifi.content[0].value
    networking = parse(incremental, "category/networking/rss.xml")
    assert networking.entries[0].title == "Wi-Fi in Depth"
    # Entry ids are the posts' URLs: the same in both builds.
    assert sorted(e.id for e in site.entries) == sorted(ids)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    touch_later(path)


# A change to the sources, and the site feed's posts after it.
CHANGES = {
    "delete-post": (
        lambda src: (src / "blog/password-managers.md").unlink(),
        [s for s in TAXONOMY if s != "password-managers"],
    ),
    "make-draft": (
        lambda src: edit(src / "blog/firewall-rules.md", "date:", "status: draft\ndate:"),
        [s for s in TAXONOMY if s != "firewall-rules"],
    ),
    "change-category": (
        lambda src: edit(src / "blog/vpn-setup.md", '"Virtual Private Networks"', "Networking"),
        TAXONOMY,
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_incremental_parallel_build_equals_clean_build(make_project, tmp_path: Path, change: str) -> None:
    srcdir = make_project("taxonomy")
    apply, expected = CHANGES[change]
    build(srcdir, parallel=2)
    apply(srcdir)
    incremental = build(srcdir, parallel=2)
    incremental.assert_no_warnings()
    clean = build(clean_copy(srcdir, tmp_path / "clean"))
    assert feed_files(incremental.outdir) == feed_files(clean.outdir)
    assert slugs(parse(incremental, "rss.xml")) == expected
    if change == "change-category":
        assert "category/vpn/atom.xml" not in feed_files(incremental.outdir)
        assert "vpn-setup" in slugs(parse(incremental, "category/networking/atom.xml"))
        assert "vpn-setup" not in slugs(parse(incremental, "category/security/atom.xml"))


def test_noop_rebuild_leaves_feeds_alone(make_project) -> None:
    srcdir = make_project("taxonomy")
    overrides = {"kb_feed_content": "full"}
    first = build(srcdir, overrides=overrides)
    before = {p: (first.outdir / p).stat().st_mtime_ns for p in feed_files(first.outdir)}
    contents = feed_files(first.outdir)
    again = build(srcdir, overrides=overrides)
    again.assert_no_warnings()
    assert {p: (again.outdir / p).stat().st_mtime_ns for p in feed_files(again.outdir)} == before
    assert feed_files(again.outdir) == contents


def test_feeds_off_and_without_base_url(make_project) -> None:
    srcdir = make_project("taxonomy")
    result = build(srcdir)
    assert "category/security/atom.xml" in feed_files(result.outdir)

    # Turning feeds off removes the files written before, and the autodiscovery links.
    off = build(srcdir, overrides={"kb_feeds": False})
    off.assert_no_warnings()
    assert feed_files(off.outdir) == {}
    assert discovery(off.html("index.html")) == {}
    assert discovery(off.html("category/security.html")) == {}

    # Without html_baseurl there are no absolute links: no feeds, and only the existing warning.
    bare = build(srcdir, outdir=srcdir / "_build" / "bare", overrides={"html_baseurl": ""})
    assert feed_files(bare.outdir) == {}
    assert discovery(bare.html("index.html")) == {}
    assert "html_baseurl is not set" in bare.warnings
    assert "feed" not in bare.warnings


def test_public_folder_feed_wins(make_project) -> None:
    srcdir = make_project("basic")
    (srcdir / "public/atom.xml").write_text("<feed>hand-made</feed>\n", encoding="utf-8")
    result = build(srcdir)
    result.assert_no_warnings()
    assert (result.outdir / "atom.xml").read_text(encoding="utf-8") == "<feed>hand-made</feed>\n"
    assert slugs(parse(result, "rss.xml")) == BASIC


def test_bad_options_warn(make_project) -> None:
    srcdir = make_project("basic")
    result = build(srcdir, overrides={"kb_feed_content": "everything", "kb_feed_entries": 0})
    assert "kb_feed_content = 'everything'" in result.warnings
    assert "[kb.config]" in result.warnings
    assert "kb_feed_entries = 0" in result.warnings
    # Fallbacks: excerpts, 20 entries.
    feed = parse(result, "atom.xml")
    assert slugs(feed) == BASIC
    assert "content" not in feed.entries[0]


def test_undated_posts_use_their_file_date(make_project) -> None:
    srcdir = make_project("taxonomy")
    when = dt.datetime(2023, 2, 3, 4, 5, 6, tzinfo=dt.UTC).timestamp()
    os.utime(srcdir / "blog/cable-types.md", (when, when))
    result = build(srcdir)
    feed = parse(result, "category/networking/atom.xml")
    assert feed.entries[2].title == "Cable Types"
    assert feed.entries[2].updated == "2023-02-03T04:05:06+00:00"
    assert "published" not in feed.entries[2]


def test_feeds_of_categories_that_left_are_deleted(make_project) -> None:
    srcdir = make_project("taxonomy")
    first = build(srcdir)
    assert "category/vpn/atom.xml" in feed_files(first.outdir)
    # A file with the same name that sphinx-kb did not write is not touched.
    foreign = first.outdir / "category/old/atom.xml"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("<feed>someone else's</feed>\n", encoding="utf-8")

    (srcdir / "blog/vpn-setup.md").unlink()
    result = build(srcdir)
    result.assert_no_warnings()
    files = feed_files(result.outdir)
    assert "category/vpn/atom.xml" not in files
    assert "category/vpn/rss.xml" not in files
    assert foreign.read_text(encoding="utf-8") == "<feed>someone else's</feed>\n"
    assert slugs(parse(result, "category/firewalls/atom.xml")) == ["firewall-rules", "stateful-inspection"]


def test_authors_from_authors_yml(make_project) -> None:
    srcdir = make_project("basic")
    (srcdir / "authors.yml").write_text(
        "jane:\n  name: Jane Q. Doe\n  url: https://example.com/jane\nJane Doe:\n  name: Jane Doe\n",
        encoding="utf-8",
    )
    post = srcdir / "blog" / "outsourced-it-partner.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace('author: "Jane Doe"', "author: jane"), encoding="utf-8"
    )
    result = build(srcdir)
    result.assert_no_warnings()
    atom, rss = parse(result, "atom.xml"), parse(result, "rss.xml")
    for feed in (atom, rss):
        partner = next(e for e in feed.entries if e.link.endswith("/outsourced-it-partner.html"))
        assert partner.author == "Jane Q. Doe"  # the name, not the id
    partner = next(e for e in atom.entries if e.link.endswith("/outsourced-it-partner.html"))
    assert partner.author_detail.href == "https://example.com/jane"
