"""The words sphinx-kb writes itself, in the site's language (content/wording.py, sphinx_kb/locale):
the catalogs hold every message the code uses, and a site built with `language = "de"` says
them in German, on the pages, in the metadata and feeds, and in the browser's search."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import REPO, ROOTS, add_notes, build, meta, serve

from sphinx_kb.content import wording

LOCALE = REPO / "sphinx_kb" / "locale"
# The keywords `make messages` extracts (Makefile MESSAGE_KEYWORDS).
KEYWORDS = {
    "text": None,
    "count": (1, 2),
    "kb_": None,
    "N_": None,
    "say": None,
    "sayCount": (1, 2),
    "sayWith": None,
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def used_messages() -> set[str | tuple[str, str]]:
    """Every message the code and templates use, as `make messages` finds them."""
    config = (LOCALE / "babel.cfg").read_text(encoding="utf-8")
    method_map = [
        (line[1:-1].split(": ", 1)[1], line[1:-1].split(": ", 1)[0])
        for line in config.splitlines()
        if line.startswith("[")
    ]
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_message_the_code_uses_is_translated_in_every_catalog():
    used = used_messages()
    assert len(used) > 60  # the extraction found the code (an empty set would pass below)
    assert {
        "{minutes} min read",
        ("{count} article", "{count} articles"),
        "Did you mean {suggestion}?",
    } <= used
    assert {"de", "es", "fr"} <= set(wording.languages())
    for language in wording.languages():
        with wording.catalog_path(language).open("rb") as handle:
            catalog = read_po(handle, locale=language)
        entries = {
            (m.id if isinstance(m.id, str) else (m.id[0], m.id[1])): m
            for m in catalog
            if m.id and not m.fuzzy
        }
        assert used - entries.keys() == set(), f"{language}: run `make messages` and translate these"
        assert entries.keys() - used == set(), f"{language}: messages the code no longer uses"
        for key, message in entries.items():
            ids = [key] if isinstance(key, str) else list(key)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            assert all(strings), f"{language}: {key!r} is not translated"
            wanted = set(PLACEHOLDER.findall(" ".join(ids)))
            for string in strings:
                # A translation keeps every placeholder (and invents none): a lost {count} is a lost number.
                assert set(PLACEHOLDER.findall(string)) == wanted, f"{language}: {string!r} for {key!r}"


def test_wording_by_language_with_its_plural_forms_dates_and_numbers():
    german, french, english = wording.wording("de"), wording.wording("fr"), wording.wording("en")
    assert german.count("{count} article", "{count} articles", 1) == "1 Artikel"
    assert german.count("{number} word", "{number} words", 2, number="2") == "2 Wörter"
    assert french.count("{count} result", "{count} results", 0) == "0 résultat"  # French: 0 is singular
    assert german.text("{minutes} min read", minutes=4) == "4 Min. Lesezeit"
    assert german.date(date(2025, 3, 3)) == "3. März 2025"
    assert german.month(date(2025, 3, 3)) == "März 2025"
    assert german.number(12345) == "12.345"
    assert english.date(date(2025, 3, 3)) == "March 3, 2025"
    assert english.text("Archive") == "Archive" and english.browser_json == ""
    # A regional variant takes its language's catalog; a language without one gets English words.
    assert wording.wording("de_AT").text("Archive") == wording.wording("de-CH").text("Archive") == "Archiv"
    assert wording.wording("pt_BR").text("Archive") == "Archive"
    assert wording.wording("pt_BR").date(date(2025, 3, 3)) == "3 de março de 2025"
    browser = json.loads(german.browser_json)
    assert browser["No results"] == "Keine Ergebnisse"
    assert browser["{count} result"] == {"one": "{count} Ergebnis", "other": "{count} Ergebnisse"}
    assert "Archive" not in browser  # only what kb-search.js shows


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory):
    source = tmp_path_factory.mktemp("german") / "src"
    shutil.copytree(ROOTS / "test-basic", source)
    add_notes(source, 22)  # Managed IT gets a second listing page, the archive a pager
    # A favicon: without one the browser asks for /favicon.ico, a 404 that fails the browser tests.
    shutil.copy(REPO / "source" / "_static" / "favicon.svg", source / "favicon.svg")
    overrides = {"language": "de", "kb_sidebar_posts": 5, "html_favicon": "favicon.svg"}
    result = build(source, overrides=overrides)
    result.assert_no_warnings()
    return result


def text_of(soup, selector: str) -> str:
    element = soup.select_one(selector)
    assert element is not None, selector
    return " ".join(element.get_text(" ", strip=True).split())


def test_a_german_site_says_sphinx_kbs_words_in_german(german):
    post = german.html("blog/backup-rule.html")
    assert post.html["lang"] == "de"
    # furo's words too: the previous / next links and 'Back to top'.
    related = text_of(post, ".related-pages")
    assert "Weiter" in related or "Zurück" in related, related
    assert text_of(post, ".back-to-top") == "Nach oben"
    line = text_of(post, ".kb-post-meta")
    assert "5. September 2024" in line and "Min. Lesezeit" in line and re.search(r"\d Wörter?\b", line)
    assert text_of(post, ".kb-breadcrumbs").startswith("Startseite ")
    home = german.html("index.html")
    assert [h.get_text(strip=True).rstrip("¶") for h in home.select("h2")] == [
        "Kategorien",
        "Neueste Artikel",
    ]
    assert "Min. Lesezeit" in text_of(home, ".kb-post-card-details")
    assert re.fullmatch(r"\d+ Artikel", text_of(home, ".kb-category-card .kb-count"))
    assert "allen Schlagwörtern" in text_of(home, "article")
    browse = text_of(home, ".kb-sidebar-browse")
    assert browse == "Stöbern Schlagwörter Archiv"
    category = german.html("category/managed-it.html")
    assert text_of(category, ".kb-pager-status") == "Seite 1 von 2"
    assert "Ältere Artikel →" in text_of(category, ".kb-pager")
    assert "Alle 24 Artikel in Managed IT →" in text_of(category, ".sidebar-tree")
    second = german.html("category/managed-it/page/2.html")
    assert text_of(second, "h1").startswith("Managed IT (Seite 2 von 2)")
    archive = german.html("archive.html")
    assert text_of(archive, "h1").startswith("Archiv")
    assert "Januar 2024" in [h.get_text(strip=True) for h in archive.select("h3")]
    tags = german.html("tags.html")
    assert text_of(tags, "h1").startswith("Schlagwörter")
    not_found = german.html("404.html")
    assert text_of(not_found, "article h1") == "Seite nicht gefunden"
    assert not_found.title.get_text().startswith("Seite nicht gefunden")
    assert "Zur Startseite" in text_of(not_found, "article")
    search = german.html("search.html")
    assert text_of(search, "article h1").startswith("Suche")
    assert search.select_one(".kb-search-category option").get_text() == "Alle Kategorien"
    # The words kb-search.js shows travel with every page, as JSON (tested in the browser below).
    assert json.loads(post.select_one("script#kb-words").string)["No results"] == "Keine Ergebnisse"
    # Metadata and feeds written by sphinx-kb: the fallback description of a category without one.
    assert meta(german.html("category/security.html"), "description") == "Staying safe."
    atom = (german.outdir / "atom.xml").read_text(encoding="utf-8")
    assert "A knowledge base for tests." in atom  # kb_description wins over the generated line


def test_an_english_site_carries_no_words_for_the_browser(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    page = result.html("blog/backup-rule.html")
    assert page.select_one("script#kb-words") is None
    assert "min read" in text_of(page, ".kb-post-meta")


@pytest.fixture(scope="module")
def german_site(german, playwright_browser) -> Iterator[str]:
    yield from serve(german.outdir)


def test_german_search_speaks_german_in_the_browser(page, german_site):
    page.goto(f"{german_site}search.html?q=backup")
    page.wait_for_function(
        "() => /Ergebnis|Keine/.test(document.querySelector('.kb-search-status').textContent)"
    )
    status = page.locator(".kb-search-status").inner_text()
    assert re.match(r"\d+ Ergebnis(se)? für „backup“\.", status), status
    label = page.locator(".kb-search-result .kb-search-result-meta").first.inner_text()
    assert "September 2024" in label and "5." in label, label  # the date in German
    page.goto(f"{german_site}search.html?q=zqxjvw")
    page.wait_for_function("() => /Keine/.test(document.querySelector('.kb-search-status').textContent)")
    status = page.locator(".kb-search-status").inner_text()
    assert status.startswith("Keine Ergebnisse für „zqxjvw“."), status
    assert "Versuchen Sie andere Wörter" in status


def test_the_german_sidebar_box_speaks_german(page, german_site):
    page.goto(f"{german_site}index.html")
    page.locator("input.sidebar-search").first.fill("backup")
    link = page.locator(".kb-search-popup-all").first
    link.wait_for(state="visible")
    assert link.inner_text() in ("Suchseite öffnen", "Alle Ergebnisse anzeigen")
    assert re.match(r"\d+ Ergebnis(se)?\.", page.locator(".kb-search-popup-note").first.inner_text())


def test_messages_render_from_the_committed_catalogs_not_a_stale_copy(tmp_path, monkeypatch):
    # A catalog is read from its .po each time a build starts (no compiled .mo to fall behind).
    locale = tmp_path / "locale" / "de" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(wording.catalog_path("de"), locale / "sphinx-kb.po")
    text = (locale / "sphinx-kb.po").read_text(encoding="utf-8")
    (locale / "sphinx-kb.po").write_text(text.replace('msgstr "Archiv"', 'msgstr "Archiv (neu)"'))
    monkeypatch.setattr(wording, "LOCALE_DIR", tmp_path / "locale")
    assert wording.Wording("de").text("Archive") == "Archiv (neu)"
    assert Path(wording.catalog_path("de")).parent == locale


def test_our_copy_of_furos_icons_differs_from_furos_only_by_the_translated_titles():
    """templates/partials/icons.html replaces furo's to mark the titles for translation: an icon
    a newer furo adds or changes must not silently go missing."""
    import re

    import furo

    theirs = (Path(furo.__file__).parent / "theme/furo/partials/icons.html").read_text(encoding="utf-8")
    ours = (REPO / "sphinx_kb/templates/partials/icons.html").read_text(encoding="utf-8")
    ours = re.sub(r"\{#-.*?-#\}\s*", "", ours, flags=re.S)
    ours = re.sub(r"\{\{ _\('([^']*)'\) \}\}", r"\1", ours)
    assert ours == theirs
