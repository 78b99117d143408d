"""Shape a post's page: the front-matter title as the one H1, the post header, the draft banner."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from docutils import nodes

from sphinx_kb.content.tags import tag_links
from sphinx_kb.content.wording import language_name, wording
from sphinx_kb.pages.listing import reading_time_text
from sphinx_kb.pages.related import related_posts
from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.post import Post


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
    if post.language:
        # Translations are in no toctree (yet): no "not included in any toctree" warning.
        app.env.metadata[app.env.docname]["orphan"] = True
    if post.is_draft:
        words = wording(post.language or app.config.language)
        banner = nodes.admonition(classes=["caution", "kb-draft-banner"])
        draft = words.text("Draft")
        banner += nodes.title(draft, draft)
        text = words.text("This article is a draft: it is shown only in preview builds and is not published.")
        banner += nodes.paragraph(text, text)
        header.append(banner)
    main[1:1] = header
    # Filled when the page is written (related.py): the list depends on other posts. Not on a
    # translation: the related posts are in the site's language.
    if not post.language:
        main += related_posts(slug=post.slug)


def fill_post_header(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the category link, dates and author from the current catalog."""
    for placeholder in list(doctree.findall(post_header)):
        catalog = get_catalog(app.env)
        post = catalog.post_in(placeholder["slug"], placeholder.get("language", ""))
        if post is None:
            placeholder.parent.remove(placeholder)
            continue
        words = wording(post.language or app.config.language)
        line = nodes.paragraph(classes=["kb-post-meta"])
        category = catalog.category_of(post)
        category_name = category.name_in(post.language)
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
        # A translation's tags have no tag pages in its language yet: shown, not linked.
        links = tag_links(post) if not post.language else [(tag, "") for tag in post.tags]
        if links:
            tags = nodes.paragraph()
            label = words.text("Tags:") if len(links) > 1 else words.text("Tag:")
            tags += nodes.inline("", label, classes=["kb-tags-label"])
            for text, target in links:
                tags += nodes.Text(" ")
                if not target:
                    tags += nodes.inline(text, text, classes=["kb-tag"])
                    continue
                uri = app.builder.get_relative_uri(docname, target)
                tags += nodes.reference(text, text, refuri=uri, classes=["kb-tag"], internal=True)
            shown.append(nodes.container("", tags, classes=["kb-post-tags"]))
        switcher = language_switcher(app, catalog, post, docname)
        if switcher is not None:
            shown.append(switcher)
        placeholder.replace_self(shown)


def language_switcher(app: Sphinx, catalog: Catalog, post: Post, docname: str) -> nodes.Node | None:
    """The same article in the site's other languages: each link says its language in that
    language ("Deutsch"), marked with `lang` and `hreflang` for screen readers and browsers."""
    versions = catalog.versions(post.slug)
    if not versions:
        return None
    here = post.language or catalog.layout.language
    words = wording(here)
    links = []
    for language, version in versions.items():
        if language == here:
            continue
        uri = app.builder.get_relative_uri(docname, catalog.layout.docname_of(version))
        name = html.escape(language_name(language))
        code = html.escape(language)
        links.append(
            f'<a class="kb-language" href="{html.escape(uri)}" hreflang="{code}" lang="{code}">{name}</a>'
        )
    label = html.escape(words.text("Also in:"))
    markup = (
        f'<nav class="kb-languages" aria-label="{html.escape(words.text("Languages"))}">'
        f'<p><span class="kb-languages-label">{label}</span> {" · ".join(links)}</p></nav>'
    )
    return nodes.raw("", markup, format="html")
