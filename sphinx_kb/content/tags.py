"""The tag index: which posts carry which tag, and the docnames of the tag index page (`tags`)
and of each tag's pages (`tag/<slug>`, `tag/<slug>/page/<n>`; browse.py says how many).

A tag's slug comes from its text (post.slugify); tags that give the same slug are one tag, shown
under the spelling most posts use (ties: the first in alphabetical order). Everything here is
computed once per build from the catalog's visible posts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sphinx_kb.content.post import slugify

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx_kb.content.post import Post

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
        """Post slug -> the slugs of its tags, as a set (pages/related.py intersects them)."""
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


def tag_links(post: Post) -> list[tuple[str, str]]:
    """(text, slug) of a post's tags, in the post's order, each slug once, the post's spelling."""
    seen: set[str] = set()
    links = []
    for text in post.tags:
        slug = slugify(text)
        if slug and slug not in seen:
            seen.add(slug)
            links.append((text, slug))
    return links
