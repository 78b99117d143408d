"""The catalog: every post and category of the site, and what they say across posts (by
category, counts, positions, tags). reading.py fills it once per build.

Everything that spans posts (listings, toctrees, sitemap, navigation) is computed from here,
never from the pages Sphinx happens to write in one build.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from sphinx_kb.content.archive import ARCHIVE_DOC, archive_docname
from sphinx_kb.content.authors import Authors
from sphinx_kb.content.categories import Category
from sphinx_kb.content.gitdates import last_commit_dates
from sphinx_kb.content.post import Post, iso_date
from sphinx_kb.content.problems import Problem, Severity
from sphinx_kb.content.slugs import slugify
from sphinx_kb.content.synonyms import SynonymGroup
from sphinx_kb.content.tags import TAG_DIR, TAGS_DOC, TagIndex, collect_tags, tag_docname


@dataclass(frozen=True)
class Layout:
    """Where things live inside the source folder (from the `kb_` options)."""

    srcdir: Path
    posts_dir: str = "blog"
    categories_file: str = "categories.yml"
    authors_file: str = "authors.yml"
    synonyms_file: str = "synonyms.yml"
    public_dir: str = "public"
    category_dir: str = "category"
    show_drafts: bool = False
    # Posts on one listing page (category pages are split into numbered pages).
    posts_per_page: int = 20
    # Posts without an image get a drawn card (else the site's default image).
    social_cards: bool = True
    # The site's language, and the other languages posts are translated into (options.py).
    language: str = "en"
    languages: tuple[str, ...] = ()
    # The time zone of dates without one (`kb_timezone`): when scheduled articles go live.
    timezone: str = "UTC"
    # The language whose pages this layout places: "" for the site's language (at the site's
    # root), else a translated language, whose pages live under `<language>/` (Catalog.in_language).
    view: str = ""

    @property
    def posts_path(self) -> Path:
        return self.srcdir / self.posts_dir

    @property
    def page_language(self) -> str:
        """The language of the pages this layout places."""
        return self.view or self.language

    @property
    def prefix(self) -> str:
        """What the docnames of this layout's generated pages start with: "" or `<language>/`."""
        return f"{self.view}/" if self.view else ""

    def post_docname(self, slug: str, language: str = "") -> str:
        """`blog/<slug>`; a translation's `<language>/blog/<slug>` (read from `blog/<slug>.<language>.md`).
        Without `language`, the post in the layout's own language."""
        language = language or self.view
        if language and language != self.language:
            return f"{language}/{self.posts_dir}/{slug}"
        return f"{self.posts_dir}/{slug}"

    def docname_of(self, post: Post) -> str:
        return self.post_docname(post.slug, post.language)

    def page_count(self, posts: int) -> int:
        """How many listing pages `posts` posts fill (category, tag and archive pages alike)."""
        return max(1, -(-posts // self.posts_per_page))

    def on_page(self, posts: list[Post], page: int) -> list[Post]:
        """The posts of listing page `page` (1-based)."""
        return posts[(page - 1) * self.posts_per_page : page * self.posts_per_page]

    def category_docname(self, slug: str, page: int = 1) -> str:
        """`category/<slug>`, then `category/<slug>/page/2`, ... for the following pages."""
        name = f"{self.category_dir}/{slug}" if page == 1 else f"{self.category_dir}/{slug}/page/{page}"
        return self.prefix + name

    def home_docname(self, root_doc: str) -> str:
        """The home page: the root document, `<language>/<root_doc>` for a translated language."""
        return self.prefix + root_doc

    @property
    def search_docname(self) -> str:
        """The search page (search/pagefind.py writes one per language)."""
        return self.prefix + "search"

    @property
    def tags_docname(self) -> str:
        return self.prefix + TAGS_DOC

    @property
    def tag_dir(self) -> str:
        return self.prefix + TAG_DIR

    def tag_docname(self, slug: str, page: int = 1) -> str:
        return self.prefix + tag_docname(slug, page)

    @property
    def archive_dir(self) -> str:
        return self.prefix + ARCHIVE_DOC

    def archive_docname(self, page: int = 1) -> str:
        return self.prefix + archive_docname(page)


@dataclass
class Catalog:
    layout: Layout
    # Valid posts by slug, drafts included.
    posts: dict[str, Post] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Docnames of post files that must not become pages (invalid, or drafts outside preview).
    excluded: set[str] = field(default_factory=set)
    # How many post files were read.
    files: int = 0
    # Old site path -> slug, for every redirect that passed the checks across posts.
    redirects: dict[str, str] = field(default_factory=dict)
    authors: Authors = field(default_factory=Authors)
    # Groups of words that mean the same to readers (synonyms.yml), for search.
    synonyms: list[SynonymGroup] = field(default_factory=list)
    # Valid translations, drafts included: slug -> language -> the post in that language.
    translations: dict[str, dict[str, Post]] = field(default_factory=dict)
    # A view of one translated language (in_language): the site's catalog it was made from.
    base: Catalog | None = field(default=None, repr=False, compare=False)
    # The views made so far, by language (in_language).
    views: dict[str, Catalog] = field(default_factory=dict, repr=False, compare=False)
    # page_versions' answers: a page's head, switcher and navigation fingerprint all ask.
    known_versions: dict[tuple[str, str], dict[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @cached_property
    def visible_posts(self) -> list[Post]:
        """Posts that become pages, newest first."""
        shown = [p for p in self.posts.values() if self.layout.show_drafts or not p.is_draft]
        return sorted(shown, key=lambda p: p.sort_key)

    def in_language(self, language: str) -> Catalog:
        """The catalog as the pages of `language` show it: its articles are the translations into
        `language`, its categories carry their names in it, and its layout places its pages under
        `<language>/` (home, category, tag and archive pages). The site's language: the catalog."""
        site = self.base or self
        if not language or language == site.layout.language:
            return site
        view = site.views.get(language)
        if view is None:
            view = Catalog(
                layout=replace(site.layout, view=language),
                posts={
                    slug: found[language] for slug, found in site.translations.items() if language in found
                },
                categories={
                    slug: replace(c, name=c.name_in(language), description=c.description_in(language))
                    for slug, c in site.categories.items()
                },
                excluded=site.excluded,
                authors=site.authors,
                synonyms=site.synonyms,
                translations=site.translations,
                base=site,
            )
            # Translations name their category as the original does (by its site-language name).
            view.__dict__["_category_lookup"] = site._category_lookup
            view.__dict__["_category_order"] = site._category_order
            site.views[language] = view
        return view

    def for_page(self, docname: str) -> Catalog:
        """The catalog a page shows: its language's view for pages under `<language>/` when that
        language has pages (else a folder named like a language is just a folder)."""
        site = self.base or self
        language, _, rest = docname.partition("/")
        if rest and language in site.view_languages:
            return site.in_language(language)
        return site

    @cached_property
    def view_languages(self) -> list[str]:
        """The translated languages that have pages of their own: at least one visible translation."""
        site = self.base or self
        return [language for language in site.layout.languages if site.in_language(language).visible_posts]

    @property
    def language_views(self) -> list[Catalog]:
        """The site's catalog, then the view of each translated language that has pages."""
        site = self.base or self
        return [site, *(site.in_language(language) for language in site.view_languages)]

    @property
    def every_post(self) -> list[Post]:
        """Every valid post and translation, drafts included."""
        site = self.base or self
        return [*site.posts.values(), *(p for found in site.translations.values() for p in found.values())]

    def page_versions(self, docname: str, root_doc: str) -> dict[str, str]:
        """The page in each language it exists in (language -> docname): see find_versions."""
        site = self.base or self
        found = site.known_versions.get((docname, root_doc))
        if found is None:
            found = site.known_versions[(docname, root_doc)] = site.find_versions(docname, root_doc)
        return found

    def find_versions(self, docname: str, root_doc: str) -> dict[str, str]:
        """The page in each language it exists in (language -> docname), the site's language
        first: an article and its translations; a home page, a category's first page, the tag
        index and the archive's first page in every language that has them. {} for a page in
        one language only."""
        site = self.base or self
        view = site.for_page(docname)
        post = view.post_for_docname(docname)
        if post is not None:
            return {language: site.layout.docname_of(p) for language, p in site.versions(post.slug).items()}
        if not site.layout.languages:
            return {}
        views = site.language_views
        layout = view.layout
        category, page = view.category_page_for_docname(docname)
        if category is not None and page == 1:
            found = {
                v.layout.page_language: v.layout.category_docname(category.slug)
                for v in views
                if v.count(category.slug)
            }
        elif docname == layout.home_docname(root_doc):
            found = {v.layout.page_language: v.layout.home_docname(root_doc) for v in views}
        elif docname == layout.tags_docname:
            found = {v.layout.page_language: v.layout.tags_docname for v in views}
        elif docname == layout.archive_docname():
            found = {v.layout.page_language: v.layout.archive_docname() for v in views}
        else:
            found = {}
        return found if len(found) > 1 else {}

    def language_links(self, docname: str, root_doc: str) -> dict[str, str]:
        """Where the language switcher of a page leads (language -> docname), for every language
        with pages but the page's own: the same page in that language, else that language's
        home page. {} on a site in one language."""
        site = self.base or self
        languages = [site.layout.language, *site.view_languages]
        if len(languages) < 2:
            return {}
        here = site.for_page(docname).layout.page_language
        versions = self.page_versions(docname, root_doc)
        return {
            language: versions.get(language) or site.in_language(language).layout.home_docname(root_doc)
            for language in languages
            if language != here
        }

    def versions(self, slug: str) -> dict[str, Post]:
        """The article in each language it is published in, the site's language first, then in
        the order of kb_languages; {} when it has no translation (one version is no choice)."""
        found = self.translations.get(slug)
        if not found:
            return {}
        shown = self.layout.show_drafts
        result: dict[str, Post] = {}
        original = (self.base or self).posts.get(slug)
        if original is not None and (shown or not original.is_draft):
            result[self.layout.language] = original
        for language in self.layout.languages:
            post = found.get(language)
            if post is not None and (shown or not post.is_draft):
                result[language] = post
        return result if len(result) > 1 else {}

    @cached_property
    def _by_category(self) -> dict[str, list[Post]]:
        grouped: dict[str, list[Post]] = {slug: [] for slug in self.categories}
        for post in self.visible_posts:
            grouped[self.category_of(post).slug].append(post)
        return grouped

    @cached_property
    def _children(self) -> dict[str | None, list[Category]]:
        children: dict[str | None, list[Category]] = {}
        for category in sorted(self.categories.values(), key=lambda c: c.sort_key):
            if self.count(category.slug):
                children.setdefault(category.parent, []).append(category)
        return children

    @cached_property
    def _counts(self) -> dict[str, int]:
        counts = {slug: len(posts) for slug, posts in self._by_category.items()}
        for slug, posts in self._by_category.items():
            parent = self.categories[slug].parent
            while parent is not None:
                counts[parent] += len(posts)
                parent = self.categories[parent].parent
        return counts

    def category_of(self, post: Post) -> Category:
        return self.categories[self.category_key(post.category)]

    def category_key(self, name: str) -> str:
        """Slug of the category a post names (by name, case-insensitively, or by slug): the first
        category in the file that matches either way."""
        by_name, by_slug = self._category_lookup
        found = [i for i in (by_name.get(name.casefold()), by_slug.get(name)) if i is not None]
        return self._category_order[min(found)] if found else slugify(name)

    def forget_category_lookup(self) -> None:
        """After adding a category: category_key must see it."""
        self.__dict__.pop("_category_order", None)
        self.__dict__.pop("_category_lookup", None)

    @cached_property
    def _category_order(self) -> list[str]:
        return list(self.categories)

    @cached_property
    def _category_lookup(self) -> tuple[dict[str, int], dict[str, int]]:
        """Position of each category by folded name and by slug (called once per post)."""
        by_name: dict[str, int] = {}
        by_slug: dict[str, int] = {}
        for index, category in enumerate(self.categories.values()):
            by_name.setdefault(category.name.casefold(), index)
            by_slug.setdefault(category.slug, index)
        return by_name, by_slug

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {p.slug: i for posts in self._by_category.values() for i, p in enumerate(posts)}

    def position(self, post: Post) -> int:
        """Where a visible post stands in its category's listing (0 = newest)."""
        return self._positions[post.slug]

    def posts_in(self, slug: str) -> list[Post]:
        """Visible posts filed directly under a category, newest first."""
        return self._by_category.get(slug, [])

    def count(self, slug: str) -> int:
        """Visible posts in a category and its subcategories."""
        return self._counts.get(slug, 0)

    def children(self, slug: str | None) -> list[Category]:
        """Subcategories (top-level categories for None) that hold at least one visible post."""
        return self._children.get(slug, [])

    def ancestors(self, category: Category) -> list[Category]:
        """From the top-level category down to `category` itself."""
        chain = [category]
        while chain[-1].parent is not None:
            chain.append(self.categories[chain[-1].parent])
        return chain[::-1]

    @property
    def listed_categories(self) -> list[Category]:
        """Categories that get a page: those with visible posts, parents before children."""
        result: list[Category] = []
        stack = list(reversed(self.children(None)))
        while stack:
            category = stack.pop()
            result.append(category)
            stack.extend(reversed(self.children(category.slug)))
        return result

    def post_for_docname(self, docname: str) -> Post | None:
        """The post (or translation: `<language>/blog/<slug>`) a page shows."""
        prefix = self.layout.post_docname("")
        post: Post | None = None
        if docname.startswith(prefix):
            post = self.posts.get(docname[len(prefix) :])
        elif self.translations and self.base is None:
            language, _, rest = docname.partition("/")
            if language in self.layout.languages and rest.startswith(prefix):
                post = self.translations.get(rest[len(prefix) :], {}).get(language)
        return post if post is not None and docname not in self.excluded else None

    def category_for_docname(self, docname: str) -> Category | None:
        """The category a category page (any of its numbered pages) is about."""
        return self.category_page_for_docname(docname)[0]

    def category_page_for_docname(self, docname: str) -> tuple[Category | None, int]:
        prefix = self.layout.category_docname("")
        if not docname.startswith(prefix):
            return None, 0
        slug, _, page = docname[len(prefix) :].partition("/page/")
        category = self.categories.get(slug)
        if category is None or not self.count(slug):
            return None, 0
        number = int(page) if page.isdigit() else 1 if not page else 0
        return (category, number) if 1 <= number <= self.pages_of(slug) else (None, 0)

    def pages_of(self, slug: str) -> int:
        """How many listing pages a category has."""
        return self.layout.page_count(len(self.posts_in(slug)))

    def posts_on_page(self, slug: str, page: int) -> list[Post]:
        return self.layout.on_page(self.posts_in(slug), page)

    @cached_property
    def commit_dates(self) -> dict[Path, str]:
        """Last commit date of each source file: one `git log` per build, for the sitemap and the
        feeds alike (the catalog is read again on every build)."""
        return self.base.commit_dates if self.base else last_commit_dates(self.layout.srcdir)

    def last_changed(self, post: Post) -> str | None:
        """When a post last changed, in ISO form: its `updated`, else its `date`, else its file's
        last commit (the sitemap's lastmod, the feeds' entry dates)."""
        if post.last_modified is not None:
            return iso_date(post.last_modified)
        return self.commit_dates.get(post.path.resolve())

    def public_file(self, site_path: str) -> Path:
        """The file in the public folder served at a site-root path such as `/blog/x.png`."""
        return self.layout.srcdir / self.layout.public_dir / site_path.lstrip("/")

    def public_file_exists(self, site_path: str) -> bool:
        return self.public_file(site_path).is_file()

    @cached_property
    def tag_index(self) -> TagIndex:
        """Tags of the visible posts (tags.py): tag pages, tag links, related posts."""
        return collect_tags(self.visible_posts)

    @cached_property
    def category_slugs(self) -> dict[str, str]:
        """Visible post's slug -> its category's slug (pages/related.py compares many posts' categories)."""
        return {p.slug: slug for slug, posts in self._by_category.items() for p in posts}

    @cached_property
    def nav_digest(self) -> str:
        """Changes whenever the category tree every sidebar shows (names, order, counts) changes."""
        data = [(c.slug, c.name, c.parent, c.order, self.count(c.slug)) for c in self.listed_categories]
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()
