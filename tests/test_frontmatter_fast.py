"""The fast front-matter reader and the two-process read give exactly what the YAML path and a
one-process read give: same values and types, same lines, same problems, same order."""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, ROOTS, write_post

from sphinx_kb.cli import main
from sphinx_kb.content import reading as catalog_module
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.frontmatter import FrontMatterError, fast_items, head_lines, split
from sphinx_kb.content.parallel import can_fork, in_two_processes
from sphinx_kb.content.reading import PostCache, build_catalog, read_text

SAMPLES = Path(__file__).parent / "samples"


def outcome(text: str, fast: bool) -> tuple[Any, ...]:
    """Everything split() tells, values with their types (repr tells 1, 1.0, True, "1" apart)."""
    try:
        matter = split(text, fast=fast)
    except FrontMatterError as exc:
        return ("error", exc.message, exc.line, exc.fix, exc.key)
    return (
        repr(matter.values),
        [type(v) for v in matter.values.values()],
        matter.lines,
        matter.duplicates,
        [(e.message, e.line, e.fix, e.key) for e in matter.errors],
        matter.body,
        matter.body_line,
    )


def used_fast_path(text: str) -> bool:
    lines = head_lines(text.removeprefix("\ufeff"))
    return len(lines) > 1 and fast_items(lines[1:-1], 2) is not None


def assert_same(text: str) -> None:
    assert outcome(text, fast=True) == outcome(text, fast=False), text


def document(block: str) -> str:
    return f"---\n{block}---\n\nThe body.\n"


