"""Redirects: `redirect_from` pages, the extensionless post paths, `_redirects`, and their errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import BuildResult, build, pagefind_pages, touch_later, write_post

from sphinx_kb.cli import main
from sphinx_kb.content.post import parse_post

BASE = "https://kb.test/"
# Lines 2-5 of a post; `redirect_from` starts on line 6.
VALID = "title: A Post\nslug: post\ncategory: Security\nexcerpt: Short."
PUBLISHED = ["backup-rule", "helpdesk-basics", "outsourced-it-partner", "phishing-101"]
PHISHING = """title: "Phishing 101"
slug: "phishing-101"
category: "Security"
excerpt: "Spot a phishing email."
date: 2024-07-01"""
OLD_PATHS = ["/old-blog/phishing/", "/2021/05/phishing.html", "/blog/phishing"]
# The files each old path gets (an extensionless path gets both forms).
OLD_FILES = [
    "old-blog/phishing/index.html",
    "2021/05/phishing.html",
    "blog/phishing.html",
    "blog/phishing/index.html",
]


def with_redirects(src: Path, *paths: str, slug: str = "phishing-101", front: str = PHISHING) -> Path:
    """Rewrite a post of the test root with `redirect_from` (on line 7 for phishing-101)."""
    listed = "\n".join(f'  - "{p}"' for p in paths)
    path = write_post(src, slug, f"{front}\nredirect_from:\n{listed}", "Look at the sender.\n")
    touch_later(path)
    return path


def refresh_url(result: BuildResult, name: str) -> str:
    """The URL in a page's `<meta http-equiv="refresh">` (asserting an instant refresh)."""
    tag = result.html(name).find("meta", attrs={"http-equiv": "refresh"})
    delay, _, url = tag["content"].partition(";")
    assert delay == "0"
    assert url.strip().startswith("url=")
    return url.strip().removeprefix("url=")


def served_file(url: str) -> str:
    """The output file a static host answers an absolute URL of the site with."""
    path = urlsplit(url).path.removeprefix(urlsplit(BASE).path)
    return path + "index.html" if path == "" or path.endswith("/") else path


def post_title(result: BuildResult, name: str) -> str:
    return result.html(name).find("h1").get_text(strip=True).rstrip("#¶")


