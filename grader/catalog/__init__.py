"""The exercise catalog: exercises, cases, points, hints and mistakes, loaded from TOML into dataclasses.

The catalog is data (`exercises.toml`); this module only gives it types and checks its shape, so the
engine can run any catalog without knowing what a sigmoid is.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.catalog.behaviour import BehaviourCheck, parse_behaviour
from grader.errors import CatalogError, GradeError

CATALOG_PATH = Path(__file__).with_name("exercises.toml")
REFERENCE_FOLDER = Path(__file__).resolve().parent.parent.parent / "reference"
DETECTORS = ("non-finite", "tagged-cases-fail", "error-message", "constant", "signature",
             "loss-grows", "loss-explained-by", "property-failed")
CHECK_KINDS = ("allclose", "numerical-gradient", "behaviour")


@dataclass(frozen=True)
class Text:
    """A piece of text a student reads, in every language the grader speaks."""

    en: str
    ko: str

    def __call__(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    @classmethod
    def parse(cls, value: Any, where: str) -> "Text":
        if isinstance(value, str):  # language-neutral, such as "(0, 1)"
            return cls(value, value)
        if not isinstance(value, dict) or not value.get("en") or not value.get("ko"):
            raise CatalogError(f"{where}: needs text in both languages, {{ en = ..., ko = ... }}")
        return cls(value["en"], value["ko"])


@dataclass(frozen=True)
class Mistake:
    """A known wrong way to solve an exercise, named in the results when a student's output matches it."""

    id: str
    name: Text
    hint: Text
    models: tuple[str, ...] = ()
    """Functions of mistake_models.py that compute what a student with this mistake returns."""
    detect: str | None = None
    """A built-in detector used instead of models: one of DETECTORS."""
    tag: str | None = None
    """For "tagged-cases-fail": the tag of the cases that fail while every other case passes; for
    "non-finite": the tag of the cases (large inputs) among which a non-finite failure must be."""
    pattern: str | None = None
    """For "error-message": a regular expression searched in the exception's message."""
    params: tuple[tuple[str, Any], ...] = ()
    """A detector's other parameters, as written in the catalog (see grader/behaviour_mistakes.py)."""

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class GradientCheck:
    """Judge gradient outputs against a central difference of a reference loss (CS231n relative error)."""

    loss: str
    wrt: tuple[int, ...]
    """Indices of the arguments (weights) the gradients are taken with respect to."""
    outputs: tuple[int, ...]
    """Indices of the outputs that hold those gradients, in the same order."""
    step: float = 1e-5
    max_rel_error: float = 1e-5


@dataclass(frozen=True)
class Literal:
    """A value stated on a slide for one output (or one element of it) of a case."""

    output: int | None
    index: tuple[int, ...] | None
    value: float


@dataclass(frozen=True)
class Case:
    """One call of the student's function, with the inputs to pass and how to judge what comes back."""

    name: Text
    args: dict[str, Any]
    """Argument name -> its spec (see exercises.toml); passed positionally in this order."""
    expected: Any = None
    """A literal expected value spec, or None: the reference computes it at grading time."""
    literals: tuple[Literal, ...] = ()
    check: GradientCheck | BehaviourCheck | None = None
    weight: float = 1.0
    hidden: bool = False
    """A hidden case shows its name and status, never its inputs or expected values."""
    tags: tuple[str, ...] = ()
    plot: bool = False
    """This case's values are drawn in the report (see Exercise.plot)."""


PLOT_KINDS = ("curve", "bars")


@dataclass(frozen=True)
class Exercise:
    id: str
    module: str
    """The stub file (without .py) that holds the function; the reference module of the same name."""
    points: float
    title: Text
    summary: Text
    hints: tuple[Text, ...]
    """Hints in the order they are revealed: a nudge, the formula, the NumPy idiom."""
    cases: tuple[Case, ...]
    mistakes: tuple[Mistake, ...] = ()
    returns: tuple[str, ...] = ()
    """Names of a tuple result's parts, used in messages ("A2 differs")."""
    rtol: float = 1e-5
    atol: float = 1e-8
    plot: str | None = None
    """How the report draws the cases marked `plot`: `curve` (the result over the first argument, the
    student's line over the reference's) or `bars` (expected and got side by side, element by element)."""
    aliases: tuple[str, ...] = ()
    """Names from the lectures and the textbook graded in place of `id` when it is not defined (with advice)."""
    assignment: str | None = None
    """The assignment this exercise belongs to when it is not the course's first (e.g. "nn-2"): graded only
    when that assignment is chosen or the exercise is named."""


