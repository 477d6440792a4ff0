"""The `grade` command line. Each command parses its options and calls the library; nothing more.

Known problems (a missing path, a corrupt notebook, an unknown exercise) end as one line on stderr
and exit code 2. A student's broken code is never such a problem: it is graded.
"""
from __future__ import annotations

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
PathOption = Annotated[Path, typer.Option("--path", help="The folder (or .py, .ipynb, .zip) to grade.")]
GRADING_COMMANDS = ("submit", "check")


def _language(lang: str | None) -> str:
    if lang is None:
        return detect_language()
    if lang not in LANGUAGES:
        raise GradeError("error.unknown-language", lang=lang)
    return lang


@contextmanager
def _user_errors(lang: str | None) -> Iterator[None]:
    """Turn the errors a user can fix into one line on stderr and exit 2."""
    from grader.runner import WorkerFailed

    fallback = lang if lang in LANGUAGES else detect_language()
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


@app.callback()
def main(ctx: typer.Context) -> None:
    """Grade NumPy neural-network exercises, with feedback in Korean and English."""
    if ctx.invoked_subcommand in GRADING_COMMANDS:
        # On a guess of `auto`: the fork server loads NumPy on another core while the options are read.
        from grader.runner.launch import start_launcher

        ctx.obj = start_launcher("auto")


def _grade(ctx: typer.Context, path: Path, lang: str, isolation: str, limits, student: str | None = None,
           only: list[str] | None = None):
    from grader.grading import Grader
    from grader.runner.launch import start_launcher
    from grader.submission import open_submission

    grader = Grader(isolation=isolation, limits=limits, pending_launcher=start_launcher(isolation, warm=ctx.obj))
    grader.select(only)  # an unknown exercise name is an error before anything runs
    grader.launcher  # so does asking for a sandbox that cannot run here
    with open_submission(path) as submission:
        return grader.grade(submission, student=student, lang=lang, only=only)


@app.command()
def submit(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Your submission: a folder, .py, .ipynb or .zip.")],
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
) -> None:
    """Grade every exercise of a submission and write a report."""
    with _user_errors(lang):
        language = _language(lang)
        limits = Limits(call_seconds=call_seconds, submission_seconds=submission_seconds,
                        memory_bytes=memory_mb * 2**20, processes=processes, output_bytes=output_kb * 1024)
        from grader.render.reports import environment, write_reports

        environment()  # compiled while the worker starts, not after grading
        result = _grade(ctx, path, language, isolation, limits, student=student)

        results_json = result.to_json()
        written = write_reports(result, out, results_json)
    if json_output:
        sys.stdout.write(results_json + "\n")
    else:
        from grader.render.terminal import first_problems, print_view, summary_table

        messages = Messages(language)
        print_view(summary_table(result, messages))
        print_view(first_problems(result, messages))
        typer.echo(messages.t("table.written", path=written[-1]))
    if fail_under is not None and result.score < fail_under:
        raise typer.Exit(1)


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
    path: PathOption = Path("exercises"),
    lang: LangOption = None,
    isolation: IsolationOption = "auto",
) -> None:
    """Check one exercise and show what to fix, in the terminal only."""
    with _user_errors(lang):
        language = _language(lang)
        result = _grade(ctx, path, language, isolation, Limits(), only=[exercise] if exercise else None)
    from grader.render.terminal import exercise_details, print_view
    from grader.results import Status

    messages = Messages(language)
    pending = [e for e in result.exercises if e.status != Status.PASSED]
    if not pending:
        typer.echo(messages.t("check.all-passed") if not exercise else messages.t("check.passed", exercise=exercise))
    print_view(exercise_details((pending or result.exercises)[0], messages))
