"""`kb new` starts a draft that `kb check` and the build accept; `kb check` reuses the parsed-post cache."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOTS, build, touch_later, write_post

from sphinx_kb.cli import main
from sphinx_kb.content.post import parse_post

KB = Path(sys.executable).parent / "kb"
NEXT_STEPS = (
    "Next steps:\n"
    "  1. Replace the two TODO placeholders: the excerpt and the article.\n"
    "  2. Preview it with the drafts: make serve (rebuilt on every save) or make html KB_DRAFTS=1.\n"
    "  3. Check it: make check (kb check).\n"
    '  4. Publish it: set status: "published".\n'
)
CLEAN = "5 posts checked: 0 error(s), 0 warning(s)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The repository's layout (conf.py beside source/), as the current folder."""
    root = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", root / "source", ignore=shutil.ignore_patterns("conf.py"))
    shutil.copy(ROOTS / "test-basic" / "conf.py", root / "conf.py")
    monkeypatch.chdir(root)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def today() -> str:
    return dt.date.today().isoformat()


def test_new_post_passes_check(project, capsys):
    code, out, err = run(
        capsys,
        "new",
        "Printer Setup: the Basics",
        "--category",
        "Managed IT",
        "--author",
        "Dana Whitfield",
        "--tags",
        "printers, network,, printers",
    )
    assert (code, err) == (0, "")
    assert out == 'Created source/blog/printer-setup-the-basics.md, a draft in "Managed IT".\n' + NEXT_STEPS
    path = project / "source/blog/printer-setup-the-basics.md"
    text = path.read_text(encoding="utf-8")
    assert text == (
        "---\n"
        'title: "Printer Setup: the Basics"\n'
        'slug: "printer-setup-the-basics"\n'
        'category: "Managed IT"\n'
        "# TODO: replace the excerpt; listings and link previews show it.\n"
        'excerpt: "TODO: one or two sentences that sum up the article."\n'
        "# Social image: save a 1200x630 PNG as public/blog/printer-setup-the-basics.png (in the source "
        "folder),\n"
        "# then uncomment ogImage. Without one, a card with the title is drawn.\n"
        '# ogImage: "/blog/printer-setup-the-basics.png"\n'
        'status: "draft"\n'
        f"date: {today()}\n"
        'author: "Dana Whitfield"\n'
        'tags: ["printers", "network"]\n'
        "---\n"
        "\n"
        "TODO: write the article here, in Markdown. Start with a paragraph that introduces the topic,\n"
        "then give each section a `##` heading (the title above is the page's only H1).\n"
    )
    post, problems = parse_post(path, text)
    assert problems == []
    assert post is not None
    assert (post.title, post.slug, post.category, post.status) == (
        "Printer Setup: the Basics",
        "printer-setup-the-basics",
        "Managed IT",
        "draft",
    )
    assert (post.date, post.author, post.tags) == (dt.date.today(), "Dana Whitfield", ("printers", "network"))
    assert (post.og_image, post.excerpt_from_body) == (None, False)

    assert run(capsys, "check") == (0, "", "6 posts checked: 0 error(s), 0 warning(s)\n")


def test_new_post_without_author_or_tags(project, capsys):
    code, _, _ = run(capsys, "new", "Helpdesk Hours", "--category", "security")
    assert code == 0
    text = (project / "source/blog/helpdesk-hours.md").read_text(encoding="utf-8")
    assert "author:" not in text
    assert 'category: "Security"\n' in text  # written as categories.yml spells it
    assert "\ntags: []\n" in text
    assert run(capsys, "check")[0] == 0


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café Wi-Fi: ça marche — 24/7 Support!", "cafe-wi-fi-ca-marche-24-7-support"),
        ("  Backup & Recovery: 3-2-1, Explained...  ", "backup-recovery-3-2-1-explained"),
        ("Ångström «Über» naïve façade", "angstrom-uber-naive-facade"),
        ("--Windows 11 -- (2025) edition--", "windows-11-2025-edition"),
    ],
)
def test_slug_from_title(project, capsys, title, slug):
    code, out, _ = run(capsys, "new", title, "--category", "Managed IT")
    assert code == 0
    assert out.startswith(f"Created source/blog/{slug}.md,")
    post, problems = parse_post(
        project / f"source/blog/{slug}.md",
        (project / f"source/blog/{slug}.md").read_text(encoding="utf-8"),
    )
    assert problems == []
    assert post is not None
    assert (post.slug, post.title) == (slug, title.strip())


