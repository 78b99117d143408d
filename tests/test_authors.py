"""authors.yml: author ids and names, the post header's byline, problems with file and line."""

from __future__ import annotations

import json
import re

import pytest
from conftest import build, clean_copy, touch_later, write_post

from sphinx_kb.cli import main

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOCATED = re.compile(
    r"^(?P<file>.+):(?P<line>\d+): (?P<level>ERROR|WARNING): (?P<text>.*) \[kb\.(?P<subtype>[\w-]+)\]$"
)

AUTHORS = """\
jane-doe:
  name: Jane Doe
  title: Chief Technology Officer
  url: https://jane.example/
  image: /authors/jane.png
tom:
  name: Tom Becker
"""


def located(warnings: str) -> list[tuple[str, int, str, str, str]]:
    """(file name, line, level, subtype, text) of each located warning/error."""
    found = []
    for line in ANSI.sub("", warnings).splitlines():
        if match := LOCATED.match(line):
            name = match["file"].rsplit("/", 1)[-1]
            found.append((name, int(match["line"]), match["level"], match["subtype"], match["text"]))
    return found


def byline(result, path: str):
    return result.html(path).select_one(".kb-post-meta .kb-author")


def jsonld_author(result, path: str) -> dict | None:
    script = result.html(path).find("script", type="application/ld+json")
    graph = json.loads(script.string)["@graph"]
    return next(item for item in graph if item["@type"] == "BlogPosting").get("author")


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_author_ids_and_names_resolve_to_the_listed_author(make_project, builder):
    srcdir = make_project()
    (srcdir / "authors.yml").write_text(AUTHORS, encoding="utf-8")
    # outsourced-it-partner names "Jane Doe" (a listed name); this one uses the id; one names Tom
    # in another case.
    write_post(srcdir, "by-id", "title: By id\nslug: by-id\ncategory: Security\nexcerpt: E\nauthor: jane-doe")
    write_post(
        srcdir, "by-name", "title: By name\nslug: by-name\ncategory: Security\nexcerpt: E\nauthor: tom becker"
    )
    result = build(srcdir, builder)
    result.assert_no_warnings()
    page = "blog/{}.html" if builder == "html" else "blog/{}/index.html"

    jane = {
        "@type": "Person",
        "name": "Jane Doe",
        "url": "https://jane.example/",
        "jobTitle": "Chief Technology Officer",
        "image": "https://kb.test/authors/jane.png",
    }
    for slug in ("outsourced-it-partner", "by-id"):
        line = byline(result, page.format(slug))
        assert line.get_text() == "By Jane Doe"
        link = line.find("a")
        assert (link["href"], link.get_text()) == ("https://jane.example/", "Jane Doe")
        assert jsonld_author(result, page.format(slug)) == jane

    # A listed author without a url: the name, not linked.
    line = byline(result, page.format("by-name"))
    assert (line.get_text(), line.find("a")) == ("By Tom Becker", None)
    assert jsonld_author(result, page.format("by-name")) == {"@type": "Person", "name": "Tom Becker"}
    # A post without an author has no byline and no author in its structured data.
    assert byline(result, page.format("phishing-101")) is None
    assert jsonld_author(result, page.format("phishing-101")) is None


def test_without_authors_file_any_name_is_shown_as_written(make_project):
    srcdir = make_project()
    write_post(srcdir, "guest", "title: Guest\nslug: guest\ncategory: Security\nexcerpt: E\nauthor: A. Guest")
    result = build(srcdir)
    result.assert_no_warnings()
    assert byline(result, "blog/guest.html").get_text() == "By A. Guest"
    assert byline(result, "blog/guest.html").find("a") is None
    assert jsonld_author(result, "blog/guest.html") == {"@type": "Person", "name": "A. Guest"}
    assert byline(result, "blog/outsourced-it-partner.html").get_text() == "By Jane Doe"


def test_an_organization_can_be_the_author(make_project):
    srcdir = make_project()
    (srcdir / "authors.yml").write_text(
        "acme:\n  name: ACME Ltd\n  type: Organization\n  title: Ignored\n  url: https://acme.example/\n",
        encoding="utf-8",
    )
    write_post(srcdir, "corp", "title: Corp\nslug: corp\ncategory: Security\nexcerpt: E\nauthor: acme")
    # Without `type`, an author is a person; "Jane Doe" is not listed here.
    (srcdir / "blog" / "outsourced-it-partner.md").write_text(
        (srcdir / "blog" / "outsourced-it-partner.md").read_text(encoding="utf-8").replace("author: ", "x: "),
        encoding="utf-8",
    )
    result = build(srcdir)
    assert [subtype for *_, subtype, _ in located(result.warnings)] == ["unknown-key"]
    assert jsonld_author(result, "blog/corp.html") == {
        "@type": "Organization",
        "name": "ACME Ltd",
        "url": "https://acme.example/",
    }
    assert byline(result, "blog/corp.html").get_text() == "By ACME Ltd"


