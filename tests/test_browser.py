"""Search in a real browser: the shipped knowledge base, served over HTTP, driven in Chromium.

Debian's chromium (/usr/bin/chromium) is driven by Playwright. Without it these tests are
skipped, unless KB_REQUIRE_BROWSER=1 (set by .ci/run) makes that a failure. Screenshots of the
results land in tests/artifacts/ (KB_TEST_ARTIFACTS overrides the folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, save_screenshot, serve

ARTICLE = "What to Look for in an Outsourced IT Partner"
DRAFT_WORD = "quokkafluxion"  # only in source/blog/zero-trust-roadmap.md, a draft


def build_site(root: Path, builder: str = "html", env: dict[str, str] | None = None) -> Path:
    """conf.py and source/ copied and built with sphinx-build, as `make html` runs it."""
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "source", root / "source", ignore=shutil.ignore_patterns("index.md", "category"))
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", builder, "source", "_build", "-c", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert run.returncode == 0, run.stderr
    return root / "_build" / builder


@pytest.fixture(scope="module")
def preview_site(tmp_path_factory: pytest.TempPathFactory, playwright_browser) -> Iterator[str]:
    """The shipped site as a draft preview (KB_DRAFTS=1): drafts are on it, never in its search."""
    site = build_site(tmp_path_factory.mktemp("preview"), env={"KB_DRAFTS": "1"})
    assert (site / "blog/zero-trust-roadmap.html").is_file()
    yield from serve(site)


def result_titles(page, scope: str = ".kb-search-results") -> list[str]:
    return [t.inner_text() for t in page.locator(f"{scope} .kb-search-result-title").all()]


def search_page(page, base: str, query: str) -> list[str]:
    page.goto(base + "search.html")
    page.fill("#kb-search-input", query)
    wait_for_status(page, query)
    return result_titles(page)


def wait_for_status(page, text: str) -> None:
    """Wait until the search page's status line (written once results are shown) says `text`."""
    page.wait_for_function(
        "text => document.querySelector('.kb-search-status').textContent.includes(text)", arg=text
    )


def test_typing_in_the_sidebar_box_shows_the_article_first_and_opens_it(page, preview_site):
    page.goto(preview_site + "blog/the-3-2-1-backup-rule.html")
    box = page.locator("input.sidebar-search")
    box.click()
    box.type("outsourced IT partner", delay=20)
    first = page.locator(".kb-search-popup [role=option]").first
    first.wait_for()
    assert result_titles(page, ".kb-search-popup")[0] == ARTICLE
    assert box.get_attribute("aria-expanded") == "true"
    save_screenshot(page, "search-popup.png")
    # Keyboard: the arrow chooses the first result, Enter opens it.
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Enter")
    page.wait_for_url("**/blog/outsourced-it-partner.html")
    assert page.locator("h1").first.inner_text().startswith(ARTICLE)


def test_the_search_box_in_the_mobile_menu_shows_results(playwright_browser, preview_site):
    from playwright.sync_api import expect

    context = playwright_browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(preview_site + "blog/the-3-2-1-backup-rule.html")
        box = page.locator("input.sidebar-search")
        expect(box).not_to_be_in_viewport()  # furo slides the sidebar out, behind the menu button
        page.locator(".mobile-header label[for=__navigation]").click()
        expect(box).to_be_in_viewport()
        box.fill("outsourced IT partner")
        option = page.locator(".kb-search-popup [role=option]").first
        option.wait_for(state="visible")
        assert result_titles(page, ".kb-search-popup")[0] == ARTICLE
        save_screenshot(page, "search-mobile.png")
        option.click()
        page.wait_for_url("**/blog/outsourced-it-partner.html")
    finally:
        context.close()


def test_enter_without_a_choice_opens_the_search_page_and_escape_closes(page, preview_site):
    page.goto(preview_site + "index.html")
    box = page.locator("input.sidebar-search")
    box.fill("backup")
    popup = page.locator(".kb-search-popup").first
    popup.locator("[role=option]").first.wait_for()
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=backup")
    page.locator(".kb-search-results .kb-search-result").first.wait_for()
    assert page.input_value("#kb-search-input") == "backup"
    assert "The 3-2-1 Backup Rule Explained" in result_titles(page)


