"""Why one student's submission could not be graded, and the report that says so: every exercise 0, the reason on top.

Whatever goes wrong with one submission (reading, copying, running, reporting) is that student's row, worded
here in the batch's language from whatever was raised.
"""
from __future__ import annotations

from grader.errors import GradeError
from grader.i18n import Messages, SystemReason
from grader.runner.job import ErrorInfo, WorkerFailed


def describe(error: BaseException, messages: Messages) -> str:
    """Why a submission could not be graded, in the report's language, from whatever was raised."""
    if isinstance(error, GradeError):
        return messages.t(error.key, **error.params)
    if isinstance(error, RecursionError):
        return messages.t("class_batch.too-deep")
    if isinstance(error, MemoryError):
        return messages.t("class_batch.too-large")
    if isinstance(error, WorkerFailed):
        return messages.t("class_batch.worker-failed", reason=str(error))
    if isinstance(error, OSError):
        return messages.t("class_batch.unreadable-file", reason=SystemReason.of(error))
    return messages.t("class_batch.internal", kind=type(error).__name__)


def not_graded_result(student: str, entry_name: str, reason: str, catalog, lang: str):
    """A report that says why a submission was not graded: every exercise 0, the reason at the top."""
    from grader.results import ExerciseResult, FileResult, Status, SubmissionResult

    exercises = [ExerciseResult(id=e.id, status=Status.ERROR, score=0.0, max_score=e.points, mistakes=[], cases=[],
                                title=e.title(lang), summary=e.summary(lang), file=f"{e.module}.py")
                 for e in catalog.exercises]
    error = ErrorInfo(Messages(lang).t("class_batch.not-graded"), reason)
    return SubmissionResult(student=student, isolation="-", exercises=exercises, lang=lang,
                            files=[FileResult(entry_name, ok=False, errors=[error])])
