"""Report import cycles among the project's own modules.

    python scripts/import_cycles.py            # summary; exits 1 if any cycle is found
    python scripts/import_cycles.py --verbose  # also list every import made inside a function
    python scripts/import_cycles.py --root ../other  # another checkout of the project

Reads ``stories/``, ``fronts/``, ``caching/``, ``accounts/``, ``api/`` and ``newsroom/`` with ``ast`` (nothing is
imported or run) and builds two graphs of first-party imports:

* the *module-level* graph: imports executed when a module is loaded;
* the *whole* graph: those plus imports written inside functions and methods, which Python
  runs later but which still tie the modules together. A cycle that exists only in the whole
  graph is one held together by imports inside functions.

Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` first, so an edge to a
module is also an edge to each package above it, except the importer's own packages, which
are already being loaded. Migrations are left out. It also lists what ``stories.models``
imports from the rest of the project, which should be leaf helpers only.
"""

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "stories",
    "fronts",
    "caching",
    "accounts",
    "api",
    "webhooks",
    "live",
    "feedback",
    "newsroom",
)
SKIP_DIRS = {"migrations", "__pycache__"}
MODELS = "stories.models"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover(root: Path) -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if SKIP_DIRS.isdisjoint(path.relative_to(root).parts):
                modules[module_name(path, root)] = path
    return modules


def resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def targets(importer: str, is_package: bool, node, modules) -> set[str]:
    """The first-party modules an import statement loads, with the packages above them."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = resolve(importer, is_package, node)
        # ``from package import name`` loads the submodule when ``name`` is one.
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    own_packages = {importer.rsplit(".", depth)[0] for depth in range(importer.count(".") + 1)}
    found = set()
    for name in names:
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in modules and prefix not in own_packages:
                found.add(prefix)
    return found


class ImportCollector(ast.NodeVisitor):
    def __init__(self):
        self.depth = 0
        self.imports = []  # (node, inside_function)

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_Import(self, node):
        self.imports.append((node, self.depth > 0))

    visit_ImportFrom = visit_Import


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; only components with more than one module are returned."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(result, key=lambda component: (-len(component), component))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list in-function imports")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the project's folder (default: this one)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()

    modules = discover(root)
    top_level = {name: set() for name in modules}
    whole = {name: set() for name in modules}
    in_function = []  # (module, line, targets)
    for name, path in modules.items():
        collector = ImportCollector()
        collector.visit(ast.parse(path.read_text(), filename=str(path)))
        for node, inside in collector.imports:
            found = targets(name, path.name == "__init__.py", node, modules)
            whole[name] |= found
            if inside:
                in_function.append((name, node.lineno, found))
            else:
                top_level[name] |= found

    module_cycles = strongly_connected(top_level)
    whole_cycles = strongly_connected(whole)
    in_cycle = {member: i for i, component in enumerate(whole_cycles) for member in component}
    first_party = [entry for entry in in_function if entry[2]]
    inside_cycle = [entry for entry in first_party if entry[0] in in_cycle]
    closing = [
        (module, line, found)
        for module, line, found in inside_cycle
        if any(in_cycle.get(target) == in_cycle[module] for target in found)
    ]

    def show(title, components):
        print(f"{title}: {len(components)} cycle(s)")
        for component in components:
            print(f"  {len(component)} modules: {', '.join(component)}")

    print(f"{len(modules)} modules in {', '.join(PACKAGES)} (migrations left out)")
    show("Module-level imports", module_cycles)
    show("Including imports inside functions", whole_cycles)
    print(
        f"Imports inside functions: {len(in_function)} "
        f"({len(first_party)} of first-party modules, {len(inside_cycle)} made by modules in a "
        f"cycle, {len(closing)} of those importing a module of the same cycle)"
    )
    above = sorted(
        {
            target
            for name in modules
            if name.startswith(MODELS)
            for target in whole[name]
            if not target.startswith(MODELS)
        }
    )
    print(f"{MODELS} imports, outside itself: {', '.join(above) or 'nothing'}")
    if args.verbose:
        for module, line, found in in_function:
            mark = "  (closes a cycle)" if (module, line, found) in closing else ""
            what = ", ".join(sorted(found)) or "third-party or standard library"
            print(f"  {modules[module].relative_to(root)}:{line} -> {what}{mark}")
    return 1 if module_cycles or whole_cycles else 0


if __name__ == "__main__":
    sys.exit(main())
