"""Atom and RSS feeds of the whole site and of each category, written with feedgen.

Feeds are aggregates: they are written at build-finished (main process) from the catalog on
every build, never from the pages written in this build, so an incremental or parallel build
gives the same feeds as a clean one. A feed file is only written when its bytes change.

With `kb_feed_content = "full"`, an entry holds the post's body as the site shows it: read back
from the post's written page (posts not rewritten in this build, and pages written by parallel
workers, are on disk), with every link made absolute. Only posts that appear in some feed are
read, and a small cache beside the doctrees skips pages whose file did not change.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sphinx.util import logging

from sphinx_kb.content.wording import wording
from sphinx_kb.outputs.metadata import category_description
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.settings import home_description, site_name
from sphinx_kb.site.urls import page_url, site_url
from sphinx_kb.version import __version__

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.post import Date, Post

logger = logging.getLogger(__name__)

FORMATS = (("atom", "application/atom+xml", "Atom"), ("rss", "application/rss+xml", "RSS"))
CONTENT_MODES = ("excerpt", "full")
# Written into every feed, so that a feed file sphinx-kb no longer wants can be told from a file
# someone else put there before it is deleted.
GENERATOR = "sphinx-kb"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The builders that make the website (epub and singlehtml also have the "html" format: a feed
# has no place in an e-book, and singlehtml has no post pages to link to).
BUILDERS = ("html", "dirhtml")


def setup(app: Sphinx) -> None:
    """Wire the feeds into the build (the options are in content/options.py)."""
    app.connect("config-inited", check_options)
    app.connect("html-page-context", add_feed_links)
    # After site_files.py copied the public folder (priority 500): a feed it ships wins.
    app.connect("build-finished", write_feeds, priority=520)


def check_options(app: Sphinx, config: Config) -> None:
    """config-inited: bad values are a warning and fall back to the default."""
    mode = str(config.kb_feed_content).strip().lower()
    if mode not in CONTENT_MODES:
        logger.warning(
            "kb_feed_content = %r in conf.py is not a feed content mode; set it to 'excerpt' or 'full' "
            "(using 'excerpt')",
            config.kb_feed_content,
            type="kb",
            subtype="config",
        )
        mode = "excerpt"
    config.kb_feed_content = mode
    entries = config.kb_feed_entries
    if isinstance(entries, bool) or not isinstance(entries, int) or entries < 1:
        logger.warning(
            "kb_feed_entries = %r in conf.py: set it to a whole number of 1 or more (using 20)",
            entries,
            type="kb",
            subtype="config",
        )
        config.kb_feed_entries = 20


def enabled(app: Sphinx) -> bool:
    # Feeds need absolute links: without html_baseurl there are none (glue/config.py warns once,
    # as for the sitemap).
    return bool(app.config.kb_feeds) and bool(site_url(app)) and app.builder.name in BUILDERS


def feed_dir(catalog: Catalog, category: Category | None, language: str = "") -> str:
    """Where a feed pair lives below the site root: `` or `category/<slug>/`; a translated
    language's below `<language>/` (docs/translations.md)."""
    root = f"{language}/" if language else ""
    return root if category is None else f"{root}{catalog.layout.category_dir}/{category.slug}/"


# --- autodiscovery -------------------------------------------------------------------------


