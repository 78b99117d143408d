"""Map each tool's front-matter keys to ours, recording what was mapped and what was dropped."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sphinx_kb.cli.importers.model import Date, Draft, FileReport, Site, SourcePost
from sphinx_kb.content.slugs import slugify

# What each key means, per tool, in order of preference: the first `image` or `date` found wins.
# Roles: title slug url date updated draft published status categories tags excerpt description
# author image redirects. Hugo and Pelican keys are case-insensitive (compared in lower case).
KEYS: dict[str, dict[str, str]] = {
    "hugo": {
        "title": "title",
        "slug": "slug",
        "url": "url",
        "date": "date",
        "publishdate": "date",
        "pubdate": "date",
        "published": "date",
        "lastmod": "updated",
        "modified": "updated",
        "draft": "draft",
        "categories": "categories",
        "category": "categories",
        "tags": "tags",
        "summary": "excerpt",
        "description": "description",
        "aliases": "redirects",
        "images": "image",
        "image": "image",
        "featured_image": "image",
        "cover": "image",
        "author": "author",
        "authors": "author",
    },
    "jekyll": {
        "title": "title",
        "slug": "slug",
        "permalink": "url",
        "date": "date",
        "last_modified_at": "updated",
        "published": "published",
        "draft": "draft",
        "categories": "categories",
        "category": "categories",
        "tags": "tags",
        "tag": "tags",
        "excerpt": "excerpt",
        "description": "description",
        "image": "image",
        "author": "author",
        "authors": "author",
        "redirect_from": "redirects",
    },
    "astro": {
        "title": "title",
        "slug": "slug",
        "description": "description",
        "pubDate": "date",
        "updatedDate": "updated",
        "heroImage": "image",
        "draft": "draft",
        "category": "categories",
        "categories": "categories",
        "tags": "tags",
        "author": "author",
    },
    "nextjs": {
        "title": "title",
        "slug": "slug",
        "excerpt": "excerpt",
        "summary": "excerpt",
        "description": "description",
        "ogImage": "image",
        "coverImage": "image",
        "image": "image",
        "images": "image",
        "publishedAt": "date",
        "date": "date",
        "updatedAt": "updated",
        "lastmod": "updated",
        "updated": "updated",
        "draft": "draft",
        "published": "published",
        "category": "categories",
        "categories": "categories",
        "tags": "tags",
        "author": "author",
        "authors": "author",
    },
    "mkdocs": {
        "title": "title",
        "slug": "slug",
        "date": "date",
        "draft": "draft",
        "categories": "categories",
        "tags": "tags",
        "description": "description",
        "authors": "author",
    },
    "pelican": {
        "title": "title",
        "slug": "slug",
        "url": "url",
        "date": "date",
        "modified": "updated",
        "status": "status",
        "category": "categories",
        "tags": "tags",
        "summary": "excerpt",
        "description": "description",
        "author": "author",
        "authors": "author",
    },
}
CASE_INSENSITIVE = ("hugo", "pelican")

# Why a key that other tools use has no place here (any other key: "no equivalent").
DROP_REASONS = {
    "layout": "the theme lays out every post the same way",
    "template": "the theme lays out every post the same way",
    "type": "every post is the same kind of page",
    "weight": "posts are listed by date",
    "toc": "the theme shows the page's contents",
    "menu": "the sidebar is built from the categories",
    "keywords": "search engines ignore meta keywords; add them to tags if they matter",
    "comments": "the knowledge base has no comments",
    "readtime": "reading time is not shown",
    "lang": "a site has one language (`language` in conf.py)",
    "series": "no series: use a category or tags",
    "expirydate": "posts do not expire",
    "sitemap": "every published post is in the sitemap",
    "linktitle": "the title is used everywhere",
    "canonicalurl": "a post's canonical URL is its own address",
    "pin": "posts cannot be pinned",
    "links": "no per-post sidebar links",
    "redirect_to": "a post cannot redirect elsewhere",
}

DATE_FORMATS = ("%b %d %Y", "%B %d %Y", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y/%m/%d")


def read_date(value: Any) -> Date | None:
    """A date from YAML/TOML values or the many ways tools write one as text."""
    if isinstance(value, dt.datetime):
        when = value.replace(microsecond=0)
        return when.date() if when.time() == dt.time() and when.tzinfo is None else when
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return read_date(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def iso(value: Date) -> str:
    return value.isoformat(timespec="seconds") if isinstance(value, dt.datetime) else value.isoformat()


def read_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = next((value[k] for k in ("name", "url", "src", "path", "image") if k in value), None)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return " ".join(str(value).split()) or None


def read_list(value: Any, tool: str) -> list[str]:
    """A list of words: a YAML list, or one string (space-separated in Jekyll, else commas)."""
    if isinstance(value, str):
        parts = value.split() if tool == "jekyll" else re.split(r"[,;]", value)
        items = [p.strip().strip(",") for p in parts]
    elif isinstance(value, list):
        items = [text for v in value if (text := read_text(v))]
    else:
        items = [text] if (text := read_text(value)) else []
    return list(dict.fromkeys(i for i in items if i))


def read_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    return None


def read_authors(value: Any, names: dict[str, str]) -> str | None:
    """One line of author names; `names` turns MkDocs author ids into names."""
    items = value if isinstance(value, list) else [value]
    found = [names.get(text, text) for v in items if (text := read_text(v))]
    return ", ".join(dict.fromkeys(found)) or None


def first_image(value: Any) -> str | None:
    """An image path from `images: [...]`, `ogImage: {url: ...}`, `cover: {image: ...}`, or text."""
    if isinstance(value, list):
        value = value[0] if value else None
    return read_text(value)


def roles_of(tool: str, source: SourcePost) -> list[tuple[str, str, Any]]:
    """(key as written, role or "", value) for each front-matter key, Hugo's `params` flattened."""
    keys = KEYS[tool]
    if tool in CASE_INSENSITIVE:
        keys = {k.lower(): r for k, r in keys.items()}
    entries: list[tuple[str, str, Any]] = []
    seen = set()
    params = source.values.get("params") if tool == "hugo" else None
    params = params if isinstance(params, dict) else {}
    for key, value in source.values.items():
        if params and key == "params":
            continue
        lookup = key.lower() if tool in CASE_INSENSITIVE else key
        entries.append((key, keys.get(lookup, ""), value))
        seen.add(lookup)
    for key, value in params.items():
        lookup = str(key).lower()
        role = keys.get(lookup, "") if lookup not in seen else ""
        entries.append((f"params.{key}", role, value))
    return entries