def errors(result: BuildResult) -> list[str]:
    """The build's located ERROR lines (file relative to the source folder, line, message)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.warnings)
    return [
        line.replace(f"{result.srcdir}/", "")
        for line in plain.splitlines()
        if ": ERROR: " in line and line.startswith(str(result.srcdir))
    ]


def sitemap_locs(result: BuildResult) -> list[str]:
    return re.findall(r"<loc>(.*?)</loc>", (result.outdir / "sitemap.xml").read_text(encoding="utf-8"))


# --- the redirect pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "post_file"),
    [("html", "blog/phishing-101.html"), ("dirhtml", "blog/phishing-101/index.html")],
)
def test_redirect_pages_lead_to_the_post(make_project, builder, post_file):
    src = make_project()
    with_redirects(src, *OLD_PATHS)
    result = build(src, builder)
    result.assert_no_warnings()
    assert result.statuscode == 0
    canonical = BASE + ("blog/phishing-101.html" if builder == "html" else "blog/phishing-101/")
    for name in OLD_FILES:
        page = result.html(name)
        url = refresh_url(result, name)
        assert "://" not in url and not url.startswith("/"), url  # relative: works under a subpath
        # Hosts serve `a/b.html` at /a/b.html and at /a/b, `a/b/index.html` at /a/b/.
        addresses = [name[: -len("index.html")]] if name.endswith("index.html") else [name, name[:-5]]
        for address in addresses:
            target = served_file(urljoin(BASE + address, url))
            assert target == post_file, (name, address, url)
        assert (result.outdir / post_file).is_file()
        assert post_title(result, post_file) == "Phishing 101"
        assert page.find("link", rel="canonical")["href"] == canonical
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        link = page.find("a", id="kb-target")
        assert (link.get_text(), link["href"]) == ("Phishing 101", url)
        assert "location.replace" in page.find("script").string
        assert not page.find_all("meta", attrs={"property": re.compile("^og:")})
        assert page.find("title").get_text() == "Phishing 101"
    # The post itself says where it lives; the redirect pages are not part of the site's pages.
    assert result.html(post_file).find("link", rel="canonical")["href"] == canonical
    locs = sitemap_locs(result)
    assert canonical in locs
    assert not [loc for loc in locs if "phishing/" in loc or "2021" in loc or loc.endswith("phishing.html")]
    indexed = pagefind_pages(result.outdir)
    assert "/" + post_file.removesuffix("index.html") in indexed
    assert not {"/" + name for name in OLD_FILES} & set(indexed)
    assert not {"/" + name.removesuffix("index.html") for name in OLD_FILES} & set(indexed)


def test_under_a_subpath_links_stay_relative_and_rules_get_the_prefix(make_project):
    src = make_project()
    with_redirects(src, "/old-blog/phishing/")
    result = build(src, overrides={"html_baseurl": "https://example.com/kb/"})
    assert result.statuscode == 0
    page = result.html("old-blog/phishing/index.html")
    assert refresh_url(result, "old-blog/phishing/index.html") == "../../blog/phishing-101.html"
    assert page.find("link", rel="canonical")["href"] == "https://example.com/kb/blog/phishing-101.html"
    rules = (result.outdir / "_redirects").read_text(encoding="utf-8").splitlines()
    assert rules[-1] == "/kb/old-blog/phishing/ /kb/blog/phishing-101.html 301"


# --- the extensionless post paths -----------------------------------------------------------------


def test_every_published_post_answers_at_its_extensionless_path(make_project):
    result = build(make_project())
    result.assert_no_warnings()
    for slug in PUBLISHED:
        name = f"blog/{slug}/index.html"
        url = refresh_url(result, name)
        assert url == f"../{slug}.html"
        # `/blog/<slug>` -> (the host adds the slash) `/blog/<slug>/` -> the post.
        assert served_file(urljoin(f"{BASE}blog/{slug}/", url)) == f"blog/{slug}.html"
        assert result.html(name).find("link", rel="canonical")["href"] == f"{BASE}blog/{slug}.html"
    # Drafts get none (their title would leak), and there are no rules for these paths.
    assert not (result.outdir / "blog/secret-plans").exists()
    assert not (result.outdir / "_redirects").exists()
    assert [loc for loc in sitemap_locs(result) if loc.endswith("/")] == [BASE]
    assert not [url for url in pagefind_pages(result.outdir) if url.endswith("/") and url != "/"]


def test_extensionless_pages_can_be_turned_off(make_project):
    result = build(make_project(), overrides={"kb_extensionless_redirects": False})
    result.assert_no_warnings()
    assert not [p for p in (result.outdir / "blog").iterdir() if p.is_dir()]


def test_dirhtml_needs_no_extensionless_pages(make_project):
    result = build(make_project(), "dirhtml")
    result.assert_no_warnings()
    for slug in PUBLISHED:
        assert post_title(result, f"blog/{slug}/index.html") != ""
        assert not (result.outdir / f"blog/{slug}.html").exists()


def test_drafts_get_theirs_in_a_preview(make_project):
    result = build(make_project(), overrides={"kb_drafts": True})
    assert refresh_url(result, "blog/secret-plans/index.html") == "../secret-plans.html"


# --- _redirects -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "target"), [("html", "/blog/phishing-101.html"), ("dirhtml", "/blog/phishing-101/")]
)
def test_redirects_file_lists_each_old_path(make_project, builder, target):
    src = make_project()
    with_redirects(src, *OLD_PATHS)
    result = build(src, builder)
    text = (result.outdir / "_redirects").read_text(encoding="utf-8")
    rules = [line for line in text.splitlines() if not line.startswith("#")]
    assert rules == [
        f"/2021/05/phishing.html {target} 301",
        f"/blog/phishing {target} 301",
        f"/old-blog/phishing/ {target} 301",
    ]


def test_redirects_file_keeps_the_public_folders_rules_after_ours(make_project):
    src = make_project()
    with_redirects(src, "/old-blog/phishing/")
    mine = "# my rules\n/home / 301\n/old-blog/phishing/ /elsewhere 302\n/news/* /blog/:splat 301\n"
    (src / "public/_redirects").write_text(mine, encoding="utf-8")
    result = build(src)
    text = (result.outdir / "_redirects").read_text(encoding="utf-8")
    ours = "/old-blog/phishing/ /blog/phishing-101.html 301\n"
    assert text.index(ours) < text.index(mine)
    assert text.endswith(mine)
    # The same source in both: ours comes first and wins; the build says so, at the user's line.
    assert re.search(
        r"public/_redirects:3: WARNING: public/_redirects also redirects /old-blog/phishing/", result.warnings
    )
    assert result.statuscode == 0
    # Unchanged on the next build (the public copy and ours do not fight).
    again = build(src)
    assert (again.outdir / "_redirects").read_text(encoding="utf-8") == text


def test_redirects_file_over_cloudflares_limit_is_a_warning(make_project):
    src = make_project()
    with_redirects(src, "/old-blog/phishing/", "/p/")
    # 1,999 static rules of the user's, then a splat: with our two, 2,001 static rules.
    lines = [f"/legacy/{i}/ / 301" for i in range(1999)] + ["/x/* / 301"]
    (src / "public/_redirects").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = build(src)
    assert "_redirects holds 2001 static rules; Cloudflare Pages reads the first 2000" in result.warnings
    assert "[kb.redirects-file]" in result.warnings
    assert result.statuscode == 0


def test_redirects_file_goes_with_the_last_redirect(make_project):
    src = make_project()
    post = with_redirects(src, "/old-blog/phishing/")
    assert (build(src).outdir / "_redirects").is_file()
    write_post(src, "phishing-101", PHISHING, "Look at the sender.\n")
    touch_later(post)
    assert not (build(src).outdir / "_redirects").exists()


# --- errors ---------------------------------------------------------------------------------------


def assert_failed_but_published(result: BuildResult, *posts: str) -> None:
    assert result.statuscode == 1
    assert "error(s) in" in result.warnings
    for slug in posts:
        assert post_title(result, f"blog/{slug}.html") != ""


def test_two_posts_claiming_one_old_path_both_lose_it(make_project):
    src = make_project()
    with_redirects(src, "/old/shared/", "/old/mine/")
    helpdesk = (src / "blog/helpdesk-basics.md").read_text(encoding="utf-8")
    front = helpdesk.split("---")[1].strip()
    with_redirects(src, "/old/shared", slug="helpdesk-basics", front=front)
    result = build(src)
    assert_failed_but_published(result, "phishing-101", "helpdesk-basics")
    line = len(front.splitlines()) + 2
    assert errors(result) == [
        f"blog/helpdesk-basics.md:{line}: ERROR: old path `/old/shared` is also claimed by "
        "blog/phishing-101.md; neither post gets the redirect (keep it in one post only) "
        "[kb.duplicate-redirect]",
        "blog/phishing-101.md:7: ERROR: old path `/old/shared/` is also claimed by blog/helpdesk-basics.md; "
        "neither post gets the redirect (keep it in one post only) [kb.duplicate-redirect]",
    ]
    assert not (result.outdir / "old/shared").exists()
    assert not (result.outdir / "old/shared.html").exists()
    assert refresh_url(result, "old/mine/index.html") == "../../blog/phishing-101.html"
    assert "/old/shared" not in (result.outdir / "_redirects").read_text(encoding="utf-8")


def test_one_post_listing_a_path_twice_keeps_one(make_project):
    src = make_project()
    with_redirects(src, "/old/a/", "/old/%61/")
    result = build(src)
    assert_failed_but_published(result, "phishing-101")
    assert errors(result) == [
        "blog/phishing-101.md:7: ERROR: old path `/old/%61/` is listed twice (remove one) "
        "[kb.duplicate-redirect]"
    ]
    assert refresh_url(result, "old/a/index.html") == "../../blog/phishing-101.html"


SHADOWED = [
    ("/", "the home page"),
    ("/index.html", "the home page"),
    ("/category/security/", "the category page of Security"),
    ("/category/security.html", "the category page of Security"),
    ("/blog/backup-rule", "the post backup-rule.md"),
    ("/blog/backup-rule/", "the post backup-rule.md"),
    ("/blog/secret-plans.html", "the draft post secret-plans.md"),
    ("/search.html", "the page search"),
    ("/genindex.html", "the page genindex"),
    ("/about", "the page about"),
    ("/default.png/", "the file public/default.png"),
    ("/sitemap.xml", "the file sitemap.xml the build writes"),
    ("/gone.html", "the file public/gone.html"),
]


def test_old_paths_that_shadow_a_real_page_are_errors(make_project):
    src = make_project()
    (src / "about.md").write_text("---\norphan: true\n---\n\n# About us\n\nHello.\n", encoding="utf-8")
    (src / "public/gone.html").write_text("<p>Kept.</p>\n", encoding="utf-8")
    with_redirects(src, *(path for path, _ in SHADOWED), "/blog/outsourced-it-partner.png.html")
    result = build(src)
    assert_failed_but_published(result, "phishing-101", "backup-rule")
    expected = [
        f"blog/phishing-101.md:7: ERROR: old path `{path}` shadows a real page of the site: {what} "
        "(remove it; a redirect page there would hide that page) [kb.redirect]"
        for path, what in SHADOWED
    ]
    assert sorted(errors(result)) == sorted(expected)
    # The pages are the site's own, not redirects; a path beside a file still gets its page.
    assert post_title(result, "category/security.html") == "Security"
    assert post_title(result, "about.html") == "About us"
    assert (result.outdir / "gone.html").read_text(encoding="utf-8") == "<p>Kept.</p>\n"
    assert (result.outdir / "default.png").is_file()
    assert refresh_url(result, "blog/outsourced-it-partner.png.html") == "phishing-101.html"
    rules = (result.outdir / "_redirects").read_text(encoding="utf-8").splitlines()
    assert rules[2:] == ["/blog/outsourced-it-partner.png.html /blog/phishing-101.html 301"]


@pytest.mark.parametrize("own", ["/blog/phishing-101.html", "/blog/phishing-101", "/blog/phishing-101/"])
def test_the_posts_own_address_is_an_error(make_project, own):
    src = make_project()
    with_redirects(src, own, "/old/phishing/")
    result = build(src)
    assert_failed_but_published(result, "phishing-101")
    assert errors(result) == [
        f"blog/phishing-101.md:7: ERROR: old path `{own}` is this post's own address "
        "(remove it: that address already shows the post) [kb.redirect]"
    ]
    assert post_title(result, "blog/phishing-101.html") == "Phishing 101"
    # The extensionless page of the html builder is still the redirect to the post, not a loop.
    assert refresh_url(result, "blog/phishing-101/index.html") == "../phishing-101.html"
    assert refresh_url(result, "old/phishing/index.html") == "../../blog/phishing-101.html"


def test_posts_claiming_each_others_address_cannot_loop(make_project):
    src = make_project()
    with_redirects(src, "/blog/backup-rule.html")
    backup = (src / "blog/backup-rule.md").read_text(encoding="utf-8").split("---")[1].strip()
    with_redirects(src, "/blog/phishing-101.html", slug="backup-rule", front=backup)
    result = build(src)
    assert_failed_but_published(result, "phishing-101", "backup-rule")
    assert len(errors(result)) == 2
    assert all("shadows a real page of the site: the post" in e for e in errors(result))
    assert post_title(result, "blog/phishing-101.html") == "Phishing 101"
    assert post_title(result, "blog/backup-rule.html") == "The 3-2-1 Backup Rule"


def test_kb_check_reports_the_same_errors(make_project, capsys):
    src = make_project()
    with_redirects(src, "/category/security/", "https://old.example.com/x/", "/old/ok/")
    code = main(["check", "--conf-dir", str(src), "--source", str(src), "--format", "json"])
    problems = json.loads(capsys.readouterr().out)["problems"]
    found = [
        (p["file"], p["line"], p["severity"], p["subtype"]) for p in problems if "redirect" in p["subtype"]
    ]
    path = str(src / "blog/phishing-101.md")
    assert found == [(path, 7, "error", "redirect"), (path, 7, "error", "redirect")]
    assert code == 1
    assert sorted(e.split(": ERROR: ")[1] for e in errors(build(src))) == sorted(
        f"{p['message']} ({p['fix']}) [kb.{p['subtype']}]" for p in problems if "redirect" in p["subtype"]
    )


# --- incremental builds ---------------------------------------------------------------------------


def test_a_removed_redirect_loses_its_page(make_project):
    src = make_project()
    post = with_redirects(src, "/old/a/", "/old/b.html", "/gone")
    first = build(src)
    assert (first.outdir / "gone.html").is_file()
    mtime = (first.outdir / "old/a/index.html").stat().st_mtime_ns
    with_redirects(src, "/old/a/")
    second = build(src)
    assert second.statuscode == 0
    assert (second.outdir / "old/a/index.html").stat().st_mtime_ns == mtime  # not written again
    for gone in ("old/b.html", "gone.html", "gone/index.html", "gone"):
        assert not (second.outdir / gone).exists(), gone
    assert "/old/b.html" not in (second.outdir / "_redirects").read_text(encoding="utf-8")

    # A draft's redirects (and its extensionless page) go too; its empty folders with them.
    post.write_text(
        post.read_text(encoding="utf-8").replace("date:", "status: draft\ndate:"), encoding="utf-8"
    )
    touch_later(post)
    third = build(src)
    third.assert_no_warnings()
    for gone in ("old", "blog/phishing-101", "blog/phishing-101.html", "_redirects"):
        assert not (third.outdir / gone).exists(), gone


def test_a_deleted_post_loses_its_redirect_pages(make_project):
    src = make_project()
    post = with_redirects(src, "/old/a/")
    first = build(src, "dirhtml")
    assert (first.outdir / "old/a/index.html").is_file()
    post.unlink()
    second = build(src, "dirhtml")
    assert second.statuscode == 0
    assert not (second.outdir / "old").exists()
    assert not (second.outdir / "blog/phishing-101").exists()


def test_a_page_that_takes_a_redirects_place_is_kept(make_project):
    src = make_project()
    with_redirects(src, "/about/")
    first = build(src, "dirhtml")
    assert refresh_url(first, "about/index.html") == "../blog/phishing-101/"
    with_redirects(src, "/old/a/")
    (src / "about.md").write_text("---\norphan: true\n---\n\n# About us\n\nHello.\n", encoding="utf-8")
    second = build(src, "dirhtml")
    assert second.statuscode == 0
    assert post_title(second, "about/index.html") == "About us"


def test_unchanged_builds_write_no_redirect_page(make_project):
    src = make_project()
    with_redirects(src, *OLD_PATHS)
    first = build(src)
    files = [*OLD_FILES, *(f"blog/{slug}/index.html" for slug in PUBLISHED), "_redirects"]
    before = {name: (first.outdir / name).stat().st_mtime_ns for name in files}
    second = build(src)
    assert {name: (second.outdir / name).stat().st_mtime_ns for name in files} == before


# --- validation -----------------------------------------------------------------------------------


def parse(lines: str):
    return parse_post(Path("blog/post.md"), f"---\n{VALID}\n{lines}\n---\n\nBody.\n")


def test_a_list_a_single_string_and_hugos_aliases_are_read():
    post, problems = parse('redirect_from: ["/old/a/", "/2021/05/a.html", /b]')
    assert problems == []
    assert post.redirect_from == ("/old/a/", "/2021/05/a.html", "/b")
    assert post.lines["redirect_from"] == 6
    post, problems = parse("redirect_from: /old/a/")
    assert (problems, post.redirect_from) == ([], ("/old/a/",))
    post, problems = parse("aliases:\n  - /old/a/\n  - /old/b/")
    assert (problems, post.redirect_from) == ([], ("/old/a/", "/old/b/"))
    post, problems = parse("redirect_from: /old/caf%C3%A9/")
    assert post.redirect_from == ("/old/café/",)


def test_redirect_from_and_aliases_both_set_is_an_error_that_keeps_both():
    post, problems = parse("redirect_from: /old/a/\naliases: [/old/b/]")
    assert [(p.line, p.severity.value, p.subtype, p.text) for p in problems] == [
        (7, "error", "redirect", "`redirect_from` and `aliases` are both set (merge them into one list)")
    ]
    assert post.redirect_from == ("/old/a/", "/old/b/")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (
            "https://old.example.com/blog/x/",
            "old path `https://old.example.com/blog/x/` is a full URL; redirects come from paths of this "
            "site (write the path only: `/blog/x/`)",
        ),
        (
            "//old.example.com/x",
            "old path `//old.example.com/x` is a full URL; redirects come from paths of this site "
            "(write the path only: `/x`)",
        ),
        ("old/x/", "old path `old/x/` does not start with `/` (write `/old/x/`)"),
        ("./x.html", "old path `./x.html` does not start with `/` (write `/x.html`)"),
        ("/a/../b/", "old path `/a/../b/` holds `.` or `..` (write the whole path from the site root)"),
        (
            "/a/%2E%2E/b/",
            "old path `/a/%2E%2E/b/` holds `.` or `..` (write the whole path from the site root)",
        ),
        (
            "/x/?id=3",
            "old path `/x/?id=3` has a query string, which a static host ignores when it looks up a file "
            "(write `/x/`: its redirect also catches the address with a query string)",
        ),
        (
            "/x/#top",
            "old path `/x/#top` has a `#fragment`, which a static host ignores when it looks up a file "
            "(write `/x/`: its redirect also catches the address with a `#fragment`)",
        ),
        ("/a//b/", "old path `/a//b/` holds `//` (write `/a/b/`)"),
        (
            "/_static/x.html",
            "old path `/_static/x.html` is in `/_static/`, where the build writes its own files "
            "(choose another path)",
        ),
        (
            "C:\\\\old\\\\x",
            "old path `C:\\old\\x` holds a backslash or a control character (separate folders with `/`)",
        ),
        ('""', "an old path in `redirect_from` is empty (remove the empty entry)"),
    ],
)
def test_bad_old_paths_are_dropped_and_the_post_stays(value, text):
    post, problems = parse(f'redirect_from:\n  - /old/good/\n  - "{value}"'.replace('""""', '""'))
    assert [(p.line, p.severity.value, p.subtype) for p in problems] == [(6, "error", "redirect")]
    assert [p.text for p in problems] == [text]
    assert post is not None
    assert post.redirect_from == ("/old/good/",)


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        (
            "redirect_from: [3]",
            "redirect_from` entry `3` is not a path "
            '(write each old path in quotes, e.g. "/old-blog/my-post/")',
        ),
        (
            "redirect_from: {a: b}",
            'redirect_from` must be a list of site paths (write redirect_from: ["/old-blog/my-post/"])',
        ),
        (
            "redirect_from: 2021",
            'redirect_from` must be a list of site paths (write redirect_from: ["/old-blog/my-post/"])',
        ),
    ],
)
def test_values_that_are_not_paths(lines, text):
    post, problems = parse(lines)
    assert [p.text for p in problems] == ["`" + text]
    assert problems[0].line == 6
    assert post is not None
    assert post.redirect_from == ()