def add_feed_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context: `<link rel="alternate">` to the home page's and category pages' feeds."""
    if not enabled(app):
        return
    catalog = get_catalog(app.env)
    site = site_name(app)
    view = catalog.for_page(pagename)
    # A page under `<language>/` leads to that language's feeds; a translation to its language's.
    language = view.layout.view
    category = view.category_for_docname(pagename)
    if category is not None:
        title = feed_title(category, site)
    elif pagename == view.layout.home_docname(app.config.root_doc) or (
        language and view.post_for_docname(pagename) is not None
    ):
        title = f"{site} ({language})" if language else site
    else:
        return
    links = [
        f'<link rel="alternate" type="{mime}" title="{html.escape(f"{title} ({label})")}" '
        f'href="{html.escape(site_url(app) + feed_dir(catalog, category, language) + name)}.xml" />'
        for name, mime, label in FORMATS
    ]
    context["metatags"] = context.get("metatags", "") + "\n".join(links) + "\n"


def feed_title(category: Category | None, site: str, language: str = "") -> str:
    return site if category is None else f"{category.name_in(language)} – {site}"


# --- which posts -----------------------------------------------------------------------------


def feed_posts(catalog: Catalog, limit: int, language: str = "") -> tuple[list[Post], dict[str, list[Post]]]:
    """The newest `limit` published posts of the site, and of each category together with its
    subcategories (as its post count and search filter have them); in a translated `language`,
    its translations, and only the categories that have some.

    One pass over the posts, newest first; each post is offered to its category's ancestors."""
    site: list[Post] = []
    translated = bool(language)
    catalog = catalog.in_language(language)
    listed = [] if translated else catalog.listed_categories
    by_category: dict[str, list[Post]] = {c.slug: [] for c in listed}
    for post in catalog.visible_posts:  # sorted newest first, undated last, then by title
        if post.is_draft or catalog.layout.docname_of(post) in catalog.excluded:
            continue
        if len(site) < limit:
            site.append(post)
        for category in catalog.ancestors(catalog.category_of(post)):
            chosen = (
                by_category.setdefault(category.slug, []) if translated else by_category.get(category.slug)
            )
            if chosen is not None and len(chosen) < limit:
                chosen.append(post)
    return site, by_category


def as_datetime(value: Date | str) -> dt.datetime:
    """A timezone-aware datetime (feeds need one); dates are midnight UTC, naive times UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def entry_dates(catalog: Catalog, posts: set[Post]) -> dict[str, dt.datetime]:
    """Each post's `updated` (else `date`), by its page's docname; undated posts: the last git
    commit of their file, as in the sitemap, else the file's modification time (Atom requires a date)."""
    dates: dict[str, dt.datetime] = {}
    for post in posts:
        key = catalog.layout.docname_of(post)
        when = catalog.last_changed(post)
        if when:
            dates[key] = as_datetime(when)
            continue
        try:
            mtime = post.path.stat().st_mtime
        except OSError:
            dates[key] = EPOCH
        else:
            dates[key] = dt.datetime.fromtimestamp(int(mtime), dt.UTC)
    return dates


# --- full content ----------------------------------------------------------------------------


@dataclass
class BodyCache:
    """Post bodies taken from written pages, keyed by page file, reused while the file's
    mtime and size (and the page's URL, which the links depend on) stay the same."""

    path: Path
    entries: dict[str, tuple[int, int, str, str]]
    used: dict[str, tuple[int, int, str, str]]

    VERSION = 1

    @classmethod
    def load(cls, path: Path) -> BodyCache:
        entries: dict[str, tuple[int, int, str, str]] = {}
        try:
            with path.open("rb") as handle:
                version, data = pickle.load(handle)
            if version == (cls.VERSION, __version__) and isinstance(data, dict):
                entries = data
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            pass
        return cls(path, entries, {})

    def body(self, page: Path, url: str) -> str | None:
        try:
            stat = page.stat()
        except OSError:
            return None
        key = str(page)
        entry = self.entries.get(key)
        if entry is None or entry[:3] != (stat.st_mtime_ns, stat.st_size, url):
            try:
                text = page.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            entry = (stat.st_mtime_ns, stat.st_size, url, extract_body(text, url))
        self.used[key] = entry
        return entry[3]

    def save(self) -> None:
        if self.used == self.entries:
            return
        partial = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as handle:
                pickle.dump(
                    ((self.VERSION, __version__), self.used), handle, protocol=pickle.HIGHEST_PROTOCOL
                )
            partial.replace(self.path)
        except OSError:
            pass  # only a cache: the next build reads the pages again


# Attributes that hold URLs in a post body (srcset: a list of "url width" pairs).
URL_ATTRIBUTES = ("href", "src", "poster")


