"""What a grading command grades: a course's catalog, one assignment's exercises, a grader on a warm fork server.

`grade check NAME` grades any exercise of the course by name; without a name, and for `submit`, `watch`
and `batch`, the exercises graded are those of the assignment (`--assignment`, else the course's first).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from grader.catalog import Catalog
from grader.course import Assignment, Course, load_course


@dataclass(frozen=True)
class Chosen:
    course: Course
    assignment: Assignment
    catalog: Catalog
    """Every exercise of the course, with the instructor's overlay (`--catalog`) laid over them."""

    @property
    def assigned(self) -> Catalog:
        """The catalog of the assignment's exercises alone, in its order: what a grade is out of."""
        exercises = tuple(self.catalog.find(exercise_id) for exercise_id in self.assignment.exercises)
        return self.catalog if exercises == self.catalog.exercises else replace(self.catalog, exercises=exercises)


def choose(course: Path | None = None, assignment: str | None = None, extra: Path | None = None) -> Chosen:
    """The course (`--course`, else GRADE_COURSE, else the built-in one) and its assignment; an unknown
    assignment is the user's error, naming the ones there are, before anything runs."""
    loaded = load_course(course)
    chosen = loaded.assignment(assignment)
    return Chosen(loaded, chosen, loaded.catalog(extra))


def make_grader(catalog: Catalog, isolation: str = "auto", limits=None, warm=None):
    """A grader of `catalog` whose fork server starts now (`warm`: the one the CLI started on a guess)."""
    from grader.grading import Grader
    from grader.runner import Limits
    from grader.runner.launch import start_launcher

    return Grader(catalog=catalog, isolation=isolation, limits=limits or Limits(),
                  pending_launcher=start_launcher(isolation, warm=warm))


def grade_path(catalog: Catalog, path: Path, lang: str, isolation: str = "auto", limits=None, warm=None,
               student: str | None = None, only: list[str] | None = None):
    """One submission graded against `catalog` (only the exercises named in `only`, when given)."""
    from grader.submission import open_submission

    grader = make_grader(catalog, isolation, limits, warm)
    grader.select(only)  # an unknown exercise name is an error before anything runs
    # The fork server is not waited for here: expected values are prepared while it starts, and a
    # sandbox that cannot run is still an error before any student code runs.
    with open_submission(path) as submission:
        return grader.grade(submission, student=student, lang=lang, only=only)
