"""Turn an old post's body into MyST that builds without warnings.

Tool syntax with a MyST equivalent is converted (Hugo `figure` and `ref`, Jekyll `highlight`,
`post_url` and `link`, MkDocs admonitions, Pelican `{filename}`/`{static}` links). Anything else
that MyST cannot render (other shortcodes, Liquid tags, MDX imports and components) is turned into
an HTML comment `<!-- kb import: ... -->`: the page does not show it, the source keeps it for a
person to redo, and the report gives its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx_kb.cli.importers.links import LinkIndex, body_path, copy_name, local_file, site_path, url_key
from sphinx_kb.cli.importers.model import Draft, Site
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.post import myst_markdown

Lines = list[tuple[int, str]]

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MORE = re.compile(r"^\s*<!--\s*(more|PELICAN_END_SUMMARY)\s*-->\s*$", re.IGNORECASE)
HEADING = re.compile(r"^#\s+(.+?)(?:\s+#+)?\s*$")
ADMONITION = re.compile(r'^(!!!|\?\?\?\+?)\s+([\w-]+)(?:\s+"([^"]*)")?\s*$')
TABS = re.compile(r'^===\+?\s+"')
# Jekyll's `{% highlight lang %}` and Hugo's `{{< highlight lang >}}`, and their ends.
HIGHLIGHT = re.compile(r"^\s*(?:\{%-?|\{\{<)\s*highlight\s+([\w+-]+)[^%>]*(?:-?%\}|>\}\})\s*$")
END_HIGHLIGHT = re.compile(r"^\s*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{<\s*/highlight\s*>\}\})\s*$")
MDX_IMPORT = re.compile(r"^(import|export)\s")
JSX_OPEN = re.compile(r"^\s*<([A-Z][\w.]*)")

CODE_SPAN = re.compile(r"(`+)(.+?)\1")
IMAGE = re.compile(r'!\[([^\]]*)\]\(\s*(<[^>]*>|[^)\s]+)(\s+"[^"]*")?\s*\)')
LINK = re.compile(r'(?<!!)\[((?:[^\[\]]|!?\[[^\]]*\]\([^)]*\))*)\]\(\s*(<[^>]*>|[^)\s]+)(\s+"[^"]*")?\s*\)')
# A link reference definition (not a footnote, `[^1]: ...`).
REFERENCE = re.compile(r"^( {0,3}\[(?!\^)[^\]]+\]:\s*)(<[^>]*>|\S+)(.*)$")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
PELICAN_LINK = re.compile(r"^[{|](filename|static|attach)[}|](.+)$")

HUGO_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+(\"[^\"]*\"|\S+)\s*[>%]\}\}")
HUGO_FIGURE = re.compile(r"\{\{<\s*figure\s+(.*?)\s*/?>\}\}")
HUGO_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}")
JEKYLL_TAG_LINK = re.compile(r"\{%-?\s*(post_url|link)\s+(\S+)\s*-?%\}")
JEKYLL_SITE_URL = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
JEKYLL_URL_FILTER = re.compile(r"\{\{-?\s*[\"']([^\"']*)[\"']\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}")
JEKYLL_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")
JEKYLL_RAW_SPAN = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}")
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")
KRAMDOWN_IAL = re.compile(r"\{:[^}]*\}")
MARKER = re.compile(r"kbref:(\d+)")

# MkDocs admonition types MyST has a directive of the same name for.
MYST_ADMONITIONS = ("attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning")


def attribute(tag: str, name: str) -> str | None:
    match = re.search(rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", tag, re.IGNORECASE)
    return next((g for g in match.groups() if g is not None), "") if match else None


def comment(text: str) -> str:
    """An HTML comment holding `text` (`--` may not appear inside one)."""
    text = text.replace("--", "- -")
    return f"<!-- kb import: {text}-->" if text.endswith("\n") else f"<!-- kb import: {text} -->"


def plain_text(markdown: str) -> str:
    """The text of every top-level paragraph, as one line (for an excerpt)."""
    tokens = myst_markdown().parse(markdown)
    paragraphs = []
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            children = tokens[index + 1].children or []
            words = [
                c.content if c.type in ("text", "code_inline") else " "
                for c in children
                if c.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            paragraphs.append(" ".join("".join(words).split()))
    return " ".join(p for p in paragraphs if p)


def outside_fences(lines: Lines) -> list[bool]:
    """For each line, whether it is Markdown text (not inside a fenced code block)."""
    result, fence = [], ""
    for _, text in lines:
        match = FENCE.match(text)
        if fence:
            result.append(False)
            if (
                match
                and match[1][0] == fence[0]
                and len(match[1]) >= len(fence)
                and not text.strip(match[1][0] + " \t\n")
            ):
                fence = ""
        elif match:
            result.append(False)
            fence = match[1]
        else:
            result.append(True)
    return result


@dataclass
class BodyConverter:
    site: Site
    layout: Layout
    index: LinkIndex
    draft: Draft
    # A tool's link tags, replaced by `kbref:<n>` while links are parsed: (kind, payload, text).
    tags: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.draft.source.name

    def note(self, line: int, text: str) -> None:
        self.draft.report.notes.append(f"{self.where}:{line}: {text}")

    def problem(self, line: int, text: str) -> None:
        self.draft.report.problems.append(f"{self.where}:{line}: {text}")

    # -- block structure ---------------------------------------------------------------------

    def convert(self) -> str:
        source = self.draft.source
        lines: Lines = list(enumerate(source.body.splitlines(), start=source.body_line))
        if self.site.tool in ("jekyll", "hugo"):
            lines = self.highlights(lines)
        if self.site.tool == "mkdocs":
            lines = self.admonitions(lines)
        if source.path.suffix == ".mdx":
            lines = self.mdx(lines)
        # Our own comments (MDX components) hold the old text as it was.
        text = [
            self.convert_line(n, t) if md and not t.startswith("<!-- kb import:") else self.in_code(t)
            for (n, t), md in zip(lines, outside_fences(lines), strict=True)
        ]
        return self.excerpt_split(list(zip([n for n, _ in lines], text, strict=True)))

    def in_code(self, text: str) -> str:
        """A line of a code block stays as it is, but for Jekyll's `{% raw %}` tags."""
        return JEKYLL_RAW.sub("", text) if self.site.tool == "jekyll" else text

    def highlights(self, lines: Lines) -> Lines:
        """`{% highlight lang %}` ... `{% endhighlight %}` (Hugo: `{{< highlight lang >}}`) → a fenced
        code block."""
        result: Lines = []
        for number, text in lines:
            if match := HIGHLIGHT.match(text):
                result.append((number, f"```{match[1]}"))
            elif END_HIGHLIGHT.match(text):
                result.append((number, "```"))
            else:
                result.append((number, text))
        return result

    def admonitions(self, lines: Lines) -> Lines:
        """MkDocs `!!! note "Title"` blocks (indented body) → MyST `:::{note}` blocks."""
        result: Lines = []
        markdown = outside_fences(lines)
        index = 0
        while index < len(lines):
            number, text = lines[index]
            index += 1
            if markdown[index - 1] and TABS.match(text):
                self.problem(
                    number, 'MkDocs content tabs (`=== "..."`) are not converted; their text shows as code'
                )
            match = ADMONITION.match(text) if markdown[index - 1] else None
            if not match:
                result.append((number, text))
                continue
            kind, title = match[2].lower(), match[3]
            if kind in MYST_ADMONITIONS and not title:
                result.append((number, f":::{{{kind}}}"))
            else:
                heading = title if title else kind.capitalize()
                result += [(number, f":::{{admonition}} {heading}"), (number, f":class: {kind}")]
            if match[1].startswith("???"):
                self.note(number, "a collapsible MkDocs admonition (`???`) becomes a plain admonition")
            end = index
            while end < len(lines) and (not lines[end][1].strip() or lines[end][1].startswith("    ")):
                end += 1
            while end > index and not lines[end - 1][1].strip():
                end -= 1
            result += [(n, t[4:]) for n, t in lines[index:end]]
            result.append((lines[end - 1][0] if end > index else number, ":::"))
            index = end
        return result

    def mdx(self, lines: Lines) -> Lines:
        """MDX `import`/`export` lines go; JSX components become comments."""
        result: Lines = []
        markdown = outside_fences(lines)
        index = 0
        while index < len(lines):
            number, text = lines[index]
            index += 1
            if not markdown[index - 1]:
                result.append((number, text))
            elif MDX_IMPORT.match(text):
                self.note(number, f"MDX `{text.strip()[:60]}` removed")
            elif match := JSX_OPEN.match(text):
                name = match[1]
                end = index - 1
                if not re.search(r"/>\s*$", text) and f"</{name}>" not in text:
                    closing = next((i for i in range(index, len(lines)) if f"</{name}>" in lines[i][1]), None)
                    end = closing if closing is not None else end
                block = "\n".join(t for _, t in lines[index - 1 : end + 1])
                self.problem(number, f"MDX component <{name}> cannot be rendered: turned into a comment")
                result.append((number, comment("MDX component, not rendered:\n" + block + "\n")))
                index = end + 1
            else:
                result.append((number, text))
        return result

    def excerpt_split(self, lines: Lines) -> str:
        """`<!-- more -->` ends the excerpt: the text before it becomes `excerpt` if none is set."""
        markdown = outside_fences(lines)
        for position, ((number, text), md) in enumerate(zip(lines, markdown, strict=True)):
            if md and (MORE.match(text) or self.is_separator(text)):
                before = "\n".join(t for _, t in lines[:position])
                if self.draft.excerpt is None and (excerpt := plain_text(before)):
                    self.draft.excerpt = excerpt
                    self.draft.report.mapped.append(
                        f"the text before `{text.strip()}` (line {number}) → excerpt"
                    )
                lines = lines[:position] + lines[position + 1 :]
                break
        return "\n".join(t for _, t in lines).strip("\n") + "\n"

    def is_separator(self, text: str) -> bool:
        """Jekyll's own `excerpt_separator` (its default, an empty line, is the first paragraph)."""
        separator = self.site.config.get("excerpt_separator") if self.site.tool == "jekyll" else None
        return isinstance(separator, str) and bool(separator.strip()) and text.strip() == separator.strip()

    # -- one line of text ----------------------------------------------------------------------

    def convert_line(self, number: int, text: str) -> str:
        spans: list[str] = []

        def keep(kept: str) -> str:
            """Text no rule may touch, put back at the end."""
            spans.append(kept)
            return f"\x00{len(spans) - 1}\x00"

        text = CODE_SPAN.sub(lambda m: keep(m[0]), text)
        if self.site.tool == "jekyll":
            # `{% raw %}{{ x }}{% endraw %}`: Jekyll shows the text between as it is.
            text = JEKYLL_RAW_SPAN.sub(lambda m: keep(m[1]), text)
        text = self.tool_links(number, text)
        text = IMAGE.sub(lambda m: self.markdown_image(number, m), text)
        text = HTML_IMG.sub(lambda m: self.html_image(number, m[0], text), text)
        text = LINK.sub(lambda m: f"[{m[1]}]({self.link(number, m[2])}{m[3] or ''})", text)
        if match := REFERENCE.match(text):
            target = match[2]
            new = (
                self.image(number, target)
                if re.search(r"\.(png|jpe?g|gif|svg|webp|avif)$", target, re.I)
                else self.link(number, target)
            )
            text = match[1] + new + match[3]
        text = MARKER.sub(lambda m: self.tags[int(m[1])][2], text)
        text = self.unrenderable(number, text)
        return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m[1])], text)

    def tool_links(self, number: int, text: str) -> str:
        """Tool syntax inside links and images: converted, or replaced by a `kbref:` marker."""

        def marker(kind: str) -> Callable[[re.Match[str]], str]:
            def replace(match: re.Match[str]) -> str:
                self.tags.append((kind if kind else match[1], match[len(match.groups())], match[0]))
                return f"kbref:{len(self.tags) - 1}"

            return replace

        if self.site.tool == "hugo":
            text = HUGO_REF.sub(marker("ref"), text)
            text = HUGO_FIGURE.sub(lambda m: self.figure(number, m[1]), text)
        if self.site.tool == "jekyll":
            if JEKYLL_SITE_URL.search(text) or JEKYLL_URL_FILTER.search(text) or JEKYLL_RAW.search(text):
                self.note(number, "Liquid `site.baseurl`/`relative_url`/`raw` removed around a path")
            text = JEKYLL_SITE_URL.sub("", text)
            text = JEKYLL_URL_FILTER.sub(lambda m: m[1], text)
            text = JEKYLL_RAW.sub("", text)
            text = JEKYLL_TAG_LINK.sub(marker(""), text)
        return text

    def figure(self, number: int, arguments: str) -> str:
        """Hugo's `{{< figure src=... alt=... caption=... >}}` → a Markdown image."""
        src = attribute(arguments, "src") or ""
        alt = (
            attribute(arguments, "alt")
            or attribute(arguments, "caption")
            or attribute(arguments, "title")
            or ""
        )
        self.note(
            number,
            "Hugo `figure` shortcode → Markdown image"
            + (" (its caption is the alt text)" if not attribute(arguments, "alt") and alt else ""),
        )
        return f"![{alt}]({src})"

    def unrenderable(self, number: int, text: str) -> str:
        pattern = {"hugo": HUGO_SHORTCODE, "jekyll": LIQUID}.get(self.site.tool)
        if pattern is not None:
            for match in pattern.findall(text):
                self.problem(number, f"`{match[:60]}` cannot be rendered: turned into a comment")
            text = pattern.sub(lambda m: comment(m[0]), text)
        if KRAMDOWN_IAL.search(text) and self.site.tool == "jekyll":
            self.note(number, "kramdown attribute list (`{: ...}`) removed")
            text = KRAMDOWN_IAL.sub("", text).rstrip() if text.strip() else text
        return text

    # -- images ----------------------------------------------------------------------------------

    def markdown_image(self, number: int, match: re.Match[str]) -> str:
        return f"![{match[1]}]({self.image(number, match[2])}{match[3] or ''})"

    def html_image(self, number: int, tag: str, line: str) -> str:
        src = attribute(tag, "src")
        if src is None:
            return tag
        new = self.image(number, src)
        if new == src:
            return tag
        if line.strip() == tag.strip():
            # A lone <img> becomes Markdown, so that Sphinx copies and checks the file.
            self.note(number, "an HTML <img> became a Markdown image")
            return f"![{attribute(tag, 'alt') or ''}]({new})"
        image = next((i for i in self.draft.images if body_path(self.layout, i) == new), None)
        self.note(number, "an HTML <img> inside other HTML keeps a site-root src (not checked by the build)")
        return tag.replace(src, site_path(image) if image else new, 1)

    def image(self, number: int, raw: str, front_matter: bool = False) -> str:
        """The new reference to an image the post uses, copied to the public folder: a site-root
        path for the front matter, a path relative to the post in the body (Sphinx then copies
        and checks it). Remote images stay as they are."""
        target = raw.strip("<>")
        if match := MARKER.fullmatch(target):
            target = self.tags[int(match[1])][1]
        found = self.locate(target)
        if found is None:
            if target.startswith("http://"):
                self.note(number, f"image `{target}` is on http: browsers may block it on an https site")
            return raw
        file, expected = found
        copy = copy_name(self.draft, file or expected, self.layout.posts_dir)
        if file is None:
            self.problem(
                number, f"image `{target}` not found; put it at {self.layout.public_dir}/{copy.public_path}"
            )
        return site_path(copy) if front_matter else body_path(self.layout, copy)

    def locate(self, target: str) -> tuple[Path | None, Path] | None:
        """The old site's file a path names (None when missing) and where it was looked for;
        None for a remote URL."""
        source = self.draft.source.path
        if pelican := PELICAN_LINK.match(target):
            path = pelican[2]
            root = self.site.static_roots[0]
            expected = root / path.lstrip("/") if path.startswith("/") else source.parent / path
            return (expected.resolve() if expected.is_file() else None), expected
        if SCHEME.match(target):
            parts = urlsplit(target)
            if not (self.site.host and parts.netloc == self.site.host):
                return None
            target = parts.path
        path = unquote(target.split("#")[0].split("?")[0])
        root = self.site.static_roots[0]
        expected = root / path.lstrip("/") if path.startswith("/") else source.parent / path
        return local_file(self.site, target, source), expected

    # -- links -----------------------------------------------------------------------------------

    def link(self, number: int, raw: str) -> str:
        target = raw.strip("<>")
        source = self.draft.source
        if match := MARKER.fullmatch(target):
            kind, payload, original = self.tags[int(match[1])]
            found = self.index.by_tag(kind, payload, source.path)
            if found is None:
                self.problem(number, f"`{original}` names no imported post; the build will warn about it")
                return payload.strip("\"'")
            return self.post_link(number, found, "")
        if pelican := PELICAN_LINK.match(target):
            found = self.index.by_tag("filename", pelican[2], source.path)
            if found is not None:
                return self.post_link(number, found, "")
            return self.image(number, raw) if pelican[1] in ("static", "attach") else raw
        if target.startswith("#") or not target:
            return raw
        if SCHEME.match(target):
            parts = urlsplit(target)
            if not (self.site.host and parts.netloc == self.site.host and parts.scheme in ("http", "https")):
                return raw
            target = parts.path + (f"#{parts.fragment}" if parts.fragment else "")
        path, _, anchor = target.partition("#")
        if path.startswith("/"):
            found = self.index.by_url.get(url_key(path))
        else:
            found = self.index.by_path(path, source.path, self.draft.address or "/")
        if found is not None:
            return self.post_link(number, found, anchor)
        file = local_file(self.site, path, source.path)
        if file is not None and file.suffix.lower() not in (".md", ".mdx", ".markdown", ".html"):
            copy = copy_name(self.draft, file, self.layout.posts_dir)
            self.note(number, f"linked file `{path}` copied to {self.layout.public_dir}/{copy.public_path}")
            return body_path(self.layout, copy)
        if path.startswith("/") and self.site.host:
            self.note(number, f"link `{raw}` is not an imported post: it now points to the old site")
            return f"https://{self.site.host}{target}"
        self.problem(number, f"link `{raw}` points to no imported post or file; the build will warn about it")
        return raw

    def post_link(self, number: int, found: Draft, anchor: str) -> str:
        if anchor:
            self.note(
                number, f"link to {found.slug}.md: its anchor `#{anchor}` was dropped (no heading anchors)"
            )
        if found.status == "draft" and self.draft.status != "draft":
            self.problem(number, f"links to the draft {found.slug}.md: the build warns until it is published")
        return f"{found.slug}.md"