@dataclass(frozen=True)
class Catalog:
    exercises: tuple[Exercise, ...]
    """The exercises graded when none is named: one assignment's (the course's first unless chosen)."""
    common_mistakes: dict[str, Mistake]
    """Mistakes any exercise can show (missing, not-implemented, mutates-input, ...)."""
    reference: str = "reference"
    """The package whose modules compute expected values."""
    everything: tuple[Exercise, ...] = ()
    """Every exercise of the catalog file, whatever its assignment: an exercise named by id is found here."""

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises + self.everything:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def find(self, exercise_id: str) -> Exercise:
        """The exercise a user named; an unknown name is their error, listing the names there are."""
        names = [exercise.id for exercise in self.everything or self.exercises]
        if exercise_id not in names:
            raise GradeError("error.unknown-exercise", name=exercise_id, names=", ".join(names))
        return self.exercise(exercise_id)

    def only(self, exercise_ids) -> "Catalog":
        """This catalog with an assignment's exercises as the ones graded (`exercise_ids`, in that order)."""
        every = self.everything or self.exercises
        return replace(self, exercises=tuple(self.find(i) for i in exercise_ids), everything=every)

    def assignment_ids(self, assignment: str | None) -> list[str]:
        """The ids of the exercises marked for `assignment` (None: those marked for none, the first's)."""
        return [exercise.id for exercise in self.everything or self.exercises if exercise.assignment == assignment]

    @property
    def ids(self) -> list[str]:
        return [exercise.id for exercise in self.exercises]

    @property
    def max_score(self) -> float:
        return float(sum(exercise.points for exercise in self.exercises))

    def mistake(self, mistake_id: str) -> Mistake | None:
        if mistake_id in self.common_mistakes:
            return self.common_mistakes[mistake_id]
        for exercise in self.exercises + self.everything:
            for mistake in exercise.mistakes:
                if mistake.id == mistake_id:
                    return mistake
        return None


EXTRA_KEYS = ("points", "rtol", "atol", "title", "summary", "cases", "aliases")


def load_catalog(path: Path = CATALOG_PATH, extra: Path | None = None) -> Catalog:
    """Read and check a catalog file; a malformed one raises CatalogError naming the entry.

    `extra` is an instructor's own catalog file laid over it: for an exercise id it may change
    `points`, `rtol`, `atol`, `title`, `summary` or `aliases` (`aliases = []` requires exact names) and add
    `cases` (hidden ones, typically).
    """
    data = _read_toml(path)
    if extra is not None:
        _lay_over(data, _read_toml(extra), extra)
    defaults = data.get("defaults", {})
    common = {mid: _parse_mistake(mid, spec, f"mistakes.{mid}") for mid, spec in data.get("mistakes", {}).items()}
    exercises = tuple(_parse_exercise(spec, defaults, i) for i, spec in enumerate(data.get("exercises", [])))
    ids = [exercise.id for exercise in exercises]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{path}: exercise ids must be unique")
    _check_aliases(exercises, path)
    first = tuple(exercise for exercise in exercises if exercise.assignment is None)
    return Catalog(exercises=first, common_mistakes=common, reference=data.get("reference", "reference"),
                   everything=exercises)


def catalog_fingerprint(path: Path = CATALOG_PATH, extra: Path | None = None) -> str:
    """What the grades depend on besides the submission: the catalog files and the reference code."""
    digest = hashlib.sha256()
    for file in [Path(path), *([Path(extra)] if extra else []), *sorted(REFERENCE_FOLDER.glob("*.py"))]:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None


def _lay_over(data: dict, extra: dict, where: Path) -> None:
    base = {spec.get("id"): spec for spec in data.get("exercises", [])}
    for position, spec in enumerate(extra.get("exercises", [])):
        exercise_id = spec.get("id")
        if exercise_id not in base:
            raise CatalogError(f"{where}: exercises[{position}]: unknown exercise id {exercise_id!r}")
        unknown = set(spec) - {"id", *EXTRA_KEYS}
        if unknown:
            raise CatalogError(f"{where}: exercises[{position}] ({exercise_id}): cannot change {', '.join(sorted(unknown))}"
                               f" (only {', '.join(EXTRA_KEYS)})")
        target = base[exercise_id]
        for key, value in spec.items():
            if key == "cases":
                target["cases"] = list(target.get("cases", [])) + list(value)
            elif key != "id":
                target[key] = value


