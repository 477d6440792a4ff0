"""Stubs generated from a reference module, for a student kit.

Two ways, per file:

- The file marks its solution with `# BEGIN SOLUTION` / `# END SOLUTION` comment lines (as nbgrader does):
  only the lines between each pair are replaced, by `raise NotImplementedError` at the marker's indentation.
  Everything outside the markers (imports, helpers, signatures, docstrings, comments) is kept as written.
- No markers: every function and method (or only the top-level functions named, for `grade course check`) keeps
  its decorators, signature and docstring, and its body (with its comments) becomes `raise NotImplementedError`.
  Module-level statements (the docstring, imports, constants) are kept.

Positions come from `ast` (and `tokenize`, for comments that really are comments), never from guessing at text;
the result is parsed again before it is returned. A file that cannot be parsed, or markers that do not pair up,
raise CatalogError naming the file and line.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize

from grader.errors import CatalogError

BEGIN = re.compile(r"^#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^#\s*END SOLUTION\s*$")
RAISE = "raise NotImplementedError"


def make_stub(source: str, name: str = "<reference>", names: set[str] | None = None) -> str:
    """The student's version of a reference module's source (`names`: only these functions' bodies go)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CatalogError(f"{name}:{error.lineno}: {error.msg}") from None
    markers = _markers(source)
    stub = _between_markers(source, markers, name) if markers else _bodies_replaced(source, tree, names)
    try:
        ast.parse(stub)
    except SyntaxError as error:
        raise CatalogError(f"{name}: the stub would not parse ({error.msg}, line {error.lineno});"
                           " put the markers around whole statements") from None
    return stub


def _markers(source: str) -> list[tuple[int, str, int]]:
    """(line, "begin" or "end", column) of every marker comment, in order."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = token.string.strip()
            if BEGIN.match(text):
                found.append((token.start[0], "begin", token.start[1]))
            elif END.match(text):
                found.append((token.start[0], "end", token.start[1]))
    return found


def _between_markers(source: str, markers: list[tuple[int, str, int]], name: str) -> str:
    lines = source.splitlines(keepends=True)
    pairs = list(zip(markers[::2], markers[1::2]))
    if len(markers) % 2 or any(b[1] != "begin" or e[1] != "end" for b, e in pairs):
        raise CatalogError(f"{name}:{markers[-1][0]}: BEGIN SOLUTION and END SOLUTION markers must pair up")
    for (begin, _, column), (end, _, _) in reversed(pairs):
        indent = lines[begin - 1][:column]
        lines[begin - 1:end] = [f"{indent}{RAISE}\n"]
    return "".join(lines)


def _bodies_replaced(source: str, tree: ast.Module, names: set[str] | None) -> str:
    lines = source.splitlines(keepends=True)
    edits = []  # (first line to replace, last line, what goes there); 1-based, inclusive
    for node in _functions(tree, names):
        body = node.body
        has_docstring = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                         and isinstance(body[0].value.value, str))
        line, column = _header_colon(lines, node)
        if body[0].lineno == line:  # `def f(x): return x`: the header alone, then the raise on a line of its own
            indent = " " * (node.col_offset + 4)
            edits.append((line, node.end_lineno, [lines[line - 1][:column + 1] + "\n", f"{indent}{RAISE}\n"]))
            continue
        indent = re.match(r"[ \t]*", lines[body[0].lineno - 1]).group(0)
        first = body[0].end_lineno + 1 if has_docstring else line + 1
        edits.append((first, max(node.end_lineno, first - 1), [f"{indent}{RAISE}\n"]))
    for first, last, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[first - 1:last] = replacement
    return "".join(lines)


def _functions(tree: ast.Module, names: set[str] | None) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and the methods of top-level classes (nested functions go with their body);
    with `names`, only the top-level functions of those names."""
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if names is None or node.name in names:
                found.append(node)
        elif isinstance(node, ast.ClassDef) and names is None:
            found += [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return found


def _header_colon(lines: list[str], node: ast.FunctionDef) -> tuple[int, int]:
    """(line, column) of the colon that ends a function's `def` header, which may span lines."""
    text = "".join(lines[node.lineno - 1:node.body[0].end_lineno])
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.OP and token.string == ":" and depth == 0:
            return node.lineno + token.start[0] - 1, token.start[1]
    raise CatalogError(f"line {node.lineno}: the header of {node.name} could not be read")
