"""The code a notebook's kernel has run, as a submission: the source of its executed cells, never live objects.

IPython keeps every executed cell's raw source (`history_manager.input_hist_raw`, indexed by execution
count). Those sources, in the order they ran, become the cells of an in-memory notebook unit, graded by
the same engine and isolation as `grade check`. A cell run twice unchanged counts once (its last run);
statements that call the grader itself (`grade.check(...)`, `%grade`, `import grader.notebook`) are
blanked, line numbers kept, so the sandbox never runs the grader recursively.
"""
from __future__ import annotations

import ast
from typing import Iterable

from grader.runner.job import Cell, SourceUnit
from grader.submission import strip_magics

MODULE = "notebook"
"""The module name the cells load as: what a report shows as the file."""


def executed_sources(shell) -> list[tuple[int, str]]:
    """(execution count, raw source) of every cell the kernel has run, in order."""
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if history is None:
        history = shell.user_ns.get("In", [])
    return [(number, source) for number, source in enumerate(history) if number and source and source.strip()]


def grader_names(namespace: dict, module_names: Iterable[str]) -> set[str]:
    """Names in the kernel bound to the grader's notebook module or to one of its functions."""
    modules = set(module_names)
    names = set()
    for name, value in list(namespace.items()):
        if getattr(value, "__name__", None) in modules and type(value).__name__ == "module":
            names.add(name)
        elif getattr(value, "__module__", None) in modules and callable(value):
            names.add(name)
    return names


def _calls_grader(node: ast.stmt, names: set[str]) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        return any(module == "grader" or module.startswith("grader.") for module in modules)
    return any(isinstance(inner, ast.Name) and inner.id in names for inner in ast.walk(node))


def without_grader_calls(source: str, names: set[str]) -> str:
    """`source` with each top-level statement that uses the grader replaced by `pass` and blank lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source  # graded as it is: the report shows the syntax error, as `grade submit` would
    lines = [line.encode() for line in source.splitlines()]  # ast's columns count UTF-8 bytes
    for node in reversed(tree.body):
        if _calls_grader(node, names):
            first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
            tail = lines[last][node.end_col_offset:] if node.end_col_offset is not None else b""
            lines[first] = lines[first][: node.col_offset] + b"pass" + (tail if first == last else b"")
            for number in range(first + 1, last + 1):
                lines[number] = tail if number == last else b""
    return "\n".join(line.decode() for line in lines) + "\n"


def notebook_unit(sources: list[tuple[int, str]], names: set[str]) -> SourceUnit:
    """The executed cells as one notebook unit; a source run again unchanged keeps only its last run."""
    last_run = {source: number for number, source in sources}
    cells = []
    for number, source in sources:
        if last_run[source] != number:
            continue
        python = strip_magics(source)
        if python.strip():
            python = without_grader_calls(python, names)
        if any(line.strip() not in ("", "pass") for line in python.splitlines()):
            cells.append(Cell(label=str(number), source=python))
    return SourceUnit(MODULE, "notebook", f"{MODULE}.ipynb", tuple(cells))