def test_a_bad_redirect_fails_the_build_but_keeps_the_post(make_project):
    src = make_project()
    with_redirects(src, "old/x/", "/old/ok/")
    result = build(src)
    assert_failed_but_published(result, "phishing-101")
    assert errors(result) == [
        "blog/phishing-101.md:7: ERROR: old path `old/x/` does not start with `/` (write `/old/x/`) "
        "[kb.redirect]"
    ]
    assert refresh_url(result, "old/ok/index.html") == "../../blog/phishing-101.html"
    assert "ERROR: 1 error(s) in 1 file(s)" in result.warnings


def test_without_html_baseurl_the_pages_have_no_canonical_link(make_project):
    src = make_project()
    with_redirects(src, "/old/a/")
    result = build(src, overrides={"html_baseurl": ""})
    page = result.html("old/a/index.html")
    assert page.find("link", rel="canonical") is None
    assert refresh_url(result, "old/a/index.html") == "../../blog/phishing-101.html"
    rules = (result.outdir / "_redirects").read_text(encoding="utf-8").splitlines()
    assert rules[-1] == "/old/a/ /blog/phishing-101.html 301"


def test_a_file_where_a_redirect_folder_must_go_is_a_warning_not_a_crash(make_project):
    src = make_project()
    # Copied to the site root as the file blog/phishing-101, where the folder of the
    # extensionless page blog/phishing-101/index.html must go.
    (src / "public/blog/phishing-101").write_text("not a folder\n", encoding="utf-8")
    result = build(src)
    assert result.statuscode == 0
    assert (
        "WARNING: 1 redirect page(s) not written, another file is in the way (there, or where a folder "
        "must go): blog/phishing-101/index.html;" in result.warnings
    )
    assert (result.outdir / "blog/phishing-101").read_text(encoding="utf-8") == "not a folder\n"
    assert refresh_url(result, "blog/backup-rule/index.html") == "../backup-rule.html"


def test_a_file_that_is_not_a_redirect_page_is_never_overwritten(make_project):
    src = make_project()
    with_redirects(src, "/old/a/", "/old/b/")
    first = build(src)
    # Left from some other build: same place as a redirect page, but not one.
    (first.outdir / "old/b/index.html").write_text("<p>Someone else's.</p>\n", encoding="utf-8")
    (first.outdir / "blog/backup-rule/index.html").write_text("<p>Stale.</p>\n", encoding="utf-8")
    with_redirects(src, "/old/a/", "/old/b/", "/old/c/")
    second = build(src)
    assert second.statuscode == 0
    assert "2 redirect page(s) not written" in second.warnings
    assert "blog/backup-rule/index.html, old/b/index.html;" in second.warnings
    assert (second.outdir / "old/b/index.html").read_text(encoding="utf-8") == "<p>Someone else's.</p>\n"
    assert refresh_url(second, "old/c/index.html") == "../../blog/phishing-101.html"
