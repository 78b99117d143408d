"""`kb check`: the build's problems without building, for people and for CI."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOTS, build, write_post

from sphinx_kb import __version__
from sphinx_kb.cli import main

KB = Path(sys.executable).parent / "kb"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOCATED = re.compile(
    r"^(?P<file>.+):(?P<line>\d+): (?P<level>ERROR|WARNING): .* \[kb\.(?P<subtype>[\w-]+)\]$"
)
KNOWN = "Managed IT, Security, Backup & Recovery, Empty Category, Orphans"


@pytest.fixture
def split_project(tmp_path: Path) -> Path:
    """The real repository's layout: conf.py in the project folder, the site's sources in source/."""
    root = tmp_path / "kb"
    shutil.copytree(ROOTS / "test-basic", root / "source", ignore=shutil.ignore_patterns("conf.py"))
    shutil.copy(ROOTS / "test-basic" / "conf.py", root / "conf.py")
    return root


def add_problems(source: Path) -> None:
    """Four errors and four warnings in five posts and categories.yml."""
    write_post(source, "bad-slug", "title: Bad\nslug: Bad_Slug\ncategory: Security\nexcerpt: E")
    write_post(source, "typo", "title: Typo\nslug: typo\ncategory: Securty\nexerpt: E")
    write_post(source, "yaml-error", "title: Backups: a guide\nslug: yaml-error\ncategory: Security")
    write_post(
        source,
        "missing-image",
        "title: M\nslug: missing-image\ncategory: Managed IT\nexcerpt: E\nogImage: /blog/nope.png",
    )
    (source / "blog" / "empty.md").write_text("", encoding="utf-8")
    with (source / "categories.yml").open("a", encoding="utf-8") as handle:
        handle.write("- name: Orphans\n  parent: Nowhere\n")  # lines 14-15


def expected_lines(source: Path, prefix: str = "") -> list[str]:
    """`kb check` text output for add_problems(), with paths starting with `prefix`."""
    return [
        f"{prefix}blog/bad-slug.md:3: error: slug `Bad_Slug` may only contain lowercase letters, digits and "
        "single hyphens (use `bad-slug`) [kb.slug]",
        f"{prefix}blog/empty.md:1: error: the file does not start with a front-matter block (begin the file "
        "with a line '---', the YAML keys (title, slug, category, ...), then '---') [kb.front-matter]",
        f"{prefix}blog/missing-image.md:6: warning: ogImage file public/blog/nope.png does not "
        "exist; a social card is used instead (add the image at public/blog/nope.png or fix "
        "the path) [kb.og-image]",
        f"{prefix}blog/typo.md:1: warning: no `excerpt`: the first paragraph is used for listings and link "
        "previews (add `excerpt: ...` with one or two sentences) [kb.excerpt]",
        f"{prefix}blog/typo.md:4: warning: category `Securty` is not in categories.yml (did you mean "
        f"`Security`? known categories: {KNOWN}; or add it to categories.yml) [kb.unknown-category]",
        f"{prefix}blog/typo.md:5: warning: unknown front-matter key `exerpt` (did you mean `excerpt`?) "
        "[kb.unknown-key]",
        f"{prefix}blog/yaml-error.md:2: error: the front matter is not valid YAML: mapping values are not "
        "allowed in this context (quote values that contain ':' or '#', e.g. title: \"Backups: a guide\") "
        "[kb.front-matter]",
        f"{prefix}categories.yml:15: error: parent `Nowhere` of category `Orphans` is not a category (known "
        f"categories: {KNOWN}) [kb.category]",
    ]


SUMMARY = "10 posts checked: 4 error(s), 4 warning(s)\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_the_same_problems_as_the_build(split_project, capsys):
    source = split_project / "source"
    add_problems(source)

    code, out, err = run(capsys, "check", "--conf-dir", str(split_project), "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["posts"] == 10
    checked = {(Path(p["file"]), p["line"], p["severity"], p["subtype"]) for p in report["problems"]}
    assert len(checked) == len(report["problems"])

    result = build(source, confdir=split_project)
    assert result.statuscode == 1
    logged = set()
    other = []
    for line in ANSI.sub("", result.warnings).splitlines():
        if match := LOCATED.match(line):
            logged.add((Path(match["file"]), int(match["line"]), match["level"].lower(), match["subtype"]))
        else:
            other.append(line)
    names = ("blog/bad-slug.md", "blog/empty.md", "blog/yaml-error.md", "categories.yml")
    files = ", ".join(str(source / name) for name in names)
    assert other == [
        f"ERROR: 4 error(s) in 4 file(s) left content out of the site: {files}; fix them and build again"
    ]
    assert checked == logged
    blog = source / "blog"
    assert checked == {
        (blog / "bad-slug.md", 3, "error", "slug"),
        (blog / "empty.md", 1, "error", "front-matter"),
        (blog / "missing-image.md", 6, "warning", "og-image"),
        (blog / "typo.md", 1, "warning", "excerpt"),
        (blog / "typo.md", 4, "warning", "unknown-category"),
        (blog / "typo.md", 5, "warning", "unknown-key"),
        (blog / "yaml-error.md", 2, "error", "front-matter"),
        (source / "categories.yml", 15, "error", "category"),
    }


def test_check_text_output_is_relative_to_the_current_directory(split_project, capsys, monkeypatch):
    source = split_project / "source"
    add_problems(source)
    monkeypatch.chdir(source)
    code, out, err = run(capsys, "check", "--conf-dir", "..")
    assert code == 1
    assert out.splitlines() == expected_lines(source)
    assert err == SUMMARY

    monkeypatch.chdir(split_project)
    code, out, err = run(capsys, "check")
    assert code == 1
    assert out.splitlines() == expected_lines(source, prefix="source/")
    assert err == SUMMARY


def test_kb_console_script(split_project):
    source = split_project / "source"
    add_problems(source)
    done = subprocess.run(
        [str(KB), "check", "--conf-dir", ".."], cwd=source, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == expected_lines(source)
    assert done.stderr == SUMMARY


def test_check_json_lists_each_problem(split_project, capsys):
    source = split_project / "source"
    write_post(source, "bad-slug", "title: Bad\nslug: Bad_Slug\ncategory: Security\nexcerpt: E")
    code, out, err = run(capsys, "check", "--conf-dir", str(split_project), "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "posts": 6,
        "problems": [
            {
                "file": str(source / "blog" / "bad-slug.md"),
                "line": 3,
                "severity": "error",
                "type": "kb",
                "subtype": "slug",
                "message": "slug `Bad_Slug` may only contain lowercase letters, digits and single hyphens",
                "fix": "use `bad-slug`",
            }
        ],
    }


def test_check_reports_unreadable_post_on_line_1_like_the_build(make_project, capsys, monkeypatch):
    srcdir = make_project()
    (srcdir / "blog" / "garbage.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    monkeypatch.chdir(srcdir)
    code, out, _ = run(capsys, "check", "--source", ".", "--format", "json")
    assert code == 1
    assert [(p["file"], p["line"]) for p in json.loads(out)["problems"]] == [
        (str(srcdir / "blog/garbage.md"), 1)
    ]
    code, out, _ = run(capsys, "check", "--source", ".")
    assert out.startswith("blog/garbage.md:1: error: cannot read the post: ")


def test_check_clean_project(make_project, capsys):
    srcdir = make_project()
    code, out, err = run(capsys, "check", "--conf-dir", str(srcdir), "--source", str(srcdir))
    assert (code, out, err) == (0, "", "5 posts checked: 0 error(s), 0 warning(s)\n")
    code, out, err = run(
        capsys, "check", "--conf-dir", str(srcdir), "--source", str(srcdir), "--format", "json"
    )
    assert (code, json.loads(out), err) == (0, {"posts": 5, "problems": []}, "")


def test_check_exits_1_on_warnings_alone(make_project, capsys, monkeypatch):
    srcdir = make_project()
    write_post(srcdir, "typo", "title: Typo\nslug: typo\ncategory: Security\nexcerpt: E\nautor: Jane")
    monkeypatch.chdir(srcdir)
    code, out, err = run(capsys, "check", "--source", ".")
    assert code == 1
    assert out == (
        "blog/typo.md:6: warning: unknown front-matter key `autor` (did you mean `author`?) "
        "[kb.unknown-key]\n"
    )
    assert err == "6 posts checked: 0 error(s), 1 warning(s)\n"


def test_check_without_source_folder_exits_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_kb"]\n', encoding="utf-8")
    code, out, err = run(capsys, "check", "--conf-dir", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"kb check: no source folder at {tmp_path / 'source'} (use --source DIR)\n"

    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", "--source", "nowhere")
    assert (code, out, err) == (2, "", "kb check: no source folder at nowhere (use --source DIR)\n")


def test_check_source_option_and_conf_values(tmp_path, capsys, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "conf.py").write_text(
        'extensions = ["sphinx_kb"]\nkb_posts_dir = "articles"\nkb_categories_file = "taxonomy.yml"\n'
        'kb_public_dir = "static"\n',
        encoding="utf-8",
    )
    content = tmp_path / "content"
    (content / "static" / "img").mkdir(parents=True)
    (content / "static" / "img" / "here.png").write_bytes(b"png")
    (content / "taxonomy.yml").write_text("- name: Security\n", encoding="utf-8")
    articles = content / "articles"
    articles.mkdir()
    (articles / "here.md").write_text(
        "---\ntitle: Here\nslug: here\ncategory: Security\nexcerpt: E\nogImage: /img/here.png\n---\n",
        encoding="utf-8",
    )
    (articles / "odd.md").write_text(
        "---\ntitle: Odd\nslug: odd\ncategory: Odd\nexcerpt: E\n---\n", encoding="utf-8"
    )
    # Not the posts folder any more: never read.
    write_post(content, "ignored", "not: [valid")
    monkeypatch.chdir(content)
    code, out, err = run(capsys, "check", "--conf-dir", "../site", "--source", ".")
    assert code == 1
    assert out == (
        "articles/odd.md:4: warning: category `Odd` is not in taxonomy.yml (known categories: Security; "
        "or add it to taxonomy.yml) [kb.unknown-category]\n"
    )
    assert err == "2 posts checked: 0 error(s), 1 warning(s)\n"
    # A folder without conf.py (a mistyped --conf-dir): said, since the options are then the defaults.
    code, out, err = run(capsys, "check", "--conf-dir", "../sit", "--source", ".")
    assert err.startswith(
        f"kb check: no conf.py in {tmp_path / 'sit'}; using the default options (see --conf-dir)\n"
    )
    assert "category `Security` is not in" not in out  # it read blog/ and categories.yml instead


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"kb {__version__}\n"
    assert __version__ == importlib.metadata.version("sphinx-kb") == "0.1.0"


def test_no_command_prints_help(capsys):
    code, out, err = run(capsys)
    assert (code, err) == (2, "")
    assert out.startswith("usage: kb [-h] [--version] COMMAND ...\n\nWork with a sphinx-kb knowledge base.\n")
    assert re.search(r"^    check +check every post's front matter", out, re.MULTILINE)
