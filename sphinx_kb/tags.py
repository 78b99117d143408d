"""Tags: the tag index (`tags`), one paginated page per tag (`tag/<slug>`, `tag/<slug>/page/<n>`).

A tag's slug comes from its text (post.slugify); tags that give the same slug are one tag, shown
under the spelling most posts use (ties: the first in alphabetical order). Everything here is
computed once per build from the catalog's visible posts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinx_kb.post import slugify

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx

    from sphinx_kb.catalog import Catalog
    from sphinx_kb.post import Post

TAGS_DOC = "tags"
TAG_DIR = "tag"


@dataclass
class Tag:
    slug: str
    name: str
    # Visible posts with the tag, newest first (the catalog's order).
    posts: list[Post] = field(default_factory=list)


@dataclass
class TagIndex:
    # By slug, sorted by name (casefolded, then slug).
    tags: dict[str, Tag]
    # Post slug -> the slugs of its tags (each once).
    of_post: dict[str, tuple[str, ...]]
    # (tag slug, post slug) -> where the post stands in the tag's list (0 = newest).
    positions: dict[tuple[str, str], int]

    @cached_property
    def tag_sets(self) -> dict[str, frozenset[str]]:
        """Post slug -> the slugs of its tags, as a set (related.py intersects them)."""
        return {slug: frozenset(tags) for slug, tags in self.of_post.items() if tags}


def tag_slugs(post: Post) -> tuple[str, ...]:
    return tuple(dict.fromkeys(slugify(t) for t in post.tags))


def collect_tags(posts: Iterable[Post]) -> TagIndex:
    """One pass over the posts (newest first): linear in the number of (post, tag) pairs."""
    spellings: dict[str, Counter[str]] = {}
    members: dict[str, list[Post]] = {}
    of_post: dict[str, tuple[str, ...]] = {}
    positions: dict[tuple[str, str], int] = {}
    for post in posts:
        slugs = []
        for text in post.tags:
            slug = slugify(text)
            if not slug:
                continue
            spellings.setdefault(slug, Counter())[text] += 1
            if slug in slugs:
                continue  # "Backup" and "backup" on one post
            slugs.append(slug)
            listed = members.setdefault(slug, [])
            positions[(slug, post.slug)] = len(listed)
            listed.append(post)
        of_post[post.slug] = tuple(slugs)
    tags = [
        Tag(slug, min(counts, key=lambda s: (-counts[s], s.casefold(), s)), members[slug])
        for slug, counts in spellings.items()
    ]
    tags.sort(key=lambda t: (t.name.casefold(), t.slug))
    return TagIndex({t.slug: t for t in tags}, of_post, positions)


def tag_docname(slug: str, page: int = 1) -> str:
    return f"{TAG_DIR}/{slug}" if page == 1 else f"{TAG_DIR}/{slug}/page/{page}"


def pages_of(catalog: Catalog, slug: str) -> int:
    tag = catalog.tag_index.tags.get(slug)
    return catalog.layout.page_count(len(tag.posts)) if tag else 1


def posts_on_page(catalog: Catalog, slug: str, page: int) -> list[Post]:
    tag = catalog.tag_index.tags.get(slug)
    return catalog.layout.on_page(tag.posts, page) if tag else []


def tag_page_for_docname(catalog: Catalog, docname: str) -> tuple[Tag | None, int]:
    """The tag a tag page (any of its numbered pages) is about, and the page number."""
    prefix = TAG_DIR + "/"
    if not docname.startswith(prefix):
        return None, 0
    slug, _, page = docname[len(prefix) :].partition("/page/")
    tag = catalog.tag_index.tags.get(slug)
    if tag is None:
        return None, 0
    number = int(page) if page.isdigit() else 1 if not page else 0
    return (tag, number) if 1 <= number <= pages_of(catalog, slug) else (None, 0)


def tag_docnames(catalog: Catalog) -> list[str]:
    return [
        tag_docname(slug, n) for slug in catalog.tag_index.tags for n in range(1, pages_of(catalog, slug) + 1)
    ]


def tag_links(catalog: Catalog, post: Post) -> list[tuple[str, str]]:
    """(text, docname) of a post's tags, in the post's order, each slug once, the post's spelling."""
    seen: set[str] = set()
    links = []
    for text in post.tags:
        slug = slugify(text)
        if slug and slug not in seen:
            seen.add(slug)
            links.append((text, tag_docname(slug)))
    return links


def tag_count_text(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


class TagList(SphinxDirective):
    """`kb-tags`: every tag with its number of articles, sorted by name, linked to its page."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {}

    def run(self) -> list[nodes.Node]:
        from sphinx_kb.domain import get_catalog
        from sphinx_kb.listing import doc_link, remember

        catalog = get_catalog(self.env)
        remember(self.env, "tags:")
        tags = list(catalog.tag_index.tags.values())
        if not tags:
            return [nodes.paragraph("No tags yet.", "No tags yet.")]
        listing = nodes.bullet_list(classes=["kb-tag-list"])
        for tag in tags:
            item = nodes.list_item(classes=["kb-tag-item"])
            line = nodes.paragraph()
            line += doc_link(self.env.docname, tag_docname(tag.slug), tag.name, ["kb-tag"])
            line += nodes.Text(" ")
            count = tag_count_text(len(tag.posts))
            line += nodes.inline(count, count, classes=["kb-count"])
            item += line
            listing += item
        return [listing]


def setup(app: Sphinx) -> None:
    app.add_directive("kb-tags", TagList)
