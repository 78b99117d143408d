"""What `kb check` says about translations (docs/translations.md): a translation older than its
original is a warning; the declared languages a published article is missing in are information.

An article changes when its `updated` or `date` says so, or with its file's last commit; a
translation is as recent as the latest of its own. Dates compare by day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinx_kb.content.post import iso_date
from sphinx_kb.content.problems import Problem, Severity, located

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.post import Post


@dataclass(frozen=True)
class Missing:
    """A published article and the declared languages it has no translation in."""

    path: Path
    languages: tuple[str, ...]

    def format(self, relative_to: Path | None = None) -> str:
        where = located(self.path, None, relative_to)
        return f"{where}: info: not translated into {', '.join(self.languages)} [kb.translation-missing]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "severity": "info",
            "subtype": "translation-missing",
            "languages": list(self.languages),
        }


def changed_on(post: Post, commit_dates: dict[Path, str]) -> str:
    """The day the post last changed: its `updated`, its `date` or its file's last commit, the latest."""
    days = [iso_date(d)[:10] for d in (post.updated, post.date) if d]
    committed = commit_dates.get(post.path.resolve())
    if committed:
        days.append(committed[:10])
    return max(days, default="")


def outdated_translations(catalog: Catalog) -> list[Problem]:
    if not catalog.translations:
        return []
    dates = catalog.commit_dates
    found = []
    for slug, versions in sorted(catalog.translations.items()):
        original = catalog.posts.get(slug)
        if original is None:
            continue
        changed = changed_on(original, dates)
        for translation in versions.values():
            mine = changed_on(translation, dates)
            if changed and mine and changed > mine:
                line = translation.lines.get("updated") or translation.lines.get("date") or 1
                found.append(
                    Problem(
                        translation.path,
                        line,
                        "translation-outdated",
                        f"the translation dates from {mine}, "
                        f"its original `{original.path.name}` changed on {changed}",
                        "bring the translation up to date and set `updated:` to the day you did",
                        Severity.WARNING,
                    )
                )
    return found


def missing_translations(catalog: Catalog) -> list[Missing]:
    """Published articles in the site's language without a translation into each declared language."""
    languages = catalog.layout.languages
    if not languages:
        return []
    found = []
    for post in sorted(catalog.posts.values(), key=lambda p: p.path.name):
        if post.is_draft:
            continue
        versions = catalog.translations.get(post.slug, {})
        missing = tuple(language for language in languages if language not in versions)
        if missing:
            found.append(Missing(post.path, missing))
    return found
