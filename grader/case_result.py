"""One case's result as the report shows it: the engine's observation, and what the student may see of it.

The status, finding and mistakes come from grading; the words come from grader.feedback. A hidden case
shows nothing its code printed, raised or warned, and neither its inputs nor its values.
"""
from __future__ import annotations

from grader.behaviour import is_behaviour
from grader.catalog import Exercise
from grader.diagnose import Observation
from grader.feedback import case_message, format_value, shown_output, warning_advice
from grader.i18n import Messages
from grader.loading_notes import missing_message
from grader.results import CaseResult, Status
from grader.runner import CallOutcome, Limits, RunReport
from grader.runner.job import ErrorInfo


def case_result(exercise: Exercise, observation: Observation, outcome: CallOutcome, mistakes: list[str],
                report: RunReport, messages: Messages, limits: Limits, files: dict[str, str]) -> CaseResult:
    """`files` maps the submission's module names to its file names, to say which file failed to load."""
    case = observation.prepared.case
    lang = messages.lang
    result = CaseResult(
        name=case.name.en, title=case.name(lang), status=observation.status, message="", mistakes=mistakes,
        weight=case.weight, hidden=case.hidden, error=observation.error, seconds=round(outcome.seconds, 4),
        output=shown_output(outcome.output, messages),
        advice=warning_advice(messages, outcome.warnings, observation.status == Status.PASSED, case.hidden),
    )
    if case.hidden:  # nothing the student's code printed, raised or warned is shown for a hidden case
        result.output, result.error = "", None
    if observation.status == Status.PASSED:
        return result
    missing = missing_message(exercise.id, report, messages) if observation.status == Status.MISSING else None
    result.message = case_message(exercise.id, observation.status, outcome, observation.finding,
                                  _load_failure(exercise, observation, outcome, report, files), messages, limits,
                                  exercise.rtol, exercise.atol, missing, case.hidden)
    if case.hidden:
        return result
    result.finding = observation.finding
    result.given = dict(observation.prepared.shown_inputs)
    result.expected = observation.prepared.shown_expected(exercise.returns)
    if outcome.status == "returned":
        result.got = format_value(outcome.value, exercise.returns)
    if is_behaviour(case):  # no single right value: the failed property's own expected and got
        facts = observation.finding.facts if observation.finding is not None else {}
        result.expected, result.got = facts.get("expected"), facts.get("got")
    return result


def _load_failure(exercise: Exercise, observation: Observation, outcome: CallOutcome, report: RunReport,
                  files: dict[str, str]) -> tuple[str, ErrorInfo] | None:
    """The file (as the student named it) whose failure to load is why the function was not found, and why."""
    if outcome.status != "missing" or observation.status == Status.MISSING:
        return None
    name, error = load_errors(exercise, report)[0]
    return files.get(name, name), error


def load_errors(exercise: Exercise, report: RunReport) -> list[tuple[str, ErrorInfo]]:
    """Files that failed to load, the exercise's own stub file first."""
    failed = [(name, unit.errors[0]) for name, unit in report.units.items() if unit.errors]
    return sorted(failed, key=lambda item: item[0] != exercise.module)
