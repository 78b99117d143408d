"""Translations are written as `blog/<slug>.<language>.md` beside their original and published as
`<language>/blog/<slug>` (docs/translations.md): the document name, which Sphinx takes from the
file's path, is mapped to the page's name when Sphinx finds the source files.

Sphinx keeps a two-way mapping between each document name and its file (`Project`); changing it
right after discovery keeps everything else Sphinx does (reading the file, warnings with its
path and lines, output paths, relative links, incremental builds by the file's time) working
from the real file, under the page's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.project import Project

from sphinx_kb.site.domain import get_catalog

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx


def renamed_documents(app: Sphinx) -> dict[Path, str]:
    """Each valid translation's file (relative to the source folder) -> its page's document name."""
    catalog = get_catalog(app.env)
    srcdir = Path(app.srcdir)
    return {
        post.path.relative_to(srcdir): catalog.layout.docname_of(post)
        for versions in catalog.translations.values()
        for post in versions.values()
    }


def rename(project: Project, renamed: dict[Path, str]) -> None:
    for path, docname in renamed.items():
        old = project._path_to_docname.get(path)
        if old is None or old == docname:
            continue
        project.docnames.discard(old)
        project._docname_to_path.pop(old, None)
        project.docnames.add(docname)
        project._path_to_docname[path] = docname
        project._docname_to_path[docname] = path


class RenamingProject(Project):
    """Sphinx's Project, giving translations their page's name whenever it discovers the files."""

    renamed: dict[Path, str]

    def discover(self, exclude_paths: Iterable[str] = (), include_paths: Iterable[str] = ("**",)) -> set[str]:
        super().discover(exclude_paths, include_paths)
        rename(self, getattr(self, "renamed", {}))
        return self.docnames


def map_translations(app: Sphinx) -> None:
    """builder-inited (after the catalog is read): from now on, Sphinx's discovery of the source
    files (once per build, right before it compares them with the last build) renames the
    translations. A class, not a patched method: the project is pickled with the environment."""
    project = app.project
    if not isinstance(project, RenamingProject):
        project.__class__ = RenamingProject
    project.renamed = renamed_documents(app)  # type: ignore[attr-defined]
