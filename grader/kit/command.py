"""`grade course build DIR --out DIST`, registered on the `course` sub-app (grader/cli_course.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grader.cli import LangOption
from grader.cli_edge import edge
from grader.i18n import Messages


@edge
def course_build(
    folder: Annotated[Path, typer.Argument(help="The course pack: the folder holding course.toml.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write student/ and grading/ (neither may exist yet).")],
    lang: LangOption = None,
) -> None:
    """Build a student kit (no solutions, no answers, no hidden cases) and a grading kit (everything)."""
    from grader.course import load_course
    from grader.kit.build import build_kits

    student, grading = build_kits(load_course(folder), out)
    typer.echo(Messages(lang).t("course.kit.built", student=student, grading=grading))
