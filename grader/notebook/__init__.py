"""Checking inside Jupyter and Colab: the same engine, isolation and feedback as `grade check`, shown inline.

    import grader.notebook as grade
    grade.check("sigmoid")   # one exercise; grade.check() is the first one not passing yet
    grade.check_all()        # every exercise, a summary table
    grade.hint("sigmoid")    # the next hint: a nudge, then the formula, then the NumPy idiom
    grade.lang("ko")         # feedback in Korean (default: the kernel's locale)
    grade.submit()           # writes grade-report/ (report.html, report.md, results.json); nothing else is written
    grade.course("hw-pack", "nn-2")  # another course or assignment (default: GRADE_COURSE, else the built-in one)
    %grade sigmoid           # the magic: %grade, %grade all, %grade hint sigmoid, %grade submit

The functions graded are the source of the cells the kernel has run (see grader.notebook.cells), never
the live objects: what is graded is what `grade submit` would grade in a saved notebook.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from grader.errors import CatalogError, GradeError
from grader.i18n import Messages, detect_language
from grader.notebook.cells import executed_sources, grader_names, notebook_unit
from grader.notebook.view import feedback_html, show
from grader.results import Status, SubmissionResult

__all__ = ["check", "check_all", "course", "hint", "lang", "submit", "load_ipython_extension"]

_settings: dict = {"lang": None, "grader": None, "course": None, "assignment": None, "chosen": None}


def lang(code: str | None = None) -> str:
    """Set the feedback's language (ko or en; kr, KO, Korean are understood); returns the one in use."""
    if code is not None:
        from grader.cli_edge import language

        _settings["lang"] = language(code)
    return _settings["lang"] or detect_language()


def course(path: str | Path | None = None, assignment: str | None = None) -> str | None:
    """Grade another course pack or assignment (default: the GRADE_COURSE folder, else the built-in course,
    and its first assignment); returns the assignment in use. An unknown one is one line, and nothing changes."""
    def run() -> str:
        from grader.assignment_run import choose

        chosen = choose(Path(path) if path else None, assignment)
        _settings.update(course=Path(path) if path else None, assignment=assignment, chosen=chosen, grader=None)
        return chosen.assignment.id

    return _friendly(run)


def _chosen():
    """The course and assignment graded (see `course`), read once."""
    if _settings["chosen"] is None:
        from grader.assignment_run import choose

        _settings["chosen"] = choose(_settings["course"], _settings["assignment"])
    return _settings["chosen"]


def _grader():
    if _settings["grader"] is None:
        from grader.grading import Grader

        # Bubblewrap where it runs, else process isolation (Colab)
        _settings["grader"] = Grader(catalog=_chosen().catalog, isolation="auto")
    return _settings["grader"]


def _shell():
    """The running IPython shell (a Jupyter or Colab kernel), or None: a kernel has IPython loaded already, so
    it is not imported here (half a second) where there is none."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def _grade(only: list[str] | None, student: str = "notebook") -> SubmissionResult:
    from grader.submission import Submission

    shell = _shell()
    if shell is None:
        raise GradeError("workflow.nb-no-kernel")
    grader = _grader()
    grader.select(only)  # an unknown exercise is one line before anything runs
    unit = notebook_unit(executed_sources(shell), grader_names(shell.user_ns, {__name__, "grader.notebook.magic"}))
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as root:  # nothing written next to the notebook
        return grader.grade(Submission(student, Path(root), [unit]), lang=lang(), only=only)


def _friendly(action):
    """Run `action`; a problem the student can fix is shown as one line, never a traceback."""
    try:
        return action()
    except GradeError as error:
        show(feedback_html(Messages(lang()), problems=[Messages(lang()).t(error.key, **error.params)]),
             Messages(lang()).t(error.key, **error.params))
    except CatalogError as error:
        text = Messages(lang()).t("error.catalog", reason=str(error))
        show(feedback_html(Messages(lang()), problems=[text]), text)
    return None


def _file_problems(result: SubmissionResult) -> list[str]:
    return [f"{error.type}: {error.message}" for file in result.files for error in file.errors]


def _hints(exercise_id: str, level: int, messages: Messages) -> tuple[list[str], str]:
    target = _chosen().catalog.exercise(exercise_id)
    lines = [f"{messages.t('practice.hint-level', level=n, total=len(target.hints))}: {text(messages.lang)}"
             for n, text in enumerate(target.hints[:level], start=1)]
    more = messages.t("workflow.nb-more-hints", exercise=exercise_id) if level < len(target.hints) else ""
    return lines, more


def check(exercise: str | None = None) -> None:
    """Check one exercise (default: the first one not passing yet) and show what to fix, inline."""
    def run() -> None:
        from grader.practice import PracticeLog

        messages = Messages(lang())
        result = _grade([exercise] if exercise else None)
        pending = [e for e in result.exercises if e.status != Status.PASSED]
        shown = (pending or result.exercises)[0]
        with PracticeLog() as log:
            log.record(result)
            level = 0
            if shown.status != Status.PASSED:  # the nudge comes with a failure and counts as seen
                level = log.hint_level(shown.id) or log.reveal_hint(_chosen().catalog.exercise(shown.id))
        hints, more = _hints(shown.id, level, messages) if level else ([], "")
        announce = ""
        if not pending:
            announce = messages.t("check.passed", exercise=exercise) if exercise else messages.t("check.all-passed")
        show(feedback_html(messages, exercise=shown, hints=hints, next_hint=more, announce=announce,
                           problems=_file_problems(result) if shown.status in (Status.ERROR, Status.MISSING) else []),
             f"{shown.id}: {messages.t('status.' + shown.status)} {shown.score} / {shown.max_score}")

    _friendly(run)


def check_all() -> None:
    """Check every exercise and show a summary table, inline."""
    def run() -> None:
        messages = Messages(lang())
        result = _grade(None)
        show(feedback_html(messages, result=result, problems=_file_problems(result)),
             f"{messages.t('report.score')}: {result.score} / {result.max_score}")

    _friendly(run)


def hint(exercise: str) -> None:
    """Reveal the next hint of an exercise (the level reached is remembered, as with `grade hint`)."""
    def run() -> None:
        from grader.practice import PracticeLog

        messages = Messages(lang())
        target = _chosen().catalog.find(exercise)
        with PracticeLog() as log:
            before = log.hint_level(target.id)
            level = log.reveal_hint(target)
        hints, more = _hints(target.id, level, messages)
        if before == level:
            more = messages.t("practice.no-more-hints", exercise=target.id)
        show(feedback_html(messages, hints=hints, next_hint=more), "\n".join(hints))

    _friendly(run)


def submit(out: str | Path = "grade-report", student: str = "notebook") -> None:
    """Grade every exercise and write report.html, report.md and results.json into `out` (only there)."""
    def run() -> None:
        from grader.render.reports import write_reports

        messages = Messages(lang())
        result = _grade(None, student=student)
        written = write_reports(result, Path(out))
        note = messages.t("table.written", path=written[-1])
        show(feedback_html(messages, result=result, written=note), note)

    _friendly(run)


def load_ipython_extension(shell) -> None:
    """`%load_ext grader.notebook` (importing this module does it too): registers the %grade magic."""
    from grader.notebook.magic import register

    register(shell, __import__(__name__, fromlist=["check"]))


_shell_now = _shell()
if _shell_now is not None and hasattr(_shell_now, "register_magic_function"):
    load_ipython_extension(_shell_now)
del _shell_now
