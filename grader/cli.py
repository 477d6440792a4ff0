"""The `grade` command line. Each command parses its options and calls the library; nothing more.

Known problems (a missing path, a corrupt notebook, an unknown exercise) end as one line on stderr
and exit code 2. A student's broken code is never such a problem: it is graded.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from grader.errors import CatalogError, GradeError
from grader.i18n import LANGUAGES, Messages, detect_language
from grader.runner.job import Limits

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Grade NumPy neural-network exercises, with feedback in Korean and English.")

LangOption = Annotated[Optional[str], typer.Option("--lang", help="ko or en (default: from the locale).")]
IsolationOption = Annotated[str, typer.Option("--isolation", help="auto (Bubblewrap when it works), bwrap or process.")]
CallSecondsOption = Annotated[float, typer.Option("--call-timeout", help="Seconds one call of a function may take.")]
SubmissionSecondsOption = Annotated[float, typer.Option("--submission-timeout", help="Seconds a whole submission may take.")]
MemoryOption = Annotated[int, typer.Option("--memory-mb", help="Memory (address space) a submission may use, in MiB.")]
ProcessesOption = Annotated[int, typer.Option("--max-processes", help="Processes a submission may run.")]
OutputOption = Annotated[int, typer.Option("--output-kb", help="Output kept per submission, in KiB; the rest is counted.")]
PathOption = Annotated[Optional[Path], typer.Option(
    "--path", help="The folder (or .py, .ipynb, .zip) to grade (default: this folder when it holds the stubs, else exercises/).")]
GRADING_COMMANDS = ("submit", "check", "watch", "solution")  # not batch: an unchanged class needs no fork server


# What people type for a language besides its code: the country code, the name, a locale.
LANGUAGE_ALIASES = {"kr": "ko", "kor": "ko", "korean": "ko", "한국어": "ko", "eng": "en", "english": "en"}


def _language(lang: str | None) -> str:
    if lang is None:
        return detect_language()
    code = lang.strip().lower().replace("-", "_").split(".")[0]
    code = LANGUAGE_ALIASES.get(code, code.split("_")[0] if "_" in code else code)
    if code not in LANGUAGES:
        raise GradeError("error.unknown-language", lang=lang)
    return code


def _limits(call_seconds: float, submission_seconds: float, memory_mb: int, processes: int, output_kb: int) -> Limits:
    """The limits every grading command takes (the options declared once above)."""
    return Limits(call_seconds=call_seconds, submission_seconds=submission_seconds, memory_bytes=memory_mb * 2**20,
                  processes=processes, output_bytes=output_kb * 1024)


@contextmanager
def _user_errors(lang: str | None) -> Iterator[None]:
    """Turn the errors a user can fix into one line on stderr and exit 2."""
    from grader.runner import WorkerFailed

    try:
        fallback = _language(lang)
    except GradeError:
        fallback = detect_language()
    try:
        yield
    except GradeError as error:
        typer.echo(Messages(fallback).t(error.key, **error.params), err=True)
        raise typer.Exit(2) from None
    except CatalogError as error:
        typer.echo(Messages(fallback).t("error.catalog", reason=str(error)), err=True)
        raise typer.Exit(2) from None
    except WorkerFailed as error:
        typer.echo(Messages(fallback).t("error.worker-failed", reason=str(error)), err=True)
        raise typer.Exit(2) from None
    except OSError as error:  # an output folder that is a file, a folder we may not write, a full disk
        typer.echo(Messages(fallback).t("error.file-system", path=error.filename or "",
                                        reason=error.strerror or str(error)), err=True)
        raise typer.Exit(2) from None


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"grade {version('grade')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("grade (not installed)")
        raise typer.Exit()


@app.callback()
def warm_start(
    ctx: typer.Context,
    _version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                           help="Print the version and exit.")] = False,
) -> None:
    """Grade NumPy neural-network exercises, with feedback in Korean and English."""
    if ctx.invoked_subcommand in GRADING_COMMANDS:
        # On a guess of `auto`: the fork server loads NumPy on another core while the options are read.
        from grader.runner.launch import start_launcher

        ctx.obj = start_launcher("auto")


def _is_exercise(name: str) -> bool:
    from grader.catalog import load_catalog

    try:
        load_catalog().find(name)
    except GradeError:
        return False
    return True


def _folder(path: Path | None) -> Path:
    from grader.practice import find_exercise_folder

    return find_exercise_folder(path)


def _grade(ctx: typer.Context, path: Path, lang: str, isolation: str, limits, student: str | None = None,
           only: list[str] | None = None, catalog: Path | None = None):
    from grader.catalog import load_catalog
    from grader.grading import Grader
    from grader.runner.launch import start_launcher
    from grader.submission import open_submission

    grader = Grader(catalog=load_catalog(extra=catalog), isolation=isolation, limits=limits,
                    pending_launcher=start_launcher(isolation, warm=ctx.obj))
    grader.select(only)  # an unknown exercise name is an error before anything runs
    # The fork server is not waited for here: expected values are prepared while it starts, and a
    # sandbox that cannot run is still an error before any student code runs.
    with open_submission(path) as submission:
        return grader.grade(submission, student=student, lang=lang, only=only)


@app.command()
def submit(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(
        help="Your submission: a folder, .py, .ipynb or .zip (default: this folder when it holds the stubs, else exercises/).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Where to write results.json and report.html.")] = Path("grade-report"),
    student: Annotated[Optional[str], typer.Option("--student", help="Name in the report (default: the folder or file name).")] = None,
    lang: LangOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print exactly the results object on stdout, nothing else.")] = False,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", help="Exit 1 when the score is below this.")] = None,
    isolation: IsolationOption = "auto",
    call_seconds: CallSecondsOption = Limits.call_seconds,
    submission_seconds: SubmissionSecondsOption = Limits.submission_seconds,
    memory_mb: MemoryOption = Limits.memory_bytes // 2**20,
    processes: ProcessesOption = Limits.processes,
    output_kb: OutputOption = Limits.output_bytes // 1024,
    catalog: Annotated[Optional[Path], typer.Option(
        "--catalog", help="Your own catalog file laid over the package's: hidden cases, points.")] = None,
    gradescope: Annotated[bool, typer.Option(
        "--gradescope", help="Inside Gradescope's autograder: grade /autograder/submission into "
                             "/autograder/results/results.json.")] = False,
) -> None:
    """Grade every exercise of a submission and write a report."""
    with _user_errors(lang):
        language = _language(lang)
        limits = _limits(call_seconds, submission_seconds, memory_mb, processes, output_kb)
        if gradescope:
            _gradescope_submit(ctx, language, isolation, limits, catalog)
            return
        from grader.render.reports import environment, write_reports

        environment()  # compiled while the worker starts, not after grading
        path = _folder(path)
        result = _grade(ctx, path, language, isolation, limits, student=student, catalog=catalog)

        results_json = result.to_json()
        written = write_reports(result, out, results_json)
    if json_output:
        sys.stdout.write(results_json + "\n")
    else:
        from grader.render.terminal import file_advice, first_problems, print_view, summary_table

        messages = Messages(language)
        print_view(summary_table(result, messages))
        print_view(file_advice(result, messages))
        print_view(first_problems(result, messages))
        typer.echo(messages.t("table.written", path=written[-1]))
    if fail_under is not None and result.score < fail_under:
        raise typer.Exit(1)


def _gradescope_submit(ctx: typer.Context, language: str, isolation: str, limits, catalog: Path | None) -> None:
    """Gradescope's autograder: results.json always, even for an upload that cannot be read (zero, and why)."""
    import time

    from grader.lms.gradescope import autograder_root, results_json, submission_path, unreadable_json, write_results

    root = autograder_root()
    started = time.monotonic()
    try:
        result = _grade(ctx, submission_path(root), language, isolation, limits, catalog=catalog)
    except GradeError as error:
        reason = Messages(language).t(error.key, **error.params)
        write_results(root, unreadable_json(reason, time.monotonic() - started))
        typer.echo(reason, err=True)  # Gradescope shows results.json: a zero, and why
        return
    written = write_results(root, results_json(result, time.monotonic() - started))
    typer.echo(Messages(language).t("table.written", path=written))


