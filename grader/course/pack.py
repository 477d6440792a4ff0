"""Reading `course.toml` into a Course, with every problem a one-line GradeError (ko/en).

    schema = "grade-course/1"
    id = "nn"
    title = { en = "...", ko = "..." }
    languages = ["ko", "en"]
    [paths]      # relative to course.toml; these are the defaults
    catalog = "exercises.toml"
    reference = "reference"
    mistake_models = "mistake_models.py"
    quiz_bank = "quiz.toml"
    stubs = "exercises"
    frozen = "frozen"          # a student kit's, written by `grade course build`
    [policies]
    solutions = "after-pass"   # always / after-pass / never
    aliases = true
    [[assignments]]
    id = "nn-1"
    title = { en = "...", ko = "..." }
    exercises = ["sigmoid", ...]
    quiz = "nn-1"              # optional
    points = 100               # optional

A path left at its default may be absent (a pack without mistake models or quiz, a student kit without
reference); a path written in course.toml must exist.
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from grader.course import SOLUTION_POLICIES, Assignment, Course, Policies
from grader.errors import GradeError
from grader.toml_cache import read_toml

SCHEMA = "grade-course/1"
DEFAULTS = {"catalog": "exercises.toml", "reference": "reference", "mistake_models": "mistake_models.py",
            "quiz_bank": "quiz.toml", "stubs": "exercises", "frozen": "frozen"}
KEYS = {"schema", "id", "title", "languages", "paths", "policies", "assignments"}
LANGUAGES = ("ko", "en")


def read_pack(folder: Path, builtin: bool = False) -> Course:
    folder = Path(folder)
    if not folder.is_dir():
        raise GradeError("course.no-folder", path=folder)
    file = folder / "course.toml"
    if not file.is_file():
        raise GradeError("course.no-course-file", path=folder)
    course = _read(file.resolve(), file.stat().st_mtime_ns, builtin)
    _check_exercises(course, file.resolve())
    return course


@functools.lru_cache(maxsize=16)
def _read(file: Path, _mtime: int, builtin: bool) -> Course:
    try:
        data = read_toml(file)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise GradeError("course.bad-toml", path=file, reason=str(error).splitlines()[0]) from None
    if data.get("schema") != SCHEMA:
        raise GradeError("course.schema", path=file, found=data.get("schema", "-"), expected=SCHEMA)
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise GradeError("course.unknown-key", path=file, field=unknown[0])
    root = file.parent
    paths = _paths(data.get("paths", {}), root, file)
    if paths["catalog"] is None:
        raise GradeError("course.missing-path", path=file, field="catalog", target=root / DEFAULTS["catalog"])
    languages = tuple(_field(data, "languages", list, file, [*LANGUAGES]))
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise GradeError("course.bad-field", path=file, field="languages", reason="[" + ", ".join(f'"{lang}"' for lang in LANGUAGES) + "]")
    assignments = tuple(_assignment(spec, i, file) for i, spec in enumerate(_field(data, "assignments", list, file)))
    if not assignments:
        raise GradeError("course.no-assignments", path=file)
    course = Course(root=root, id=str(_field(data, "id", str, file)), title=_text(data.get("title"), "title", file),
                    languages=languages, catalog_file=paths["catalog"], assignments=assignments,
                    reference=paths["reference"], mistake_models=paths["mistake_models"],
                    quiz_bank=paths["quiz_bank"], frozen=paths["frozen"], stubs=paths["stubs"], builtin=builtin,
                    policies=_policies(data.get("policies", {}), file))
    seen = [a.id for a in course.assignments]
    if len(set(seen)) != len(seen):
        raise GradeError("course.duplicate-assignment", path=file)
    return course


TOML_FORMS = {str: '"..."', int: "1", float: "1.0", bool: "true / false", dict: "{ ... }", list: "[ ... ]"}
"""What a field of each type looks like in course.toml: the form an error shows, the same in every language."""


def _field(data: dict, key: str, kind: type, file: Path, default=None):
    value = data.get(key, default)
    if value is None:
        raise GradeError("course.missing-field", path=file, field=key)
    if not isinstance(value, kind):
        raise GradeError("course.bad-field", path=file, field=key, reason=TOML_FORMS.get(kind, kind.__name__))
    return value


def _text(value, key: str, file: Path):
    from grader.catalog import Text

    if isinstance(value, str) and value:
        return Text(value, value)
    if isinstance(value, dict) and value.get("en") and value.get("ko"):
        return Text(str(value["en"]), str(value["ko"]))
    raise GradeError("course.bad-field", path=file, field=key, reason="{ en = ..., ko = ... }")


def _paths(spec: dict, root: Path, file: Path) -> dict[str, Path | None]:
    if not isinstance(spec, dict):
        raise GradeError("course.bad-field", path=file, field="paths", reason=TOML_FORMS[dict])
    unknown = sorted(set(spec) - set(DEFAULTS))
    if unknown:
        raise GradeError("course.unknown-key", path=file, field=f"paths.{unknown[0]}")
    paths: dict[str, Path | None] = {}
    for key, default in DEFAULTS.items():
        target = (root / str(spec.get(key, default))).resolve()
        if key in spec and not target.exists():
            raise GradeError("course.missing-path", path=file, field=f"paths.{key}", target=target)
        paths[key] = target if target.exists() else None
    return paths


def _policies(spec: dict, file: Path) -> Policies:
    if not isinstance(spec, dict) or set(spec) - {"solutions", "aliases"}:
        raise GradeError("course.bad-field", path=file, field="policies", reason="{ solutions = ..., aliases = ... }")
    solutions = spec.get("solutions", Policies.solutions)
    if solutions not in SOLUTION_POLICIES:
        raise GradeError("course.bad-field", path=file, field="policies.solutions", reason=" / ".join(SOLUTION_POLICIES))
    aliases = spec.get("aliases", Policies.aliases)
    if not isinstance(aliases, bool):
        raise GradeError("course.bad-field", path=file, field="policies.aliases", reason=TOML_FORMS[bool])
    return Policies(solutions=solutions, aliases=aliases)


def _assignment(spec: dict, position: int, file: Path) -> Assignment:
    where = f"assignments[{position}]"
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str) or not spec["id"]:
        raise GradeError("course.missing-field", path=file, field=f"{where}.id")
    exercises = spec.get("exercises")
    if not isinstance(exercises, list) or not exercises or not all(isinstance(e, str) for e in exercises):
        raise GradeError("course.bad-field", path=file, field=f"{where}.exercises", reason="[\"id\", ...]")
    quiz, points = spec.get("quiz"), spec.get("points")
    if quiz is not None and not isinstance(quiz, str):
        raise GradeError("course.bad-field", path=file, field=f"{where}.quiz", reason=TOML_FORMS[str])
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))):
        raise GradeError("course.bad-field", path=file, field=f"{where}.points", reason=TOML_FORMS[float])
    return Assignment(spec["id"], _text(spec.get("title", spec["id"]), f"{where}.title", file), tuple(exercises),
                      quiz, float(points) if points is not None else None)


def _check_exercises(course: Course, file: Path) -> None:
    """Every exercise an assignment names is in the course's catalog (parsed once, shared with load_catalog)."""
    from grader.catalog.loading import read_toml
    from grader.errors import CatalogError

    try:
        catalog = read_toml(course.catalog_file)
    except CatalogError as error:
        raise GradeError("course.bad-toml", path=course.catalog_file, reason=str(error).splitlines()[0]) from None
    specs = catalog.get("exercises", [])
    if not isinstance(specs, list):
        raise GradeError("course.bad-toml", path=course.catalog_file, reason="[[exercises]]")
    ids = {spec.get("id") for spec in specs if isinstance(spec, dict)}
    for assignment in course.assignments:
        for exercise in assignment.exercises:
            if exercise not in ids:
                raise GradeError("course.unknown-exercise", path=file, assignment=assignment.id, name=exercise)


def check_quizzes(course: Course) -> None:
    """Every quiz an assignment names is in the course's quiz bank. Not part of every load (the bank is
    read only when a quiz is graded): `grade course check` and the quiz commands call it."""
    quizzes: list[str] = []
    if course.quiz_bank is not None and any(a.quiz for a in course.assignments):
        try:
            quizzes = list(read_toml(course.quiz_bank).get("quizzes", {}))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise GradeError("course.bad-toml", path=course.quiz_bank, reason=str(error).splitlines()[0]) from None
    for assignment in course.assignments:
        if assignment.quiz is not None and assignment.quiz not in quizzes:
            raise GradeError("course.unknown-quiz", path=course.course_file, assignment=assignment.id,
                             name=assignment.quiz)
