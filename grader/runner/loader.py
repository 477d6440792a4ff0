"""Loading a student's files top-level statement by statement, inside the worker.

A .py file (or each notebook cell) is parsed with `ast` and each top-level statement is compiled on its
own, with its real file name and line numbers, so tracebacks still point at the student's lines. A
statement that raises (a missing matplotlib, a failed download, a NameError, ...) or runs past its time
is skipped and loading goes on; `sys.exit` or `os._exit` ends the loading of that file. Only a syntax
error costs a file its functions (a notebook cell its own). What was skipped is reported as data; the
grader words it.

Student files import each other (`from activations import relu`) through a finder that serves the
submission's units by name, loaded the same way. Like worker.py, this file needs nothing but the
standard library: it runs inside the sandbox, loaded by path.
"""
import __future__
import ast
import importlib.util
import linecache
import os
import signal
import _signal
import sys

MAX_SKIPPED = 100

# Loaded by path, like this file (the sandbox has no package): one statement's compiling, running and alarm.
_spec = importlib.util.spec_from_file_location("_grade_statements",
                                               os.path.join(os.path.dirname(os.path.abspath(__file__)), "statements.py"))
statements = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(statements)
run_with_exit_guard = statements.run_with_exit_guard

CELL_FILES = {}
"""A notebook cell's compile-time file name -> the notebook and cell, `net.ipynb <cell 3>`, which the grader words."""


def cell_filename(unit, label):
    filename = f"<{unit['name']} cell {label}>"
    CELL_FILES[filename] = f"{unit['path']} <cell {label}>"  # the grader words it (feedback.location_text)
    return filename


def shown_file(filename, root):
    """A traceback's file as the student knows it, or None for a frame that is not theirs."""
    if filename in CELL_FILES:
        return CELL_FILES[filename]
    if filename.startswith(root):
        return os.path.relpath(filename, root)
    return None


