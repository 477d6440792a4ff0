"""`grade batch` and `grade merge`: a whole class graded into a gradebook, reports, grades.csv and index.html."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli import command
from grader.cli_options import (CALL_SECONDS, MEMORY_MB, OUTPUT_KB, PROCESSES, SUBMISSION_SECONDS, AssignmentOption,
                                CallSecondsOption, CatalogOption, CourseOption, IsolationOption, LangOption,
                                LayoutOption, MemoryOption, OutputOption, ProcessesOption, RosterOption,
                                SubmissionSecondsOption, limits, out_option)
from grader.i18n import Messages

ClassOut = out_option("Where to write grades.csv, index.html, the gradebook and students/<student>/ reports.")
MergedOut = out_option("Where to write the merged gradebook, reports, grades.csv and index.html.")
ShardCatalog = Annotated[Optional[Path], typer.Option(
    "--catalog", help="The catalog file the shards were graded with, if any.")]


@command()
def batch(
    submissions: Annotated[Path, typer.Argument(help="A folder with one entry per student: a folder, .py, .ipynb or .zip.")],
    out: ClassOut,
    jobs: Annotated[int, typer.Option("--jobs", help="Submissions graded at once (0: the CPU count).", show_default=False)] = 0,
    lang: LangOption = None, catalog: CatalogOption = None,
    shard: Annotated[Optional[str], typer.Option("--shard", help="K/N: grade only the K-th of N slices of the class (for a cluster).")] = None,
    isolation: IsolationOption = "auto", call_seconds: CallSecondsOption = CALL_SECONDS,
    submission_seconds: SubmissionSecondsOption = SUBMISSION_SECONDS, memory_mb: MemoryOption = MEMORY_MB,
    processes: ProcessesOption = PROCESSES, output_kb: OutputOption = OUTPUT_KB,
    roster: RosterOption = None, layout: LayoutOption = "auto",
    course: CourseOption = None, assignment: AssignmentOption = None,
) -> None:
    """Grade a whole class: every student's reports, grades.csv, index.html and the gradebook."""
    from grader.assignment_run import choose
    from grader.batch_run import ClassOptions, grade_class
    from grader.class_notes import folder_notes, record_missing, roster_notes
    from grader.lms import open_class
    from grader.render.progress import batch_progress
    from grader.render.safe import terminal_text

    messages, chosen = Messages(lang), choose(course, assignment, catalog)
    options = ClassOptions(jobs=jobs, lang=lang, catalog=catalog, shard=shard, isolation=isolation,
                           limits=limits(call_seconds, submission_seconds, memory_mb, processes, output_kb),
                           course=course, assignment=assignment, chosen=chosen)
    with open_class(submissions, layout, roster) as given:  # an LMS download, a roster
        run = grade_class(given.folder, out, options, progress=lambda total: batch_progress(total, messages),
                          on_folder=lambda folder: _notes(folder_notes(folder, messages)),
                          on_graded=lambda book, *hashes: record_missing(given, book, shard, hashes,
                                                                         chosen.catalog.max_score, messages),
                          title=Path(submissions).resolve().name)
    summary = run.summary
    typer.echo(messages.t("batch.summary", graded=summary.graded, unchanged=summary.unchanged,
                          unreadable=len(summary.unreadable), seconds=f"{summary.seconds:.1f}"))
    from grader.quiz.assigned import ignored_answers_note, other_owner_note

    if note := ignored_answers_note(run.assignment, summary.ignored_answers, messages):
        typer.echo(terminal_text(note))
    if note := other_owner_note(summary.other_owner, messages):
        typer.echo(terminal_text(note))
    _notes(roster_notes(given, messages))
    typer.echo(terminal_text(messages.t("batch.written", index=run.written[1], csv=run.written[0])))


def _notes(notes) -> None:
    for note in notes:
        typer.echo(note.text, err=note.warning)


@command()
def merge(
    folders: Annotated[list[Path], typer.Argument(help="Output folders of `grade batch --shard`.")],
    out: MergedOut, lang: LangOption = None, catalog: ShardCatalog = None,
    allow_mixed: Annotated[bool, typer.Option("--allow-mixed", help="Merge shards graded with different catalogs anyway.")] = False,
    course: CourseOption = None, assignment: AssignmentOption = None,
) -> None:
    """Combine shard outputs into one gradebook, grades.csv and index.html."""
    from grader.assignment_run import choose
    from grader.merge import merge_class

    copied, (csv_path, index) = merge_class(folders, out, lang, choose(course, assignment, catalog).catalog,
                                            allow_mixed=allow_mixed)
    messages = Messages(lang)
    typer.echo(messages.t("batch.merged", count=copied, folders=len(folders)))
    typer.echo(messages.t("batch.written", index=index, csv=csv_path))
