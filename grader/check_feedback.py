"""What `grade check` shows after grading: the progress bar, the exercise to work on, and the hint reached.

The attempt is recorded in the practice log; the nudge comes with every failure and counts as seen, so
`grade hint` then reveals the formula.
"""
from __future__ import annotations

from grader.catalog import Catalog
from grader.i18n import Messages
from grader.results import Status, SubmissionResult


def check_views(result: SubmissionResult, catalog: Catalog, exercise: str | None, messages: Messages) -> list:
    """The views to show, in order: rich renderables, and lines of text (str)."""
    from grader.practice import PracticeLog
    from grader.render.terminal import exercise_details, file_advice, hint_view, passed_bar

    with PracticeLog() as log:
        log.record(result)
        pending = [e for e in result.exercises if e.status != Status.PASSED]
        shown = (pending or result.exercises)[0]
        level = log.hint_level(shown.id) or log.reveal_hint(catalog.exercise(shown.id)) if pending else 0
    views: list = [] if exercise else [passed_bar(result, messages)]
    if not pending:
        views.append(messages.t("check.all-passed") if not exercise else messages.t("check.passed", exercise=exercise))
    views += [file_advice(result, messages), exercise_details(shown, messages)]
    if level:
        views.append(hint_view(catalog.exercise(shown.id), level, messages))
    return views