def map_fields(site: Site, source: SourcePost, authors: dict[str, str]) -> Draft:
    """Our fields from the source's front matter; body, slug and URLs are settled later."""
    report = FileReport(source.name)
    draft = Draft(source=source, report=report)
    taken: dict[str, str] = {}
    categories: list[str] = []
    key_order = list(KEYS[site.tool])
    if site.tool in CASE_INSENSITIVE:
        key_order = [k.lower() for k in key_order]

    def rank(key: str) -> int:
        name = key.lower() if site.tool in CASE_INSENSITIVE else key
        return key_order.index(name) if name in key_order else len(key_order)

    # Keys in the tool's order of preference, so that e.g. `ogImage` beats `coverImage`.
    for key, role, value in sorted(roles_of(site.tool, source), key=lambda e: (e[1] == "", rank(e[0]))):
        name = f"`{key}`"
        if not role:
            reason = DROP_REASONS.get(key.lower().removeprefix("params."), "no equivalent in sphinx-kb")
            report.dropped.append(f"{name} ({reason})")
            continue
        single = role in ("title", "slug", "url", "date", "updated", "excerpt", "description", "image")
        if single and role in taken and value not in (None, "", []):
            report.dropped.append(f"{name} (the {role} comes from `{taken[role]}`)")
            continue
        result = apply_role(draft, site, role, value, categories, authors)
        if result is None:
            if value in (None, "", []):
                report.dropped.append(f"{name} (empty)")
            else:
                report.problems.append(f"{name}: cannot read `{str(value)[:60]}` as {role_name(role)}")
            continue
        taken[role] = key
        if role == "image":
            draft.og_image_line = source.lines.get(key, 1)
        report.mapped.append(f"{name} → {result}")

    draft.categories = categories
    if categories:
        draft.category = categories[0]
        draft.tags = list(dict.fromkeys([*categories[1:], *draft.tags]))
    return draft


def role_name(role: str) -> str:
    return {
        "date": "a date",
        "updated": "a date",
        "draft": "true or false",
        "published": "true or false",
    }.get(role, "text")


def apply_role(
    draft: Draft, site: Site, role: str, value: Any, categories: list[str], authors: dict[str, str]
) -> str | None:
    """Store one value; returns how it was mapped, for the report (None: it could not be read)."""
    if role in ("date", "updated") and isinstance(value, dict):
        # MkDocs: `date: {created: ..., updated: ...}`.
        created, updated = read_date(value.get("created")), read_date(value.get("updated"))
        if created is None:
            return None
        draft.date = created
        draft.updated = updated or draft.updated
        return f"date {iso(created)}" + (f", updated {iso(updated)}" if updated else "")
    if role in ("date", "updated"):
        when = read_date(value)
        if when is None:
            return None
        setattr(draft, role, when)
        return f"{role} {iso(when)}"
    if role in ("draft", "published"):
        flag = read_bool(value)
        if flag is None:
            return None
        if flag == (role == "draft"):
            draft.status = "draft"
        return f"status: {draft.status}" if draft.status == "draft" else "status: published"
    if role == "status":
        text = (read_text(value) or "").lower()
        if text not in ("draft", "published", "hidden"):
            return None
        draft.status = "published" if text == "published" else "draft"
        return f"status: {draft.status}" + (
            " (hidden posts are not listed: a draft here)" if text == "hidden" else ""
        )
    if role in ("categories", "tags"):
        items = read_list(value, site.tool)
        if not items:
            return None
        if role == "tags":
            draft.tags.extend(items)
            return "tags " + ", ".join(items)
        first = not categories
        categories.extend(items)
        if not first:
            return "tags " + ", ".join(items) + " (one category per post)"
        rest = f"; {', '.join(items[1:])} → tags (one category per post)" if len(items) > 1 else ""
        return f"category {items[0]}{rest}"
    if role == "author":
        draft.author = read_authors(value, authors)
        return f"author {draft.author}" if draft.author else None
    if role == "redirects":
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        paths = [str(i).strip() for i in items if isinstance(i, str | int) and str(i).strip()]
        if not paths:
            return None
        draft.old_urls.extend(paths)
        return "redirect_from " + ", ".join(paths)
    text = first_image(value) if role == "image" else read_text(value)
    if text is None:
        return None
    if role == "image":
        draft.og_image = text
        return f"ogImage (from {text})"
    if role == "url":
        draft.own_url = text
        return "its old address"
    if role == "slug":
        draft.slug = text
        return f"slug {slugify(text)}"
    setattr(draft, role, text)
    return role