TRICKY = [
    'Backups: a "simple" guide # 1',
    "It's 'quoted': yes",
    '"Starts and ends with quotes"',
    "- [not] a {list}: & *anchor !tag %directive @at `tick`",
    "null",
    "2024-05-14",
    "C:\\Users\\jane\\Desktop",
    "Emoji 🙂 and 👍🏽 and é",
    "Tab\tinside ⸺ and a trailing colon:",
]


def test_tricky_titles_round_trip(project, capsys):
    for number, title in enumerate(TRICKY):
        code, _, err = run(capsys, "new", title, "--category", "Security", "--slug", f"tricky-{number}")
        assert (code, err) == (0, "")
        path = project / f"source/blog/tricky-{number}.md"
        text = path.read_text(encoding="utf-8")
        post, problems = parse_post(path, text)
        assert problems == []
        assert post is not None
        assert post.title == title
    # Emoji stay readable, not escaped as \U0001F642.
    assert 'title: "Emoji 🙂 and 👍🏽 and é"\n' in (project / "source/blog/tricky-7.md").read_text(
        encoding="utf-8"
    )
    assert run(capsys, "check") == (0, "", f"{5 + len(TRICKY)} posts checked: 0 error(s), 0 warning(s)\n")


def test_refuses_to_overwrite(project, capsys):
    assert run(capsys, "new", "Wi-Fi Tips", "--category", "Managed IT")[0] == 0
    path = project / "source/blog/wi-fi-tips.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThe writer's first words.\n", encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run(capsys, "new", "Wi-Fi tips!", "--category", "Security")
    assert (code, out) == (1, "")
    assert err == "kb new: source/blog/wi-fi-tips.md already exists; choose another slug with --slug\n"
    assert path.read_bytes() == before

    shipped = project / "source/blog/phishing-101.md"
    before = shipped.read_bytes()
    code, _, err = run(capsys, "new", "Phishing 101", "--category", "Security")
    assert code == 1
    assert err == "kb new: source/blog/phishing-101.md already exists; choose another slug with --slug\n"
    assert shipped.read_bytes() == before


def test_refuses_a_slug_another_post_claims(project, capsys):
    # Named differently from its slug: an error, but it claims `vpn-guide` all the same.
    write_post(project / "source", "vpn", 'title: VPN\nslug: "vpn-guide"\ncategory: Security\nexcerpt: E')
    code, out, err = run(capsys, "new", "VPN Guide", "--category", "Security")
    assert (code, out) == (1, "")
    assert (
        err
        == 'kb new: slug "vpn-guide" is already claimed by source/blog/vpn.md; choose another with --slug\n'
    )
    assert not (project / "source/blog/vpn-guide.md").exists()

    assert run(capsys, "new", "VPN Guide", "--category", "Security", "--slug", "vpn-setup")[0] == 0
    assert (project / "source/blog/vpn-setup.md").is_file()


def test_bad_arguments_exit_2(project, capsys):
    assert run(capsys, "new", "Fine", "--category", "Security", "--slug", "Bad_Slug") == (
        2,
        "",
        'kb new: slug "Bad_Slug" may only contain lowercase letters, digits and single hyphens '
        '(use "bad-slug")\n',
    )
    assert run(capsys, "new", "!!!", "--category", "Security") == (
        2,
        "",
        'kb new: cannot make a slug from the title "!!!" (give one with --slug my-post)\n',
    )
    assert run(capsys, "new", "   ", "--category", "Security")[::2] == (
        2,
        'kb new: the title is empty (write it in quotes: kb new "My title" --category ...)\n',
    )
    assert run(capsys, "new", "One\nTwo", "--category", "Security")[::2] == (
        2,
        "kb new: the title spans several lines (write it on one line)\n",
    )
    assert sorted(p.name for p in (project / "source/blog").iterdir()) == [
        "backup-rule.md",
        "helpdesk-basics.md",
        "outsourced-it-partner.md",
        "phishing-101.md",
        "secret-plans.md",
    ]


