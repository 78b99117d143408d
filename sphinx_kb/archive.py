"""The archive: every visible post, newest first, under year and month headings, split into
pages of `kb_posts_per_page` (`archive`, `archive/page/<n>`). Undated posts come last, under
"Undated". A page that starts inside a month repeats its year and month headings."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.catalog import Catalog
    from sphinx_kb.post import Post

ARCHIVE_DOC = "archive"
UNDATED = "Undated"


def archive_docname(page: int = 1) -> str:
    return ARCHIVE_DOC if page == 1 else f"{ARCHIVE_DOC}/page/{page}"


def pages_of(catalog: Catalog) -> int:
    return catalog.layout.page_count(len(catalog.visible_posts))


def posts_on_page(catalog: Catalog, page: int) -> list[Post]:
    return catalog.layout.on_page(catalog.visible_posts, page)


def archive_page_for_docname(catalog: Catalog, docname: str) -> int:
    """The number of the archive page a docname is, or 0."""
    if docname == ARCHIVE_DOC:
        return 1
    prefix = ARCHIVE_DOC + "/page/"
    number = docname[len(prefix) :] if docname.startswith(prefix) else ""
    return int(number) if number.isdigit() and 2 <= int(number) <= pages_of(catalog) else 0


def archive_docnames(catalog: Catalog) -> list[str]:
    return [archive_docname(n) for n in range(1, pages_of(catalog) + 1)]


def groups(posts: list[Post]) -> list[tuple[str, list[tuple[str, list[Post]]]]]:
    """[(year, [(month heading, posts)])] in the posts' order; undated posts: ("Undated", [("", posts)])."""
    result: list[tuple[str, list[tuple[str, list[Post]]]]] = []
    for post in posts:
        year = str(post.date.year) if post.date else UNDATED
        month = f"{post.date:%B} {post.date.year}" if post.date else ""
        if not result or result[-1][0] != year:
            result.append((year, []))
        months = result[-1][1]
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(post)
    return result


def heading(text: str, level: int) -> nodes.rubric:
    # A rubric with a heading level is written as <hN>: headings without making sections
    # (a directive cannot return sections), and they stay out of the page's table of contents.
    return nodes.rubric(text, text, classes=["kb-archive-heading"], **{"heading-level": level})


class ArchiveList(SphinxDirective):
    """`kb-archive`: one page of the archive (`:page: n`), with the pager."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {"page": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        from sphinx_kb.domain import get_catalog
        from sphinx_kb.listing import doc_link, human_date, pager, remember

        catalog = get_catalog(self.env)
        page = self.options.get("page", 1)
        remember(self.env, f"archive:{page}")
        posts = posts_on_page(catalog, page)
        result: list[nodes.Node] = []
        archive = nodes.container(classes=["kb-archive"])
        for year, months in groups(posts):
            archive += heading(year, 2)
            for month, members in months:
                if month:
                    archive += heading(month, 3)
                entries = nodes.bullet_list(classes=["kb-archive-list"])
                for post in members:
                    item = nodes.list_item(classes=["kb-archive-entry"])
                    line = nodes.paragraph()
                    if post.date:
                        text = human_date(post.date)
                        line += nodes.inline(text, text, classes=["kb-date"])
                        line += nodes.Text(" ")
                    line += doc_link(self.env.docname, catalog.layout.post_docname(post.slug), post.title)
                    if post.is_draft:
                        line += nodes.Text(" ")
                        line += nodes.inline("Draft", "Draft", classes=["kb-badge", "kb-badge-draft"])
                    category = catalog.category_of(post)
                    line += nodes.Text(" · ")
                    line += doc_link(
                        self.env.docname,
                        catalog.layout.category_docname(category.slug),
                        category.name,
                        ["kb-category"],
                    )
                    item += line
                    entries += item
                archive += entries
        if not posts:
            archive += nodes.paragraph("No articles yet.", "No articles yet.")
        result.append(archive)
        pages = pages_of(catalog)
        if pages > 1:
            result.append(pager(self.env.docname, [archive_docname(n) for n in range(1, pages + 1)], page))
        return result


def setup(app: Sphinx) -> None:
    app.add_directive("kb-archive", ArchiveList)
