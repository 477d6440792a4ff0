"""Results in the terminal, with rich: a summary table for `submit`, case details for `check`, batch progress."""
from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.catalog import Catalog, Exercise
from grader.feedback import labelled
from grader.i18n import Messages
from grader.quiz.kinds import QuestionStatus
from grader.render.safe import terminal_text
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
    lines += [Text(entry.message, style="yellow") for entry in result.skipped]  # links, FIFOs... not read
    return Group(*lines)


def file_advice(result: SubmissionResult, messages: Messages) -> Group:
    """What was skipped while loading each file and why, and exercises graded under another name."""
    parts: list = []
    for file in result.files:
        if file.advice:
            parts.append(Text(file.name, style="bold"))
            parts += [Text(f"  {note}", style="yellow") for note in file.advice]
    parts += [Text(note, style="yellow") for exercise in result.exercises for note in exercise.advice]
    if parts:
        parts.insert(0, Text(messages.t("loading.advice-title"), style="bold"))
    return Group(*parts)


def _block(label: str, value: str) -> str:
    """"  label: value", a value of several lines indented under its first."""
    head = f"  {label}: "
    return head + value.replace("\n", "\n" + " " * cell_len(head))


def exercise_details(exercise: ExerciseResult, messages: Messages) -> Group:
    """Everything about one exercise: each case, and for a failed one what went in, out and why."""
    parts: list = [Text.assemble((exercise.title, "bold"), f"  ({exercise.id}, {exercise.file})  ",
                                 _status(messages, exercise.status),
                                 f"  {_score(exercise.score)} / {_score(exercise.max_score)}"),
                   Text(exercise.summary, style="dim")]
    parts += [Text(f"{messages.t('table.advice')}: {note}", style="yellow") for note in exercise.advice]
    for case in exercise.cases:
        mark = "✓" if case.status == Status.PASSED else "✗"
        parts.append(Text.assemble(f"\n{mark} ", (case.title, "bold"), "  ", _status(messages, case.status)))
        if case.message:
            parts.append(Text("  " + case.message))
        for name, value in case.given.items():
            parts.append(Text(_block(messages.t('table.given'), labelled(name, value)), style="dim"))
        if case.expected is not None and case.status != Status.PASSED:
            parts.append(Text(_block(messages.t('table.expected'), case.expected)))
        if case.got is not None:
            parts.append(Text(_block(messages.t('table.got'), case.got)))
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
    if isinstance(view, Table):
        # Rich's word wrap misjudges some Korean lines by a cell and cuts the last word to "…": fold instead,
        # so every word is shown (wrapped) at any width, 80 columns included.
        for column in view.columns:
            column.overflow = "fold"
    (console or Console()).print(view)


def hint_view(exercise: Exercise, level: int, messages: Messages, more: str = "practice.more-hints") -> Group:
    """The hints revealed so far (a nudge, then the formula, then the NumPy idiom) and how to get the next
    (`more`: the message that says how, a command by default, a key in `grade watch`)."""
    lang = messages.lang
    parts = [Text(f"{messages.t('practice.hint-level', level=n, total=len(exercise.hints))}: {hint(lang)}",
                  style="yellow" if n == level else "")
             for n, hint in enumerate(exercise.hints[:level], start=1)]
    if level < len(exercise.hints):
        parts.append(Text(messages.t(more, exercise=exercise.id), style="dim"))
    return Group(*parts)


def passed_bar(result: SubmissionResult, messages: Messages, width: int = 30) -> Text:
    passed = sum(exercise.status == Status.PASSED for exercise in result.exercises)
    total = len(result.exercises)
    filled = round(width * passed / total) if total else 0
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"),
                         f"  {messages.t('practice.passed', passed=passed, total=total)}")


def status_list(result: SubmissionResult, messages: Messages, current: str | None = None) -> Table:
    table = Table(show_header=True, box=None)
    for key in ("number", "exercise", "status", "score"):
        table.add_column(messages.t(f"table.{key}"))
    for number, exercise in enumerate(result.exercises, start=1):
        pointer = "▶ " if exercise.id == current else "  "
        table.add_row(str(number), pointer + exercise.id, _status(messages, exercise.status),
                      f"{_score(exercise.score)} / {_score(exercise.max_score)}")
    return table


def progress_table(rows, messages: Messages) -> Table:
    table = Table(title=messages.t("practice.progress-title"), title_justify="left")
    for key, justify in (("exercise", "left"), ("status", "left"), ("attempts", "right"), ("first-pass", "left"),
                         ("time-spent", "right"), ("hints", "right")):
        table.add_column(messages.t(f"practice.column-{key}"), justify=justify)
    for row in rows:
        status = _status(messages, Status(row.status)) if row.status else Text("—", style="dim")
        minutes = (messages.t("practice.minutes", count=f"{row.seconds_spent / 60:.0f}") if row.seconds_spent >= 60
                   else messages.t("practice.seconds", count=f"{row.seconds_spent:.0f}"))
        table.add_row(f"{row.title} ({row.id})", status, str(row.attempts), row.first_passed_at or "—",
                      minutes if row.attempts else "—", str(row.hint_level))
    return table


QUIZ_STYLES = {QuestionStatus.CORRECT: "green", QuestionStatus.PARTIAL: "yellow", QuestionStatus.WRONG: "red",
               QuestionStatus.UNANSWERED: "dim", QuestionStatus.INVALID: "red", QuestionStatus.NOT_GRADED: "dim"}


def quiz_table(result, messages: Messages) -> Group:
    """A graded quiz: per question its status and points, and for each miss the right answer and why."""
    # Text, not markup: the id and the title come from the answers file, safe for a terminal first.
    title = Text(terminal_text(f"{messages.t('quiz.title')}: {result.title} — {result.student}"))
    table = Table(title=title, title_justify="left",
                  caption=f"{messages.t('quiz.score')}: {_score(result.score)} / {_score(result.max_score)}",
                  caption_justify="left")
    for heading, justify in (("#", "right"), (messages.t("quiz.question"), "left"),
                             (messages.t("table.status"), "left"), (messages.t("quiz.score"), "right")):
        table.add_column(heading, justify=justify)
    notes = []
    for q in result.questions:
        table.add_row(str(q.number), q.id, Text(messages.t(f"quiz.status-{q.status}"), style=QUIZ_STYLES[q.status]),
                      f"{_score(q.score)} / {_score(q.max_score)}")
        if q.status != QuestionStatus.CORRECT and not result.problem:
            given = (q.given or "—") + (f" ({q.problem})" if q.problem else "")
            notes.append(Text.assemble((f"{q.number}. {q.id}", "bold"), f"  {messages.t('quiz.your-answer')}: {given}"
                                       f" · {messages.t('quiz.right-answer')}: {q.expected}\n   {q.explanation}"))
    if result.problem:
        notes.append(Text(result.problem, style="red"))
    if result.ignored:
        notes.append(Text(messages.t("quiz.ignored", ids=", ".join(result.ignored)), style="yellow"))
    return Group(table, *notes)
