"""The archive: every visible post, newest first, grouped by year and month, on pages
`archive`, `archive/page/<n>` (browse.py says how many); undated posts come last, under
"Undated". The page itself is drawn by pages/archive.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx_kb.content.post import Date, Post

ARCHIVE_DOC = "archive"
UNDATED = "Undated"


def archive_docname(page: int = 1) -> str:
    return ARCHIVE_DOC if page == 1 else f"{ARCHIVE_DOC}/page/{page}"


def english_month(value: Date) -> str:
    return f"{value:%B} {value.year}"


def groups(
    posts: list[Post], month_name: Callable[[Date], str] = english_month
) -> list[tuple[str, list[tuple[str, list[Post]]]]]:
    """[(year, [(month heading, posts)])] in the posts' order; undated posts: (UNDATED, [("", posts)])."""
    result: list[tuple[str, list[tuple[str, list[Post]]]]] = []
    for post in posts:
        year = str(post.date.year) if post.date else UNDATED
        month = month_name(post.date) if post.date else ""
        if not result or result[-1][0] != year:
            result.append((year, []))
        months = result[-1][1]
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(post)
    return result
