"""Categories, category pages, the home page, the navigation they make, and links between pages."""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import ROOTS, BuildResult, build, env_counts, nav_label, nav_tree, plain, write_post

from sphinx_kb.pages.sources import MARKER

# Pages of the taxonomy root in reading order: home, then each top-level category (by `order`)
# with its subcategories (by `order`) before its own posts (newest first, undated last by title).
READING_ORDER = [
    "index",
    "category/security",
    "category/passwords",
    "blog/password-managers",
    "category/firewalls",
    "category/vpn",
    "blog/vpn-setup",
    "blog/firewall-rules",
    "blog/stateful-inspection",
    "category/networking",
    "blog/wifi-basics",
    "blog/access-points",
    "blog/cable-types",
]


def text(tag) -> str:
    return tag.get_text(" ", strip=True).rstrip("¶").strip()


def post_cards(soup: BeautifulSoup) -> list[tuple[str, str, str | None, str | None, str]]:
    """(title, href, date, category, excerpt) of each post card, in page order."""
    result = []
    for card in soup.select("article .kb-post-card"):
        (link,) = card.select(".kb-post-card-title a")
        date = card.select_one(".kb-post-card-meta .kb-date")
        category = card.select_one(".kb-post-card-meta a")
        result.append(
            (
                link.get_text(strip=True),
                link["href"],
                date.get_text() if date else None,
                category.get_text(strip=True) if category else None,
                card.select_one(".kb-post-card-excerpt").get_text(),
            )
        )
    return result


def category_cards(soup: BeautifulSoup) -> list[tuple[str, str, str, str | None]]:
    """(name, href, count, description HTML) of each category card, in page order."""
    result = []
    for card in soup.select("article .kb-category-card"):
        (link,) = card.select(".kb-category-card-title a")
        description = card.select_one(".kb-category-card-description")
        result.append(
            (
                link.get_text(strip=True),
                link["href"],
                card.select_one(".kb-count").get_text(),
                "".join(str(c) for c in description.children).strip() if description else None,
            )
        )
    return result


def intro(soup: BeautifulSoup) -> list[str]:
    """HTML of the paragraphs between a page's H1 and its first subsection."""
    h1 = soup.find("article").find("h1")
    return [str(p) for p in h1.find_next_siblings("p")]


def sidebar(soup: BeautifulSoup) -> list[tuple[str, list]]:
    """The sidebar as nested (label, children) pairs (labels without the article counts)."""

    def strip(items: list) -> list[tuple[str, list]]:
        return [(label, strip(children)) for label, _count, children in items]

    return strip(nav_tree(soup))


