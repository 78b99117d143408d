"""What the build writes for the posts' old addresses (declared and checked in content/redirects.py).

`write_redirects` (build-finished) writes a small HTML page at each old path, the extensionless
`blog/<slug>/index.html` pages of the html builder, and `_redirects` (Netlify, Cloudflare
Pages). A manifest in the doctree folder records what it wrote: unchanged pages are not written
again (10,000 posts give 10,000 pages) and pages of redirects that went are deleted.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from sphinx.util import logging

from sphinx_kb.content.redirects import output_files
from sphinx_kb.site.domain import get_catalog
from sphinx_kb.site.urls import page_path, page_url, site_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from sphinx_kb.content.catalog import Catalog
    from sphinx_kb.content.post import Post

logger = logging.getLogger(__name__)

# First line of every redirect page: only files that carry it are ever deleted.
MARKER = "<!-- sphinx-kb redirect page: written by the build from redirect_from -->"
RULES_HEADER = (
    "# sphinx-kb: redirects from the posts' redirect_from (written by the build)\n"
    "# Rules of public/_redirects, if any, follow ours.\n"
)
# Documented limits: Cloudflare Pages reads 2,000 static rules and lines up to 1,000
# characters (https://developers.cloudflare.com/pages/configuration/redirects/).
CLOUDFLARE_STATIC_RULES = 2000
CLOUDFLARE_LINE_LENGTH = 1000
# Characters kept as they are in a `_redirects` path (`*` and `:` would be splats/placeholders).
PATH_SAFE = "/-._~!$&'()+,;=@"


def link_from(folder: str, target: str) -> str:
    """A relative link from a folder of the site to a page path (`blog/x.html` or `blog/x/`).

    Both are clean paths below the output folder; posixpath.relpath would also be right, but
    its abspath calls are most of the time of 10,000 redirect pages."""
    start = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    while common < min(len(start), len(parts) - 1) and start[common] == parts[common]:
        common += 1
    link = "../" * (len(start) - common) + "/".join(parts[common:])
    return quote(link or "./", safe=PATH_SAFE)


def redirect_page(app: Sphinx, name: str, post: Post, docname: str) -> str:
    """The HTML of a redirect page written at `name` (a path in the output folder)."""
    target = html.escape(link_from(posixpath.dirname(name), page_path(app, docname)))
    title = html.escape(post.title)
    canonical = (
        f'<link rel="canonical" href="{html.escape(page_url(app, docname))}">\n' if site_url(app) else ""
    )
    language = html.escape(app.config.language or "en")
    return (
        f"<!DOCTYPE html>\n{MARKER}\n"
        f'<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f"{canonical}"
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>This page has moved to <a id="kb-target" href="{target}">{title}</a>.</p>\n'
        # Also keeps the #fragment of the old link, which the refresh drops.
        '<script>location.replace(document.getElementById("kb-target").href + location.hash)</script>\n'
        "</body>\n</html>\n"
    )


def planned_pages(app: Sphinx, catalog: Catalog) -> dict[str, str]:
    """Output file -> text of every redirect page this build should have."""
    layout = catalog.layout
    visible = {p.slug: p for p in catalog.visible_posts}
    pages: dict[str, str] = {}
    for old, slug in catalog.redirects.items():
        post = visible.get(slug)
        if post is None:
            continue  # a draft: its old paths come back when it is published
        for name in output_files(old):
            pages[name] = redirect_page(app, name, post, layout.post_docname(slug))
    if app.builder.name == "html" and app.config.kb_extensionless_redirects:
        # `/blog/<slug>` of the old site: hosts that do not try `.html` go to `blog/<slug>/`.
        check_public = (layout.srcdir / layout.public_dir / layout.posts_dir).is_dir()
        for post in visible.values():
            docname = layout.post_docname(post.slug)
            name = f"{docname}/index.html"
            if name in pages or (check_public and catalog.public_file_exists(name)):
                continue
            pages[name] = redirect_page(app, name, post, docname)
    return pages


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def is_redirect_page(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return MARKER.encode() in handle.read(len(MARKER) + 64)
    except OSError:
        return False


def remove_page(outdir: Path, name: str) -> None:
    """Delete a redirect page we wrote (never a page that took its place) and emptied folders."""
    path = outdir / name
    if not is_redirect_page(path):
        return
    path.unlink()
    folder = path.parent
    while folder != outdir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def file_state(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def sync_pages(outdir: Path, pages: dict[str, str], previous: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Write the pages that changed or are missing, delete the ones that went; new manifest
    (name -> [digest of the text, size, mtime]: a file someone else changed is looked at again)."""
    written: dict[str, list[Any]] = {}
    blocked_by: list[str] = []
    for name, text in pages.items():
        text_digest = digest(text)
        # os.path, not pathlib: this runs for every post of the site on every build.
        path = os.path.join(outdir, name)
        state = file_state(path)
        if state is not None and previous.get(name) == [text_digest, *state]:
            written[name] = previous[name]
            continue
        if not write_page(path, text):
            blocked_by.append(name)
            continue
        written[name] = [text_digest, *(file_state(path) or (0, 0))]
    if blocked_by:
        logger.warning(
            "%d redirect page(s) not written, another file is in the way (there, or where a folder "
            "must go): %s; rename that file, or delete the output folder if it is left from an older build",
            len(blocked_by),
            ", ".join(sorted(blocked_by)[:5]) + (", ..." if len(blocked_by) > 5 else ""),
            type="kb",
            subtype="redirect",
        )
    for name in previous.keys() - pages.keys():
        remove_page(outdir, name)
    return written


