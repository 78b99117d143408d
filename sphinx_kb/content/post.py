"""The Post model and the one place where a post's front matter is validated."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sphinx_kb.content.frontmatter import FrontMatterError, shorten, split
from sphinx_kb.content.problems import Problem, Severity
from sphinx_kb.content.redirects import REDIRECT_SUBTYPES, parse_redirects
from sphinx_kb.content.slugs import SLUG_RE, slugify

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# What `kb new` writes for a writer to replace (both start with TODO: `grep -rl TODO` finds them).
PLACEHOLDER_EXCERPT = "TODO: one or two sentences that sum up the article."
PLACEHOLDER_BODY = (
    "TODO: write the article here, in Markdown. Start with a paragraph that introduces the topic,\n"
    "then give each section a `##` heading (the title above is the page's only H1).\n"
)
STATUSES = ("published", "draft")

# Front-matter keys we read, and the names other tools give them.
FIELDS = (
    "title",
    "slug",
    "category",
    "excerpt",
    "ogImage",
    "status",
    "date",
    "updated",
    "author",
    "tags",
    "description",
    "redirect_from",
)
ALIASES = {
    "publishedAt": "date",
    "updatedAt": "updated",
    "metaDescription": "description",
    "aliases": "redirect_from",
}
# Keys MyST itself understands; accepted without comment.
MYST_KEYS = ("myst", "html_meta", "substitutions", "orphan", "nocomments", "tocdepth")
REQUIRED = ("title", "slug", "category")

Date = dt.date | dt.datetime


@dataclass(frozen=True)
class Post:
    """One article, as its front matter describes it."""

    path: Path
    slug: str
    title: str
    category: str
    excerpt: str
    status: Literal["published", "draft"] = "published"
    og_image: str | None = None
    date: Date | None = None
    updated: Date | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None
    # Old site paths that redirect to the post (`redirect_from`, Hugo's `aliases`).
    redirect_from: tuple[str, ...] = ()
    # True when `excerpt` was missing and the first paragraph stands in for it.
    excerpt_from_body: bool = False
    # Words of the body (see count_words): the reading time on the page and on its cards.
    words: int = 0
    # 1-based line of each front-matter key, keyed by our field name.
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # A translation's language (`<slug>.<language>.md`); "" for a post in the site's language.
    language: str = ""
    # When a published post dated in the future goes live (schedule.py); None once it is out.
    scheduled: dt.datetime | None = field(default=None, compare=False)

    @property
    def is_draft(self) -> bool:
        """Not published in this build: a draft, or an article scheduled for later (built the
        same way: left out of the site, shown with a banner in preview)."""
        return self.status == "draft" or self.scheduled is not None

    @property
    def summary(self) -> str:
        """What search engines and social networks show: `description`, else the excerpt."""
        return self.description or self.excerpt

    @property
    def last_modified(self) -> Date | None:
        return self.updated or self.date

    def reading_minutes(self, words_per_minute: int) -> int:
        """Whole minutes, rounded up; at least 1 (a card never says "0 min read")."""
        return max(1, math.ceil(self.words / max(1, words_per_minute)))

    @property
    def sort_key(self) -> tuple[int, str, str]:
        """Newest first; undated posts last, then by title."""
        when = iso_date(self.date) if self.date else ""
        return (0 if when else 1, invert(when), self.title.casefold())


def invert(text: str) -> str:
    """A key that sorts ISO dates newest first with an ascending sort."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def iso_date(value: Date) -> str:
    return value.isoformat()


def parse_date(value: Any) -> Date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                return parse(text.replace("Z", "+00:00"))
            except ValueError:
                continue
    return None


