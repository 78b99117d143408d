"""Which tool wrote a site, where it keeps posts and images, and the URLs it served posts at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx_kb.cli.importers.fields import read_date, read_text
from sphinx_kb.cli.importers.model import TOOLS, Date, Draft, Site, SourcePost, UsageError
from sphinx_kb.cli.importers.reading import load_config, read_source
from sphinx_kb.content.slugs import slugify

MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")
JEKYLL_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml")
# Jekyll's permalink styles (https://jekyllrb.com/docs/permalinks/).
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


def detect(root: Path) -> str | None:
    """The tool whose settings file is in `root`, else a guess from the posts' front matter."""
    package = root / "package.json"
    markers = {
        "mkdocs": ["mkdocs.yml", "mkdocs.yaml"],
        "pelican": ["pelicanconf.py"],
        "astro": [f"astro.config.{ext}" for ext in ("mjs", "js", "ts", "cjs", "mts")],
        "nextjs": [f"next.config.{ext}" for ext in ("js", "mjs", "ts", "cjs")],
        "hugo": [*HUGO_CONFIGS, "config/_default", "archetypes"],
        "jekyll": ["_config.yml", "_config.yaml"],
    }
    for tool, names in markers.items():
        if any((root / name).exists() for name in names):
            return tool
    if package.is_file() and '"next"' in package.read_text(encoding="utf-8", errors="replace"):
        return "nextjs"
    return guess_from_posts(root)


def guess_from_posts(root: Path) -> str | None:
    """For a bare folder of posts: the tool whose conventions the files follow."""
    for path in sorted(p for p in walk(root) if p.suffix in (*MARKDOWN, ".mdx"))[:20]:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        if head.startswith("+++"):
            return "hugo"
        if re.match(r"Title:\s", head):
            return "pelican"
        if re.search(r"^(pubDate|heroImage):", head, re.M):
            return "astro"
        if re.search(r"^(coverImage|ogImage|publishedAt):", head, re.M):
            return "nextjs"
        if JEKYLL_NAME.match(path.stem):
            return "jekyll"
    return None


def open_site(root: Path, tool: str) -> Site:
    if not root.is_dir():
        raise UsageError(f"no folder at {root}")
    if tool == "auto":
        found = detect(root)
        if found is None:
            raise UsageError(f"cannot tell which tool wrote {root}; say it with --from {'|'.join(TOOLS)}")
        tool = found
    site = Site(tool=tool, root=root)
    setup = {
        "hugo": setup_hugo,
        "jekyll": setup_jekyll,
        "astro": setup_astro,
        "nextjs": setup_nextjs,
        "mkdocs": setup_mkdocs,
        "pelican": setup_pelican,
    }[tool]
    setup(site)
    return site


def set_address(site: Site, address: Any) -> None:
    if isinstance(address, str) and address.strip():
        parts = urlsplit(address.strip())
        site.host = parts.netloc
        site.url_prefix = parts.path.rstrip("/")


def setup_hugo(site: Site) -> None:
    for name in (*HUGO_CONFIGS, "config/_default/hugo.toml", "config/_default/config.toml"):
        if (site.root / name).is_file():
            site.config = {str(k).lower(): v for k, v in load_config(site.root / name).items()}
            break
    set_address(site, site.config.get("baseurl"))
    site.static_roots = [site.root / str(site.config.get("staticdir", "static"))]


def setup_jekyll(site: Site) -> None:
    for name in ("_config.yml", "_config.yaml"):
        if (site.root / name).is_file():
            site.config = load_config(site.root / name)
            break
    set_address(site, site.config.get("url"))
    site.url_prefix = (
        "/" + str(site.config.get("baseurl") or "").strip("/") if site.config.get("baseurl") else ""
    )
    site.url_prefix = site.url_prefix.rstrip("/")
    site.static_roots = [site.root]


def setup_astro(site: Site) -> None:
    for config in site.root.glob("astro.config.*"):
        text = config.read_text(encoding="utf-8", errors="replace")
        if match := re.search(r"""\bsite\s*:\s*['"]([^'"]+)['"]""", text):
            set_address(site, match[1])
        if match := re.search(r"""\bbase\s*:\s*['"]([^'"]+)['"]""", text):
            site.url_prefix = "/" + match[1].strip("/") if match[1].strip("/") else ""
    site.static_roots = [site.root / "public"]


