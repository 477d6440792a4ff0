"""A top-level statement of a student's file, on its own: compiled with its real line numbers, judged
quick or not, run, and stopped when it runs past its time (loader.py loads files with these).

`os._exit` at the top level ends only that file's loading (run_with_exit_guard). Like loader.py, this
file needs nothing but the standard library: it runs inside the sandbox, loaded by path.
"""
import ast
import os
import sys

MAX_CODE_CHARS = 120


class StatementTimeout(BaseException):
    """Raised in the student's statement when it runs past its time (SIGALRM)."""


class ExitAtImport(SystemExit):
    """`os._exit` called at the top level while loading: ends that file's loading, not the worker."""


def exit_at_import(code=0):
    raise ExitAtImport(code)


def first_line(source):
    """The first line of a cell that says something (magics were turned into `pass`)."""
    for line in source.splitlines():
        text = line.strip()
        if text and text != "pass" and not text.startswith("#"):
            return text[:MAX_CODE_CHARS]
    return ""


def quick(node, units):
    """A statement that cannot run for long: a plain `def` (no decorators, constant defaults) or an
    import of a module already loaded. It runs without a report or an alarm, which would cost more
    than the statement itself. `units`: the submission's module names."""
    if isinstance(node, ast.FunctionDef):
        arguments = node.args
        annotations = [a.annotation for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
        return (not node.decorator_list and all(_constant(d) for d in arguments.defaults + arguments.kw_defaults)
                and all(a is None or isinstance(a, (ast.Constant, ast.Name)) for a in annotations + [node.returns])
                and arguments.vararg is None and arguments.kwarg is None)
    if isinstance(node, ast.Import):
        return all(a.name in sys.modules and a.name.split(".")[0] not in units for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and node.module in sys.modules and node.module.split(".")[0] not in units
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _constant(node):
    return node is None or isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant))


def run(code, namespace):
    try:
        exec(code, namespace)
        return "ok", None
    except SystemExit as error:
        return "exit", error
    except BaseException as error:
        return "error", error


def compile_one(node, filename, flags):
    """One statement's code object, with its real line numbers."""
    return compile(ast.Module(body=[node], type_ignores=[]), filename, "exec", flags=flags, dont_inherit=True)


def alarm(signum, frame):
    raise StatementTimeout("ran longer than its time limit")


def run_with_exit_guard(function):
    """Run `function()` with `os._exit` turned into ExitAtImport, so an exit at import ends a file only."""
    real = os._exit
    os._exit = exit_at_import
    try:
        return function()
    finally:
        os._exit = real
