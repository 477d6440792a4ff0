"""The batch progress bar (here, apart from the terminal views: an unchanged class loads no NumPy), and its estimate of the time left, which keeps moving while a submission hangs.

rich's TimeRemainingColumn divides by the recent speed, which only changes when a student finishes:
while one submission hangs the estimate stands still, as if the batch had frozen. This one is
recomputed from the elapsed time at every refresh (elapsed per student done, times students left),
so a hang shows as an estimate that grows, second by second.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

from grader.i18n import Messages
from grader.render.safe import terminal_text


def seconds_left(done: float, total: float | None, elapsed: float | None) -> float | None:
    """Elapsed time per student done, times the students left; None before the first one."""
    if not done or not total or elapsed is None:
        return None
    return max(0.0, elapsed / done * (total - done))


def moving_time_remaining():
    """A rich column showing `seconds_left` (rich is imported only when a bar is drawn)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class MovingTimeRemaining(ProgressColumn):
        max_refresh = None  # every refresh: the point is that it moves

        def render(self, task) -> Text:
            left = seconds_left(task.completed, task.total, task.elapsed)
            if left is None:
                return Text("-:--:--", style="progress.remaining")
            minutes, seconds = divmod(int(left + 0.5), 60)
            hours, minutes = divmod(minutes, 60)
            return Text(f"{hours}:{minutes:02d}:{seconds:02d}", style="progress.remaining")

    return MovingTimeRemaining()


def _plain_stderr() -> bool:
    """Whether rich would see no terminal on stderr (its FORCE_COLOR and TTY_COMPATIBLE say otherwise)."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return False
    try:
        return not sys.stderr.isatty()
    except (AttributeError, ValueError):
        return True


@contextmanager
def batch_progress(total: int, messages: Messages, console=None):
    """A callback to call once per student: a live bar (count, rate, ETA) in a terminal, plain lines elsewhere.

    Plain lines need no rich: a class graded into a log (or an unchanged one) does not import it.
    """
    done = 0

    def line(student: str, result, problem: str | None) -> str:
        student, problem = terminal_text(student), problem if problem is None else terminal_text(problem)
        if problem is not None:
            return messages.t("batch.line-unreadable", done=done, total=total, student=student, reason=problem)
        if result is None:
            return messages.t("batch.line-unchanged", done=done, total=total, student=student)
        return messages.t("batch.line", done=done, total=total, student=student, score=_score(result.score),
                          max_score=_score(result.max_score))

    if console is None and _plain_stderr():
        def print_line(text: str) -> None:
            print(text, file=sys.stderr, flush=True)
    else:
        from rich.console import Console

        console = console or Console(stderr=True)

        def print_line(text: str) -> None:
            console.print(text, markup=False, highlight=False, soft_wrap=True, emoji=False)
    if console is None or not console.is_terminal:
        def plain(student: str, result, problem: str | None) -> None:
            nonlocal done
            done += 1
            if result is None and problem is None:  # kept as graded: the summary counts them, a log needs no line each
                return
            print_line(line(student, result, problem))

        yield plain
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn(messages.t("batch.eta")),
               moving_time_remaining())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(messages.t("batch.progress"), total=total, rate="")
        started = time.monotonic()

        def live(student: str, result, problem: str | None) -> None:
            nonlocal done
            done += 1
            if problem is not None:
                progress.console.print(line(student, problem=problem, result=None), markup=False, highlight=False)
            rate = done / max(time.monotonic() - started, 1e-6)
            progress.update(task, advance=1, rate=f"{rate:.1f}/s")

        yield live


def _score(value: float) -> str:
    return f"{value:g}"
