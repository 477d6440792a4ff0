"""`grade solution`: an exercise's reference solution, shown as the course's policy allows.

The policy is course.toml's `policies.solutions`: `after-pass` (the built-in course's) once the exercise
passes in the student's folder, or with --force; `always`; `never` (one line saying so). A student kit
has no solutions at all (one line saying so).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader.catalog import Catalog, Exercise
from grader.course import Course
from grader.errors import GradeError
from grader.results import Status, SubmissionResult


@dataclass(frozen=True)
class Solution:
    course: Course
    exercise: Exercise
    passes: bool
    """Whether the exercise passes in the student's folder (no folder: it does not)."""

    @property
    def shown_freely(self) -> bool:
        """Shown without --force: the exercise passes, or the course shows its solutions always."""
        return self.passes or self.course.policies.solutions == "always"

    @property
    def file(self) -> str:
        return f"reference/{self.exercise.module}.py"

    @property
    def source(self) -> str:
        from grader.practice import reference_source

        return reference_source(self.exercise, self.course)


def find_solution(course: Course, catalog: Catalog, name: str, folder: Path,
                  grade: Callable[[Path, list[str]], SubmissionResult]) -> Solution:
    """The solution of exercise `name`, and whether it passes in `folder` (graded by `grade(folder, [name])`
    only when the policy asks for it)."""
    target = catalog.find(name)  # an unknown name is an error before anything runs
    if not course.has_solutions:
        raise GradeError("course.kit.no-solutions")
    if course.policies.solutions == "never":
        raise GradeError("cli.solution-never", exercise=target.id)
    if course.policies.solutions == "always":
        return Solution(course, target, passes=False)
    passes = Path(folder).exists() and grade(Path(folder), [name]).exercises[0].status == Status.PASSED
    return Solution(course, target, passes)
