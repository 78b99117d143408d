"""Front-matter text that looks like HTML stays text everywhere the site shows it.

One post whose title, excerpt, tag, author and category name all carry a script element: the
post page, the listings, the structured data, the sitemap, the search index and the feeds must
show that text as text, and no page may contain a script element it did not mean to write.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, BuildResult, build, meta, nav_label, pagefind_pages, write_post

ATTACK = "</script><script>alert(1)</script>"
TITLE = f"Evil {ATTACK} title"
EXCERPT = f"Excerpt {ATTACK} & <b>more</b>"
TAG = f"tag {ATTACK}"
AUTHOR = f"Mallory {ATTACK}"
CATEGORY = f"Cat {ATTACK}"
JOB = f"Job {ATTACK}"
AUTHOR_URL = 'https://mallory.example/"><script>alert(1)</script>'
SITE = "https://kb.test/"
ATOM = "{http://www.w3.org/2005/Atom}"


def yaml_text(text: str) -> str:
    return json.dumps(text)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> BuildResult:
    srcdir = tmp_path_factory.mktemp("escaping") / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    with (srcdir / "categories.yml").open("a", encoding="utf-8") as handle:
        # (Not the description: it is Markdown, where raw HTML is allowed as in a post's body.)
        handle.write(f"- name: {yaml_text(CATEGORY)}\n  slug: evil\n  description: Plain.\n")
    (srcdir / "authors.yml").write_text(
        f"mallory:\n  name: {yaml_text(AUTHOR)}\n  title: {yaml_text(JOB)}\n  url: {yaml_text(AUTHOR_URL)}\n"
        "jane:\n  name: Jane Doe\n",
        encoding="utf-8",
    )
    write_post(
        srcdir,
        "evil",
        f"title: {yaml_text(TITLE)}\nslug: evil\ncategory: {yaml_text(CATEGORY)}\n"
        f"excerpt: {yaml_text(EXCERPT)}\ndate: 2026-01-01\nauthor: {yaml_text(AUTHOR)}\n"
        f"tags: [{yaml_text(TAG)}]",
        body=f"# {TITLE}\n\nBody text.\n",
    )
    result = build(srcdir)
    result.assert_no_warnings()
    return result


def text_of(element) -> str:
    """An element's text without Sphinx's `#` heading anchors."""
    for anchor in element.select(".headerlink"):
        anchor.decompose()
    return element.get_text().strip()


def test_no_page_contains_an_injected_script(site):
    pages = site.pages()
    assert "blog/evil.html" in pages
    for path, text in pages.items():
        # Inside a quoted attribute value `<script>` is inert text; anywhere else it is markup.
        outside_attributes = re.sub(r'="[^"]*"', "", text)
        assert "<script>alert" not in outside_attributes.lower(), path
        soup = BeautifulSoup(text, "html.parser")
        for element in soup.find_all("script"):
            content = element.string or ""
            if "alert(1)" in content:
                # Only as data inside the structured data, where it cannot end the element.
                assert element.get("type") == "application/ld+json", path
        assert not [s for s in soup.find_all("script") if (s.string or "").strip() == "alert(1)"], path


def test_post_page_shows_the_text(site):
    soup = site.html("blog/evil.html")
    assert soup.title.get_text().startswith(TITLE)
    assert [text_of(h1) for h1 in soup.find_all("h1")] == [TITLE]
    assert meta(soup, "og:title") == TITLE
    assert meta(soup, "twitter:title") == TITLE
    assert meta(soup, "description") == EXCERPT
    assert meta(soup, "og:description") == EXCERPT
    assert meta(soup, "article:section") == CATEGORY
    assert meta(soup, "article:tag") == TAG
    assert meta(soup, "og:image:alt") == TITLE
    header = soup.select_one(".kb-post-meta")
    assert header.select_one(".kb-category").get_text() == CATEGORY
    assert header.select_one(".kb-author").get_text() == f"By {AUTHOR}"
    assert header.select_one(".kb-author a")["href"] == AUTHOR_URL
    # The sidebar shows the category's name as text too.
    assert CATEGORY in [nav_label(a) for a in soup.select(".sidebar-tree a")]


def test_listings_show_the_text(site):
    for page in ("index.html", "category/evil.html"):
        soup = site.html(page)
        cards = soup.select(".kb-post-list a")
        assert TITLE in [a.get_text().strip() for a in cards], page
        assert any(EXCERPT in p.get_text() for p in soup.select(".kb-post-list p")), page
    category = site.html("category/evil.html")
    assert [text_of(h1) for h1 in category.find_all("h1")] == [CATEGORY]
    assert meta(category, "og:title") == CATEGORY


def test_structured_data_gives_back_the_exact_text(site):
    raw = (site.outdir / "blog" / "evil.html").read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    body = raw[start : raw.index("</script>", start)]
    assert "</script" not in body.lower()
    assert "<" not in body
    data = json.loads(body)
    posting, crumbs = data["@graph"]
    assert posting["headline"] == TITLE
    assert posting["description"] == EXCERPT
    assert posting["keywords"] == [TAG]
    assert posting["articleSection"] == CATEGORY
    assert posting["author"] == {"@type": "Person", "name": AUTHOR, "url": AUTHOR_URL, "jobTitle": JOB}
    assert [e["name"] for e in crumbs["itemListElement"]] == ["Test KB", CATEGORY, TITLE]
    # The category page's breadcrumbs too.
    category = site.html("category/evil.html").find("script", type="application/ld+json")
    assert [e["name"] for e in json.loads(category.string)["itemListElement"]] == ["Test KB", CATEGORY]


def test_sitemap_parses_and_lists_the_post(site):
    tree = ET.parse(site.outdir / "sitemap.xml")
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"{SITE}blog/evil.html" in locs
    assert f"{SITE}category/evil.html" in locs


def test_search_index_holds_the_text(site):
    pages = pagefind_pages(site.outdir)
    fragment = next(f for f in pages.values() if f["url"].endswith("blog/evil.html"))
    assert fragment["meta"]["title"] == TITLE
    assert fragment["meta"]["description"] == EXCERPT
    assert fragment["filters"]["category"] == [CATEGORY]
    assert fragment["filters"]["tag"] == [TAG]
    # Pagefind keeps page text as text (kb-search.js inserts titles as text nodes, and keeps
    # only <mark> from Pagefind's excerpts): the page's words are in it, as words.
    assert fragment["content"].startswith(TITLE)


def feed_file(site: BuildResult, name: str) -> Path:
    path = site.outdir / name
    if not path.is_file():
        pytest.skip(f"no {name}: this build writes no feeds")
    return path


def test_atom_feeds_keep_the_text(site):
    atom = ET.parse(feed_file(site, "atom.xml")).getroot()
    entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == TITLE)
    assert entry.find(f"{ATOM}title").get("type", "text") == "text"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == AUTHOR
    # The summary is HTML (escaped text), as RSS's description must be: it shows the text.
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    shown = BeautifulSoup(summary.text, "html.parser")
    assert shown.find("script") is None
    assert shown.get_text() == EXCERPT
    assert {c.get("term") for c in entry.iter(f"{ATOM}category")} == {CATEGORY, TAG}

    category_feed = ET.parse(feed_file(site, "category/evil/atom.xml")).getroot()
    assert category_feed.findtext(f"{ATOM}title").startswith(CATEGORY)
    assert [e.findtext(f"{ATOM}title") for e in category_feed.iter(f"{ATOM}entry")] == [TITLE]


def test_rss_feed_keeps_the_title_as_text(site):
    rss = ET.parse(feed_file(site, "rss.xml")).getroot()
    item = next(i for i in rss.iter("item") if i.findtext("title") == TITLE)
    assert {c.text for c in item.iter("category")} == {CATEGORY, TAG}


def test_rss_description_is_html_that_shows_the_excerpt_as_text(site):
    rss = ET.parse(feed_file(site, "rss.xml")).getroot()
    item = next(i for i in rss.iter("item") if i.findtext("title") == TITLE)
    # RSS 2.0's description is HTML: the excerpt must reach readers as text, not as markup.
    description = BeautifulSoup(item.findtext("description"), "html.parser")
    assert description.find("script") is None
    assert description.get_text() == EXCERPT