def test_unknown_author_is_warned_at_its_line_with_a_suggestion(make_project, capsys):
    srcdir = make_project()
    (srcdir / "authors.yml").write_text(AUTHORS, encoding="utf-8")
    write_post(
        srcdir,
        "typo",
        "title: Typo\nslug: typo\ncategory: Security\nexcerpt: E\nstatus: published\nauthor: Jnae Doe",
    )
    write_post(srcdir, "stranger", "title: S\nslug: stranger\ncategory: Security\nexcerpt: E\nauthor: Zed")
    result = build(srcdir)
    assert result.statuscode == 0
    fix = "use an author id (jane-doe, tom) or a listed name, or add the author to authors.yml"
    expected = [
        (
            "stranger.md",
            6,
            "WARNING",
            "unknown-author",
            f"author `Zed` is not in authors.yml ({fix})",
        ),
        (
            "typo.md",
            7,
            "WARNING",
            "unknown-author",
            f"author `Jnae Doe` is not in authors.yml (did you mean `Jane Doe`? {fix})",
        ),
    ]
    assert located(result.warnings) == expected
    # The post is still built, with the name as written.
    assert byline(result, "blog/typo.html").get_text() == "By Jnae Doe"

    # `kb check` reads the same catalog and reports the same problems.
    code = main(["check", "--conf-dir", str(srcdir), "--source", str(srcdir), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(p["file"].rsplit("/", 1)[-1], p["line"], p["subtype"]) for p in report["problems"]] == [
        ("stranger.md", 6, "unknown-author"),
        ("typo.md", 7, "unknown-author"),
    ]


def test_problems_in_authors_file_are_all_reported_with_their_lines(make_project):
    srcdir = make_project()
    (srcdir / "authors.yml").write_text(
        "jane-doe:\n"  # 1
        "  name: Jane Doe\n"
        "  titel: CTO\n"  # 3: unknown key
        "  url: jane.example\n"  # 4: not a full URL
        "nameless:\n"  # 5
        "  title: Ghost\n"  # no name
        "just-text: Tom\n"  # 7: not a mapping
        "double:\n"  # 8
        "  name: jane doe\n"  # same name as jane-doe
        "jane-doe:\n"  # 10: defined twice
        "  name: Other\n"
        "pic:\n"  # 12
        "  name: Pic\n"
        "  image: pic.png\n"  # 14: neither a site-root path nor a URL
        "bot:\n"
        "  name: Bot\n"
        "  type: robot\n",  # 17: not a person or an organization
        encoding="utf-8",
    )
    result = build(srcdir)
    problems = [(name, line, level, subtype) for name, line, level, subtype, _ in located(result.warnings)]
    assert problems == [
        ("authors.yml", 3, "WARNING", "author"),
        ("authors.yml", 4, "WARNING", "author"),
        ("authors.yml", 5, "ERROR", "author"),
        ("authors.yml", 7, "ERROR", "author"),
        ("authors.yml", 8, "WARNING", "author"),
        ("authors.yml", 10, "ERROR", "author"),
        ("authors.yml", 14, "WARNING", "author"),
        ("authors.yml", 17, "WARNING", "author"),
    ]
    texts = [text for *_, text in located(result.warnings)]
    assert texts[0] == "unknown key `titel` for author `jane-doe` (did you mean `title`?)"
    assert texts[2] == "author `nameless` has no `name` (add `name: ...` to it)"
    # The usable entries still work: the name is linked to no URL (it was dropped).
    assert byline(result, "blog/outsourced-it-partner.html").get_text() == "By Jane Doe"
    assert byline(result, "blog/outsourced-it-partner.html").find("a") is None
    assert result.statuscode == 1  # errors fail the build, like categories.yml's


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('jane:\n  name: "Jane\n', 2, "the authors file is not valid YAML"),
        ("- name: Jane Doe\n", 1, "the authors file is not a mapping of author ids"),
        ("jane:\n  name: Jane\n\tbad: tab\n", 3, "the authors file is not valid YAML"),
    ],
    ids=["unclosed", "list", "tab"],
)
def test_malformed_authors_file_is_an_error_not_a_traceback(make_project, text, line, message):
    srcdir = make_project()
    (srcdir / "authors.yml").write_text(text, encoding="utf-8")
    result = build(srcdir)
    assert "Traceback" not in result.warnings
    problems = located(result.warnings)
    assert [(name, at, level, subtype) for name, at, level, subtype, _ in problems] == [
        ("authors.yml", line, "ERROR", "author")
    ]
    assert problems[0][4].startswith(message)
    assert result.statuscode == 1
    # Every author is then shown as written (nothing is listed).
    assert byline(result, "blog/outsourced-it-partner.html").get_text() == "By Jane Doe"


def test_editing_only_authors_file_rewrites_the_posts_like_a_clean_build(make_project, tmp_path):
    srcdir = make_project()
    authors = srcdir / "authors.yml"
    authors.write_text(AUTHORS, encoding="utf-8")
    write_post(srcdir, "by-id", "title: By id\nslug: by-id\ncategory: Security\nexcerpt: E\nauthor: jane-doe")
    write_post(srcdir, "by-tom", "title: By Tom\nslug: by-tom\ncategory: Security\nexcerpt: E\nauthor: tom")
    build(srcdir).assert_no_warnings()

    # Sphinx re-reads no post: the pages of posts whose author changed must be rewritten anyway.
    authors.write_text(
        AUTHORS.replace("name: Jane Doe", "name: Jane Q. Doe").replace("title: Chief", "title: Former Chief"),
        encoding="utf-8",
    )
    touch_later(authors)
    incremental = build(srcdir)
    assert [(n, subtype) for n, _, _, subtype, _ in located(incremental.warnings)] == [
        ("outsourced-it-partner.md", "unknown-author")  # "Jane Doe" is no longer a listed name
    ]
    assert byline(incremental, "blog/by-id.html").get_text() == "By Jane Q. Doe"
    assert jsonld_author(incremental, "blog/by-id.html")["jobTitle"] == "Former Chief Technology Officer"
    assert byline(incremental, "blog/outsourced-it-partner.html").get_text() == "By Jane Doe"

    clean = build(clean_copy(srcdir, tmp_path / "clean"), outdir=tmp_path / "clean-out" / "html", fresh=True)
    assert located(clean.warnings) == located(
        incremental.warnings.replace(str(srcdir), str(tmp_path / "clean"))
    )
    assert incremental.pages() == clean.pages()
