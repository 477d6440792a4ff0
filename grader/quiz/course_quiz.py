"""A course's quiz for the `grade quiz` commands: its bank, and a student's sheet of the quiz asked for."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import GradeError
from grader.quiz.bank import Bank, load_bank
from grader.quiz.sheet import Sheet, build_sheet

if TYPE_CHECKING:
    from grader.course import Course


def course_bank(course: Course) -> Bank:
    """The course's quiz bank (with answers in a full pack or a grading kit, without them in a student kit)."""
    if course.quiz_bank is None:
        raise GradeError("quiz.no-bank")
    return load_bank(course.quiz_bank)


def course_sheet(course_path: Path | None, quiz: str | None, student: str, assignment: str | None = None) -> Sheet:
    """A student's sheet of `quiz` in the course at `course_path` (grader.course.load_course: GRADE_COURSE, else
    the built-in course), or, without a quiz id, of the quiz the assignment names (the course's first).

    The student id is read as a class batch reads a folder's name (grader.class_folder.student_id: NFC, a byte
    that is not UTF-8 as U+FFFD), so `--student` names the sheet the batch marks, and the answers file can hold
    the id exactly."""
    from grader.class_folder import student_id
    from grader.course import load_course

    course = load_course(course_path)
    bank = course_bank(course)
    if quiz is None:
        chosen = course.assignment(assignment)
        if chosen.quiz is None:
            raise GradeError("quiz.no-assigned-quiz", assignment=chosen.id, quizzes=", ".join(bank.quizzes))
        quiz = chosen.quiz
    return build_sheet(bank, quiz, student_id(student))
