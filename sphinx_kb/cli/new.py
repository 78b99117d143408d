"""`kb new`: start a post as a draft whose front matter already passes `kb check`."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from sphinx_kb.content.catalog import Catalog, Layout
from sphinx_kb.content.frontmatter import split
from sphinx_kb.content.options import language_code
from sphinx_kb.content.post import PLACEHOLDER_BODY, PLACEHOLDER_EXCERPT, Post
from sphinx_kb.content.reading import declared_slug
from sphinx_kb.content.slugs import SLUG_RE, slugify

# The placeholders a writer replaces; a published post that keeps one is warned (kb.placeholder).
EXCERPT = PLACEHOLDER_EXCERPT
BODY = PLACEHOLDER_BODY


class NewPostError(Exception):
    """Why no post was written; `status` is the exit status (1: refused, 2: a wrong argument)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Draft:
    title: str
    slug: str
    category: str
    date: dt.date
    author: str | None = None
    tags: tuple[str, ...] = ()
    # False for a category categories.yml does not define (`kb check` warns about those).
    declared_category: bool = True


def create(
    layout: Layout,
    read_catalog: Callable[[], Catalog],
    *,
    title: str,
    category: str,
    today: dt.date,
    slug: str | None = None,
    author: str | None = None,
    tags: str = "",
    new_category: bool = False,
) -> tuple[Path, Draft]:
    """Write `<posts folder>/<slug>.md`; raise NewPostError instead of overwriting or guessing.

    The arguments are checked before the catalog is read: at 10,000 posts that takes seconds."""
    title = clean_title(title)
    slug = choose_slug(title, slug)
    path = layout.posts_path / f"{slug}.md"
    if path.exists():
        raise NewPostError(f"{shown(path)} already exists; choose another slug with --slug")
    catalog = read_catalog()
    owner = slug_owner(catalog, slug)
    if owner is not None:
        raise NewPostError(f'slug "{slug}" is already claimed by {shown(owner)}; choose another with --slug')
    category = category_name(catalog, category, new_category)
    known = catalog.categories.get(catalog.category_key(category))
    draft = Draft(
        title=title,
        slug=slug,
        category=category,
        declared_category=known is not None and known.declared,
        date=today,
        author=(author or "").strip() or None,
        tags=tuple(dict.fromkeys(t.strip() for t in tags.split(",") if t.strip())),
    )
    layout.posts_path.mkdir(parents=True, exist_ok=True)
    try:
        # "x": never overwrite, even a file that appeared since the check above.
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(render(draft, layout))
    except FileExistsError:
        raise NewPostError(f"{shown(path)} already exists; choose another slug with --slug") from None
    return path, draft


