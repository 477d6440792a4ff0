"""Stubs generated from a reference module, for a student kit.

Two ways, per file:

- The file marks its solution with `# BEGIN SOLUTION` / `# END SOLUTION` comment lines (as nbgrader does):
  only the lines between each pair are replaced, by `raise NotImplementedError` at the marker's indentation.
  Everything outside the markers (imports, helpers, signatures, docstrings, comments) is kept as written.
- No markers: every function and method keeps its decorators, signature and docstring, and its body (with its
  comments) becomes `raise NotImplementedError("name")`. Module-level statements (the docstring, imports,
  constants) are kept.

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


def make_stub(source: str, name: str = "<reference>") -> str:
    """The student's version of a reference module's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CatalogError(f"{name}:{error.lineno}: {error.msg}") from None
    markers = _markers(source)
    stub = _between_markers(source, markers, name) if markers else _bodies_replaced(source, tree)
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
        lines[begin - 1:end] = [f"{indent}raise NotImplementedError\n"]
    return "".join(lines)


def _bodies_replaced(source: str, tree: ast.Module) -> str:
    lines = source.splitlines(keepends=True)
    spans = []  # (first line to replace, last line, indentation, function name); 1-based, inclusive
    for node in _functions(tree):
        body = node.body
        has_docstring = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                         and isinstance(body[0].value.value, str))
        if has_docstring and len(body) == 1:
            continue  # nothing but a docstring: nothing to hide
        if body[0].lineno == node.lineno:  # `def f(x): return x` on one line
            raise CatalogError(f"line {node.lineno}: write the body of {node.name} on lines of its own")
        first = body[0].end_lineno + 1 if has_docstring else _header_end(lines, node) + 1
        indent = re.match(r"[ \t]*", lines[body[0].lineno - 1]).group(0)
        spans.append((first, node.end_lineno, indent, node.name))
    for first, last, indent, function in sorted(spans, reverse=True):
        lines[first - 1:last] = [f'{indent}raise NotImplementedError("{function}")\n']
    return "".join(lines)


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions and the methods of top-level classes (nested functions go with their body)."""
    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return found


def _header_end(lines: list[str], node: ast.FunctionDef) -> int:
    """The line of the colon that ends a function's `def` header (which may span lines)."""
    text = "".join(lines[node.lineno - 1:node.body[0].lineno])
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in tokens:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif token.type == tokenize.OP and token.string == ":" and depth == 0:
            return node.lineno + token.start[0] - 1
    return node.body[0].lineno - 1
