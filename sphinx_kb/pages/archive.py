"""The archive pages: the `kb-archive` directive draws one page of the archive's index
(content/archive.py) under year and month headings, with the pager. A page that starts inside a
month repeats its year and month headings."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from sphinx_kb.content.archive import UNDATED, groups
from sphinx_kb.content.browse import archive_pages_of, archive_posts_on_page
from sphinx_kb.pages.listing import doc_link, empty_text, page_catalog, pager, remember, status_badge

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def heading(text: str, level: int) -> nodes.rubric:
    # A rubric with a heading level is written as <hN>: headings without making sections
    # (a directive cannot return sections), and they stay out of the page's table of contents.
    return nodes.rubric(text, text, classes=["kb-archive-heading"], **{"heading-level": level})


class ArchiveList(SphinxDirective):
    """`kb-archive`: one page of the archive (`:page: n`), with the pager."""

    has_content = False
    option_spec: ClassVar[dict[str, object]] = {"page": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        catalog, words = page_catalog(self.env)
        page = self.options.get("page", 1)
        remember(self.env, f"archive:{page}")
        posts = archive_posts_on_page(catalog, page)
        result: list[nodes.Node] = []
        archive = nodes.container(classes=["kb-archive"])
        for year, months in groups(posts, words.month):
            archive += heading(words.text("Undated") if year == UNDATED else year, 2)
            for month, members in months:
                if month:
                    archive += heading(month, 3)
                entries = nodes.bullet_list(classes=["kb-archive-list"])
                for post in members:
                    item = nodes.list_item(classes=["kb-archive-entry"])
                    line = nodes.paragraph()
                    if post.date:
                        text = words.date(post.date)
                        line += nodes.inline(text, text, classes=["kb-date"])
                        line += nodes.Text(" ")
                    line += doc_link(self.env.docname, catalog.layout.post_docname(post.slug), post.title)
                    if post.is_draft:
                        line += nodes.Text(" ")
                        line += status_badge(post, words)
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
            archive += empty_text(words)
        result.append(archive)
        pages = archive_pages_of(catalog)
        if pages > 1:
            docnames = [catalog.layout.archive_docname(n) for n in range(1, pages + 1)]
            result.append(pager(self.env.docname, docnames, page, words))
        return result


def setup(app: Sphinx) -> None:
    app.add_directive("kb-archive", ArchiveList)
