"""Incremental deploys (issue #16): a build cache restored into a fresh checkout, with the times
of unchanged files restored by `kb restore-mtimes`, rebuilds only what changed; a cache made with
another conf.py, other sphinx-kb code or a damaged environment gives a full, correct build."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import BuildResult, build, clean_copy, env_counts, plain, written

from sphinx_kb.cli import main
from sphinx_kb.content import fingerprints

POST = "blog/phishing-101.md"


def fresh_checkout(src: Path) -> None:
    """Every file of the checkout newer than the cache, as `git clone` leaves them."""
    later = time.time() + 30
    for path in src.rglob("*"):
        if path.is_file() and "_build" not in path.parts:
            os.utime(path, (later, later))


def restore_times(cached: BuildResult) -> fingerprints.Restored:
    """What `kb restore-mtimes` does, with the record of the cached build."""
    manifest = fingerprints.load(Path(cached.app.doctreedir) / fingerprints.MANIFEST)
    assert manifest, "the build recorded no inputs"
    return fingerprints.restore(manifest)


def edit_post(src: Path) -> None:
    path = src / POST
    path.write_text(path.read_text(encoding="utf-8").replace("Look at the sender.", "Check the sender."))


def same_as_clean(result: BuildResult, tmp_path: Path) -> None:
    clean = build(clean_copy(result.srcdir, tmp_path / "clean"), outdir=tmp_path / "clean-out", fresh=True)
    assert result.pages() == clean.pages()


def test_a_restored_cache_with_restored_times_rewrites_only_the_changed_post(make_project, tmp_path):
    src = make_project()
    cached = build(src)
    cached.assert_no_warnings()
    # The same edit on the machine that built it: what a one-post rebuild reads and writes.
    local_src = make_project(dest="local")
    build(local_src).assert_no_warnings()
    edit_post(local_src)
    os.utime(local_src / POST, (time.time() + 30,) * 2)
    local = build(local_src)

    edit_post(src)
    fresh_checkout(src)
    tally = restore_times(cached)
    assert tally.changed == 1 and tally.new == 0
    result = build(src)
    result.assert_no_warnings()
    assert env_counts(result) == "0 added, 1 changed, 0 removed"
    assert written(result) == written(local)
    assert "blog/phishing-101" in written(result)
    assert len(written(result)) < 10
    same_as_clean(result, tmp_path)


def test_without_restored_times_a_fresh_checkout_reads_everything(make_project):
    src = make_project()
    first = build(src)
    edit_post(src)
    fresh_checkout(src)
    result = build(src)
    documents = len(first.app.env.found_docs)
    assert env_counts(result) == f"0 added, {documents} changed, 0 removed"


def test_a_cache_built_with_another_conf_py_gives_a_full_correct_build(make_project, tmp_path):
    src = make_project()
    first = build(src)
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace("for tests", "for the tests"), encoding="utf-8")
    fresh_checkout(src)
    restore_times(first)
    result = build(src)
    result.assert_no_warnings()
    assert "[config changed ('kb_description')]" in plain(result.status)
    # A new environment: every document read again.
    assert env_counts(result).endswith(f"{len(first.app.env.found_docs)} added, 0 changed, 0 removed")
    assert "A knowledge base for the tests." in (result.outdir / "index.html").read_text(encoding="utf-8")
    same_as_clean(result, tmp_path)


def test_a_cache_made_by_other_sphinx_kb_code_gives_a_full_correct_build(make_project, tmp_path, monkeypatch):
    src = make_project()
    first = build(src)
    fresh_checkout(src)
    restore_times(first)
    # An upgrade or a local edit of sphinx-kb: its code digest is another one.
    for module in ("glue.extension", "content.reading", "search.vocabulary", "search.pagefind"):
        monkeypatch.setattr(f"sphinx_kb.{module}.code_digest", lambda: "0" * 32)
    result = build(src)
    result.assert_no_warnings()
    assert "build environment version not current" in plain(result.status)
    assert len(written(result)) >= len(first.app.env.found_docs)
    same_as_clean(result, tmp_path)


def test_a_damaged_cache_gives_a_full_correct_build(make_project, tmp_path):
    src = make_project()
    first = build(src)
    pickle = Path(first.app.doctreedir) / "environment.pickle"
    pickle.write_bytes(pickle.read_bytes()[:1000])
    (Path(first.app.doctreedir) / fingerprints.MANIFEST).write_text("{not json", encoding="utf-8")
    edit_post(src)
    fresh_checkout(src)
    result = build(src)
    assert result.statuscode == 0
    assert "Traceback" not in result.warnings
    assert len(written(result)) >= len(first.app.env.found_docs)
    same_as_clean(result, tmp_path)


def test_kb_restore_mtimes_restores_only_unchanged_files(tmp_path, capsys):
    source = tmp_path / "source"
    (source / "blog").mkdir(parents=True)
    same, edited = source / "blog" / "same.md", source / "blog" / "edited.md"
    same.write_text("same\n", encoding="utf-8")
    edited.write_text("before\n", encoding="utf-8")
    old = 1_600_000_000_000_000_000
    for path in (same, edited):
        os.utime(path, ns=(old, old))
    doctrees = tmp_path / "_build" / "doctrees"
    doctrees.mkdir(parents=True)
    fingerprints.save(doctrees / fingerprints.MANIFEST, fingerprints.record([source]))

    edited.write_text("after\n", encoding="utf-8")
    (source / "blog" / "new.md").write_text("new\n", encoding="utf-8")
    now = time.time_ns()
    for path in source.rglob("*.md"):
        os.utime(path, ns=(now, now))
    assert main(["restore-mtimes", "--build-dir", str(tmp_path / "_build")]) == 0
    out = capsys.readouterr().out
    assert "1 file(s) as the cached build read them (times restored); 1 changed and 1 new since" in out
    assert same.stat().st_mtime_ns == old
    assert edited.stat().st_mtime_ns == now


def test_kb_restore_mtimes_without_a_record_says_the_build_is_full(tmp_path, capsys):
    assert main(["restore-mtimes", "--build-dir", str(tmp_path / "_build")]) == 0
    assert "the next build reads everything" in capsys.readouterr().err


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_the_build_records_sources_conf_and_templates(make_project, builder):
    src = make_project()
    result = build(src, builder)
    manifest = fingerprints.load(Path(result.app.doctreedir) / fingerprints.MANIFEST)
    assert str(src) in manifest
    files = manifest[str(src)]
    assert "blog/phishing-101.md" in files and "conf.py" in files
    assert not any(name.startswith("_build/") for name in files)
    # sphinx-kb's templates and the theme's, whose times decide whether pages are rewritten.
    assert any(root.endswith("sphinx_kb/templates") for root in manifest)
    assert any("furo" in root for root in manifest)
