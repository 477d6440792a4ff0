"""The oracle of mutate.py: is a mistake named for a mutant really that mistake?

It calls the mutant itself (trusted code: our reference, mutated) in this process, on the catalog's
inputs and on perturbed copies of them. A model's name is right only when the mutant equals that model
on every probe; each detector has its own test of what it claims.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np

from grader.cases import fresh_copy, prepare_exercise
from grader.catalog import load_catalog
from grader.catalog.solutions import mistake_models_module
from grader.compare import same_values
from grader.submission import open_submission

try:
    from grader.explain import called_functions
except ImportError:  # an older grader, measured for comparison (PYTHONPATH=its checkout): no cascades
    def called_functions(submission):
        return {}

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
            model = getattr(mistake_models_module(load_catalog().files.mistake_models), name)
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