def setup_nextjs(site: Site) -> None:
    site.static_roots = [site.root / "public"]


def setup_mkdocs(site: Site) -> None:
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        if (site.root / name).is_file():
            site.config = load_config(site.root / name)
            break
    set_address(site, site.config.get("site_url"))
    site.static_roots = [site.root / str(site.config.get("docs_dir") or "docs")]


def setup_pelican(site: Site) -> None:
    if (site.root / "pelicanconf.py").is_file():
        site.config = load_config(site.root / "pelicanconf.py")
    set_address(site, site.config.get("SITEURL"))
    site.static_roots = [site.root / str(site.config.get("PATH") or "content")]


def mkdocs_blog(site: Site) -> dict[str, Any]:
    """The blog plugin's settings from mkdocs.yml (`- blog` or `- blog: {...}`)."""
    for plugin in site.config.get("plugins") or []:
        if isinstance(plugin, str) and plugin in ("blog", "material/blog"):
            return {}
        if isinstance(plugin, dict):
            for name in ("blog", "material/blog"):
                if name in plugin:
                    return plugin[name] or {}
    return {}


def post_folders(site: Site) -> list[Path]:
    """Where the tool keeps posts (files below them are posts unless `not_a_post` says otherwise)."""
    root = site.root
    if site.tool == "hugo":
        return [root / str(site.config.get("contentdir", "content"))]
    if site.tool == "jekyll":
        return [*sorted(p for p in walk(root, dirs=True) if p.name == "_posts"), root / "_drafts"]
    if site.tool == "astro":
        for base in (root / "src" / "content", root / "src" / "data"):
            named = [base / n for n in ("blog", "posts", "post", "articles") if (base / n).is_dir()]
            if named:
                return named
        return [root / "src" / "content"]
    if site.tool == "nextjs":
        names = ("_posts", "posts", "content/posts", "content/blog", "data/blog", "src/content/blog", "blog")
        return [root / n for n in names if (root / n).is_dir()]
    if site.tool == "mkdocs":
        blog = mkdocs_blog(site)
        blog_dir = str(blog.get("blog_dir") or "blog")
        post_dir = str(blog.get("post_dir") or "{blog}/posts").replace("{blog}", blog_dir)
        return [site.static_roots[0] / post_dir]
    return [site.static_roots[0]]


def not_a_post(site: Site, path: Path, folder: Path) -> str | None:
    """Why a Markdown file in a posts folder is not a post (None: it is one)."""
    relative = path.relative_to(folder)
    if site.tool == "hugo":
        if path.name == "_index.md":
            return "a section's list page"
        if len(relative.parts) == 1:
            return "a page outside any section"
        bundle = next((p for p in path.parents if p != path.parent and (p / "index.md").is_file()), None)
        if bundle is not None and folder in bundle.parents:
            return f"a resource of the page bundle {bundle.name}/"
        if path.name != "index.md" and (path.parent / "index.md").is_file():
            return f"a resource of the page bundle {path.parent.name}/"
    if site.tool == "pelican":
        pages = site.config.get("PAGE_PATHS") or ["pages"]
        if relative.parts[0] in pages:
            return "a Pelican page, not an article"
    return None


# Folders of installed packages and build output, never posts.
SKIPPED = {"node_modules", "vendor", "_site", "dist", "build", "output", "site", ".git"}


