"""What a grading command grades: a course's catalog, one assignment's exercises, a grader on a warm fork server.

`grade check NAME` grades any exercise of the course by name; without a name, and for `submit`, `watch`
and `batch`, the exercises graded are those of the assignment (`--assignment`, else the course's first).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.catalog import Catalog
from grader.course import Assignment, Course, load_course


@dataclass(frozen=True)
class Chosen:
    course: Course
    assignment: Assignment
    catalog: Catalog
    """The course's catalog with the instructor's overlay (`--catalog`): the assignment's exercises are the ones
    graded and counted (Catalog.only); any exercise of the course is still found by name."""

def choose(course: Path | None = None, assignment: str | None = None, extra: Path | None = None) -> Chosen:
    """The course (`--course`, else GRADE_COURSE, else the built-in one) and its assignment; an unknown
    assignment is the user's error, naming the ones there are, before anything runs."""
    loaded = load_course(course)
    chosen = loaded.assignment(assignment)
    return Chosen(loaded, chosen, loaded.catalog(extra, chosen.id))


def make_grader(catalog: Catalog, isolation: str = "auto", limits=None, warm=None):
    """A grader of `catalog` whose fork server starts now (`warm`: the one the CLI started on a guess)."""
    from grader.grading import Grader
    from grader.runner import Limits
    from grader.runner.launch import start_launcher

    return Grader(catalog=catalog, isolation=isolation, limits=limits or Limits(),
                  pending_launcher=start_launcher(isolation, warm=warm))


def grade_path(catalog: Catalog, path: Path, lang: str, isolation: str = "auto", limits=None, warm=None,
               student: str | None = None, only: list[str] | None = None, while_running=None):
    """One submission graded against `catalog` (only the exercises named in `only`, when given); `while_running`
    is called as the submission's first worker starts (see Grader.grade)."""
    from grader.submission import open_submission

    grader = make_grader(catalog, isolation, limits, warm)
    grader.select(only)  # an unknown exercise name is an error before anything runs
    # The fork server is not waited for here: expected values are prepared while it starts, and a
    # sandbox that cannot run is still an error before any student code runs.
    with open_submission(path) as submission:
        return grader.grade(submission, student=student, lang=lang, only=only, while_running=while_running)
