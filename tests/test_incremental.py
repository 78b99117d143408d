"""An incremental build gives the same site as a clean build; so does a parallel build."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    BuildResult,
    build,
    clean_copy,
    env_counts,
    meta,
    nav_links,
    nav_tree,
    plain,
    search_state,
    search_text,
    touch_later,
    write_post,
)

# --- helpers -------------------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    touch_later(path)


SUBCATEGORIES = ".kb-category-card-title a"


def titles(soup, selector: str = ".kb-post-card-title a") -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(selector)]


def home_counts(soup) -> dict[str, str]:
    return {
        card.select_one(".kb-category-card-title a").get_text(strip=True): card.select_one(
            ".kb-count"
        ).get_text()
        for card in soup.select("#categories .kb-category-card")
    }


def card(soup, title: str):
    """The post card whose title link reads `title`."""
    (found,) = [c for c in soup.select(".kb-post-card") if titles(c) == [title]]
    return found


def sitemap_locs(result: BuildResult) -> list[str]:
    return re.findall(r"<loc>(.*?)</loc>", (result.outdir / "sitemap.xml").read_text(encoding="utf-8"))


# --- the changes ---------------------------------------------------------------------------------


@dataclass
class Change:
    name: str
    apply: Callable[[Path], None]
    check: Callable[[BuildResult], None]
    # Done before the first build (sets the scene for the change).
    prepare: Callable[[Path], None] | None = None
    # Pages the change removes from the site.
    removes: tuple[str, ...] = ()
    # What the incremental build reads again, when it is known exactly.
    reread: str | None = None


def edit_body(src: Path) -> None:
    edit(src / "blog/phishing-101.md", "Look at the sender.", "Look at the sender zebrafinch.")


def check_body(b: BuildResult) -> None:
    assert "zebrafinch" in b.html("blog/phishing-101.html").find("article").get_text()


def add_post(src: Path) -> None:
    write_post(
        src,
        "zero-trust",
        'title: "Zero Trust"\nslug: zero-trust\ncategory: Security\nexcerpt: "Never trust, always verify."\n'
        "date: 2024-12-01",
    )


def check_add(b: BuildResult) -> None:
    assert titles(b.html("category/security.html")) == ["Zero Trust", "Phishing 101"]
    home = b.html("index.html")
    assert titles(home)[0] == "Zero Trust"
    assert home_counts(home) == {"Managed IT": "2 articles", "Security": "3 articles"}
    # The sidebar window of a post in the same category lists the new post (newest first); the
    # sidebar of a post in another category counts it.
    assert nav_tree(b.html("blog/phishing-101.html"))[1] == (
        "Security",
        "3",
        [("Backup & Recovery", "1", []), ("Zero Trust", None, []), ("Phishing 101", None, [])],
    )
    assert nav_links(b.html("blog/phishing-101.html"))["Zero Trust"] == "zero-trust.html"
    assert nav_tree(b.html("blog/helpdesk-basics.html"))[1] == (
        "Security",
        "3",
        [("Backup & Recovery", "1", [])],
    )
    assert "https://kb.test/blog/zero-trust.html" in sitemap_locs(b)


def delete_post(src: Path) -> None:
    (src / "blog/helpdesk-basics.md").unlink()


def check_delete(b: BuildResult) -> None:
    assert titles(b.html("category/managed-it.html")) == ["What to Look for in an Outsourced IT Partner"]
    home = b.html("index.html")
    assert "Helpdesk Basics" not in titles(home)
    assert home_counts(home) == {"Managed IT": "1 article", "Security": "2 articles"}
    # The window of the other post of the category no longer lists it; other pages count one less.
    assert nav_tree(b.html("blog/outsourced-it-partner.html"))[0] == (
        "Managed IT",
        "1",
        [("What to Look for in an Outsourced IT Partner", None, [])],
    )
    assert nav_tree(b.html("blog/backup-rule.html"))[0] == ("Managed IT", "1", [])
    assert "https://kb.test/blog/helpdesk-basics.html" not in sitemap_locs(b)


def move_post(src: Path) -> None:
    edit(src / "blog/phishing-101.md", 'category: "Security"', 'category: "Managed IT"')


def check_move(b: BuildResult) -> None:
    assert titles(b.html("category/managed-it.html")) == [
        "Phishing 101",
        "What to Look for in an Outsourced IT Partner",
        "Helpdesk Basics",
    ]
    security = b.html("category/security.html")
    assert titles(security) == []
    assert titles(security, SUBCATEGORIES) == ["Backup & Recovery"]
    assert "Phishing 101" not in security.find("article").get_text()
    header = b.html("blog/phishing-101.html").select_one(".kb-post-meta a.kb-category")
    assert (header.get_text(), header["href"]) == ("Managed IT", "../category/managed-it.html")
    assert home_counts(b.html("index.html")) == {"Managed IT": "3 articles", "Security": "1 article"}
    # The sidebar of a post of its new category lists it; Security's pages no longer do.
    assert nav_tree(b.html("blog/helpdesk-basics.html")) == [
        (
            "Managed IT",
            "3",
            [
                ("Phishing 101", None, []),
                ("What to Look for in an Outsourced IT Partner", None, []),
                ("Helpdesk Basics", None, []),
            ],
        ),
        ("Security", "1", [("Backup & Recovery", "1", [])]),
    ]
    assert nav_tree(b.html("category/security.html"))[1] == (
        "Security",
        "1",
        [("Backup & Recovery", "1", [])],
    )


def empty_category(src: Path) -> None:
    edit(src / "blog/backup-rule.md", 'category: "Backup & Recovery"', 'category: "Managed IT"')


def check_empty_category(b: BuildResult) -> None:
    assert not (b.srcdir / "category/backup.md").exists()
    security = b.html("category/security.html")
    assert security.select(".kb-category-list") == []
    assert titles(security) == ["Phishing 101"]
    assert titles(b.html("category/managed-it.html"))[0] == "The 3-2-1 Backup Rule"
    assert nav_tree(b.html("blog/phishing-101.html")) == [
        ("Managed IT", "3", []),
        ("Security", "1", [("Phishing 101", None, [])]),
    ]
    assert "https://kb.test/category/backup.html" not in sitemap_locs(b)


def unpublish(src: Path) -> None:
    edit(src / "blog/phishing-101.md", 'status: "published"', 'status: "draft"')


def check_unpublish(b: BuildResult) -> None:
    assert titles(b.html("category/security.html")) == []
    assert "Phishing 101" not in titles(b.html("index.html"))
    assert home_counts(b.html("index.html")) == {"Managed IT": "2 articles", "Security": "1 article"}
    # Security keeps only its subcategory: no page's sidebar lists the post.
    for page in ("blog/helpdesk-basics.html", "category/security.html", "blog/backup-rule.html"):
        assert nav_tree(b.html(page))[1][:2] == ("Security", "1"), page
        assert "Phishing 101" not in nav_links(b.html(page)), page
    assert nav_tree(b.html("category/security.html"))[1] == (
        "Security",
        "1",
        [("Backup & Recovery", "1", [])],
    )
    assert "https://kb.test/blog/phishing-101.html" not in sitemap_locs(b)


def publish(src: Path) -> None:
    edit(src / "blog/secret-plans.md", 'status: "draft"', 'status: "published"')


def check_publish(b: BuildResult) -> None:
    assert titles(b.html("category/security.html")) == ["Secret Plans", "Phishing 101"]
    page = b.html("blog/secret-plans.html")
    assert page.select(".kb-draft-banner") == []
    assert meta(page, "robots") is None
    assert nav_links(b.html("blog/phishing-101.html"))["Secret Plans"] == "secret-plans.html"
    assert nav_tree(b.html("blog/helpdesk-basics.html"))[1] == (
        "Security",
        "3",
        [("Backup & Recovery", "1", [])],
    )
    assert "https://kb.test/blog/secret-plans.html" in sitemap_locs(b)
    assert "quokkafluxion" in search_text(b)


def retitle(src: Path) -> None:
    edit(src / "blog/phishing-101.md", 'title: "Phishing 101"', 'title: "Phishing Field Guide"')


def check_retitle(b: BuildResult) -> None:
    page = b.html("blog/phishing-101.html")
    assert page.find("article").find("h1").get_text().rstrip("¶") == "Phishing Field Guide"
    # A post that was not edited (same category: see add_post, done first) shows the new title in
    # its sidebar window; listings show it too.
    links = nav_links(b.html("blog/zero-trust.html"))
    assert links["Phishing Field Guide"] == "phishing-101.html"
    assert "Phishing 101" not in links
    assert "Phishing Field Guide" in titles(b.html("category/security.html"))
    assert "Phishing Field Guide" in titles(b.html("index.html"))
    # So does the "next" link of the page before it, Zero Trust (it is the last page: nothing
    # comes after).
    neighbours = [
        link["title"]
        for path in b.pages()
        for link in b.html(path).find_all("link", rel=["next", "prev"])
        if link["href"].endswith("phishing-101.html")
    ]
    assert neighbours == ["Phishing Field Guide"]


def new_excerpt(src: Path) -> None:
    edit(
        src / "blog/phishing-101.md",
        'excerpt: "Spot a phishing email."',
        'excerpt: "Check every link first."',
    )


def check_excerpt(b: BuildResult) -> None:
    for page in ("category/security.html", "index.html"):
        excerpt = card(b.html(page), "Phishing 101").select_one(".kb-post-card-excerpt")
        assert excerpt.get_text() == "Check every link first."
    assert meta(b.html("blog/phishing-101.html"), "description") == "Check every link first."


def redate(src: Path) -> None:
    edit(src / "blog/helpdesk-basics.md", "date: 2024-02-01\nupdated: 2024-08-01", "date: 2025-02-01")


def check_redate(b: BuildResult) -> None:
    assert titles(b.html("category/managed-it.html")) == [
        "Helpdesk Basics",
        "What to Look for in an Outsourced IT Partner",
    ]
    assert titles(b.html("index.html"))[0] == "Helpdesk Basics"


def file_backup_post_by_slug(src: Path) -> None:
    edit(src / "blog/backup-rule.md", 'category: "Backup & Recovery"', "category: backup")


def rename_category(src: Path) -> None:
    edit(src / "categories.yml", "- name: Backup & Recovery", "- name: Data Protection")


def check_rename(b: BuildResult) -> None:
    links = nav_links(b.html("blog/helpdesk-basics.html"))
    assert links["Data Protection"] == "../category/backup.html"
    assert "Backup & Recovery" not in links
    post = b.html("blog/backup-rule.html")
    assert post.select_one(".kb-post-meta a.kb-category").get_text() == "Data Protection"
    assert titles(b.html("category/security.html"), SUBCATEGORIES) == ["Data Protection"]
    assert b.html("category/backup.html").find("h1").get_text().rstrip("¶") == "Data Protection"
    meta_line = card(b.html("index.html"), "The 3-2-1 Backup Rule").select_one(".kb-post-card-meta")
    assert meta_line.select_one("a").get_text() == "Data Protection"
    assert "Backup & Recovery" not in b.html("index.html").get_text()


CHANGES = [
    # A body is in no listing: only the edited post is read again, no generated page changes.
    Change("edit-body", edit_body, check_body, reread="0 added, 1 changed, 0 removed"),
    Change("add-post", add_post, check_add),
    Change("delete-post", delete_post, check_delete, removes=("blog/helpdesk-basics",)),
    Change("change-category", move_post, check_move),
    Change("empty-a-category", empty_category, check_empty_category, removes=("category/backup",)),
    Change("published-to-draft", unpublish, check_unpublish, removes=("blog/phishing-101",)),
    Change("draft-to-published", publish, check_publish),
    Change("change-title", retitle, check_retitle, prepare=add_post),
    Change("change-excerpt", new_excerpt, check_excerpt),
    Change("change-date", redate, check_redate),
    Change("rename-category", rename_category, check_rename, prepare=file_backup_post_by_slug),
]


def incremental_and_clean(
    make_project, tmp_path: Path, change: Change, builder: str = "html"
) -> tuple[BuildResult, BuildResult]:
    src = make_project()
    if change.prepare:
        change.prepare(src)
    first = build(src, builder)
    first.assert_no_warnings()
    change.apply(src)
    incremental = build(src, builder)
    incremental.assert_no_warnings()
    clean_src = clean_copy(src, tmp_path / "clean")
    clean = build(clean_src, builder, outdir=tmp_path / "clean-out" / builder, fresh=True)
    clean.assert_no_warnings()
    return incremental, clean


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.name)
def test_incremental_build_matches_clean_build(make_project, tmp_path, change):
    incremental, clean = incremental_and_clean(make_project, tmp_path, change)
    change.check(incremental)
    change.check(clean)
    if change.reread:
        assert env_counts(incremental) == change.reread
    # The pages the clean build writes are written identically by the incremental build (no
    # normalisation needed: the pages hold only relative links, and neither build embeds a
    # timestamp or a source path).
    assert incremental.pages() == clean.pages()
    assert (incremental.outdir / "sitemap.xml").read_text(encoding="utf-8") == (
        clean.outdir / "sitemap.xml"
    ).read_text(encoding="utf-8")
    assert search_state(incremental) == search_state(clean)


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
@pytest.mark.parametrize("change", [c for c in CHANGES if c.removes], ids=lambda c: c.name)
def test_incremental_build_leaves_no_page_of_removed_content(make_project, tmp_path, change, builder):
    # Sphinx itself never deletes the page of a document that is gone.
    incremental, clean = incremental_and_clean(make_project, tmp_path, change, builder)
    for docname in change.removes:
        page = f"{docname}/index.html" if builder == "dirhtml" else f"{docname}.html"
        assert not (incremental.outdir / page).exists()
        assert not (incremental.outdir / "_sources" / f"{docname}.md.txt").exists()
    assert incremental.pages() == clean.pages()
    assert search_state(incremental) == search_state(clean)


# --- parallel ------------------------------------------------------------------------------------


@pytest.mark.parametrize("root", ["basic", "taxonomy"])
def test_parallel_build_matches_serial_build(make_project, tmp_path, root):
    src = make_project(root)
    serial = build(src, outdir=tmp_path / "serial" / "html")
    serial.assert_no_warnings()
    parallel = build(src, outdir=tmp_path / "parallel" / "html", parallel=2)
    parallel.assert_no_warnings()
    # Sphinx reads (and writes) chunks of documents in worker processes: `a .. b` in the progress.
    assert re.search(r"reading sources\.\.\. \[ *\d+%\] \S+ \.\. \S+", plain(parallel.status))
    assert parallel.pages() == serial.pages()
    assert (parallel.outdir / "sitemap.xml").read_text(encoding="utf-8") == (
        serial.outdir / "sitemap.xml"
    ).read_text(encoding="utf-8")


def test_parallel_incremental_build_matches_clean_build(make_project, tmp_path):
    src = make_project()
    add_post(src)
    build(src, parallel=2).assert_no_warnings()
    retitle(src)
    redate(src)
    edit_body(src)
    incremental = build(src, parallel=2)
    incremental.assert_no_warnings()
    check_retitle(incremental)
    check_redate(incremental)
    check_body(incremental)
    clean = build(clean_copy(src, tmp_path / "clean"), outdir=tmp_path / "clean-out" / "html", fresh=True)
    clean.assert_no_warnings()
    assert incremental.pages() == clean.pages()
    assert search_state(incremental) == search_state(clean)
