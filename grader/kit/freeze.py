"""Freezing what a student kit needs from the reference and the mistake models, as data (see grader/kit/frozen.py).

Runs once, when an instructor builds a kit from the full course: every public case's inputs, expected value
and numerical-gradient targets; every mistake model's output on every public case of every exercise it may
diagnose ("not applicable" when the formula refuses the inputs); and each exercise's right results for the
arguments a cascade check may give it in place of the student's function (grader/isolate.py). Hidden cases
are never frozen. Each value is checked to come back from the file exactly as it went in.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from grader.cases import PreparedCase, prepare_exercise, reference_function
from grader.catalog import Catalog, Exercise
from grader.catalog.behaviour import BehaviourCheck
from grader.errors import CatalogError
from grader.kit.frozen import FORMAT, NOT_APPLICABLE_TAG, case_key, frozen_file, model_names
from grader.runner import codec
from grader.stand_in_table import stand_in_table


def freeze_course(catalog: Catalog, folder: Path) -> list[Path]:
    """Write `folder/<id>.json` for every exercise of a full course's catalog; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    exercises = catalog.all_exercises  # every assignment's, not only the first's
    prepared = {exercise.id: prepare_exercise(catalog, exercise) for exercise in exercises}
    public = {eid: [case for case in p.cases if not case.case.hidden] for eid, p in prepared.items()}
    written = []
    for exercise in exercises:
        data = {
            "format": FORMAT,
            "exercise": exercise.id,
            "cases": [_case(catalog, exercise, case) for case in public[exercise.id]],
            "stand_ins": _stand_ins(catalog, exercise, public),
        }
        path = frozen_file(folder, exercise.id)
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        written.append(path)
    return written


def _case(catalog: Catalog, exercise: Exercise, prepared: PreparedCase) -> dict:
    from grader.cases import NOT_APPLICABLE
    from grader.diagnose import Observation, _model_output
    from grader.results import Status

    where = f"{exercise.id}: {prepared.case.name.en}"
    models = {}
    observation = Observation(prepared=prepared, status=Status.FAILED)
    for name in model_names(catalog, exercise):
        output = _model_output(catalog, name, observation)  # exactly what grading with the full course computes
        models[name] = NOT_APPLICABLE_TAG if output is NOT_APPLICABLE else _exact(output, f"{where}: model {name}")
    return {
        "key": case_key(prepared.case),
        "name": prepared.case.name.en,
        "inputs": [_exact(value, f"{where}: input") for value in prepared.inputs],
        "expected": _exact(prepared.expected, f"{where}: expected value"),
        "gradients": {str(output): _exact(gradient, f"{where}: gradient")
                      for output, gradient in prepared.gradients.items()},
        "models": models,
        "extra_inputs": [[_exact(value, f"{where}: input") for value in call]
                         for call in getattr(prepared, "extra_inputs", ())],  # a behaviour check's further calls
    }


def _stand_ins(catalog: Catalog, callee: Exercise, public: dict[str, list[PreparedCase]]) -> list:
    """The callee's right results for its own public inputs and the leading arguments of every exercise's."""
    if all(isinstance(case.case.check, BehaviourCheck) for case in public[callee.id]):
        return []  # judged by properties: no right result to stand in with (grader/behaviour.py)
    return stand_in_table(reference_function(catalog, callee), [case.inputs for case in public[callee.id]],
                          [case.inputs for cases in public.values() for case in cases],
                          lambda value: _exact(value, callee.id))


def _exact(value: Any, where: str) -> Any:
    """The value encoded, after checking it decodes to exactly the same value (type, dtype, bits)."""
    encoded = codec.encode(value)
    try:
        back = codec.decode(json.loads(json.dumps(encoded)))
    except ValueError:
        back = None
    if not _identical(value, back):
        raise CatalogError(f"{where}: {type(value).__name__} cannot be frozen as data exactly")
    return encoded


def _identical(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, (float, np.floating)):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b