def write_page(path: str, text: str) -> bool:
    """Write a redirect page unless another file is there; False when it could not be written.

    Checks the shadowing rules cannot see are done here: a file left from another build, or, on
    a case-insensitive disk (macOS), `Blog/Post.html` that is the post's `blog/post.html`."""
    if os.path.exists(path) and not is_redirect_page(Path(path)):
        return False
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return False  # a file where a folder must go: the redirect is lost, not the build
    return True


def redirect_rules(app: Sphinx, catalog: Catalog) -> list[str]:
    """`_redirects` lines: `/old/path /blog/slug.html 301`, below the site's base path.

    The extensionless `/blog/<slug>` paths are left out: Netlify and Cloudflare Pages serve
    `blog/<slug>.html` there by themselves, and Cloudflare answers `/blog/<slug>.html` with a
    redirect to `/blog/<slug>`, so such a rule would loop."""
    base = urlsplit(site_url(app)).path.rstrip("/")
    visible = {p.slug for p in catalog.visible_posts}
    lines = []
    for old, slug in catalog.redirects.items():
        if slug in visible:
            target = page_path(app, catalog.layout.post_docname(slug))
            lines.append(f"{base}{quote(old, safe=PATH_SAFE)} {base}/{quote(target, safe=PATH_SAFE)} 301")
    return lines


def user_rules(text: str) -> tuple[dict[str, int], int]:
    """Sources of the static rules of a hand-written `_redirects` (-> line), and how many there are
    before its first splat or placeholder (Cloudflare counts every rule after that as dynamic)."""
    sources: dict[str, int] = {}
    static = 0
    dynamic = False
    for number, line in enumerate(text.splitlines(), 1):
        tokens = line.split()
        if len(tokens) < 2 or tokens[0].startswith("#"):
            continue
        dynamic = dynamic or "*" in tokens[0] or "/:" in tokens[0]
        if not dynamic:
            static += 1
            sources.setdefault(tokens[0], number)
    return sources, static


def write_rules_file(app: Sphinx, catalog: Catalog, rules: list[str], wrote_before: bool) -> bool:
    """Write `_redirects`: our rules first, then those of public/_redirects; True when ours is there.

    Ours come first because Cloudflare counts every rule after the first splat or placeholder
    as dynamic (100 at most) and both hosts apply the first rule that matches a path."""
    outdir = Path(app.outdir)
    target = outdir / "_redirects"
    public = catalog.public_file("/_redirects")
    own = public.read_text(encoding="utf-8", errors="replace") if public.is_file() else ""
    if not rules:
        # copy_public has put back the hand-written file, if any; remove only a file of ours.
        if wrote_before and not own and target.is_file():
            target.unlink()
        return False
    sources, static = user_rules(own)
    ours = {line.split()[0]: line for line in rules}
    for source, number in sources.items():
        if source in ours:
            logger.warning(
                "%s/_redirects also redirects %s; the rule from redirect_from comes first and wins",
                catalog.layout.public_dir,
                source,
                type="kb",
                subtype="redirects-file",
                location=f"{public}:{number}",
            )
    warn_limits(len(rules) + static, sum(len(line) > CLOUDFLARE_LINE_LENGTH for line in rules))
    text = RULES_HEADER + "\n".join(rules) + "\n" + (f"\n{own}" if own else "")
    try:
        if target.read_text(encoding="utf-8") == text:
            return True
    except (OSError, UnicodeDecodeError):
        pass
    target.write_text(text, encoding="utf-8")
    return True


def warn_limits(static_rules: int, long_lines: int) -> None:
    if static_rules > CLOUDFLARE_STATIC_RULES:
        logger.warning(
            "_redirects holds %d static rules; Cloudflare Pages reads the first %d and skips the rest "
            "(their redirect pages still send visitors on, without a 301); see the redirects guide",
            static_rules,
            CLOUDFLARE_STATIC_RULES,
            type="kb",
            subtype="redirects-file",
        )
    if long_lines:
        logger.warning(
            "%d rule(s) of _redirects are longer than %d characters; Cloudflare Pages ignores them "
            "(their redirect pages still work)",
            long_lines,
            CLOUDFLARE_LINE_LENGTH,
            type="kb",
            subtype="redirects-file",
        )


def manifest_path(app: Sphinx) -> Path:
    # One per builder: `make html` and `make dirhtml` share the doctree folder.
    return Path(app.doctreedir) / f"sphinx-kb-redirects-{app.builder.name}.json"


def load_manifest(path: Path, outdir: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    # Written for another output folder: its files are not in this one.
    return data if isinstance(data, dict) and data.get("outdir") == str(outdir) else {}


def write_redirects(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (after site_files.py copied the public folder, before Pagefind indexes)."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    catalog = get_catalog(app.env)
    outdir = Path(app.outdir)
    path = manifest_path(app)
    previous = load_manifest(path, outdir)
    pages = sync_pages(outdir, planned_pages(app, catalog), previous.get("pages", {}))
    rules = write_rules_file(app, catalog, redirect_rules(app, catalog), bool(previous.get("rules")))
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"outdir": str(outdir), "pages": pages, "rules": rules}), encoding="utf-8")
    partial.replace(path)