@app.command("list")
def list_exercises(lang: LangOption = None) -> None:
    """List the exercises in teaching order, with their points."""
    with _user_errors(lang):
        from grader.catalog import load_catalog
        from grader.render.terminal import exercise_list, print_view

        print_view(exercise_list(load_catalog(), Messages(_language(lang))))


@app.command()
def check(
    ctx: typer.Context,
    exercise: Annotated[Optional[str], typer.Argument(help="Exercise id (default: the first one not yet passing).")] = None,
    path: PathOption = None,
    lang: LangOption = None,
    isolation: IsolationOption = "auto",
) -> None:
    """Check one exercise and show what to fix, with the hint reached so far, in the terminal only."""
    with _user_errors(lang):
        language = _language(lang)
        if exercise and path is None and Path(exercise).exists() and not _is_exercise(exercise):
            exercise, path = None, Path(exercise)  # `grade check hw`: a folder, not an exercise
        path = _folder(path)
        result = _grade(ctx, path, language, isolation, Limits(), only=[exercise] if exercise else None)
        from grader.practice import PracticeLog
        from grader.render.terminal import exercise_details, file_advice, hint_view, passed_bar, print_view
        from grader.results import Status

        messages = Messages(language)
        with PracticeLog() as log:
            log.record(result)
            pending = [e for e in result.exercises if e.status != Status.PASSED]
            shown = (pending or result.exercises)[0]
            # The nudge comes with every failure and counts as seen: `grade hint` then reveals the formula.
            level = 0
            if pending:
                from grader.catalog import load_catalog

                level = log.hint_level(shown.id) or log.reveal_hint(load_catalog().exercise(shown.id))
    if not exercise:
        print_view(passed_bar(result, messages))
    if not pending:
        typer.echo(messages.t("check.all-passed") if not exercise else messages.t("check.passed", exercise=exercise))
    print_view(file_advice(result, messages))
    print_view(exercise_details(shown, messages))
    if level:
        from grader.catalog import load_catalog

        print_view(hint_view(load_catalog().exercise(shown.id), level, messages))


