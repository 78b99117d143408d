"""Pages the site owner writes by hand, and the public folder."""

from __future__ import annotations

from xml.etree import ElementTree

from conftest import build, clean_copy, nav_links, nav_tree, touch_later, write_post

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}

HOME = """# Our knowledge base

Welcome.

```{kb-posts}
:latest: 2
```

```{kb-posts}
:category: Managed IT
```

```{toctree}
:hidden:

category/managed-it
category/security
about
```
"""


def test_hand_written_home_listing_follows_the_posts(make_project):
    srcdir = make_project()
    (srcdir / "index.md").write_text(HOME, encoding="utf-8")
    (srcdir / "about.md").write_text("# About us\n\nWe help.\n", encoding="utf-8")
    first = build(srcdir)
    first.assert_no_warnings()
    titles = [a.get_text() for a in first.html("index.html").select(".kb-post-list")[0].select("a")]
    assert titles[0] == "The 3-2-1 Backup Rule"

    post = srcdir / "blog" / "backup-rule.md"
    post.write_text(post.read_text().replace('"The 3-2-1 Backup Rule"', '"Backups, Simply"'))
    second = build(srcdir)
    second.assert_no_warnings()
    titles = [a.get_text() for a in second.html("index.html").select(".kb-post-list")[0].select("a")]
    assert titles[0] == "Backups, Simply"
    # The generator never overwrites a page it did not write.
    assert (srcdir / "index.md").read_text(encoding="utf-8") == HOME


def test_hand_written_pages_are_in_the_sitemap_but_not_an_error_page(make_project):
    srcdir = make_project()
    (srcdir / "about.md").write_text("---\norphan: true\n---\n# About us\n", encoding="utf-8")
    (srcdir / "404.md").write_text("---\norphan: true\n---\n# Not found\n", encoding="utf-8")
    result = build(srcdir)
    result.assert_no_warnings()
    urls = {
        loc.text
        for loc in ElementTree.parse(result.outdir / "sitemap.xml").getroot().iterfind(".//sm:loc", NS)
    }
    assert "https://kb.test/about.html" in urls
    assert "https://kb.test/404.html" not in urls


def test_listing_of_an_unknown_category_warns(make_project):
    srcdir = make_project()
    (srcdir / "about.md").write_text(
        "---\norphan: true\n---\n# About\n\n```{kb-posts}\n:category: Nope\n```\n"
    )
    result = build(srcdir)
    assert "about.md:6: WARNING: unknown category `Nope` (known: " in result.warnings
    assert "[kb.directive]" in result.warnings


def test_public_folder_is_copied_with_dotfiles_but_without_drafts_images(make_project):
    srcdir = make_project()
    (srcdir / "public" / ".nojekyll").write_text("")
    (srcdir / "public" / "blog" / "secret-plans.png").write_bytes(b"draft image")
    post = srcdir / "blog" / "secret-plans.md"
    post.write_text(
        post.read_text().replace('status: "draft"', 'status: "draft"\nogImage: "/blog/secret-plans.png"')
    )
    result = build(srcdir)
    result.assert_no_warnings()
    assert (result.outdir / ".nojekyll").is_file()
    assert (result.outdir / "blog" / "outsourced-it-partner.png").is_file()
    assert not (result.outdir / "blog" / "secret-plans.png").exists()

    preview = build(srcdir, overrides={"kb_drafts": True})
    assert (preview.outdir / "blog" / "secret-plans.png").read_bytes() == b"draft image"
    # Back to a normal build in the same folder: the draft's image goes again.
    build(srcdir)
    assert not (result.outdir / "blog" / "secret-plans.png").exists()


def test_deleted_post_page_leaves_the_output(make_project):
    srcdir = make_project()
    write_post(srcdir, "short-lived", 'title: "Short"\nslug: short-lived\ncategory: Security\nexcerpt: "E"')
    first = build(srcdir)
    assert (first.outdir / "blog" / "short-lived.html").is_file()
    (srcdir / "blog" / "short-lived.md").unlink()
    second = build(srcdir)
    second.assert_no_warnings()
    assert not (second.outdir / "blog" / "short-lived.html").exists()
    assert not list((second.outdir / "_sources" / "blog").glob("short-lived.*"))


def test_hand_written_pages_of_the_home_toctree_are_in_the_sidebar(make_project, tmp_path):
    srcdir = make_project()
    (srcdir / "index.md").write_text(HOME, encoding="utf-8")
    (srcdir / "about.md").write_text("# About us\n\nWe help.\n", encoding="utf-8")
    first = build(srcdir)
    first.assert_no_warnings()
    # After the categories, with its title; current on its own page.
    assert nav_tree(first.html("blog/phishing-101.html"))[-1] == ("About us", None, [])
    assert nav_links(first.html("blog/phishing-101.html"))["About us"] == "../about.html"
    (item,) = first.html("about.html").select(".sidebar-tree li.current")
    assert (item["class"], item.find("a")["href"]) == (["toctree-l1", "current", "current-page"], "#")

    # A new title shows in the sidebar of pages that were not edited.
    (srcdir / "about.md").write_text("# About the team\n\nWe help.\n", encoding="utf-8")
    touch_later(srcdir / "about.md")
    second = build(srcdir)
    second.assert_no_warnings()
    assert nav_tree(second.html("blog/phishing-101.html"))[-1] == ("About the team", None, [])
    clean = build(clean_copy(srcdir, tmp_path / "clean"), outdir=tmp_path / "clean-out", fresh=True)
    clean.assert_no_warnings()
    assert second.pages() == clean.pages()
