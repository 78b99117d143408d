"""The knowledge base shipped in source/, built the way `make html` builds it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, meta

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://kb.northstar.example/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of conf.py and source/ built with sphinx-build, as `make html` runs it."""
    root = tmp_path_factory.mktemp("site")
    shutil.copy(REPO / "conf.py", root / "conf.py")
    shutil.copytree(REPO / "source", root / "source", ignore=shutil.ignore_patterns("index.md", "category"))
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", "source", "_build", "-c", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    # Zero warnings is the bar for the shipped knowledge base.
    assert "WARNING" not in run.stderr and "ERROR" not in run.stderr, run.stderr
    return root / "_build" / "html"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_real_article_page(site: Path) -> None:
    page = soup(site, "blog/outsourced-it-partner.html")
    article = page.find("article")
    h1 = [h.get_text(strip=True).rstrip("¶") for h in article.find_all("h1")]
    assert h1 == ["What to Look for in an Outsourced IT Partner"]
    other_headings = [h.get_text(strip=True).rstrip("¶") for h in article.find_all(["h2", "h3", "h4"])]
    assert "What to Look for in an Outsourced IT Partner" not in other_headings
    source = (REPO / "source/blog/outsourced-it-partner.md").read_text(encoding="utf-8")
    excerpt = next(line for line in source.splitlines() if line.startswith("excerpt:"))
    assert meta(page, "og:description") == excerpt.split(":", 1)[1].strip().strip('"')
    assert meta(page, "description") == meta(page, "og:description")
    assert meta(page, "og:type") == "article"
    assert meta(page, "article:section") == "Managed IT"
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == meta(page, "og:url") == BASE + "blog/outsourced-it-partner.html"
    image = meta(page, "og:image")
    assert image == BASE + "blog/outsourced-it-partner.png"
    assert (site / image.removeprefix(BASE)).is_file()


def test_category_page_links_to_article(site: Path) -> None:
    page = soup(site, "category/managed-it.html")
    hrefs = [a["href"] for a in page.select("article .kb-post-card-title a")]
    assert "../blog/outsourced-it-partner.html" in hrefs


def test_sitemap(site: Path) -> None:
    tree = ElementTree.parse(site / "sitemap.xml")
    urls = [loc.text for loc in tree.getroot().findall("sm:url/sm:loc", SITEMAP_NS)]
    assert BASE + "blog/outsourced-it-partner.html" in urls
    assert all(url.startswith(BASE) for url in urls)
    assert not [u for u in urls if "/en/" in u or u.endswith(("search.html", "genindex.html"))]
    assert BASE + "blog/zero-trust-roadmap.html" not in urls  # a draft
    assert not (site / "blog/zero-trust-roadmap.html").exists()
    assert (site / "robots.txt").read_text().endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_shipped_taxonomy(site: Path) -> None:
    """At least three categories, one nested, and the home page listing them with counts."""
    home = soup(site, "index.html")
    cards = {
        card.select_one(".kb-category-card-title a").get_text(): card.select_one(".kb-count").get_text()
        for card in home.select(".kb-category-card")
    }
    assert cards == {"Managed IT": "2 articles", "Cybersecurity": "2 articles", "Cloud": "1 article"}
    nested = soup(site, "category/cybersecurity.html")
    assert [a.get_text() for a in nested.select(".kb-category-card-title a")] == ["Backup & Recovery"]