def test_search_page_finds_the_article_by_what_it_says(page, preview_site):
    assert search_page(page, preview_site, "outsourced IT partner")[0] == ARTICLE
    # "24/7" and "round-the-clock" only appear in the article's body.
    assert ARTICLE in search_page(page, preview_site, "24/7")
    assert ARTICLE in search_page(page, preview_site, "round-the-clock")
    result = page.locator(".kb-search-result").first
    assert result.locator(".kb-search-result-meta").inner_text().startswith("Managed IT")
    marks = [m.inner_text().lower() for m in result.locator(".kb-search-result-excerpt mark").all()]
    assert any("round" in m for m in marks), marks
    assert result.locator("a").get_attribute("href").endswith("/blog/outsourced-it-partner.html")


def test_the_first_answer_shows_five_results_and_more_results_adds_the_rest(page, preview_site):
    # Each result shown costs a fragment download: the first answer shows 5, then 10 per click.
    page.goto(preview_site + "search.html?q=the")
    wait_for_status(page, "for “the”")
    total = int(page.locator(".kb-search-status").inner_text().split()[0])
    assert total > 5
    assert len(result_titles(page)) == 5
    more = page.locator(".kb-search-more")
    assert more.is_visible()
    more.click()
    expected = min(total, 15)
    page.wait_for_function(
        "n => document.querySelectorAll('.kb-search-results .kb-search-result').length === n", arg=expected
    )
    titles = result_titles(page)
    assert len(titles) == expected and len(set(titles)) == expected, titles
    assert more.is_hidden() == (total <= 15)


def test_newest_first_lists_posts_by_date_and_loads_its_order_only_then(page, preview_site):
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(preview_site + "search.html?q=the")
    wait_for_status(page, "for “the”")
    best = result_titles(page)
    assert not [url for url in fetched if url.endswith("kb-newest.json")]  # not for best match
    assert len(best) == 5 and page.locator(".kb-search-more").is_visible()  # pages and posts
    page.select_option(".kb-search-sort", "newest")
    # Posts only: the count drops to the five published posts.
    page.wait_for_function(
        "() => document.querySelector('.kb-search-status').textContent.startsWith('5 results')"
    )
    assert "sort=newest" in page.url
    assert page.locator(".kb-search-more").is_hidden()
    # The five published posts, newest first (the draft is never in the index); no other pages.
    assert result_titles(page) == [
        "Moving to Microsoft 365: A Practical Checklist",
        "The 3-2-1 Backup Rule Explained",
        "Phishing Awareness Training That Actually Works",
        ARTICLE,
        "What Is a Managed Service Provider?",
    ]
    assert result_titles(page) != best
    assert [url for url in fetched if url.endswith("_pagefind/kb-newest.json")]


def test_results_update_while_typing(page, preview_site):
    page.goto(preview_site + "search.html")
    field = page.locator("#kb-search-input")
    field.type("phish", delay=30)
    wait_for_status(page, "phish")
    assert result_titles(page)[0] == "Phishing Awareness Training That Actually Works"
    field.type("ing awareness", delay=30)
    wait_for_status(page, "awareness")
    assert result_titles(page)[0] == "Phishing Awareness Training That Actually Works"
    # The URL keeps the query, so a search can be shared.
    assert page.url.endswith("search.html?q=phishing+awareness")


