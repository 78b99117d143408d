"""Write imported posts and their images, and check them the way `kb check` does."""

from __future__ import annotations

import dataclasses
import filecmp
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml

from sphinx_kb.cli.importers.fields import iso
from sphinx_kb.cli.importers.model import Date, Draft, NewCategory, UsageError
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.categories import load_categories
from sphinx_kb.content.problems import Severity, sort_key
from sphinx_kb.content.reading import build_catalog

# The first entry of categories.yml's list, whose indentation new entries take.
FIRST_ENTRY = re.compile(rb"^( *)-(?: |$)", re.M)


def yaml_value(value: str | Date | list[str]) -> str:
    """A front-matter value: dates bare (YAML reads them as dates), text and lists JSON-quoted
    (valid YAML, and safe for `:` or `#` in a title)."""
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return iso(value)


def render(draft: Draft) -> str:
    fields: list[tuple[str, str | Date | list[str] | None]] = [
        ("title", draft.title),
        ("slug", draft.slug),
        ("category", draft.category),
        ("excerpt", draft.excerpt),
        ("description", draft.description),
        ("ogImage", draft.og_image),
        ("status", draft.status),
        ("date", draft.date),
        ("updated", draft.updated),
        ("author", draft.author),
        ("tags", draft.tags or None),
        ("redirect_from", draft.old_urls or None),
    ]
    lines = [f"{key}: {yaml_value(value)}" for key, value in fields if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + draft.body


def stage(drafts: list[Draft], layout: Layout, folder: Path, categories: bytes = b"") -> Layout:
    """The source folder as it would be after the import, in a scratch folder: the real files as
    symlinks (checks across posts see them), the imported posts and their images added, and
    `categories` at the end of categories.yml."""
    staged = dataclasses.replace(layout, srcdir=folder)
    shutil.copytree(
        layout.srcdir.resolve(),
        folder,
        symlinks=True,
        copy_function=os.symlink,
        ignore=shutil.ignore_patterns("_build", ".git"),
    )
    staged.posts_path.mkdir(parents=True, exist_ok=True)
    for draft in drafts:
        (staged.posts_path / f"{draft.slug}.md").write_text(render(draft), encoding="utf-8")
        for image in draft.images:
            target = folder / layout.public_dir / image.public_path
            if image.source.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(image.source, target)
    if categories:
        staged_file = folder / layout.categories_file
        original = layout.srcdir / layout.categories_file
        old = original.read_bytes() if original.is_file() else b""
        staged_file.unlink(missing_ok=True)  # a symlink to the real file, which must not change
        staged_file.parent.mkdir(parents=True, exist_ok=True)
        staged_file.write_bytes(old + categories)
    return staged


def check(drafts: list[Draft], layout: Layout, categories: bytes = b"") -> None:
    """Add to each draft's report the problems `kb check` would find in the written post (with
    `categories` added to categories.yml)."""
    with tempfile.TemporaryDirectory(prefix="kb-import-") as scratch:
        staged = stage(drafts, layout, Path(scratch) / "source", categories)
        catalog = build_catalog(staged)
        by_path = {(staged.posts_path / f"{d.slug}.md"): d for d in drafts}
        for problem in sorted(catalog.problems, key=sort_key):
            draft = by_path.get(problem.path)
            if draft is None:
                continue
            where = f"{layout.posts_dir}/{draft.slug}.md:{problem.line or 1}"
            draft.report.problems.append(
                f"{where}: kb check {problem.severity.value}: {problem.text} [kb.{problem.subtype}]"
            )


def write(drafts: list[Draft], layout: Layout) -> list[Path]:
    """Write the posts and copy their images; nothing that exists is overwritten."""
    written = []
    for draft in drafts:
        for image in draft.images:
            if not image.source.is_file():
                continue
            target = layout.srcdir / layout.public_dir / image.public_path
            if target.exists():
                if not filecmp.cmp(image.source, target, shallow=False):
                    draft.report.problems.append(
                        f"{layout.public_dir}/{image.public_path} exists with other content: not overwritten"
                    )
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(image.source, target)
            written.append(target)
        path = layout.posts_path / f"{draft.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(render(draft))
        written.append(path)
    return written


def yaml_text(value: str) -> str:
    """A categories.yml value: plain when YAML reads it back as this text (`Managed IT`), else
    double-quoted (`"2021"`, `"Q&A: tips"`)."""
    try:
        if yaml.safe_load(f"key: {value}") == {"key": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def category_entries(categories: list[NewCategory], indent: str = "", newline: str = "\n") -> str:
    """`- name: ...` entries, with `parent: ...` below the name of a nested one."""
    lines = []
    for category in categories:
        lines.append(f"{indent}- name: {yaml_text(category.name)}")
        if category.parent is not None:
            lines.append(f"{indent}  parent: {yaml_text(category.parent)}")
    return "".join(line + newline for line in lines)


def category_addition(path: Path, categories: list[NewCategory]) -> bytes:
    """The bytes to append to categories.yml (which may not exist) for `categories`: entries in the
    indentation and line ends of its list. Raises UsageError when the file would not read as its
    categories and these after it: it is then left to the writer."""
    old = path.read_bytes() if path.is_file() else b""
    first = FIRST_ENTRY.search(old)
    indent = first[1].decode() if first else ""
    newline = "\r\n" if b"\r\n" in old else "\n"
    # Appending keeps every byte of the file, comments included (PyYAML would drop them).
    separator = newline.encode() if old and not old.endswith(b"\n") else b""
    addition = separator + category_entries(categories, indent, newline).encode("utf-8")
    check_addition(path, old, addition, categories)
    return addition


def check_addition(path: Path, old: bytes, addition: bytes, categories: list[NewCategory]) -> None:
    """The file with `addition` must hold its categories, then `categories`, with no new problem."""
    before, before_problems = load_categories(path)
    with tempfile.TemporaryDirectory(prefix="kb-import-") as scratch:
        trial = Path(scratch) / path.name
        trial.write_bytes(old + addition)
        after, after_problems = load_categories(trial)
    expected = [c.name for c in before] + [c.name for c in categories]
    if [c.name for c in after] == expected and len(after_problems) == len(before_problems):
        return
    errors = [p for p in before_problems if p.severity is Severity.ERROR]
    if errors:
        where, what = f"{path}:{errors[0].line or 1}", errors[0].text
        fix = "Fix it (`kb check` lists the file's problems) and run again"
    else:
        where, what = str(path), "entries cannot be appended: it is not a block list of `- name: ...`"
        fix = "Make it one and run again"
    entries = category_entries(categories).rstrip()
    raise UsageError(f"{where}: {what}. {fix}, or add these by hand:\n{entries}\n(nothing was written)")


def append_categories(path: Path, addition: bytes) -> Path:
    """Append to categories.yml, creating it when it is missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(addition)
    return path
