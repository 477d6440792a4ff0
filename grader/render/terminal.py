"""Results in the terminal, with rich: a summary table for `submit`, case details for `check`."""
from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.catalog import Catalog
from grader.i18n import Messages
from grader.results import ExerciseResult, Status, SubmissionResult

STYLES = {
    Status.PASSED: "green", Status.FAILED: "red", Status.ERROR: "red", Status.TIMEOUT: "magenta",
    Status.MISSING: "yellow", Status.NOT_IMPLEMENTED: "yellow",
}


def _status(messages: Messages, status: Status) -> Text:
    return Text(messages.t(f"status.{status.value}"), style=STYLES[status])


def _score(value: float) -> str:
    return f"{value:g}"


def summary_table(result: SubmissionResult, messages: Messages) -> Table:
    table = Table(title=messages.t("table.title", student=result.student), title_justify="left",
                  caption=messages.t("table.isolation", isolation=result.isolation, seconds=f"{result.seconds:.2f}"),
                  caption_justify="left")
    table.add_column(messages.t("table.number"), justify="right")
    table.add_column(messages.t("table.exercise"))
    table.add_column(messages.t("table.status"))
    table.add_column(messages.t("table.score"), justify="right")
    table.add_column(messages.t("table.mistake"))
    for number, exercise in enumerate(result.exercises, start=1):
        table.add_row(str(number), exercise.id, _status(messages, exercise.status),
                      f"{_score(exercise.score)} / {_score(exercise.max_score)}",
                      ", ".join(note.name for note in exercise.diagnoses))
    table.add_section()
    table.add_row("", Text(messages.t("table.total", score=_score(result.score), max_score=_score(result.max_score)),
                           style="bold"), "", "", "")
    return table


def first_problems(result: SubmissionResult, messages: Messages) -> Group:
    """One line per unfinished exercise: its first failing case and what happened."""
    lines = []
    for exercise in result.exercises:
        if exercise.status in (Status.PASSED, Status.NOT_IMPLEMENTED, Status.MISSING):
            continue
        case = next(c for c in exercise.cases if c.status != Status.PASSED)
        lines.append(Text.assemble((f"{exercise.id}", "bold"), f" · {case.title}: ", case.message))
    return Group(*lines)


def exercise_details(exercise: ExerciseResult, messages: Messages) -> Group:
    """Everything about one exercise: each case, and for a failed one what went in, out and why."""
    parts: list = [Text.assemble((exercise.title, "bold"), f"  ({exercise.id}, {exercise.file})  ",
                                 _status(messages, exercise.status),
                                 f"  {_score(exercise.score)} / {_score(exercise.max_score)}"),
                   Text(exercise.summary, style="dim")]
    for case in exercise.cases:
        mark = "✓" if case.status == Status.PASSED else "✗"
        parts.append(Text.assemble(f"\n{mark} ", (case.title, "bold"), "  ", _status(messages, case.status)))
        if case.message:
            parts.append(Text("  " + case.message))
        for name, value in case.given.items():
            parts.append(Text(f"  {messages.t('table.given')} {name} = {value}", style="dim"))
        if case.expected is not None and case.status != Status.PASSED:
            parts.append(Text(f"  {messages.t('table.expected')}: {case.expected}"))
        if case.got is not None:
            parts.append(Text(f"  {messages.t('table.got')}: {case.got}"))
        if case.error is not None:
            for frame in case.error.frames:
                parts.append(Text(f"  {messages.t('table.traceback')}: {frame.file}:{frame.line} {frame.code}", style="cyan"))
        for note in case.advice:
            parts.append(Text(f"  {messages.t('table.advice')}: {note}", style="yellow"))
        if case.output and case.status != Status.PASSED:
            parts.append(Text(f"  {messages.t('table.output')}: {case.output[:500]}", style="dim"))
    for note in exercise.diagnoses:
        parts.append(Text.assemble("\n", (f"{messages.t('table.mistake')}: {note.name}", "bold red")))
        parts.append(Text(f"{messages.t('table.hint')}: {note.hint}"))
    return Group(*parts)


def exercise_list(catalog: Catalog, messages: Messages) -> Table:
    table = Table(title=messages.t("table.list-title"), title_justify="left")
    for key, justify in (("number", "right"), ("exercise", "left"), ("file", "left"), ("points", "right"),
                         ("title-column", "left")):
        table.add_column(messages.t(f"table.{key}"), justify=justify)
    for number, exercise in enumerate(catalog.exercises, start=1):
        table.add_row(str(number), exercise.id, f"{exercise.module}.py", _score(exercise.points),
                      f"{exercise.title(messages.lang)} — {exercise.summary(messages.lang)}")
    return table


def print_view(view, console: Console | None = None) -> None:
    (console or Console()).print(view)
