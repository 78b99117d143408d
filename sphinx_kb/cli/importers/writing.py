"""Write imported posts and their images, and check them the way `kb check` does."""

from __future__ import annotations

import dataclasses
import filecmp
import json
import os
import shutil
import tempfile
from pathlib import Path

from sphinx_kb.cli.importers.fields import iso
from sphinx_kb.cli.importers.model import Date, Draft
from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.problems import sort_key
from sphinx_kb.content.reading import build_catalog


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


def stage(drafts: list[Draft], layout: Layout, folder: Path) -> Layout:
    """The source folder as it would be after the import, in a scratch folder: the real files as
    symlinks (checks across posts see them), the imported posts and their images added."""
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
    return staged


def check(drafts: list[Draft], layout: Layout) -> None:
    """Add to each draft's report the problems `kb check` would find in the written post."""
    with tempfile.TemporaryDirectory(prefix="kb-import-") as scratch:
        staged = stage(drafts, layout, Path(scratch) / "source")
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