def is_furniture(element: Any) -> bool:
    """What sphinx-kb adds around a post's own text (its classes start with `kb-`: the
    category/date line, related articles, the draft banner, ...) and Sphinx's heading anchors."""
    classes = (element.get("class") or "").split()
    return "headerlink" in classes or any(c.startswith("kb-") for c in classes)


def extract_body(page_html: str, url: str) -> str:
    """The post's body HTML from its written page, with absolute links, without what the page
    adds around it (the H1, sphinx-kb's furniture, heading anchors, hidden search metadata)."""
    import lxml.html

    start, end = page_html.find("<article"), page_html.rfind("</article>")
    if start < 0 or end < 0:
        return ""
    article = lxml.html.fragment_fromstring(page_html[start : end + len("</article>")])
    found = article.xpath(".//section[contains(concat(' ', normalize-space(@class), ' '), ' kb-post ')]")
    root = found[0] if found else article
    for element in list(root.iterdescendants()):
        if not isinstance(element.tag, str):
            continue
        drop = (
            (element.tag == "h1" and element.getparent() is root)
            or is_furniture(element)
            or element.get("hidden") is not None
            # Docutils' empty anchors (`<span id="id1"></span>`) mean nothing outside the page.
            or (element.tag == "span" and not len(element) and not element.text and element.keys() == ["id"])
        )
        if drop:
            element.drop_tree()
            continue
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None:
                element.set(attribute, urljoin(url, value))
        srcset = element.get("srcset")
        if srcset:
            parts = [part.strip().split(maxsplit=1) for part in srcset.split(",") if part.strip()]
            element.set("srcset", ", ".join(" ".join([urljoin(url, p[0]), *p[1:]]) for p in parts))
    inner = [html.escape(root.text or "", quote=False)]
    inner += [lxml.html.tostring(child, encoding="unicode") for child in root]
    return "".join(inner).strip()


# --- writing ---------------------------------------------------------------------------------


def build_feed(
    app: Sphinx,
    catalog: Catalog,
    category: Category | None,
    posts: list[Post],
    dates: dict[str, dt.datetime],
    bodies: dict[str, str],
    language: str = "",
) -> dict[str, bytes]:
    """The Atom and RSS documents of one feed, by format name (`language`: a translated
    language's feed, of its translations)."""
    from feedgen.feed import FeedGenerator

    site = site_name(app)
    words = wording(language or app.config.language)
    layout = catalog.in_language(language).layout
    home = (
        page_url(app, layout.home_docname(app.config.root_doc))
        if category is None
        else page_url(app, layout.category_docname(category.slug))
    )
    folder = site_url(app) + feed_dir(catalog, category, language)
    if category is None:
        described = home_description(app, language)
        subtitle = described or words.text("The latest articles of {site}.", site=site)
    else:
        subtitle = category_description(category, site, words, language)

    generator = FeedGenerator()
    # dc:creator carries the author's plain name in RSS (its <author> must be an e-mail address).
    generator.load_extension("dc", atom=False, rss=True)
    # A translated language's feed has its own id (its folder), as it had before its home page.
    generator.id(folder if language else home)
    generator.title(feed_title(category, site, language))
    generator.description(subtitle)
    generator.language(language or app.config.language or "en")
    generator.generator(GENERATOR, version=__version__)
    # The feed's date is its newest entry's, never "now": an unchanged site gives the same bytes.
    generator.updated(max((dates[catalog.layout.docname_of(p)] for p in posts), default=EPOCH))

    for post in posts:
        docname = catalog.layout.docname_of(post)
        url = page_url(app, docname)
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(post.title)
        entry.link(href=url, rel="alternate")
        entry.updated(dates[docname])
        if post.date is not None:
            entry.published(as_datetime(post.date))
        author = catalog.authors.resolve(post.author)
        if author is not None:
            entry.author({"name": author.name, **({"uri": author.url} if author.url else {})})
            entry.dc.dc_creator(author.name)
        for term in (catalog.category_of(post).name_in(language), *post.tags):
            entry.category(term=term)
        if post.excerpt:
            # RSS's <description> is HTML to every reader: the excerpt is text, so escape it
            # (and say so in Atom, which shares the value).
            entry.summary(html.escape(post.excerpt, quote=False), type="html")
        body = bodies.get(docname)
        if body:
            entry.content(body, type="html")

    documents = {}
    for name, mime, _label in FORMATS:
        # rel="self" differs per format; RSS's channel <link> is the last link given.
        links = [
            {"href": f"{folder}{name}.xml", "rel": "self", "type": mime},
            {"href": home, "rel": "alternate"},
        ]
        generator.link(links, replace=True)
        render = generator.atom_str if name == "atom" else generator.rss_str
        documents[name] = render(pretty=True, encoding="UTF-8", xml_declaration=True)
    return documents


