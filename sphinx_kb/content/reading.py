"""Reading the catalog from disk: every post file and the categories, authors and synonyms files, parsed
and checked once per build, with a cache of parsed posts and, for many posts, two processes."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import pickle
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath

from sphinx_kb.content.authors import check_post_authors, load_authors
from sphinx_kb.content.catalog import Catalog, Layout
from sphinx_kb.content.categories import Category, load_categories
from sphinx_kb.content.frontmatter import FrontMatterError, split
from sphinx_kb.content.parallel import can_fork, in_two_processes
from sphinx_kb.content.post import Post, parse_post, translation_language
from sphinx_kb.content.problems import Problem, Severity
from sphinx_kb.content.redirect_checks import check_redirects
from sphinx_kb.content.schedule import UTC, clock, schedule, time_zone
from sphinx_kb.content.synonyms import load_synonyms
from sphinx_kb.version import __version__, code_digest


def build_catalog(
    layout: Layout, cache: PostCache | None = None, parallel: bool = False, words: bool = True
) -> Catalog:
    """Read every post and the categories file, and collect every problem at once.

    With a cache, a post whose file did not change since the last build is not parsed again.
    `parallel` lets a large set of posts be parsed in two processes (`kb check`; see read_posts).
    `words=False` skips counting words (`kb check`): the posts it parses are then not cached."""
    catalog = Catalog(layout)
    categories, problems = load_categories(layout.srcdir / layout.categories_file)
    catalog.categories = {c.slug: c for c in categories}
    catalog.problems.extend(problems)
    has_categories_file = (layout.srcdir / layout.categories_file).is_file()

    posts: list[Post] = []
    translations: list[Post] = []
    declared: dict[str, list[tuple[Path, int | None]]] = {}
    paths = sorted(layout.posts_path.glob("*.md"), key=PATH_ORDER) if layout.posts_path.is_dir() else []
    # Sphinx would build a Markdown file in a subfolder as a page outside the taxonomy.
    for nested in sorted(layout.posts_path.glob("*/**/*.md")) if layout.posts_path.is_dir() else []:
        relative = nested.relative_to(layout.srcdir).with_suffix("")
        catalog.problems.append(
            Problem(
                nested,
                1,
                "location",
                f"posts live directly in {layout.posts_dir}/, not in a subfolder",
                f"move it to {layout.posts_dir}/{nested.name}",
            )
        )
        catalog.excluded.add(relative.as_posix())
    catalog.files = len(paths)
    now, zone = schedule_clock(catalog)
    parsed = read_posts(paths, cache, parallel, words)
    for path, (parsed_post, post_problems, claim) in zip(paths, parsed, strict=True):
        catalog.problems.extend(post_problems)
        # Scheduled after the cache: whether a post is out depends on the clock, not the file.
        post = schedule(parsed_post, now, zone) if parsed_post is not None else None
        if post is None:
            catalog.excluded.add(layout.post_docname(path.stem))
            # A translation shares its original's slug: no claim of its own.
            if claim is not None and not translation_language(path):
                declared.setdefault(claim[0], []).append((path, claim[1]))
        elif post.language:
            translations.append(post)
        else:
            posts.append(post)
            declared.setdefault(post.slug, []).append((path, post.lines.get("slug")))

    # Two files claiming one slug: both are reported. The file named after the slug keeps it
    # (a warning); the other is an error anyway, since a slug must equal its file name.
    for slug, claims in declared.items():
        if len(claims) < 2:
            continue
        for path, line in claims:
            others = ", ".join(str(p.relative_to(layout.srcdir)) for p, _ in claims if p != path)
            owner = path.stem == slug
            catalog.problems.append(
                Problem(
                    path,
                    line,
                    "duplicate-slug",
                    f"slug `{slug}` is also claimed by {others}",
                    "give each post its own slug"
                    if owner
                    else "choose another slug and name the file after it",
                    Severity.WARNING if owner else Severity.ERROR,
                )
            )

    def check(post: Post) -> None:
        """What a post says that other files must agree with: its category and its image (a
        translation's only when it gives them itself: the original's were checked with it)."""
        key = catalog.category_key(post.category)
        known_category = catalog.categories.get(key)
        own = not post.language or "category" in post.lines
        undeclared = known_category is None or not known_category.declared
        # Every post that names an undeclared category is told, not only the first one.
        if own and undeclared and has_categories_file:
            known = [c.name for c in categories]
            close = difflib.get_close_matches(post.category, known, n=1, cutoff=0.5)
            hint = f"did you mean `{close[0]}`? " if close else ""
            catalog.problems.append(
                Problem(
                    post.path,
                    post.lines.get("category"),
                    "unknown-category",
                    f"category `{post.category}` is not in {layout.categories_file}",
                    f"{hint}known categories: {', '.join(known)}; or add it to {layout.categories_file}",
                    Severity.WARNING,
                )
            )
        if key not in catalog.categories:
            catalog.categories[key] = Category(post.category, key, declared=False)
            catalog.forget_category_lookup()
        own = not post.language or "ogImage" in post.lines
        if own and post.og_image and post.og_image.startswith("/"):
            # os.path: a stat per post with an image, without pathlib's cost (10,000 posts).
            public = os.path.join(layout.srcdir, layout.public_dir)
            if not os.path.isfile(os.path.join(public, post.og_image.lstrip("/"))):
                image = catalog.public_file(post.og_image)
                catalog.problems.append(
                    Problem(
                        post.path,
                        post.lines.get("ogImage"),
                        "og-image",
                        f"ogImage file {image.relative_to(layout.srcdir)} does not exist; "
                        + ("a social card" if layout.social_cards else "the site's default image")
                        + " is used instead",
                        f"add the image at {layout.public_dir}{post.og_image} or fix the path",
                        Severity.WARNING,
                    )
                )

    for post in posts:
        check(post)
        if post.is_draft and not layout.show_drafts:
            catalog.excluded.add(layout.post_docname(post.slug))
        catalog.posts[post.slug] = post
    declared_languages = ", ".join((layout.language, *layout.languages))
    for category in categories:
        for language in category.translations:
            if language not in layout.languages:
                catalog.problems.append(
                    Problem(
                        layout.srcdir / layout.categories_file,
                        category.translations_line,
                        "language",
                        f"category `{category.name}` has a translation into `{language}`, which the site "
                        f"does not declare (its languages: {declared_languages})",
                        f'add "{language}" to kb_languages in conf.py, or remove that translation',
                        Severity.WARNING,
                    )
                )
    for post in translations:
        translation = add_translation(catalog, post)
        if translation is not None:
            check(translation)
            if translation.is_draft and not layout.show_drafts:
                catalog.excluded.add(layout.docname_of(translation))
            catalog.translations.setdefault(translation.slug, {})[translation.language] = translation
    catalog.redirects, redirect_problems = check_redirects(catalog)
    catalog.problems.extend(redirect_problems)
    catalog.authors, author_problems = load_authors(layout.srcdir / layout.authors_file)
    catalog.problems.extend(author_problems)
    catalog.problems.extend(check_post_authors(catalog.authors, catalog.posts.values(), layout.authors_file))
    catalog.synonyms, synonym_problems = load_synonyms(layout.srcdir / layout.synonyms_file)
    catalog.problems.extend(synonym_problems)
    return catalog


def schedule_clock(catalog: Catalog) -> tuple[dt.datetime, dt.tzinfo]:
    """The build's "now" and the site's time zone (schedule.py); a wrong `kb_timezone` or
    `KB_NOW` is reported and replaced by UTC and the real clock."""
    now, problem = clock()
    if problem:
        catalog.problems.append(
            Problem(Path("KB_NOW"), None, "schedule", problem, "unset it to use the clock", Severity.WARNING)
        )
    zone = time_zone(catalog.layout.timezone)
    if zone is None:
        catalog.problems.append(
            Problem(
                Path("conf.py"),
                None,
                "config",
                f"kb_timezone `{catalog.layout.timezone}` is not a time zone; UTC is used",
                "write a name of the IANA time zone database, such as Europe/Berlin or America/New_York",
                Severity.WARNING,
            )
        )
        zone = UTC
    return now, zone


def add_translation(catalog: Catalog, post: Post) -> Post | None:
    """A translation with what it takes from its original (category, author, ogImage), or None
    when it cannot be published (reported): an undeclared language, the site's own, or no
    category to take."""
    layout = catalog.layout
    file_docname = layout.post_docname(post.path.stem)
    name = post.path.name
    declared = ", ".join((layout.language, *layout.languages))
    if post.language == layout.language:
        catalog.problems.append(
            Problem(
                post.path,
                1,
                "language",
                f"`{name}` is in the site's language (`{layout.language}`), not a translation",
                f"name it `{post.slug}.md`",
            )
        )
        catalog.excluded.add(file_docname)
        return None
    if post.language not in layout.languages:
        catalog.problems.append(
            Problem(
                post.path,
                1,
                "language",
                f"`{name}` is a translation into `{post.language}`, which the site does not declare "
                f"(its languages: {declared})",
                f'add "{post.language}" to kb_languages in conf.py, or rename the file',
            )
        )
        catalog.excluded.add(file_docname)
        return None
    original = catalog.posts.get(post.slug)
    if original is not None:
        return replace(
            post,
            category=post.category or original.category,
            author=post.author or original.author,
            og_image=post.og_image or original.og_image,
        )
    if not post.category:
        catalog.problems.append(
            Problem(
                post.path,
                1,
                "missing-field",
                f"`category` is required: there is no `{post.slug}.md` to take it from",
                "add a line `category: ...` to the front matter, or write the original first",
            )
        )
        catalog.excluded.add(file_docname)
        return None
    return post


# A parsed file: the post (None when left out), its problems, the slug it claims.
Parsed = tuple[Post | None, list[Problem], tuple[str, int] | None]


class PostCache:
    """Parsed posts keyed by path, reused while a file's size and mtime stay the same.

    Kept beside Sphinx's doctrees: at 10,000 posts, reading all front matter again takes seconds
    of every incremental build."""

    # 3: posts carry their word count (post.py `words`); 4: kb.placeholder warnings; 5: translations.
    VERSION = 5

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[Path, tuple[int, int, Parsed]] = {}
        self.used: dict[Path, tuple[int, int, Parsed]] = {}
        try:
            with path.open("rb") as handle:
                version, entries = pickle.load(handle)
            if version == (self.VERSION, __version__, code_digest()):
                self.entries = entries
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            self.entries = {}

    def get(self, path: Path, stat: os.stat_result) -> Parsed | None:
        entry = self.entries.get(path)
        if entry is not None and entry[:2] == (stat.st_mtime_ns, stat.st_size):
            self.used[path] = entry
            return entry[2]
        return None

    def put(self, path: Path, stat: os.stat_result, parsed: Parsed) -> None:
        self.used[path] = (stat.st_mtime_ns, stat.st_size, parsed)

    def save(self) -> None:
        """Write what this build used (deleted posts drop out)."""
        partial = self.path.with_suffix(".tmp")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as handle:
            key = (self.VERSION, __version__, code_digest())
            pickle.dump((key, self.used), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)


# Posts sort by file name (what sorting their paths in one folder gives, without building each
# path's parts for every comparison); Windows paths compare case-insensitively, so sort them as such.
PATH_ORDER = (lambda path: path.name) if isinstance(Path(), PurePosixPath) else None
# Below this many posts to parse, a second process costs more than it saves.
PARALLEL_MIN = 400


def read_posts(
    paths: list[Path], cache: PostCache | None, parallel: bool = False, words: bool = True
) -> list[Parsed]:
    """read_post for each path, in order. With `parallel` and many posts to parse, half of them
    are parsed in a forked process: the same results, in about half the time on two cores.
    Without `words`, cached posts are used but the posts parsed here are not cached (a cached
    post always has its word count)."""
    if not parallel or len(paths) < PARALLEL_MIN or not can_fork():
        return [read_post(path, cache, words) for path in paths]
    if cache is None:
        return in_two_processes(functools.partial(read_uncached, words=words), paths)
    # Cached posts are taken here; the others are parsed in two processes and cached here.
    results: list[Parsed | None] = [None] * len(paths)
    pending: list[tuple[int, Path, os.stat_result]] = []
    for index, path in enumerate(paths):
        try:
            stat = path.stat()
        except OSError as exc:
            results[index] = read_error(path, exc)
            continue
        if (cached := cache.get(path, stat)) is not None:
            results[index] = cached
        else:
            pending.append((index, path, stat))
    todo = [path for _, path, _ in pending]
    parse = functools.partial(parse_files, words=words)
    parsed_files = in_two_processes(parse, todo) if len(todo) >= PARALLEL_MIN else parse(todo)
    for (index, path, stat), (parsed, readable) in zip(pending, parsed_files, strict=True):
        results[index] = parsed
        if readable and words:
            cache.put(path, stat, parsed)
    return results  # type: ignore[return-value]


def read_post(path: Path, cache: PostCache | None, words: bool = True) -> Parsed:
    try:
        stat = path.stat()
    except OSError as exc:
        return read_error(path, exc)
    if cache is not None and (cached := cache.get(path, stat)) is not None:
        return cached
    parsed, readable = parse_file(path, words)
    if cache is not None and readable and words:
        cache.put(path, stat, parsed)
    return parsed


def read_uncached(paths: Sequence[Path], words: bool = True) -> list[Parsed]:
    return [read_post(path, None, words) for path in paths]


def parse_files(paths: Sequence[Path], words: bool = True) -> list[tuple[Parsed, bool]]:
    return [parse_file(path, words) for path in paths]


def parse_file(path: Path, words: bool = True) -> tuple[Parsed, bool]:
    """The parsed post, and False when the file could not be read at all (nothing to cache)."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        return read_error(path, exc), False
    post, problems = parse_post(path, text, words=words)
    return (post, problems, declared_slug(text) if post is None else None), True


def read_text(path: Path) -> str:
    """`path.read_text(encoding="utf-8")`, same text and errors, without the text layer's cost
    (at 10,000 posts of 10 KB that layer is a tenth of `kb check`)."""
    with path.open("rb", buffering=0) as handle:  # one read of the whole file, no buffer copy
        text = handle.read().decode("utf-8")
    # Universal newlines, as text mode reads them.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_error(path: Path, exc: Exception) -> Parsed:
    return None, [Problem(path, 1, "read", f"cannot read the post: {exc}", "save it as UTF-8 text")], None


def declared_slug(text: str) -> tuple[str, int] | None:
    """The slug an invalid post asks for, if it can be read at all (for duplicate reports)."""
    try:
        matter = split(text)
    except FrontMatterError:
        return None
    slug = matter.values.get("slug")
    return (slug.strip(), matter.lines["slug"]) if isinstance(slug, str) and slug.strip() else None