def test_unknown_category(project, capsys):
    code, out, err = run(capsys, "new", "Ticket Triage", "--category", "Managed ITT")
    assert (code, out) == (1, "")
    assert err == (
        'kb new: unknown category "Managed ITT"; did you mean "Managed IT"? '
        "(--new-category starts a new category)\n"
    )
    code, out, err = run(capsys, "new", "Ticket Triage", "--category", "Gardening")
    assert (code, out) == (1, "")
    assert err == (
        'kb new: unknown category "Gardening"; known categories: Managed IT, Security, '
        "Backup & Recovery, Empty Category (--new-category starts a new category)\n"
    )
    assert not (project / "source/blog/ticket-triage.md").exists()


def test_known_category_rules_match_the_build(project, capsys):
    """Known: any case of a name, a slug, or a category that only posts name (then also suggested)."""
    write_post(
        project / "source", "field-trip", "title: Trip\nslug: field-trip\ncategory: Field Notes\nexcerpt: E"
    )
    cases = [
        ("SECURITY", "Security"),
        ("backup", "Backup & Recovery"),
        ("field notes", "Field Notes"),
    ]
    for number, (given, written) in enumerate(cases):
        code, out, _ = run(capsys, "new", f"Post {number}", "--category", given)
        assert code == 0
        assert f'a draft in "{written}"' in out
        text = (project / f"source/blog/post-{number}.md").read_text(encoding="utf-8")
        assert f'category: "{written}"\n' in text
    _, _, err = run(capsys, "new", "Another", "--category", "Field Note")
    assert err.startswith('kb new: unknown category "Field Note"; did you mean "Field Notes"? ')


def test_new_category(project, capsys):
    code, out, err = run(capsys, "new", "Raised Beds", "--category", "Gardening", "--new-category")
    assert (code, err) == (0, "")
    assert out == (
        'Created source/blog/raised-beds.md, a draft in "Gardening".\n'
        '"Gardening" is not in categories.yml: `kb check` warns about the post (kb.unknown-category) '
        "until you add the category there.\n" + NEXT_STEPS
    )
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.startswith(
        "source/blog/raised-beds.md:4: warning: category `Gardening` is not in categories.yml"
    )
    # Now a post uses it: no flag needed, and the warning goes once categories.yml has it.
    assert run(capsys, "new", "Compost", "--category", "gardening")[0] == 0
    with (project / "source/categories.yml").open("a", encoding="utf-8") as handle:
        handle.write("- name: Gardening\n")
    assert run(capsys, "check") == (0, "", "7 posts checked: 0 error(s), 0 warning(s)\n")


def test_new_category_without_categories_file(project, capsys):
    (project / "source/categories.yml").unlink()
    code, out, _ = run(capsys, "new", "Raised Beds", "--category", "Gardening", "--new-category")
    assert code == 0
    assert out == 'Created source/blog/raised-beds.md, a draft in "Gardening".\n' + NEXT_STEPS
    assert run(capsys, "check") == (0, "", "6 posts checked: 0 error(s), 0 warning(s)\n")


def cards(soup) -> list[tuple[str, bool]]:
    """(title, has a Draft badge) of each post card in a listing."""
    return [
        (card.select_one(".kb-post-card-title a").get_text(strip=True), bool(card.select(".kb-badge-draft")))
        for card in soup.select("article .kb-post-card")
    ]


