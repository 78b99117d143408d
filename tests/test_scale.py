"""Issue #3, sites of hundreds of posts: the sidebar does not grow with the number of posts, every
post is reachable through the paginated category pages, social cards are drawn once, and an edit
rewrites a bounded number of pages."""

from __future__ import annotations

import datetime
import math
import os
import posixpath
import re
import shutil
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import (
    ROOTS,
    BuildResult,
    add_notes,
    build,
    card_file,
    clean_copy,
    meta,
    nav_label,
    nav_tree,
    touch_later,
    write_post,
    written,
)
from PIL import Image

# The categories of the basic root, and its published posts by category, newest first (the
# draft secret-plans is left out of a normal build).
CATEGORIES = {"managed-it": "Managed IT", "security": "Security", "backup": "Backup & Recovery"}
ROOT_POSTS = {
    "managed-it": ["outsourced-it-partner", "helpdesk-basics"],
    "security": ["phishing-101"],
    "backup": ["backup-rule"],
}
PER_PAGE = 20  # kb_posts_per_page's default
SIDEBAR_POSTS = 10  # kb_sidebar_posts's default


def add_posts(src: Path, count: int, categories: tuple[str, ...] = tuple(CATEGORIES)) -> None:
    """`post-0000` ... : one a day from 2020-01-01 (older than the root's posts), filed in the
    given categories in turn."""
    first = datetime.date(2020, 1, 1)
    for i in range(count):
        write_post(
            src,
            f"post-{i:04d}",
            f'title: "Post {i:04d}"\nslug: post-{i:04d}\ncategory: {categories[i % len(categories)]}\n'
            f'excerpt: "Excerpt {i}."\ndate: {first + datetime.timedelta(days=i)}',
        )


def expected_order(count: int, categories: tuple[str, ...] = tuple(CATEGORIES)) -> dict[str, list[str]]:
    """Each category's posts, newest first, after add_posts(count, categories)."""
    order = {slug: list(posts) for slug, posts in ROOT_POSTS.items()}
    for i in reversed(range(count)):
        order[categories[i % len(categories)]].append(f"post-{i:04d}")
    return order


