"""Post pages: one H1 from front matter, the post header, the body."""

from __future__ import annotations

from conftest import build, meta, write_post


def test_post_has_one_h1_and_no_repeated_heading(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    soup = result.html("blog/outsourced-it-partner.html")
    article = soup.find("article")
    assert [h.get_text(strip=True).rstrip("¶") for h in article.find_all("h1")] == [
        "What to Look for in an Outsourced IT Partner"
    ]
    headings = [h.get_text(strip=True).rstrip("¶") for h in article.find_all(["h2", "h3"])]
    assert headings == ["Factors to consider", "Round-the-clock service"]


def test_post_header_links_category_and_shows_date_and_author(make_project):
    result = build(make_project())
    soup = result.html("blog/outsourced-it-partner.html")
    header = soup.select_one("article .kb-post-meta")
    link = header.select_one("a.kb-category")
    assert link.get_text() == "Managed IT"
    assert link["href"] == "../category/managed-it.html"
    assert header.select_one(".kb-date").get_text() == "May 14, 2024"
    assert header.select_one(".kb-author").get_text() == "By Jane Doe"
    # The header comes right after the title, before the body.
    assert header.find_previous_sibling("h1") is not None


def test_title_with_markup_stays_text(make_project):
    srcdir = make_project()
    write_post(
        srcdir,
        "tricky",
        'title: "\\"<script>alert(1)</script> & *stars*"\nslug: tricky\ncategory: Security\n'
        'excerpt: "An \\"excerpt\\" with <b>tags</b>"',
    )
    result = build(srcdir)
    result.assert_no_warnings()
    soup = result.html("blog/tricky.html")
    assert soup.find("script", string="alert(1)") is None
    assert soup.find("article").find("h1").get_text().rstrip("¶") == '"<script>alert(1)</script> & *stars*'
    assert meta(soup, "og:title") == '"<script>alert(1)</script> & *stars*'
    assert meta(soup, "og:description") == 'An "excerpt" with <b>tags</b>'
    category = result.html("category/security.html")
    assert category.find("script", string="alert(1)") is None
    assert '"<script>alert(1)</script> & *stars*' in category.get_text()


def test_in_page_links_resolve_and_a_missing_anchor_warns_once(make_project):
    src = make_project()
    post = src / "blog/phishing-101.md"
    post.write_text(
        post.read_text(encoding="utf-8")
        + "\n## Spotting it\n\nSee [the section](#spotting-it) and [a missing one](#nowhere).\n",
        encoding="utf-8",
    )
    result = build(src)
    lines = [line for line in result.warnings.splitlines() if "WARNING" in line]
    # MyST's own warning for the missing anchor; nothing from the kb domain.
    assert len(lines) == 1, result.warnings
    assert "'nowhere'" in lines[0] and "[myst.xref_missing]" in lines[0]
    link = result.html("blog/phishing-101.html").find("a", string="the section")
    assert link["href"] == "#spotting-it"
