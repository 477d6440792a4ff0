"""The edge every command shares: the language a user asked for, and the errors a user can fix turned into
one line on stderr and exit code 2 (a missing path, a corrupt notebook, an unknown exercise or assignment).

A student's broken code is never such an error: it is graded.
"""
from __future__ import annotations

import copy
import functools
import os
import sys
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

import typer

from grader.errors import CatalogError, GradeError
from grader.i18n import LANGUAGES, Messages, SystemReason, detect_language

Command = TypeVar("Command", bound=Callable)

LANGUAGE_ALIASES = {"kr": "ko", "kor": "ko", "korean": "ko", "한국어": "ko", "eng": "en", "english": "en"}
"""What people type for a language besides its code: the country code, the name, a locale."""


def language(lang: str | None) -> str:
    """The language code of what a user typed (ko_KR.UTF-8, Korean, KO, en-US ...); None is the locale's."""
    if lang is None:
        return detect_language()
    code = lang.strip().lower().replace("-", "_").split(".")[0]
    code = LANGUAGE_ALIASES.get(code, code.split("_")[0] if "_" in code else code)
    if code not in LANGUAGES:
        raise GradeError("error.unknown-language", lang=lang)
    return code


def _fail(messages: Messages, key: str, **params) -> typer.Exit:
    typer.echo(messages.t(key, **params), err=True)
    return typer.Exit(2)


@contextmanager
def user_errors(lang: str | None) -> Iterator[None]:
    """Turn the errors a user can fix into one line on stderr and exit 2."""
    from grader.runner import WorkerFailed

    try:
        messages = Messages(language(lang))
    except GradeError:
        messages = Messages(detect_language())
    try:
        yield
    except GradeError as error:
        raise _fail(messages, error.key, **error.params) from None
    except CatalogError as error:
        raise _fail(messages, "error.catalog", reason=str(error)) from None
    except WorkerFailed as error:
        raise _fail(messages, "error.worker-failed", reason=str(error)) from None
    except OSError as error:  # an output folder that is a file, a folder we may not write, a full disk
        raise _fail(messages, "error.file-system", path=error.filename or "",
                    reason=SystemReason.of(error)) from None


def edge(command: Command) -> Command:
    """A command run inside `user_errors`, its `lang` argument given as a resolved code ("ko" or "en")."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with user_errors(kwargs.get("lang")):
            if "lang" in kwargs:
                kwargs["lang"] = language(kwargs["lang"])
            return command(*args, **kwargs)

    return run  # type: ignore[return-value]


def show(views: list) -> None:
    """Print lines of text (str) and rich views (tables, panels, code), in order."""
    from grader.render.terminal import print_view

    for view in views:
        typer.echo(view) if isinstance(view, str) else print_view(view)


def print_version(asked: bool) -> None:
    """`grade --version`."""
    if asked:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"grade {version('grade')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("grade (not installed)")
        raise typer.Exit()


def run(app) -> None:
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


def only_the_command(full: typer.Typer, first: list[str]) -> typer.Typer:
    """`full` with only the command (or group) named first on the command line, when one is.

    Typer builds every command's options on each run (about 25 ms for all of them); a run uses one. Help,
    usage errors and the command's behaviour are the same; anything else (`--version`, a misspelt
    command, no command at all) gets the whole application.
    """
    from typer.main import get_command_name

    name = first[0] if first else ""
    commands = [c for c in full.registered_commands if (c.name or get_command_name(c.callback.__name__)) == name]
    groups = [g for g in full.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return full
    lean = copy.copy(full)  # the same callback (warm_start) and settings; `full` itself is left whole
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean
