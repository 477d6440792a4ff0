"""Mutation testing of the catalog: do its cases catch first-order mutants of the reference, and are
the mistakes it names right?

Each mutant is the reference with one small change (an operator, a comparison, a constant, a NumPy
function, an axis or keepdims, a dropped term or call). Every mutant is graded through the normal
engine (`Grader.grade_batch`, each in its own worker process). A mutant is killed when an exercise
whose function it changed fails. Each mistake named on a changed exercise is then judged by an oracle
that calls the mutant itself (trusted code: it is our reference) on the cases' inputs and on perturbed
copies of them: a model's name is right only when the mutant equals that model everywhere.

Usage: python benchmarks/mutate.py [--jobs N] [--only MODULE] [--verbose]
Prints the mutation score, the survivors (equivalent ones with their reason) and the wrong names.
"""
from __future__ import annotations

import argparse
import ast
import copy
import importlib.util
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"

from grader.cases import build_value, fresh_copy, prepare_exercise  # noqa: E402
from grader.catalog import load_catalog  # noqa: E402
from grader.catalog import mistake_models  # noqa: E402
from grader.compare import same_values  # noqa: E402
try:
    from grader.explain import called_functions  # noqa: E402
except ImportError:  # an older grader, measured for comparison (PYTHONPATH=its checkout): no cascades
    def called_functions(submission):
        return {}
from grader.grading import Grader  # noqa: E402
from grader.runner import Limits  # noqa: E402
from grader.submission import open_submission  # noqa: E402

# Mutants that cannot be told apart from the reference by any input the contract allows, with why.
NUMERIC = "returns a NumPy scalar/0-d array or bool instead of a float or int: the dtype is not graded (CONTRACT)"
SAME_SHAPE = "one-hot t has y's shape (CONTRACT); a (C,) reshape broadcasts over (1, C) the same"
GATE = "another weight or bias that gives the same gate on its only inputs 0 and 1"
EQUIVALENT: dict[str, str] = {
    "activations:leaky_relu:float(result) -> result": NUMERIC,
    "activations:leaky_relu:np.asarray(x) -> x": "inputs are always NumPy arrays or scalars (CONTRACT)",
    "activations:leaky_relu:np.asarray(x) > 0 -> GtE": "at x = 0 both branches give 0",
    "activations:sigmoid:drop dtype= in np.asarray(x, dtype=float)": "inputs are float64 already (CONTRACT)",
    "activations:sigmoid:float(result) -> result": NUMERIC,
    "activations:sigmoid:np.asarray(x, dtype=float) -> x": "inputs are float64 arrays or scalars already (CONTRACT)",
    "activations:sigmoid:x >= 0 -> Gt": "at x = 0 both branches give 1 / (1 + 1) = 0.5",
    "activations:step_function:drop dtype= in np.array(x > 0, dtype=int)": NUMERIC,
    "activations:step_function:np.array(x > 0, dtype=int) -> x > 0": NUMERIC,
    "backprop:backprop_gradients:float(np.sum(0.5 * (t - o) ** 2)) -> np.sum(0.5 * (t - o) ** 2)": NUMERIC,
    "losses:cross_entropy_error:float(-np.sum(np.log(picked + delta)) / y2.shap... -> "
    "-np.sum(np.log(picked + delta)) / y2.shape[0]": NUMERIC,
    "losses:cross_entropy_error:float(-np.sum(np.reshape(t, y2.shape) * np.log(... -> "
    "-np.sum(np.reshape(t, y2.shape) * np.log(y2 + d...": NUMERIC,
    "losses:cross_entropy_error:np.reshape(t, y2.shape) -> t": "one-hot t has y's shape; (C,) broadcasts over (1, C)",
    "losses:mean_squared_error:float(0.5 * np.sum((y - t) ** 2) / batch_size) -> "
    "0.5 * np.sum((y - t) ** 2) / batch_size": NUMERIC,
    "perceptron:_perceptron:int(np.dot(w, [x1, x2]) + b > 0) -> np.dot(w, [x1, x2]) + b > 0": NUMERIC,
    "perceptron:_perceptron:np.dot(w, [x1, x2]) + b > 0 -> GtE": "no gate's weighted sum is exactly 0 on inputs 0 and 1",
    "perceptron:or_gate:const 0.2 -> 0 (line 16)": GATE,
    "perceptron:or_gate:const 0.2 -> 0.4 (line 16)": GATE,
    "perceptron:or_gate:const 0.5 -> 1.0 (line 16)": GATE,
    "perceptron:or_gate:const 0.5 -> 1.5 (line 16)": GATE,
    "activations:sigmoid:result -> e (line 31, col 21)": "`e.ndim` is `result.ndim`: same shape",
    "activations:sigmoid:result -> x (line 31, col 21)": "`x.ndim` is `result.ndim`: same shape",
    "losses:cross_entropy_error:t -> labels (line 37, col 36)": "labels = np.atleast_1d(t) holds the same values",
    "losses:cross_entropy_error:y2 -> labels (line 35, col 30)": "labels has N entries, as y2 has rows",
    "losses:cross_entropy_error:y2 -> labels (line 36, col 55)": "labels has N entries, as y2 has rows",
    "losses:cross_entropy_error:y2 -> picked (line 36, col 55)": "picked has N entries, as y2 has rows",
    "losses:cross_entropy_error:y2 -> labels (line 37, col 39)": SAME_SHAPE,
    "losses:cross_entropy_error:y2 -> t (line 37, col 39)": SAME_SHAPE,
    "losses:cross_entropy_error:y2 -> y (line 37, col 39)": SAME_SHAPE,
    "losses:cross_entropy_error:y2 -> y (line 37, col 58)": "y broadcasts as np.atleast_2d(y) does",
    "losses:cross_entropy_error:y2 -> y (line 34, col 22)": "y.size is np.atleast_2d(y).size",
    "losses:mean_squared_error:y -> t (line 17, col 17)": "t has y's shape (CONTRACT)",
    "losses:mean_squared_error:y -> t (line 17, col 31)": "t has y's shape (CONTRACT)",
}

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


@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    names: dict[str, list[str]] = field(default_factory=dict)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)


# --- making mutants ----------------------------------------------------------------------------------

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


# --- the oracle ---------------------------------------------------------------------------------------

def load_functions(folder: Path) -> dict:
    """The mutant's functions, loaded in this process (our own code) as loose files import each other."""
    for name in ("activations", "losses", "network", "backprop", "perceptron"):
        sys.modules.pop(name, None)
    sys.path.insert(0, str(folder))
    try:
        functions = {}
        for file in sorted(folder.glob("*.py")):
            spec = importlib.util.spec_from_file_location(file.stem, file)
            module = importlib.util.module_from_spec(spec)
            sys.modules[file.stem] = module
            spec.loader.exec_module(module)
            functions.update({k: v for k, v in vars(module).items() if callable(v)})
        ids = set(functions) & {e.id for e in load_catalog().exercises}
        functions["__calls__"] = {name: called & ids - {name} for name, called in called_in(folder).items()}
        return functions
    finally:
        sys.path.remove(str(folder))


def called_in(folder: Path) -> dict[str, set[str]]:
    with open_submission(folder) as submission:
        return called_functions(submission)


def probes(prepared) -> list[tuple[tuple, tuple[str, ...], bool]]:
    """(inputs, tags, args complete) for each case and two perturbed copies of it."""
    found = []
    rng = np.random.default_rng(7)
    for case in prepared.cases:
        found.append((case.inputs, case.case.tags))
        for scale in (1.3, -0.7):
            moved = tuple(_perturb(value, scale, rng) for value in case.inputs)
            found.append((moved, case.case.tags))
    return found


def _perturb(value, scale, rng):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        if np.all((value >= 0) & (value <= 1)) and value.ndim:  # probabilities or targets: keep them in [0, 1]
            return np.clip(value + rng.uniform(-0.05, 0.05, value.shape) * (value > 0), 0, 1)
        return value * scale + rng.normal(0, 0.1, value.shape)
    if isinstance(value, float):
        return value * scale + 0.3
    return value


def _call(function, inputs):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*fresh_copy(inputs))
    except Exception as error:  # noqa: BLE001 - a mutant or a model may not apply to an input
        return error


def _call_in_place(function, inputs):
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            function(*inputs)
    except Exception:  # noqa: BLE001
        pass


def _same(a, b, exercise) -> bool:
    if isinstance(a, Exception) or isinstance(b, Exception):
        return isinstance(a, Exception) and isinstance(b, Exception)
    return same_values(a, b, exercise.rtol, exercise.atol)


def judge(mistake_id: str, catalog, exercise, prepared, functions, reference) -> str:
    """Why a name is wrong for this mutant, or "" when it is right."""
    mutant = functions[exercise.id]
    mistake = catalog.mistake(mistake_id)
    cases = probes(prepared)
    if mistake_id == "mutates-input":
        for inputs, _ in cases:
            copies = fresh_copy(inputs)
            _call_in_place(mutant, copies)
            if any(isinstance(o, np.ndarray) and not np.array_equal(o, c, equal_nan=True)
                   for o, c in zip(inputs, copies)):
                return ""
        return "does not change its inputs"
    if mistake_id == "shape-mismatch":
        return ""
    if mistake.models:
        for name in mistake.models:
            model = getattr(mistake_models, name)
            if all(_same(_call(mutant, i), _call(model, i), exercise) for i, _ in cases):
                return ""
        return "no model equals the mutant on every probe"
    if mistake.detect == "non-finite":
        for inputs, _ in cases:
            got, want = _call(mutant, inputs), _call(reference, inputs)
            if isinstance(got, Exception) or isinstance(want, Exception):
                continue
            g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
            if g.shape != w.shape:
                return "a shape differs"
            bad = ~np.isfinite(g) & np.isfinite(w)
            if not np.allclose(np.where(bad, w, g), w, rtol=exercise.rtol, atol=exercise.atol, equal_nan=True):
                return "finite values differ too"
            if bad.any() and np.max(np.abs(np.asarray(inputs[0], dtype=float))) < 100:
                return "non-finite for small inputs"
        return ""
    if mistake.detect == "constant":  # a fact about the catalog's cases ("the same result for every case")
        outputs = [_call(mutant, case.inputs) for case in prepared.cases]
        if all(_same(outputs[0], o, exercise) and not isinstance(o, Exception) for o in outputs[1:]):
            return ""
        return "the output depends on the input"
    if mistake_id == "calls-failing-exercise":
        for callee in functions.get("__calls__", {}).get(exercise.id, ()):
            callee_exercise = catalog.exercise(callee)
            callee_reference = getattr(importlib.import_module(f"reference.{callee_exercise.module}"), callee)
            for inputs, _ in probes(prepare_exercise(catalog, callee_exercise)):
                if not _same(_call(functions[callee], inputs), _call(callee_reference, inputs), callee_exercise):
                    return ""
        return "every exercise it calls is right"
    if mistake.detect == "tagged-cases-fail":
        for inputs, tags in cases:
            if mistake.tag not in tags and not _same(_call(mutant, inputs), _call(reference, inputs), exercise):
                return f"fails untagged inputs too (not only {mistake.tag})"
        return ""
    return "no oracle for this mistake"


