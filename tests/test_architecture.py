"""The layers of `tool/` import only downwards, and no module imports itself round a cycle.

docs/architecture.md describes the layers; this test is what keeps the description true.
Every import counts, including one inside a function: a lazy import hides a cycle, it does
not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tool"

# Lowest first. A module may import from its own layer and the layers below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("tool", "tool.errors", "tool.model", "tool.text", "tool.ids", "tool.printable")),
    ("parse", ("tool.parse", "tool.links")),
    ("store", ("tool.store",)),
    ("templating", ("tool.templating",)),
    ("rules", ("tool.rules",)),
    ("formats", ("tool.formats",)),
    (
        "use cases",
        (
            "tool.people",
            "tool.scaffold",
            "tool.questions",
            "tool.drafts",
            "tool.brief",
            "tool.index",
            "tool.listing",
            "tool.search",
            "tool.template_checks",
            "tool.check",
            "tool.validation",
            "tool.edits",
            "tool.importing",
            "tool.leads",
            "tool.history",
            "tool.formatting",
        ),
    ),
    ("digest", ("tool.digest",)),
    ("exports", ("tool.exporting",)),
    ("lsp", ("tool.lsp",)),
    ("cli", ("tool.cli", "tool.__main__", "tool.launch", "tool.invocation")),
)
# Pure layers never touch the disk or the template engine, whatever their place in the order.
PURE = ("base", "parse", "rules", "formats")
IMPURE = ("store", "templating")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    best = ("", -1)
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > best[1]:
                best = (name, len(prefix))
    assert best[0], f"{module} is in no layer: add it to LAYERS and docs/architecture.md"
    return best[0]


def imports_of(path: Path, module: str) -> set[str]:
    """Every `tool` module that `path` imports, at the top or inside a function."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "tool"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "tool":
                continue
            for alias in node.names:  # `from tool import x` may name a module or a value
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found - {module}


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}
GRAPH = {module_name(p): imports_of(p, module_name(p)) for p in sorted(PACKAGE.rglob("*.py"))}
ORDER = [name for name, _ in LAYERS]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """`a -> b` for each import that points to a higher layer, or from pure code to I/O."""
    wrong = []
    for module, targets in sorted(graph.items()):
        mine = layer_of(module)
        for target in sorted(targets):
            theirs = layer_of(target)
            if target == "tool" or (theirs == mine and target.startswith(module + ".")):
                continue  # the package itself (its version) and a package's own modules
            if ORDER.index(theirs) > ORDER.index(mine):
                wrong.append(f"{module} ({mine}) -> {target} ({theirs})")
            elif mine in PURE and theirs in IMPURE:
                wrong.append(f"{module} ({mine}, pure) -> {target} ({theirs})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the modules round it (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target == "tool":
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    for module in MODULES:
        layer_of(module)


def test_imports_point_only_downwards():
    assert upward_imports(GRAPH) == []


def test_there_is_no_import_cycle():
    assert cycles(GRAPH) == []


def test_only_the_cli_imports_click():
    users = [
        module
        for module, path in ((module_name(p), p) for p in PACKAGE.rglob("*.py"))
        if layer_of(module) != "cli" and "import click" in path.read_text(encoding="utf-8")
    ]
    assert users == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        (
            {"tool.rules.due": {"tool.store.files"}},
            ["tool.rules.due (rules, pure) -> tool.store.files (store)"],
        ),
        ({"tool.model": {"tool.rules.due"}}, ["tool.model (base) -> tool.rules.due (rules)"]),
        ({"tool.cli.common": {"tool.store.files"}}, []),
    ],
)
def test_an_upward_import_is_caught(graph, expected):
    assert upward_imports(graph) == expected


def test_a_cycle_is_caught():
    graph = {"tool.check": {"tool.rules.records"}, "tool.rules.records": {"tool.check"}}
    assert cycles(graph) == [["tool.check", "tool.rules.records"]]


def test_docs_name_every_module():
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        rel
        for rel in (p.relative_to(PACKAGE).as_posix() for p in sorted(PACKAGE.rglob("*.py")))
        if not rel.endswith(("__init__.py", "__main__.py", "_commands.py"))
        and f"`{rel}`" not in doc
    ]
    assert missing == [], "docs/architecture.md should say what these modules own"