def generate_posts(dest: Path, n: int) -> None:
    spec = importlib.util.spec_from_file_location("kb_generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kb_generate"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        module.generate(dest, n)
    finally:
        del sys.modules["kb_generate"]


# --- the fast reader against YAML ----------------------------------------------------------------


def test_every_markdown_file_of_the_repository_reads_the_same() -> None:
    files = [
        path
        for folder in (ROOTS, SAMPLES, REPO / "source", REPO / "docs")
        for path in sorted(folder.rglob("*.md"))
    ]
    assert len(files) > 40
    fast = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert_same(text)
        fast += used_fast_path(text)
    # The test roots' posts are the common flat kind: the fast reader takes every one of them.
    posts = sorted(ROOTS.glob("*/blog/*.md"))
    assert posts and all(used_fast_path(p.read_text(encoding="utf-8")) for p in posts)
    assert fast >= len(posts)


def test_generated_benchmark_posts_read_the_same_and_fast(tmp_path: Path) -> None:
    generate_posts(tmp_path, 300)
    posts = sorted((tmp_path / "blog").glob("*.md"))
    assert len(posts) == 300
    for path in posts:
        text = path.read_text(encoding="utf-8")
        assert_same(text)
        assert used_fast_path(text), path.name


# Blocks the fast reader must read itself (and right): the forms real front matter uses.
FAST = [
    'title: "Backups: a guide"\nslug: backups\ncategory: Managed IT\n',
    "title: 'It''s here'\nslug: 'x'\n",
    "date: 2024-01-05\nupdated: 2024-02-01 10:30:00\n",
    "date: 2024-01-05T10:20:30Z\nupdated: 2024-01-05 10:20:30.5 +02:00\n",
    "tags: [backup, cloud, microsoft 365]\n",
    'tags: ["backup", "cloud"]\n',
    "tags: []\n",
    "tags: [ ]\n",
    "tags: [1, yes, null, 2.5, 2024-01-01, 'x', \"y\"]\n",
    "tags:\n- a\n- b\n",
    "tags:\n  - a\n  - 'b'\n  - \"c d\"\n",
    "tags:\n\n  - a\n\n  - b\nslug: x\n",
    "tags:\n# a comment\n- a\n",
    "ok: yes\nno_: no\nflag: on\noff_: Off\nt: true\nf: FALSE\n",
    "n: 1\nneg: -17\nplus: +3\nhex: 0x1F\noct: 0o17\nold_oct: 017\nunder: 1_000\nsexa: 1:30\n",
    "f: 1.5\ng: .5\nh: 1e3\ni: 1.0e+3\ninf: .inf\nninf: -.Inf\nnan: .NaN\n",
    "a: null\nb: ~\nc:\nd: Null\ne: ''\nf: \"\"\n",
    "title: C# tips\nurl: https://example.com/a?b=c#d\nslug: a:b\n",
    "title: x [y] {z}, w\nother: -x\nthird: --- x\n",
    "title: \"x\" # a comment\nslug: 'y'   # another\n",
    "title: é café 日本語 😀\nauthor: Zoë\nnbsp: a\u00a0b\n",
    "title: a\ntitle: b\n",
    "\n# comment\ntitle: a\n\n  # indented comment\nslug: b\n",
    "og-image: /x.png\n_private: 1\ny: 1\nn: 2\n",
    "title:   spaced   value   \n",
    "title: \"a 'b' c\"\nslug: 'a \"b\" c'\n",
    "",
    "# only a comment\n",
    # What `kb new` writes.
    'title: "Guest Wi-Fi: a 10-minute setup"\nslug: "guest-wi-fi"\ncategory: "Managed IT"\n'
    "# TODO: replace the excerpt; listings and link previews show it.\n"
    'excerpt: "TODO: one or two sentences."\n# ogImage: "/blog/guest-wi-fi.png"\n'
    'status: "draft"\ndate: 2026-11-26\nauthor: "Dana Whitfield"\ntags: ["wifi", "guest network"]\n',
]

# Blocks left to YAML (some valid, some not): the result must still be the same.
SLOW = [
    "title: Issue #5\n",
    "slug: y   # a comment after a plain value\n",
    "title: a: b\n",
    "title: a:\n",
    'title: "a \\" b"\n',
    'title: "a\\nb"\n',
    'title: "unclosed\nslug: x\n',
    "title: 'unclosed\nslug: x\n",
    'title: "x" trailing\n',
    "title: 'x'#c\n",
    "tags: [a, b,]\n",
    "tags: [a,, b]\n",
    "tags: [a, [b]]\n",
    "tags: [a: b]\n",
    "tags: [a, {b: c}]\n",
    "tags: [a\n",
    "tags: [a] x\n",
    "tags: [-1, -x]\n",
    "tags:\n  - a\n - b\n",
    "tags:\n  - a\n  - b: c\n",
    "tags:\n  -\n",
    "tags:\n- - a\n",
    "author:\n  name: Jane\n  url: x\n",
    "title: a\n  continued\n",
    "title: a\n#c\n  d\n",
    "title: |\n  text\n",
    "title: >\n  folded\n",
    "title: &a x\nslug: *a\n",
    "title: !!str 5\n",
    "title: @x\n",
    "title: `x`\n",
    "title: %x\n",
    "title: ? x\n",
    "title: - x\n",
    "title: -\n",
    "title: =\n",
    "<<: {a: b}\n",
    "yes: 1\n",
    "null: x\n",
    "1: x\n",
    "title : x\n",
    "title:x\n",
    "  title: x\n  slug: y\n",
    "key with space: x\n",
    "clé: x\n",
    "k" * 70 + ": x\n",
    "title:\tx\n",
    "title: a\tb\n",
    "date: 2024-13-01\n",
    "date: 2024-02-30\nupdated: 2024-01-01\n",
    "date: 2024-1-5\n",
    "date: 2001-12-14 21:59:43.10 -5\n",
    "title: x\u2028y\n",
    "title: x\x85y\n",
    "title: x\x07y\n",
    "title: x\ufeffy\n",
    "title: x\ufffey\n",
    "title: x\r\nslug: y\r\n",
    "- a\n- b\n",
    "just text\n",
    "'quoted key': x\n",
    '"dq key": x\n',
    "{a: b}\n",
    "[a, b]\n",
    "title: x\n---\n",
    "title: x\n...\n",
]


# Edge cases either reader may take (whitespace YAML does not strip, numbers, odd list shapes).
EDGE = [
    "title: \u00a0x\n", "title: x\u00a0\n", "title: x\u3000\n", "title: \u3000\n", "title: x \u00a0\n",
    "tags: [\u00a0a]\n", "tags: [a\u00a0, b]\n", "tags:\n# c\n  - a\n", "tags:\n  - a\n# c\n  - b\n",
    "tags:\n  - a\n\n\n  - b\nx: 1\n", "title: --\n", "title: x,\n", "title: x]\n", "title: x}\n",
    "tags: [x, 'a''b', \"c\"] # c\n", "tags: ['a' , 'b' ]\n", "tags: [a b c, d]\n",
    "tags: [a'b, c\"d]\n", "title: a'b\"c\n", "title: 'a'  \n", 'title: "a"  \n',
    "date: 2024-01-05 10:20:30.123456789 +02:00\n", "date: 2024-01-05T10:20:30.1-03\n",
    "n: 0b1010\n", "n: 1__0\n", "n: 0x\n", "n: 1.\n", "n: -.5\n", "n: +.inf\n", "n: 1e\n",
    "n: 6.8523015e+5\n", "n: 685.230_15e+03\n", "n: 190:20:30.15\n", "title: x\n\n\n",
    "title: >-\n  a\n", "title: 'multi\n  line'\n", 'title: "multi\n  line"\n',
    "t: true\nT: 1\nFalse_: 2\n", "on: 1\n", "Off: 2\n", "NO: 3\n", "y: a\nn: b\n", "~: x\n",
    "title: |-\n", "tags: [\n  a, b]\n", "title: x  \t\n", "tags:\n - a\n", "tags:\n   - a\n   - b\n",
    "a:\nb:\n- x\nc:\n",
]  # fmt: skip


@pytest.mark.parametrize("block", EDGE)
def test_edge_cases_read_the_same(block: str) -> None:
    assert_same(document(block))


@pytest.mark.parametrize("block", FAST)
def test_common_front_matter_is_read_fast_and_the_same(block: str) -> None:
    text = document(block)
    assert_same(text)
    assert used_fast_path(text)


@pytest.mark.parametrize("block", SLOW)
def test_unusual_front_matter_reads_the_same(block: str) -> None:
    assert_same(document(block))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no front matter\n",
        "---\ntitle: x\n",
        "---\ntitle: x",
        "---",
        "\ufeff---\ntitle: x\n---\nbody\n",
        "---\r\ntitle: x\r\n---\r\nbody\r\n",
        "---\rtitle: x\r---\rbody\r",
        "--- \ntitle: x\n---   \nbody\n",
        "---\ntitle: x\n...\nbody\n",
        "---\n---\nbody\n",
        "---\n\n---\n",
        "---\ntitle: x\n---",
        "---\ntitle: x\n---\n---\nmore\n",
        # A long first line and a front matter larger than the first cut of head_lines.
        "---" + " " * 3000 + "\ntitle: x\n---\n",
        "---" + " " * 2040 + "x\ntitle: x\n---\n",
        "---\n" + "".join(f"key{i}: value {i}\n" for i in range(400)) + "---\nbody\n",
        # `\r\n` cut in two at the end of the first cut, and other line breaks of str.splitlines.
        "---\n" + "a" * 2042 + "\r\n---\nbody\n",
        "---\ntitle: x\x0b---\x0cbody\x1c---\x1d\x1e\x85\u2028\u2029\n",
        "---\ntitle: x\n" + "b: " + "y" * 5000 + "\n---\n" + "body " * 1000,
    ],
)
def test_block_boundaries_are_found_as_before(text: str) -> None:
    assert_same(text)
    # head_lines cuts the text into lines as str.splitlines does, however long the head.
    lines = head_lines(text)
    assert lines == text.splitlines(keepends=True)[: len(lines)]


