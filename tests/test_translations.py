"""Translated articles (issue #17): `blog/<slug>.<language>.md` beside the original, published
at `<language>/blog/<slug>.html` with its language, hreflang alternates in the page and the
sitemap, a language switcher, and the problems a writer can make, reported with file and line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, ROOTS, build, meta, serve, write_post

from sphinx_kb import cli

LANGUAGES = {"kb_languages": ["en", "de", "fr"]}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def add_translations(src: Path) -> None:
    write_post(
        src,
        "backup-rule.de",
        'title: "Die 3-2-1-Backup-Regel"\nexcerpt: "Drei Kopien, zwei Medien, eine außer Haus."\n'
        "date: 2024-09-10\ntags: [Datensicherung]",
        "Behalten Sie drei Sicherungskopien.\n",
    )
    write_post(
        src,
        "backup-rule.fr",
        'title: "La règle de sauvegarde 3-2-1"\nexcerpt: "Trois copies, deux supports, une hors site."\n'
        "date: 2024-09-12",
        "Gardez trois copies de sauvegarde.\n",
    )
    # Only in German: published in German alone, with its own category.
    write_post(
        src,
        "nur-deutsch.de",
        'title: "Nur auf Deutsch"\ncategory: Security\nexcerpt: "Ein Artikel ohne Original."\n'
        "date: 2024-10-01",
        "Dieser Artikel existiert nur auf Deutsch.\n",
    )
    # A draft translation stays out, like a draft post.
    write_post(
        src, "phishing-101.de", 'title: "Phishing 101"\nexcerpt: "Entwurf."\nstatus: draft', "Entwurf.\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    src = tmp_path_factory.mktemp("translations") / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    add_translations(src)
    categories = src / "categories.yml"
    categories.write_text(
        categories.read_text(encoding="utf-8").replace(
            "- name: Security\n", "- name: Security\n  translations:\n    de: {name: Sicherheit}\n"
        ),
        encoding="utf-8",
    )
    shutil.copy(REPO / "source" / "_static" / "favicon.svg", src / "favicon.svg")
    result = build(src, overrides={**LANGUAGES, "html_favicon": "favicon.svg"})
    result.assert_no_warnings()
    return result


def alternates(soup: BeautifulSoup) -> set[tuple[str, str]]:
    return {
        (link["hreflang"], link["href"]) for link in soup.find_all("link", rel="alternate", hreflang=True)
    }


def page_of(result, url: str) -> BeautifulSoup:
    return result.html(urlsplit(url).path.lstrip("/"))


TRANSLATED = ["blog/backup-rule.html", "de/blog/backup-rule.html", "fr/blog/backup-rule.html"]


def test_a_translation_is_published_under_its_language(site):
    out = site.outdir
    for path in [*TRANSLATED, "de/blog/nur-deutsch.html"]:
        assert (out / path).is_file(), path
    assert not (out / "blog/backup-rule.de.html").exists()
    assert not (out / "de/blog/phishing-101.html").exists()  # a draft
    german = site.html("de/blog/backup-rule.html")
    assert german.html["lang"] == "de"
    assert german.select_one("article h1").get_text(strip=True).rstrip("¶") == "Die 3-2-1-Backup-Regel"
    # What it leaves out comes from the original: the category.
    assert "Backup & Recovery" in german.select_one(".kb-post-meta").get_text()
    assert "Min. Lesezeit" in german.select_one(".kb-post-meta").get_text()
    assert "Lecture" in site.html("fr/blog/backup-rule.html").select_one(".kb-post-meta").get_text().title()
    # furo's own words follow the page's language too (sphinx-kb's catalogs have them).
    assert german.select_one(".back-to-top").get_text(strip=True) == "Nach oben"
    assert german.select_one("symbol#svg-sun title").get_text() == "Heller Modus"
    assert site.html("blog/backup-rule.html").select_one("symbol#svg-sun title").get_text() == "Light mode"
    assert site.html("blog/backup-rule.html").select_one(".back-to-top").get_text(strip=True) == "Back to top"
    assert site.html("blog/backup-rule.html").html["lang"] == "en"
    assert german.find("link", rel="canonical")["href"] == "https://kb.test/de/blog/backup-rule.html"
    assert meta(german, "og:locale") == "de_DE"
    assert meta(german, "og:url") == "https://kb.test/de/blog/backup-rule.html"
    posting = [
        item
        for script in german.select('script[type="application/ld+json"]')
        for item in json.loads(script.string).get("@graph", [json.loads(script.string)])
        if item.get("@type") == "BlogPosting"
    ]
    assert posting and posting[0]["inLanguage"] == "de"
    assert posting[0]["url"] == "https://kb.test/de/blog/backup-rule.html"


def test_hreflang_links_are_reciprocal_and_name_every_version_and_x_default(site):
    expected = {
        ("en", "https://kb.test/blog/backup-rule.html"),
        ("de", "https://kb.test/de/blog/backup-rule.html"),
        ("fr", "https://kb.test/fr/blog/backup-rule.html"),
        ("x-default", "https://kb.test/blog/backup-rule.html"),
    }
    for path in TRANSLATED:
        page = site.html(path)
        found = alternates(page)
        assert found == expected, path
        # Each version it names names it back.
        for _language, url in found - {("x-default", "https://kb.test/blog/backup-rule.html")}:
            assert (page.html["lang"], f"https://kb.test/{path}") in alternates(page_of(site, url)), url
    english = site.html("blog/backup-rule.html")
    assert {m["content"] for m in english.find_all("meta", property="og:locale:alternate")} == {
        "de_DE",
        "fr_FR",
    }
    # Untranslated articles, a translation without an original, a category with no translated
    # article: none.
    for path in ["blog/helpdesk-basics.html", "de/blog/nur-deutsch.html", "category/managed-it.html"]:
        assert alternates(site.html(path)) == set(), path


@pytest.mark.parametrize(
    ("paths", "x_default"),
    [
        (["index.html", "de/index.html", "fr/index.html"], "https://kb.test/"),
        (
            ["category/security.html", "de/category/security.html", "fr/category/security.html"],
            "https://kb.test/category/security.html",
        ),
        (["tags.html", "de/tags.html", "fr/tags.html"], "https://kb.test/tags.html"),
    ],
)
def test_home_category_and_tag_index_pages_name_their_versions(site, paths, x_default):
    urls = {"en": x_default, **{p.split("/")[0]: f"https://kb.test/{p}" for p in paths[1:]}}
    expected = {*urls.items(), ("x-default", x_default)}
    for path in paths:
        assert alternates(site.html(path)) == expected, path


def test_each_language_has_its_own_home_category_tag_and_archive_pages(site):
    home = site.html("de/index.html")
    assert home.html["lang"] == "de"
    assert meta(home, "og:locale") == "de_DE"
    # Only German articles, linked to their German pages; categories by their German names.
    cards = [a.get_text() for a in home.select(".kb-post-card-title a")]
    assert cards == ["Nur auf Deutsch", "Die 3-2-1-Backup-Regel"]
    assert {a["href"] for a in home.select(".kb-post-card-title a")} == {
        "blog/nur-deutsch.html",
        "blog/backup-rule.html",
    }
    categories = [a.get_text() for a in home.select(".kb-category-card-title a")]
    assert categories == ["Sicherheit"]
    assert home.select_one(".kb-category-card-title .kb-count").get_text() == "2 Artikel"
    assert "Neueste Artikel" in home.get_text()
    security = site.html("de/category/security.html")
    assert security.select_one("article h1").get_text(strip=True).rstrip("¶") == "Sicherheit"
    assert [a.get_text() for a in security.select(".kb-post-card-title a")] == ["Nur auf Deutsch"]
    assert [a["href"] for a in security.select(".kb-category-card-title a")] == ["backup.html"]
    # Tags: the German article's tags lead to German tag pages, listing German articles.
    german = site.html("de/blog/backup-rule.html")
    assert [a["href"] for a in german.select(".kb-post-tags a")] == ["../tag/datensicherung.html"]
    tag = site.html("de/tag/datensicherung.html")
    assert [a.get_text() for a in tag.select(".kb-post-card-title a")] == ["Die 3-2-1-Backup-Regel"]
    assert "Datensicherung" in [a.get_text() for a in site.html("de/tags.html").select(".kb-tag a")]
    archive = site.html("de/archive.html")
    assert [a.get_text() for a in archive.select(".kb-archive-entry a:not(.kb-category a)")][:2] == [
        "Nur auf Deutsch",
        "Die 3-2-1-Backup-Regel",
    ]
    assert "Oktober 2024" in archive.get_text()
    # The site language's pages list none of them, and no page is made for a draft's language
    # alone (fr has one published article, so it has pages; en keeps its own).
    assert "Nur auf Deutsch" not in site.html("category/security.html").get_text()
    assert [a.get_text() for a in site.html("fr/index.html").select(".kb-post-card-title a")] == [
        "La règle de sauvegarde 3-2-1"
    ]


def test_a_german_page_leads_around_the_german_site(site):
    german = site.html("de/blog/backup-rule.html")
    # Breadcrumbs: the German home, then the German category pages.
    crumbs = [(a.get_text(), a["href"]) for a in german.select(".kb-breadcrumbs a")]
    assert crumbs == [
        ("Startseite", "../index.html"),
        ("Sicherheit", "../category/security.html"),
        ("Backup & Recovery", "../category/backup.html"),
    ]
    # The sidebar: German category pages only, with German counts.
    tree = [a["href"] for a in german.select(".sidebar-tree a")]
    assert "../category/security.html" in tree and "../category/backup.html" in tree
    assert not any("managed-it" in href for href in tree)
    assert german.select_one(".kb-post-meta a.kb-category")["href"] == "../category/backup.html"
    # furo's Previous / Next: the German pages in the German tree's order (home, categories,
    # each category's subcategories, then its articles).
    assert german.select_one("a.prev-page")["href"] == "../category/backup.html"
    assert german.select_one("a.next-page")["href"] == "nur-deutsch.html"
    assert "Nur auf Deutsch" in german.select_one("a.next-page").get_text()
    assert site.html("de/index.html").select_one("a.next-page")["href"] == "category/security.html"
    # Search from a German page opens the German search page, which searches in German.
    assert german.select_one("form.sidebar-search-container")["action"] == "../search.html"
    search = site.html("de/search.html")
    assert search.html["lang"] == "de"
    assert search.select_one("h1").get_text(strip=True) == "Suche"
    assert [a.get_text() for a in search.select(".kb-search-help a")][:1] == ["Sicherheit"]
    # Every link of the German pages resolves.
    for path in ["de/index.html", "de/category/security.html", "de/blog/backup-rule.html", "de/tags.html"]:
        page = site.html(path)
        for link in page.select("article a[href], .sidebar-tree a[href], .kb-breadcrumbs a[href]"):
            href = link["href"].partition("#")[0]
            if not href or "://" in href:
                continue
            target = urlsplit(urljoin(f"https://kb.test/{path}", href)).path.lstrip("/") or "index.html"
            assert (site.outdir / target).is_file(), (path, href)


def test_the_sitemap_lists_each_language_s_home_and_category_pages(site):
    from xml.etree import ElementTree

    root = ElementTree.parse(site.outdir / "sitemap.xml").getroot()
    listed = {
        url.findtext(f"{SITEMAP}loc"): {
            (link.get("hreflang"), link.get("href")) for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    for path in ["de/index.html", "de/category/security.html", "de/category/backup.html", "fr/index.html"]:
        assert listed[f"https://kb.test/{path}"] == alternates(site.html(path)), path
    assert listed["https://kb.test/"] == alternates(site.html("index.html"))
    # Tag and archive pages stay out, as in the site's language.
    assert not any("/tag/" in url or "archive" in url for url in listed)


def test_the_sitemap_lists_each_version_with_the_same_alternates_as_its_page(site):
    from xml.etree import ElementTree

    root = ElementTree.parse(site.outdir / "sitemap.xml").getroot()
    listed = {}
    for url in root.iter(f"{SITEMAP}url"):
        loc = url.findtext(f"{SITEMAP}loc")
        listed[loc] = {(link.get("hreflang"), link.get("href")) for link in url.iter(f"{XHTML}link")}
    for path in TRANSLATED:
        url = f"https://kb.test/{path}"
        assert listed[url] == alternates(site.html(path)), path
    assert "https://kb.test/de/blog/nur-deutsch.html" in listed
    assert "https://kb.test/de/blog/phishing-101.html" not in listed
    assert listed["https://kb.test/blog/helpdesk-basics.html"] == set()


def test_the_language_switcher_leads_to_each_other_version(site):
    for path in TRANSLATED:
        page = site.html(path)
        links = page.select(".kb-languages a.kb-language")
        assert len(links) == 2, path
        for link in links:
            target = urljoin(f"https://kb.test/{path}", link["href"])
            assert (site.outdir / urlsplit(target).path.lstrip("/")).is_file(), target
            assert link["lang"] == link["hreflang"]
            assert page_of(site, target).html["lang"] == link["hreflang"]
    german = site.html("de/blog/backup-rule.html").select_one(".kb-languages")
    assert german.get_text(" ", strip=True) == "Auch auf: English · Français"
    # Every page has one: an article without a translation leads to each language's home page.
    untranslated = site.html("blog/helpdesk-basics.html").select_one(".kb-languages")
    assert untranslated.get_text(" ", strip=True) == "Other languages: Deutsch · Français"
    assert [a["href"] for a in untranslated.select("a")] == ["../de/index.html", "../fr/index.html"]
    only_german = site.html("de/blog/nur-deutsch.html").select_one(".kb-languages")
    assert only_german.get_text(" ", strip=True) == "Andere Sprachen: English · Français"
    assert [a["href"] for a in only_german.select("a")] == ["../../index.html", "../../fr/index.html"]
    home = site.html("de/index.html").select_one(".kb-languages")
    assert [a["href"] for a in home.select("a")] == ["../index.html", "../fr/index.html"]


def test_each_language_has_its_feeds_holding_only_its_articles(site):
    import feedparser

    out = site.outdir
    atom = (out / "de/atom.xml").read_text(encoding="utf-8")
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">' in atom
    assert "<id>https://kb.test/de/</id>" in atom
    german = feedparser.parse(atom.encode())
    assert [e.title for e in german.entries] == ["Nur auf Deutsch", "Die 3-2-1-Backup-Regel"]
    assert {e.link for e in german.entries} == {
        "https://kb.test/de/blog/nur-deutsch.html",
        "https://kb.test/de/blog/backup-rule.html",
    }
    rss = feedparser.parse((out / "de/rss.xml").read_bytes())
    assert rss.feed.language == "de"
    assert [e.title for e in rss.entries] == ["Nur auf Deutsch", "Die 3-2-1-Backup-Regel"]
    assert "Die neuesten Artikel von Test KB." in (out / "de/rss.xml").read_text(encoding="utf-8")
    french = feedparser.parse((out / "fr/atom.xml").read_bytes())
    assert [e.title for e in french.entries] == ["La règle de sauvegarde 3-2-1"]
    # Per category, with its subcategories, as in the site's language.
    security = feedparser.parse((out / "de/category/security/atom.xml").read_bytes())
    assert [e.title for e in security.entries] == ["Nur auf Deutsch", "Die 3-2-1-Backup-Regel"]
    backup = feedparser.parse((out / "de/category/backup/atom.xml").read_bytes())
    assert [e.title for e in backup.entries] == ["Die 3-2-1-Backup-Regel"]
    assert not (out / "de/category/managed-it/atom.xml").exists()  # no German article there
    assert not (out / "fr/category/security/rss.xml").exists() or "La règle" in (
        out / "fr/category/security/rss.xml"
    ).read_text(encoding="utf-8")
    # A German page leads to the German feed.
    links = site.html("de/blog/backup-rule.html").find_all(
        "link", rel="alternate", type="application/atom+xml"
    )
    assert [link["href"] for link in links] == ["https://kb.test/de/atom.xml"]


def test_feeds_and_listings_of_the_site_language_hold_no_translation(site):
    atom = (site.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "Die 3-2-1-Backup-Regel" not in atom and "Nur auf Deutsch" not in atom
    assert "The 3-2-1 Backup Rule" in atom
    home = site.html("index.html").get_text()
    assert "Die 3-2-1-Backup-Regel" not in home


def test_translation_problems_are_reported_with_file_and_line(make_project):
    src = make_project()
    write_post(src, "helpdesk-basics.it", 'title: "Helpdesk"\nexcerpt: "x"')
    write_post(src, "backup-rule.en", 'title: "Backup"\nexcerpt: "x"')
    write_post(src, "lonely.de", 'title: "Allein"\nexcerpt: "x"')
    write_post(src, "backup-rule.de", 'title: "Regel"\nslug: backup\nexcerpt: "x"')
    result = build(src, overrides=LANGUAGES)
    warnings = result.warnings
    assert "helpdesk-basics.it.md:1: ERROR: `helpdesk-basics.it.md` is a translation into `it`" in warnings
    assert 'add "it" to kb_languages in conf.py' in warnings
    assert "backup-rule.en.md:1: ERROR: `backup-rule.en.md` is in the site's language (`en`)" in warnings
    assert (
        "lonely.de.md:1: ERROR: `category` is required: there is no `lonely.md` to take it from" in warnings
    )
    assert (
        "backup-rule.de.md:3: ERROR: slug `backup` does not match the file name `backup-rule.de.md`"
        in warnings
    )
    assert "rename the file to `backup.de.md`" in warnings
    for path in ["it/blog/helpdesk-basics.html", "blog/helpdesk-basics.it.html", "de/blog/lonely.html"]:
        assert not (result.outdir / path).exists(), path
    # The originals are untouched.
    assert (result.outdir / "blog/backup-rule.html").is_file()


def test_a_site_in_one_language_is_unchanged_and_calls_a_translation_an_error(make_project):
    src = make_project()
    result = build(src)
    page = result.html("blog/backup-rule.html")
    assert page.find("meta", property="og:locale") is None and alternates(page) == set()
    assert page.select_one(".kb-languages") is None
    write_post(src, "backup-rule.de", 'title: "Regel"\nexcerpt: "x"')
    result = build(src)
    assert (
        "is a translation into `de`, which the site does not declare (its languages: en)" in result.warnings
    )


def test_adding_a_translation_rewrites_its_versions_and_nothing_else(make_project):
    src = make_project()
    # German and French pages exist already: the first translation into a language adds a link
    # to every page's language switcher, so every page is rewritten then (tested below).
    write_post(src, "helpdesk-basics.de", 'title: "Helpdesk-Grundlagen"\nexcerpt: "Hilfe."')
    write_post(src, "helpdesk-basics.fr", 'title: "Les bases du support"\nexcerpt: "Aide."')
    first = build(src, overrides=LANGUAGES)
    first.assert_no_warnings()
    out = first.outdir
    times = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    time.sleep(0.01)
    write_post(src, "backup-rule.de", 'title: "Die Regel"\nexcerpt: "Drei Kopien."\ndate: 2024-09-10')
    second = build(src, overrides=LANGUAGES)
    second.assert_no_warnings()
    rewritten = {str(p.relative_to(out)) for p, t in times.items() if p.stat().st_mtime_ns != t}
    assert "blog/backup-rule.html" in rewritten  # its switcher and alternates name the translation
    assert (out / "de/blog/backup-rule.html").is_file()
    # Its category gets a German page, which the English category page names.
    assert {"category/backup.html", "category/security.html", "de/index.html"} <= rewritten
    assert not {"blog/phishing-101.html", "blog/helpdesk-basics.html", "category/managed-it.html"} & rewritten
    assert ("de", "https://kb.test/de/blog/backup-rule.html") in alternates(
        second.html("blog/backup-rule.html")
    )
    # Removed again: the original loses the alternates, the page goes.
    (src / "blog/backup-rule.de.md").unlink()
    third = build(src, overrides=LANGUAGES)
    assert alternates(third.html("blog/backup-rule.html")) == set()
    assert not (out / "de/blog/backup-rule.html").exists()
    assert not (src / "de/category/backup.md").exists()  # its German category page went too


def test_a_language_without_published_articles_has_no_pages(make_project):
    src = make_project()
    write_post(src, "backup-rule.de", 'title: "Die Regel"\nexcerpt: "Drei Kopien."\ndate: 2024-09-10')
    first = build(src, overrides=LANGUAGES)
    first.assert_no_warnings()
    assert (src / "de/index.md").is_file() and (first.outdir / "de/index.html").is_file()
    assert (first.outdir / "de/search.html").is_file()
    assert not (src / "fr").exists()  # no French article: no French pages, no switcher link
    assert [a.get_text() for a in first.html("index.html").select(".kb-languages a")] == ["Deutsch"]
    (src / "blog/backup-rule.de.md").unlink()
    second = build(src, overrides=LANGUAGES)
    second.assert_no_warnings()
    assert not list((src / "de").rglob("*.md")) if (src / "de").exists() else True
    assert second.html("index.html").select_one(".kb-languages") is None
    # Its search page, which no document stands behind, goes too.
    assert not (second.outdir / "de/search.html").exists()


def test_a_tag_or_category_called_like_the_home_page_keeps_its_page(make_project):
    src = make_project()
    write_post(
        src, "index-post", 'title: "Indexing"\nslug: index-post\ncategory: Index\nexcerpt: "x"\ntags: [index]'
    )
    (src / "categories.yml").write_text(
        (src / "categories.yml").read_text(encoding="utf-8") + "- name: Index\n  description: Lists.\n",
        encoding="utf-8",
    )
    for overrides in ({}, LANGUAGES):
        result = build(src, overrides=overrides)
        result.assert_no_warnings()
        assert (result.outdir / "tag/index.html").is_file() and (
            result.outdir / "category/index.html"
        ).is_file()


def test_a_folder_named_like_a_language_without_pages_is_an_ordinary_folder(make_project):
    src = make_project()
    (src / "de").mkdir()
    (src / "de/impressum.md").write_text("---\norphan: true\n---\n# Impressum\n\nText.\n", encoding="utf-8")
    result = build(src, overrides=LANGUAGES)
    result.assert_no_warnings()
    page = result.html("de/impressum.html")
    assert page.html["lang"] == "en"  # German has no pages: nothing of a German site to lead to
    for link in page.select(".kb-breadcrumbs a, .sidebar-tree a, form.sidebar-search-container"):
        href = (link.get("href") or link.get("action")).partition("#")[0]
        target = urlsplit(urljoin("https://kb.test/de/impressum.html", href)).path.lstrip("/") or "index.html"
        assert (result.outdir / target).is_file(), href


def test_with_sphinx_search_every_page_searches_on_the_one_search_page(make_project):
    src = make_project()
    add_translations(src)
    result = build(src, overrides={**LANGUAGES, "kb_search": "sphinx"})
    result.assert_no_warnings()
    german = result.html("de/blog/backup-rule.html")
    assert german.select_one("form.sidebar-search-container")["action"] == "../../search.html"
    assert not (result.outdir / "de/search.html").exists()


def test_the_404_page_has_no_language_switcher(site):
    # It is served at any address: relative links to the other languages would lead astray.
    assert site.html("404.html").select_one(".kb-languages") is None


def test_a_category_with_articles_only_in_translations_has_sitemap_alternates(make_project):
    from xml.etree import ElementTree

    src = make_project()
    for language, title in (("de", "Nur hier"), ("fr", "Seulement ici")):
        write_post(
            src,
            f"only-here.{language}",
            f'title: "{title}"\ncategory: Empty Category\nexcerpt: "x"\ndate: 2024-01-01',
        )
    result = build(src, overrides=LANGUAGES)
    result.assert_no_warnings()
    root = ElementTree.parse(result.outdir / "sitemap.xml").getroot()
    listed = {
        url.findtext(f"{SITEMAP}loc"): {
            (link.get("hreflang"), link.get("href")) for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    for path in ["de/category/empty-category.html", "fr/category/empty-category.html"]:
        found = alternates(result.html(path))
        assert found and listed[f"https://kb.test/{path}"] == found, path


def test_a_wrong_kb_description_translations_is_said_not_a_crash(make_project):
    src = make_project()
    add_translations(src)
    result = build(
        src, overrides={**LANGUAGES, "kb_description_translations": {"de": ["a"], "fr": "Bonjour"}}
    )
    assert "kb_description_translations['de'] must be a text; it is ignored" in result.warnings
    assert result.statuscode == 0
    assert "Bonjour" in result.html("fr/index.html").get_text()


@pytest.fixture(scope="module")
def served(site, playwright_browser) -> Iterator[str]:
    yield from serve(site.outdir)


def test_searching_on_a_german_page_finds_the_german_article_not_the_english_one(page, served):
    page.goto(f"{served}de/blog/backup-rule.html")
    box = page.locator("input.sidebar-search").first
    box.fill("Sicherungskopien")
    popup = page.locator(".kb-search-popup").first
    popup.locator(".kb-search-result").first.wait_for()
    titles = popup.locator(".kb-search-result-title").all_inner_texts()
    assert titles == ["Die 3-2-1-Backup-Regel"]
    # An English word of the English article: not in the German index.
    box.fill("copies")
    page.wait_for_function(
        "() => /Keine Ergebnisse/.test(document.querySelector('.kb-search-popup-note').textContent)"
    )
    assert popup.locator(".kb-search-result").count() == 0


def test_the_german_search_page_finds_german_articles(page, served):
    # "See all results" / Enter in the sidebar box of a German page opens the German search page.
    page.goto(f"{served}de/blog/backup-rule.html")
    box = page.locator("input.sidebar-search").first
    box.fill("Sicherungskopien")
    page.locator(".kb-search-popup .kb-search-result").first.wait_for()
    box.press("Enter")
    page.wait_for_url("**/de/search.html?q=Sicherungskopien*")
    results = page.locator(".kb-search-results .kb-search-result-title")
    results.first.wait_for()
    assert results.all_inner_texts() == ["Die 3-2-1-Backup-Regel"]
    assert page.locator("html").get_attribute("lang") == "de"


def test_dirhtml_publishes_a_translation_in_its_own_folder(make_project):
    src = make_project()
    add_translations(src)
    result = build(src, "dirhtml", overrides=LANGUAGES)
    result.assert_no_warnings()
    german = result.html("de/blog/backup-rule/index.html")
    assert german.html["lang"] == "de"
    assert ("en", "https://kb.test/blog/backup-rule/") in alternates(german)
    switch = german.select_one(".kb-languages a[hreflang=en]")["href"]
    target = urljoin("https://kb.test/de/blog/backup-rule/", switch)
    assert target == "https://kb.test/blog/backup-rule/"


def kb_check(capsys, src: Path, *extra: str) -> tuple[int, str, str]:
    code = cli.main(["check", "--conf-dir", str(src), "--source", str(src), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_kb_check_warns_about_translations_older_than_their_original(make_project, capsys):
    src = make_project()
    (src / "conf.py").write_text(
        (src / "conf.py").read_text(encoding="utf-8") + 'kb_languages = ["en", "de"]\n', encoding="utf-8"
    )
    write_post(src, "backup-rule.de", 'title: "Regel"\nexcerpt: "x"\ndate: 2024-09-10')
    code, out, err = kb_check(capsys, src)
    assert code == 0 and "warning" not in out
    # Not translated into German: information, which does not fail the check.
    assert f"{src}/blog/phishing-101.md: info: not translated into de [kb.translation-missing]" in out
    assert "backup-rule.md: info" not in out
    assert err.endswith("0 error(s), 0 warning(s), 3 article(s) not in every language\n")
    # The original is updated after the translation's date.
    original = src / "blog/backup-rule.md"
    original.write_text(
        original.read_text(encoding="utf-8").replace(
            "date: 2024-09-05", "date: 2024-09-05\nupdated: 2024-10-02"
        )
    )
    code, out, err = kb_check(capsys, src)
    assert code == 1
    assert (
        f"{src}/blog/backup-rule.de.md:4: warning: the translation dates from 2024-09-10, its original "
        "`backup-rule.md` changed on 2024-10-02 (bring the translation up to date and set `updated:` to "
        "the day you did) [kb.translation-outdated]"
    ) in out
    code, out, err = kb_check(capsys, src, "--format", "json")
    report = json.loads(out)
    assert [p["subtype"] for p in report["problems"]] == ["translation-outdated"]
    assert {(Path(i["file"]).name, tuple(i["languages"])) for i in report["information"]} == {
        ("helpdesk-basics.md", ("de",)),
        ("outsourced-it-partner.md", ("de",)),
        ("phishing-101.md", ("de",)),
    }
    # Brought up to date.
    translation = src / "blog/backup-rule.de.md"
    translation.write_text(
        translation.read_text(encoding="utf-8").replace(
            "date: 2024-09-10", "date: 2024-09-10\nupdated: 2024-10-03"
        )
    )
    assert kb_check(capsys, src)[0] == 0


def test_kb_check_dates_an_article_by_its_last_commit_too(make_project, capsys):
    src = make_project()
    (src / "conf.py").write_text(
        (src / "conf.py").read_text(encoding="utf-8") + 'kb_languages = ["en", "de"]\n', encoding="utf-8"
    )
    translation = write_post(src, "backup-rule.de", 'title: "Regel"\nexcerpt: "x"\ndate: 2024-09-10')
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")

    def commit(paths: list[Path], day: str) -> None:
        dated = {**env, "GIT_AUTHOR_DATE": f"{day}T12:00:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00"}
        subprocess.run(["git", "add", *map(str, paths)], cwd=src, check=True, env=dated)
        subprocess.run(["git", "commit", "-q", "-m", day], cwd=src, check=True, env=dated)

    subprocess.run(["git", "init", "-q"], cwd=src, check=True)
    commit([src], "2024-09-11")
    assert "warning" not in kb_check(capsys, src, "--no-cache")[1]
    original = src / "blog/backup-rule.md"
    original.write_text(original.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    commit([original], "2024-11-20")
    out = kb_check(capsys, src, "--no-cache")[1]
    assert "backup-rule.de.md:4: warning: the translation dates from 2024-09-11, its original" in out
    assert "changed on 2024-11-20" in out
    translation.write_text(translation.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
    commit([translation], "2024-11-21")
    assert "warning" not in kb_check(capsys, src, "--no-cache")[1]


def test_kb_new_starts_a_draft_translation_from_the_original(make_project, capsys):
    src = make_project()
    (src / "conf.py").write_text(
        (src / "conf.py").read_text(encoding="utf-8") + 'kb_languages = ["en", "de"]\n', encoding="utf-8"
    )
    new = ["new", "--conf-dir", str(src), "--source", str(src)]
    assert cli.main([*new, "Die Regel", "--lang", "de", "--from", "backup-rule"]) == 0
    out = capsys.readouterr().out
    assert "a draft translation of backup-rule into de" in out
    path = src / "blog/backup-rule.de.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Die Regel"' in text and 'status: "draft"' in text
    assert "# Three copies, two media, one off-site." in text  # the original's excerpt, to translate
    assert text.rstrip().endswith("Keep three copies.")  # the original's text, to translate
    # Refused, with the reason: again, an undeclared language, an unknown article, the site's language.
    assert cli.main([*new, "Die Regel", "--lang", "de", "--from", "backup-rule"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli.main([*new, "Regola", "--lang", "it", "--from", "backup-rule"]) == 2
    assert '"it" is not one of kb_languages' in capsys.readouterr().err
    assert cli.main([*new, "X", "--lang", "de", "--from", "backup-rul"]) == 1
    assert 'no article with the slug "backup-rul" (did you mean "backup-rule"?)' in capsys.readouterr().err
    assert cli.main([*new, "X", "--lang", "en", "--from", "phishing-101"]) == 2
    assert cli.main([*new, "X"]) == 2
    assert "--category is required" in capsys.readouterr().err
    # The draft passes the checks (a draft's placeholders are expected) and builds in a preview.
    out = kb_check(capsys, src)[1]
    assert "error" not in out and "warning" not in out
    result = build(src, overrides={**LANGUAGES, "kb_drafts": True})
    result.assert_no_warnings()
    assert result.html("de/blog/backup-rule.html").select_one(".kb-draft-banner") is not None


CATEGORY_TRANSLATIONS = """
- name: Managed IT
  order: 1
