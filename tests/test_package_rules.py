"""Rules for the package: no import loops, no imports inside functions (but heavy optional ones)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "corroborator"
#: Imports that may wait until a function needs them: heavy, optional, or slow to load.
LAZY_ALLOWED = {"spacy", "trafilatura", "pyspark", "playwright", "uvicorn", "duckdb_extensions", "dateparser",
                "charset_normalizer", "importlib", "pypdfium2", "warcio", "lingua", "natasha", "pymorphy3"}
#: (module, import) pairs allowed inside a function, with the reason.
LAZY_PAIRS = {
    # The web stack (FastAPI, Starlette, Jinja2) loads only for `corroborator serve`.
    ("corroborator.cli_web", "corroborator.web"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(tree: ast.Module, name: str, modules: dict[str, Path]) -> set[str]:
    """Modules of the package a module imports when it is loaded (not under TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in modules)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module not in modules:
                    continue
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
    visit(tree.body)
    # A package's own submodules, and a module's own package, are not loops by themselves.
    return {m for m in found if m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return result


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = _top_level_imports(tree, name, modules)
        # Importing a package runs its __init__, which is not a loop with the package's own submodules.
        graph[name] = {m for m in edges if not m.startswith(name + ".") and not name.startswith(m + ".")}
    return graph


def test_no_import_loops() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import loops: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_imports_inside_functions() -> None:
    offenders = []
    for name, path in sorted(_modules().items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    full = {a.name for a in inner.names}
                elif isinstance(inner, ast.ImportFrom):
                    full = {inner.module or ""} if inner.level == 0 else {"."}
                else:
                    continue
                roots = {f.split(".")[0] for f in full}
                if not roots <= LAZY_ALLOWED and not all((name, f) in LAZY_PAIRS for f in full):
                    offenders.append(f"{name}:{inner.lineno} imports {', '.join(sorted(roots))}")
    assert not offenders, "imports inside functions:\n" + "\n".join(sorted(set(offenders)))


def test_the_loop_finder_finds_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
