"""`grade course`: creating, checking and building a course pack."""
from __future__ import annotations

import typer

from grader.cli import app
from grader.kit.command import course_build

course_app = typer.Typer(no_args_is_help=True, help="Course packs: create, check and build a course of your own.")
app.add_typer(course_app, name="course")
course_app.command("build")(course_build)
