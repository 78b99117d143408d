"""Search that understands readers (issue #15), in Chromium against a built test site of twelve
articles (tests/roots/test-search): typos, questions, synonyms, spellings joined or split by
punctuation, and the page shown when nothing is found; on the search page and in the sidebar box,
with filters, by keyboard, in light and dark."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

import pytest
from conftest import REPO, ROOTS, brightness, build, save_screenshot, serve

SITE_ROOT = ROOTS / "test-search"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, playwright_browser) -> Iterator[str]:
    source = tmp_path_factory.mktemp("search-site") / "src"
    shutil.copytree(SITE_ROOT, source)
    shutil.copy(REPO / "source" / "_static" / "favicon.svg", source / "favicon.svg")
    result = build(source, overrides={"html_favicon": "favicon.svg"})
    result.assert_no_warnings()
    yield from serve(result.outdir)


def search(page, base: str, query: str, **params: str) -> list[str]:
    """The result titles the search page shows for `query`, once it has answered."""
    extra = "".join(f"&{key}={value}" for key, value in params.items())
    page.goto(f"{base}search.html?q={query}{extra}")
    page.wait_for_function(
        "() => /result|No results/.test(document.querySelector('.kb-search-status').textContent)"
    )
    return [t.inner_text() for t in page.locator(".kb-search-results .kb-search-result-title").all()]


def status(page) -> str:
    return page.locator(".kb-search-status").inner_text()


def word_files(requests: list[str]) -> list[str]:
    return [path for path in requests if "/_pagefind/kb-words/" in path]


def record_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(unquote(urlsplit(request.url).path)))
    return seen


@pytest.mark.parametrize(
    ("query", "corrected", "article"),
    [
        # A letter changed (7 letters: one edit allowed).
        ("printar", "printer", "Printer Troubleshooting Guide"),
        # Two neighbouring letters swapped.
        ("laptpos", "laptops", "Replacing Laptops on a Schedule"),
        # A letter left out.
        ("phising", "phishing", "Phishing Awareness Training"),
        # Two letters wrong in a long word (10 letters: two edits allowed).
        ("ransomwear", "ransomware", "Ransomware Response Plan"),
    ],
)
def test_a_misspelled_word_is_corrected_and_the_right_article_comes_first(
    page, site, query, corrected, article
):
    requests = record_requests(page)
    titles = search(page, site, query)
    assert titles[0] == article
    assert f"Showing results for {corrected}; search instead for {query}." in status(page)
    # The words of one first letter were downloaded for the correction, nothing more.
    assert word_files(requests) == [f"/_pagefind/kb-words/en/{query[0]}.json"]


def test_search_instead_searches_the_words_as_typed(page, site):
    search(page, site, "phising")
    page.locator(".kb-search-instead").click()
    page.wait_for_function(
        "() => document.querySelector('.kb-search-status').textContent.startsWith('No results')"
    )
    assert "exact=1" in page.url
    assert page.locator(".kb-search-result").count() == 0


def test_a_correctly_spelled_query_downloads_no_words(page, site):
    requests = record_requests(page)
    assert search(page, site, "firewall")[0] == "Firewall Rules Review"
    assert search(page, site, "replace laptops")[0] == "Replacing Laptops on a Schedule"
    assert word_files(requests) == []
    assert "Showing results" not in status(page)


@pytest.mark.parametrize(
    ("query", "article", "showing", "left_out"),
    [
        ("how do we stop spam emails", "Stopping Spam Email", "stop spam emails", "how, do, we"),
        ("what should our backups cost", "Backup Pricing Explained", "backups cost", "what, should, our"),
        ("how do we replace laptops", "Replacing Laptops on a Schedule", "replace laptops", "how, do, we"),
    ],
)
def test_a_question_finds_the_article_by_the_words_that_carry_its_meaning(
    page, site, query, article, showing, left_out
):
    # The articles hold the meaningful words and none of the question's others.
    slug = article.lower().replace(" ", "-")
    text = (SITE_ROOT / "blog" / f"{slug}.md").read_text(encoding="utf-8").lower().split()
    assert not {"how", "what", "should", "we", "our", "do", "is"} & {w.strip(".,:;") for w in text}
    assert search(page, site, query)[0] == article
    assert f"Showing results for {showing} (left out: {left_out})." in status(page)


def test_more_words_than_any_page_holds_show_the_pages_with_most_of_them(page, site):
    titles = search(page, site, "ransomware printer backups")
    # No page holds all three: pages with two of them before pages with one.
    assert titles[0] == "Ransomware Response Plan"  # ransomware + backups
    assert "Printer Troubleshooting Guide" in titles
    assert "Showing results for ransomware backups (left out: printer)." in status(page)


def test_a_synonym_finds_an_article_that_never_uses_the_word(page, site):
    source = (SITE_ROOT / "blog" / "two-factor-sign-in-everywhere.md").read_text(encoding="utf-8").lower()
    assert "2fa" not in source and "mfa" not in source
    for query in ("2FA", "MFA"):
        assert search(page, site, query)[0] == "Two-Factor Sign-In Everywhere", query


@pytest.mark.parametrize(
    ("spellings", "article"),
    [
        (("wifi", "wi fi", "Wi-Fi"), "Office Wi-Fi Upgrade"),
        (("SOC 2", "soc2", "SOC2"), "SOC 2 Audit Checklist"),
        (("24/7", "24 7"), "Round-the-Clock Service Desk"),
    ],
)
def test_spellings_joined_or_split_by_punctuation_give_the_same_first_result(page, site, spellings, article):
    assert [search(page, site, spelling)[0] for spelling in spellings] == [article] * len(spellings)


def test_nonsense_finds_nothing_and_the_page_helps(page, site):
    assert search(page, site, "zxqvy blorft") == []
    assert status(page).startswith("No results for “zxqvy blorft”.")
    help_box = page.locator(".kb-search-help")
    assert help_box.is_visible()
    categories = [a.inner_text() for a in help_box.locator(".kb-search-help-categories a").all()]
    # As the sidebar lists them (categories.yml gives no order: by name).
    assert categories == ["Backup", "Hardware", "Networking", "Security"]
    recent = [a.inner_text() for a in help_box.locator(".kb-search-help-recent a").all()]
    assert recent == [
        "Encryption for Portable Drives",
        "Round-the-Clock Service Desk",
        "Printer Troubleshooting Guide",
        "SOC 2 Audit Checklist",
        "Two-Factor Sign-In Everywhere",
    ]
    help_box.locator(".kb-search-help-categories a", has_text="Hardware").click()
    page.wait_for_url("**/category/hardware.html")
    save_screenshot(page, "search-empty-followed.png")


def test_a_word_no_page_holds_is_not_answered_with_pages_that_hold_parts_of_it(page, site):
    # Pagefind alone answers `invoices` with pages holding "in" (sign-in) and their descriptions.
    assert search(page, site, "invoices") == []
    assert search(page, site, "recieve invoices") == []


def test_filters_apply_to_the_corrected_query(page, site):
    titles = search(page, site, "laptpos", category="Hardware")
    assert titles[0] == "Replacing Laptops on a Schedule"
    assert all(t in ("Replacing Laptops on a Schedule", "Hardware") for t in titles), titles
    assert search(page, site, "phising", tag="Phishing") == ["Phishing Awareness Training"]
    # Nothing in that category: the spelling suggestion and the way out.
    assert search(page, site, "phising", category="Networking") == []
    text = status(page)
    assert "Did you mean phishing?" in text and "remove the filters" in text
    page.locator(".kb-search-suggestion").click()
    page.wait_for_function("() => document.querySelector('#kb-search-input').value === 'phishing'")
    assert page.locator(".kb-search-category").input_value() == "Networking"


def test_the_sidebar_box_understands_the_same_way_and_works_by_keyboard(page, site):
    page.goto(site + "blog/firewall-rules-review.html")
    box = page.locator("input.sidebar-search").first
    box.click()
    box.type("ransomwear")
    popup = page.locator(".kb-search-popup").first
    popup.locator(".kb-search-result").first.wait_for()
    assert "Showing results for ransomware; search instead for ransomwear." in popup.inner_text()
    first = popup.locator(".kb-search-result-title").first.inner_text()
    assert first == "Ransomware Response Plan"
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/blog/ransomware-response-plan.html")


def test_the_sidebar_box_shows_the_question_read_and_offers_the_search_page(page, site):
    page.goto(site + "index.html")
    box = page.locator("input.sidebar-search").first
    box.click()
    box.type("how do we stop spam emails")
    popup = page.locator(".kb-search-popup").first
    page.wait_for_function(
        "() => document.querySelector('.kb-search-popup-note').textContent.includes('left out')"
    )
    assert popup.locator(".kb-search-result-title").first.inner_text() == "Stopping Spam Email"
    box.fill("")
    box.type("zxqvy")
    page.wait_for_function(
        "() => document.querySelector('.kb-search-popup-note').textContent.startsWith('No results')"
    )
    assert popup.locator(".kb-search-popup-all").inner_text() == "Open the search page"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_notes_read_well_in_light_and_dark(playwright_browser, site, scheme):
    context = playwright_browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        search(page, site, "phising")
        note = page.locator(".kb-search-showing")
        assert note.is_visible()
        colour = brightness(
            page.evaluate("getComputedStyle(document.querySelector('.kb-search-showing')).color")
        )
        background = brightness(
            page.evaluate("getComputedStyle(document.querySelector('.kb-search-input')).backgroundColor")
        )
        # Dark text on a light page, light text on a dark one.
        assert (
            (colour < 300 and background > 600) if scheme == "light" else (colour > 450 and background < 150)
        )
        save_screenshot(page, f"search-corrected-{scheme}.png")
        search(page, site, "zxqvy")
        assert page.locator(".kb-search-help").is_visible()
        save_screenshot(page, f"search-empty-{scheme}.png")
    finally:
        context.close()
