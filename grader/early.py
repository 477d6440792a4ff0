"""The first lines `grade` runs: a grading command's fork server starts before the CLI is even imported.

The fork server loads NumPy on the other core while this process imports Typer, the grader and NumPy.
Started from the CLI's callback instead, it began about 100 ms later and the grader waited for it.
"""
from __future__ import annotations

import sys
from concurrent.futures import Future

GRADING_COMMANDS = ("submit", "check", "watch", "solution")  # not batch: an unchanged class needs no fork server
_early: Future | None = None


def start(argv: list[str]) -> None:
    """Start the fork server on a guess of `auto` when `argv` names a grading command first (and does not
    only ask for its help)."""
    global _early
    if _early is None and argv[:1] and argv[0] in GRADING_COMMANDS and "--help" not in argv:
        from grader.runner.launch import start_launcher

        _early = start_launcher("auto")


def take() -> Future | None:
    """The launcher started early, handed out once (None when none was started)."""
    global _early
    warm, _early = _early, None
    return warm


def main() -> None:
    """The `grade` command: the early start, then the CLI (grader.cli.main)."""
    start(sys.argv[1:])
    from grader.cli import main as cli

    cli()