def doc_of(page: str, href: str, builder: str = "html") -> str:
    """The docname an internal href on `page` (an output path) points to."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), urlsplit(href).path))
    if builder == "dirhtml":
        target = target.removesuffix("/index.html").removesuffix("index.html")
        return "index" if target in ("", ".") else target
    return target.removesuffix(".html")


def touch_later(path: Path) -> None:
    """An mtime clearly after the last build read the file (Sphinx compares the two)."""
    later = time.time() + 10
    os.utime(path, (later, later))


# --- generated sources ---------------------------------------------------------------------------


def test_a_page_is_generated_per_category_with_posts(make_project):
    src = make_project("taxonomy")
    result = build(src)
    result.assert_no_warnings()
    generated = sorted(p.name for p in (src / "category").iterdir())
    # Hardware and Antivirus have no posts: no page for them.
    assert generated == ["firewalls.md", "networking.md", "passwords.md", "security.md", "vpn.md"]
    for path in [src / "index.md", *(src / "category").iterdir()]:
        assert path.read_text(encoding="utf-8").splitlines()[0] == MARKER
    assert not (result.outdir / "category/hardware.html").exists()
    assert not (result.outdir / "category/antivirus.html").exists()
    assert "Hardware" not in result.html("index.html").get_text()
    assert "Antivirus" not in result.html("category/security.html").get_text()


def test_hand_written_home_page_is_left_alone(make_project):
    src = make_project("taxonomy")
    home = (
        "# Welcome\n\nOur own words.\n\n"
        "```{toctree}\n:hidden:\n\ncategory/security\ncategory/networking\n```\n"
    )
    (src / "index.md").write_text(home, encoding="utf-8")
    result = build(src)
    result.assert_no_warnings()
    assert (src / "index.md").read_text(encoding="utf-8") == home
    soup = result.html("index.html")
    assert text(soup.find("article").find("h1")) == "Welcome"
    assert soup.select(".kb-post-card, .kb-category-card") == []
    # The category pages are still generated.
    assert category_cards(result.html("category/security.html"))[0][0] == "Passwords"


def test_home_page_with_the_marker_line_is_regenerated(make_project):
    src = make_project("taxonomy")
    (src / "index.md").write_text(f"{MARKER}\n\n# Stale\n", encoding="utf-8")
    result = build(src)
    result.assert_no_warnings()
    assert "# Stale" not in (src / "index.md").read_text(encoding="utf-8")
    assert text(result.html("index.html").find("article").find("h1")) == "Taxonomy KB"


# --- category pages ------------------------------------------------------------------------------


def test_category_page_shows_description_subcategories_and_posts(make_project):
    result = build(make_project("taxonomy"))
    result.assert_no_warnings()
    soup = result.html("category/firewalls.html")
    assert text(soup.find("article").find("h1")) == "Firewalls"
    assert intro(soup) == ["<p>Filtering <em>traffic</em>.</p>"]
    assert [text(h) for h in soup.find("article").find_all("h2")] == ["Subcategories", "Articles"]
    assert category_cards(soup) == [("Virtual Private Networks", "vpn.html", "1 article", "<p>Tunnels.</p>")]
    # Newest first; a category page does not repeat the category on each card.
    assert post_cards(soup) == [
        (
            "Writing Firewall Rules",
            "../blog/firewall-rules.html",
            "June 1, 2024",
            None,
            "Allow only what you need.",
        ),
        (
            "Stateful Inspection",
            "../blog/stateful-inspection.html",
            "January 15, 2024",
            None,
            "How firewalls track connections.",
        ),
    ]


def test_category_description_is_rendered_from_markdown(make_project):
    result = build(make_project("taxonomy"))
    soup = result.html("category/security.html")
    assert intro(soup) == [
        "<p>Keep <strong>attackers</strong> out.</p>",
        '<p>See <a class="reference external" href="https://www.nist.gov/">the NIST site</a>'
        " for standards.</p>",
    ]


def test_category_with_only_subcategories_lists_them_with_counts(make_project):
    result = build(make_project("taxonomy"))
    soup = result.html("category/security.html")
    assert [text(h) for h in soup.find("article").find_all("h2")] == ["Subcategories"]
    # By `order` (Passwords 1, Firewalls 2), not by name; a count includes the subcategories' posts;
    # Antivirus has no posts and is not listed.
    assert category_cards(soup) == [
        ("Passwords", "passwords.html", "1 article", None),
        ("Firewalls", "firewalls.html", "3 articles", "<p>Filtering <em>traffic</em>.</p>"),
    ]
    assert post_cards(soup) == []


def test_undated_posts_come_last_by_title_without_a_date(make_project):
    result = build(make_project("taxonomy"))
    soup = result.html("category/networking.html")
    assert post_cards(soup) == [
        ("Wi-Fi Basics", "../blog/wifi-basics.html", "April 4, 2024", None, "Channels and bands."),
        ("Access Points", "../blog/access-points.html", None, None, "Where to put them."),
        ("Cable Types", "../blog/cable-types.html", None, None, "Cat5e, Cat6 and fibre."),
    ]
    assert [card.select(".kb-post-card-meta") for card in soup.select(".kb-post-card")][1:] == [[], []]


# --- home page -----------------------------------------------------------------------------------


def test_home_page_lists_categories_with_counts_and_latest_posts(make_project):
    result = build(make_project("taxonomy"))
    result.assert_no_warnings()
    soup = result.html("index.html")
    assert text(soup.find("article").find("h1")) == "Taxonomy KB"
    assert intro(soup) == ["<p>Three levels of categories.</p>"]
    assert [text(h) for h in soup.find("article").find_all("h2")] == ["Categories", "Latest articles"]
    assert category_cards(soup) == [
        (
            "Security",
            "category/security.html",
            "4 articles",
            '<p>Keep <strong>attackers</strong> out.</p>\n<p>See <a class="reference external" '
            'href="https://www.nist.gov/">the NIST site</a> for standards.</p>',
        ),
        ("Networking", "category/networking.html", "3 articles", "<p>Cables, Wi-Fi and routers.</p>"),
    ]
    # kb_latest_posts = 3 in conf.py.
    assert post_cards(soup) == [
        (
            "Writing Firewall Rules",
            "blog/firewall-rules.html",
            "June 1, 2024",
            "Firewalls",
            "Allow only what you need.",
        ),
        (
            "Password Managers",
            "blog/password-managers.html",
            "May 5, 2024",
            "Passwords",
            "Stop reusing passwords.",
        ),
        ("Wi-Fi Basics", "blog/wifi-basics.html", "April 4, 2024", "Networking", "Channels and bands."),
    ]
    category_links = [a["href"] for a in soup.select("article .kb-post-card-meta a")]
    assert category_links == [
        "category/firewalls.html",
        "category/passwords.html",
        "category/networking.html",
    ]


def test_latest_posts_option(make_project):
    result = build(make_project("taxonomy"), overrides={"kb_latest_posts": 1})
    result.assert_no_warnings()
    assert [c[0] for c in post_cards(result.html("index.html"))] == ["Writing Firewall Rules"]


def test_basic_home_counts_subcategory_posts_in_the_parent(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    soup = result.html("index.html")
    assert [(c[0], c[2]) for c in category_cards(soup)] == [
        ("Managed IT", "2 articles"),
        ("Security", "2 articles"),
    ]
    assert category_cards(soup)[0][3] == "<p>Everything about <strong>managed</strong> services.</p>"


# --- categories named only by posts --------------------------------------------------------------


def test_categories_come_from_posts_without_a_categories_file(make_project):
    src = make_project("taxonomy")
    (src / "categories.yml").unlink()
    # Spell one category the same way everywhere: which spelling would win is not the subject here.
    post = src / "blog/access-points.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("category: networking", "category: Networking"),
        encoding="utf-8",
    )
    result = build(src)
    result.assert_no_warnings()
    assert sorted(p.name for p in (src / "category").iterdir()) == [
        "firewalls.md",
        "networking.md",
        "passwords.md",
        "virtual-private-networks.md",
    ]
    # Each name is a top-level category, slugified; "firewalls" finds "Firewalls" by its slug.
    # All have the same `order`, so they are sorted by name.
    home = result.html("index.html")
    assert [c[:3] for c in category_cards(home)] == [
        ("Firewalls", "category/firewalls.html", "2 articles"),
        ("Networking", "category/networking.html", "3 articles"),
        ("Passwords", "category/passwords.html", "1 article"),
        ("Virtual Private Networks", "category/virtual-private-networks.html", "1 article"),
    ]
    assert [c[3] for c in category_cards(home)] == [None, None, None, None]
    # The home page belongs to no category: the sidebar lists the categories and no post.
    assert nav_tree(home) == [
        ("Firewalls", "2", []),
        ("Networking", "3", []),
        ("Passwords", "1", []),
        ("Virtual Private Networks", "1", []),
    ]
    assert nav_tree(result.html("blog/stateful-inspection.html"))[0] == (
        "Firewalls",
        "2",
        [("Writing Firewall Rules", None, []), ("Stateful Inspection", None, [])],
    )
    firewalls = result.html("category/firewalls.html")
    assert intro(firewalls) == []
    assert [c[0] for c in post_cards(firewalls)] == ["Writing Firewall Rules", "Stateful Inspection"]


def test_a_category_only_a_post_names_gets_a_page_and_a_warning(make_project):
    src = make_project()
    write_post(
        src,
        "cloud-costs",
        'title: "Cloud Costs"\nslug: cloud-costs\ncategory: "Cloud Stuff"\nexcerpt: "Watch the bill."\n'
        "date: 2024-10-01",
    )
    result = build(src)
    warnings = plain(result.warnings)
    assert warnings == (
        f"{src / 'blog/cloud-costs.md'}:4: WARNING: category `Cloud Stuff` is not in categories.yml "
        "(known categories: Managed IT, Security, Backup & Recovery, Empty Category; "
        "or add it to categories.yml) [kb.unknown-category]\n"
    )
    assert (src / "category/cloud-stuff.md").is_file()
    soup = result.html("category/cloud-stuff.html")
    assert text(soup.find("article").find("h1")) == "Cloud Stuff"
    assert [c[0] for c in post_cards(soup)] == ["Cloud Costs"]
    # Not in categories.yml: after the categories it orders.
    assert [(c[0], c[2]) for c in category_cards(result.html("index.html"))] == [
        ("Managed IT", "2 articles"),
        ("Security", "2 articles"),
        ("Cloud Stuff", "1 article"),
    ]
    assert [name for name, _ in sidebar(result.html("index.html"))] == [
        "Managed IT",
        "Security",
        "Cloud Stuff",
    ]


# --- navigation ----------------------------------------------------------------------------------


# The category tree every page's sidebar shows: every category with visible posts, in `order`, with
# its article count (subcategories included). Posts are added under the current page's category.
CATEGORY_TREE = [
    ("Security", "4", [("Passwords", "1", []), ("Firewalls", "3", [("Virtual Private Networks", "1", [])])]),
    ("Networking", "3", []),
]
FIREWALLS_OPEN = [
    (
        "Security",
        "4",
        [
            ("Passwords", "1", []),
            (
                "Firewalls",
                "3",
                [
                    ("Virtual Private Networks", "1", []),
                    ("Writing Firewall Rules", None, []),
                    ("Stateful Inspection", None, []),
                ],
            ),
        ],
    ),
    ("Networking", "3", []),
]
NETWORKING_OPEN = [
    CATEGORY_TREE[0],
    ("Networking", "3", [("Wi-Fi Basics", None, []), ("Access Points", None, []), ("Cable Types", None, [])]),
]
VPN_OPEN = [
    (
        "Security",
        "4",
        [
            ("Passwords", "1", []),
            ("Firewalls", "3", [("Virtual Private Networks", "1", [("Setting up a VPN", None, [])])]),
        ],
    ),
    ("Networking", "3", []),
]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("index.html", CATEGORY_TREE),
        ("category/security.html", CATEGORY_TREE),
        ("blog/vpn-setup.html", VPN_OPEN),
        ("category/vpn.html", VPN_OPEN),
        ("category/firewalls.html", FIREWALLS_OPEN),
        ("blog/firewall-rules.html", FIREWALLS_OPEN),
        ("blog/stateful-inspection.html", FIREWALLS_OPEN),
        ("category/networking.html", NETWORKING_OPEN),
        ("blog/cable-types.html", NETWORKING_OPEN),
    ],
)
def test_sidebar_lists_categories_and_the_posts_of_the_current_one(taxonomy_site, page, expected):
    assert nav_tree(taxonomy_site.html(page)) == expected
    # Three posts per category at most, below kb_sidebar_posts: no "All N articles" link.
    assert taxonomy_site.html(page).select(".sidebar-tree .kb-nav-more") == []


@pytest.fixture(scope="module")
def taxonomy_site(tmp_path_factory) -> BuildResult:
    src = tmp_path_factory.mktemp("taxonomy") / "src"
    shutil.copytree(ROOTS / "test-taxonomy", src)
    result = build(src)
    result.assert_no_warnings()
    return result


def current_marks(soup: BeautifulSoup) -> list[tuple[str, list[str], str, str | None, str | None]]:
    """(label, li classes, href, checkbox checked?, child ul class) of each sidebar item marked current."""
    result = []
    for li in soup.select(".sidebar-tree li.current"):
        box = li.find("input", recursive=False)
        ul = li.find("ul", recursive=False)
        result.append(
            (
                nav_label(li.find("a", recursive=False)),
                li["class"],
                li.find("a", recursive=False)["href"],
                None if box is None else ("checked" if box.has_attr("checked") else "unchecked"),
                None if ul is None else " ".join(ul.get("class", [])),
            )
        )
    return result


def test_sidebar_marks_the_current_post_and_its_categories_like_furo(taxonomy_site):
    soup = taxonomy_site.html("blog/vpn-setup.html")
    # As furo marks Sphinx's toctree: the branch down to the page is "current" (its checkboxes
    # checked, so it is open), the page's own item "current-page" and its link "current".
    assert current_marks(soup) == [
        (
            "Security",
            ["toctree-l1", "current", "has-children"],
            "../category/security.html",
            "checked",
            "current",
        ),
        (
            "Firewalls",
            ["toctree-l2", "current", "has-children"],
            "../category/firewalls.html",
            "checked",
            "current",
        ),
        (
            "Virtual Private Networks",
            ["toctree-l3", "current", "has-children"],
            "../category/vpn.html",
            "checked",
            "current",
        ),
        ("Setting up a VPN", ["toctree-l4", "current", "current-page"], "#", None, None),
    ]
    assert soup.select_one(".sidebar-tree > ul")["class"] == ["current"]
    assert [a["class"] for a in soup.select(".sidebar-tree a.current")] == [
        ["current", "reference", "internal"]
    ]
    # Another category: not current, and without children it has no checkbox.
    networking = soup.select(".sidebar-tree > ul > li")[1]
    assert networking["class"] == ["toctree-l1"]
    assert networking.select("input, ul") == []
    boxes = soup.select(".sidebar-tree input.toctree-checkbox")
    assert [b["aria-label"] for b in boxes if b.has_attr("checked")] == [
        "Toggle navigation of Security",
        "Toggle navigation of Firewalls",
        "Toggle navigation of Virtual Private Networks",
    ]
    assert len(boxes) == 3
    # Each checkbox has a unique id and the label of its toggle points to it.
    ids = [b["id"] for b in boxes]
    assert len(set(ids)) == len(ids)
    assert all(b.find_next_sibling("label")["for"] == b["id"] for b in boxes)
    # The home page: nothing is current.
    home = taxonomy_site.html("index.html")
    assert home.select(".sidebar-tree .current, .sidebar-tree [checked]") == []
    assert home.select_one(".sidebar-tree > ul").get("class") is None


def test_sidebar_marks_a_category_page_as_the_current_page(taxonomy_site):
    soup = taxonomy_site.html("category/vpn.html")
    assert current_marks(soup)[:2] == [
        (
            "Security",
            ["toctree-l1", "current", "has-children"],
            "security.html",
            "checked",
            "current",
        ),
        (
            "Firewalls",
            ["toctree-l2", "current", "has-children"],
            "firewalls.html",
            "checked",
            "current",
        ),
    ]
    label, classes, href, _box, _ul = current_marks(soup)[2]
    assert (label, classes, href) == (
        "Virtual Private Networks",
        ["toctree-l3", "current", "current-page", "has-children"],
        "#",
    )
    assert len(current_marks(soup)) == 3


def test_sidebar_opens_the_category_of_a_category_page(taxonomy_site):
    for page, label in (
        ("category/vpn.html", "Virtual Private Networks"),
        ("category/networking.html", "Networking"),
    ):
        (item,) = [m for m in current_marks(taxonomy_site.html(page)) if m[0] == label]
        assert item[3] == "checked", page


def test_prev_and_next_follow_the_taxonomy(make_project):
    result = build(make_project("taxonomy"))
    result.assert_no_warnings()
    for index, docname in enumerate(READING_ORDER):
        page = f"{docname}.html"
        soup = result.html(page)
        nxt = soup.head.find("link", rel="next")
        prev = soup.head.find("link", rel="prev")
        if index + 1 < len(READING_ORDER):
            assert doc_of(page, nxt["href"]) == READING_ORDER[index + 1], page
        else:
            assert nxt is None
        if index:
            assert doc_of(page, prev["href"]) == READING_ORDER[index - 1], page
        else:
            assert prev is None
    vpn = result.html("blog/vpn-setup.html")
    assert vpn.find("link", rel="prev")["title"] == "Virtual Private Networks"
    assert vpn.find("link", rel="next")["title"] == "Writing Firewall Rules"


def test_parent_chain_of_a_post_in_a_nested_category(make_project):
    result = build(make_project("taxonomy"))
    relations = result.app.env.collect_relations()
    chain = []
    docname = "blog/vpn-setup"
    while (parent := relations[docname][0]) is not None:
        chain.append(parent)
        docname = parent
    assert chain == ["category/vpn", "category/firewalls", "category/security", "index"]
    assert relations["blog/vpn-setup"] == ["category/vpn", "category/vpn", "blog/firewall-rules"]
    assert relations["index"] == [None, None, "category/security"]


def test_breadcrumbs_follow_the_parent_chain(make_project):
    result = build(make_project("taxonomy"))
    soup = result.html("blog/vpn-setup.html")
    crumbs = soup.select(".kb-breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == [
        "Home",
        "Security",
        "Firewalls",
        "Virtual Private Networks",
        "Setting up a VPN",
    ]
    assert [a["href"] for a in soup.select(".kb-breadcrumbs a")] == [
        "../index.html",
        "../category/security.html",
        "../category/firewalls.html",
        "../category/vpn.html",
    ]
    assert crumbs[-1].find("a") is None
    assert result.html("index.html").select(".kb-breadcrumbs") == []


def test_top_level_order_follows_order_field(make_project):
    src = make_project("taxonomy")
    path = src / "categories.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("order: 3", "order: 0"), encoding="utf-8")
    result = build(src)
    result.assert_no_warnings()
    assert [(name, count) for name, count, _ in nav_tree(result.html("index.html"))] == [
        ("Networking", "3"),
        ("Security", "4"),
    ]
    assert [c[0] for c in category_cards(result.html("index.html"))] == ["Networking", "Security"]
    assert result.html("index.html").find("link", rel="next")["href"] == "category/networking.html"


# --- generated sources are written only when they change -----------------------------------------


def generated_mtimes(src: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in [src / "index.md", *(src / "category").glob("*.md")]}


def test_unchanged_build_rewrites_nothing_and_reads_nothing(make_project):
    src = make_project("taxonomy")
    build(src).assert_no_warnings()
    generated = generated_mtimes(src)
    # Sphinx writes search.html, genindex.html and 404.html on every build; a document's page
    # only when it is out of date.
    pages = {
        p: p.stat().st_mtime_ns
        for p in (src / "_build/html").rglob("*.html")
        if p.name not in ("search.html", "genindex.html", "404.html")
    }
    for _ in range(2):
        # Twice: a build never leaves work for the next one (no rebuild loop in a live preview).
        again = build(src)
        again.assert_no_warnings()
        assert env_counts(again) == "0 added, 0 changed, 0 removed"
        assert "no targets are out of date" in plain(again.status)
        assert generated_mtimes(src) == generated
        assert {p: p.stat().st_mtime_ns for p in pages} == pages


def test_editing_a_post_body_rewrites_no_generated_source(make_project):
    src = make_project("taxonomy")
    build(src).assert_no_warnings()
    before = generated_mtimes(src)
    post = src / "blog/wifi-basics.md"
    post.write_text(post.read_text(encoding="utf-8").replace("quiet", "free"), encoding="utf-8")
    touch_later(post)
    second = build(src)
    second.assert_no_warnings()
    assert generated_mtimes(src) == before
    assert env_counts(second) == "0 added, 1 changed, 0 removed"
    assert "Pick a free channel." in second.html("blog/wifi-basics.html").find("article").get_text()


def test_listing_change_rewrites_no_generated_source_whose_text_is_the_same(make_project):
    src = make_project("taxonomy")
    build(src).assert_no_warnings()
    before = {p: (p.read_text(encoding="utf-8"), mtime) for p, mtime in generated_mtimes(src).items()}
    post = src / "blog/access-points.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Where to put them.", "High and central."), encoding="utf-8"
    )
    touch_later(post)
    result = build(src)
    result.assert_no_warnings()
    rewritten = [p for p, mtime in generated_mtimes(src).items() if mtime != before[p][1]]
    assert [p for p in rewritten if p.read_text(encoding="utf-8") == before[p][0]] == []
    networking = post_cards(result.html("category/networking.html"))
    assert networking[1] == ("Access Points", "../blog/access-points.html", None, None, "High and central.")


# --- links ---------------------------------------------------------------------------------------


def broken_links(result: BuildResult) -> list[str]:
    """Every internal href/src on every page that points to no file (or to no anchor in it)."""
    outdir = result.outdir
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            ids[path] = {t["id"] for t in soup.find_all(id=True)}
        return ids[path]

    broken = []
    checked = 0
    for page in sorted(outdir.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for node in soup.find_all(tag, attrs={attr: True}):
                url = urlsplit(node[attr])
                if url.scheme or url.netloc or node[attr].startswith("#"):
                    continue
                checked += 1
                # The 404 page's links start from the site root (it is served at any depth).
                base = outdir if node[attr].startswith("/") else page.parent
                target = (base / url.path.lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    broken.append(f"{page.relative_to(outdir)}: {node[attr]}")
                elif url.fragment and target.suffix == ".html" and url.fragment not in anchors(target):
                    broken.append(f"{page.relative_to(outdir)}: {node[attr]} (no such anchor)")
    assert checked > 100
    return broken


@pytest.mark.parametrize("root", ["basic", "taxonomy"])
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_every_internal_link_resolves(make_project, builder, root):
    result = build(make_project(root), builder)
    result.assert_no_warnings()
    assert broken_links(result) == []


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_sitemap_urls_are_pages_of_the_build(make_project, builder):
    result = build(make_project("taxonomy"), builder)
    result.assert_no_warnings()
    locs = re.findall(
        r"<loc>https://kb\.test/(.*?)</loc>", (result.outdir / "sitemap.xml").read_text("utf-8")
    )
    suffix = "/index.html" if builder == "dirhtml" else ""
    files = [f"{loc.rstrip('/')}{suffix}" if loc else "index.html" for loc in locs]
    assert len(files) == len(READING_ORDER)
    assert [f for f in files if not (result.outdir / f).is_file()] == []


def test_dirhtml_puts_category_pages_in_folders(make_project):
    result = build(make_project("taxonomy"), "dirhtml")
    result.assert_no_warnings()
    for docname in READING_ORDER[1:]:
        assert (result.outdir / docname / "index.html").is_file(), docname
        assert not (result.outdir / f"{docname}.html").exists()
    home = result.html("index.html")
    assert [c[1] for c in category_cards(home)] == ["category/security/", "category/networking/"]
    assert [c[1] for c in post_cards(home)] == [
        "blog/firewall-rules/",
        "blog/password-managers/",
        "blog/wifi-basics/",
    ]
    firewalls = result.html("category/firewalls/index.html")
    assert [c[1] for c in category_cards(firewalls)] == ["../vpn/"]
    assert [c[1] for c in post_cards(firewalls)] == [
        "../../blog/firewall-rules/",
        "../../blog/stateful-inspection/",
    ]
    post = result.html("blog/vpn-setup/index.html")
    assert post.select_one(".kb-post-meta a.kb-category")["href"] == "../../category/vpn/"
    assert doc_of("blog/vpn-setup/index.html", post.find("link", rel="next")["href"], "dirhtml") == (
        "blog/firewall-rules"
    )
    assert [a["href"] for a in post.select(".kb-breadcrumbs a")] == [
        "../../",
        "../../category/security/",
        "../../category/firewalls/",
        "../../category/vpn/",
    ]
