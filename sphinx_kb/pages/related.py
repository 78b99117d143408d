"""Related articles at the end of each post page (`kb_related_posts`, default 3, 0 = off).

Score of another published post: 2 per shared tag, +1 when it is in the same category.
Equal scores: the post nearest in date first (then the newer, then by slug). Nearest rather than
newest: with "newest" the few newest posts of a large category would be related to every post
of it, and each new post or retitled recent post would rewrite every page of the category.

Candidates are bounded: the WINDOW posts before and after the post in each of its tags' lists
and in its category's list (all lists are newest first), so one post costs O(WINDOW × tags), not
O(posts). Everything comes from the catalog, so an incremental build shows what a clean build
shows; navigation.py rewrites a page when its related list changes (see `fingerprint`).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from docutils import nodes

from sphinx_kb.content.wording import wording
from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.post import Post

# Neighbours taken on each side of the post in each list it is in.
WINDOW = 6
UNDATED = 10**9
NO_TAGS: frozenset[str] = frozenset()


class related_posts(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder at the end of a post, filled from the current catalog when the page is written."""


def related(catalog: Catalog, post: Post, count: int) -> list[Post]:
    """Up to `count` published posts related to a visible post, best first."""
    category = catalog.category_slugs.get(post.slug)
    if count <= 0 or category is None:
        return []
    index = catalog.tag_index
    tag_sets = index.tag_sets
    mine = tag_sets.get(post.slug, NO_TAGS)
    categories = catalog.category_slugs
    lists = [(index.tags[tag].posts, index.positions[(tag, post.slug)]) for tag in mine]
    lists.append((catalog.posts_in(category), catalog.position(post)))
    candidates: dict[str, Post] = {}
    for posts, position in lists:
        for other in posts[max(0, position - WINDOW) : position + WINDOW + 1]:
            candidates[other.slug] = other
    del candidates[post.slug]

    when = post.date.toordinal() if post.date else None
    ranked: list[tuple[int, int, int, str, Post]] = []
    for slug, other in candidates.items():
        if other.is_draft:
            continue
        score = 2 * len(mine & tag_sets.get(slug, NO_TAGS)) + (categories.get(slug) == category)
        ordinal = other.date.toordinal() if other.date else 0
        distance = abs(ordinal - when) if other.date and when is not None else UNDATED
        ranked.append((-score, distance, -ordinal, slug, other))
    return [entry[-1] for entry in heapq.nsmallest(count, ranked)]


def fingerprint(catalog: Catalog, post: Post, count: int) -> str:
    """What the related section of a post's page shows."""
    return "|".join(f"{p.slug}:{p.title}:{p.date}" for p in related(catalog, post, count))


def fill_related(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the related section from the current catalog (or nothing)."""
    for placeholder in list(doctree.findall(related_posts)):
        catalog = get_catalog(app.env).in_language(placeholder.get("language", ""))
        post = catalog.posts.get(placeholder["slug"])
        found = related(catalog, post, app.config.kb_related_posts) if post is not None else []
        if not found:
            placeholder.parent.remove(placeholder)
            continue
        box = nodes.container(classes=["kb-related"])
        # A rubric (<p class="rubric">), not a heading: the post's own outline stays the author's.
        words = wording(catalog.layout.page_language)
        heading = words.text("Related articles")
        box += nodes.rubric(heading, heading, classes=["kb-related-heading"])
        items = nodes.bullet_list(classes=["kb-related-list"])
        for other in found:
            line = nodes.paragraph()
            uri = app.builder.get_relative_uri(docname, catalog.layout.post_docname(other.slug))
            line += nodes.reference(other.title, other.title, refuri=uri, internal=True)
            if other.date:
                line += nodes.Text(" ")
                line += nodes.inline("", words.date(other.date), classes=["kb-date"])
            items += nodes.list_item("", line, classes=["kb-related-item"])
        box += items
        placeholder.replace_self(box)


def setup(app: Sphinx) -> None:
    app.add_node(related_posts)
    app.connect("doctree-resolved", fill_related)