def test_draft_is_built_only_in_preview(make_project, tmp_path, capsys, monkeypatch):
    srcdir = make_project("basic")
    # A posts folder of another name: kb new must take it from conf.py, as the build does.
    (srcdir / "blog").rename(srcdir / "articles")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
        handle.write('kb_posts_dir = "articles"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys, "new", "Printer Setup", "--category", "Managed IT", "--conf-dir", "src", "--source", "src"
    )
    assert code == 0
    assert out.startswith('Created src/articles/printer-setup.md, a draft in "Managed IT".\n')

    published = build(srcdir, outdir=tmp_path / "published" / "html")
    published.assert_no_warnings()
    assert published.statuscode == 0
    assert not (published.outdir / "articles/printer-setup.html").exists()
    for page, html in published.pages().items():
        assert "Printer Setup" not in html, page
    assert cards(published.html("category/managed-it.html")) == [
        ("What to Look for in an Outsourced IT Partner", False),
        ("Helpdesk Basics", False),
    ]

    preview = build(srcdir, outdir=tmp_path / "preview" / "html", overrides={"kb_drafts": True})
    preview.assert_no_warnings()
    page = preview.html("articles/printer-setup.html")
    assert page.find("h1").get_text().rstrip("¶") == "Printer Setup"
    assert "TODO: write the article here" in page.get_text()
    assert cards(preview.html("category/managed-it.html")) == [
        ("Printer Setup", True),
        ("What to Look for in an Outsourced IT Partner", False),
        ("Helpdesk Basics", False),
    ]


def test_help_of_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    commands = re.findall(r"^    (\w+) ", capsys.readouterr().out, re.MULTILINE)
    assert {"new", "check", "serve"} <= set(commands)
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: kb {command} [-h]")


