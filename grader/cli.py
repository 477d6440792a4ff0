"""The `grade` command line. Each command parses its options and calls the library; nothing more.

Every command runs inside `grader.cli_edge.edge`: its `lang` arrives resolved, and known problems (a
missing path, a corrupt notebook, an unknown exercise or assignment) end as one line on stderr and exit
code 2. A student's broken code is never such a problem: it is graded. Shared options live in
`grader.cli_options`; imports stay inside the commands, so `grade --version` starts at once.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli_edge import edge, only_the_command, print_version, run, show
from grader.early import GRADING_COMMANDS, take
from grader.cli_options import (CALL_SECONDS, MEMORY_MB, OUTPUT_KB, PROCESSES, SUBMISSION_SECONDS, AssignmentOption,
                                CallSecondsOption, CatalogOption, CourseOption, IsolationOption, JsonOption,
                                LangOption, MemoryOption, OutputOption, PathOption, ProcessesOption, StudentOption,
                                SubmissionSecondsOption, force_option, json_option, limits, out_option)
from grader.i18n import Messages

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Grade NumPy neural-network exercises, with feedback in Korean and English.")
ReportOut = out_option("Where to write results.json and report.html.")
ProgressJson = json_option("Print the progress as JSON.")
InitForce = force_option("Overwrite stubs that are already there.")
SolutionForce = force_option("Show it even though the exercise does not pass yet.")
ExerciseArgument = Annotated[str, typer.Argument(help="Exercise id, e.g. sigmoid.")]
FolderArgument = Annotated[Optional[Path], typer.Argument(
    help="Your submission: a folder, .py, .ipynb or .zip (default: this folder when it holds the stubs, else exercises/).")]


def command(name: str | None = None):
    """`app.command`, run inside the shared edge (language, one-line errors, exit 2)."""
    return lambda function: app.command(name)(edge(function))


@app.callback()
def warm_start(ctx: typer.Context, _version: Annotated[bool, typer.Option(
        "--version", callback=print_version, is_eager=True, help="Print the version and exit.")] = False) -> None:
    """Grade NumPy neural-network exercises, with feedback in Korean and English."""
    if ctx.invoked_subcommand in GRADING_COMMANDS:
        # On a guess of `auto`: the fork server loads NumPy on another core while the options are read
        # (started already by grader.early when `grade` itself runs).
        from grader.runner.launch import start_launcher

        ctx.obj = take() or start_launcher("auto")


def _folder(path: Path | None, course=None) -> Path:
    from grader.practice import find_exercise_folder

    return find_exercise_folder(path, course=course)


@command()
def submit(
    ctx: typer.Context, path: FolderArgument = None,
    out: ReportOut = Path("grade-report"), student: StudentOption = None, lang: LangOption = None,
    json_output: JsonOption = False,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", help="Exit 1 when the score is below this.")] = None,
    isolation: IsolationOption = "auto", call_seconds: CallSecondsOption = CALL_SECONDS,
    submission_seconds: SubmissionSecondsOption = SUBMISSION_SECONDS, memory_mb: MemoryOption = MEMORY_MB,
    processes: ProcessesOption = PROCESSES, output_kb: OutputOption = OUTPUT_KB,
    catalog: CatalogOption = None, course: CourseOption = None, assignment: AssignmentOption = None,
    gradescope: Annotated[bool, typer.Option(
        "--gradescope", help="Inside Gradescope's autograder: grade /autograder/submission into "
                             "/autograder/results/results.json.")] = False,
) -> None:
    """Grade every exercise of a submission and write a report."""
    from grader.assignment_run import choose, grade_path

    chosen = choose(course, assignment, catalog)
    bounds = limits(call_seconds, submission_seconds, memory_mb, processes, output_kb)
    messages = Messages(lang)
    if gradescope:
        from grader.lms.gradescope import autograde

        written, reason = autograde(lambda upload: grade_path(chosen.catalog, upload, lang, isolation, bounds,
                                                             ctx.obj), messages)
        typer.echo(reason, err=True) if reason else typer.echo(messages.t("table.written", path=written))
        return  # Gradescope shows results.json: a score, or a zero and why
    from grader.render.reports import load_in_background, write_reports

    result = grade_path(chosen.catalog, _folder(path, chosen.course), lang, isolation, bounds, ctx.obj, student=student,
                        while_running=load_in_background)  # the templates load while the student's code runs
    results_json = result.to_json()
    written = write_reports(result, out, results_json)
    if json_output:
        sys.stdout.write(results_json + "\n")
    else:
        from grader.render.terminal import file_advice, first_problems, summary_table

        show([summary_table(result, messages), file_advice(result, messages), first_problems(result, messages),
               messages.t("table.written", path=written[-1])])
    if fail_under is not None and result.score < fail_under:
        raise typer.Exit(1)


@command("list")
def list_exercises(lang: LangOption = None, course: CourseOption = None) -> None:
    """List the exercises in teaching order, with their points."""
    from grader.course import load_course
    from grader.render.terminal import exercise_list

    show([exercise_list(load_course(course).catalog().whole(), Messages(lang))])


@command()
def check(
    ctx: typer.Context,
    exercise: Annotated[Optional[str], typer.Argument(help="Exercise id (default: the first one not yet passing).")] = None,
    path: PathOption = None, lang: LangOption = None, isolation: IsolationOption = "auto",
    course: CourseOption = None, assignment: AssignmentOption = None,
) -> None:
    """Check one exercise and show what to fix, with the hint reached so far, in the terminal only."""
    from grader.assignment_run import choose, grade_path
    from grader.check_feedback import check_views

    chosen = choose(course, assignment)
    if exercise and path is None and Path(exercise).exists() and exercise not in chosen.catalog.ids:
        exercise, path = None, Path(exercise)  # `grade check hw`: a folder, not an exercise
    catalog = chosen.catalog  # the assignment's exercises; any exercise of the course by name
    result = grade_path(catalog, _folder(path, chosen.course), lang, isolation, warm=ctx.obj,
                        only=[exercise] if exercise else None)
    show(check_views(result, catalog, exercise, Messages(lang)))


@command()
def hint(exercise: ExerciseArgument, lang: LangOption = None, course: CourseOption = None) -> None:
    """Reveal the next hint of an exercise: a nudge, then the formula, then the NumPy idiom."""
    from grader.course import load_course
    from grader.practice import PracticeLog
    from grader.render.terminal import hint_view

    target = load_course(course).catalog().find(exercise)
    with PracticeLog() as log:
        before = log.hint_level(target.id)
        level = log.reveal_hint(target)
    messages = Messages(lang)
    show([hint_view(target, level, messages)] +
         ([messages.t("practice.no-more-hints", exercise=target.id)] if before == level else []))


@command()
def watch(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(
        help="The folder to watch (default: this folder when it holds the stubs, else exercises/).")] = None,
    lang: LangOption = None, isolation: IsolationOption = "auto",
    course: CourseOption = None, assignment: AssignmentOption = None,
) -> None:
    """Re-grade on every save: progress, the current exercise's feedback; keys h, l, n, j/k, q."""
    from grader.assignment_run import choose, make_grader
    from grader.practice import PracticeLog
    from grader.submission import open_submission
    from grader.watch import watch as watch_loop

    chosen = choose(course, assignment)
    path = _folder(path, chosen.course)
    with open_submission(path):  # a missing or empty folder is an error before the screen clears
        pass
    grader = make_grader(chosen.catalog, isolation, warm=ctx.obj)
    with PracticeLog() as log:
        watch_loop(grader, path, Messages(lang), log)


