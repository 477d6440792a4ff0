"""`grade course check DIR`: a course pack checks itself, as rustlings' dev check does.

Every problem is one `Problem` (a message key of grader/locales/*/course.toml and its parameters):
the pack loads (schema, paths, assignments; the catalog refuses a plotted hidden case); every exercise
has a reference function, a stub, and its texts in every language of the course; the reference scores
full marks and names no mistake; the stubs `grade course build` generates score zero; every mistake model is recognised by a
submission made of that model, and named as nothing else. Grading uses the normal Grader, as a
student's submission would.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.catalog import Catalog, Exercise, GradientCheck
from grader.catalog.solutions import mistake_models_module
from grader.course import Course, load_course
from grader.diagnose import GENERIC
from grader.errors import CatalogError, GradeError
from grader.kit.stubs import make_stub
from grader.practice import function_source
from grader.results import Status

MODELS_MODULE = "course_check_mistake_models"
"""The file a model's submission imports its model from (a copy of the course's mistake models)."""


@dataclass(frozen=True)
class Problem:
    key: str
    params: dict = field(default_factory=dict)


@dataclass
class CheckReport:
    course: Course | None = None
    problems: list[Problem] = field(default_factory=list)
    exercises: int = 0
    models: int = 0

    def add(self, key: str, **params) -> None:
        self.problems.append(Problem(f"course.{key}", params))


def check_course(folder: Path, isolation: str = "auto") -> CheckReport:
    report = CheckReport()
    try:
        report.course = course = load_course(Path(folder))
        course.check_quizzes()
        catalog = course.catalog().whole()  # every assignment's
    except GradeError as error:
        report.problems.append(Problem(error.key, error.params))
        return report
    except CatalogError as error:
        report.problems.append(Problem("error.catalog", {"reason": str(error)}))
        return report
    report.exercises = len(catalog.exercises)
    _check_data(course, catalog, report)
    if course.reference is None:
        report.add("check-student-kit" if course.frozen is not None else "check-no-reference-folder", path=course.root)
        return report
    defined = [e for e in catalog.exercises if _defines(course.reference, e, report)]
    if len(defined) == len(catalog.exercises):
        _check_grading(course, catalog, report, isolation)
    return report


def _check_data(course: Course, catalog: Catalog, report: CheckReport) -> None:
    for assignment in course.assignments:
        total = sum(catalog.exercise(e).points for e in assignment.exercises)
        if assignment.points is not None and abs(total - assignment.points) > 1e-9:
            report.add("check-points", assignment=assignment.id, points=f"{assignment.points:g}", total=f"{total:g}")
    for mistake in catalog.common_mistakes.values():
        for part, text in (("name", mistake.name), ("hint", mistake.hint)):
            _has_text(course, report, "mistakes", f"{mistake.id}.{part}", text)
    for exercise in catalog.exercises:
        texts = [("title", exercise.title), ("summary", exercise.summary)]
        texts += [(f"hints[{i}]", hint) for i, hint in enumerate(exercise.hints)]
        texts += [(f"cases[{i}].name", case.name) for i, case in enumerate(exercise.cases)]
        texts += [(f"{m.id}.{part}", text) for m in exercise.mistakes for part, text in (("name", m.name),
                                                                                     ("hint", m.hint))]
        for what, text in texts:
            _has_text(course, report, exercise.id, what, text)
        if course.stubs is not None and _stub_missing(course.stubs, exercise):
            report.add("check-no-stub", exercise=exercise.id, file=course.stubs / f"{exercise.module}.py")


def _has_text(course: Course, report: CheckReport, where: str, what: str, text) -> None:
    for lang in course.languages:
        if not text(lang).strip():
            report.add("check-missing-text", exercise=where, what=what, language=lang)


def _stub_missing(stubs: Path, exercise: Exercise) -> bool:
    file = stubs / f"{exercise.module}.py"
    return not file.is_file() or function_source(file, exercise.id) is None


def _defines(reference: Path, exercise: Exercise, report: CheckReport) -> bool:
    file = reference / f"{exercise.module}.py"
    names = [exercise.id] + [c.check.loss for c in exercise.cases if isinstance(c.check, GradientCheck)]
    missing = [name for name in dict.fromkeys(names) if not file.is_file() or function_source(file, name) is None]
    for name in missing:
        report.add("check-no-reference", exercise=exercise.id, function=name, file=file)
    return not missing


def _check_grading(course: Course, catalog: Catalog, report: CheckReport, isolation: str) -> None:
    from grader.grading import Grader

    grader = Grader(catalog=catalog, isolation=isolation)
    for exercise in catalog.exercises:
        try:
            grader.prepare(exercise)
        except Exception as error:  # noqa: BLE001 - the instructor's reference code, reported in one line
            report.add("check-reference-raised", exercise=exercise.id, reason=f"{type(error).__name__}: {error}")
            return
    with tempfile.TemporaryDirectory(prefix="grade-course-check-") as scratch:
        reference = _copy_modules(course.reference, Path(scratch) / "reference")
        for result in _grade(grader, reference):
            named = [m for m in result.mistakes if m not in GENERIC]
            if result.status != Status.PASSED or result.score < result.max_score or named:
                report.add("check-reference-not-full", exercise=result.id, score=f"{result.score:g}",
                           points=f"{result.max_score:g}", status=str(result.status), named=", ".join(named) or "-")
        stubs = Path(scratch) / "stubs"
        stubs.mkdir()
        try:  # the stubs `grade course build` gives students, made the same way
            for file in reference.glob("*.py"):
                (stubs / file.name).write_text(make_stub(file.read_text(encoding="utf-8"), file.name),
                                               encoding="utf-8")
        except CatalogError as error:
            report.problems.append(Problem("error.catalog", {"reason": str(error)}))
            return
        for result in _grade(grader, stubs):
            if result.score != 0:
                report.add("check-stub-not-zero", exercise=result.id, score=f"{result.score:g}")
        _check_models(course, catalog, grader, reference, Path(scratch) / "models", report)


def _check_models(course: Course, catalog: Catalog, grader, reference: Path, scratch: Path,
                  report: CheckReport) -> None:
    models = mistake_models_module(course.mistake_models) if course.mistake_models else None
    for exercise in catalog.exercises:
        for mistake in exercise.mistakes:
            for name in mistake.models:
                if models is None or not callable(getattr(models, name, None)):
                    report.add("check-no-model", exercise=exercise.id, mistake=mistake.id, model=name)
                    continue
                report.models += 1
                folder = _model_submission(reference, scratch / f"{exercise.id}-{name}", exercise, name,
                                           course.mistake_models)
                result = _grade(grader, folder, [exercise.id])[0]
                own = [m for m in result.mistakes if m not in GENERIC]
                if own != [mistake.id]:
                    report.add("check-model-not-named", exercise=exercise.id, model=name, mistake=mistake.id,
                               named=", ".join(own) or "-")


def _model_submission(reference: Path, folder: Path, exercise: Exercise, model: str, models: Path) -> Path:
    """The reference, with the exercise's function replaced by the mistake model of that name."""
    shutil.copytree(reference, folder)
    shutil.copyfile(models, folder / f"{MODELS_MODULE}.py")
    file = folder / f"{exercise.module}.py"
    from grader.practice import function_spans

    text = file.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for first, last in reversed(function_spans(text, exercise.id)):
        del lines[first - 1: last]
    lines.append(f"\n\nfrom {MODELS_MODULE} import {model} as {exercise.id}  # noqa: E402\n")
    file.write_text("".join(lines), encoding="utf-8")
    return folder


def _copy_modules(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for file in sorted(source.glob("*.py")):
        if file.name != "__init__.py":
            shutil.copyfile(file, target / file.name)
    return target


def _grade(grader, folder: Path, only: list[str] | None = None) -> list:
    from grader.submission import open_submission

    with open_submission(folder) as submission:
        return grader.grade(submission, only=only).exercises