def test_new_help_lists_its_options():
    done = subprocess.run([str(KB), "new", "--help"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: kb new [-h] [--category CATEGORY] [--lang LANG] [--from SLUG]")
    for option in ("--slug", "--author", "--tags", "--new-category", "--conf-dir", "--source"):
        assert option in done.stdout
    top = subprocess.run([str(KB), "--help"], capture_output=True, text=True, check=False)
    assert "    new " in top.stdout


# --- kb check and the parsed-post cache --------------------------------------------------------------


def fill_cache(project: Path) -> None:
    """What a build does with the parsed-post cache (extension.read_catalog): kb check only reads it."""
    from sphinx_kb.content.options import layout_from
    from sphinx_kb.content.reading import PostCache, build_catalog

    cache = PostCache(project / "_build" / "doctrees" / "sphinx-kb-posts.pickle")
    build_catalog(layout_from(project / "source", {}), cache)
    cache.save()


def check_json(capsys, *options: str) -> dict:
    code, out, err = run(capsys, "check", "--format", "json", *options)
    assert err == ""
    report = json.loads(out)
    assert code == (1 if report["problems"] else 0)
    return report


def test_check_with_cache_reports_what_check_without_it_does(project, capsys):
    source = project / "source"
    write_post(source, "typo", "title: Typo\nslug: typo\ncategory: Securty\nexerpt: E")
    write_post(source, "bad-slug", "title: Bad\nslug: Bad_Slug\ncategory: Security\nexcerpt: E")
    write_post(source, "claims", 'title: C\nslug: "typo"\ncategory: Security\nexcerpt: E')
    cache = project / "_build" / "doctrees" / "sphinx-kb-posts.pickle"

    cold = check_json(capsys)
    assert not cache.is_file()  # kb check only reads the build's cache
    fill_cache(project)
    assert len(cold["problems"]) == 7
    assert check_json(capsys) == cold
    assert check_json(capsys, "--no-cache") == cold

    # Between two runs: a problem fixed, another made, a post deleted, one added.
    typo = source / "blog/typo.md"
    typo.write_text(typo.read_text(encoding="utf-8").replace("Securty", "Security"), encoding="utf-8")
    touch_later(typo)
    (source / "blog/bad-slug.md").unlink()
    write_post(source, "fresh", "title: Fresh\nslug: fresh\ncategory: Security\nogImage: /nope.png")
    changed = check_json(capsys)
    assert changed == check_json(capsys, "--no-cache")
    assert changed != cold
    assert check_json(capsys) == changed
    subtypes = sorted((Path(p["file"]).name, p["subtype"]) for p in changed["problems"])
    assert subtypes == [
        ("claims.md", "duplicate-slug"),
        ("claims.md", "slug"),
        ("fresh.md", "excerpt"),
        ("fresh.md", "og-image"),
        ("typo.md", "duplicate-slug"),
        ("typo.md", "excerpt"),
        ("typo.md", "unknown-key"),
    ]


def test_check_reuses_the_cache_make_html_writes(project, capsys):
    env = {k: v for k, v in os.environ.items() if k != "KB_DRAFTS"}
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", "source", "_build", "-c", ".", "-q"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    assert (project / "_build/doctrees/sphinx-kb-posts.pickle").is_file()

    # An edit that keeps the file's size and mtime looks unchanged to the cache (as to the build):
    # only --no-cache sees it. This shows kb check read what the build cached.
    post = project / "source/blog/phishing-101.md"
    stat = post.stat()
    post.write_text(post.read_text(encoding="utf-8").replace("Security", "Securitx"), encoding="utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert check_json(capsys) == {"posts": 5, "problems": []}
    fresh = check_json(capsys, "--no-cache")
    assert [(Path(p["file"]).name, p["subtype"]) for p in fresh["problems"]] == [
        ("phishing-101.md", "unknown-category")
    ]
    # The build folder can be elsewhere (make html BUILDDIR=...).
    shutil.move(project / "_build", project / "elsewhere")
    assert check_json(capsys, "--build-dir", "elsewhere") == {"posts": 5, "problems": []}


def test_check_after_a_small_edit(project, capsys):
    """Edited posts are parsed again on every run; the cache is the build's to update."""
    source = project / "source"
    for number in range(20):
        write_post(
            source, f"post-{number}", f"title: P{number}\nslug: post-{number}\ncategory: Security\nexcerpt: E"
        )
    assert check_json(capsys) == {"posts": 25, "problems": []}
    fill_cache(project)
    cache = project / "_build/doctrees/sphinx-kb-posts.pickle"
    saved = cache.read_bytes()

    post = source / "blog/post-7.md"
    post.write_text(post.read_text(encoding="utf-8").replace("excerpt: E", "exerpt: E"), encoding="utf-8")
    touch_later(post)
    for _ in range(2):
        report = check_json(capsys)
        assert report == check_json(capsys, "--no-cache")
        assert [(Path(p["file"]).name, p["subtype"]) for p in report["problems"]] == [
            ("post-7.md", "excerpt"),
            ("post-7.md", "unknown-key"),
        ]
    assert cache.read_bytes() == saved

    post.write_text(post.read_text(encoding="utf-8").replace("exerpt: E", "excerpt: E"), encoding="utf-8")
    touch_later(post)
    assert check_json(capsys) == check_json(capsys, "--no-cache") == {"posts": 25, "problems": []}


def test_publishing_with_the_placeholders_is_warned(project, capsys):
    assert run(capsys, "new", "Printer Setup", "--category", "Managed IT")[0] == 0
    path = project / "source/blog/printer-setup.md"
    assert check_json(capsys) == {"posts": 6, "problems": []}  # a draft may keep them

    text = path.read_text(encoding="utf-8").replace('status: "draft"', 'status: "published"')
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    excerpt_line = next(i for i, line in enumerate(lines, 1) if line.startswith("excerpt:"))
    body_line = next(i for i, line in enumerate(lines, 1) if line.startswith("TODO: write the article"))
    report = check_json(capsys, "--no-cache")
    assert [(p["line"], p["subtype"], p["severity"]) for p in report["problems"]] == [
        (excerpt_line, "placeholder", "warning"),
        (body_line, "placeholder", "warning"),
    ]

    path.write_text(
        text.replace(
            "TODO: one or two sentences that sum up the article.", "How to set up a printer."
        ).replace("TODO: write the article here", "Plug it in"),
        encoding="utf-8",
    )
    assert check_json(capsys, "--no-cache") == {"posts": 6, "problems": []}
