"""The shape of the house: the library imports no shell, no package imports in a circle, files stay small."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("pipeline", "service", "cli", "flows", "desk")
MAX_LINES = 420  # "about 400": a file past it is split along its seams


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool) -> Iterator[str]:
    """Absolute module names imported by `path` (function-level imports too unless `top_level_only`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("pipeline", ("prefect", "flows", "service", "cli", "desk")),
        ("service", ("prefect", "flows", "cli", "desk")),
        ("desk", ("prefect", "cli")),  # the desk resumes runs through flows.review only
    ],
)
def test_the_library_imports_no_shell(package: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{name} imports {imported}"
        for name, path in MODULES.items()
        if name.split(".")[0] == package
        for imported in _imports(path, top_level_only=False)
        if imported.split(".")[0] in forbidden
    ]
    assert not offenders, offenders


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for imported in _imports(path, top_level_only=True):
            while imported and imported not in MODULES:  # "pkg.mod.name" -> "pkg.mod"
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1 and not _is_parent_package(target, path):
                raise AssertionError("import cycle: " + " -> ".join([*path[path.index(target) :], target]))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _is_parent_package(target: str, path: list[str]) -> bool:
    # A module importing a sibling through its package's __init__ while that __init__ imports it back
    # is how a package re-exports its parts; Python resolves it because the submodule is already loaded.
    return any(p.startswith(target + ".") for p in path[path.index(target) + 1 :])


def test_no_file_grows_past_about_400_lines() -> None:
    long = {
        name: n
        for name, path in MODULES.items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these along their seams: {long}"
