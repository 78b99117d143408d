"""Issue #6: tag pages, the archive and reading time, from real builds of crafted posts."""

from __future__ import annotations

import math
import pickle
import posixpath
from pathlib import Path

import pytest
from conftest import build, pagefind_pages, write_post

from sphinx_kb.content.post import count_words
from sphinx_kb.version import __version__

# Posts added to the basic root (whose outsourced-it-partner has the tags outsourcing, support).
# "Backup" on delta and "backup" elsewhere are one tag, shown as "backup" (the common spelling).
CRAFTED = {
    "alpha": ("Alpha", "Security", "2024-01-10", ["cloud", "backup"]),
    "bravo": ("Bravo", "Security", "2024-02-10", ["cloud"]),
    "charlie": ("Charlie", "Managed IT", "2024-03-10", ["cloud", "backup"]),
    "delta": ("Delta", "Managed IT", "2024-04-10", ["Backup"]),
    "echo": ("Echo", "Managed IT", None, []),
    "golf": ("Golf", "Backup & Recovery", "2023-12-24", []),
}
# A draft with the tags: never on tag pages (outside preview) nor in related lists.
DRAFT = ("foxtrot", "Foxtrot", "Security", "2024-05-10", ["cloud", "backup", "drafty"])


def add_crafted(src: Path) -> None:
    for slug, (title, category, date, tags) in CRAFTED.items():
        lines = [f'title: "{title}"', f"slug: {slug}", f'category: "{category}"', f'excerpt: "{title} text."']
        if date:
            lines.append(f"date: {date}")
        if tags:
            lines.append("tags: [" + ", ".join(f'"{t}"' for t in tags) + "]")
        write_post(src, slug, "\n".join(lines))
    slug, title, category, date, tags = DRAFT
    write_post(
        src,
        slug,
        f'title: "{title}"\nslug: {slug}\ncategory: "{category}"\nexcerpt: "x"\nstatus: draft\n'
        f"date: {date}\ntags: [{', '.join(tags)}]",
    )


@pytest.fixture
def crafted(make_project) -> Path:
    src = make_project()
    add_crafted(src)
    return src


