"""One import, start to end: read the old site, map every post, convert, check, write."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from sphinx_kb.cli.importers.body import HEADING, BodyConverter, outside_fences
from sphinx_kb.cli.importers.fields import iso, map_fields
from sphinx_kb.cli.importers.links import LinkIndex, url_key
from sphinx_kb.cli.importers.model import Draft, FileReport, ImportResult, NewCategory, Site
from sphinx_kb.cli.importers.sites import (
    file_date,
    find_posts,
    mkdocs_authors,
    nested_sections,
    old_slug,
    old_url,
    open_site,
)
from sphinx_kb.cli.importers.writing import (
    append_categories,
    category_addition,
    category_entries,
    check,
    write,
)
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.categories import load_categories
from sphinx_kb.content.frontmatter import FrontMatterError, split
from sphinx_kb.content.post import first_paragraph
from sphinx_kb.content.slugs import slugify


@dataclass
class Options:
    source: Path
    layout: Layout
    tool: str = "auto"
    dry_run: bool = False
    category_default: str | None = None
    # Append the categories the posts use that categories.yml lacks to it.
    add_categories: bool = False


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
    # The posts whose categories must be declared: those imported now, and those an earlier
    # import wrote that still name the category (so that a second run with --add-categories,
    # which skips them, adds what the first one lacked).
    users = []
    for draft in drafts:
        target = options.layout.posts_path / f"{draft.slug}.md"
        draft.report.target = f"{options.layout.posts_dir}/{draft.slug}.md"
        if target.exists():
            draft.report.skipped = f"{draft.report.target} already exists: not overwritten"
            if names_category(target, draft.category):
                users.append(draft)
            continue
        convert(site, options.layout, index, draft, categories)
        todo.append(draft)
        users.append(draft)

    result = ImportResult(site, reports, ignored, [], options.dry_run)
    addition = plan_categories(result, options, categories_to_add(users, categories))
    check(todo, options.layout, addition)
    if not options.dry_run:
        result.written = write(todo, options.layout)
        if addition:
            result.written.append(append_categories(categories_path(options.layout), addition))
    return result


def categories_path(layout: Layout) -> Path:
    return layout.srcdir / layout.categories_file


def plan_categories(result: ImportResult, options: Options, new: list[NewCategory]) -> bytes:
    """Record in the result what categories.yml lacks; with --add-categories, the bytes to append
    to it (raises UsageError, before anything is written, when they cannot go at its end)."""
    path = categories_path(options.layout)
    result.categories_file = options.layout.categories_file
    result.categories_file_exists = path.is_file()
    result.new_categories = new
    result.add_categories = options.add_categories
    if not new:
        return b""
    if not options.add_categories:
        result.categories_text = category_entries(new)
        return b""
    addition = category_addition(path, new)
    result.categories_text = addition.decode("utf-8").replace("\r\n", "\n").lstrip("\n")
    return addition


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
    if site.tool == "hugo":
        section_categories(draft)
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


def section_categories(draft: Draft) -> None:
    """Hugo's nested sections (`content/posts/cloud/azure/x.md`) are a tree of categories: a post
    without a category of its own is in its innermost section; a post whose category is one of
    its sections is in that one, by its title. The sections above are the category's parents."""
    sections = nested_sections(draft.source)
    if not sections:
        return
    names = [name for _, name in sections]
    if draft.category is None:
        position, given = len(sections) - 1, "the section"
    else:
        position = section_position(draft.category, sections)
        if position is None:
            return
        given = f"category {draft.category} is the section"
    draft.category = names[position]
    draft.category_parents = names[:position]
    under = f" under {names[position - 1]}" if position else ""
    draft.report.mapped.append(f"{given} {sections[position][0]}/ → category {draft.category}{under}")


def section_position(category: str, sections: list[tuple[str, str]]) -> int | None:
    """Which of the sections the category is, by its title or its folder's name."""
    wanted = slugify(category)
    for position, (folder, name) in enumerate(sections):
        if wanted in (slugify(name), slugify(PurePosixPath(folder).name)):
            return position
    return None


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
        name = declared(categories, draft.category)
        if name and name != draft.category:
            draft.report.mapped.append(f"category {draft.category} is `{name}` in categories.yml")
            draft.category = name


def known_categories(layout: Layout) -> dict[str, str]:
    """Declared category names by their folded name and by their slug."""
    found = {}
    for category in load_categories(categories_path(layout))[0]:
        found[category.name.casefold()] = category.name
        found.setdefault(category.slug, category.name)
    return found


def declared(categories: dict[str, str], name: str) -> str | None:
    """The declared name of the category `name` is filed under, matched as the build's
    Catalog.category_key matches it: by name in any case, or by slug."""
    return categories.get(name.casefold()) or categories.get(slugify(name))


def categories_to_add(drafts: list[Draft], known: dict[str, str]) -> list[NewCategory]:
    """The categories the drafts use that `known` lacks, in the drafts' order, each after the
    parents it lacks too. A category two posts nest differently keeps the first one's parent."""
    names = dict(known)
    added: list[NewCategory] = []
    for draft in drafts:
        if not draft.category or not slugify(draft.category) or declared(names, draft.category):
            continue
        # From the category outwards to the first parent that is declared (or the top).
        missing, parent = [draft.category], None
        for name in reversed(draft.category_parents):
            if (parent := declared(names, name)) is not None:
                break
            missing.append(name)
        for name in reversed(missing):
            found = declared(names, name)  # already added: a section named like one above it
            if found is None and slugify(name):
                added.append(NewCategory(name, parent))
                names.setdefault(name.casefold(), name)
                names.setdefault(slugify(name), name)
                found = name
            parent = found or parent
    return added


def names_category(path: Path, category: str | None) -> bool:
    """Whether the post file at `path` names `category` (the same by name or slug)."""
    if not category:
        return False
    try:
        value = split(path.read_text(encoding="utf-8")).values.get("category")
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return False
    keys = {category.casefold(), slugify(category)}
    return isinstance(value, str) and bool({value.casefold(), slugify(value)} & keys)
