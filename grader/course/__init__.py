"""A course pack: the folder an instructor owns, and the one place the grader learns where a course's files are.

A pack holds `course.toml` (id, titles, languages, assignments, policies, paths), a catalog in the schema
of `exercises.toml`, `reference/` (solutions), mistake models and a quiz bank. A student kit built from a
pack has no solutions, no mistake models and no answers; it has the expected values frozen as data instead.

Every command takes `--course DIR` (or the GRADE_COURSE environment variable); without one it uses the
built-in neural-network course, `grader/courses/nn`, loaded through this same path (`grader.course.pack`).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Catalog, CatalogFiles, Text, load_catalog
from grader.errors import GradeError

ENV_VAR = "GRADE_COURSE"
"""The environment variable that names a course folder when `--course` is not given."""
BUILTIN = Path(__file__).resolve().parent.parent / "courses" / "nn"
"""The built-in course's pack, shipped inside the package."""
SOLUTION_POLICIES = ("always", "after-pass", "never")


@dataclass(frozen=True)
class Assignment:
    """What a class hands in at once: some exercises of the catalog and at most one quiz."""

    id: str
    title: Text
    exercises: tuple[str, ...]
    quiz: str | None = None
    """The id of the quiz in the course's bank graded with this assignment, if any."""
    points: float | None = None
    """The assignment's total as the instructor means it; `grade course check` holds the catalog to it."""


@dataclass(frozen=True)
class Policies:
    solutions: str = "after-pass"
    """When `grade solution` may show a reference solution: always, after-pass (the exercise passes) or never."""
    aliases: bool = True
    """Whether names from the lectures (an exercise's `aliases`) are graded in place of its id."""


@dataclass(frozen=True)
class Course:
    root: Path
    """The folder of the pack (the one holding course.toml)."""
    id: str
    title: Text
    languages: tuple[str, ...]
    catalog_file: Path
    assignments: tuple[Assignment, ...]
    reference: Path | None = None
    """The folder of solution modules; None in a student kit."""
    mistake_models: Path | None = None
    """The Python file of mistake models; None in a student kit (their outputs are frozen instead)."""
    quiz_bank: Path | None = None
    """The quiz bank (with answers in a full pack or grading kit, without them in a student kit)."""
    frozen: Path | None = None
    """A student kit's folder of expected values and mistake-model outputs, frozen as data."""
    stubs: Path | None = None
    """The folder of stubs a student starts from (`grade init` copies it)."""
    builtin: bool = False
    """This is the pack shipped with the grader (for messages only: it is loaded like any other)."""
    policies: Policies = Policies()

    @property
    def has_solutions(self) -> bool:
        return self.reference is not None

    @property
    def course_file(self) -> Path:
        return self.root / "course.toml"

    def assignment(self, assignment_id: str | None = None) -> Assignment:
        """The assignment a user named; without a name, the course's first (the built-in course's nn-1)."""
        if assignment_id is None:
            return self.assignments[0]
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        raise GradeError("course.unknown-assignment", name=assignment_id,
                         names=", ".join(a.id for a in self.assignments))

    def check_quizzes(self) -> None:
        """A GradeError when an assignment names a quiz the bank lacks (the bank is read only for this)."""
        from grader.course.pack import check_quizzes

        check_quizzes(self)

    def catalog_files(self, extra: Path | None = None) -> CatalogFiles:
        return CatalogFiles(self.catalog_file, extra, self.reference, self.mistake_models, self.frozen,
                            self.course_file)

    def catalog(self, extra: Path | None = None, assignment: str | None = None) -> Catalog:
        """The course's exercises, with an instructor's overlay file (`--catalog`) laid over them; those
        graded when none is named are the assignment's (None: the course's first). Any is found by name."""
        catalog = load_catalog(self.catalog_file, extra, files=self.catalog_files(extra))
        if not self.policies.aliases:
            exercises = tuple(dataclasses.replace(exercise, aliases=()) for exercise in catalog.exercises)
            catalog = dataclasses.replace(catalog, exercises=exercises)
        return catalog.only(self.assignment(assignment).exercises)


def builtin_course() -> Course:
    """The neural-network course shipped with the grader, read from its pack like any other."""
    return load_course(BUILTIN)


def load_course(path: Path | None = None) -> Course:
    """The course in `path`, else the one GRADE_COURSE names, else the built-in course."""
    from grader.course.pack import read_pack

    if path is None and os.environ.get(ENV_VAR):
        path = Path(os.environ[ENV_VAR])
    folder = Path(path) if path is not None else BUILTIN
    return read_pack(folder, builtin=folder.resolve() == BUILTIN)