def copy_root(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    src = tmp_path_factory.mktemp(name) / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    return src


def page_file(builder: str, docname: str) -> str:
    if builder == "html":
        return f"{docname}.html"
    return "index.html" if docname == "index" else f"{docname}/index.html"


def target(page: str, href: str) -> str:
    """The output file an internal link on the output file `page` points to."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), urlsplit(href).path))
    if path == ".":
        return "index.html"
    return f"{path}/index.html" if href.endswith("/") else path


def docname_of(file: str) -> str:
    return file.removesuffix("/index.html").removesuffix(".html") if file != "index.html" else "index"


SIDEBAR = re.compile(r'<div class="sidebar-tree">(.*?)</div>', re.DOTALL)


def sidebar_link_count(path: Path) -> int:
    """How many links the page's sidebar has (read without parsing the whole page)."""
    (tree,) = SIDEBAR.findall(path.read_text(encoding="utf-8"))
    return tree.count("<a ")


def sitemap(result: BuildResult) -> dict[str, str | None]:
    text = (result.outdir / "sitemap.xml").read_text(encoding="utf-8")
    entries = re.findall(r"<url>\s*<loc>(.*?)</loc>\s*(?:<lastmod>(.*?)</lastmod>)?", text)
    return {loc: lastmod or None for loc, lastmod in entries}


# --- sites of 50 and 500 posts -------------------------------------------------------------------

SIZES = (50, 500)


@pytest.fixture(scope="module")
def sized_sites(tmp_path_factory) -> dict[int, BuildResult]:
    sites = {}
    for size in SIZES:
        src = copy_root(tmp_path_factory, f"posts{size}")
        add_posts(src, size)
        result = build(src)
        result.assert_no_warnings()
        sites[size] = result
    return sites


def test_sidebar_of_a_post_has_as_many_links_at_50_as_at_500_posts(sized_sites):
    # Every category has more than kb_sidebar_posts posts of its own at both sizes: every post
    # page's sidebar has the 3 categories, a window of 10 posts and the link to the category page.
    expected = len(CATEGORIES) + SIDEBAR_POSTS + 1
    for size, result in sized_sites.items():
        posts = sorted((result.outdir / "blog").glob("*.html"))
        assert len(posts) == size + 4
        counts = Counter(sidebar_link_count(p) for p in posts)
        assert counts == {expected: size + 4}, size
        categories = sorted((result.outdir / "category").rglob("*.html"))
        assert Counter(sidebar_link_count(p) for p in categories) == {expected: len(categories)}, size
        assert sidebar_link_count(result.outdir / "index.html") == len(CATEGORIES)


@pytest.mark.parametrize("size", SIZES)
def test_sidebar_window_is_centred_on_the_post(sized_sites, size):
    result = sized_sites[size]
    order = expected_order(size)["security"]
    middle = order[len(order) // 2]
    soup = result.html(f"blog/{middle}.html")
    tree = nav_tree(soup)
    window = order[len(order) // 2 - SIDEBAR_POSTS // 2 :][:SIDEBAR_POSTS]
    assert [name for name, _, _ in tree] == ["Managed IT", "Security"]
    security = tree[1][2]
    assert security[0] == ("Backup & Recovery", str(len(expected_order(size)["backup"])), [])
    assert [label for label, _, _ in security[1:-1]] == [
        "Phishing 101" if slug == "phishing-101" else f"Post {slug[5:]}" for slug in window
    ]
    (current,) = soup.select(".sidebar-tree li.current-page")
    assert current.find("a")["href"] == "#"
    assert nav_label(current.find("a")) == f"Post {middle[5:]}"
    (more,) = soup.select(".sidebar-tree li.kb-nav-more")
    assert more is soup.select(".sidebar-tree li")[-1]
    assert more["class"] == ["toctree-l2", "kb-nav-more"]
    assert more.find("a")["href"] == "../category/security.html"
    # Other categories show their count and no post.
    assert tree[0] == ("Managed IT", str(len(expected_order(size)["managed-it"])), [])


def test_sidebar_window_at_the_ends_of_a_category(sized_sites):
    result = sized_sites[500]
    order = expected_order(500)["managed-it"]
    for slug, window in ((order[0], order[:10]), (order[3], order[:10]), (order[-1], order[-10:])):
        soup = result.html(f"blog/{slug}.html")
        managed = soup.select(".sidebar-tree > ul > li")[0]
        items = managed.find("ul", recursive=False).find_all("li", recursive=False)
        assert [li.find("a")["href"] for li in items[:-1]] == [
            f"{s}.html" if s != slug else "#" for s in window
        ]
        assert items[-1]["class"] == ["toctree-l2", "kb-nav-more"]


def test_sidebar_more_link_names_the_number_of_articles(sized_sites):
    """The link counts what the category's badge counts: its posts and its subcategories'."""
    soup = sized_sites[500].html("blog/post-0250.html")
    total = len(expected_order(500)["security"]) + len(expected_order(500)["backup"])
    more = soup.select_one(".sidebar-tree .kb-nav-more a")
    assert more.get_text() == f"All {total} articles in Security →"
    badge = more.find_parent("li", class_="toctree-l1").select_one(":scope > a .kb-count")
    assert badge.get_text() == str(total)


# --- every post is reachable through the category pages ------------------------------------------


def crawl(result: BuildResult, first: str) -> list[dict]:
    """Follow a category's "Older articles" links from its first page."""
    pages: list[dict] = []
    file: str | None = first
    while file is not None:
        assert file not in [p["file"] for p in pages], file
        soup = result.html(file)
        pager = soup.select_one("article .kb-pager")
        links = {a.get_text(strip=True): target(file, a["href"]) for a in pager.select("a")} if pager else {}
        status = pager.select_one(".kb-pager-status").get_text() if pager else None
        pages.append(
            {
                "file": file,
                "status": status,
                "posts": [
                    docname_of(target(file, a["href"])).removeprefix("blog/")
                    for a in soup.select("article .kb-post-card-title a")
                ],
                "newer": links.get("← Newer articles"),
                "older": links.get("Older articles →"),
                "title": meta(soup, "og:title"),
            }
        )
        file = links.get("Older articles →")
    return pages


def check_reachable(result: BuildResult, builder: str, order: dict[str, list[str]]) -> dict[str, list[dict]]:
    """Every published post is on exactly one listing page, reached from page 1 of its category
    (page 1 found through the home page's sidebar); each page shows its slice, newest first."""
    home = result.html("index.html")
    firsts = {docname_of(target("index.html", a["href"])) for a in home.select(".sidebar-tree a")}
    assert firsts == {f"category/{slug}" for slug in CATEGORIES}
    crawled = {}
    reached: list[str] = []
    for slug, name in CATEGORIES.items():
        pages = crawl(result, page_file(builder, f"category/{slug}"))
        total = math.ceil(len(order[slug]) / PER_PAGE)
        expected_files = [page_file(builder, f"category/{slug}")] + [
            page_file(builder, f"category/{slug}/page/{n}") for n in range(2, total + 1)
        ]
        assert [p["file"] for p in pages] == expected_files
        for number, page in enumerate(pages, start=1):
            assert page["posts"] == order[slug][(number - 1) * PER_PAGE : number * PER_PAGE], page["file"]
            assert page["status"] == f"Page {number} of {total}"
            assert page["newer"] == (expected_files[number - 2] if number > 1 else None)
            assert page["title"] == (name if number == 1 else f"{name} (page {number} of {total})")
            reached += page["posts"]
        crawled[slug] = pages
    published = sorted(p.stem for p in (result.srcdir / "blog").glob("*.md") if p.stem != "secret-plans")
    assert sorted(reached) == published
    return crawled


def test_every_post_is_reachable_through_the_category_pages(sized_sites):
    result = sized_sites[500]
    crawled = check_reachable(result, "html", expected_order(500))
    assert [len(crawled[slug]) for slug in CATEGORIES] == [9, 9, 9]
    # Every listing page is in the sitemap, dated like the category (its newest post, subcategories
    # included); no other category URL is.
    entries = sitemap(result)
    listed = {loc: lastmod for loc, lastmod in entries.items() if "/category/" in loc}
    assert set(listed) == {f"https://kb.test/{p['file']}" for pages in crawled.values() for p in pages}
    assert {
        slug: {listed[f"https://kb.test/{p['file']}"] for p in pages} for slug, pages in crawled.items()
    } == {"managed-it": {"2024-08-01"}, "security": {"2024-09-05"}, "backup": {"2024-09-05"}}


def test_numbered_pages_sit_under_their_category(sized_sites):
    soup = sized_sites[500].html("category/backup/page/3.html")
    crumbs = soup.select(".kb-breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == [
        "Home",
        "Security",
        "Backup & Recovery",
        "Backup & Recovery (page 3 of 9)",
    ]
    assert [a["href"] for a in soup.select(".kb-breadcrumbs a")] == [
        "../../../index.html",
        "../../security.html",
        "../../backup.html",
    ]
    assert crumbs[-1].find("a") is None
    assert crumbs[-1]["aria-current"] == "page"
    assert soup.find("article").find("h1").get_text().rstrip("¶") == "Backup & Recovery (page 3 of 9)"
    assert meta(soup, "og:title") == meta(soup, "twitter:title") == "Backup & Recovery (page 3 of 9)"
    assert meta(soup, "og:url") == "https://kb.test/category/backup/page/3.html"
    assert soup.find("link", rel="canonical")["href"] == "https://kb.test/category/backup/page/3.html"
    assert meta(soup, "og:description") == "Copies of your data."
    assert meta(soup, "og:image") == "https://kb.test/default.png"
    # Its sidebar opens the category like page 1 does.
    assert nav_tree(soup) == nav_tree(sized_sites[500].html("category/backup.html"))
    assert soup.select_one(".sidebar-tree li.current-page") is None


def test_pager_links_carry_their_classes(sized_sites):
    soup = sized_sites[500].html("category/backup/page/3.html")
    assert [a.get_text() for a in soup.select(".kb-pager .kb-pager-newer")] == ["← Newer articles"]
    assert [a.get_text() for a in soup.select(".kb-pager .kb-pager-older")] == ["Older articles →"]


def test_every_post_is_reachable_with_dirhtml(tmp_path_factory):
    src = copy_root(tmp_path_factory, "dirhtml")
    add_posts(src, 130)
    result = build(src, "dirhtml")
    result.assert_no_warnings()
    crawled = check_reachable(result, "dirhtml", expected_order(130))
    assert [len(crawled[slug]) for slug in CATEGORIES] == [3, 3, 3]
    assert [p["file"] for p in crawled["managed-it"]] == [
        "category/managed-it/index.html",
        "category/managed-it/page/2/index.html",
        "category/managed-it/page/3/index.html",
    ]
    page2 = result.html("category/managed-it/page/2/index.html")
    assert [a["href"] for a in page2.select(".kb-pager a")] == ["../../", "../3/"]
    assert [a["href"] for a in page2.select(".kb-breadcrumbs a")] == ["../../../../", "../../"]
    assert "https://kb.test/category/managed-it/page/3/" in sitemap(result)
    assert not list(result.outdir.rglob("page/*.html"))


# --- social cards --------------------------------------------------------------------------------


def stat(path: Path) -> tuple[int, int]:
    return path.stat().st_mtime_ns, path.stat().st_ino


def test_cards_are_drawn_before_writing_in_two_processes_and_pages_find_them(make_project, monkeypatch):
    from sphinx_kb.outputs import cards, metadata

    src = make_project()
    add_notes(src, 12)
    monkeypatch.setattr(metadata, "CARDS_IN_TWO_PROCESSES", 4)
    batches: list[int] = []
    split = metadata.in_two_processes
    monkeypatch.setattr(
        metadata, "in_two_processes", lambda draw, todo: batches.append(len(todo)) or split(draw, todo)
    )
    ahead_done: list[bool] = []
    ahead = metadata.draw_cards_ahead
    monkeypatch.setattr(
        metadata, "draw_cards_ahead", lambda app, builder: ahead(app, builder) or ahead_done.append(True)
    )
    drawn: dict[str, list[str]] = {"ahead": [], "while writing": []}
    original = cards.draw_card

    def draw_card(destination, *args):
        drawn["while writing" if ahead_done else "ahead"].append(destination.name)
        original(destination, *args)

    monkeypatch.setattr(cards, "draw_card", draw_card)
    result = build(src)
    result.assert_no_warnings()
    # 12 notes and 3 posts without an image of their own, drawn by two processes before writing:
    # this process drew its half (the child's drawing is not seen here), the pages none.
    assert batches == [15]
    assert len(drawn["ahead"]) == 7
    assert drawn["while writing"] == []
    for number in (0, 11):
        slug = f"note-{number:02d}"
        assert card_file(result, result.html(f"blog/{slug}.html"), slug).is_file()
    assert len(list((result.outdir / "_kb" / "cards").iterdir())) == 15


def test_a_card_is_drawn_once_and_replaced_when_the_title_changes(make_project, tmp_path):
    src = make_project()
    first = build(src)
    first.assert_no_warnings()
    card = card_file(first, first.html("blog/helpdesk-basics.html"), "helpdesk-basics")
    other = card_file(first, first.html("blog/phishing-101.html"), "phishing-101")
    folder = first.outdir / "_kb" / "cards"
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3  # helpdesk-basics, phishing-101, backup-rule
    before = {card: stat(card), other: stat(other)}

    # A build with nothing to do, then one that rewrites the post's page: the card is reused.
    build(src).assert_no_warnings()
    post = src / "blog/helpdesk-basics.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    touch_later(post)
    rewritten = build(src)
    rewritten.assert_no_warnings()
    assert "blog/helpdesk-basics" in written(rewritten)
    assert card_file(rewritten, rewritten.html("blog/helpdesk-basics.html"), "helpdesk-basics") == card
    assert {p: stat(p) for p in before} == before
    assert sorted(p.name for p in folder.iterdir()) == names

    # A new title: a new card under a new name; the old one is deleted, the others are kept.
    post.write_text(
        post.read_text(encoding="utf-8").replace('title: "Helpdesk Basics"', 'title: "Helpdesk Essentials"'),
        encoding="utf-8",
    )
    touch_later(post)
    retitled = build(src)
    retitled.assert_no_warnings()
    new = card_file(retitled, retitled.html("blog/helpdesk-basics.html"), "helpdesk-basics")
    assert new != card
    assert not card.exists()
    assert stat(other) == before[other]
    assert sorted(p.name for p in folder.iterdir()) == sorted({*names} - {card.name} | {new.name})
    # It is the card a clean build draws.
    clean = build(clean_copy(src, tmp_path / "clean"), outdir=tmp_path / "clean-out", fresh=True)
    clean.assert_no_warnings()
    assert sorted(p.name for p in (clean.outdir / "_kb" / "cards").iterdir()) == sorted(
        p.name for p in folder.iterdir()
    )
    assert (clean.outdir / "_kb" / "cards" / new.name).read_bytes() == new.read_bytes()

    # A post that gets an image of its own loses its card.
    phishing = src / "blog/phishing-101.md"
    phishing.write_text(
        phishing.read_text(encoding="utf-8").replace("status:", 'ogImage: "/default.png"\nstatus:'),
        encoding="utf-8",
    )
    touch_later(phishing)
    own = build(src)
    own.assert_no_warnings()
    assert meta(own.html("blog/phishing-101.html"), "og:image") == "https://kb.test/default.png"
    assert not other.exists()

    # Cards turned off: the posts use the default image and no card is left.
    off = build(src, overrides={"kb_social_cards": False})
    off.assert_no_warnings()
    assert meta(off.html("blog/helpdesk-basics.html"), "og:image") == "https://kb.test/default.png"
    assert meta(off.html("blog/helpdesk-basics.html"), "og:image:width") is None
    assert (sorted(folder.rglob("*")) if folder.exists() else []) == []


HARD_TITLES = {
    "all-caps": "WHY EVERY SMALL BUSINESS NEEDS A MANAGED BACKUP AND DISASTER RECOVERY PLAN",
    "very-long": " ".join(["Understanding"] * 40),
    "one-word": "Configuration" * 20,
    "accents": "Café — naïve résumé, Ελληνικά, Кириллица",
}


@pytest.fixture(scope="module")
def hard_titles(tmp_path_factory) -> BuildResult:
    src = copy_root(tmp_path_factory, "titles")
    for slug, title in HARD_TITLES.items():
        write_post(
            src, slug, f'title: "{title}"\nslug: {slug}\ncategory: Security\nexcerpt: "E."\ndate: 2024-01-01'
        )
    result = build(src)
    result.assert_no_warnings()
    return result


@pytest.mark.parametrize("slug", HARD_TITLES)
def test_long_and_unusual_titles_get_cards(hard_titles, slug):
    card_file(hard_titles, hard_titles.html(f"blog/{slug}.html"), slug)


def ink_in_right_margin(path: Path) -> int:
    """How many pixels of the card's right margin (x >= 1125, past the rule under the title) are
    not the background (palette index 0)."""
    with Image.open(path) as image:
        margin = image.crop((1125, 0, 1200, 630))
        return sum(count for count, index in margin.getcolors() if index != 0)


def test_an_all_caps_title_stays_inside_the_margins(hard_titles):
    card = card_file(hard_titles, hard_titles.html("blog/all-caps.html"), "all-caps")
    assert ink_in_right_margin(card) == 0


def test_card_titles_that_fit_stay_inside_the_margins(hard_titles):
    for slug in ("very-long", "one-word", "accents"):
        card = card_file(hard_titles, hard_titles.html(f"blog/{slug}.html"), slug)
        assert ink_in_right_margin(card) == 0, slug


# --- an edit rewrites a bounded number of pages --------------------------------------------------


def html_mtimes(outdir: Path) -> dict[str, int]:
    """mtime_ns of every page Sphinx writes only when it is out of date (not the search, index
    and 404 pages it writes on every build)."""
    return {
        str(p.relative_to(outdir)): p.stat().st_mtime_ns
        for p in outdir.rglob("*.html")
        if p.name not in ("search.html", "genindex.html", "404.html")
    }


def rebuild(src: Path, edited: Path) -> tuple[BuildResult, set[str]]:
    """Build again after editing one source; return the result and the pages whose file changed."""
    outdir = src / "_build" / "html"
    before = html_mtimes(outdir)
    touch_later(edited)
    result = build(src)
    result.assert_no_warnings()
    # touch_later dated the source in the future: date it back, or the next build would take it
    # as changed again (Sphinx compares it with the time it read it, and with the page's mtime).
    past = time.time() - 60
    os.utime(edited, (past, past))
    after = html_mtimes(outdir)
    changed = {docname_of(path) for path in after if before.get(path) != after[path]}
    assert written(result) == changed
    return result, changed


def test_an_edit_rewrites_a_bounded_number_of_pages(tmp_path_factory):
    src = copy_root(tmp_path_factory, "posts200")
    add_posts(src, 200)
    build(src).assert_no_warnings()
    order = expected_order(200)

    # A body: the post, and its toctree parent (Sphinx rewrites the page whose toctree lists a
    # document it read again). Page 1 of the category does not list post-0100 (it is on page 2).
    deep = src / "blog/post-0100.md"
    assert order["security"].index("post-0100") // PER_PAGE == 1
    deep.write_text(deep.read_text(encoding="utf-8").replace("Some text.", "Other text."), encoding="utf-8")
    _, changed = rebuild(src, deep)
    assert changed == {"blog/post-0100", "category/security"}

    # A post that page 1 lists: its card there shows no body, so the same two pages.
    recent = src / "blog/post-0198.md"
    assert order["managed-it"].index("post-0198") < PER_PAGE
    recent.write_text(
        recent.read_text(encoding="utf-8").replace("Some text.", "Other text."), encoding="utf-8"
    )
    _, changed = rebuild(src, recent)
    assert changed == {"blog/post-0198", "category/managed-it"}

    # A title: also the pages that show it (sidebar windows, previous/next links, the listing page
    # with its card), found in the new output; no other page.
    deep.write_text(
        deep.read_text(encoding="utf-8").replace('title: "Post 0100"', 'title: "Post One Hundred"'),
        encoding="utf-8",
    )
    result, changed = rebuild(src, deep)
    shows = set()
    for path in sorted(result.outdir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "Post One Hundred" in text and path.name not in ("search.html", "genindex.html"):
            shows.add(docname_of(str(path.relative_to(result.outdir))))
    # The posts whose window (the 5 newer posts, the post, the 4 older ones) holds post-0100:
    # the 4 newer and the 5 older posts.
    index = order["security"].index("post-0100")
    neighbours = order["security"][index - 4 : index + 6]
    # The archive lists every post by date: the one archive page that holds its card.
    archive = {d for d in shows if d == "archive" or d.startswith("archive/")}
    assert len(archive) == 1, archive
    assert shows - archive == {f"blog/{slug}" for slug in neighbours} | {"category/security/page/2"}
    assert changed == shows | {"category/security"}
    assert len(changed) == SIDEBAR_POSTS + 3


# --- the options ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_pages(tmp_path_factory) -> BuildResult:
    """Security with 11 posts of its own, 4 a page, 3 in the sidebar."""
    src = copy_root(tmp_path_factory, "options")
    add_posts(src, 10, ("security",))
    result = build(src, overrides={"kb_posts_per_page": 4, "kb_sidebar_posts": 3})
    result.assert_no_warnings()
    return result


SECURITY = ["phishing-101", *(f"post-{i:04d}" for i in reversed(range(10)))]


def window_of(result: BuildResult, page: str) -> list[str]:
    """The posts the sidebar lists under Security (hrefs resolved to slugs, the page itself as #)."""
    security = result.html(page).select(".sidebar-tree > ul > li")[1]
    items = security.find("ul", recursive=False).find_all("li", recursive=False)
    links = [li.find("a") for li in items if "kb-nav-more" not in li["class"] and not li.select(".kb-count")]
    return [
        "#" if a["href"] == "#" else posixpath.basename(target(page, a["href"])).removesuffix(".html")
        for a in links
    ]


@pytest.mark.parametrize(
    ("slug", "window"),
    [
        ("phishing-101", ["#", "post-0009", "post-0008"]),
        ("post-0009", ["phishing-101", "#", "post-0008"]),
        ("post-0005", ["post-0006", "#", "post-0004"]),
        ("post-0001", ["post-0002", "#", "post-0000"]),
        ("post-0000", ["post-0002", "post-0001", "#"]),
    ],
)
def test_kb_sidebar_posts_sets_the_window(small_pages, slug, window):
    assert window_of(small_pages, f"blog/{slug}.html") == window
    soup = small_pages.html(f"blog/{slug}.html")
    (more,) = soup.select(".sidebar-tree li.kb-nav-more > a")
    assert more["href"] == "../category/security.html"
    assert nav_tree(soup)[0] == ("Managed IT", "2", [])


def test_kb_sidebar_posts_on_category_pages(small_pages):
    for page in ("category/security.html", "category/security/page/2.html", "category/security/page/3.html"):
        assert window_of(small_pages, page) == ["phishing-101", "post-0009", "post-0008"], page
    # A category with fewer posts than the window: all of them, and no link to its page.
    soup = small_pages.html("blog/helpdesk-basics.html")
    assert nav_tree(soup)[0] == (
        "Managed IT",
        "2",
        [("What to Look for in an Outsourced IT Partner", None, []), ("Helpdesk Basics", None, [])],
    )
    assert soup.select(".sidebar-tree .kb-nav-more") == []


def test_kb_posts_per_page_splits_the_listing(small_pages):
    pages = crawl(small_pages, "category/security.html")
    assert [(p["file"], p["status"], p["newer"], p["older"]) for p in pages] == [
        ("category/security.html", "Page 1 of 3", None, "category/security/page/2.html"),
        (
            "category/security/page/2.html",
            "Page 2 of 3",
            "category/security.html",
            "category/security/page/3.html",
        ),
        ("category/security/page/3.html", "Page 3 of 3", "category/security/page/2.html", None),
    ]
    assert [p["posts"] for p in pages] == [SECURITY[:4], SECURITY[4:8], SECURITY[8:]]
    page2 = small_pages.html("category/security/page/2.html")
    assert [(a.get_text(), a["href"]) for a in page2.select(".kb-pager a")] == [
        ("← Newer articles", "../../security.html"),
        ("Older articles →", "3.html"),
    ]
    # Page 1 keeps its subcategories; numbered pages only list posts.
    assert [
        c.get_text(strip=True)
        for c in small_pages.html("category/security.html").select(".kb-category-card-title a")
    ] == ["Backup & Recovery"]
    assert page2.select(".kb-category-card") == []
    # Categories that fit on one page have no pager and no numbered page.
    for slug in ("managed-it", "backup"):
        assert small_pages.html(f"category/{slug}.html").select(".kb-pager") == [], slug
        assert not (small_pages.outdir / "category" / slug / "page").exists(), slug
    # The numbered pages are generated orphans: in the sitemap, not in the toctree.
    assert {loc for loc in sitemap(small_pages) if "/page/" in loc} == {
        "https://kb.test/category/security/page/2.html",
        "https://kb.test/category/security/page/3.html",
    }
    relations = small_pages.app.env.collect_relations()
    assert "category/security/page/2" not in relations
    assert (small_pages.srcdir / "category/security/page/3.md").is_file()


def test_kb_posts_per_page_below_one_counts_as_one(make_project):
    result = build(make_project(), overrides={"kb_posts_per_page": 0})
    result.assert_no_warnings()
    pages = crawl(result, "category/managed-it.html")
    assert [(p["status"], p["posts"]) for p in pages] == [
        ("Page 1 of 2", ["outsourced-it-partner"]),
        ("Page 2 of 2", ["helpdesk-basics"]),
    ]


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_pages_come_and_go_with_the_posts_incrementally(make_project, tmp_path, builder):
    """A category that shrinks loses its last numbered page (source and output), one that grows
    gains it; each time the site is the one a clean build makes."""
    options = {"kb_posts_per_page": 4, "kb_sidebar_posts": 3}
    src = make_project()
    add_posts(src, 10, ("security",))
    build(src, builder, overrides=options).assert_no_warnings()
    page3 = page_file(builder, "category/security/page/3")
    assert (src / "_build" / builder / page3).is_file()

    for step, change in enumerate(("shrink", "grow")):
        if change == "shrink":
            for i in range(4):
                (src / "blog" / f"post-{i:04d}.md").unlink()
        else:
            add_posts(src, 4, ("security",))
            for i in range(4):
                touch_later(src / "blog" / f"post-{i:04d}.md")
        incremental = build(src, builder, overrides=options)
        incremental.assert_no_warnings()
        clean = build(
            clean_copy(src, tmp_path / f"clean{step}"),
            builder,
            outdir=tmp_path / f"clean-out{step}" / builder,
            overrides=options,
            fresh=True,
        )
        clean.assert_no_warnings()
        assert incremental.pages() == clean.pages(), change
        assert (incremental.outdir / "sitemap.xml").read_text(encoding="utf-8") == (
            clean.outdir / "sitemap.xml"
        ).read_text(encoding="utf-8")
        assert (incremental.outdir / page3).exists() == (change == "grow")
        assert (src / "category/security/page/3.md").exists() == (change == "grow")
        assert [p["status"] for p in crawl(incremental, page_file(builder, "category/security"))] == (
            ["Page 1 of 2", "Page 2 of 2"]
            if change == "shrink"
            else ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
        )
