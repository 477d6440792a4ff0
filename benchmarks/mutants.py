"""First-order mutants of a module's functions, made on its syntax tree (see mutate.py)."""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path

SWAP_OPS = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div, ast.Add], ast.Div: [ast.Mult, ast.Sub],
            ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult]}
SWAP_CMP = {ast.Gt: [ast.GtE, ast.Lt, ast.Eq], ast.GtE: [ast.Gt, ast.LtE], ast.Lt: [ast.LtE, ast.Gt],
            ast.LtE: [ast.Lt, ast.GtE], ast.NotEq: [ast.Eq], ast.Eq: [ast.NotEq]}
SWAP_NP = {"max": ["min", "mean", "sum"], "sum": ["mean", "max"], "mean": ["sum"], "maximum": ["minimum"],
           "exp": ["log"], "log": ["log10", "exp"], "tanh": ["sin"], "outer": ["multiply"], "abs": ["negative"],
           "atleast_2d": ["atleast_1d"], "dot": ["multiply"], "where": []}


@dataclass
class Mutant:
    module: str
    function: str
    description: str
    source: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.function}:{self.description}"


def _sites(function: ast.FunctionDef):
    """Every (node, field, replacement, description) one-step change inside a function."""
    local = sorted({a.arg for a in function.args.args}
                   | {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in local:
            for other in local:
                if other != node.id:
                    yield node, "id", other, f"{node.id} -> {other} (line {node.lineno}, col {node.col_offset})"
        if isinstance(node, ast.BinOp):
            for new in SWAP_OPS.get(type(node.op), []):
                yield node, "op", new(), f"{_src(node)} -> {new.__name__}"
            yield node, None, node.left, f"{_src(node)} -> {_src(node.left)}"
            yield node, None, node.right, f"{_src(node)} -> {_src(node.right)}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield node, None, node.operand, f"{_src(node)} -> {_src(node.operand)}"
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            for new in SWAP_CMP.get(type(node.ops[0]), []):
                yield node, "ops", [new()], f"{_src(node)} -> {new.__name__}"
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            value = node.value
            for new in dict.fromkeys([value + 1, -value, 0, value * 2]):
                if new != value:
                    yield node, None, ast.Constant(type(value)(new)), f"const {value!r} -> {new!r} (line {node.lineno})"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "np":
            for new in SWAP_NP.get(node.attr, []):
                yield node, "attr", new, f"np.{node.attr} -> np.{new} (line {node.lineno})"
        if isinstance(node, ast.Call):
            if node.args and not isinstance(node.func, ast.Name) or (
                    isinstance(node.func, ast.Name) and node.func.id in ("float", "int", "relu", "sigmoid")):
                if node.args:
                    yield node, None, node.args[0], f"{_src(node)} -> {_src(node.args[0])}"
            for index, keyword in enumerate(node.keywords):
                if keyword.arg in ("axis", "keepdims", "dtype"):
                    yield node, "keywords", node.keywords[:index] + node.keywords[index + 1:], \
                        f"drop {keyword.arg}= in {_src(node)}"
                if keyword.arg == "axis":
                    for new in (0, None):
                        kw = ast.keyword("axis", ast.Constant(new))
                        yield node, "keywords", node.keywords[:index] + [kw] + node.keywords[index + 1:], \
                            f"axis={new} in {_src(node)}"


def _src(node) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 50 else text[:47] + "..."


def mutants(module_path: Path, functions: set[str]) -> list[Mutant]:
    source = module_path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found, seen = [], set()
    for top, function in enumerate(tree.body):
        if not isinstance(function, ast.FunctionDef) or function.name not in functions:
            continue
        body_only = copy.deepcopy(function)
        body_only.body = [s for s in body_only.body
                          if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]  # no docstring
        for position, (node, attr, new, description) in enumerate(_sites(body_only)):
            mutated_tree = copy.deepcopy(tree)
            target_function = copy.deepcopy(body_only)
            target = list(ast.walk(target_function))[_index_of(body_only, node)]
            if attr is None:
                _replace(target_function, target, copy.deepcopy(new))
            else:
                setattr(target, attr, copy.deepcopy(new))
            mutated_tree.body[top] = target_function
            text = ast.unparse(ast.fix_missing_locations(mutated_tree))
            if text in seen or text == ast.unparse(tree):
                continue
            seen.add(text)
            found.append(Mutant(module_path.stem, function.name, description, text))
    return found


def _index_of(root, node) -> int:
    return next(i for i, n in enumerate(ast.walk(root)) if n is node)


def _replace(root, old, new) -> None:
    for parent in ast.walk(root):
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                setattr(parent, name, [new if v is old else v for v in value])
                return
