"""The options commands share, declared once (`Annotated` aliases, as in well-kept Typer CLIs).

An option whose help depends on the command (what `--out` writes, what `--json` prints) is declared once
here as a function of that help; everything else about it (the flag, the type) is the same everywhere.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.runner.job import Limits


def out_option(help: str):
    return Annotated[Optional[Path], typer.Option("--out", help=help)]


def json_option(help: str = "Print exactly the results object on stdout, nothing else."):
    return Annotated[bool, typer.Option("--json", help=help)]


def student_option(help: str = "Name in the report (default: the folder or file name)."):
    return Annotated[Optional[str], typer.Option("--student", help=help)]


def force_option(help: str):
    return Annotated[bool, typer.Option("--force", help=help)]


JsonOption, StudentOption = json_option(), student_option()
LangOption = Annotated[Optional[str], typer.Option("--lang", help="ko or en (default: from the locale).")]
CourseOption = Annotated[Optional[Path], typer.Option(
    "--course", envvar="GRADE_COURSE", show_envvar=True,
    help="The course pack folder (default: the built-in neural-network course).")]
AssignmentOption = Annotated[Optional[str], typer.Option(
    "--assignment", help="The course's assignment whose exercises are graded (default: its first).")]
CatalogOption = Annotated[Optional[Path], typer.Option(
    "--catalog", help="Your own catalog file laid over the course's: hidden cases, points.")]
PathOption = Annotated[Optional[Path], typer.Option(
    "--path", help="The folder (or .py, .ipynb, .zip) to grade (default: this folder when it holds the stubs, else exercises/).")]
IsolationOption = Annotated[str, typer.Option("--isolation", help="auto (Bubblewrap when it works), bwrap or process.")]
CallSecondsOption = Annotated[float, typer.Option("--call-timeout", help="Seconds one call of a function may take.")]
SubmissionSecondsOption = Annotated[float, typer.Option("--submission-timeout", help="Seconds a whole submission may take.")]
MemoryOption = Annotated[int, typer.Option("--memory-mb", help="Memory (address space) a submission may use, in MiB.")]
ProcessesOption = Annotated[int, typer.Option("--max-processes", help="Processes a submission may run.")]
OutputOption = Annotated[int, typer.Option("--output-kb", help="Output kept per submission, in KiB; the rest is counted.")]
RosterOption = Annotated[Optional[Path], typer.Option(
    "--roster", help="The class roster (CSV with a header: student id, name, email, LMS ids): names the students, "
                     "lists who handed in nothing (graded 0) and submissions no roster row claims.")]
LayoutOption = Annotated[str, typer.Option(
    "--layout", help="How the submissions are laid out: auto, moodle, canvas (an LMS's download, folder or zip) or folders.")]

CALL_SECONDS, SUBMISSION_SECONDS = Limits.call_seconds, Limits.submission_seconds
MEMORY_MB, PROCESSES, OUTPUT_KB = Limits.memory_bytes // 2**20, Limits.processes, Limits.output_bytes // 1024
"""The limit options' defaults: Limits's, in the units the options take."""


def limits(call_seconds: float, submission_seconds: float, memory_mb: int, processes: int, output_kb: int) -> Limits:
    """The limits a grading command was given (the options above)."""
    return Limits(call_seconds=call_seconds, submission_seconds=submission_seconds, memory_bytes=memory_mb * 2**20,
                  processes=processes, output_bytes=output_kb * 1024)