def _parse_exercise(spec: dict, defaults: dict, position: int) -> Exercise:
    where = f"exercises[{position}] ({spec.get('id', '?')})"
    for key in ("id", "module", "points", "title", "summary", "hints", "cases"):
        if key not in spec:
            raise CatalogError(f"{where}: `{key}` is missing")
    hints = spec["hints"]
    if len(hints.get("en", [])) != len(hints.get("ko", [])) or not hints.get("en"):
        raise CatalogError(f"{where}: hints need the same number of entries in en and ko")
    cases = tuple(_parse_case(case, f"{where}.cases[{i}]") for i, case in enumerate(spec["cases"]))
    if not cases:
        raise CatalogError(f"{where}: needs at least one case")
    plot = spec.get("plot")
    if plot is not None and plot not in PLOT_KINDS:
        raise CatalogError(f"{where}: plot must be one of {', '.join(PLOT_KINDS)}")
    if plot is not None and not any(case.plot for case in cases):
        raise CatalogError(f"{where}: plot = {plot!r} needs a case with plot = true")
    if plot is None and any(case.plot for case in cases):
        raise CatalogError(f"{where}: a case has plot = true but the exercise sets no plot kind")
    return Exercise(
        id=spec["id"],
        module=spec["module"],
        points=float(spec["points"]),
        title=Text.parse(spec["title"], f"{where}.title"),
        summary=Text.parse(spec["summary"], f"{where}.summary"),
        hints=tuple(Text(en, ko) for en, ko in zip(hints["en"], hints["ko"])),
        cases=cases,
        mistakes=tuple(_parse_mistake(m.get("id", "?"), m, f"{where}.mistakes") for m in spec.get("mistakes", [])),
        returns=tuple(spec.get("returns", ())),
        rtol=float(spec.get("rtol", defaults.get("rtol", 1e-5))),
        atol=float(spec.get("atol", defaults.get("atol", 1e-8))),
        plot=plot,
        aliases=_parse_aliases(spec.get("aliases", []), where),
        assignment=spec.get("assignment"),
    )


def _parse_aliases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name.isidentifier() for name in value):
        raise CatalogError(f"{where}: aliases must be a list of Python names")
    return tuple(dict.fromkeys(value))


def _check_aliases(exercises: tuple[Exercise, ...], path: Path) -> None:
    """An alias names one exercise only, and never another exercise's own name."""
    owner: dict[str, str] = {exercise.id: exercise.id for exercise in exercises}
    for exercise in exercises:
        for alias in exercise.aliases:
            if alias in owner:
                raise CatalogError(f"{path}: alias {alias!r} of {exercise.id} is already the name or an alias of"
                                   f" {owner[alias]}")
            owner[alias] = exercise.id


def _parse_case(spec: dict, where: str) -> Case:
    if "name" not in spec or "args" not in spec:
        raise CatalogError(f"{where}: a case needs `name` and `args`")
    check = spec.get("check")
    if check is not None and check.get("kind") == "behaviour":
        check = parse_behaviour(check, list(spec["args"]), f"{where}.check")
    elif check is not None:
        if check.get("kind") != "numerical-gradient":
            raise CatalogError(f"{where}: check.kind must be one of {', '.join(CHECK_KINDS[1:])}")
        check = GradientCheck(
            loss=check["loss"], wrt=tuple(check["wrt"]), outputs=tuple(check["outputs"]),
            step=float(check.get("step", 1e-5)), max_rel_error=float(check.get("max_rel_error", 1e-5)),
        )
    literals = tuple(
        Literal(output=lit.get("output"), index=tuple(lit["index"]) if "index" in lit else None, value=float(lit["value"]))
        for lit in spec.get("literals", ())
    )
    return Case(
        name=Text.parse(spec["name"], f"{where}.name"),
        args=dict(spec["args"]),
        expected=spec.get("expected"),
        literals=literals,
        check=check,
        weight=float(spec.get("weight", 1.0)),
        hidden=bool(spec.get("hidden", False)),
        tags=tuple(spec.get("tags", ())),
        plot=_plotted(spec, where),
    )


def _plotted(spec: dict, where: str) -> bool:
    plot = bool(spec.get("plot", False))
    if plot and spec.get("hidden", False):
        raise CatalogError(f"{where}: a hidden case cannot be plotted (its values are secret)")
    return plot


def _parse_mistake(mistake_id: str, spec: dict, where: str) -> Mistake:
    detect = spec.get("detect")
    if detect is not None and detect not in DETECTORS:
        raise CatalogError(f"{where}: detect must be one of {', '.join(DETECTORS)}, not {detect!r}")
    return Mistake(
        id=mistake_id,
        name=Text.parse(spec.get("name"), f"{where}.{mistake_id}.name"),
        hint=Text.parse(spec.get("hint"), f"{where}.{mistake_id}.hint"),
        models=tuple(spec.get("models", ())),
        detect=detect,
        tag=spec.get("tag"),
        pattern=spec.get("pattern"),
        params=tuple(sorted(spec.get("params", {}).items())),
    )