@app.command()
def hint(
    exercise: Annotated[str, typer.Argument(help="Exercise id, e.g. sigmoid.")],
    lang: LangOption = None,
) -> None:
    """Reveal the next hint of an exercise: a nudge, then the formula, then the NumPy idiom."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.catalog import load_catalog
        from grader.practice import PracticeLog
        from grader.render.terminal import hint_view, print_view

        target = load_catalog().find(exercise)
        with PracticeLog() as log:
            before = log.hint_level(target.id)
            level = log.reveal_hint(target)
    messages = Messages(language)
    print_view(hint_view(target, level, messages))
    if before == level:
        typer.echo(messages.t("practice.no-more-hints", exercise=target.id))


@app.command()
def watch(
    ctx: typer.Context,
    path: Annotated[Optional[Path], typer.Argument(
        help="The folder to watch (default: this folder when it holds the stubs, else exercises/).")] = None,
    lang: LangOption = None,
    isolation: IsolationOption = "auto",
) -> None:
    """Re-grade on every save: progress, the current exercise's feedback; keys h, l, n, j/k, q."""
    with _user_errors(lang):
        language = _language(lang)
        path = _folder(path)
        from grader.grading import Grader
        from grader.practice import PracticeLog
        from grader.runner.launch import start_launcher
        from grader.submission import open_submission
        from grader.watch import watch as watch_loop

        with open_submission(path):  # a missing or empty folder is an error before the screen clears
            pass
        grader = Grader(isolation=isolation, pending_launcher=start_launcher(isolation, warm=ctx.obj))
        with PracticeLog() as log:
            watch_loop(grader, path, Messages(language), log)


@app.command()
def progress(
    lang: LangOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the progress as JSON.")] = False,
) -> None:
    """Per exercise: checks, first pass, time to pass and hints used, kept across sessions."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.catalog import load_catalog
        from grader.practice import PracticeLog

        with PracticeLog() as log:
            rows = log.summary(load_catalog(), language)
    if json_output:
        import dataclasses
        import json

        sys.stdout.write(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False, indent=2) + "\n")
        return
    from grader.render.terminal import print_view, progress_table

    print_view(progress_table(rows, Messages(language)))


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Where to put fresh stubs.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite stubs that are already there.")] = False,
    lang: LangOption = None,
) -> None:
    """Copy fresh exercise stubs into a folder (never over your work without --force)."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.practice import init_exercises

        written = init_exercises(folder, force)
    messages = Messages(language)
    typer.echo(messages.t("practice.init-done", path=folder, files=", ".join(p.name for p in written)))
    typer.echo(messages.t("workflow.init-next", path=folder))