def walk(folder: Path, dirs: bool = False) -> list[Path]:
    """The files (or folders) below `folder`, without hidden ones and SKIPPED folders."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        if path.name.startswith(".") or path.name in SKIPPED:
            continue
        if path.is_dir():
            if dirs:
                found.append(path)
            found += walk(path, dirs)
        elif not dirs:
            found.append(path)
    return found


def find_posts(site: Site) -> tuple[list[SourcePost], list[tuple[str, str]]]:
    """Every post file of the site, read; and the files left alone, with the reason."""
    folders = [f for f in post_folders(site) if f.is_dir()]
    if not folders:
        # A bare folder of posts (or a layout we do not know): every Markdown file in it.
        folders = [site.root]
    posts: list[SourcePost] = []
    ignored: list[tuple[str, str]] = []
    seen: set[Path] = set()
    for folder in folders:
        for path in sorted(walk(folder)):
            if path in seen:
                continue
            seen.add(path)
            name = path.relative_to(site.root).as_posix()
            if path.suffix == ".rst":
                ignored.append((name, "reStructuredText is not imported; convert it to Markdown first"))
            if path.suffix not in (*MARKDOWN, ".mdx"):
                continue
            if reason := not_a_post(site, path, folder):
                ignored.append((name, reason))
                continue
            source = read_source(path, name, pelican=site.tool == "pelican")
            source.content_path = path.relative_to(folder).as_posix()
            source.in_drafts = site.tool == "jekyll" and folder.name == "_drafts"
            posts.append(source)
    return posts, ignored


def file_slug(site: Site, source: SourcePost) -> str:
    """The name the old site gave the post from its file (Jekyll without its date, a bundle's folder)."""
    path = source.path
    if path.stem == "index" and path.parent != site.root:
        return path.parent.name
    if site.tool == "astro":
        return source.content_path.rsplit(".", 1)[0]
    match = JEKYLL_NAME.match(path.stem)
    return match[2] if match else path.stem


def file_date(source: SourcePost) -> Date | None:
    match = JEKYLL_NAME.match(source.path.stem)
    return read_date(match[1]) if match else None


def old_slug(site: Site, draft: Draft) -> str:
    """The slug the old site used in the post's URL."""
    if draft.slug:
        return draft.slug
    if site.tool in ("mkdocs", "pelican") and draft.title:
        return slugify(draft.title)
    return file_slug(site, draft.source)


def old_url(site: Site, draft: Draft) -> str:
    """The path the old site served the post at, by the tool's rules and settings."""
    slug = old_slug(site, draft)
    when = draft.date
    parts = draft.source.content_path.split("/")
    if site.tool == "hugo":
        url = draft.own_url or hugo_url(site, draft, slug, parts)
    elif site.tool == "jekyll":
        style = str(site.config.get("permalink") or "date")
        pattern = draft.own_url or JEKYLL_STYLES.get(style, style)
        url = jekyll_url(pattern, draft, slug)
    elif site.tool == "astro":
        collection = draft.source.path.parents[len(parts) - 1].name
        url = draft.own_url or f"/{collection}/{slug}/"
    elif site.tool == "nextjs":
        prefix = "posts" if "_posts" in draft.source.path.parts else "blog"
        url = draft.own_url or f"/{prefix}/{slug}"
    elif site.tool == "mkdocs":
        url = mkdocs_url(site, draft, slug)
    else:
        setting = "DRAFT_URL" if draft.status == "draft" else "ARTICLE_URL"
        default = "drafts/{slug}.html" if draft.status == "draft" else "{slug}.html"
        pattern = str(draft.own_url or site.config.get(setting) or default)
        values = {"slug": slug, "date": when, "category": slugify(draft.category or ""), "lang": "en"}
        try:
            url = pattern.format(**values)
        except (KeyError, ValueError, AttributeError, IndexError, TypeError):
            # A pattern with {date:%Y} and a post without a date, or fields we do not know.
            url = default.format(slug=slug)
    url = "/" + url.lstrip("/")
    # Paths are relative to the site's address, which may have a path of its own.
    return url if url.startswith(site.url_prefix + "/") else site.url_prefix + url


def hugo_sections(parts: list[str]) -> list[str]:
    """The folders of a Hugo page below content/, without a page bundle's own folder."""
    return parts[:-2] if parts[-1] == "index.md" else parts[:-1]


def nested_sections(source: SourcePost) -> list[tuple[str, str]]:
    """The nested sections of a Hugo page, outermost first, as (folder below content/, title).

    As in Hugo, a folder below the top-level section (posts/) is a section when it has an
    `_index.md`; year folders and the like are not. Its `title` names it, else its folder's name
    with a capital, as Hugo shows it. The top-level section is a kind of page, not a category."""
    parts = source.content_path.split("/")
    sections = hugo_sections(parts)
    content = source.path.parents[len(parts) - 1]
    found = []
    for depth in range(2, len(sections) + 1):
        index = content.joinpath(*sections[:depth], "_index.md")
        if index.is_file():
            folder = sections[depth - 1]
            title = section_title(index) or folder[:1].upper() + folder[1:]
            found.append(("/".join(sections[:depth]), title))
    return found


def section_title(index: Path) -> str | None:
    """The `title` of a section's `_index.md` (keys compared without case, as Hugo does)."""
    values = read_source(index, index.name).values
    return read_text(next((v for k, v in values.items() if str(k).lower() == "title"), None))


def hugo_url(site: Site, draft: Draft, slug: str, parts: list[str]) -> str:
    sections = hugo_sections(parts)
    permalinks = site.config.get("permalinks") or {}
    if isinstance(permalinks.get("page"), dict):
        permalinks = permalinks["page"]
    pattern = permalinks.get(sections[0]) if sections else None
    name = file_slug(site, draft.source)
    if not isinstance(pattern, str):
        ending = ".html" if site.config.get("uglyurls") else "/"
        return "/" + "/".join([*sections, draft.slug or name]) + ending
    when = draft.date
    values = {
        "year": f"{when:%Y}" if when else "",
        "month": f"{when:%m}" if when else "",
        "monthname": f"{when:%B}".lower() if when else "",
        "day": f"{when:%d}" if when else "",
        "section": sections[0] if sections else "",
        "sections": "/".join(sections),
        "title": slugify(draft.title or name),
        "slug": draft.slug or slugify(draft.title or name),
        "filename": name,
        "contentbasename": name,
        "slugorfilename": draft.slug or name,
        "slugorcontentbasename": draft.slug or name,
    }
    return re.sub(r":(\w+)", lambda m: values.get(m[1], m[0]), pattern)


def jekyll_url(pattern: str, draft: Draft, slug: str) -> str:
    when = draft.date
    categories = [c.lower() for c in draft.categories]
    values = {
        "categories": "/".join(categories),
        "year": f"{when:%Y}" if when else "",
        "month": f"{when:%m}" if when else "",
        "i_month": str(when.month) if when else "",
        "day": f"{when:%d}" if when else "",
        "i_day": str(when.day) if when else "",
        "y_day": f"{when:%j}" if when else "",
        "short_year": f"{when:%y}" if when else "",
        "title": slug,
        "slug": slugify(slug),
        "output_ext": ".html",
    }
    url = re.sub(r":(\w+)", lambda m: values.get(m[1], m[0]), pattern)
    return re.sub("/+", "/", url)


def mkdocs_url(site: Site, draft: Draft, slug: str) -> str:
    blog = mkdocs_blog(site)
    fmt = str(blog.get("post_url_format") or "{date}/{slug}")
    date_format = str(blog.get("post_url_date_format") or "yyyy/MM/dd")
    for babel, strf in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d")):
        date_format = date_format.replace(babel, strf)
    when = draft.date
    values = {
        "date": when.strftime(date_format) if when else "",
        "slug": slug,
        "file": draft.source.path.stem,
        "categories": slugify(draft.category or ""),
    }
    path = re.sub(r"\{(\w+)\}", lambda m: values.get(m[1], m[0]), fmt).strip("/")
    blog_dir = str(blog.get("blog_dir") or "blog").strip("/")
    directory_urls = site.config.get("use_directory_urls", True) is not False
    return f"/{blog_dir}/{path}" + ("/" if directory_urls else ".html")


def mkdocs_authors(site: Site) -> dict[str, str]:
    """MkDocs author ids → names, from the blog's .authors.yml."""
    if site.tool != "mkdocs":
        return {}
    blog = mkdocs_blog(site)
    blog_dir = str(blog.get("blog_dir") or "blog")
    name = str(blog.get("authors_file") or "{blog}/.authors.yml").replace("{blog}", blog_dir)
    data = load_config(site.static_roots[0] / name)
    authors = data.get("authors", data)
    return {
        str(k): str(v.get("name", k))
        for k, v in (authors if isinstance(authors, dict) else {}).items()
        if isinstance(v, dict)
    }
