"""The layout shows the architecture: no import cycles, models never import views, and
features react to each other through events rather than calling into each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "elearn"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports() -> dict[str, set[str]]:
    """Module -> the elearn modules it imports at module level (not inside functions)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        for node in tree.body:
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("elearn") and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles, ignoring a package's __init__ importing its own modules."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def own_package(a: str, b: str) -> bool:
        return a == b.rpartition(".")[0] or b == a.rpartition(".")[0]

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if own_package(node, nxt):
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_the_cycle_finder_finds_cycles():
    graph = {"a.x": {"a.y"}, "a.y": {"b.z"}, "b.z": {"a.x"}, "a": {"a.x"}}
    assert find_cycles(graph) == [["a.x", "a.y", "b.z", "a.x"]]


def test_there_are_no_import_cycles():
    graph = imports()
    assert len(graph) > 80
    assert find_cycles(graph) == []


def test_importing_a_model_never_imports_views():
    graph = imports()

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    models = [m for m in graph if m.endswith(".models")]
    assert len(models) >= 9
    for model in models:
        views = {m for m in reachable(model) if m.endswith((".routes", ".commands"))}
        assert views == set(), (model, views)


def test_features_meet_through_events_not_calls():
    graph = imports()

    def uses(prefix: str, other: str) -> set[str]:
        return {
            target
            for module, targets in graph.items()
            if module.startswith(prefix)
            for target in targets
            if target.startswith(other)
        }

    # Quizzes grade and announce it; they never run the completion rule themselves.
    assert uses("elearn.quiz", "elearn.learn") <= {"elearn.learn.enrolment"}
    assert uses("elearn.quiz", "elearn.certificates") == set()
    # Certificates are issued on course_completed; they know nothing of lessons or quizzes.
    assert uses("elearn.certificates", "elearn.learn") == set()
    assert uses("elearn.certificates", "elearn.quiz") == set()
    # Content knows no learner.
    assert uses("elearn.content", "elearn.learn") == set()
    assert uses("elearn.content", "elearn.quiz") <= {
        "elearn.quiz.gift",
        "elearn.quiz.gift_writer",
        "elearn.quiz.question",
        "elearn.quiz.richtext",
    }
