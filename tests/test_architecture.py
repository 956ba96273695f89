"""The layers of docs/architecture.md, checked: imports only point down, and no circles.

Every import of every module in ``encoder_kit/`` and ``autograder/`` is read with ``ast``,
imports inside functions included (a lazy import is still a dependency); only those under
``if TYPE_CHECKING:`` are left out (they never run). Each module belongs to a layer:

    5  cli          encoder_kit/cli.py, autograder/course/commands/
    4  front ends   encoder_kit/widgets/ | autograder/course/ (the rest)
    3  grading      autograder/ (top-level modules)
    2  questions    encoder_kit/questions/ (with the answers-file format)
    1  encoder      encoder_kit/ (top-level modules and encoder_kit/data/)

A module may import its own layer or a lower one; the two front ends do not import each
other; and no set of modules imports each other in a circle (an import cycle makes the
order of imports matter and hides which module is the lower one).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("encoder_kit", "autograder")
LAYER_NAMES = {1: "encoder library", 2: "questions", 3: "grading engine", 4: "front ends",
               5: "CLI"}


def module_files() -> dict[str, Path]:
    """``{dotted module name: file}`` for every module of the two packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = module_files()


def layer(module: str) -> int:
    """The layer of ``module`` (see the module docstring)."""
    if module == "encoder_kit.cli" or module.startswith("autograder.course.commands"):
        return 5
    if module.startswith(("encoder_kit.widgets", "autograder.course")):
        return 4
    if module.startswith("autograder"):
        return 3
    if module.startswith("encoder_kit.questions"):
        return 2
    return 1


def front_end(module: str) -> str | None:
    """Which front end ``module`` belongs to (None: not a front end)."""
    if layer(module) != 4:
        return None
    return "widgets" if module.startswith("encoder_kit.widgets") else "course"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement in ``tree``, at any depth, except under TYPE_CHECKING."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _known(name: str) -> str | None:
    """``name`` or its nearest ancestor that is one of our modules (None: not ours)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imported_by(module: str) -> set[str]:
    """The modules of ours that ``module`` imports (directly; parent packages not counted)."""
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                       for alias in node.names]
        for target in targets:
            known = _known(target)
            if known is not None and known != module:
                found.add(known)
    return found


GRAPH = {module: imported_by(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _path_within(component: list[str]) -> str:
    """One circle through the component, for the message (a -> b -> ... -> a)."""
    members = set(component)
    start = component[0]
    path, seen, node = [start], {start}, start
    while True:
        nxt = next((n for n in sorted(GRAPH[node]) if n in members and n == start), None)
        if nxt is None:
            nxt = next((n for n in sorted(GRAPH[node]) if n in members and n not in seen),
                       None)
        if nxt is None or nxt == start:
            return " -> ".join([*path, start])
        path.append(nxt)
        seen.add(nxt)
        node = nxt


def test_the_checker_reads_imports_inside_functions_and_resolves_relative_ones() -> None:
    assert "autograder.course.runner.worker" in MODULES
    # a relative import of a sibling module, and one of a module in another subpackage
    assert "autograder.course.runner.executor" in GRAPH["autograder.course.runner.batch"]
    assert "autograder.course.sandbox.limits" in GRAPH["autograder.course.runner.batch"]
    # imported inside a function only (kept lazy for speed): still a dependency
    assert "autograder.course.runner.dask_executor" in GRAPH["autograder.course.commands.grade"]
    assert layer("encoder_kit.cli") == 5 and layer("autograder.course.commands.demo") == 5
    assert layer("autograder.course.protocol") == 4 and layer("encoder_kit.widgets.base") == 4
    assert layer("autograder.saved") == 3 and layer("encoder_kit.questions.files.answers_file") == 2
    assert layer("encoder_kit.encoder") == 1 and layer("encoder_kit.data.exercises") == 1
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_a_higher_layer() -> None:
    upward = [f"{module} (layer {layer(module)}, {LAYER_NAMES[layer(module)]}) imports "
              f"{target} (layer {layer(target)}, {LAYER_NAMES[layer(target)]})"
              for module, targets in sorted(GRAPH.items()) for target in sorted(targets)
              if layer(target) > layer(module)]
    assert not upward, "imports that point up (move the shared code down a layer):\n" + \
        "\n".join(upward)


def test_the_two_front_ends_do_not_import_each_other() -> None:
    crossing = [f"{module} imports {target}" for module, targets in sorted(GRAPH.items())
                for target in sorted(targets)
                if front_end(module) and front_end(target)
                and front_end(module) != front_end(target)]
    assert not crossing, "the widgets and the course share code through layers 1-3:\n" + \
        "\n".join(crossing)


def test_no_modules_import_each_other_in_a_circle() -> None:
    found = cycles(GRAPH)
    assert not found, "import cycles (break each by moving what both need into a lower " \
        "module):\n" + "\n".join(_path_within(c) for c in found)


SPLIT_BY_ROLE = ("autograder/course", "encoder_kit/questions")  # subpackages by role


@pytest.mark.parametrize("package", [*SPLIT_BY_ROLE, *(
    str(p.relative_to(REPO)) for root in SPLIT_BY_ROLE for p in sorted((REPO / root).iterdir())
    if p.is_dir() and (p / "__init__.py").exists())])
def test_the_course_and_the_questions_have_at_most_ten_modules_at_one_level(package: str
                                                                           ) -> None:
    modules = sorted(p.name for p in (REPO / package).glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= 10, f"{package} has {len(modules)} modules: {modules}"


def test_no_module_shadows_the_standard_library() -> None:
    shadows = [module for module in MODULES
               if module.rpartition(".")[2] in sys.stdlib_module_names]
    assert not shadows, f"modules named like standard modules (rename them): {shadows}"
