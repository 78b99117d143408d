"""Structured data: the schema.org JSON-LD of posts, category pages and the home page."""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, ROOTS, BuildResult, build, meta, write_post

from sphinx_kb.outputs.jsonld import script

SITE = "https://kb.test/"
BUILDERS = ["html", "dirhtml"]


def page_file(builder: str, docname: str) -> str:
    if builder == "html":
        return f"{docname}.html"
    return "index.html" if docname == "index" else f"{docname}/index.html"


def url(builder: str, docname: str) -> str:
    if docname == "index":
        return SITE
    return SITE + (f"{docname}.html" if builder == "html" else f"{docname}/")


def blocks(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD block of a page, parsed; each must be in the head."""
    scripts = soup.find_all("script", type="application/ld+json")
    assert all(s.find_parent("head") is not None for s in scripts)
    return [json.loads(s.string) for s in scripts]


def items(soup: BeautifulSoup) -> dict[str, dict]:
    """The page's one JSON-LD block as {@type: item}."""
    found = blocks(soup)
    assert len(found) == 1, found
    data = found[0]
    assert data.pop("@context") == "https://schema.org"
    graph = data.get("@graph", [data])
    types = [item["@type"] for item in graph]
    assert len(set(types)) == len(types)
    return {item["@type"]: item for item in graph}


def crumbs(item: dict) -> list[tuple[int, str, str]]:
    return [(e["position"], e["name"], e["item"]) for e in item["itemListElement"]]


def every_url(value: object) -> list[str]:
    """Every string in the data that looks like a URL or a path."""
    if isinstance(value, dict):
        return [u for key, v in value.items() if key != "@context" for u in every_url(v)]
    if isinstance(value, list):
        return [u for v in value for u in every_url(v)]
    return [value] if isinstance(value, str) and ("/" in value and " " not in value) else []


@pytest.fixture(scope="module", params=BUILDERS)
def site(request, tmp_path_factory) -> tuple[str, BuildResult]:
    srcdir = tmp_path_factory.mktemp(f"jsonld-{request.param}") / "src"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    (srcdir / "authors.yml").write_text(
        "jane:\n  name: Jane Doe\n  title: CTO\n  url: https://jane.example/\n", encoding="utf-8"
    )
    result = build(srcdir, request.param, overrides={"kb_posts_per_page": 1, "language": "en"})
    result.assert_no_warnings()
    return request.param, result


def test_post_is_a_blog_posting(site):
    builder, result = site
    soup = result.html(page_file(builder, "blog/outsourced-it-partner"))
    posting = items(soup)["BlogPosting"]
    post_url = url(builder, "blog/outsourced-it-partner")
    assert posting == {
        "@type": "BlogPosting",
        "headline": "What to Look for in an Outsourced IT Partner",
        "url": post_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": post_url},
        "description": "How to choose an outsourced IT partner.",
        "image": "https://kb.test/blog/outsourced-it-partner.png",
        "datePublished": "2024-05-14",
        "dateModified": "2024-05-14",
        "author": {"@type": "Person", "name": "Jane Doe", "url": "https://jane.example/", "jobTitle": "CTO"},
        "publisher": {"@type": "Organization", "name": "Test KB", "url": SITE},
        "articleSection": "Managed IT",
        "keywords": ["outsourcing", "support"],
        "inLanguage": "en",
    }
    # The same URL and image as the page's canonical link and og:image.
    assert soup.find("link", rel="canonical")["href"] == post_url
    assert meta(soup, "og:image") == posting["image"]


def test_post_without_image_or_author_uses_its_card_and_names_nobody(site):
    builder, result = site
    soup = result.html(page_file(builder, "blog/helpdesk-basics"))
    posting = items(soup)["BlogPosting"]
    assert posting["image"] == meta(soup, "og:image")
    assert posting["image"].startswith("https://kb.test/_kb/cards/helpdesk-basics-")
    assert (posting["datePublished"], posting["dateModified"]) == ("2024-02-01", "2024-08-01")
    assert "author" not in posting
    assert "keywords" not in posting


def test_post_breadcrumbs_go_from_home_through_every_parent_category(site):
    builder, result = site
    soup = result.html(page_file(builder, "blog/backup-rule"))
    graph = items(soup)
    assert set(graph) == {"BlogPosting", "BreadcrumbList"}
    assert crumbs(graph["BreadcrumbList"]) == [
        (1, "Test KB", SITE),
        (2, "Security", url(builder, "category/security")),
        (3, "Backup & Recovery", url(builder, "category/backup")),
        (4, "The 3-2-1 Backup Rule", url(builder, "blog/backup-rule")),
    ]
    assert graph["BlogPosting"]["articleSection"] == "Backup & Recovery"


def test_category_pages_and_their_numbered_pages_have_breadcrumbs(site):
    builder, result = site
    expected = [
        (1, "Test KB", SITE),
        (2, "Security", url(builder, "category/security")),
        (3, "Backup & Recovery", url(builder, "category/backup")),
    ]
    graph = items(result.html(page_file(builder, "category/backup")))
    assert list(graph) == ["BreadcrumbList"]
    assert crumbs(graph["BreadcrumbList"]) == expected
    # Managed IT has two posts, one per page: page 2 sits under the category too.
    for docname in ("category/managed-it", "category/managed-it/page/2"):
        graph = items(result.html(page_file(builder, docname)))
        assert crumbs(graph["BreadcrumbList"]) == [
            (1, "Test KB", SITE),
            (2, "Managed IT", url(builder, "category/managed-it")),
        ]


def test_home_page_is_the_website_with_its_search(site):
    builder, result = site
    website = items(result.html("index.html"))["WebSite"]
    search = SITE + ("search.html" if builder == "html" else "search/")
    assert (result.outdir / page_file(builder, "search")).is_file()
    assert website == {
        "@type": "WebSite",
        "name": "Test KB",
        "url": SITE,
        "description": "A knowledge base for tests.",
        "inLanguage": "en",
        "publisher": {"@type": "Organization", "name": "Test KB", "url": SITE},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def test_every_url_is_absolute_and_other_pages_have_none(site):
    builder, result = site
    seen = 0
    for path in sorted(result.outdir.rglob("*.html")):
        relative = path.relative_to(result.outdir).as_posix()
        found = blocks(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))
        if relative.startswith(("blog/", "category/")) or relative == "index.html":
            if builder == "html" and relative.startswith("blog/") and relative.endswith("/index.html"):
                continue  # the html builder's redirects from the old extensionless URLs
            assert len(found) == 1, relative
            seen += 1
            for value in every_url(found[0]):
                assert value.startswith("https://"), (relative, value)
        else:
            assert found == [], relative
    # Home, 4 category pages (Managed IT's 2, Security, Backup & Recovery), 4 published posts.
    assert seen == 1 + 4 + 4


def test_search_action_only_with_pagefind(make_project):
    srcdir = make_project()
    result = build(srcdir, overrides={"kb_search": "sphinx"})
    result.assert_no_warnings()
    website = items(result.html("index.html"))["WebSite"]
    assert "potentialAction" not in website
    assert website["url"] == SITE


def test_publisher_from_conf_and_html_logo(make_project):
    srcdir = make_project()
    (srcdir / "_static").mkdir()
    (srcdir / "_static" / "brand.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    result = build(srcdir, overrides={"html_logo": "_static/brand.svg"})
    result.assert_no_warnings()
    assert (result.outdir / "_static" / "brand.svg").is_file()
    organization = items(result.html("blog/phishing-101.html"))["BlogPosting"]["publisher"]
    assert organization == {
        "@type": "Organization",
        "name": "Test KB",
        "url": SITE,
        "logo": {"@type": "ImageObject", "url": "https://kb.test/_static/brand.svg"},
    }

    srcdir = make_project("basic", "other")
    publisher = {"name": "ACME Ltd", "url": "https://acme.example/", "logo": "/default.png", "colour": "red"}
    result = build(srcdir, overrides={"kb_publisher": publisher})
    assert "kb_publisher has an unknown key 'colour'" in result.warnings
    assert result.warnings.count("WARNING") == 1
    assert items(result.html("index.html"))["WebSite"]["publisher"] == {
        "@type": "Organization",
        "name": "ACME Ltd",
        "url": "https://acme.example/",
        "logo": {"@type": "ImageObject", "url": "https://kb.test/default.png"},
    }


def test_drafts_in_a_preview_build_get_none(make_project):
    srcdir = make_project()
    result = build(srcdir, overrides={"kb_drafts": True})
    soup = result.html("blog/secret-plans.html")
    assert meta(soup, "robots") == "noindex"
    assert blocks(soup) == []
    assert "BlogPosting" in items(result.html("blog/phishing-101.html"))


def test_without_base_url_no_page_gets_structured_data(make_project):
    srcdir = make_project()
    result = build(srcdir, overrides={"html_baseurl": ""})
    assert "html_baseurl is not set" in result.warnings
    for path in result.outdir.rglob("*.html"):
        assert 'type="application/ld+json"' not in path.read_text(encoding="utf-8"), path


def test_incremental_edit_of_a_post_updates_its_structured_data(make_project, tmp_path):
    srcdir = make_project()
    build(srcdir).assert_no_warnings()
    write_post(
        srcdir,
        "phishing-101",
        'title: "Phishing 201"\nslug: phishing-101\ncategory: Backup & Recovery\nexcerpt: Spot it.\n'
        "date: 2024-07-01\nupdated: 2024-12-24\ntags: [mail]",
    )
    result = build(srcdir)
    result.assert_no_warnings()
    graph = items(result.html("blog/phishing-101.html"))
    assert graph["BlogPosting"]["headline"] == "Phishing 201"
    assert graph["BlogPosting"]["dateModified"] == "2024-12-24"
    assert graph["BlogPosting"]["keywords"] == ["mail"]
    assert [name for _, name, _ in crumbs(graph["BreadcrumbList"])] == [
        "Test KB",
        "Security",
        "Backup & Recovery",
        "Phishing 201",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT >",
        "<!--<script>",
        "a & b > c",
        "line\u2028separator\u2029paragraph",
        'quote " and backslash \\',
    ],
)
def test_script_element_keeps_any_text_as_data(text):
    element = script({"headline": text})
    body = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not any(char in body for char in "<>&\u2028\u2029")
    assert json.loads(body) == {"headline": text}
    parsed = BeautifulSoup(f"<head>{element}</head>", "html.parser").find_all("script")
    assert len(parsed) == 1
    assert json.loads(parsed[0].string) == {"headline": text}


def test_shipped_site_posts_have_their_authors(tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "source", root / "source", ignore=shutil.ignore_patterns("index.md", "category"))
    result = build(root / "source", confdir=root, outdir=root / "_build" / "html")
    result.assert_no_warnings()
    posting = items(result.html("blog/what-is-a-managed-service-provider.html"))["BlogPosting"]
    assert posting["author"] == {
        "@type": "Person",
        "name": "Dana Whitfield",
        "jobTitle": "Managed Services Lead",
    }
    # The draft is not built at all.
    assert not (result.outdir / "blog/zero-trust-roadmap.html").exists()


def test_parallel_build_writes_the_same_structured_data(make_project):
    def structured(result: BuildResult) -> dict[str, list[dict]]:
        return {
            path: blocks(BeautifulSoup(text, "html.parser"))
            for path, text in result.pages().items()
            if "application/ld+json" in text
        }

    serial = build(make_project("basic", "serial"))
    parallel = build(make_project("basic", "parallel"), parallel=2)
    serial.assert_no_warnings()
    parallel.assert_no_warnings()
    assert len(structured(serial)) == 1 + 3 + 4  # home, 3 category pages, 4 published posts
    assert structured(parallel) == structured(serial)