def target(page: str, href: str) -> str:
    """The output file a relative link of `page` points to (dirhtml folders: their index.html)."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    return f"{path}/index.html" if href.endswith("/") or not path.endswith(".html") else path


def card_titles(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select("article .kb-post-card-title a")]


# --- tag pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_tag_pages_list_exactly_the_posts_with_the_tag(crafted, builder):
    result = build(crafted, builder)
    result.assert_no_warnings()
    page = "tag/backup.html" if builder == "html" else "tag/backup/index.html"
    soup = result.html(page)
    assert soup.find("article").find("h1").get_text().rstrip("¶") == "Tag: backup"
    assert card_titles(soup) == ["Delta", "Charlie", "Alpha"]
    cloud = result.html(page.replace("backup", "cloud"))
    assert card_titles(cloud) == ["Charlie", "Bravo", "Alpha"]
    # The draft's own tag has no page; the draft is on no tag page.
    assert not (result.outdir / page.replace("backup", "drafty")).exists()
    crumbs = [li.get_text(strip=True) for li in soup.select(".kb-breadcrumbs li")]
    assert crumbs == ["Home", "Tags", "Tag: backup"]


def test_tag_index_counts_every_tag_sorted_by_name(crafted):
    result = build(crafted)
    result.assert_no_warnings()
    soup = result.html("tags.html")
    rows = [
        (li.select_one("a").get_text(), li.select_one("a")["href"], li.select_one(".kb-count").get_text())
        for li in soup.select("article .kb-tag-list li")
    ]
    assert rows == [
        ("backup", "tag/backup.html", "3 articles"),
        ("cloud", "tag/cloud.html", "3 articles"),
        ("outsourcing", "tag/outsourcing.html", "1 article"),
        ("support", "tag/support.html", "1 article"),
    ]
    for _, href, _ in rows:
        assert (result.outdir / href).is_file()


def test_tag_pages_are_paginated_like_category_pages(crafted):
    result = build(crafted, overrides={"kb_posts_per_page": 2})
    result.assert_no_warnings()
    first, second = result.html("tag/cloud.html"), result.html("tag/cloud/page/2.html")
    assert card_titles(first) == ["Charlie", "Bravo"]
    assert card_titles(second) == ["Alpha"]
    assert first.select_one(".kb-pager-status").get_text() == "Page 1 of 2"
    assert [a["href"] for a in first.select(".kb-pager a")] == ["cloud/page/2.html"]
    assert [a["href"] for a in second.select(".kb-pager a")] == ["../../cloud.html"]
    assert second.find("article").find("h1").get_text().rstrip("¶") == "Tag: cloud (page 2 of 2)"
    crumbs = [(a.get_text(), a["href"]) for a in second.select(".kb-breadcrumbs a")]
    assert crumbs == [
        ("Home", "../../../index.html"),
        ("Tags", "../../../tags.html"),
        ("Tag: cloud", "../../cloud.html"),
    ]
    assert not (result.outdir / "tag/support/page/2.html").exists()


def test_tags_on_post_pages_and_cards_link_to_their_pages(crafted):
    result = build(crafted)
    result.assert_no_warnings()
    page = "blog/delta.html"
    links = result.html(page).select("article .kb-post-tags a.kb-tag")
    # The post's own spelling, linked to the one page of the tag.
    assert [(a.get_text(), target(page, a["href"])) for a in links] == [("Backup", "tag/backup.html")]
    card = next(
        c for c in result.html("category/managed-it.html").select(".kb-post-card") if "Charlie" in c.text
    )
    hrefs = [target("category/managed-it.html", a["href"]) for a in card.select(".kb-post-card-details a")]
    assert hrefs == ["tag/cloud.html", "tag/backup.html"]
    # The meta line keeps only the date and the category link.
    assert [a.get_text() for a in card.select(".kb-post-card-meta a")] == []  # category page: no category
    assert result.html(page).select("article .kb-post-meta a.kb-tag") == []


def test_home_and_sidebar_lead_to_tags_and_archive(crafted):
    result = build(crafted)
    result.assert_no_warnings()
    home = result.html("index.html")
    links = {
        a.get_text(): a["href"]
        for a in home.find("article").select("a")
        if a["href"] in ("tags.html", "archive.html")
    }
    assert links == {"all tags": "tags.html", "the archive": "archive.html"}
    post = result.html("blog/alpha.html")
    browse = [(a.get_text(), a["href"]) for a in post.select(".kb-sidebar-browse a")]
    assert browse == [("Tags", "../tags.html"), ("Archive", "../archive.html")]
    # Outside furo's tree (whose links are the taxonomy's).
    assert post.select(".sidebar-tree .kb-sidebar-browse") == []
    # A heading to assistive technology needs its level (ARIA; the Nu validator reports it missing).
    caption = post.select_one(".kb-sidebar-browse .caption")
    assert (caption["role"], caption["aria-level"]) == ("heading", "2")
    current = result.html("tag/cloud.html").select(".kb-sidebar-browse li.current a")
    assert [a.get_text() for a in current] == ["Tags"]


def test_tag_and_archive_pages_stay_out_of_sitemap_and_search(crafted):
    result = build(crafted, overrides={"kb_posts_per_page": 2})
    result.assert_no_warnings()
    assert (result.outdir / "tag/cloud/page/2.html").is_file()
    assert (result.outdir / "archive/page/2.html").is_file()
    sitemap = (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    assert "/tag/" not in sitemap and "tags.html" not in sitemap and "archive" not in sitemap
    assert "https://kb.test/blog/alpha.html" in sitemap
    indexed = set(pagefind_pages(result.outdir))
    assert "/blog/alpha.html" in indexed
    assert [url for url in indexed if "tag" in url or "archive" in url] == []


def test_same_slug_spellings_are_one_tag_and_a_tag_without_letters_warns(make_project):
    src = make_project()
    write_post(
        src, "one", 'title: "One"\nslug: one\ncategory: Security\nexcerpt: "x"\ntags: ["Cloud Costs", "!!"]'
    )
    write_post(src, "two", 'title: "Two"\nslug: two\ncategory: Security\nexcerpt: "x"\ntags: ["cloud-costs"]')
    write_post(
        src, "three", 'title: "Three"\nslug: three\ncategory: Security\nexcerpt: "x"\ntags: ["cloud costs"]'
    )
    result = build(src)
    warnings = [w for w in result.warnings.splitlines() if "WARNING" in w]
    assert len(warnings) == 1, result.warnings
    assert "one.md:" in warnings[0] and "tag `!!`" in warnings[0] and "[kb.tag]" in warnings[0]
    rows = [li.get_text(" ", strip=True) for li in result.html("tags.html").select(".kb-tag-list li")]
    # Three spellings, three counts of one: ties go to the first in alphabetical order.
    assert rows[0] == "Cloud Costs 3 articles"
    assert not list((src / "tag").glob("-*"))


# --- archive -------------------------------------------------------------------------------------


def archive_outline(soup) -> list[str]:
    """Headings ("# 2024", "## May 2024") and entries (titles) of an archive page, in order."""
    out = []
    for node in soup.select("article .kb-archive h2, article .kb-archive h3, article .kb-archive-entry"):
        if node.name == "h2":
            out.append(f"# {node.get_text()}")
        elif node.name == "h3":
            out.append(f"## {node.get_text()}")
        else:
            out.append(node.select("a")[0].get_text())
    return out


def test_archive_groups_by_year_and_month_newest_first_undated_last(crafted):
    result = build(crafted)
    result.assert_no_warnings()
    assert archive_outline(result.html("archive.html")) == [
        "# 2024",
        "## September 2024",
        "The 3-2-1 Backup Rule",
        "## July 2024",
        "Phishing 101",
        "## May 2024",
        "What to Look for in an Outsourced IT Partner",
        "## April 2024",
        "Delta",
        "## March 2024",
        "Charlie",
        "## February 2024",
        "Bravo",
        "Helpdesk Basics",
        "## January 2024",
        "Alpha",
        "# 2023",
        "## December 2023",
        "Golf",
        "# Undated",
        "Echo",
    ]
    entry = result.html("archive.html").select("article .kb-archive-entry")[0]
    assert entry.select_one(".kb-date").get_text() == "September 5, 2024"
    assert [a["href"] for a in entry.select("a")] == ["blog/backup-rule.html", "category/backup.html"]


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_archive_pages_reach_every_post_once(crafted, builder):
    result = build(crafted, builder, overrides={"kb_posts_per_page": 4})
    result.assert_no_warnings()
    file = "archive.html" if builder == "html" else "archive/index.html"
    seen, outlines = [], []
    while file:
        soup = result.html(file)
        outlines.append(archive_outline(soup))
        seen += [target(file, e.select("a")[0]["href"]) for e in soup.select("article .kb-archive-entry")]
        older = soup.select_one(".kb-pager-older")
        file = target(file, older.find("a")["href"]) if older else None
    assert len(outlines) == 3
    # A page that starts inside a month repeats its headings.
    assert outlines[1] == [
        "# 2024",
        "## March 2024",
        "Charlie",
        "## February 2024",
        "Bravo",
        "Helpdesk Basics",
        "## January 2024",
        "Alpha",
    ]
    assert outlines[2] == ["# 2023", "## December 2023", "Golf", "# Undated", "Echo"]
    posts = sorted(
        p.stem for p in (crafted / "blog").glob("*.md") if p.stem not in ("secret-plans", "foxtrot")
    )
    suffix = ".html" if builder == "html" else "/index.html"
    assert sorted(seen) == [f"blog/{slug}{suffix}" for slug in posts]


# --- reading time --------------------------------------------------------------------------------

PROSE = " ".join(f"word{i}" for i in range(500))
BODY = f"""{PROSE}

