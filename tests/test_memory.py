"""The build does not keep every doctree in memory (glue/memory.py)."""

from __future__ import annotations

import gc
import weakref

from conftest import add_notes, build, clean_copy, touch_later
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder

from sphinx_kb.glue import memory


def spy_write(monkeypatch) -> list[int]:
    """How many read doctrees Sphinx still holds when writing starts, per build."""
    held: list[int] = []
    original = Builder.write

    def write(self, *args, **kwargs):
        held.append(len(self.env._write_doc_doctree_cache))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Builder, "write", write)
    return held


def test_a_serial_build_writes_from_the_pickles_and_gives_the_same_pages(make_project, monkeypatch, tmp_path):
    src = make_project()
    add_notes(src, 12)
    kept = build(clean_copy(src, tmp_path / "kept"), outdir=tmp_path / "kept-out" / "html")
    kept.assert_no_warnings()

    monkeypatch.setattr(memory, "KEEP_READ_DOCTREES", 5)
    held = spy_write(monkeypatch)
    result = build(src)
    result.assert_no_warnings()
    assert held == [0]  # 12 posts and the generated pages were read: none kept for writing
    assert result.pages() == kept.pages()

    # An incremental build that read one post keeps it: re-reading would cost time, not save memory.
    post = src / "blog/note-04.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    touch_later(post)
    held.clear()
    again = build(src)
    again.assert_no_warnings()
    assert 1 <= held[0] <= 5
    assert "One more line." in again.pages()["blog/note-04.html"]


def test_the_pickles_of_written_pages_are_not_kept(make_project):
    src = make_project()
    add_notes(src, 6)
    for parallel in (0, 2):
        result = build(src, parallel=parallel, fresh=True)
        result.assert_no_warnings()
        env = result.app.env
        assert "blog/note-03" in env.all_docs
        assert not env._pickled_doctree_cache, sorted(env._pickled_doctree_cache)


def test_release_memory_collects_reference_cycles():
    class Node:
        pass

    gc.disable()
    try:
        node = Node()
        node.self = node  # a cycle: only the cycle collector frees it
        alive = weakref.ref(node)
        del node
        assert alive() is not None
        memory.release_memory()
        assert alive() is None
    finally:
        gc.enable()


def test_what_reading_built_is_frozen_while_writing_and_thawed_after(make_project, monkeypatch):
    src = make_project()
    add_notes(src, 3)
    frozen: list[int] = []
    original = StandaloneHTMLBuilder.write_doc

    def write_doc(self, *args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StandaloneHTMLBuilder, "write_doc", write_doc)
    assert gc.get_freeze_count() == 0
    result = build(src)
    result.assert_no_warnings()
    assert frozen and min(frozen) > 1000  # the environment, set aside from the collector
    assert gc.get_freeze_count() == 0  # and given back when the build ends