KEYS = ["title", "slug", "tags", "date", "yes", "Title", "og-image", "1", "null", "title ", "é"]
VALUES = [
    "x", "Backups: a guide", "a:b", "a:", "C# tips", "Issue #5", "yes", "No", "on", "OFF", "y", "n",
    "true", "null", "~", "", "1", "-1", "+1", "0x1F", "0o17", "017", "1_000", "1:30", "1.5", ".5",
    "1e3", ".inf", "-.inf", ".nan", "2024-01-05", "2024-1-5", "2024-13-01", "2024-02-30",
    "2024-01-05T10:20:30Z", "2024-01-05 10:20:30 +02:00", "-x", "- x", "--- x", "---", "...",
    "a, b", "x [y] {z}", "@x", "`x`", "%x", "!x", "&a x", "*a", "|", ">", "?x", ":x", "=", "<<",
    "é café", "日本", "😀", "a\u00a0b", "a\tb", "'q'", "'it''s'", "'a' # c", '"dq"', '"a \\" b"',
    '"a\\nb"', '"unclosed', "'unclosed", '"x" tail', '"x" # c', "''", '""', "[a, b]", "[]",
    "[a, b,]", "[\"a\", 'b', c d]", "[1, yes, null]", "[a, [b]]", "[a: b]", "[a] # c", "[a",
    "x#y", "x #y", "1 # c", "x: y: z", "a  b  ", "  lead",
]  # fmt: skip
LINE_FORMS = [
    "{k}: {v}\n",
    "{k}:  {v}  \n",
    "{k}:{v}\n",
    "  {k}: {v}\n",
    "{k}: {v} # comment\n",
    "{k}:\n- {v}\n- {v}\n",
    "{k}:\n  - {v}\n  - x\n",
    "{k}:\n  - {v}\n - x\n",
    "{k}:\n\n- {v}\n",
    "{k}:\n# c\n- {v}\n",
    "{k}:\n  a: {v}\n",
    "{k}: {v}\n  more\n",
    "{k}: [{v}]\n",
    "{k}: [x, {v}, y]\n",
    "\n",
    "# {v}\n",
]


