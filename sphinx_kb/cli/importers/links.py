"""Find what a link or image of an old post points to: another imported post, a file, a page."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx_kb.cli.importers.model import Draft, ImageCopy, Site
from sphinx_kb.content.catalog import Layout

# Our marker for a tool's own link syntax (`{{< ref >}}`, `{% post_url %}`, `{filename}`), put in
# place of it before links are parsed, since those forms contain spaces and braces.
MARKER = "kbref:"


def url_key(path: str) -> str:
    """One form of an old URL path for lookups: no host, no `index.html`, `.html` or end slash."""
    path = unquote(urlsplit(path).path) if "://" in path else unquote(path.split("#")[0].split("?")[0])
    path = "/" + path.strip("/")
    for ending in ("/index.html", "/index.htm", ".html", ".htm", "/index.md", ".md", ".mdx"):
        path = path.removesuffix(ending)
    return path.lower() or "/"


@dataclass
class LinkIndex:
    """Every imported post by its old file, old URLs and the names the tools' link tags use."""

    site: Site
    by_file: dict[Path, Draft] = field(default_factory=dict)
    by_url: dict[str, Draft] = field(default_factory=dict)
    by_name: dict[str, Draft] = field(default_factory=dict)

    def add(self, draft: Draft) -> None:
        path = draft.source.path.resolve()
        self.by_file[path] = draft
        if path.stem == "index":
            self.by_file[path.parent] = draft
        self.by_file.setdefault(path.with_suffix(""), draft)
        for url in [draft.address, *draft.old_urls]:
            self.by_url.setdefault(url_key(url), draft)
            if self.site.url_prefix and url.startswith(self.site.url_prefix + "/"):
                self.by_url.setdefault(url_key(url[len(self.site.url_prefix) :]), draft)
        content = draft.source.content_path
        for name in (content, content.rsplit(".", 1)[0], draft.source.path.stem, draft.source.name):
            self.by_name.setdefault(name.lower().strip("/"), draft)

    def by_tag(self, kind: str, payload: str, source: Path) -> Draft | None:
        """The post a tool's link tag names: Jekyll `post_url`/`link`, Hugo `ref`, Pelican `{filename}`."""
        payload = payload.strip().strip("\"'")
        if kind in ("filename", "link"):
            base = self.site.static_roots[0] if payload.startswith("/") and kind == "filename" else None
            if kind == "link":
                base = self.site.root
            start = base if base is not None else source.parent
            found = self.by_file.get((start / payload.lstrip("/")).resolve())
            if found is not None:
                return found
        name = payload.split("#")[0].lower().strip("/")
        for candidate in (name, name.rsplit(".", 1)[0], posixpath.basename(name).rsplit(".", 1)[0]):
            if candidate and (found := self.by_name.get(candidate)) is not None:
                return found
        if kind == "ref" and (found := self.by_file.get((source.parent / payload).resolve())):
            return found
        return None

    def by_path(self, target: str, source: Path, old_url: str) -> Draft | None:
        """The post a relative link names, as a file beside the source or as a URL beside its page."""
        path = unquote(target)
        for candidate in ((source.parent / path).resolve(), (source.parent / path.rstrip("/")).resolve()):
            if (found := self.by_file.get(candidate)) is not None:
                return found
        return self.by_url.get(url_key(posixpath.join(posixpath.dirname(old_url.rstrip("/")) + "/", path)))


def local_file(site: Site, target: str, source: Path) -> Path | None:
    """The file of the old site an image or download link points to, if it exists."""
    path = unquote(target.split("#")[0].split("?")[0])
    if not path:
        return None
    if path.startswith("/"):
        relative = path.lstrip("/")
        prefix = site.url_prefix.lstrip("/")
        if prefix and relative.startswith(prefix + "/"):
            relative = relative[len(prefix) + 1 :]
        candidates = [root / relative for root in site.static_roots] + [site.root / relative]
    else:
        candidates = [source.parent / path] + [root / path for root in site.static_roots]
    return next((c.resolve() for c in candidates if c.is_file()), None)


def copy_name(draft: Draft, file: Path, posts_dir: str) -> ImageCopy:
    """Where a file the post uses goes: `<posts_dir>/<slug>/<name>` in the public folder, one
    name per file (a second `cover.png` from another folder becomes `cover-2.png`)."""
    for image in draft.images:
        if image.source == file:
            return image
    taken = {posixpath.basename(i.public_path) for i in draft.images}
    name, number = file.name, 2
    while name in taken:
        name = f"{file.stem}-{number}{file.suffix}"
        number += 1
    image = ImageCopy(file, f"{posts_dir}/{draft.slug}/{name}")
    draft.images.append(image)
    return image


def site_path(image: ImageCopy) -> str:
    """The path the site serves a copied file at, e.g. `/blog/<slug>/cover.png`."""
    return f"/{image.public_path}"


def body_path(layout: Layout, image: ImageCopy) -> str:
    """How a post refers to a copied file: relative to the post, so Sphinx finds and checks it."""
    target = f"{layout.public_dir}/{image.public_path}"
    return posixpath.relpath(target, layout.posts_dir)
