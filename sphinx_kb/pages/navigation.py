"""A sidebar whose size does not depend on the number of posts.

furo renders the whole toctree into every page and re-parses it with BeautifulSoup for each
page (`furo._compute_navigation_tree`), so a site of N posts costs O(N) per page and O(N²) in
all. We hide Sphinx's `toctree` callable from furo's handler (it then computes nothing) and
give furo our own tree instead, in furo's markup so its look and collapsing behaviour stay:
every category (with post counts), and for the current category a window of neighbouring
posts plus a link to the full category page.
"""

from __future__ import annotations

import hashlib
import html
from typing import TYPE_CHECKING, Any

from sphinx_kb.content.browse import archive_page_for_docname, tag_page_for_docname
from sphinx_kb.content.wording import wording
from sphinx_kb.pages import notfound, related
from sphinx_kb.site.domain import get_catalog, get_domain

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.categories import Category
    from sphinx_kb.content.post import Post

HIDDEN_TOCTREE = "_kb_toctree"
EXPAND_ICON = '<span class="icon"><svg><use href="#svg-arrow-right"></use></svg></span>'


def uses_furo(app: Sphinx) -> bool:
    return (
        app.builder.format == "html"
        and getattr(app.builder, "theme", None) is not None
        and (app.builder.theme.name == "furo")
    )


def current_category(catalog: Catalog, docname: str) -> tuple[Category | None, Post | None]:
    post = catalog.post_for_docname(docname)
    if post is not None:
        return catalog.category_of(post), post
    return catalog.category_for_docname(docname), None


