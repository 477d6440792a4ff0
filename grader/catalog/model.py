"""The catalog's types: exercises, cases, hints and mistakes, and the files a catalog was read from.

The catalog is data (`exercises.toml`); these dataclasses give it types, so the engine can run any
catalog without knowing what a sigmoid is. Reading and checking the TOML is `grader.catalog.loading`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.catalog.behaviour import BehaviourCheck
from grader.errors import CatalogError, GradeError
from grader.kinds import Detector, PlotKind

SCHEMA = "grade-catalog/1"
DETECTORS = tuple(Detector)
CHECK_KINDS = ("allclose", "numerical-gradient", "behaviour")


@dataclass(frozen=True)
class CatalogFiles:
    """Where a catalog came from and where its solutions are: the one place the engine learns paths.

    The course (`grader.course`) fills this in from `course.toml`; nothing else names a folder."""

    catalog: Path
    extra: Path | None = None
    """An instructor's overlay file (`--catalog`) laid over the catalog."""
    reference: Path | None = None
    """The folder of reference modules (one per stub file); None in a student kit."""
    mistake_models: Path | None = None
    """The Python file of mistake models; None when the course has none, or in a student kit."""
    frozen: Path | None = None
    """A student kit's folder of expected values and model outputs, frozen as data."""
    course: Path | None = None
    """The course.toml the catalog belongs to (part of the fingerprint)."""


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
    detect: Detector | None = None
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


PLOT_KINDS = tuple(PlotKind)


@dataclass(frozen=True)
class Exercise:
    """An exercise of the catalog: its function, cases, points, tolerances, aliases and mistakes."""

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
    plot: PlotKind | None = None
    """How the report draws the cases marked `plot`: `curve` (the result over the first argument, the
    student's line over the reference's) or `bars` (expected and got side by side, element by element)."""
    aliases: tuple[str, ...] = ()
    """Names from the lectures and the textbook graded in place of `id` when it is not defined (with advice)."""


@dataclass(frozen=True)
class Catalog:
    """A course's exercises (the assignment's, see only()), its common mistakes and where it was read from."""

    exercises: tuple[Exercise, ...]
    """The exercises graded when none is named: one assignment's once `only` chose it, else every one."""
    common_mistakes: dict[str, Mistake]
    """Mistakes any exercise can show (missing, not-implemented, mutates-input, ...)."""
    files: CatalogFiles | None = None
    """Where the catalog and its reference and mistake models are (see CatalogFiles)."""
    everything: tuple[Exercise, ...] = ()
    """Every exercise of the catalog file, whatever the assignment: an exercise named by id is found here."""

    @property
    def all_exercises(self) -> tuple[Exercise, ...]:
        return self.everything or self.exercises

    def exercise(self, exercise_id: str) -> Exercise:
        for exercise in self.all_exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def find(self, exercise_id: str) -> Exercise:
        """The exercise a user named (in any assignment); an unknown name is their error, listing the names."""
        names = [exercise.id for exercise in self.all_exercises]
        if exercise_id not in names:
            raise GradeError("error.unknown-exercise", name=exercise_id, names=", ".join(names))
        return self.exercise(exercise_id)

    def only(self, exercise_ids) -> "Catalog":
        """This catalog with an assignment's exercises (`exercise_ids`, in that order) as the ones graded."""
        every = self.all_exercises
        return replace(self, exercises=tuple(self.find(i) for i in exercise_ids), everything=every)

    def whole(self) -> "Catalog":
        """This catalog with every exercise of the course as the ones listed (`grade list`, `grade progress`)."""
        return replace(self, exercises=self.all_exercises, everything=())

    @property
    def ids(self) -> list[str]:
        return [exercise.id for exercise in self.exercises]

    @property
    def max_score(self) -> float:
        return float(sum(exercise.points for exercise in self.exercises))

    def mistake(self, mistake_id: str) -> Mistake | None:
        if mistake_id in self.common_mistakes:
            return self.common_mistakes[mistake_id]
        for exercise in self.all_exercises:
            for mistake in exercise.mistakes:
                if mistake.id == mistake_id:
                    return mistake
        return None
