"""A student kit's frozen data: what the reference and the mistake models computed, read back as plain values.

One JSON file per exercise, `frozen/<exercise id>.json`, written by `grade course build` (grader/kit/freeze.py):

    {"format": "grade-frozen/1", "exercise": "sigmoid",
     "cases": [{"key": ..., "inputs": [...], "expected": ..., "gradients": {"2": ...},
                "models": {"model name": value, or {"t": "not-applicable"}}, "extra_inputs": [[...]]}],
     "stand_ins": [[[args...], value], ...]}

Every value is in the wire format of grader/runner/codec.py (numbers, NumPy scalars, arrays as raw bytes
with a whitelisted dtype, tuples): no pickle, no code, and a NumPy scalar or a tuple comes back as itself.
A case is found by `key`, a digest of its spec, so a catalog and frozen data that do not belong together
are an error, never a silent mismatch. The files are untrusted input: anything malformed is a GradeError
naming the file (`course.kit.corrupt`), one line in the CLI. Cases are checked when the file is read;
a stand-in value (needed only by a cascade check) when it is asked for.
"""
from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.catalog import Case, Catalog, Exercise, GradientCheck
from grader.errors import GradeError
from grader.render.safe import plain
from grader.runner import codec
from grader.runner.codec import args_key

FORMAT = "grade-frozen/1"
NOT_APPLICABLE_TAG = {"t": "not-applicable"}
MAX_FILE_BYTES = 256 * 1024 * 1024


class CorruptKit(ValueError):
    """Something in a frozen file is not what `grade course build` writes."""


def case_key(case: Case) -> str:
    """A digest of everything that decides a case's inputs and expected values (not its name or weight)."""
    spec = repr((case.args, case.expected, case.literals, case.check))
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()[:24]


def corrupt(file: Path | str, reason: str, key: str = "course.kit.corrupt") -> GradeError:
    """A damaged (or unreadable) kit file; the reason, in the kit reader's own technical words, is quoted as
    code in the Korean message, so it holds no backtick."""
    return GradeError(key, file=str(file), reason=plain(reason))


def frozen_file(folder: Path, exercise_id: str) -> Path:
    if not exercise_id.isidentifier():  # an id is a Python name; never a path of its own
        raise corrupt(folder, f"exercise id {exercise_id!r}")
    return Path(folder) / f"{exercise_id}.json"


@dataclass(frozen=True)
class FrozenCase:
    inputs: tuple
    expected: Any
    gradients: dict[int, np.ndarray]
    models: dict[str, Any]
    """Model name -> what it returned on these inputs, or grader.cases.NOT_APPLICABLE."""
    extra_inputs: tuple[tuple, ...] = ()
    """A behaviour check's further calls (the same seed again, an argument changed), frozen like the inputs."""


@dataclass(frozen=True)
class FrozenExercise:
    cases: dict[str, FrozenCase]
    stand_ins: dict[str, Any]
    """args_key(args) -> what the reference returned for them (the cascade check's table), still encoded."""


def load_exercise(folder: Path, exercise_id: str) -> FrozenExercise:
    """An exercise's frozen data, read once per version of its file (a kit rebuilt under `grade watch` is reread)."""
    path = frozen_file(folder, exercise_id)
    try:
        version = os.stat(path)
    except OSError:
        version = None  # reported by the read below
    return _load(path, exercise_id, version and (version.st_mtime_ns, version.st_size, version.st_ino))


@functools.lru_cache(maxsize=256)
def _load(path: Path, exercise_id: str, _version: tuple | None) -> FrozenExercise:
    try:
        return _parse(_read(path), exercise_id)
    except CorruptKit as problem:
        raise corrupt(path, str(problem)) from None
    except OSError as error:
        raise corrupt(path, error.strerror or str(error), "course.kit.unreadable") from None