def test_category_filter_narrows_the_results(page, preview_site):
    everywhere = search_page(page, preview_site, "backup")
    assert len(everywhere) >= 3
    labels = [m.inner_text() for m in page.locator(".kb-search-results .kb-search-result-meta").all()]
    assert any(not label.startswith("Managed IT") for label in labels), labels
    page.select_option(".kb-search-category", "Managed IT")
    wait_for_status(page, "in Managed IT")
    narrowed = result_titles(page)
    assert 0 < len(narrowed) < len(everywhere)
    labels = [m.inner_text() for m in page.locator(".kb-search-results .kb-search-result-meta").all()]
    assert labels and all(label.startswith("Managed IT") for label in labels), labels
    assert "category=Managed+IT" in page.url
    # Each category shows how many results it has for the query, whichever one is chosen.
    options = {
        o.get_attribute("value"): o.inner_text().strip()
        for o in page.locator(".kb-search-category option").all()
    }
    assert options["Managed IT"].endswith(f"Managed IT ({len(narrowed)})"), options
    assert options["Cybersecurity"].endswith(")") and not options["Cybersecurity"].endswith("(0)"), options
    # A parent category includes its subcategories' posts.
    page.select_option(".kb-search-category", "Cybersecurity")
    wait_for_status(page, "in Cybersecurity")
    assert "The 3-2-1 Backup Rule Explained" in result_titles(page)
    save_screenshot(page, "search-results.png")


def test_a_drafts_words_find_nothing_even_in_a_preview_build(page, preview_site):
    assert search_page(page, preview_site, DRAFT_WORD) == []
    assert page.locator(".kb-search-status").inner_text().startswith("No results")
    # Its title finds other pages that use the words, never the draft itself.
    assert not [t for t in search_page(page, preview_site, "zero trust roadmap") if "Zero Trust" in t]


def test_search_fits_dark_mode(playwright_browser, preview_site):
    context = playwright_browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(preview_site + "search.html?q=backup")
        page.locator(".kb-search-result").first.wait_for()
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.kb-search-input')).backgroundColor"
        )
        text = page.evaluate("getComputedStyle(document.querySelector('.kb-search-result-excerpt')).color")
        # furo's dark palette: a dark field, light text.
        assert sum(int(c) for c in background[background.index("(") + 1 : -1].split(",")[:3]) < 150, (
            background
        )
        assert sum(int(c) for c in text[text.index("(") + 1 : -1].split(",")[:3]) > 450, text
        save_screenshot(page, "search-results-dark.png")
    finally:
        context.close()


def test_opened_from_the_file_system_search_says_how_to_serve_it(playwright_browser, tmp_path_factory):
    site = build_site(tmp_path_factory.mktemp("files"))
    page = playwright_browser.new_page()
    try:
        page.goto((site / "search.html").as_uri() + "?q=backup")
        status = page.locator(".kb-search-status")
        wait_for_status(page, "HTTP")
        assert "make serve" in status.inner_text()
    finally:
        page.close()


def test_dirhtml_site_search_links_to_directory_urls(page, playwright_browser, tmp_path_factory):
    site = build_site(tmp_path_factory.mktemp("dirhtml"), "dirhtml")
    for base in serve(site):
        page.goto(base + "blog/the-3-2-1-backup-rule/")
        page.locator("input.sidebar-search").fill("outsourced IT partner")
        page.locator(".kb-search-popup [role=option]").first.wait_for()
        assert result_titles(page, ".kb-search-popup")[0] == ARTICLE
        href = page.locator(".kb-search-popup [role=option]").first.get_attribute("href")
        assert href == "/blog/outsourced-it-partner/"
        page.keyboard.press("Enter")  # nothing chosen: the search page, at its directory URL
        page.wait_for_url("**/search/?q=outsourced+IT+partner")
        page.locator(".kb-search-results .kb-search-result").first.wait_for()
        assert result_titles(page)[0] == ARTICLE


def test_without_pagefind_sphinx_search_works(page, playwright_browser, tmp_path_factory):
    site = build_site(
        tmp_path_factory.mktemp("fallback"), env={"PAGEFIND_BINARY_PATH": "/nonexistent/pagefind"}
    )
    assert not (site / "_pagefind").exists()
    # searchtools.js fetches every result page for its excerpt, also after it lists the results:
    # the server must outlive those fetches, or they fail as reset connections.
    pending: set = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    for base in serve(site):
        page.goto(base + "search.html?q=outsourced")
        page.locator("#search-results li").first.wait_for()
        assert ARTICLE in page.locator("#search-results").inner_text()
        page.locator("#search-results .search-summary:not(:empty)").wait_for()
        for _ in range(200):
            if not pending:
                break
            page.wait_for_timeout(100)
