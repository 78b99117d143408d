"""One import, start to end: read the old site, map every post, convert, check, write."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sphinx_kb.cli.importers.body import HEADING, BodyConverter, outside_fences
from sphinx_kb.cli.importers.fields import iso, map_fields
from sphinx_kb.cli.importers.links import LinkIndex, url_key
from sphinx_kb.cli.importers.model import Draft, FileReport, ImportResult, Site
from sphinx_kb.cli.importers.sites import file_date, find_posts, mkdocs_authors, old_slug, old_url, open_site
from sphinx_kb.cli.importers.writing import check, write
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.categories import load_categories
from sphinx_kb.content.post import first_paragraph
from sphinx_kb.content.slugs import slugify


@dataclass
class Options:
    source: Path
    layout: Layout
    tool: str = "auto"
    dry_run: bool = False
    category_default: str | None = None


def import_site(options: Options) -> ImportResult:
    """Raises UsageError when the old site cannot be read at all."""
    site = open_site(options.source, options.tool)
    sources, ignored = find_posts(site)
    authors = mkdocs_authors(site)
    drafts: list[Draft] = []
    reports: list[FileReport] = []
    for source in sources:
        if source.error is not None:
            reports.append(FileReport(source.name, skipped=source.error))
            continue
        draft = map_fields(site, source, authors)
        complete(site, draft, options)
        drafts.append(draft)
        reports.append(draft.report)

    assign_slugs(site, drafts)
    categories = known_categories(options.layout)
    index = LinkIndex(site)
    for draft in drafts:
        index.add(draft)
    todo = []
    for draft in drafts:
        target = options.layout.posts_path / f"{draft.slug}.md"
        draft.report.target = f"{options.layout.posts_dir}/{draft.slug}.md"
        if target.exists():
            draft.report.skipped = f"{draft.report.target} already exists: not overwritten"
            continue
        convert(site, options.layout, index, draft, categories)
        todo.append(draft)

    check(todo, options.layout)
    written = [] if options.dry_run else write(todo, options.layout)
    return ImportResult(site, reports, ignored, written, options.dry_run)


def complete(site: Site, draft: Draft, options: Options) -> None:
    """What the file's name and place say, defaults, and the post's old addresses."""
    source, report = draft.source, draft.report
    if draft.date is None and (when := file_date(source)):
        draft.date = when
        report.mapped.append(f"the file name's date → date {iso(when)}")
    if site.tool == "jekyll":
        folder_categories(draft, site)
    folders = list(Path(source.content_path).parts[:-1])
    if site.tool == "pelican" and draft.category is None and folders:
        # Pelican's USE_FOLDER_AS_CATEGORY: `content/security/x.md` is in `security`.
        draft.category = folders[-1]
        report.mapped.append(f"the folder {'/'.join(folders)}/ → category {draft.category}")
    if source.in_drafts:
        draft.status = "draft"
        report.mapped.append("in _drafts/ → status: draft")
    if draft.title is None:
        take_title(draft)
    if draft.category is None and options.category_default:
        draft.category = options.category_default
        report.mapped.append(f"--category-default → category {draft.category}")
    elif draft.category is None:
        report.problems.append(f"{source.name}: no category; give one with --category-default NAME")
    draft.address = old_url(site, draft)
    # Drafts were not published, except by Pelican (at drafts/<slug>.html).
    published = draft.status == "published" or site.tool == "pelican"
    draft.old_urls = old_urls(draft, published)
    if published:
        report.mapped.append(f"its old address {draft.address} → redirect_from")


def folder_categories(draft: Draft, site: Site) -> None:
    """`news/_posts/x.md`: Jekyll gives the post the categories `news` before its own."""
    parts = draft.source.path.relative_to(site.root).parts
    folders = list(parts[: parts.index("_posts")]) if "_posts" in parts else []
    if not folders:
        return
    draft.categories = folders + [c for c in draft.categories if c not in folders]
    if draft.category is None:
        draft.category, extra = folders[0], folders[1:]
    else:
        extra = folders
    draft.tags = list(dict.fromkeys([*extra, *draft.tags]))
    given = [f"category {folders[0]}"] if len(extra) < len(folders) else []
    given += [f"tags {', '.join(extra)}"] if extra else []
    draft.report.mapped.append(f"the folder {'/'.join(folders)}/ → {'; '.join(given)}")


def take_title(draft: Draft) -> None:
    """The first `# ` heading is the title (MkDocs posts have no other); else the file name."""
    lines = draft.source.body.splitlines()
    markdown = outside_fences(list(enumerate(lines)))
    for position, (text, md) in enumerate(zip(lines, markdown, strict=True)):
        if md and (match := HEADING.match(text)):
            draft.title = match[1].strip()
            # An empty line in its place keeps the line numbers of the report right.
            lines[position] = ""
            draft.source.body = "\n".join(lines) + "\n"
            line = draft.source.body_line + position
            draft.report.mapped.append(f"the first heading (line {line}) → title")
            return
    stem = file_slug_words(draft.source.path)
    draft.title = stem
    draft.report.notes.append(f"{draft.source.name}: no title: made one from the file name, `{stem}`")


def file_slug_words(path: Path) -> str:
    name = path.parent.name if path.stem == "index" else path.stem
    words = name.split("-", 3)[-1] if name[:4].isdigit() else name
    return words.replace("-", " ").replace("_", " ").capitalize()


def old_urls(draft: Draft, published: bool) -> list[str]:
    """The post's old address, then the older ones the front matter lists (aliases, redirect_from)."""
    found = [draft.address] if published else []
    for url in draft.old_urls:
        if "://" in url:
            url = urlsplit(url).path
        elif not url.startswith("/"):
            # Hugo and Jekyll read an alias without a leading slash beside the page's own URL.
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(draft.address.rstrip("/")), url))
            url = joined + ("/" if url.endswith("/") else "")
        found.append(url if url.startswith("/") else "/" + url)
    return list(dict.fromkeys(found))