def write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return f">{GENERATOR}</generator>".encode() in head


def remove_stale_feeds(app: Sphinx, catalog: Catalog, wanted: set[str]) -> None:
    """Delete feed files sphinx-kb wrote before and no longer wants (a category that left the
    site, feeds turned off): one directory listing, not one per post."""
    outdir = Path(app.outdir)
    candidates = []
    for root in [outdir, *(outdir / language for language in catalog.layout.languages)]:
        candidates += [root / f"{name}.xml" for name, _mime, _label in FORMATS]
        category_root = root / catalog.layout.category_dir
        if category_root.is_dir():
            for folder in category_root.iterdir():
                candidates += [folder / f"{name}.xml" for name, _mime, _label in FORMATS]
    for path in candidates:
        relative = path.relative_to(outdir).as_posix()
        if relative not in wanted and path.is_file() and is_ours(path):
            path.unlink()


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: every feed from the catalog; files are written only when they change."""
    if exception is not None or app.builder.name not in BUILDERS:
        return
    catalog = get_catalog(app.env)
    if not enabled(app):
        remove_stale_feeds(app, catalog, set())
        return
    feeds: list[tuple[str, Category | None, list[Post]]] = []
    # The site's language, then each translated language that has published translations.
    for language in ("", *catalog.layout.languages):
        site_posts, by_category = feed_posts(catalog, app.config.kb_feed_entries, language)
        if language and not site_posts:
            continue
        feeds.append((language, None, site_posts))
        feeds += [(language, catalog.categories[slug], posts) for slug, posts in by_category.items()]
    shown = {post for _language, _category, posts in feeds for post in posts}
    dates = entry_dates(catalog, shown)
    bodies = full_bodies(app, catalog, shown) if app.config.kb_feed_content == "full" else {}

    outdir = Path(app.outdir)
    wanted: set[str] = set()
    for language, category, posts in feeds:
        documents = build_feed(app, catalog, category, posts, dates, bodies, language)
        for name, data in documents.items():
            relative = f"{feed_dir(catalog, category, language)}{name}.xml"
            wanted.add(relative)
            if catalog.public_file_exists("/" + relative):
                continue  # the public folder ships its own: site_files.py copied it
            write_if_changed(outdir / relative, data)
    remove_stale_feeds(app, catalog, wanted)


def full_bodies(app: Sphinx, catalog: Catalog, posts: set[Post]) -> dict[str, str]:
    """The body HTML of each post, from its written page (see the module docstring)."""
    cache = BodyCache.load(Path(app.doctreedir) / "sphinx-kb-feed-bodies.pickle")
    bodies: dict[str, str] = {}
    for post in sorted(posts, key=lambda p: catalog.layout.docname_of(p)):
        docname = catalog.layout.docname_of(post)
        page = Path(app.builder.get_outfilename(docname))
        body = cache.body(page, page_url(app, docname))
        if body is None:
            logger.warning(
                "%s: its page %s is missing from the output, so the feeds show its excerpt; "
                "build again with -E to rewrite every page",
                post.path.name,
                os.path.relpath(page, app.outdir),
                type="kb",
                subtype="feed",
                location=f"{post.path}:1",
            )
            continue
        bodies[docname] = body
    cache.save()
    return bodies