def test_random_front_matter_reads_the_same() -> None:
    """Thousands of blocks made of tricky keys, values and line shapes, in a fixed order."""
    rng = random.Random(5)
    fast = 0
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 6)):
            key = rng.choice(KEYS[:4]) if rng.random() < 0.8 else rng.choice(KEYS)
            lines.append(rng.choice(LINE_FORMS).format(k=key, v=rng.choice(VALUES)))
        block = "".join(lines)
        text = document(block)
        assert_same(text)
        fast += used_fast_path(text)
    # Both readers were exercised.
    assert 200 < fast < 2800


def test_every_value_in_every_line_shape_reads_the_same() -> None:
    fast = 0
    for key in ("title", "yes", "og-image"):
        for form in LINE_FORMS:
            for value in VALUES:
                text = document(form.format(k=key, v=value) + "slug: x\n")
                assert_same(text)
                fast += used_fast_path(text)
    assert fast > 1000


# --- reading files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"---\ntitle: x\n---\nbody\n",
        b"---\r\ntitle: x\r\n---\r\nbody\r\n",
        b"a\rb\r\nc\n\rd\r",
        b"\xef\xbb\xbf---\ntitle: x\n",
        "é 日本 😀\n".encode(),
        b"x" * 20000 + b"\xff" + b"tail",
        b"---\ntitle: caf\xe9\n---\n",
        b"x" * 8191 + "é".encode(),
        b"abc\xe2\x82",
    ],
)
def test_read_text_reads_as_text_mode_does(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "post.md"
    path.write_bytes(data)
    try:
        expected: Any = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        expected = str(exc)
    try:
        got: Any = read_text(path)
    except UnicodeDecodeError as exc:
        got = str(exc)
    assert got == expected


# --- two processes ---------------------------------------------------------------------------------


def pids(items: Any) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


@pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")
def test_in_two_processes_keeps_the_order_and_uses_a_child() -> None:
    result = in_two_processes(pids, list(range(101)))
    assert [item for item, _ in result] == list(range(101))
    workers = {pid for _, pid in result}
    assert os.getpid() in workers and len(workers) == 2


def boxed(items: Any) -> list[list[object]]:
    return [[item] for item in items]


@pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")
def test_in_two_processes_returns_this_process_items() -> None:
    """An item in the child's results comes back as the very object given (a post's path)."""
    paths = [Path(f"/kb/blog/post-{i}.md") for i in range(50)]
    result = in_two_processes(boxed, paths)
    assert all(box[0] is path for box, path in zip(result, paths, strict=True))


def failing_in_child(items: Any) -> list[int]:
    if os.getpid() != PARENT:
        raise RuntimeError("the child fails")
    return [item * 2 for item in items]


PARENT = os.getpid()


@pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")
def test_in_two_processes_computes_a_failed_half_itself() -> None:
    assert in_two_processes(failing_in_child, list(range(10))) == [i * 2 for i in range(10)]


def site_with_problems(srcdir: Path, n: int) -> Layout:
    generate_posts(srcdir, n)
    blog = srcdir / "blog"
    write_post(srcdir, "bad-slug", "title: Bad\nslug: Bad_Slug\ncategory: Security\nexcerpt: E")
    write_post(srcdir, "yaml-error", "title: Backups: a guide\nslug: yaml-error\ncategory: Security")
    write_post(srcdir, "bad-date", "title: D\nslug: bad-date\ncategory: Cloud\ndate: 2024-02-30")
    write_post(srcdir, "dup", f"title: D\nslug: {sorted(blog.glob('*.md'))[3].stem}\ncategory: Cloud")
    write_post(srcdir, "no-excerpt", "title: N\nslug: no-excerpt\ncategory: Cloud", "First *paragraph*.\n")
    (blog / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    (blog / "folder.md").mkdir()
    return Layout(srcdir)


def summary(catalog: Any) -> tuple[Any, ...]:
    return (
        catalog.files,
        [p.as_dict() for p in catalog.problems],
        catalog.posts,
        sorted(catalog.excluded),
        catalog.redirects,
        {slug: post.lines for slug, post in catalog.posts.items()},
    )


@pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")
def test_parallel_read_gives_the_same_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = site_with_problems(tmp_path, 450)
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    serial = summary(build_catalog(layout))
    assert not forks
    parallel = summary(build_catalog(layout, parallel=True))
    assert forks == [1]
    assert parallel == serial
    assert serial[0] == 457 and len(serial[1]) > 5

    # With a cache: the first run parses everything in two processes and fills the cache, the
    # second takes every post from it; both give the catalog of a one-process read.
    cache_path = tmp_path / "cache.pickle"
    cache = PostCache(cache_path)
    assert summary(build_catalog(layout, cache, parallel=True)) == serial
    assert forks == [1, 1]
    assert len(cache.used) == 455  # every file but the two that cannot be read
    cache.save()
    warm = PostCache(cache_path)
    assert summary(build_catalog(layout, warm, parallel=True)) == serial
    assert forks == [1, 1]
    assert all(warm.entries[path] is entry for path, entry in warm.used.items())


def test_small_sites_are_read_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = site_with_problems(tmp_path, 20)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small site"))
    build_catalog(layout, parallel=True)
    monkeypatch.setattr(catalog_module, "PARALLEL_MIN", 10)
    monkeypatch.setattr(catalog_module, "can_fork", lambda: False)
    build_catalog(layout, parallel=True)


# --- the command line ---------------------------------------------------------------------------


def test_kb_version_does_not_import_sphinx() -> None:
    code = (
        "import sys\n"
        "from sphinx_kb.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'yaml', 'docutils')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, modules = result.stdout.splitlines()
    assert version.startswith("kb ") and modules == "[]"


@pytest.mark.skipif(not can_fork(), reason="needs fork and two CPUs")
@pytest.mark.parametrize("output", ["json", "text"])
def test_kb_check_reports_the_same_from_two_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], output: str
) -> None:
    site_with_problems(tmp_path / "source", 450)
    (tmp_path / "conf.py").write_text("extensions = ['sphinx_kb']\n", encoding="utf-8")
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    reports = []
    for parallel in (True, False):
        monkeypatch.setattr(catalog_module, "can_fork", lambda parallel=parallel: parallel)
        args = ["check", "--conf-dir", str(tmp_path), "--no-cache", "--format", output]
        assert main(args) == 1
        reports.append(capsys.readouterr())
    assert forks == [1]
    assert reports[0] == reports[1]
    assert "duplicate-slug" in reports[0].out and "cannot read the post" in reports[0].out
