"""Old addresses of posts, as one post declares them: `redirect_from` in its front matter.

`parse_redirects` reads one post's `redirect_from` (post.py); a bad entry is dropped and
reported, the post stays. redirect_checks.py checks them across posts, and
outputs/redirect_pages.py writes the pages and `_redirects` for the redirects that pass.

Every redirect points at a post, never at another old path (those cannot be pages: see
`check_redirects`), so there are no chains; the loops that remain possible are an old path
that is the post's own address, and posts that claim each other's address: both are errors.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sphinx_kb.content.frontmatter import shorten
from sphinx_kb.content.problems import Problem

# Problems that drop a redirect, never the post.
REDIRECT_SUBTYPES = frozenset({"redirect", "duplicate-redirect"})
# Output folders Sphinx and sphinx-kb write their own files into.
RESERVED = ("_static", "_sources", "_images", "_downloads", "_kb", "_pagefind")
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\\]")


def parse_redirects(path: Path, raw: Any, line: int | None) -> tuple[tuple[str, ...], list[Problem]]:
    """The old paths a post lists (one string or a list of them), and a problem for each bad one."""
    if raw is None:
        return (), []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return (), [
            Problem(
                path,
                line,
                "redirect",
                "`redirect_from` must be a list of site paths",
                'write redirect_from: ["/old-blog/my-post/"]',
            )
        ]
    paths: list[str] = []
    problems: list[Problem] = []
    for item in raw:
        if not isinstance(item, str):
            problems.append(
                Problem(
                    path,
                    line,
                    "redirect",
                    f"`redirect_from` entry `{shorten(item)}` is not a path",
                    'write each old path in quotes, e.g. "/old-blog/my-post/"',
                )
            )
            continue
        old, message, fix = normalize(item)
        if old is None:
            problems.append(Problem(path, line, "redirect", message, fix))
        elif old in paths:
            problems.append(
                Problem(
                    path,
                    line,
                    "duplicate-redirect",
                    f"old path `{shorten(item)}` is listed twice",
                    "remove one",
                )
            )
        else:
            paths.append(old)
    return tuple(paths), problems


def normalize(text: str) -> tuple[str | None, str, str]:
    """A site-root path (percent-decoded), or None with what is wrong and how to fix it."""
    value = text.strip()
    shown = shorten(value)
    if not value:
        return None, "an old path in `redirect_from` is empty", "remove the empty entry"
    if CONTROL_RE.search(value):
        return (
            None,
            f"old path `{shown}` holds a backslash or a control character",
            "separate folders with `/`",
        )
    if value.startswith("//") or SCHEME_RE.match(value):
        return (
            None,
            f"old path `{shown}` is a full URL; redirects come from paths of this site",
            f"write the path only: `{shorten(urlsplit(value).path or '/')}`",
        )
    for mark, what in (("?", "a query string"), ("#", "a `#fragment`")):
        if mark in value:
            bare = shorten(value.split("?")[0].split("#")[0] or "/")
            return (
                None,
                f"old path `{shown}` has {what}, which a static host ignores when it looks up a file",
                f"write `{bare}`: its redirect also catches the address with {what}",
            )
    if not value.startswith("/"):
        return None, f"old path `{shown}` does not start with `/`", f"write `/{shorten(value.lstrip('./'))}`"
    decoded = unquote(value)
    segments = decoded.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        return None, f"old path `{shown}` holds `.` or `..`", "write the whole path from the site root"
    if "" in segments[:-1]:
        return None, f"old path `{shown}` holds `//`", f"write `{shorten(re.sub('/+', '/', value))}`"
    if segments[0] in RESERVED:
        return (
            None,
            f"old path `{shown}` is in `/{segments[0]}/`, where the build writes its own files",
            "choose another path",
        )
    return decoded, "", ""


def output_files(old: str) -> tuple[str, ...]:
    """The files (relative to the output folder) that answer an old path on a static host.

    `/a/b/` is `a/b/index.html` and `/a/b.html` is that file. For an extensionless `/a/b`, hosts
    differ: GitHub Pages, Netlify, Cloudflare Pages and nginx with `try_files $uri $uri.html`
    serve `a/b.html`; plain nginx, Apache and S3 redirect to `/a/b/` and serve `a/b/index.html`.
    Both are written, each with a link relative to its own folder."""
    relative = old.lstrip("/")
    if relative == "" or relative.endswith("/"):
        return (relative + "index.html",)
    if relative.rpartition("/")[2].lower().endswith((".html", ".htm")):
        return (relative,)
    return (relative + ".html", relative + "/index.html")


def page_files(docname: str) -> tuple[str, str]:
    """The files a page is written to by the html and the dirhtml builder.

    Both count whatever the builder: an old path must not take the address a page has with
    the other builder either (the site may be deployed with either)."""
    return (f"{docname}.html", f"{docname}/index.html")