def assign_slugs(site: Site, drafts: list[Draft]) -> None:
    """Our slug from the old one; when two posts would get the same slug, the one whose file
    comes first by path keeps it and the next ones get `-2`, `-3`, ..."""
    taken: dict[str, Draft] = {}
    for draft in sorted(drafts, key=lambda d: d.source.name):
        wanted = old_slug(site, draft)
        base = slugify(wanted) or "post"
        if base != wanted:
            draft.report.notes.append(f"{draft.source.name}: slug `{wanted}` → `{base}`")
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        if slug != base:
            draft.report.notes.append(
                f"{draft.source.name}: slug `{base}` is {taken[base].source.name}'s: this post gets `{slug}`"
            )
        draft.slug = slug
        taken[slug] = draft


def convert(site: Site, layout: Layout, index: LinkIndex, draft: Draft, categories: dict[str, str]) -> None:
    """The body in MyST, images copied, the excerpt, and the category as categories.yml names it."""
    converter = BodyConverter(site, layout, index, draft)
    if draft.og_image:
        draft.og_image = converter.image(draft.og_image_line, draft.og_image, front_matter=True)
    draft.body = converter.convert()
    if draft.excerpt is None and draft.description:
        # No summary and no `<!-- more -->`: the description is what the old site showed too.
        draft.excerpt, draft.description = draft.description, None
        draft.report.mapped.append("the description is also the excerpt")
    if draft.excerpt is None:
        draft.excerpt = first_paragraph(draft.body) or None
        if draft.excerpt:
            draft.report.mapped.append("the first paragraph → excerpt (the text the build would use)")
    for image in draft.images:
        if image.source.is_file():
            old = (
                image.source.relative_to(site.root)
                if image.source.is_relative_to(site.root)
                else image.source
            )
            draft.report.images.append(f"{old.as_posix()} → {layout.public_dir}/{image.public_path}")
    # A redirect from the new address to itself would loop.
    own = url_key(f"/{layout.posts_dir}/{draft.slug}")
    draft.old_urls = [url for url in draft.old_urls if url_key(url) != own]
    if draft.category:
        name = categories.get(draft.category.casefold()) or categories.get(slugify(draft.category))
        if name and name != draft.category:
            draft.report.mapped.append(f"category {draft.category} is `{name}` in categories.yml")
            draft.category = name


def known_categories(layout: Layout) -> dict[str, str]:
    """Declared category names by their folded name and by their slug."""
    found = {}
    for category in load_categories(layout.srcdir / layout.categories_file)[0]:
        found[category.name.casefold()] = category.name
        found.setdefault(category.slug, category.name)
    return found
