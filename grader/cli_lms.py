"""`grade export` and `grade gradescope build`: grades back into an LMS, and Gradescope's autograder zip."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli import app, command
from grader.cli_edge import edge
from grader.cli_options import AssignmentOption, CourseOption, LangOption, RosterOption, out_option
from grader.i18n import Messages

ExportOut = out_option("The file to write (default: in FOLDER).")
ZipOut = out_option("The autograder zip to write.")


@command()
def export(
    folder: Annotated[Path, typer.Argument(help="The output folder of grade batch (it holds gradebook.sqlite).")],
    fmt: Annotated[str, typer.Option("--format", help="moodle, canvas, blackboard or gradescope-csv.")],
    roster: RosterOption = None,
    assignment: Annotated[Optional[str], typer.Option(
        "--assignment", help="The grade column's name in the LMS, e.g. \"HW1 (1234)\" for Canvas, \"HW1|_5_1\" for "
                             "Blackboard (default: the folder's name).")] = None,
    out: ExportOut = None,
    lang: LangOption = None,
) -> None:
    """Write the latest grades as a file Moodle, Canvas, Blackboard or Gradescope imports unchanged."""
    from grader.lms.export import export_grades
    from grader.lms.roster import read_roster

    written, count = export_grades(folder, fmt, read_roster(roster) if roster else None, assignment or "", lang, out)
    lms = {"gradescope-csv": "Gradescope"}.get(fmt, fmt.capitalize())
    typer.echo(Messages(lang).t("workflow.export-written", path=written, count=count, lms=lms))


gradescope_app = typer.Typer(no_args_is_help=True, help="Gradescope: the autograder zip that runs grade.")
app.add_typer(gradescope_app, name="gradescope")


@gradescope_app.command("build")
@edge
def gradescope_build(
    out: ZipOut = Path("autograder.zip"),
    catalog: Annotated[Optional[Path], typer.Option(
        "--catalog", help="Your catalog file (hidden cases, points), shipped in the zip.")] = None,
    wheel: Annotated[Optional[Path], typer.Option(
        "--wheel", help="The grade wheel to install (default: built from this checkout).")] = None,
    lang: LangOption = None,
    course: CourseOption = None,
    assignment: AssignmentOption = None,
) -> None:
    """Write autograder.zip (setup.sh, run_autograder, the grade wheel) for a Gradescope programming assignment."""
    from grader.assignment_run import choose
    from grader.lms.gradescope import build_zip, find_wheel, shipped_course

    # A broken course, catalog or assignment is an error here, not on every student's upload.
    chosen = choose(course, assignment, catalog)
    written = build_zip(out, find_wheel(wheel), lang, catalog, shipped_course(chosen.course), assignment)
    typer.echo(Messages(lang).t("workflow.gradescope-built", path=written))
