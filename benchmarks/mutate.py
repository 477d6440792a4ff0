"""Mutation testing of the catalog: do its cases catch first-order mutants of the reference, and are
the mistakes it names right?

Each mutant is the reference with one small change (an operator, a comparison, a constant, a NumPy
function, an axis or keepdims, a dropped term or call, one local name used for another). Every mutant
is graded through the normal engine (`Grader.grade_batch`, each in its own worker process). A mutant is
killed when an exercise whose function it changed fails. Each mistake named on a changed exercise is then judged by an oracle
that calls the mutant itself (trusted code: it is our reference) on the cases' inputs and on perturbed
copies of them: a model's name is right only when the mutant equals that model everywhere.

Usage: python benchmarks/mutate.py [--jobs N] [--only MODULE] [--verbose]
Prints the mutation score, the survivors (equivalent ones with their reason) and the wrong names.
"""
from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"

from grader.catalog import load_catalog  # noqa: E402
from grader.grading import Grader  # noqa: E402
from grader.runner import Limits  # noqa: E402
from mutants import Mutant, mutants  # noqa: E402
from oracle import judge, load_functions  # noqa: E402

NUMERIC = "returns a NumPy scalar/0-d array or bool instead of a float or int: the dtype is not graded (CONTRACT)"
SAME_SHAPE = "one-hot t has y's shape (CONTRACT); a (C,) reshape broadcasts over (1, C) the same"
SCALAR = "a scalar case passes a NumPy scalar, which has .ndim, .size and .astype (CONTRACT)"
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
    "activations:leaky_relu:result -> x (line 71, col 21)": f"`x.ndim` is `result.ndim`: {SCALAR}",
    "losses:cross_entropy_error:labels -> t (line 34, col 7)": f"`t.size` is `labels.size`: {SCALAR}",
    "losses:cross_entropy_error:labels -> t (line 35, col 44)": f"`t.astype(int)` picks the same: {SCALAR}",
    "losses:cross_entropy_error:np.atleast_1d(t) -> t": f"a label indexes the same without it: {SCALAR}",
    "losses:mean_squared_error:y -> t (line 17, col 17)": "t has y's shape (CONTRACT)",
    "losses:mean_squared_error:y -> t (line 17, col 31)": "t has y's shape (CONTRACT)",
}


@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    names: dict[str, list[str]] = field(default_factory=dict)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)


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
