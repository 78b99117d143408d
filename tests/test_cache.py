"""The parsed-posts cache beside the doctrees: only changed files are parsed again."""

from __future__ import annotations

from conftest import build

import sphinx_kb.content.reading


def counting_parse(monkeypatch) -> list[str]:
    parsed: list[str] = []
    original = sphinx_kb.content.reading.parse_post

    def parse(path, text, **options):
        parsed.append(path.name)
        return original(path, text, **options)

    monkeypatch.setattr(sphinx_kb.content.reading, "parse_post", parse)
    return parsed


def test_only_changed_posts_are_parsed_again(make_project, monkeypatch):
    srcdir = make_project()
    build(srcdir).assert_no_warnings()
    post = srcdir / "blog" / "phishing-101.md"
    post.write_text(post.read_text().replace('"Phishing 101"', '"Phishing 102"'))
    parsed = counting_parse(monkeypatch)
    result = build(srcdir)
    result.assert_no_warnings()
    assert parsed == ["phishing-101.md"]
    assert result.html("blog/phishing-101.html").find("h1").get_text().rstrip("¶") == "Phishing 102"


def test_problems_of_unchanged_posts_are_reported_again(make_project, monkeypatch):
    """A cached post keeps its problems: every build lists them, not only the first."""
    srcdir = make_project()
    post = srcdir / "blog" / "phishing-101.md"
    post.write_text(post.read_text().replace("excerpt:", "exerpt:"))
    first = build(srcdir)
    parsed = counting_parse(monkeypatch)
    second = build(srcdir)
    assert parsed == []
    assert "unknown front-matter key `exerpt`" in first.warnings
    assert "unknown front-matter key `exerpt`" in second.warnings


def test_a_damaged_cache_is_ignored(make_project):
    srcdir = make_project()
    first = build(srcdir)
    cache = first.outdir.parent / ".doctrees-html" / "sphinx-kb-posts.pickle"
    assert cache.is_file()
    cache.write_bytes(b"not a pickle")
    build(srcdir).assert_no_warnings()


def test_posts_put_in_the_cache_always_have_their_word_count(make_project, tmp_path):
    # kb check skips counting words without a cache; what it caches, the build will show.
    from sphinx_kb.content.options import layout_from
    from sphinx_kb.content.reading import PostCache, build_catalog

    layout = layout_from(make_project(), {})
    uncached = build_catalog(layout, None, words=False)
    assert uncached.posts and all(p.words == 0 for p in uncached.posts.values())
    cache = PostCache(tmp_path / "posts.pickle")
    build_catalog(layout, cache, words=False)
    cache.save()
    counted = build_catalog(layout, PostCache(tmp_path / "posts.pickle"))
    full = build_catalog(layout, None)
    assert {s: p.words for s, p in counted.posts.items()} == {s: p.words for s, p in full.posts.items()}
    assert all(p.words > 0 for p in full.posts.values())
