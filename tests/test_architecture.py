"""The package's shape is checked, not hoped for: no import cycles between its modules, and the
layer contract of pyproject.toml (`make lint` runs lint-imports) holds and catches a violation."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
PACKAGE = REPO / "sphinx_kb"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str, modules: set[str]) -> set[str]:
    """Every module of the package that a module imports: at the top, in functions and under
    `if TYPE_CHECKING:` alike (a cycle of type-only imports still ties the modules together)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def add(target: str) -> None:
        while target not in modules and "." in target:
            target = target.rpartition(".")[0]
        if target in modules and target != name:
            found.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                # `from sphinx_kb.pages import listing` imports the module sphinx_kb.pages.listing.
                add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {module_name(p, root): p for p in root.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, name, modules) for name, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_package_has_no_import_cycles():
    graph = import_graph(PACKAGE)
    assert len(graph) > 50  # the whole package was read
    assert cycles(graph) == []


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_cycle_check_finds_cycles_of_every_kind(tmp_path):
    package = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg.b import x\n",
            "b.py": "def f():\n    from pkg import c\n",
            # A cycle that exists only for the type checker counts too.
            "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import y\n",
            "d.py": "from . import a\n",
            "sub/__init__.py": "",
            "sub/e.py": "from ..sub import f\n",
            "sub/f.py": "from pkg.sub.e import z\n",
        },
    )
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.b", "pkg.c"], ["pkg.sub.e", "pkg.sub.f"]]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` (what `make lint` runs) with the repository's contract, on the package in `root`."""
    if not LINT_IMPORTS.exists():
        pytest.fail(f"{LINT_IMPORTS} is missing: install requirements-test.txt (make test does)")
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "sphinx_kb", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "sphinx_kb"


def test_the_layer_contract_holds(tmp_path):
    # Run on a copy, so that the check below shows it is this copy that lint-imports reads.
    copy_package(tmp_path)
    result = lint_imports(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # content imports a page module: a lower layer reaching up (and Sphinx through it).
        (
            "content/post.py",
            "from sphinx_kb.pages import listing",
            [
                "sphinx_kb.content is not allowed to import sphinx_kb.pages",
                "sphinx_kb.content is not allowed to import docutils",
            ],
        ),
        # content imports Sphinx itself.
        (
            "content/catalog.py",
            "import sphinx.builders",
            ["sphinx_kb.content is not allowed to import sphinx"],
        ),
        # the command line reaches into the build's outputs.
        (
            "cli/new.py",
            "import sphinx_kb.outputs.feeds",
            ["sphinx_kb.cli is not allowed to import sphinx_kb.outputs"],
        ),
        # a page module imports the glue above it.
        (
            "pages/tags.py",
            "from sphinx_kb.glue import memory",
            ["sphinx_kb.pages is not allowed to import sphinx_kb.glue"],
        ),
    ],
)
def test_the_layer_contract_fails_on_an_import_that_points_up(tmp_path, module, line, broken):
    path = copy_package(tmp_path) / module
    text = path.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    path.write_text(text.replace(anchor, f"{anchor}\n{line}  # noqa\n", 1), encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    for message in broken:
        assert message in result.stdout, result.stdout
