"""Shape a post's page: the front-matter title as the one H1, the post header, the draft banner."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes

from sphinx_kb.content.tags import tag_links
from sphinx_kb.content.wording import wording
from sphinx_kb.pages.listing import reading_time_text
from sphinx_kb.pages.related import related_posts
from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class post_header(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for the category / date / author line, filled in when the page is written,
    so a renamed category shows on every post without re-reading them."""


def normalize_title(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def shape_post(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read (before Sphinx's collectors): one H1 from front matter, then header and body.

    MyST renders the front-matter title as the H1 (`myst_title_to_header`); we set its text
    again from the validated title so that no markup in it is interpreted.
    """
    catalog = get_catalog(app.env)
    post = catalog.post_for_docname(app.env.docname)
    if post is None:
        return
    body = [n for n in doctree.children if not isinstance(n, nodes.docinfo | nodes.Invisible)]
    if body and isinstance(body[0], nodes.section):
        main = body.pop(0)
    else:
        main = nodes.section()
        main["names"].append(nodes.fully_normalize_name(post.title))
        doctree.note_implicit_target(main, main)
        doctree.insert(doctree.index(body[0]) if body else len(doctree), main)
        main += nodes.title()
    main["classes"].append("kb-post")
    main[0].children = []
    main[0] += nodes.Text(post.title)
    # Anything after a second `# ` heading belongs under the one H1 too.
    for node in body:
        doctree.remove(node)
        main += node

    first = main[1] if len(main) > 1 else None
    if isinstance(first, nodes.section) and normalize_title(first[0].astext()) == normalize_title(post.title):
        # The body repeats the title as its first heading: keep its anchor, drop the heading.
        for node_id in first["ids"]:
            main["ids"].append(node_id)
            doctree.ids[node_id] = main
        main.replace(first, first.children[1:])

    header: list[nodes.Node] = [post_header(slug=post.slug, language=post.language)]
    if post.is_draft:
        words = wording(post.language or app.config.language)
        if post.scheduled is not None:
            # glue/visibility.py re-reads the page when it goes live, to drop the banner.
            banner = nodes.admonition(classes=["caution", "kb-draft-banner", "kb-scheduled-banner"])
            title = words.text("Scheduled")
            text = words.text(
                "This article is scheduled for {moment}: until then it is shown only in preview builds.",
                moment=words.moment(post.scheduled),
            )
        else:
            banner = nodes.admonition(classes=["caution", "kb-draft-banner"])
            title = words.text("Draft")
            text = words.text(
                "This article is a draft: it is shown only in preview builds and is not published."
            )
        banner += nodes.title(title, title)
        banner += nodes.paragraph(text, text)
        header.append(banner)
    main[1:1] = header
    # Filled when the page is written (related.py): the list depends on other posts (in the
    # article's language).
    main += related_posts(slug=post.slug, language=post.language)


def fill_post_header(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the category link, dates and author from the current catalog."""
    for placeholder in list(doctree.findall(post_header)):
        catalog = get_catalog(app.env).in_language(placeholder.get("language", ""))
        post = catalog.posts.get(placeholder["slug"])
        if post is None:
            placeholder.parent.remove(placeholder)
            continue
        words = wording(catalog.layout.page_language)
        line = nodes.paragraph(classes=["kb-post-meta"])
        category = catalog.category_of(post)
        category_name = category.name
        link = nodes.reference(
            category_name,
            category_name,
            refuri=app.builder.get_relative_uri(docname, catalog.layout.category_docname(category.slug)),
            classes=["kb-category"],
            internal=True,
        )
        parts: list[nodes.Node] = [link]
        if post.date:
            parts.append(nodes.inline("", words.date(post.date), classes=["kb-date"]))
        if post.updated and post.updated != post.date:
            text = words.text("Updated {date}", date=words.date(post.updated))
            parts.append(nodes.inline("", text, classes=["kb-updated"]))
        author = catalog.authors.resolve(post.author)
        if author is not None:
            # The display name from authors.yml, linked to the author's page when it has one.
            name: nodes.Node = nodes.Text(author.name)
            if author.url:
                name = nodes.reference(author.name, author.name, refuri=author.url)
            before, _, after = words.text("By {author}").partition("{author}")
            byline = nodes.inline("", before, name, classes=["kb-author"])
            if after:
                byline += nodes.Text(after)
            parts.append(byline)
        # Reading time (as on the post's cards) and word count: from the catalog, like the rest.
        minutes = reading_time_text(post.reading_minutes(app.config.kb_words_per_minute), words)
        parts.append(nodes.inline("", minutes, classes=["kb-reading-time"]))
        count = words.count("{number} word", "{number} words", post.words, number=words.number(post.words))
        parts.append(nodes.inline("", count, classes=["kb-word-count"]))
        for index, part in enumerate(parts):
            if index:
                line += nodes.inline("", " · ", classes=["kb-sep"])
            line += part
        # Tags under the line, each linked to its tag page (a div: the line stays the paragraph
        # right above the draft banner).
        shown: list[nodes.Node] = [line]
        links = tag_links(post)
        if links:
            tags = nodes.paragraph()
            label = words.text("Tags:") if len(links) > 1 else words.text("Tag:")
            tags += nodes.inline("", label, classes=["kb-tags-label"])
            for text, slug in links:
                tags += nodes.Text(" ")
                uri = app.builder.get_relative_uri(docname, catalog.layout.tag_docname(slug))
                tags += nodes.reference(text, text, refuri=uri, classes=["kb-tag"], internal=True)
            shown.append(nodes.container("", tags, classes=["kb-post-tags"]))
        placeholder.replace_self(shown)
