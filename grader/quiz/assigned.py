"""The quiz an assignment names, graded in a batch from the answers file a student hands in with their code.

Only that quiz is graded: an answers file for another quiz of the bank (the 50-question practice quiz
instead of the assigned one) earns nothing for the quiz, with the reason in the student's report and the
gradebook, never the other quiz's points. An assignment without a quiz grades no answers file.

This module is imported at the start of every batch: the bank, the sheets and the marking (which load
NumPy) are imported only when an answers file is graded.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader.errors import GradeError
from grader.gradebook import QuizRow
from grader.i18n import Messages

if TYPE_CHECKING:
    from grader.course import Course
    from grader.quiz.bank import Bank
    from grader.quiz.marking import QuizResult


@dataclass
class AssignedQuiz:
    assignment: str
    quiz: str | None
    """The quiz id in the course's bank; None when the assignment has none."""
    bank_path: Path | None = None
    _bank: Bank | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, course: Course, assignment_id: str | None = None) -> AssignedQuiz:
        """The quiz of the course's assignment (its first without an id); a pack's quizzes are checked against its
        bank when it is read (grader.course.pack)."""
        assignment = course.assignment(assignment_id)
        if assignment.quiz is not None and course.quiz_bank is None:
            raise GradeError("quiz.no-bank")
        return cls(assignment.id, assignment.quiz, course.quiz_bank)

    def fingerprint(self) -> str:
        """What grading the quiz depends on besides the answers file: the assignment, its quiz, the bank's bytes."""
        if self.quiz is None or self.bank_path is None:
            return f"{self.assignment}:-"
        return f"{self.assignment}:{self.quiz}:{hashlib.sha256(Path(self.bank_path).read_bytes()).hexdigest()[:16]}"

    def grade(self, student: str, answers: tuple[str, bytes], lang: str) -> QuizResult:
        """A student's answers file (name, bytes) graded on their own sheet of the assigned quiz (built from the
        batch's student id); a file that cannot be graded for it (unreadable, another quiz's) earns no points,
        with the reason."""
        from grader.quiz.answers_file import parse_answers
        from grader.quiz.marking import grade_answers, not_graded
        from grader.quiz.sheet import build_sheet

        if self.quiz is None:
            raise ValueError("an assignment without a quiz grades no answers file")
        messages = Messages(lang)
        sheet = build_sheet(self.bank(), self.quiz, student)
        name, data = answers
        try:
            parsed = parse_answers(data, name)
        except GradeError as error:
            return not_graded(sheet, messages.t(error.key, **error.params), lang)
        if parsed.quiz != self.quiz:
            result = not_graded(sheet, messages.t("quiz.other-quiz", given=parsed.quiz, assignment=self.assignment,
                                                  quiz=self.quiz), lang)
        else:
            result = grade_answers(sheet, parsed, lang)
        return _owner_checked(result, parsed.student, messages)

    def bank(self) -> Bank:
        if self._bank is None:
            from grader.quiz.bank import load_bank

            self._bank = load_bank(self.bank_path)
        return self._bank


def _owner_checked(result: QuizResult, written: str, messages: Messages) -> QuizResult:
    """The result graded as the folder's owner, with a note when the file names someone else (compared as a
    batch compares ids: NFC, a byte that is not UTF-8 as U+FFFD)."""
    from grader.class_folder import student_id
    from grader.render.safe import terminal_text

    named = student_id(written)
    if named != result.student:
        result.named = terminal_text(named)[:100]
        result.note = messages.t("trust.quiz-other-owner", named=result.named, student=result.student)
    return result


def other_owner_note(pairs: list[tuple[str, str]], messages: Messages) -> str | None:
    """The batch summary's line for the instructor when answers files named someone other than the student whose
    folder held them: `folder owner (id in the file)` for each; None if none."""
    if not pairs:
        return None
    return messages.t("trust.quiz-other-owner-batch", count=len(pairs),
                      pairs=", ".join(f"{student} ({named})" for student, named in sorted(pairs)))


def quiz_row(result: QuizResult) -> QuizRow:
    """A graded quiz as the gradebook keeps it: the quiz, the points, why it was not graded, each question."""
    return QuizRow(result.quiz, result.score, result.max_score, result.problem or None, result.rows())


def ignored_answers_note(assignment: str, students: list[str], messages: Messages) -> str | None:
    """The batch summary's one line when an assignment without a quiz left answers files ungraded; None if none."""
    if not students:
        return None
    return messages.t("quiz.no-quiz-answers", assignment=assignment, count=len(students), names=", ".join(sorted(students)))
