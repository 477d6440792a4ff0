"""`grade course build DIR --out DIST`: a course pack made into two kits.

- `DIST/grading/`: everything, for the instructor's own grading: the pack's folder, with the files its
  course.toml names outside it (the built-in course's reference/ and exercises/) copied in beside it.
- `DIST/student/`: what a class may have: course.toml (paths to a catalog, stubs, frozen data and a quiz bank,
  none to a reference or mistake models: that is what makes it a student kit), the catalog without hidden cases,
  the stubs (the pack's own, or generated from the reference: grader/kit/stubs.py), the public cases' values and
  the mistake models' outputs frozen as data (grader/kit/freeze.py), and the quiz questions without answers.

Both are written in a staging folder inside DIST and moved into place at the end, so an interrupted build
leaves no half kit. Nothing is written over an existing kit.
"""
from __future__ import annotations

import dataclasses
import shutil
import tempfile
import tomllib
from pathlib import Path

from grader.course import Course
from grader.course.pack import SCHEMA
from grader.errors import CatalogError, GradeError
from grader.kit.freeze import freeze_course
from grader.kit.stubs import make_stub
from grader.kit.toml_write import dumps

KITS = ("student", "grading")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
STUDENT_HEADER = """A student kit of the course {id}, written by `grade course build`.
It has no solutions, no mistake models, no hidden cases and no quiz answers: expected values and the
mistake models' outputs are frozen as data in frozen/. Grade with `grade check --course THIS_FOLDER`."""
GRADING_HEADER = """The grading kit of the course {id}, written by `grade course build`: the whole pack, solutions
included. Keep it away from students."""


def build_kits(course: Course, out: Path) -> tuple[Path, Path]:
    """Write DIST/student and DIST/grading; returns their paths."""
    if not course.has_solutions:
        raise GradeError("course.kit.not-full", course=course.root)
    out, root = Path(out).resolve(), Path(course.root).resolve()
    if out == root or out.is_relative_to(root):
        raise GradeError("course.kit.out-inside", out=out, course=root)
    for name in KITS:
        if (out / name).exists() or (out / name).is_symlink():
            raise GradeError("course.kit.out-not-empty", out=out, name=name)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".grade-build-", dir=out))
    try:
        write_student_kit(course, staging / "student")
        write_grading_kit(course, staging / "grading")
        for name in KITS:
            (staging / name).rename(out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / "student", out / "grading"


def write_student_kit(course: Course, target: Path) -> None:
    target.mkdir(parents=True)
    catalog_data = _read_toml(course.catalog_file)
    catalog_data.pop("reference", None)
    catalog_data.pop("frozen", None)
    for spec in catalog_data.get("exercises", []):
        spec["cases"] = [case for case in spec.get("cases", []) if not case.get("hidden", False)]
        if not spec["cases"]:
            raise CatalogError(f"{spec.get('id')}: every case is hidden, so a student kit would have none")
    (target / "exercises.toml").write_text(
        dumps(catalog_data, f"The catalog of the course {course.id}, without hidden cases (a student kit)."),
        encoding="utf-8")
    paths = {"catalog": "exercises.toml", "stubs": "exercises", "frozen": "frozen"}
    _write_stubs(course, target / "exercises")
    freeze_course(course.catalog(), target / "frozen")
    if course.quiz_bank is not None and Path(course.quiz_bank).is_file():
        from grader.quiz.kit import write_student_bank  # the quiz work's: questions, no answers, no explanations

        write_student_bank(Path(course.quiz_bank), target / "quiz.toml")
        paths["quiz_bank"] = "quiz.toml"
    _write_course_toml(course, target, paths, STUDENT_HEADER)


def write_grading_kit(course: Course, target: Path) -> None:
    root = Path(course.root).resolve()
    shutil.copytree(root, target, ignore=SKIPPED, symlinks=True)
    paths = {}
    for key, default in (("catalog", "exercises.toml"), ("reference", "reference"),
                         ("mistake_models", "mistake_models.py"), ("quiz_bank", "quiz.toml"), ("stubs", "exercises"),
                         ("frozen", "frozen")):
        source = getattr(course, "catalog_file" if key == "catalog" else key)
        if source is None:
            continue
        source = Path(source).resolve()
        if source.is_relative_to(root):
            paths[key] = source.relative_to(root).as_posix()
            continue
        destination = target / default
        if destination.exists():
            raise CatalogError(f"{course.root}: {default} is in the pack and outside it ({source})")
        if source.is_dir():
            shutil.copytree(source, destination, ignore=SKIPPED)
        else:
            shutil.copyfile(source, destination)
        paths[key] = default
    _write_course_toml(course, target, paths, GRADING_HEADER)


def _write_stubs(course: Course, target: Path) -> None:
    """The pack's own stubs when it has them, else stubs made from every reference module."""
    target.mkdir()
    if course.stubs is not None and Path(course.stubs).is_dir():
        sources = [p for p in sorted(Path(course.stubs).glob("*.py")) if p.is_file() and not p.is_symlink()]
        for source in sources:
            shutil.copyfile(source, target / source.name)
        return
    for source in sorted(Path(course.reference).glob("*.py")):
        if source.name != "__init__.py" and source.is_file() and not source.is_symlink():
            text = source.read_text(encoding="utf-8")
            (target / source.name).write_text(make_stub(text, str(source)), encoding="utf-8")


def _write_course_toml(course: Course, target: Path, paths: dict[str, str], header: str) -> None:
    data = {"schema": SCHEMA, "id": course.id, "title": {"en": course.title.en, "ko": course.title.ko},
            "languages": list(course.languages), "paths": paths}
    policies = getattr(course, "policies", None)
    if policies is not None:
        data["policies"] = dataclasses.asdict(policies)
    data["assignments"] = [_assignment(assignment) for assignment in course.assignments]
    (target / "course.toml").write_text(dumps(data, header.format(id=course.id)), encoding="utf-8")


def _assignment(assignment) -> dict:
    spec = {"id": assignment.id, "title": {"en": assignment.title.en, "ko": assignment.title.ko},
            "exercises": list(assignment.exercises)}
    if assignment.quiz is not None:
        spec["quiz"] = assignment.quiz
    if getattr(assignment, "points", None) is not None:
        spec["points"] = assignment.points
    return spec


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CatalogError(f"{path}: {error}") from None
