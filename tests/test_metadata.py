"""Open Graph, Twitter, description, canonical and robots tags of the pages, html and dirhtml."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, BuildResult, build, card_file, meta, write_post

BUILDERS = ["html", "dirhtml"]
SITE = "https://kb.test/"
DEFAULT_IMAGE = "https://kb.test/default.png"

NASTY_TITLE = '"<script>alert(1)</script> &amp; Co'
NASTY_EXCERPT = '"<script>alert(1)</script> &amp; more'
NASTY_AUTHOR = 'A "B" &amp; C'
NASTY_TAGS = ["a&amp;b", "<i>x</i>"]


def page_file(builder: str, docname: str) -> str:
    """The output file of a page (`index` is the home page)."""
    if builder == "html":
        return f"{docname}.html"
    return "index.html" if docname == "index" else f"{docname}/index.html"


def page_url(builder: str, docname: str) -> str:
    if docname == "index":
        return SITE
    return SITE + (f"{docname}.html" if builder == "html" else f"{docname}/")


def canonical(soup: BeautifulSoup) -> str:
    links = soup.find_all("link", rel="canonical")
    assert len(links) == 1, links
    return links[0]["href"]


SOCIAL_KEYS = ("og:", "twitter:", "article:", "description", "robots", "author")


def assert_no_repeated_meta(soup: BeautifulSoup) -> None:
    """Every social/search meta key is written once (article:tag once per tag: callers check it)."""
    keys = Counter(m.get("property") or m.get("name") for m in soup.find_all("meta"))
    repeated = [k for k, n in keys.items() if n > 1 and k != "article:tag" and k.startswith(SOCIAL_KEYS)]
    assert repeated == []


def tags(soup: BeautifulSoup) -> list[str]:
    return [m["content"] for m in soup.find_all("meta", attrs={"property": "article:tag"})]


def copy_basic(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    srcdir = tmp_path_factory.mktemp(name) / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    return srcdir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, BuildResult]:
    """The basic project plus posts that exercise each metadata rule, built once per builder."""
    srcdir = copy_basic(tmp_path_factory, "metadata")
    write_post(
        srcdir,
        "tricky",
        f"title: {json.dumps(NASTY_TITLE)}\nslug: tricky\ncategory: Security\n"
        f"excerpt: {json.dumps(NASTY_EXCERPT)}\nauthor: {json.dumps(NASTY_AUTHOR)}\n"
        f"tags: {json.dumps(NASTY_TAGS)}\ndate: 2024-03-01\nupdated: 2024-04-02",
    )
    write_post(
        srcdir,
        "described",
        'title: "Described"\nslug: described\ncategory: Security\nexcerpt: "The excerpt."\n'
        'description: "The description."\ndate: 2024-01-15',
    )
    write_post(
        srcdir,
        "aliased",
        'title: "Aliased"\nslug: aliased\ncategory: Security\nexcerpt: "The excerpt."\n'
        'metaDescription: "The meta description."\ndate: 2024-01-16',
    )
    write_post(
        srcdir,
        "remote-image",
        'title: "Remote Image"\nslug: remote-image\ncategory: Security\nexcerpt: "Remote."\n'
        'ogImage: "https://cdn.example.com/img/remote.png?v=1&size=large"\ndate: 2024-01-17',
    )
    (srcdir / "public" / "img").mkdir()
    shutil.copy(srcdir / "public" / "default.png", srcdir / "public" / "img" / "team photo.png")
    write_post(
        srcdir,
        "spaced-image",
        'title: "Spaced Image"\nslug: spaced-image\ncategory: Security\nexcerpt: "Spaced."\n'
        'ogImage: "/img/team photo.png"\ndate: 2024-01-18',
    )
    write_post(
        srcdir,
        "comma-tags",
        'title: "Comma Tags"\nslug: comma-tags\ncategory: Security\nexcerpt: "Tags as text."\n'
        'tags: "backup, cloud, backup"\ndate: 2024-01-19',
    )
    return {builder: build(srcdir, builder) for builder in BUILDERS}


@pytest.mark.parametrize("builder", BUILDERS)
def test_builds_without_warnings(site, builder):
    site[builder].assert_no_warnings()
    assert site[builder].statuscode == 0


@pytest.mark.parametrize("builder", BUILDERS)
def test_post_with_own_image_has_every_tag(site, builder):
    result = site[builder]
    soup = result.html(page_file(builder, "blog/outsourced-it-partner"))
    url = page_url(builder, "blog/outsourced-it-partner")
    assert url == (
        "https://kb.test/blog/outsourced-it-partner.html"
        if builder == "html"
        else "https://kb.test/blog/outsourced-it-partner/"
    )
    title = "What to Look for in an Outsourced IT Partner"
    excerpt = "How to choose an outsourced IT partner."
    image = "https://kb.test/blog/outsourced-it-partner.png"
    assert meta(soup, "og:title") == title
    assert meta(soup, "og:description") == excerpt
    assert meta(soup, "description") == excerpt
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "article:published_time") == "2024-05-14"
    assert meta(soup, "article:modified_time") == "2024-05-14"
    assert meta(soup, "article:section") == "Managed IT"
    assert tags(soup) == ["outsourcing", "support"]
    assert meta(soup, "og:url") == url
    assert canonical(soup) == url
    assert meta(soup, "og:image") == image
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:title") == title
    assert meta(soup, "twitter:description") == excerpt
    assert meta(soup, "twitter:image") == image
    assert meta(soup, "robots") is None
    assert_no_repeated_meta(soup)
    # The image is published at the URL the tags give.
    written = result.outdir / "blog" / "outsourced-it-partner.png"
    assert written.read_bytes() == (result.srcdir / "public/blog/outsourced-it-partner.png").read_bytes()


@pytest.mark.parametrize("builder", BUILDERS)
def test_post_without_image_gets_a_social_card_and_updated_date(site, builder):
    result = site[builder]
    soup = result.html(page_file(builder, "blog/helpdesk-basics"))
    url = page_url(builder, "blog/helpdesk-basics")
    assert meta(soup, "og:title") == "Helpdesk Basics"
    assert meta(soup, "og:type") == "article"
    assert meta(soup, "article:published_time") == "2024-02-01"
    assert meta(soup, "article:modified_time") == "2024-08-01"
    assert meta(soup, "article:section") == "Managed IT"
    assert tags(soup) == []
    assert meta(soup, "og:url") == url == canonical(soup)
    card = card_file(result, soup, "helpdesk-basics")
    assert card.parent == result.outdir / "_kb" / "cards"
    assert meta(soup, "og:image:alt") == "Helpdesk Basics"
    assert_no_repeated_meta(soup)


@pytest.mark.parametrize("builder", BUILDERS)
def test_only_posts_without_their_own_image_get_cards(site, builder):
    result = site[builder]
    # Every post without an image (outsourced-it-partner, remote-image and spaced-image have
    # one) has exactly one card, and nothing else is in the cards folder.
    names = sorted(p.name for p in (result.outdir / "_kb" / "cards").iterdir())
    assert [name[: -len("-0123456789ab.png")] for name in names] == [
        "aliased",
        "backup-rule",
        "comma-tags",
        "described",
        "helpdesk-basics",
        "phishing-101",
        "tricky",
    ]
    for docname in ("blog/outsourced-it-partner", "index", "category/security"):
        soup = result.html(page_file(builder, docname))
        assert meta(soup, "og:image:width") is None, docname
        assert meta(soup, "og:image:height") is None, docname
        assert "_kb/cards" not in meta(soup, "og:image"), docname


@pytest.mark.parametrize("builder", BUILDERS)
def test_without_social_cards_a_post_without_image_uses_the_default(make_project, builder):
    result = build(make_project(), builder, overrides={"kb_social_cards": False})
    result.assert_no_warnings()
    soup = result.html(page_file(builder, "blog/helpdesk-basics"))
    assert meta(soup, "og:image") == DEFAULT_IMAGE
    assert meta(soup, "twitter:image") == DEFAULT_IMAGE
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "og:image:width") is None
    assert meta(soup, "og:image:height") is None
    assert (result.outdir / "default.png").read_bytes() == (result.srcdir / "public/default.png").read_bytes()
    assert not (result.outdir / "_kb" / "cards").exists()
    assert_no_repeated_meta(soup)


@pytest.mark.parametrize("builder", BUILDERS)
def test_section_is_the_category_name(site, builder):
    soup = site[builder].html(page_file(builder, "blog/backup-rule"))
    assert meta(soup, "article:section") == "Backup & Recovery"


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize(
    ("slug", "description"), [("described", "The description."), ("aliased", "The meta description.")]
)
def test_description_overrides_excerpt(site, builder, slug, description):
    soup = site[builder].html(page_file(builder, f"blog/{slug}"))
    assert meta(soup, "description") == description
    assert meta(soup, "og:description") == description
    assert meta(soup, "twitter:description") == description
    assert_no_repeated_meta(soup)


@pytest.mark.parametrize("builder", BUILDERS)
def test_https_image_is_used_as_is(site, builder):
    soup = site[builder].html(page_file(builder, "blog/remote-image"))
    image = "https://cdn.example.com/img/remote.png?v=1&size=large"
    assert meta(soup, "og:image") == image
    assert meta(soup, "twitter:image") == image
    assert meta(soup, "twitter:card") == "summary_large_image"


@pytest.mark.parametrize("builder", BUILDERS)
def test_image_path_with_space_is_an_absolute_url(site, builder):
    result = site[builder]
    soup = result.html(page_file(builder, "blog/spaced-image"))
    assert meta(soup, "og:image") == "https://kb.test/img/team%20photo.png"
    assert meta(soup, "twitter:image") == "https://kb.test/img/team%20photo.png"
    assert (result.outdir / "img" / "team photo.png").is_file()


def test_comma_separated_tags_are_each_written_once(site):
    soup = site["html"].html("blog/comma-tags.html")
    assert tags(soup) == ["backup", "cloud"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_home_page(site, builder):
    soup = site[builder].html(page_file(builder, "index"))
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:url") == "https://kb.test/"
    assert canonical(soup) == "https://kb.test/"
    assert meta(soup, "og:description") == "A knowledge base for tests."
    assert meta(soup, "description") == "A knowledge base for tests."
    assert meta(soup, "og:image") == DEFAULT_IMAGE
    assert meta(soup, "article:section") is None
    assert meta(soup, "robots") is None
    assert_no_repeated_meta(soup)


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize(
    ("slug", "name", "description"),
    [
        ("managed-it", "Managed IT", "Everything about managed services."),
        ("security", "Security", "Staying safe."),
        ("backup", "Backup & Recovery", "Copies of your data."),
    ],
)
def test_category_page(site, builder, slug, name, description):
    soup = site[builder].html(page_file(builder, f"category/{slug}"))
    url = page_url(builder, f"category/{slug}")
    assert meta(soup, "og:title") == name
    assert meta(soup, "twitter:title") == name
    assert meta(soup, "og:description") == description
    assert meta(soup, "description") == description
    assert meta(soup, "twitter:description") == description
    assert meta(soup, "og:type") == "website"
    assert meta(soup, "og:url") == url
    assert canonical(soup) == url
    assert meta(soup, "og:image") == DEFAULT_IMAGE
    assert meta(soup, "article:section") is None
    assert meta(soup, "article:published_time") is None
    assert_no_repeated_meta(soup)


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_value_is_escaped(site, builder):
    result = site[builder]
    path = page_file(builder, "blog/tricky")
    soup = result.html(path)
    for key in ("og:title", "twitter:title", "og:image:alt"):
        assert meta(soup, key) == NASTY_TITLE, key
    for key in ("og:description", "description", "twitter:description"):
        assert meta(soup, key) == NASTY_EXCERPT, key
    assert meta(soup, "author") == NASTY_AUTHOR
    assert tags(soup) == NASTY_TAGS
    assert meta(soup, "article:published_time") == "2024-03-01"
    assert meta(soup, "article:modified_time") == "2024-04-02"
    assert_no_repeated_meta(soup)
    for page in (path, page_file(builder, "index"), page_file(builder, "category/security")):
        assert "<script>alert" not in (result.outdir / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize("social_cards", [True, False])
def test_missing_image_falls_back_with_a_warning(make_project, social_cards):
    srcdir = make_project()
    write_post(
        srcdir,
        "no-picture",
        'title: "No Picture"\nslug: no-picture\ncategory: Security\nexcerpt: "Lost image."\n'
        'ogImage: "/images/missing.png"\ndate: 2024-02-02',
    )
    result = build(srcdir, overrides={"kb_social_cards": social_cards})
    lines = result.warnings.splitlines()
    assert len(lines) == 1, result.warnings
    assert "no-picture.md" in lines[0]
    assert "missing.png" in lines[0]
    assert "[kb.og-image]" in lines[0]
    # It says what the post shows instead.
    used = "a social card" if social_cards else "the site's default image"
    assert "ogImage file public/images/missing.png does not exist; " + used + " is used instead" in lines[0]
    soup = result.html("blog/no-picture.html")
    if social_cards:
        card_file(result, soup, "no-picture")
    else:
        assert meta(soup, "og:image") == DEFAULT_IMAGE
        assert meta(soup, "twitter:image") == DEFAULT_IMAGE
        assert meta(soup, "twitter:card") == "summary_large_image"
    assert not (result.outdir / "images" / "missing.png").exists()


def test_without_any_image_the_card_is_a_summary(make_project):
    result = build(make_project(), overrides={"kb_default_image": "", "kb_social_cards": False})
    result.assert_no_warnings()
    soup = result.html("blog/helpdesk-basics.html")
    assert meta(soup, "og:image") is None
    assert meta(soup, "twitter:image") is None
    assert meta(soup, "twitter:card") == "summary"
    # A post's own image does not depend on the default.
    own = result.html("blog/outsourced-it-partner.html")
    assert meta(own, "og:image") == "https://kb.test/blog/outsourced-it-partner.png"
    assert meta(own, "twitter:card") == "summary_large_image"


def test_without_a_default_image_posts_still_get_cards(make_project):
    result = build(make_project(), overrides={"kb_default_image": ""})
    result.assert_no_warnings()
    card_file(result, result.html("blog/helpdesk-basics.html"), "helpdesk-basics")
    for page in ("index.html", "category/managed-it.html"):
        soup = result.html(page)
        assert meta(soup, "og:image") is None, page
        assert meta(soup, "twitter:card") == "summary", page


@pytest.mark.parametrize("builder", BUILDERS)
def test_drafts_in_preview_are_noindex(make_project, builder):
    result = build(make_project(), builder, overrides={"kb_drafts": True})
    result.assert_no_warnings()
    draft = result.html(page_file(builder, "blog/secret-plans"))
    assert meta(draft, "robots") == "noindex"
    assert meta(draft, "og:title") == "Secret Plans"
    assert meta(draft, "og:url") == page_url(builder, "blog/secret-plans") == canonical(draft)
    for docname in ("blog/phishing-101", "index", "category/security"):
        assert meta(result.html(page_file(builder, docname)), "robots") is None, docname


def test_canonical_has_no_language_prefix(make_project):
    srcdir = make_project()
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('language = "en"\n')
    result = build(srcdir)
    result.assert_no_warnings()
    soup = result.html("blog/phishing-101.html")
    assert canonical(soup) == "https://kb.test/blog/phishing-101.html"
    assert meta(soup, "og:url") == "https://kb.test/blog/phishing-101.html"