```python
print("these words are code and are not counted at all")
```

:::{{note}}
Five words inside a note.
:::

See [the link](https://example.com/not/counted/words) <!-- a comment is skipped -->.
"""


def test_count_words_skips_code_comments_and_link_targets():
    assert count_words(BODY) == 500 + 5 + 3
    assert (
        count_words("```{code-block} text\nnot counted\n```\n```{note}\nTwo words\n```\nDon't e-mail 3.5")
        == 5
    )


def test_reading_time_on_page_and_card_agree(make_project):
    src = make_project()
    write_post(
        src, "long-read", 'title: "Long Read"\nslug: long-read\ncategory: Security\nexcerpt: "x"', BODY
    )
    result = build(src, overrides={"kb_words_per_minute": 200})
    result.assert_no_warnings()
    header = result.html("blog/long-read.html").select_one("article .kb-post-meta")
    minutes = math.ceil(508 / 200)
    assert header.select_one(".kb-reading-time").get_text() == f"{minutes} min read"
    assert header.select_one(".kb-word-count").get_text() == "508 words"
    for page in ("category/security.html", "index.html"):
        cards = result.html(page).select(".kb-post-card")
        shown = [c.select_one(".kb-reading-time").get_text() for c in cards if "Long Read" in c.text]
        assert shown == [f"{minutes} min read"], page
    # A short post reads in at least a minute.
    assert result.html("blog/phishing-101.html").select_one(".kb-reading-time").get_text() == "1 min read"


def test_a_post_cache_from_before_word_counts_is_not_used(make_project):
    src = make_project()
    write_post(
        src, "long-read", 'title: "Long Read"\nslug: long-read\ncategory: Security\nexcerpt: "x"', BODY
    )
    first = build(src)
    cache = first.outdir.parent / ".doctrees-html" / "sphinx-kb-posts.pickle"
    (_version, entries) = pickle.loads(cache.read_bytes())
    # What an older sphinx-kb wrote: the same files, posts without a word count.
    stale = {}
    for path, (mtime, size, (post, problems, claim)) in entries.items():
        if post is not None:
            object.__setattr__(post, "words", 0)
        stale[path] = (mtime, size, (post, problems, claim))
    cache.write_bytes(pickle.dumps(((2, __version__), stale)))
    again = build(src, fresh=True)
    again.assert_no_warnings()
    header = again.html("blog/long-read.html").select_one("article .kb-post-meta")
    assert header.select_one(".kb-word-count").get_text() == "508 words"