@app.command()
def reset(
    exercise: Annotated[str, typer.Argument(help="Exercise id whose function goes back to its stub.")],
    path: PathOption = None,
    lang: LangOption = None,
) -> None:
    """Put one function back to its stub, keeping your version in a backup file."""
    with _user_errors(lang):
        language = _language(lang)
        path = _folder(path)
        from grader.catalog import load_catalog
        from grader.practice import reset_exercise

        target = load_catalog().find(exercise)
        file, backup = reset_exercise(target, path)
    messages = Messages(language)
    if backup is None:
        typer.echo(messages.t("practice.reset-new", exercise=exercise, path=file))
    else:
        typer.echo(messages.t("practice.reset-done", exercise=exercise, path=file, backup=backup))


@app.command()
def solution(
    ctx: typer.Context,
    exercise: Annotated[str, typer.Argument(help="Exercise id.")],
    path: PathOption = None,
    force: Annotated[bool, typer.Option("--force", help="Show it even though the exercise does not pass yet.")] = False,
    lang: LangOption = None,
    isolation: IsolationOption = "auto",
) -> None:
    """Show the reference solution, once the exercise passes in your folder (or with --force)."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.practice import reference_source
        from grader.results import Status

        from rich.syntax import Syntax

        from grader.catalog import load_catalog
        from grader.render.terminal import print_view

        messages = Messages(language)
        target = load_catalog().find(exercise)  # an unknown name is an error before anything runs
        path = _folder(path)
        passes = False
        if path.exists():
            result = _grade(ctx, path, language, isolation, Limits(), only=[exercise])
            passes = result.exercises[0].status == Status.PASSED
        if not passes and not force:
            typer.echo(messages.t("practice.solution-locked", exercise=exercise), err=True)
            raise typer.Exit(1)
    if not passes:
        typer.echo(messages.t("practice.solution-forced", exercise=exercise), err=True)
    typer.echo(messages.t("practice.solution-title", exercise=exercise, file=f"reference/{target.module}.py"))
    print_view(Syntax(reference_source(target), "python", theme="ansi_dark", background_color="default"))


RosterOption = Annotated[Optional[Path], typer.Option(
    "--roster", help="The class roster (CSV with a header: student id, name, email, LMS ids): names the students, "
                     "lists who handed in nothing (graded 0) and submissions no roster row claims.")]
LayoutOption = Annotated[str, typer.Option(
    "--layout", help="How the submissions are laid out: auto, moodle, canvas (an LMS's download, folder or zip) or folders.")]


def _record_missing(given, gradebook, shard, hashes, messages) -> list[str]:
    """Roster students without a submission: a zero, "no submission", in the gradebook (their shard's only)."""
    if given.linking is None:
        return []
    from grader.class_folder import in_shard, parse_shard
    from grader.catalog import load_catalog
    from grader.lms import record_missing

    slice_ = parse_shard(shard)
    students = [s for s in given.linking.missing if in_shard(s.student_id, slice_)]
    return record_missing(gradebook, students, *hashes, load_catalog().max_score, messages.t("workflow.no-submission"))


def _roster_report(given, messages: Messages) -> None:
    if given.skipped:  # an LMS's online text, comments, a file its layout does not explain
        typer.echo(messages.t("batch.skipped", names=", ".join(given.skipped)), err=True)
    if given.late:
        typer.echo(messages.t("workflow.late", names=", ".join(given.late)))
    if given.linking is None:
        return
    linking = given.linking
    typer.echo(messages.t("workflow.roster-linked", linked=len(linking.linked),
                          total=len(linking.linked) + len(linking.missing)))
    if linking.missing:
        typer.echo(messages.t("workflow.roster-missing", names=", ".join(s.student_id + (f" ({s.name})" if s.name else "")
                                                                          for s in linking.missing)))
    if linking.unknown:
        typer.echo(messages.t("workflow.roster-unknown", names=", ".join(linking.unknown)))


@app.command()
def batch(
    submissions: Annotated[Path, typer.Argument(help="A folder with one entry per student: a folder, .py, .ipynb or .zip.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write grades.csv, index.html, the gradebook and students/<student>/ reports.")],
    jobs: Annotated[int, typer.Option("--jobs", help="Submissions graded at once (0: the CPU count).", show_default=False)] = 0,
    lang: LangOption = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="Your own catalog file laid over the package's: hidden cases, points.")] = None,
    shard: Annotated[Optional[str], typer.Option("--shard", help="K/N: grade only the K-th of N slices of the class (for a cluster).")] = None,
    isolation: IsolationOption = "auto",
    call_seconds: CallSecondsOption = Limits.call_seconds,
    submission_seconds: SubmissionSecondsOption = Limits.submission_seconds,
    memory_mb: MemoryOption = Limits.memory_bytes // 2**20,
    processes: ProcessesOption = Limits.processes,
    output_kb: OutputOption = Limits.output_bytes // 1024,
    roster: RosterOption = None,
    layout: LayoutOption = "auto",
) -> None:
    """Grade a whole class: every student's reports, grades.csv, index.html and the gradebook."""
    from contextlib import ExitStack

    with _user_errors(lang), ExitStack() as keep:
        language = _language(lang)
        from grader.batch_run import ClassOptions, grade_class
        from grader.lms import open_class
        from grader.render.safe import terminal_text
        from grader.render.progress import batch_progress

        messages = Messages(language)

        def tell(folder) -> None:
            if folder.skipped:
                typer.echo(terminal_text(messages.t("batch.skipped", names=", ".join(folder.skipped))), err=True)
            for names in folder.collisions:
                typer.echo(terminal_text(messages.t("class_batch.collision", names=", ".join(names), kept=names[0])),
                           err=True)

        options = ClassOptions(jobs=jobs, lang=language, catalog=catalog, shard=shard, isolation=isolation,
                               limits=_limits(call_seconds, submission_seconds, memory_mb, processes, output_kb))
        given = keep.enter_context(open_class(submissions, layout, roster))  # an LMS download, a roster
        run = grade_class(given.folder, out, options, progress=lambda total: batch_progress(total, messages),
                          on_folder=tell, on_graded=lambda book, *hashes: _record_missing(given, book, shard, hashes,
                                                                                        messages),
                          title=Path(submissions).resolve().name)
    summary = run.summary
    typer.echo(messages.t("batch.summary", graded=summary.graded, unchanged=summary.unchanged,
                          unreadable=len(summary.unreadable), seconds=f"{summary.seconds:.1f}"))
    _roster_report(given, messages)
    typer.echo(terminal_text(messages.t("batch.written", index=run.written[1], csv=run.written[0])))


