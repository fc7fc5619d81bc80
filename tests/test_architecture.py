"""The architecture's dependency rule, checked on the source (docs/architecture.md).

Every import of an ``ncgain`` module anywhere in a file (module level or inside a
function: a lazy import is a dependency too) is an edge of the import graph. Two rules:

* **Direction between rooms.** ``models`` imports nothing of ours but ``ncgain.fileio``; ``kinetics`` imports
  ``models``; ``fit`` and ``sweeps`` import ``kinetics`` and ``models``; ``studies`` imports
  those; ``benchmarks`` and ``cli`` sit on top. ``ncgain.fileio`` (atomic files) imports
  nothing of ours and may be used by every room but ``kinetics`` (which writes no files).
* **No circles inside a room** (the rooms in ``ACYCLIC_ROOMS``).

Backward-compatibility shims (old import paths that re-export a moved module) are listed
in ``SHIMS`` and may point anywhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: folder at the repository root -> installed name
FOLDERS = {"models": "ncgain.models", "kinetics": "ncgain.kinetics", "studies": "ncgain.studies",
           "sweeps": "ncgain.sweeps", "cli": "ncgain.cli", "benchmarks": "ncgain.benchmarks",
           "fit": "ncgain.fit", "ncgain": "ncgain"}

#: room -> rooms it may import (besides itself)
ALLOWED = {
    "models": {"fileio"},
    "kinetics": {"models"},
    "fit": {"models", "kinetics"},
    "sweeps": {"models", "kinetics", "fileio"},
    "studies": {"models", "kinetics", "fit", "sweeps", "fileio"},
    "benchmarks": {"models", "kinetics", "fit", "sweeps", "studies", "fileio"},
    "cli": {"models", "kinetics", "fit", "sweeps", "studies", "benchmarks", "fileio"},
    "fileio": set(),
}

#: rooms whose internal import graph must be free of circles
ACYCLIC_ROOMS = ["models", "kinetics", "studies", "sweeps", "cli", "benchmarks", "fit"]

#: old import paths kept as re-exports of moved modules (may import any room)
SHIMS: set[str] = {"ncgain.studies.cli", "ncgain.studies.sweep", "ncgain.studies._io",
                    "ncgain.studies.benchmark"}


def _modules() -> dict[str, Path]:
    found = {}
    for folder, name in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = [name, *path.relative_to(ROOT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The ncgain modules that ``module`` imports (resolved to known module names)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            # the longest known module that the name starts with
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def _room(module: str) -> str | None:
    parts = module.split(".")
    if parts == ["ncgain"]:
        return None        # the package's __init__: re-exports, not a dependency
    if parts[1] in ALLOWED:
        return parts[1]
    return parts[1] if parts[1] in FOLDERS else None


GRAPH = {m: _imports(m, p, set(_modules())) for m, p in _modules().items()}


def test_graph_sees_the_package():
    assert "ncgain.models.sample" in GRAPH
    assert "ncgain.models.state_table" in GRAPH["ncgain.kinetics.pulsed"]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if _room(m) is not None))
def test_direction_between_rooms(module):
    if module in SHIMS:
        return
    room = _room(module)
    wrong = sorted(t for t in GRAPH[module]
                   if _room(t) is not None and _room(t) != room and _room(t) not in ALLOWED[room])
    assert not wrong, f"{module} ({room}) may not import {wrong}"


def _cycle(nodes: set[str]) -> list[str] | None:
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(GRAPH[node] & nodes):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(nodes):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


@pytest.mark.parametrize("room", ACYCLIC_ROOMS)
def test_no_circles_inside_a_room(room):
    nodes = {m for m in GRAPH if _room(m) == room and m not in SHIMS}
    # a package's __init__ re-exports its modules: edges into the __init__ are not circles
    nodes.discard(FOLDERS[room])
    assert _cycle(nodes) is None, " -> ".join(_cycle(nodes))