def create_translation(
    layout: Layout,
    read_catalog: Callable[[], Catalog],
    *,
    title: str,
    original: str,
    language: str,
    today: dt.date,
) -> Path:
    """Write `<posts folder>/<original>.<language>.md`, a draft translation holding the original's
    fields and text to translate; raise NewPostError instead of overwriting or guessing."""
    language = language_code(language)
    if not original or not language:
        raise NewPostError("a translation needs both --from SLUG and --lang LANGUAGE", 2)
    if language == layout.language:
        raise NewPostError(f'"{language}" is the site\'s own language; a translation is into another one', 2)
    if language not in layout.languages:
        declared = ", ".join(layout.languages) or "none"
        raise NewPostError(
            f'"{language}" is not one of kb_languages in conf.py (other languages: {declared}); '
            "add it there first",
            2,
        )
    title = clean_title(title)
    path = layout.posts_path / f"{original}.{language}.md"
    if path.exists():
        raise NewPostError(f"{shown(path)} already exists")
    catalog = read_catalog()
    source = catalog.posts.get(original)
    if source is None:
        close = difflib.get_close_matches(original, list(catalog.posts), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise NewPostError(f'there is no article with the slug "{original}"{hint}')
    body = split(source.path.read_text(encoding="utf-8")).body.lstrip("\n")
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(render_translation(source, title, today, body))
    except FileExistsError:
        raise NewPostError(f"{shown(path)} already exists") from None
    return path


def render_translation(source: Post, title: str, today: dt.date, body: str) -> str:
    """A translation's file: its own fields to translate, the original's text below the placeholder."""
    lines = [
        "---",
        f"title: {quoted(title)}",
        "# TODO: translate the excerpt (the original's is below).",
        f"excerpt: {quoted(EXCERPT)}",
        "# " + " ".join(source.excerpt.split()),
        "# category, author and ogImage come from the original; give them here to change them.",
        'status: "draft"',
        f"date: {today.isoformat()}",
        f"tags: [{', '.join(quoted(t) for t in source.tags)}]",
        "---",
        "",
        BODY,
        body,
    ]
    return "\n".join(lines)


def clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise NewPostError('the title is empty (write it in quotes: kb new "My title" --category ...)', 2)
    if len(title.splitlines()) > 1:
        raise NewPostError("the title spans several lines (write it on one line)", 2)
    return title


def choose_slug(title: str, slug: str | None) -> str:
    """The slug from --slug (checked by the validator's rule), else made from the title."""
    if slug is None:
        made = slugify(title)
        if not made:
            raise NewPostError(
                f'cannot make a slug from the title "{title}" (give one with --slug my-post)', 2
            )
        return made
    if not SLUG_RE.match(slug):
        fix = f'use "{slugify(slug)}"' if slugify(slug) else "e.g. --slug my-post"
        raise NewPostError(
            f'slug "{slug}" may only contain lowercase letters, digits and single hyphens ({fix})', 2
        )
    return slug


def slug_owner(catalog: Catalog, slug: str) -> Path | None:
    """The post file that already asks for `slug`, as the duplicate-slug check counts them."""
    if slug in catalog.posts:
        return catalog.posts[slug].path
    # An invalid post still claims the slug in its front matter (catalog.excluded lists it).
    layout = catalog.layout
    for docname in sorted(catalog.excluded):
        path = layout.srcdir / f"{docname}.md"
        if path.parent != layout.posts_path or path.stem in catalog.posts:
            continue  # a subfolder's file (claims nothing) or a draft
        try:
            claim = declared_slug(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if claim is not None and claim[0] == slug:
            return path
    return None


def category_name(catalog: Catalog, name: str, new_category: bool) -> str:
    """How to write the category: a known one as it is spelled where it is defined.

    Known means what the build files it under: a category of categories.yml or one a post
    names, matched as catalog.category_key matches (name in any case, or slug)."""
    name = name.strip()
    key = catalog.category_key(name)
    if key in catalog.categories:
        return catalog.categories[key].name
    if not key:
        raise NewPostError(f'category "{name}" needs at least one letter or digit (it becomes a URL)', 2)
    if new_category:
        return name
    raise NewPostError(unknown_category(catalog, name))


def unknown_category(catalog: Catalog, name: str) -> str:
    names = list(dict.fromkeys(c.name for c in catalog.categories.values()))
    if not names:
        return f'unknown category "{name}": there are no categories yet (--new-category starts one)'
    folded = [n.casefold() for n in names]
    close = difflib.get_close_matches(name.casefold(), folded, n=1)
    if close:
        hint = f'did you mean "{names[folded.index(close[0])]}"?'
    else:
        hint = "known categories: " + ", ".join(names)
    return f'unknown category "{name}"; {hint} (--new-category starts a new category)'


def render(draft: Draft, layout: Layout) -> str:
    """The file: front matter in the order writers know, then a placeholder paragraph."""
    image = f"/{layout.posts_dir}/{draft.slug}.png"
    fallback = "a card with the title is drawn" if layout.social_cards else "the site's default image is used"
    lines = [
        "---",
        f"title: {quoted(draft.title)}",
        f"slug: {quoted(draft.slug)}",
        f"category: {quoted(draft.category)}",
        "# TODO: replace the excerpt; listings and link previews show it.",
        f"excerpt: {quoted(EXCERPT)}",
        f"# Social image: save a 1200x630 PNG as {layout.public_dir}{image} (in the source folder),",
        f"# then uncomment ogImage. Without one, {fallback}.",
        f"# ogImage: {quoted(image)}",
        'status: "draft"',
        f"date: {draft.date.isoformat()}",
        *([f"author: {quoted(draft.author)}"] if draft.author else []),
        f"tags: [{', '.join(quoted(t) for t in draft.tags)}]",
        "---",
        "",
        BODY,
    ]
    return "\n".join(lines)


# A YAML escape: an escaped backslash, or a character beyond U+FFFF written as \UXXXXXXXX.
ESCAPE = re.compile(r"\\\\|\\U([0-9A-F]{8})")


def quoted(text: str) -> str:
    """`text` as a double-quoted YAML scalar: `:`, `#` and quotes cannot change its meaning."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf"))
    # PyYAML escapes emoji although YAML allows them as they are; writers read this file.
    return ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[0], dumped.rstrip("\n"))


def shown(path: Path) -> str:
    """A path as people typed it: relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