- name: Security
  description: Staying safe.
  order: 2
  translations:
    de:
      name: Sicherheit
      description: Sicher bleiben.
    fr: Sécurité
- name: Backup & Recovery
  slug: backup
  parent: Security
  translations:
    de: {name: Datensicherung}
    it: {name: Backup}
    es: {title: Copias}
"""


def test_categories_have_names_and_descriptions_per_language(make_project):
    src = make_project()
    (src / "categories.yml").write_text(CATEGORY_TRANSLATIONS, encoding="utf-8")
    add_translations(src)
    result = build(src, overrides={**LANGUAGES, "kb_languages": ["en", "de", "fr", "es"]})
    warnings = result.warnings
    assert "categories.yml:15: WARNING: category `Backup & Recovery` has a translation into `it`" in warnings
    assert (
        "categories.yml:15: WARNING: the `es` translation of category `Backup & Recovery` has no `name`"
        in (warnings)
    )
    german = result.html("de/blog/backup-rule.html")
    assert german.select_one(".kb-post-meta .kb-category").get_text() == "Datensicherung"
    assert meta(german, "article:section") == "Datensicherung"
    # Search filters in German, with the parent's German name.
    filters = [
        span["data-kb-category"]
        for span in german.select("span[data-pagefind-filter]")
        if span.get("data-kb-category")
    ]
    assert filters == ["Sicherheit", "Datensicherung"]
    # The German feeds: category names and the German description as the subtitle.
    security = (result.outdir / "de/category/security/atom.xml").read_text(encoding="utf-8")
    assert "<title>Sicherheit – Test KB</title>" in security
    assert "<subtitle>Sicher bleiben.</subtitle>" in security
    assert '<category term="Datensicherung"/>' in (result.outdir / "de/atom.xml").read_text(encoding="utf-8")
    # A name alone (`fr: Sécurité`) is enough; no description: the generated one, in French.
    french = (result.outdir / "fr/category/security/atom.xml").read_text(encoding="utf-8")
    assert "<title>Sécurité – Test KB</title>" in french
    assert "<subtitle>Articles sur Sécurité dans Test KB.</subtitle>" in french
    # The site's language keeps its names.
    assert result.html("blog/backup-rule.html").select_one(".kb-post-meta .kb-category").get_text() == (
        "Backup & Recovery"
    )
