"""`grade watch`: re-grade on every save and redraw one screen, as rustlings does.

Two sources of events feed one queue: file changes (watchfiles) and keys (`h` hint, `l` list,
`n` next, `q` quit) read from the terminal in cbreak mode, restored on every exit, Ctrl-C included.
Without a terminal on stdin (a pipe, CI) only file changes and Ctrl-C count.
"""
from __future__ import annotations

import datetime as dt
import os
import queue
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console, Group
from rich.text import Text

from grader.errors import GradeError
from grader.grading import Grader
from grader.i18n import Messages
from grader.practice import PracticeLog
from grader.render.terminal import exercise_details, hint_view, passed_bar, status_list
from grader.results import Status, SubmissionResult
from grader.submission import open_submission

WATCHED_SUFFIXES = (".py", ".ipynb")


class WatchSession:
    def __init__(self, grader: Grader, path: Path, messages: Messages, log: PracticeLog, console: Console):
        self.grader, self.path, self.messages, self.log, self.console = grader, Path(path), messages, log, console
        self.result: SubmissionResult | None = None
        self.current: str | None = None
        self.problem: str | None = None
        self.show_list = False
        self.graded_at = ""

    def grade(self) -> None:
        try:
            with open_submission(self.path) as submission:
                self.result = self.grader.grade(submission, lang=self.messages.lang)
        except GradeError as error:
            self.problem = self.messages.t(error.key, **error.params)
            return
        self.problem = None
        self.log.record(self.result)
        self.graded_at = dt.datetime.now().strftime("%H:%M:%S")
        current = self._exercise(self.current)
        if current is None or current.status == Status.PASSED:
            self.current = self._next_unfinished(self.current)

    def press(self, key: str) -> bool:
        """Act on a key; False when it is time to quit."""
        if key in ("q", "\x03", "\x04"):
            return False
        if key == "h" and self.current:
            self.log.reveal_hint(self.grader.catalog.exercise(self.current))
        elif key == "l":
            self.show_list = not self.show_list
        elif key == "n" and self.result:
            self.current = self._next_unfinished(self.current, after=True)
        return True

    def screen(self) -> Group:
        t = self.messages.t
        parts: list = []
        if self.result is not None:
            parts.append(passed_bar(self.result, self.messages))
        if self.problem:
            parts.append(Text(t("practice.watch-problem", message=self.problem), style="red"))
        elif self.result is not None and self.show_list:
            parts.append(status_list(self.result, self.messages, self.current))
        elif self.result is not None:
            exercise = self._exercise(self.current)
            if exercise is None:
                parts.append(Text(t("check.all-passed"), style="green"))
            else:
                parts.append(exercise_details(exercise, self.messages))
                level = self.log.hint_level(exercise.id)
                if level:
                    parts.append(hint_view(self.grader.catalog.exercise(exercise.id), level, self.messages))
        parts.append(Text(t("practice.watch-keys", path=self.path) + (
            f" · {t('practice.watch-graded', time=self.graded_at)}" if self.graded_at else ""), style="dim"))
        return Group(*parts)

    def draw(self) -> None:
        self.console.clear()
        self.console.print(self.screen())

    def _exercise(self, exercise_id: str | None):
        if self.result is None or exercise_id is None:
            return None
        return next((e for e in self.result.exercises if e.id == exercise_id), None)

    def _next_unfinished(self, exercise_id: str | None, after: bool = False) -> str | None:
        """The first exercise not passing in teaching order, from `exercise_id` on (after it, with `after`)."""
        if self.result is None:
            return None
        ids = [e.id for e in self.result.exercises]
        start = ids.index(exercise_id) + (1 if after else 0) if exercise_id in ids else 0
        order = ids[start:] + ids[:start]
        return next((i for i in order if self._exercise(i).status != Status.PASSED), None)


def watch(grader: Grader, path: Path, messages: Messages, log: PracticeLog, console: Console | None = None) -> None:
    """Run until `q` or Ctrl-C."""
    import watchfiles

    console = console or Console()
    session = WatchSession(grader, path, messages, log, console)
    events: queue.Queue = queue.Queue()
    stop = threading.Event()

    def changes() -> None:
        target = Path(path)
        for _ in watchfiles.watch(target, stop_event=stop, debounce=200, raise_interrupt=False,
                                  watch_filter=lambda _, name: name.endswith(WATCHED_SUFFIXES)):
            events.put(("changed", None))

    threading.Thread(target=changes, daemon=True).start()
    session.grade()
    session.draw()
    try:
        with _keys(events):
            while True:
                kind, value = events.get()
                if kind == "changed":
                    session.grade()
                elif not session.press(value):
                    break
                session.draw()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()


@contextmanager
def _keys(events: queue.Queue):
    """Feed single key presses into `events` while the terminal is in cbreak mode."""
    if not sys.stdin.isatty():
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read() -> None:
        while True:
            try:
                key = os.read(fd, 1).decode(errors="ignore")
            except OSError:
                return
            if not key:
                return
            events.put(("key", key))

    threading.Thread(target=read, daemon=True).start()
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