@cache
def myst_markdown() -> MarkdownIt:
    """MyST's own Markdown parser (tables, `:::` blocks, `(label)=` targets are not paragraphs)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist"}), RendererHTML)


def first_paragraph(body: str, limit: int = 300) -> str:
    """Plain text of the first top-level paragraph of a Markdown body, for a missing excerpt."""
    tokens = myst_markdown().parse(body)
    for index, token in enumerate(tokens):
        if token.type != "paragraph_open" or token.level != 0:
            continue
        inline = tokens[index + 1]
        parts = [
            child.content if child.type in ("text", "code_inline") else " "
            for child in inline.children or []
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        ]
        text = " ".join("".join(parts).split())
        if text:
            if len(text) > limit:
                text = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
            return text
    return ""


# Fence lines (``` and ~~~, with their info string) and what follows them decide what is code.
_FENCE_LINE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
_DIRECTIVE_RE = re.compile(r"\{[^}]*\}")
# Directives whose content is code or structure, not prose.
_NOT_PROSE_DIRECTIVES = frozenset(
    (
        "{code}",
        "{code-block}",
        "{sourcecode}",
        "{literalinclude}",
        "{toctree}",
        "{raw}",
        "{math}",
        "{csv-table}",
    )
)
# Dropped before counting: lines of `:::` fences, MyST targets `(label)=` and directive options
# `:key: value`; HTML comments and tags; link targets `](...)`. Each pattern starts with a fixed
# character (a line with its newline), which lets the regex engine skip ahead quickly.
_NOT_PROSE_LINE_RE = re.compile(r"\n[ \t]*(?::{3,}[^\n]*|\([\w-]+\)=[ \t]*(?=\n|$)|:[\w-]+:[^\n]*)")
_NOT_PROSE_INLINE_RE = re.compile(r"<!--[\s\S]*?-->|</?[A-Za-z][^<>\n]*>|\]\([^)\n]*\)")
# Punctuation removed so that what is left between spaces is words: `don't`, `e-mail` and `3.5`
# stay one word each; a lone `|`, `-`, `#` or dash disappears.
_PUNCTUATION = str.maketrans(dict.fromkeys("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~–—―…‘’‚“”„«»‹›·•¶§†‡", None))


def count_words(body: str) -> int:
    """Words of a Markdown body as a reader reads them: prose, headings, lists, tables and the
    text of admonitions count; fenced code (and code/toctree/raw/math directives), HTML tags and
    comments, link URLs, directive options and fence lines do not. A word is what stands between
    spaces once punctuation is removed (`don't`, `e-mail`, `3.5` count once; a lone `-` not).

    Regular expressions over the whole text, a loop over fence lines only: no Markdown parse
    and no per-line Python work (10,000 posts are counted on every clean build)."""
    kept: list[str] = []
    start = 0  # where the prose not yet kept begins
    code = ""  # the fence that opened the current code block
    prose: list[str] = []  # fences of the directives (```{note}) we are inside
    fences = _FENCE_LINE_RE.finditer(body) if "```" in body or "~~~" in body else ()
    for match in fences:
        fence, info = match.group(1), match.group(2).strip()
        closing = not info and bool(code or prose) and fence[0] == (code or prose[-1])[0]
        if code:
            if closing and len(fence) >= len(code):
                code, start = "", match.end()
            continue
        kept.append(body[start : match.start()])
        start = match.end()
        directive = _DIRECTIVE_RE.match(info)
        if closing and len(fence) >= len(prose[-1]):
            prose.pop()
        elif directive and directive.group(0).replace(" ", "") not in _NOT_PROSE_DIRECTIVES:
            prose.append(fence)  # ```{note}: the text inside is read
        else:
            code = fence  # ``` / ```python / ```{code-block}: code, up to its closing fence
    if not code:
        kept.append(body[start:])
    text = _NOT_PROSE_LINE_RE.sub("\n", "\n" + "\n".join(kept))
    text = _NOT_PROSE_INLINE_RE.sub(" ", text)
    return len(text.translate(_PUNCTUATION).split())


def translation_language(path: Path) -> str:
    """`de` for `<slug>.de.md`, a translation; "" for `<slug>.md` (a slug has no dot)."""
    return path.stem.rpartition(".")[2].lower() if "." in path.stem else ""


def parse_post(path: Path, text: str, *, words: bool = True) -> tuple[Post | None, list[Problem]]:
    """Read one post. Returns the Post (None when it must be left out) and every problem found.

    A translation (`<slug>.<language>.md`, see translation_language) may leave out its category:
    the catalog gives it the original's (reading.py), with its author and ogImage.
    `words=False` leaves the word count at 0: `kb check` shows no reading times, and counting
    is most of the cost of parsing a post."""
    problems: list[Problem] = []
    language = translation_language(path)
    stem = path.stem.rpartition(".")[0] if language else path.stem

    def problem(
        subtype: str, message: str, fix: str, line: int | None, severity: Severity = Severity.ERROR
    ) -> None:
        problems.append(Problem(path, line, subtype, message, fix, severity))

    try:
        matter = split(text)
    except FrontMatterError as exc:
        problem("front-matter", exc.message, exc.fix, exc.line)
        return None, problems

    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    # Fields whose value is wrong (reported already): not also "missing".
    invalid: set[str] = set()
    for error in matter.errors:
        name = ALIASES.get(error.key or "", error.key)
        invalid.add(name or "")
        if name in ("date", "updated"):
            # YAML reads an unquoted 2024-02-30 as a date and fails: it is a wrong date.
            problem(
                "date",
                f"`{error.key}` is not a valid date",
                "write it as YYYY-MM-DD, e.g. 2024-05-14",
                error.line,
            )
        else:
            problem("front-matter", error.message, error.fix, error.line)
    for key, line in matter.duplicates:
        problem("front-matter", f"`{key}` is given twice", "keep one of the two lines", line)
    for key, value in matter.values.items():
        line = matter.lines[key]
        name = ALIASES.get(key, key)
        if name in FIELDS:
            if name in values and name == "redirect_from":
                # Old paths from both keys are kept: the error fails the build, nothing is lost.
                problem(
                    "redirect", "`redirect_from` and `aliases` are both set", "merge them into one list", line
                )
                value = [*as_list(values[name]), *as_list(value)]
            elif name in values:
                other = next(k for k, n in (*ALIASES.items(), (name, name)) if n == name and k != key)
                problem(
                    "front-matter",
                    f"`{key}` and `{other}` both set the {name}",
                    "keep only one of them",
                    line,
                )
            values[name] = value
            lines[name] = line
        elif key not in MYST_KEYS:
            known = [*FIELDS, *ALIASES]
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6) or difflib.get_close_matches(
                key.lower(), [k.lower() for k in known], n=1, cutoff=0.6
            )
            if close:
                suggestion = next(k for k in known if k.lower() == close[0].lower())
                fix = f"did you mean `{suggestion}`?"
            else:
                fix = "known keys: " + ", ".join(FIELDS)
            problem("unknown-key", f"unknown front-matter key `{key}`", fix, line, Severity.WARNING)

    def text_field(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            problem("front-matter", f"`{name}` must be text", f'write it as {name}: "..."', lines[name])
            invalid.add(name)
            return None
        return str(value).strip() or None

    title, slug, category, excerpt, description, author, og_image = (
        text_field(name)
        for name in ("title", "slug", "category", "excerpt", "description", "author", "ogImage")
    )
    for name, value in (("title", title), ("slug", slug), ("category", category)):
        if language and name in ("slug", "category"):
            continue  # a translation's slug is its file's, its category may be the original's
        if value is None and name not in invalid:
            problem(
                "missing-field",
                f"`{name}` is required" + (" and is empty" if name in values else ""),
                f"add a line `{name}: ...` to the front matter",
                lines.get(name, 1),
            )

    if title is not None and "\n" in title:
        problem("title", "the title spans several lines", "write the title on one line", lines["title"])

    if slug is not None:
        if not SLUG_RE.match(slug):
            problem(
                "slug",
                f"slug `{shorten(slug)}` may only contain lowercase letters, digits and single hyphens",
                f"use `{slugify(slug)}`" if slugify(slug) else "use e.g. `my-first-post`",
                lines["slug"],
            )
        elif slug != stem:
            renamed = f"{slug}.{language}.md" if language else f"{slug}.md"
            problem(
                "slug",
                f"slug `{slug}` does not match the file name `{path.name}`",
                f"rename the file to `{renamed}` or set `slug: {stem}`",
                lines["slug"],
            )

    status = values.get("status", "published")
    if status not in STATUSES:
        problem(
            "status",
            "status is empty"
            if status is None
            else f"status `{shorten(status)}` is not one of: published, draft",
            "use `status: published` or `status: draft`",
            lines.get("status"),
        )

    dates: dict[str, Date | None] = {}
    for name in ("date", "updated"):
        raw = values.get(name)
        dates[name] = parse_date(raw) if raw is not None else None
        if raw is not None and dates[name] is None:
            problem(
                "date",
                f"`{name}` value `{shorten(raw)}` is not a date",
                "write it as YYYY-MM-DD, e.g. 2024-05-14",
                lines[name],
            )
    published, updated = (iso_date(d)[:10] if d else "" for d in (dates["date"], dates["updated"]))
    if published and updated and updated < published:
        problem(
            "date",
            f"`updated` ({updated}) is before `date` ({published})",
            "correct one of the two dates",
            lines["updated"],
            Severity.WARNING,
        )

    if og_image is not None and og_image.startswith("//"):
        problem(
            "og-image",
            f"ogImage `{shorten(og_image)}` has no scheme; social networks need a full URL",
            f"write `https:{shorten(og_image)}`",
            lines["ogImage"],
        )
    elif og_image is not None and not (og_image.startswith("/") or og_image.startswith("https://")):
        if og_image.startswith("http://"):
            fix = f"social networks want https: write `https://{shorten(og_image[7:])}`"
        else:
            site_path = shorten(og_image.lstrip("./"))
            fix = f"write `/{site_path}` for a file in the public folder, or a full https:// URL"
        problem(
            "og-image",
            f"ogImage `{shorten(og_image)}` is neither a site-root path nor an https URL",
            fix,
            lines["ogImage"],
        )

    tags: tuple[str, ...] = ()
    raw_tags = values.get("tags")
    if isinstance(raw_tags, str):
        tags = tuple(dict.fromkeys(t.strip() for t in raw_tags.split(",") if t.strip()))
    elif isinstance(raw_tags, list) and all(
        isinstance(t, str | int | float) and not isinstance(t, bool) for t in raw_tags
    ):
        tags = tuple(dict.fromkeys(str(t).strip() for t in raw_tags if str(t).strip()))
    elif raw_tags is not None:
        problem(
            "front-matter", "`tags` must be a list of words", 'write tags: ["backup", "cloud"]', lines["tags"]
        )
    # A tag's page is tag/<slug>: a tag with no letter or digit left in its slug has no page.
    unusable = [t for t in tags if not slugify(t)]
    for tag in unusable:
        problem(
            "tag",
            f"tag `{shorten(tag)}` has no letters or digits a URL can use; it is left out",
            "write the tag with letters a-z or digits (accents are dropped: `Sécurité` -> `securite`)",
            lines["tags"],
            Severity.WARNING,
        )
    if unusable:
        tags = tuple(t for t in tags if t not in unusable)

    if status == "published":
        # `kb new` writes these placeholders into drafts; published, they would reach readers.
        if excerpt == PLACEHOLDER_EXCERPT:
            problem(
                "placeholder",
                "the excerpt is still the placeholder `kb new` wrote",
                "write one or two sentences that sum up the article",
                lines.get("excerpt", 1),
                Severity.WARNING,
            )
        at = matter.body.find(PLACEHOLDER_BODY.partition("\n")[0])
        if at >= 0:
            problem(
                "placeholder",
                "the body still holds the placeholder text `kb new` wrote",
                "replace the TODO paragraph with the article",
                matter.body_line + matter.body.count("\n", 0, at),
                Severity.WARNING,
            )

    excerpt_from_body = False
    if excerpt is None and "excerpt" not in invalid:
        excerpt = first_paragraph(matter.body)
        excerpt_from_body = True
        problem(
            "excerpt",
            "no `excerpt`: the first paragraph is used for listings and link previews",
            "add `excerpt: ...` with one or two sentences",
            lines.get("excerpt", 1),
            Severity.WARNING,
        )

    # A bad old path drops that redirect only: it does not leave the post out.
    fatal = any(p.severity is Severity.ERROR and p.subtype not in REDIRECT_SUBTYPES for p in problems)
    redirect_from, redirect_problems = parse_redirects(
        path, values.get("redirect_from"), lines.get("redirect_from")
    )
    problems.extend(redirect_problems)
    if language:
        slug = slug or stem
        category = category or ""
    if fatal or not (title and slug and (category or language)):
        return None, problems
    post = Post(
        path=path,
        slug=slug,
        title=title,
        category=category or "",
        excerpt=excerpt or "",
        status=status,
        og_image=og_image,
        date=dates["date"],
        updated=dates["updated"],
        author=author,
        tags=tags,
        description=description,
        redirect_from=redirect_from,
        excerpt_from_body=excerpt_from_body,
        words=count_words(matter.body) if words else 0,
        lines=lines,
        language=language,
    )
    return post, problems


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
