"""Under -j 2, a few changed posts are read in the build's own process; writing stays parallel."""

from __future__ import annotations

from conftest import add_notes, build, clean_copy, touch_later
from sphinx.builders import Builder


def spy(monkeypatch) -> list[tuple[str, int]]:
    """Record which of Sphinx's read/write paths ran, and with how many documents."""
    calls: list[tuple[str, int]] = []
    for name in ("_read_serial", "_read_parallel", "_write_serial", "_write_parallel"):
        original = getattr(Builder, name)

        def wrapper(self, docnames, *args, _name=name, _original=original, **kwargs):
            calls.append((_name, len(docnames)))
            return _original(self, docnames, *args, **kwargs)

        monkeypatch.setattr(Builder, name, wrapper)
    return calls


def test_one_edited_post_is_read_here_and_the_pages_are_those_of_a_clean_build(
    make_project, monkeypatch, tmp_path
):
    src = make_project()
    add_notes(src, 25)
    calls = spy(monkeypatch)
    first = build(src, parallel=2)
    first.assert_no_warnings()
    assert ("_read_parallel", len(first.app.env.all_docs)) in calls  # a first build: all in parallel

    calls.clear()
    post = src / "blog/note-03.md"
    added = "\nAn added line about zebrafinches.\n"
    post.write_text(post.read_text(encoding="utf-8") + added, encoding="utf-8")
    touch_later(post)
    incremental = build(src, parallel=2)
    incremental.assert_no_warnings()
    reads = [call for call in calls if call[0].startswith("_read")]
    assert reads and reads[0][0] == "_read_serial", calls
    assert not [call for call in calls if call[0] == "_read_parallel"]
    assert [call for call in calls if call[0] == "_write_parallel"], calls  # -j 2 given back
    assert incremental.app.parallel == 2
    assert "zebrafinches" in incremental.pages()["blog/note-03.html"]

    clean = build(clean_copy(src, tmp_path / "clean"), outdir=tmp_path / "out" / "html", fresh=True)
    assert incremental.pages() == clean.pages()


def test_many_changed_posts_are_still_read_in_parallel(make_project, monkeypatch):
    src = make_project()
    add_notes(src, 12)
    build(src, parallel=2).assert_no_warnings()
    calls = spy(monkeypatch)
    for number in range(12):
        post = src / f"blog/note-{number:02d}.md"
        post.write_text(post.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        touch_later(post)
    build(src, parallel=2).assert_no_warnings()
    assert [call for call in calls if call[0] == "_read_parallel"], calls
