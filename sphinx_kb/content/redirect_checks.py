"""Old addresses of posts, checked across posts (the catalog runs this, so `kb check` reports the
same problems as the build): an old path claimed by two posts, one that is a real page of the
site, or the post's own address is dropped with an error; the post stays.

Every redirect points at a post, never at another old path (those cannot be pages), so there
are no chains; the loops that remain possible are an old path that is the post's own address,
and posts that claim each other's address: both are errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_kb.content.browse import archive_docnames, tag_docnames
from sphinx_kb.content.frontmatter import shorten
from sphinx_kb.content.problems import Problem
from sphinx_kb.content.redirects import output_files, page_files

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Catalog, Layout
    from sphinx_kb.content.post import Post

# Pages every build has, whether or not a source file exists yet (kb check on a fresh checkout).
BUILT_PAGES = ("index", "search", "genindex", "py-modindex", "404")
# Files of the site root a redirect page (or its folder) must not replace.
BUILT_FILES = (
    "sitemap.xml",
    "robots.txt",
    "objects.inv",
    "searchindex.js",
    "_redirects",
    ".nojekyll",
    "atom.xml",
    "rss.xml",
)
SOURCE_SUFFIXES = (".md", ".rst")
# Where hand-written pages cannot be (build output, assets, templates).
SKIPPED_DIRS = ("_build", "_static", "_templates")


def handwritten_docnames(layout: Layout) -> set[str]:
    """Docnames of the source files outside the posts, category and public folders."""
    skipped = {layout.posts_dir, layout.category_dir, layout.public_dir, *SKIPPED_DIRS}
    found: set[str] = set()
    for root, dirs, files in os.walk(layout.srcdir):
        relative = Path(root).relative_to(layout.srcdir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        dirs[:] = [d for d in dirs if not d.startswith(".") and prefix + d not in skipped]
        found.update(prefix + name.rsplit(".", 1)[0] for name in files if name.endswith(SOURCE_SUFFIXES))
    return found


def site_pages(catalog: Catalog) -> dict[str, str]:
    """Output file -> the page it is (for "shadows a real page")."""
    layout = catalog.layout
    pages: dict[str, str] = {}

    def add(docname: str, what: str) -> None:
        for name in page_files(docname):
            pages.setdefault(name, what)

    for slug, post in catalog.posts.items():
        add(layout.post_docname(slug), f"the {'draft ' if post.is_draft else ''}post {post.path.name}")
    for docname in catalog.excluded:
        add(docname, f"the post {docname}.md")
    for category in catalog.categories.values():
        for page in range(1, catalog.pages_of(category.slug) + 1):
            add(layout.category_docname(category.slug, page), f"the category page of {category.name}")
    for docname in tag_docnames(catalog):
        add(docname, "a tag page")
    for docname in archive_docnames(catalog):
        add(docname, "the archive")
    for docname in (*BUILT_PAGES, *handwritten_docnames(layout)):
        add(docname, "the home page" if docname == "index" else f"the page {docname}")
    for name in BUILT_FILES:
        pages[name] = f"the file {name} the build writes"
    return pages


def check_redirects(catalog: Catalog) -> tuple[dict[str, str], list[Problem]]:
    """Old path -> slug of every redirect that can be written, and a problem for every other one."""
    if not any(post.redirect_from for post in catalog.posts.values()):
        return {}, []  # the usual case: no need to list every page of the site
    pages = site_pages(catalog)
    problems: list[Problem] = []
    claims: dict[str, list[tuple[Post, str]]] = {}
    for post in catalog.posts.values():
        own = set(page_files(catalog.layout.post_docname(post.slug)))
        for old in post.redirect_from:
            files = output_files(old)
            problem = blocked(catalog, post, old, files, own, pages)
            if problem is not None:
                problems.append(problem)
                continue
            for name in files:
                claims.setdefault(name, []).append((post, old))

    # The same file claimed by two posts: neither gets it (which one is right is the writer's call).
    contested: dict[tuple[str, str], set[Path]] = {}
    for claimants in claims.values():
        if len({post.slug for post, _ in claimants}) < 2:
            continue
        for post, old in claimants:
            others = {p.path for p, _ in claimants if p.slug != post.slug}
            contested.setdefault((post.slug, old), set()).update(others)
    for (slug, old), others in sorted(contested.items()):
        post = catalog.posts[slug]
        names = ", ".join(sorted(relative(catalog, p) for p in others))
        problems.append(
            Problem(
                post.path,
                post.lines.get("redirect_from"),
                "duplicate-redirect",
                f"old path `{shorten(old)}` is also claimed by {names}; neither post gets the redirect",
                "keep it in one post only",
            )
        )
    redirects = {
        old: post.slug
        for claimants in claims.values()
        for post, old in claimants
        if (post.slug, old) not in contested
    }
    return dict(sorted(redirects.items())), problems


def blocked(
    catalog: Catalog, post: Post, old: str, files: tuple[str, ...], own: set[str], pages: dict[str, str]
) -> Problem | None:
    """Why an old path cannot be written (it is the post's own address, or another page's)."""
    line = post.lines.get("redirect_from")
    if own.intersection(files):
        return Problem(
            post.path,
            line,
            "redirect",
            f"old path `{shorten(old)}` is this post's own address",
            "remove it: that address already shows the post",
        )
    for name in files:
        what = taken(catalog, name, pages)
        if what is not None:
            return Problem(
                post.path,
                line,
                "redirect",
                f"old path `{shorten(old)}` shadows a real page of the site: {what}",
                "remove it; a redirect page there would hide that page",
            )
    return None


def taken(catalog: Catalog, name: str, pages: dict[str, str]) -> str | None:
    """What already stands at an output file or at one of its folders (`/x.png/` needs a folder
    where the public file x.png is)."""
    parts = name.split("/")
    for end in range(len(parts), 0, -1):
        prefix = "/".join(parts[:end])
        if prefix in pages:
            return pages[prefix]
        if catalog.public_file_exists(prefix):
            return f"the file {catalog.layout.public_dir}/{prefix}"
    return None


def relative(catalog: Catalog, path: Path) -> str:
    try:
        return path.relative_to(catalog.layout.srcdir).as_posix()
    except ValueError:
        return str(path)
