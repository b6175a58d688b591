"""Report the largest files and functions of the project's own code.

    python scripts/code_size.py                  # the five largest files and functions
    python scripts/code_size.py --top 10         # ten of each
    python scripts/code_size.py --root ../other  # another checkout of the project

Reads ``stories/``, ``caching/``, ``accounts/``, ``api/`` and ``newsroom/`` with ``ast`` (nothing is
imported or run); migrations and tests are left out. A file's size is its number of lines; a
function's (or method's) is its lines from its first decorator to its last line, nested
functions included, each of which is also counted on its own.
"""

import argparse
import ast
import sys
from pathlib import Path

PACKAGES = ("stories", "caching", "accounts", "api", "webhooks", "newsroom")
SKIP_DIRS = {"migrations", "__pycache__"}


def project_files(root: Path) -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        if SKIP_DIRS.isdisjoint(path.relative_to(root).parts)
    ]


def functions(tree: ast.AST):
    """(qualified name, lines) of every function and method in ``tree``."""

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                name = f"{prefix}{child.name}"
                yield name, child.end_lineno - first + 1
                yield from visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5, help="how many of each (default 5)")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the project's folder (default: the one holding this script)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()

    files, funcs = [], []
    for path in project_files(root):
        text = path.read_text()
        name = path.relative_to(root).as_posix()
        files.append((len(text.splitlines()), name))
        funcs += [
            (lines, f"{name}:{function}")
            for function, lines in functions(ast.parse(text, filename=name))
        ]
    total = sum(lines for lines, _ in files)
    print(f"{len(files)} files, {total} lines in {', '.join(PACKAGES)} (migrations left out)")
    print(f"Largest {args.top} files:")
    for lines, name in sorted(files, key=lambda row: (-row[0], row[1]))[: args.top]:
        print(f"  {lines:5}  {name}")
    print(f"Largest {args.top} functions:")
    for lines, name in sorted(funcs, key=lambda row: (-row[0], row[1]))[: args.top]:
        print(f"  {lines:5}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