class Loader:
    """Loads the plan's units; `reports[name]` holds what each load skipped and its errors."""

    def __init__(self, plan, send, describe_error, statement_seconds):
        self.root = plan["root"]
        self.units = {unit["name"]: unit for unit in plan["units"]}
        self.faults = plan.get("skip_statements") or {}
        """{unit: {key: {"reason": "timeout"|"crashed", "detail": str}}} from earlier workers."""
        self.send = send
        self.describe_error = describe_error
        self.statement_seconds = statement_seconds
        self.reports = {}
        self.current = []
        """The statements running now, outermost first: (unit, key)."""

    # --- the import system's side: `from activations import relu` between the student's files ------

    def find_spec(self, fullname, path=None, target=None):
        unit = self.units.get(fullname)
        if path is not None or unit is None or fullname in self.reports:
            return None
        origin = self.filename(unit)
        return importlib.util.spec_from_file_location(fullname, origin, loader=self) if unit["kind"] == "file" \
            else importlib.util.spec_from_loader(fullname, self, origin=origin)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        try:
            self.run_unit(self.units[module.__name__], module)
        except statements.StatementTimeout:  # the importing statement ran out of time: this file loads again later
            self.reports.pop(module.__name__, None)
            raise

    # --- loading ------------------------------------------------------------------------------

    def filename(self, unit):
        return os.path.join(self.root, unit["path"])

    def load(self, name):
        """The unit's module, loaded now unless a sibling already imported it; None if it cannot be."""
        if name in self.reports:
            module = sys.modules.get(name)
            spec = getattr(module, "__spec__", None)
            return module if getattr(spec, "loader", None) is self else None
        spec = self.find_spec(name)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            self.run_unit(self.units[name], module)
        except BaseException:
            sys.modules.pop(name, None)
            return None
        return module

    def run_unit(self, unit, module):
        name = unit["name"]
        report = self.reports[name] = {"errors": [], "skipped": []}
        faults = self.faults.get(name, {})
        try:
            if unit["kind"] == "notebook":
                pieces = [(cell["label"], cell["source"], cell_filename(unit, cell["label"])) for cell in unit["cells"]]
            else:
                pieces = [(None, self.source(unit), self.filename(unit))]
        except OSError as error:  # an unreadable file: said like a syntax error, it costs the file
            report["errors"].append(self.describe_error(error, self.root))
            raise
        try:
            for label, source, filename in pieces:
                if isinstance(source, str):
                    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
                try:
                    tree = ast.parse(source, filename)
                except (SyntaxError, ValueError) as error:  # ValueError: a NUL byte in the source
                    report["errors"].append(self.describe_error(error, self.root))
                    if label is None:
                        raise
                    continue
                if label is None and ast.get_docstring(tree):
                    module.__doc__ = ast.get_docstring(tree)
                if not self.run_statements(tree, unit, label, source, filename, module, report, faults):
                    break
        finally:
            if self.current:  # back in the statement that imported this file: the supervisor blames it again
                self.send("statement", unit=self.current[-1][0], key=self.current[-1][1])

    def source(self, unit):
        if unit.get("source") is not None:
            return unit["source"]
        with open(self.filename(unit), "rb") as handle:  # compile() honours a coding line in bytes
            return handle.read()

    def run_statements(self, tree, unit, label, source, filename, module, report, faults):
        """Run one file's or cell's statements; False once the file's loading has ended (an exit)."""
        flags = 0
        for number, node in enumerate(tree.body):
            key = f"{label}:{number}" if label is not None else str(number)
            fault = faults.get(key)
            if fault is not None:
                self.skip(report, unit, label, source, node, fault["reason"], None, fault.get("detail", ""))
                if fault["reason"] == "crashed":  # it ended the process: that ends the file, like os._exit
                    return False
                continue
            try:
                code = statements.compile_one(node, filename, flags)
            except SyntaxError as error:  # `return` at the top level and the like: only this statement
                self.skip(report, unit, label, source, node, "error", self.describe_error(error, self.root))
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                for alias in node.names:
                    flags |= getattr(getattr(__future__, alias.name, None), "compiler_flag", 0)
            if statements.quick(node, self.units):
                outcome, error = statements.run(code, module.__dict__)
            else:
                outcome, error = self.execute(unit["name"], key, code, module.__dict__)
            if outcome == "exit":
                self.skip(report, unit, label, source, node, "exit", None)
                return False
            if outcome != "ok":
                self.skip(report, unit, label, source, node, outcome,
                          self.describe_error(error, self.root) if outcome == "error" else None)
        return True

    def execute(self, name, key, code, namespace):
        """Run one statement under its time limit: ("ok" | "error" | "timeout" | "exit", the exception).

        A statement run while a sibling's statement imports this file has a clock of its own; the
        importing statement's clock stops meanwhile, so each is charged its own time only."""
        self.send("statement", unit=name, key=key)
        paused = signal.setitimer(signal.ITIMER_REAL, 0)[0] if self.current else 0.0
        self.current.append((name, key))
        previous = _signal.signal(signal.SIGALRM, statements.alarm)  # the C function: no enum wrapping per statement
        signal.setitimer(signal.ITIMER_REAL, self.statement_seconds)
        try:
            exec(code, namespace)
            signal.setitimer(signal.ITIMER_REAL, 0)
            return "ok", None
        except statements.StatementTimeout as error:
            return "timeout", error
        except SystemExit as error:
            return "exit", error
        except BaseException as error:
            return "error", error
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
            self.current.pop()
            if paused:  # the importing statement's clock runs again
                signal.setitimer(signal.ITIMER_REAL, paused)

    def skip(self, report, unit, label, source, node, reason, error, detail=""):
        if len(report["skipped"]) >= MAX_SKIPPED:
            return
        lines = source.splitlines() if isinstance(source, str) else []
        line = getattr(node, "lineno", 0)
        code = lines[line - 1].strip()[:statements.MAX_CODE_CHARS] if 0 < line <= len(lines) else ""
        report["skipped"].append({
            "line": line, "code": code, "reason": reason, "error": error, "detail": str(detail)[:300],
            "cell": label or "", "cell_first": statements.first_line(source) if label is not None else "",
        })
