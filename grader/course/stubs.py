"""A stub made from a reference module: every function keeps its signature and docstring, its body is
replaced by `raise NotImplementedError`. (`grade course check` grades these to see they score zero; the
student kit's generator lives with `grade course build`, and the two are merged there.)
"""
from __future__ import annotations

import ast
import copy


def stub_source(source: str, names: set[str] | None = None) -> str:
    """`source` with the bodies of its top-level functions (those in `names`, or all) replaced."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and (names is None or node.name in names)]
    for node in sorted(functions, key=lambda n: n.lineno, reverse=True):
        body = node.body
        docstring = ast.get_docstring(node, clean=False) is not None
        first = body[1] if docstring and len(body) > 1 else (None if docstring else body[0])
        indent = " " * (body[0].col_offset if body[0].lineno > node.lineno else node.col_offset + 4)
        if body[0].lineno == node.lineno:  # `def f(x): return x` on one line
            stubbed = copy.copy(node)
            stubbed.body = ast.parse("raise NotImplementedError").body
            start = min([node.lineno, *[d.lineno for d in node.decorator_list]])
            lines[start - 1: node.end_lineno] = [" " * node.col_offset + ast.unparse(stubbed) + "\n"]
        elif first is None:  # a docstring alone: the raise goes after it
            lines[node.end_lineno: node.end_lineno] = [f"{indent}raise NotImplementedError\n"]
        else:
            lines[first.lineno - 1: node.end_lineno] = [f"{indent}raise NotImplementedError\n"]
    return "".join(lines)
