"""The category taxonomy: `categories.yml` plus any category a post names."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sphinx_kb.content.frontmatter import FrontMatterError, mapping_items, read_yaml_file
from sphinx_kb.content.problems import Problem, Severity
from sphinx_kb.content.slugs import SLUG_RE, slugify

CATEGORY_KEYS = ("name", "slug", "description", "parent", "order", "translations")
# What a category says in another language (`translations: {de: {name: ..., description: ...}}`).
TRANSLATED_KEYS = ("name", "description")


@dataclass
class Category:
    name: str
    slug: str
    description: str = ""
    # Slug of the parent category, None for a top-level category.
    parent: str | None = None
    order: int = 0
    # False for a category that only a post names.
    declared: bool = True
    line: int | None = None
    # language -> (name, description) in that language (docs/translations.md).
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Line of `translations:`, for reports about its languages.
    translations_line: int | None = None

    def name_in(self, language: str) -> str:
        """The category's name in `language` (its own name when it has none there)."""
        return self.translations.get(language, (self.name, ""))[0] if language else self.name

    def description_in(self, language: str) -> str:
        """Its description in `language`: none falls back to the site language's (to a generated one)."""
        return self.translations.get(language, ("", ""))[1] if language else self.description

    @property
    def sort_key(self) -> tuple[bool, int, str]:
        # Categories only posts name come after those categories.yml orders.
        return (not self.declared, self.order, self.name.casefold())


def load_categories(path: Path) -> tuple[list[Category], list[Problem]]:
    """Read and check `categories.yml`; a missing file is an empty taxonomy."""
    problems: list[Problem] = []
    if not path.is_file():
        return [], problems

    def problem(message: str, fix: str, line: int | None, severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(path, line, "category", message, fix, severity))

    what = "the categories file"
    loaded = read_yaml_file(path, what, problem)
    if loaded is None:
        return [], problems
    node, loader = loaded
    if node is None:
        return [], problems

    entries: list[tuple[dict[str, object], dict[str, int]]] = []
    try:
        if not hasattr(node, "value") or not isinstance(node.value, list) or node.tag.endswith(":map"):
            problem("the categories file is not a list", "start each category with `- name: ...`", 1)
            return [], problems
        for item in node.value:
            fields: dict[str, object] = {}
            lines: dict[str, int] = {"": 1 + item.start_mark.line}
            errors: list[FrontMatterError] = []
            try:
                items = mapping_items(loader, item, 1, "a category", errors)
            except FrontMatterError as exc:
                # One broken entry (`- Cloud`) must not throw the other categories away.
                problem(exc.message, "write each category as `- name: ...` with its keys below", exc.line)
                continue
            for error in errors:
                problem(error.message, error.fix, error.line)
            for key, value, line in items:
                if key not in CATEGORY_KEYS:
                    close = difflib.get_close_matches(key, CATEGORY_KEYS, n=1)
                    fix = (
                        f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(CATEGORY_KEYS)
                    )
                    problem(f"unknown category key `{key}`", fix, line, Severity.WARNING)
                    continue
                fields[key] = value
                lines[key] = line
            entries.append((fields, lines))
    except FrontMatterError as exc:
        problem(exc.message, exc.fix, exc.line)
        return [], problems
    finally:
        loader.dispose()

    categories: list[Category] = []
    by_slug: dict[str, Category] = {}
    by_name: dict[str, Category] = {}
    parents: list[tuple[Category, str, int]] = []
    for fields, lines in entries:
        name = fields.get("name")
        if not isinstance(name, str) or not name.strip():
            problem("a category has no `name`", "add `name: ...` to it", lines[""])
            continue
        name = name.strip()
        slug = fields.get("slug") or slugify(name)
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problem(
                f"category slug `{slug}` may only contain lowercase letters, digits and single hyphens",
                f"use `{slugify(str(slug))}`",
                lines.get("slug", lines[""]),
            )
            continue
        order = fields.get("order", 0)
        if not isinstance(order, int) or isinstance(order, bool):
            problem(
                f"category order `{order}` is not a whole number", "write e.g. `order: 2`", lines["order"]
            )
            order = 0
        description = fields.get("description") or ""
        if not isinstance(description, str):
            problem(
                "a category description must be text",
                "write `description: |` and the text below it",
                lines["description"],
            )
            description = ""
        if slug in by_slug or name.casefold() in by_name:
            first = by_slug.get(slug) or by_name[name.casefold()]
            problem(
                f"category `{name}` is defined twice (first on line {first.line})",
                "merge the two entries",
                lines[""],
            )
            continue
        category = Category(name, slug, description.strip(), None, order, True, lines[""])
        if "translations" in fields:
            category.translations = category_translations(
                fields["translations"], lines["translations"], name, problem
            )
            category.translations_line = lines["translations"]
        categories.append(category)
        by_slug[slug] = category
        by_name[name.casefold()] = category
        if fields.get("parent") is not None:
            parents.append((category, str(fields["parent"]).strip(), lines["parent"]))

    for category, parent, line in parents:
        found = by_name.get(parent.casefold()) or by_slug.get(parent)
        if found is None:
            problem(
                f"parent `{parent}` of category `{category.name}` is not a category",
                "known categories: " + ", ".join(c.name for c in categories),
                line,
            )
        else:
            category.parent = found.slug

    # A loop of parents would make its members their own ancestors: report each loop once and
    # cut it at its first member in file order. Categories that merely lead into a loop are fine.
    for category in categories:
        chain = [category.slug]
        current = category
        while current.parent is not None and current.parent not in chain:
            chain.append(current.parent)
            current = by_slug[current.parent]
        if current.parent is None or current.parent != category.slug:
            continue
        if len(chain) == 1:
            problem(f"category `{category.name}` is its own parent", "remove its `parent`", category.line)
        else:
            names = " → ".join(by_slug[slug].name for slug in [*chain, category.slug])
            problem(f"categories form a loop: {names}", "remove one `parent` from the loop", category.line)
        category.parent = None
    return categories, problems


def category_translations(
    value: object, line: int, name: str, problem: Callable[..., None]
) -> dict[str, tuple[str, str]]:
    """`translations:` of a category: language -> (name, description); wrong entries are reported."""
    fix = "write `translations:`, then `de: {name: ..., description: ...}` below it"
    if not isinstance(value, dict):
        problem(
            f"`translations` of category `{name}` is not a mapping of languages", fix, line, Severity.WARNING
        )
        return {}
    found: dict[str, tuple[str, str]] = {}
    for language, entry in value.items():
        code = str(language).strip().lower().replace("_", "-")
        if isinstance(entry, str):
            entry = {"name": entry}  # `de: Datensicherung`: the name alone
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            problem(
                f"the `{code}` translation of category `{name}` has no `name`", fix, line, Severity.WARNING
            )
            continue
        unknown = [key for key in entry if key not in TRANSLATED_KEYS]
        if unknown:
            problem(
                f"unknown key `{unknown[0]}` in the `{code}` translation of category `{name}`",
                "a translation has `name` and `description`",
                line,
                Severity.WARNING,
            )
        description = entry.get("description") or ""
        found[code] = (entry["name"].strip(), description.strip() if isinstance(description, str) else "")
    return found