def post_window(catalog: Catalog, category: Category, post: Post | None, size: int) -> list[Post]:
    """At most `size` posts of the category: those around `post`, or the newest ones."""
    posts = catalog.posts_in(category.slug)
    if post is None or len(posts) <= size:
        return posts[:size]
    index = catalog.position(post)
    start = max(0, min(index - size // 2, len(posts) - size))
    return posts[start : start + size]


class _Tree:
    """Writes furo's sidebar markup for one page."""

    def __init__(self, app: Sphinx, catalog: Catalog, pagename: str) -> None:
        self.app = app
        self.catalog = catalog
        self.pagename = pagename
        self.size: int = app.config.kb_sidebar_posts
        self.current, self.post = current_category(catalog, pagename)
        self.trail = {c.slug for c in catalog.ancestors(self.current)} if self.current else set()
        self.checkboxes = 0
        self.words = wording(catalog.layout.page_language)
        # The 404 page is served at any URL: its links start from the site root.
        self.absolute = notfound.is_404(app, pagename)

    def href(self, docname: str) -> str:
        if docname == self.pagename:
            return "#"
        if self.absolute:
            return html.escape(notfound.absolute_uri(self.app, docname))
        return html.escape(self.app.builder.get_relative_uri(self.pagename, docname))

    def item(
        self, level: int, docname: str, label: str, children: list[str], extra: str = "", trail: bool = False
    ) -> str:
        here = docname == self.pagename
        classes = [f"toctree-l{level}"]
        if here or trail:
            classes.append("current")
        if here:
            classes.append("current-page")
        if children:
            classes.append("has-children")
        link_class = "current reference internal" if here else "reference internal"
        parts = [
            f'<li class="{" ".join(classes)}">'
            f'<a class="{link_class}" href="{self.href(docname)}">{html.escape(label)}{extra}</a>'
        ]
        if children:
            self.checkboxes += 1
            box = f"toctree-checkbox-{self.checkboxes}"
            checked = ' checked=""' if trail else ""
            current = ' class="current"' if trail else ""
            toggle = self.words.text("Toggle navigation of {title}", title=label)
            parts.append(
                f'<input aria-label="{html.escape(toggle)}" class="toctree-checkbox" '
                f'id="{box}" name="{box}" role="switch" type="checkbox"{checked}/>'
                f'<label for="{box}">{EXPAND_ICON}</label>'
                f"<ul{current}>{''.join(children)}</ul>"
            )
        parts.append("</li>")
        return "".join(parts)

    def category(self, category: Category, level: int) -> str:
        layout = self.catalog.layout
        children = [self.category(child, level + 1) for child in self.catalog.children(category.slug)]
        if self.current is not None and category.slug == self.current.slug:
            for post in post_window(self.catalog, category, self.post, self.size):
                children.append(self.item(level + 1, layout.post_docname(post.slug), post.title, []))
            total = self.catalog.count(category.slug)
            if len(self.catalog.posts_in(category.slug)) > self.size:
                link = self.href(layout.category_docname(category.slug))
                more = self.words.text(
                    "All {count} articles in {category} →", count=total, category=category.name
                )
                children.append(
                    f'<li class="toctree-l{level + 1} kb-nav-more">'
                    f'<a class="reference internal" href="{link}">'
                    f"{html.escape(more)}</a></li>"
                )
        count = f' <span class="kb-count">{self.catalog.count(category.slug)}</span>'
        docname = layout.category_docname(category.slug)
        return self.item(level, docname, category.name, children, count, category.slug in self.trail)

    def render(self) -> str:
        items = [self.category(category, 1) for category in self.catalog.children(None)]
        items += [self.item(1, docname, title, []) for docname, title in other_pages(self.app, self.catalog)]
        return f'<ul class="current">{"".join(items)}</ul>' if self.trail else f"<ul>{''.join(items)}</ul>"


def other_pages(app: Sphinx, catalog: Catalog) -> list[tuple[str, str]]:
    """Hand-written pages the home page's toctree lists (an About page, ...), with their titles."""
    env = app.env
    layout = catalog.layout
    prefix = layout.category_docname("")
    return [
        (docname, env.titles[docname].astext() if docname in env.titles else docname)
        for docname in env.toctree_includes.get(layout.home_docname(app.config.root_doc), [])
        if not docname.startswith(prefix)
    ]


def hide_toctree(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context, before furo (500): furo builds nothing from a missing `toctree`."""
    if uses_furo(app) and "toctree" in context:
        context[HIDDEN_TOCTREE] = context.pop("toctree")


def add_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context, after furo: our bounded tree, and `toctree` back for other templates."""
    if HIDDEN_TOCTREE not in context:
        return
    context["toctree"] = context.pop(HIDDEN_TOCTREE)
    tree = _Tree(app, get_catalog(app.env).for_page(pagename), pagename)
    context["furo_navigation_tree"] = tree.render()
    context["kb_browse_links"] = browse_links(tree)


def browse_links(tree: _Tree) -> list[dict[str, Any]]:
    """The tag index and the archive, under the sidebar's tree (templates/sidebar/navigation.html):
    outside furo's `.sidebar-tree`, so that tree stays the taxonomy."""
    catalog = tree.catalog
    layout = catalog.layout
    here_tag = (
        tag_page_for_docname(catalog, tree.pagename)[0] is not None or tree.pagename == layout.tags_docname
    )
    here_archive = archive_page_for_docname(catalog, tree.pagename) > 0
    return [
        {"href": tree.href(layout.tags_docname), "title": tree.words.text("Tags"), "current": here_tag},
        {
            "href": tree.href(layout.archive_docname()),
            "title": tree.words.text("Archive"),
            "current": here_archive,
        },
    ]


def page_fingerprints(app: Sphinx, env: BuildEnvironment) -> dict[str, str]:
    """What each page's navigation shows, hashed: the category tree with its counts, the page's
    window of posts, the titles of its previous and next pages, and a post's related articles."""
    site = get_catalog(env)
    size: int = app.config.kb_sidebar_posts
    relations = {**env.collect_relations(), **language_relations(app)}
    root_doc = app.config.root_doc

    def title(docname: str | None) -> str:
        return env.titles[docname].astext() if docname in env.titles else ""

    # Per language: the tree of its catalog (a view for pages under `<language>/`) and where
    # its language switcher leads, which depends on the languages that have pages.
    trees: dict[str, str] = {}
    languages = "|".join(site.view_languages)
    related_count: int = app.config.kb_related_posts
    result = {}
    for docname in env.found_docs:
        catalog = site.for_page(docname)
        tree = trees.get(catalog.layout.view)
        if tree is None:
            tree = trees[catalog.layout.view] = (
                f"{catalog.nav_digest}\n{other_pages(app, catalog)}\n{languages}"
            )
        category, post = current_category(catalog, docname)
        window = (
            ""
            if category is None
            else "|".join(f"{p.slug}:{p.title}" for p in post_window(catalog, category, post, size))
        )
        _parent, previous, following = relations.get(docname, (None, None, None))
        seen = f"{tree}\n{window}\n{title(previous)}\n{title(following)}"
        if post is not None:
            # The related articles at the end of the post (related.py) depend on other posts,
            # the author's name and link in its header on authors.yml.
            seen += "\n" + related.fingerprint(catalog, post, related_count)
            author = catalog.authors.resolve(post.author)
            if author is not None:
                seen += f"\n{author.name}|{author.url}|{author.title}|{author.image}|{author.kind}"
            # The language switcher and hreflang links name every version of the article.
            versions = catalog.versions(post.slug)
            if versions:
                seen += "\n" + "|".join(f"{lang}:{v.title}" for lang, v in versions.items())
        elif languages:
            # A home or category page's versions: the categories that have pages in each language.
            seen += "\n" + "|".join(site.page_versions(docname, root_doc))
        result[docname] = hashlib.sha256(seen.encode()).hexdigest()[:16]
    return result


def language_relations(app: Sphinx) -> dict[str, tuple[str | None, str | None, str | None]]:
    """(parent, previous, next) of the pages of each translated language, from its home page's
    toctree: Sphinx relates only the pages under the site's root, and a language's home is in
    no toctree (the site has one root). Computed once per build."""
    domain = get_domain(app.env)
    if domain.language_relations is None:
        catalog = get_catalog(app.env)
        found: dict[str, tuple[str | None, str | None, str | None]] = {}
        for language in catalog.view_languages:
            home = catalog.in_language(language).layout.home_docname(app.config.root_doc)
            order = toctree_order(app.env.toctree_includes, home)
            for index, (parent, docname) in enumerate(order):
                previous = order[index - 1][1] if index else None
                following = order[index + 1][1] if index + 1 < len(order) else None
                found[docname] = (parent, previous, following)
        domain.language_relations = found
    return domain.language_relations


def toctree_order(includes: dict[str, list[str]], root: str) -> list[tuple[str | None, str]]:
    """(parent, docname) of every page under `root`, depth first, as Sphinx orders its relations."""
    order: list[tuple[str | None, str]] = []
    seen = {root}
    stack: list[tuple[str | None, str]] = [(None, root)]
    while stack:
        parent, docname = stack.pop()
        order.append((parent, docname))
        children = [c for c in includes.get(docname, []) if c not in seen]
        seen.update(children)
        stack.extend((docname, child) for child in reversed(children))
    return order


def language_pager(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context: furo's "Previous" / "Next" links on a translated language's pages."""
    related = language_relations(app).get(pagename)
    if related is None:
        return
    titles = app.env.titles
    for key, docname in (("prev", related[1]), ("next", related[2])):
        if docname is not None and docname in titles:
            context[key] = {
                "link": app.builder.get_relative_uri(pagename, docname),
                "title": html.escape(titles[docname].astext()),
            }


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: the pages whose navigation changed.

    Sphinx itself only rewrites the pages it re-read and their toctree parents; the sidebar,
    prev/next and breadcrumbs of other pages can show what changed too."""
    domain = get_domain(env)
    fingerprints = page_fingerprints(app, env)
    old: dict[str, str] = domain.data["nav"]
    domain.data["nav"] = fingerprints
    return sorted(d for d, f in fingerprints.items() if old.get(d) != f)


def page_breadcrumbs(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """html-page-context: page 2, 3, ... of a category sit under the category in the breadcrumbs
    (they are outside the toctree, so Sphinx gives them no parents), as do a translated
    language's articles and category pages."""
    catalog = get_catalog(app.env).for_page(pagename)
    category, page = catalog.category_page_for_docname(pagename)
    post = catalog.post_for_docname(pagename) if catalog.layout.view else None
    if post is not None:
        # A translated language's pages hang from its home page, which is in no toctree (the
        # site has one root): Sphinx gives them no parents, so the taxonomy does.
        category, page = catalog.category_of(post), 0
    if category is None or (page == 1 and not catalog.layout.view):
        browse_breadcrumbs(app, catalog, pagename, context)
        return
    ancestors = catalog.ancestors(category)
    if page == 1:
        ancestors = ancestors[:-1]
    chain = [(catalog.layout.category_docname(c.slug), c.name) for c in ancestors]
    set_parents(app, pagename, context, chain)


def browse_breadcrumbs(app: Sphinx, catalog: Catalog, pagename: str, context: dict[str, Any]) -> None:
    """Home › Tags › a tag's page, and page 2, 3, ... of the archive or a tag under page 1."""
    tag, page = tag_page_for_docname(catalog, pagename)
    chain: list[tuple[str, str]] = []
    layout = catalog.layout
    text = wording(layout.page_language).text
    if tag is not None:
        chain = [(layout.tags_docname, text("Tags"))]
        if page > 1:
            chain.append((layout.tag_docname(tag.slug), text("Tag: {name}", name=tag.name)))
    elif archive_page_for_docname(catalog, pagename) > 1:
        chain = [(layout.archive_docname(), text("Archive"))]
    if chain:
        set_parents(app, pagename, context, chain)


def set_parents(app: Sphinx, pagename: str, context: dict[str, Any], chain: list[tuple[str, str]]) -> None:
    """The breadcrumbs above a page that Sphinx's toctree does not place: (docname, title) pairs."""
    context["parents"] = [
        {"link": app.builder.get_relative_uri(pagename, docname), "title": html.escape(text)}
        for docname, text in chain
    ]