@app.command()
def merge(
    folders: Annotated[list[Path], typer.Argument(help="Output folders of `grade batch --shard`.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the merged gradebook, reports, grades.csv and index.html.")],
    lang: LangOption = None,
    catalog: Annotated[Optional[Path], typer.Option("--catalog", help="The catalog file the shards were graded with, if any.")] = None,
    allow_mixed: Annotated[bool, typer.Option("--allow-mixed", help="Merge shards graded with different catalogs anyway.")] = False,
) -> None:
    """Combine shard outputs into one gradebook, grades.csv and index.html."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.merge import merge_class

        copied, (csv_path, index) = merge_class(folders, out, language, catalog, allow_mixed=allow_mixed)
    messages = Messages(language)
    typer.echo(messages.t("batch.merged", count=copied, folders=len(folders)))
    typer.echo(messages.t("batch.written", index=index, csv=csv_path))


# The quiz, the LMS exports and Gradescope's autograder live in their own modules; importing them adds
# their commands to `app`.
from grader import cli_course, cli_lms, cli_quiz  # noqa: E402,F401


def main() -> None:
    """The `grade` command: run it, flush what it printed, and leave at once.

    Tearing the interpreter down (NumPy, rich, Jinja and the rest) costs about 30 ms of a 0.3 s
    command and does nothing useful: by now every report, database and file has been closed.
    """
    try:
        app(prog_name="grade")
        code: object = 0
    except SystemExit as leaving:
        code = leaving.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError):  # `grade list | head`: the reader has gone, nothing is lost
            pass
    os._exit(code if isinstance(code, int) else 0)

