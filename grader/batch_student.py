"""One student of a batch reported: their reports written, and what the gradebook keeps of them, as one record.

This runs where the submission was graded: in the batch's own process, or in one of its grader processes
(grader.batch_pool), which sends the record to the one process that writes the gradebook. Whatever goes
wrong here costs this student only; a full disk or a read-only output folder stops the batch (a GradeError).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.class_failures import describe, not_graded_result
from grader.class_folder import Entry
from grader.class_output import is_output_failure, output_failure, student_folder
from grader.errors import GradeError
from grader.gradebook_rows import QuizRow
from grader.i18n import Messages
from grader.quiz.assigned import AssignedQuiz, quiz_row as quiz_row_of
from grader.render.student_files import write_student
from grader.results import ExerciseResult, SubmissionResult


@dataclass
class Reported:
    """What the gradebook and the progress bar need of one reported student."""

    student: str
    result: SubmissionResult | None = None
    """None: not graded, `error` says why."""
    error: str | None = None
    results_json: str | None = None
    """results.json as written, stored in the gradebook as it is."""
    quiz: QuizRow | None = None
    settings_kept: bool = True
    """False: the failure may be the grader's own, so the attempt is stored without its settings and graded again."""
    ignored_answers: bool = False
    """An answers file handed in for an assignment without a quiz (not graded)."""
    named: str = ""
    """The id an answers file names when it is someone else's (graded as this student's, quiz/assigned.py)."""
    content_hash: str = ""
    """The content hash of what was graded, as it was read ("": not read, see grader.batch_run)."""


def report_student(entry: Entry, item, out: Path, catalog, messages: Messages,
                   assigned: AssignedQuiz | None = None) -> Reported:
    """Write one graded (or failed) submission's reports; `item` is grader.grading's BatchItem."""
    folder = student_folder(out, entry.student)
    reported = Reported(entry.student, content_hash=item.content_hash)
    failure = item.error or item.failure
    if failure is not None and is_output_failure(failure):  # the grader's own disk (a snapshot, a run folder)
        raise output_failure(failure, out) from None
    if item.result is not None:
        try:
            quiz = None
            # The answers file as the submission was read for grading; read again only for an item from elsewhere.
            answers = item.answers if item.answers_read else _find_answers(entry.path)
            if answers is not None and (assigned is None or assigned.quiz is None):
                reported.ignored_answers = True
            elif answers is not None:
                from grader.render.quiz import write_quiz_reports

                quiz = assigned.grade(entry.student, answers, messages.lang)
                reported.named = quiz.named or ""
                reported.quiz = quiz_row_of(quiz)
                write_quiz_reports(quiz, folder)
            reported.results_json = item.result.to_json(indent=None)  # once, for results.json and the gradebook
            write_student(item.result, folder, quiz, reported.results_json)
            reported.result = item.result
            return reported
        except Exception as problem:  # noqa: BLE001 - one student's report, not the class
            if is_output_failure(problem):
                raise output_failure(problem, out) from None
            reported.quiz, reported.results_json, failure = None, None, problem
    reported.error = describe(failure, messages) if failure is not None else messages.t("class_batch.internal", kind="-")
    # A GradeError is a fact about the submission (a corrupt zip) and is kept; anything else may be
    # the grader's own trouble, so the attempt is stored without settings and graded again next time.
    reported.settings_kept = isinstance(failure, GradeError)
    write_not_graded(entry, reported.error, out, catalog, messages)
    return reported


def _find_answers(path: Path) -> tuple[str, bytes] | None:
    from grader import batch_run  # looked up there at each call: where a test puts its stand-in

    return batch_run.find_answers(path)


def read_hash(path: Path) -> str:
    """The content hash of a submission not read for grading (grader.class_hashes); "" when it cannot be read."""
    from grader.class_hashes import content_hash

    try:
        return content_hash(path)
    except Exception:  # noqa: BLE001 - unreadable now: the reason is in the row, and it is graded again
        return ""


def write_not_graded(entry: Entry, error: str, out: Path, catalog, messages: Messages) -> None:
    """The report of a submission that could not be graded; failing that, its row in grades.csv still says why."""
    try:
        write_student(not_graded_result(entry.student, entry.path.name, error, catalog, messages.lang),
                      student_folder(out, entry.student))
    except Exception as problem:  # noqa: BLE001 - the row in grades.csv still says why
        if is_output_failure(problem):
            raise output_failure(problem, out) from None


def scores_only(result: SubmissionResult) -> SubmissionResult:
    """What the gradebook stores of a result beside its results.json (scores, statuses, mistakes), to send on."""
    from grader.results import CaseResult

    exercises = [ExerciseResult(e.id, e.status, e.score, e.max_score, e.mistakes,
                                [CaseResult(c.name, c.status, "", mistakes=c.mistakes) for c in e.cases])
                 for e in result.exercises]
    return SubmissionResult(result.student, result.isolation, exercises, limits=result.limits, lang=result.lang,
                            graded_at=result.graded_at, seconds=result.seconds)