# --- grading ------------------------------------------------------------------------------------------

def exercises_of(catalog) -> dict[str, list[str]]:
    """module -> exercise ids."""
    found: dict[str, list[str]] = {}
    for exercise in catalog.exercises:
        found.setdefault(exercise.module, []).append(exercise.id)
    return found


def run(jobs: int, only: str | None, verbose: bool) -> int:
    catalog = load_catalog()
    grader = Grader(catalog=catalog, isolation="process", limits=Limits(call_seconds=2.0, load_seconds=5.0))
    modules = exercises_of(catalog)
    all_mutants = []
    for module, ids in modules.items():
        if only and module != only:
            continue
        extra = {"_perceptron"} if module == "perceptron" else set()
        all_mutants += mutants(REFERENCE / f"{module}.py", set(ids) | extra)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mutants-"))
    folders = {}
    for number, mutant in enumerate(all_mutants):
        folder = work / f"m{number:04d}"
        folder.mkdir()
        for source in REFERENCE.glob("*.py"):
            if source.name != "__init__.py":
                shutil.copy(source, folder / source.name)
        (folder / f"{mutant.module}.py").write_text(mutant.source, encoding="utf-8")
        folders[folder] = mutant
    outcomes = []
    try:
        for item in grader.grade_batch(list(folders), jobs=jobs):
            mutant = folders[item.path]
            changed = [mutant.function] if mutant.function in catalog.ids else modules[mutant.module]
            results = {e.id: e for e in item.result.exercises} if item.result else {}
            killed = any(results[i].status != "passed" for i in changed if i in results)
            outcome = Outcome(mutant, killed)
            functions = None
            for exercise_id in changed:
                result = results.get(exercise_id)
                if result is None or not result.mistakes:
                    continue
                outcome.names[exercise_id] = list(result.mistakes)
                functions = functions or load_functions(item.path)
                exercise = catalog.exercise(exercise_id)
                prepared = grader.prepare(exercise)
                reference = getattr(importlib.import_module(f"reference.{exercise.module}"), exercise_id)
                for name in result.mistakes:
                    reason = judge(name, catalog, exercise, prepared, functions, reference)
                    if reason:
                        outcome.wrong.append((exercise_id, name, reason))
            outcomes.append(outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(outcomes, time.monotonic() - started, verbose)


def report(outcomes: list[Outcome], seconds: float, verbose: bool) -> int:
    outcomes.sort(key=lambda o: o.mutant.key)
    survivors = [o for o in outcomes if not o.killed]
    equivalent = [o for o in survivors if o.mutant.key in EQUIVALENT]
    live = [o for o in survivors if o.mutant.key not in EQUIVALENT]
    names = sum(len(v) for o in outcomes for v in o.names.values())
    wrong = [(o, w) for o in outcomes for w in o.wrong]
    scored = len(outcomes) - len(equivalent)
    print(f"{len(outcomes)} mutants in {seconds:.0f} s; killed {len(outcomes) - len(survivors)}, "
          f"equivalent {len(equivalent)}, surviving {len(live)}")
    print(f"mutation score: {(scored - len(live)) / max(scored, 1):.1%} of {scored} non-equivalent mutants")
    print(f"named mistakes: {names}, wrong: {len(wrong)}")
    for o in equivalent:
        print(f"  equivalent  {o.mutant.key}: {EQUIVALENT[o.mutant.key]}")
    for o in live:
        print(f"  SURVIVED    {o.mutant.key}")
    for o, (exercise_id, name, reason) in wrong:
        print(f"  WRONG NAME  {o.mutant.key}: {exercise_id} named {name} ({reason})")
    if verbose:
        for o in outcomes:
            if o.names:
                print(f"  named       {o.mutant.key}: {o.names}")
    return 1 if live or wrong else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="one reference module, e.g. activations")
    parser.add_argument("--verbose", action="store_true", help="also list every mutant's names")
    args = parser.parse_args()
    return run(args.jobs, args.only, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
