"""`grade course ...`: an instructor's own course pack: create it, check it, build its kits (grader/kit/command.py).

Each command is a few lines calling grader.course; add a command with `@course_app.command()`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grader.cli import IsolationOption, LangOption, app
from grader.cli_edge import edge
from grader.i18n import Messages
from grader.kit.command import course_build

course_app = typer.Typer(no_args_is_help=True, help="Your own course: create a course pack, check it, build its kits.")
app.add_typer(course_app, name="course")
FolderArgument = Annotated[Path, typer.Argument(help="The course folder (the one holding course.toml).")]


@course_app.command("new")
@edge
def course_new(
    folder: Annotated[Path, typer.Argument(help="The folder to create (absent or empty).")],
    source: Annotated[str, typer.Option("--from", help="template (one exercise, every field explained) or builtin "
                                                      "(a copy of the built-in course).")] = "template",
    lang: LangOption = None,
) -> None:
    """Write a working course pack: course.toml, exercises.toml, reference/, mistake models, stubs."""
    from grader.course.new import new_course

    written = new_course(folder, source)
    typer.echo(Messages(lang).t("course.new-written", path=written))


@course_app.command("check")
@edge
def course_check(folder: FolderArgument, lang: LangOption = None, isolation: IsolationOption = "auto") -> None:
    """Check a course as rustlings checks its exercises: one line per problem, exit 1 on any."""
    from grader.course.check import check_course

    report = check_course(folder, isolation)
    messages = Messages(lang)
    for problem in report.problems:
        typer.echo(messages.t(problem.key, **problem.params))
    if report.problems:
        typer.echo(messages.t("course.check-failed", count=len(report.problems)), err=True)
        raise typer.Exit(1)
    typer.echo(messages.t("course.check-clean", course=report.course.id, exercises=report.exercises,
                          models=report.models))


course_app.command("build")(course_build)