def _read(path: Path) -> Any:
    """The file's JSON, read as it is: never through a link, never a FIFO or a device, never more than a kit needs."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CorruptKit("a link, not a file") from None
        raise
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise CorruptKit("not a regular file")
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise CorruptKit("too large")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise CorruptKit(f"not JSON ({type(error).__name__})") from None


def _parse(data: Any, exercise_id: str) -> FrozenExercise:
    from grader.cases import NOT_APPLICABLE

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CorruptKit(f"not a {FORMAT} file")
    if data.get("exercise") != exercise_id:
        raise CorruptKit(f"holds {data.get('exercise')!r}, not {exercise_id!r}")
    cases: dict[str, FrozenCase] = {}
    for position, spec in enumerate(_list(data.get("cases"), "cases")):
        where = f"cases[{position}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("key"), str):
            raise CorruptKit(f"{where}: no key")
        inputs = tuple(_value(v, f"{where}.inputs") for v in _list(spec.get("inputs"), f"{where}.inputs"))
        gradients = {}
        for output, value in _dict(spec.get("gradients", {}), f"{where}.gradients").items():
            if not (output.isascii() and output.isdigit()):  # "²" is a digit to isdigit(), not to int()
                raise CorruptKit(f"{where}.gradients: output {output!r}")
            gradients[int(output)] = _array(value, f"{where}.gradients.{output}")
        models = {}
        for name, value in _dict(spec.get("models", {}), f"{where}.models").items():
            models[name] = NOT_APPLICABLE if value == NOT_APPLICABLE_TAG else _value(value, f"{where}.models.{name}")
        extra = tuple(tuple(_value(v, f"{where}.extra_inputs") for v in _list(call, f"{where}.extra_inputs"))
                      for call in _list(spec.get("extra_inputs", []), f"{where}.extra_inputs"))
        cases[spec["key"]] = FrozenCase(inputs, _value(spec.get("expected"), f"{where}.expected"), gradients, models,
                                        extra)
    stand_ins = {}
    for position, entry in enumerate(_list(data.get("stand_ins", []), "stand_ins")):
        if not isinstance(entry, list) or len(entry) != 2 or not isinstance(entry[0], list):
            raise CorruptKit(f"stand_ins[{position}]")
        # Keyed by the arguments as written (the codec's own encoding, so args_key finds them); a value is
        # decoded, and checked, when a cascade check asks for it: most gradings never do.
        stand_ins[json.dumps(entry[0], sort_keys=True)] = entry[1]
    return FrozenExercise(cases, stand_ins)


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise CorruptKit(f"{where}: not a list")
    return value


def _dict(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise CorruptKit(f"{where}: not a table")
    return value


def _value(encoded: Any, where: str) -> Any:
    try:
        value = codec.decode(encoded)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        raise CorruptKit(f"{where}: {error}") from None
    if _unsupported(value):
        raise CorruptKit(f"{where}: not a number, an array or a tuple of them")
    return value


def _unsupported(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return any(_unsupported(item) for item in value)
    return isinstance(value, codec.Unsupported)


def _array(encoded: Any, where: str) -> np.ndarray:
    value = _value(encoded, where)
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise CorruptKit(f"{where}: a gradient must be a float array")
    return value


def model_names(catalog: Catalog, exercise: Exercise) -> list[str]:
    """Every mistake model the diagnoser may run on this exercise's cases (its own, then the common ones)."""
    mistakes = list(exercise.mistakes) + list(catalog.common_mistakes.values())
    return list(dict.fromkeys(name for mistake in mistakes for name in mistake.models))


def frozen_folder(catalog: Catalog) -> Path | None:
    """The folder of frozen data when the catalog is a student kit's (no reference to compute with), else None."""
    files = catalog.files
    return files.frozen if files is not None and files.reference is None else None


def frozen_case(catalog: Catalog, exercise: Exercise, case: Case) -> FrozenCase:
    """The frozen values of one case of the catalog, checked against the case's arguments and gradient check."""
    folder = frozen_folder(catalog)
    frozen = load_exercise(folder, exercise.id).cases.get(case_key(case))
    path = frozen_file(folder, exercise.id)
    if frozen is None:
        raise GradeError("course.kit.missing-case", exercise=exercise.id, case=case.name.en, file=str(path))
    if any(len(call) != len(case.args) for call in (frozen.inputs, *frozen.extra_inputs)):
        raise corrupt(path, f"{case.name.en}: {len(frozen.inputs)} inputs")
    check = case.check if isinstance(case.check, GradientCheck) else None  # a behaviour check freezes nothing
    wanted = set(check.outputs) if check else set()
    if set(frozen.gradients) != wanted:
        raise corrupt(path, f"{case.name.en}: gradients")
    if set(model_names(catalog, exercise)) - set(frozen.models):  # the diagnoser reads every model's output
        raise corrupt(path, f"{case.name.en}: models")
    for wrt, output in zip(check.wrt if check else (), check.outputs if check else ()):
        if np.shape(frozen.gradients[output]) != np.shape(frozen.inputs[wrt]):
            raise corrupt(path, f"{case.name.en}: gradient shape")
    return frozen


def stand_in_value(catalog: Catalog, callee: Exercise, args: tuple) -> Any:
    """What the reference returned for `args` as the callee's arguments; KeyError when it was not frozen."""
    folder = frozen_folder(catalog)
    encoded = load_exercise(folder, callee.id).stand_ins[args_key(args)]
    try:
        return _value(encoded, "stand_ins")
    except CorruptKit as problem:
        raise corrupt(frozen_file(folder, callee.id), str(problem)) from None
