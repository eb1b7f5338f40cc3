"""The import structure of the apps (issue 12, acceptance "import-structure check").

A short ``ast`` walk over the apps' source (tests and bench are not apps) builds the app → app
import graph and fails when an app imports one on a floor above it, when an app imports one it
must never import, or when apps import each other (any cycle). The floors and the nevers are the
target drawn in shared/house.json ("arrows" and "never"), declared here as data.

Every ``import``/``from … import`` counts, at module level or inside a function; relative imports
stay inside their app. Imports by dotted string (settings, ``import_module``) are not seen.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Floors, lowest first: an app may import apps on its own floor or below, never above.
FLOORS: dict[str, int] = {
    # ground floor: domain errors (core) and the organisation (org: departments, users, roles, access checks)
    "core": 0,
    "org": 0,
    # the deadline engine: calendars, ladders, sweeper, notifications, audit
    "sla": 1,
    # workflow apps (SPEC 1-4); billing sits under orders and faults (they bill through it);
    # dashboards read the engine's reports
    "accounts": 2,
    "billing": 2,
    "responses": 2,
    "faults": 2,
    "dashboards": 2,
    # settings, urls, the Celery app: wires every app together
    "config": 3,
}
APPS = sorted(FLOORS)

# Imports that must never exist, whatever the floors say (house.json "never").
NEVER: dict[tuple[str, str], str] = {
    ("sla", "responses"): "the engine knows no app; apps register hooks",
    ("sla", "faults"): "the engine knows no app",
    ("sla", "billing"): "the engine knows no app",
    ("sla", "accounts"): "the organisation belongs on the ground floor, below the engine",
    ("org", "core"): "the organisation imports nothing of ours",
    ("core", "org"): "domain errors know no organisation",
    ("billing", "responses"): "billing reads orders through hooks, never imports them",
}

Graph = dict[tuple[str, str], set[tuple[str, str]]]


def import_graph(root: Path = ROOT, apps: list[str] = APPS) -> Graph:
    """{(importing app, imported app): {(file, module), …}} over the apps' Python files."""
    graph: Graph = defaultdict(set)
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    target = module.split(".")[0]
                    if target in apps and target != app:
                        graph[(app, target)].add((path.relative_to(root).as_posix(), module))
    return dict(graph)


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """One cycle (a → … → a) through each group of apps that import each other."""
    successors: dict[str, set[str]] = defaultdict(set)
    for src, dst in edges:
        successors[src].add(dst)
    found: list[list[str]] = []
    seen_groups: list[set[str]] = []
    for start in sorted(successors):
        # breadth-first search for the shortest way back to start
        paths = [[start]]
        visited = {start}
        while paths:
            path = paths.pop(0)
            for nxt in sorted(successors[path[-1]]):
                if nxt == start:
                    cycle = path + [start]
                    if set(cycle) not in seen_groups:
                        seen_groups.append(set(cycle))
                        found.append(cycle)
                    paths = []
                    break
                if nxt not in visited:
                    visited.add(nxt)
                    paths.append(path + [nxt])
    return found


def violations(
    graph: Graph,
    floors: dict[str, int] = FLOORS,
    never: dict[tuple[str, str], str] = NEVER,
) -> list[str]:
    """What is wrong with ``graph``: one line per offending import (with its file) and per cycle."""
    problems: list[str] = []
    remaining: set[tuple[str, str]] = set()
    for (src, dst), imports in sorted(graph.items()):
        for file, module in sorted(imports):
            if (src, dst) in never:
                problems.append(f"{file} imports {module}: {src} must never import {dst} ({never[(src, dst)]})")
            elif floors[dst] > floors[src]:
                problems.append(
                    f"{file} imports {module}: {src} (floor {floors[src]}) imports {dst}, "
                    f"a floor above (floor {floors[dst]})"
                )
        if imports:
            remaining.add((src, dst))
    for cycle in _cycles(remaining):
        problems.append("apps import each other: " + " → ".join(cycle))
    return problems


def test_the_apps_follow_the_layering():
    """No app imports one above it or one it must never import, no two apps import each other —
    with no exception (issue 12 §3: the organisation is on the ground floor, the engine on it)."""
    graph = import_graph()
    assert violations(graph) == []


def test_the_walk_sees_the_imports_that_exist():
    """The walk finds real arrows (function-level imports included), so a passing check means something."""
    graph = import_graph()
    assert ("sla/services/sweeper.py", "org.models") in graph[("sla", "org")]
    assert ("accounts", "sla") in graph
    assert ("dashboards", "sla") in graph
    assert not [pair for pair in graph if pair[0] == "org"]  # the ground floor imports nothing of ours
    assert ("responses", "billing") in graph
    assert all(app in FLOORS for pair in graph for app in pair)


def test_a_cycle_in_source_files_fails(tmp_path):
    """End to end on a toy tree: a function-level import closes the cycle; relative imports stay inside."""
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    (tmp_path / "low" / "models.py").write_text("from . import rules\n\n\ndef f():\n    import high.views\n")
    (tmp_path / "high" / "views.py").write_text("from low.models import f\n")
    graph = import_graph(tmp_path, ["high", "low"])
    assert graph == {
        ("high", "low"): {("high/views.py", "low.models")},
        ("low", "high"): {("low/models.py", "high.views")},
    }
    assert violations(graph, floors={"low": 0, "high": 1}, never={}) == [
        "low/models.py imports high.views: low (floor 0) imports high, a floor above (floor 1)",
        "apps import each other: high → low → high",
    ]


def test_a_cycle_fails_with_its_path():
    graph = {
        ("billing", "faults"): {("billing/services.py", "faults.models")},
        ("faults", "billing"): {("faults/services.py", "billing.models")},
    }
    assert violations(graph) == ["apps import each other: billing → faults → billing"]


def test_a_longer_cycle_and_an_upward_import_fail():
    floors = {"a": 0, "b": 1, "c": 1}
    graph = {
        ("a", "b"): {("a/x.py", "b.models")},
        ("b", "c"): {("b/y.py", "c.services")},
        ("c", "a"): {("c/z.py", "a")},
    }
    assert violations(graph, floors=floors, never={}) == [
        "a/x.py imports b.models: a (floor 0) imports b, a floor above (floor 1)",
        "apps import each other: a → b → c → a",
    ]


def test_a_never_arrow_fails_even_on_the_same_floor():
    graph = {("billing", "responses"): {("billing/services.py", "responses.models")}}
    assert violations(graph) == [
        "billing/services.py imports responses.models: billing must never import responses "
        "(billing reads orders through hooks, never imports them)"
    ]


def test_a_new_back_arrow_fails():
    """An import from the engine back up to a workflow app fails, and closes a cycle."""
    graph = import_graph()
    graph[("sla", "accounts")] = {("sla/tasks.py", "accounts.access")}
    assert violations(graph) == [
        "sla/tasks.py imports accounts.access: sla must never import accounts "
        "(the organisation belongs on the ground floor, below the engine)",
        "apps import each other: accounts → sla → accounts",
    ]


def test_the_ground_floor_importing_an_app_fails():
    graph = import_graph()
    graph[("org", "sla")] = {("org/access.py", "sla.models")}
    assert violations(graph) == [
        "org/access.py imports sla.models: org (floor 0) imports sla, a floor above (floor 1)",
        "apps import each other: org → sla → org",
    ]