@command()
def progress(lang: LangOption = None, json_output: ProgressJson = False,
             course: CourseOption = None, assignment: AssignmentOption = None) -> None:
    """Per exercise: checks, first pass, time to pass and hints used, kept across sessions."""
    from grader.assignment_run import choose
    from grader.practice import PracticeLog, progress_json

    chosen = choose(course, assignment)
    with PracticeLog() as log:  # the whole course, unless an assignment is named
        rows = log.summary(chosen.catalog if assignment else chosen.catalog.whole(), lang)
    from grader.render.terminal import progress_table

    show([progress_json(rows)] if json_output else [progress_table(rows, Messages(lang))])


@command()
def init(folder: Annotated[Path, typer.Argument(help="Where to put fresh stubs.")],
         force: InitForce = False, lang: LangOption = None,
         course: CourseOption = None) -> None:
    """Copy fresh exercise stubs into a folder (never over your work without --force)."""
    from grader.course import load_course
    from grader.practice import init_exercises

    written = init_exercises(folder, force, course=load_course(course))
    messages = Messages(lang)
    show([messages.t("practice.init-done", path=folder, files=", ".join(p.name for p in written)),
          messages.t("workflow.init-next", path=folder)])


@command()
def reset(exercise: Annotated[str, typer.Argument(help="Exercise id whose function goes back to its stub.")],
          path: PathOption = None, lang: LangOption = None, course: CourseOption = None) -> None:
    """Put one function back to its stub, keeping your version in a backup file."""
    from grader.course import load_course
    from grader.practice import reset_exercise

    loaded = load_course(course)
    path = _folder(path, loaded)
    file, backup = reset_exercise(loaded.catalog().find(exercise), path, course=loaded)
    messages = Messages(lang)
    typer.echo(messages.t("practice.reset-new", exercise=exercise, path=file) if backup is None else
               messages.t("practice.reset-done", exercise=exercise, path=file, backup=backup))


@command()
def solution(ctx: typer.Context, exercise: ExerciseArgument,
             path: PathOption = None, force: SolutionForce = False,
             lang: LangOption = None, isolation: IsolationOption = "auto", course: CourseOption = None) -> None:
    """Show the reference solution, once the exercise passes in your folder (or with --force)."""
    from rich.syntax import Syntax

    from grader.assignment_run import choose, grade_path
    from grader.solution import find_solution

    messages, chosen = Messages(lang), choose(course)
    catalog = chosen.catalog
    found = find_solution(chosen.course, catalog, exercise, _folder(path, chosen.course),
                          lambda folder, only: grade_path(catalog, folder, lang, isolation, warm=ctx.obj, only=only))
    if not found.shown_freely:
        typer.echo(messages.t("practice.solution-forced" if force else "practice.solution-locked", exercise=exercise),
                   err=True)
        if not force:
            raise typer.Exit(1)
    show([messages.t("practice.solution-title", exercise=exercise, file=found.file),
          Syntax(found.source, "python", theme="ansi_dark", background_color="default")])


# A class's grading, course packs, the quiz, the LMS exports and Gradescope's autograder live in their own
# modules; importing them adds their commands to `app`.
from grader import cli_class, cli_course, cli_lms, cli_quiz  # noqa: E402,F401


def main() -> None:
    """The `grade` command (see grader.cli_edge.run)."""
    run(only_the_command(app, sys.argv[1:2]))
