"""`grade watch`: re-grade on every save and redraw one screen, as rustlings does.

Two sources of events feed one queue: file changes (watchfiles) and keys (`h` hint, `l` list,
`n` next, `j`/`k` page down and up, `q` quit) read from the terminal in cbreak mode, restored on every
exit, Ctrl-C included. Without a terminal on stdin (a pipe, CI) only file changes and Ctrl-C count.
The screen always fits the terminal: the progress bar stays on top, the keys at the bottom, and the
feedback between them is paged when it is longer than the room left.
"""
from __future__ import annotations

import datetime as dt
import os
import queue
import signal
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
        self.offset = 0
        """The first line of the feedback shown, when it is longer than the screen."""

    def grade(self) -> None:
        try:
            with open_submission(self.path) as submission:
                self.result = self.grader.grade(submission, lang=self.messages.lang)
        except GradeError as error:
            self.problem = self.messages.t(error.key, **error.params)
            return
        self.problem = None
        self.offset = 0
        self.log.record(self.result)
        self.graded_at = dt.datetime.now().strftime("%H:%M:%S")
        current = self._exercise(self.current)
        if current is None or current.status == Status.PASSED:
            self.current = self._next_unfinished(self.current)

    def press(self, key: str) -> bool:
        """Act on a key; False when it is time to quit."""
        if key in ("q", "\x03", "\x04"):
            return False
        page = max(1, self._room() - 1)
        if key == "h" and self.show_list:
            self.show_list = False  # back to the exercise: a hint is spent only where it is shown
        elif key == "h" and self.current:
            self.log.reveal_hint(self.grader.catalog.exercise(self.current))
        elif key == "l":
            self.show_list, self.offset = not self.show_list, 0
        elif key == "n" and self.result:
            self.current, self.offset = self._next_unfinished(self.current, after=True), 0
        elif key == "j":
            self.offset += page
        elif key == "k":
            self.offset = max(0, self.offset - page)
        return True

    def head(self) -> list:
        parts: list = []
        if self.result is not None:
            parts.append(passed_bar(self.result, self.messages))
        if self.problem:
            parts.append(Text(self.messages.t("practice.watch-problem", message=self.problem), style="red"))
        return parts

    def body(self) -> list:
        if self.problem or self.result is None:
            return []
        if self.show_list:
            return [status_list(self.result, self.messages, self.current)]
        exercise = self._exercise(self.current)
        if exercise is None:
            return [Text(self.messages.t("check.all-passed"), style="green")]
        parts: list = [exercise_details(exercise, self.messages)]
        level = self.log.hint_level(exercise.id)
        if level:
            parts.append(hint_view(self.grader.catalog.exercise(exercise.id), level, self.messages,
                                   more="workflow.watch-more-hints"))
        return parts

    def foot(self) -> Text:
        t = self.messages.t
        return Text(t("practice.watch-keys", path=self.path) + (
            f" · {t('practice.watch-graded', time=self.graded_at)}" if self.graded_at else ""), style="dim")

    def screen(self) -> Group:
        return Group(*self.head(), *self.body(), self.foot())

    def _lines(self, parts: list) -> list[str]:
        if not parts:
            return []
        with self.console.capture() as captured:
            self.console.print(Group(*parts))
        return captured.get().rstrip("\n").split("\n")

    def _room(self) -> int:
        return max(3, self.console.size.height - len(self._lines(self.head())) - len(self._lines([self.foot()])) - 1)

    def frame(self) -> str:
        """One screen: the bar, as much feedback as fits (from `offset`), where the page is, and the keys."""
        head, body, foot = self._lines(self.head()), self._lines(self.body()), self._lines([self.foot()])
        room = max(3, self.console.size.height - len(head) - len(foot) - 1)
        if len(body) > room:
            room -= 1  # a line says which lines are shown
            self.offset = min(self.offset, len(body) - room)
            shown = body[self.offset: self.offset + room]
            where = self.messages.t("workflow.watch-page", first=self.offset + 1, last=self.offset + len(shown),
                                    total=len(body))
            body = shown + self._lines([Text(where, style="dim")])
        else:
            self.offset = 0
        return "\n".join(head + body + foot)

    def draw(self) -> None:
        self.console.clear()
        self.console.file.write(self.frame() + "\n")
        self.console.file.flush()

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
    try:  # Ctrl-C at any moment, the first grading included, ends the watch cleanly
        with _ctrl_c(events):
            session.grade()
            session.draw()
            with _keys(events):
                while True:
                    try:  # a timed wait: Ctrl-C's signal may reach another thread, which never wakes a blocking one
                        kind, value = events.get(timeout=0.25)
                    except queue.Empty:
                        continue
                    if kind == "interrupt":
                        break
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
def _ctrl_c(events: queue.Queue):
    """Ctrl-C ends the watch: a KeyboardInterrupt, and an `interrupt` event for the loop to read too.

    A KeyboardInterrupt raised while Python runs a callback (an import lock's, a __del__) is printed and dropped,
    and the watch would carry on; the event ends it all the same, and nothing is printed. SIGINT is taken back
    when whatever started `grade` left it ignored or blocked (a program inherits both)."""
    previous, hook = None, sys.unraisablehook
    if threading.current_thread() is threading.main_thread():
        def interrupted(signum, frame):
            events.put(("interrupt", None))
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGINT, interrupted)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def unraisable(problem) -> None:
        if not isinstance(problem.exc_value, KeyboardInterrupt):
            hook(problem)

    sys.unraisablehook = unraisable
    try:
        yield
    finally:
        sys.unraisablehook = hook
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


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
