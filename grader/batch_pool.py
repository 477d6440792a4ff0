"""A class graded by a pool of grader processes, so that judging results and writing reports use every core.

A grader process spends most of a submission's time judging what its worker returned and writing its
reports, under one GIL: threads overlap that with the workers, never with itself. So `run_batch` forks
`processes` grader processes (pool_size) once the engine and every exercise's cases are made, before it
starts a fork server. Each starts a fork server of its own, grades what it is handed `threads` at a time
(Grader.grade_batch), writes each student's reports (grader.batch_student) and sends back a small record.
The batch's own process alone hands out the work, writes the gradebook and moves the progress bar.

A grader process dies with the batch (PR_SET_PDEATHSIG), and its fork server and workers with it. One
that dies, or stops answering, costs only the submissions it held: each becomes that student's row,
graded again at the next run, and the rest of the class goes to the others or to a new one.
"""
from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from grader.batch_pipe import receive as _receive, send as _send
from grader.batch_student import Reported, report_student, scores_only, write_not_graded
from grader.class_folder import Entry
from grader.errors import GradeError
from grader.feedback import exit_text
from grader.i18n import Messages, SystemReason

MIN_WORK = 32
"""Fewer submissions are graded by the batch's own process. A pool costs about 0.4 s of CPU to start (a fork
server and templates per grader process) and pays off for larger classes: with 2 jobs on 2 idle cores, the pool
took 0.99x the time of one process for 8 students, 1.03x for 32, 0.93x for 96 and 0.91x for 192 (and 1.05x to
1.19x up to 192 on a busy machine, where it helped only at 1000: 0.78x)."""
PROCESS_MB = 160  # about what one grader process and its fork server hold: no more than the memory available holds
MAX_PROCESSES = 16


def pool_size(jobs: int, work: int) -> tuple[int, int]:
    """(grader processes, submissions each one grades at once) for `jobs` at once and `work` submissions:
    one process per core at most, as many as the memory available holds, and one for a small class."""
    jobs = max(1, jobs)
    if work < MIN_WORK or jobs == 1:
        return 1, jobs
    processes = max(1, min(jobs, _cpus(), work, _available_mb() // PROCESS_MB, MAX_PROCESSES))
    return processes, -(-jobs // processes)


def patience_seconds(limits) -> float:
    """How long a grader process holding work may stay silent before it is taken for hung (and killed)."""
    return 2 * (limits.startup_seconds + limits.load_seconds + limits.submission_seconds)


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def _available_mb() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            return next(int(line.split()[1]) // 1024 for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, ValueError, IndexError, StopIteration):
        return PROCESS_MB * MAX_PROCESSES


@dataclass(eq=False)
class _Child:
    pid: int
    tasks: int
    results: int
    held: set[int] = field(default_factory=set)  # indexes of the entries handed to it and not yet reported
    heard: float = field(default_factory=time.monotonic)
    ended: bool = False


def grade_in_pool(grader, entries: list[Entry], processes: int, threads: int, out: Path, lang: str,
                  quiz=None) -> Iterator[tuple[Entry, Reported]]:
    """Grade and report `entries` in `processes` grader processes, yielding each student's record as it comes."""
    for exercise in grader.catalog.exercises:  # made once, here, and shared by every grader process
        grader.prepare(exercise)
    messages = Messages(lang)
    waiting = deque(range(len(entries)))
    children: list[_Child] = []
    spare = processes  # grader processes that may start in place of ones that died
    patience = patience_seconds(grader.limits)

    why = ("batch_pool.stopped", "-")  # why the last grader process is gone, for rows no other one can take

    def start() -> None:
        nonlocal why
        try:
            children.append(_fork(grader, threads, out, lang, quiz, children))
        except OSError as error:  # no process or pipe to be had: fewer grader processes, or rows
            why = ("batch_pool.not-started", SystemReason.of(error))

    try:
        for _ in range(processes):
            start()
        while waiting or any(child.held for child in children):
            if not children:
                if not spare:  # every grader process died: the rest cannot be graded now
                    for index in waiting:
                        yield entries[index], _lost(entries[index], why, out, grader.catalog, messages)
                    return
                spare -= 1
                start()
                continue
            for child in children:
                _hand(child, waiting, entries, 3 * threads)
            poll = select.poll()
            for child in children:
                poll.register(child.results, select.POLLIN)
            ready = {fd for fd, _ in poll.poll(1000)}
            for child in [child for child in children if child.results in ready]:
                message = _receive(child.results)
                if message is None:  # it died (or was killed): only what it held is lost
                    children.remove(child)
                    why = ("batch_pool.stopped", _reap(child, kill=True))
                    for index in sorted(child.held):
                        yield entries[index], _lost(entries[index], why, out, grader.catalog, messages)
                elif message[0] == "stop":  # what stops a batch (a full disk): the same in every process
                    raise GradeError(message[1], **message[2])
                else:
                    child.held.discard(message[1])
                    child.heard = time.monotonic()
                    yield entries[message[1]], message[2]
            for child in children:
                if child.held and time.monotonic() - child.heard > patience:
                    os.kill(child.pid, signal.SIGKILL)  # it hangs: its pipe ends, and it is a crash above
    finally:
        for child in children:
            _reap(child, kill=bool(child.held) or not child.ended)


def _hand(child: _Child, waiting: deque, entries: list[Entry], hold: int) -> None:
    """Keep `hold` submissions with a grader process; tell it when there are no more."""
    try:
        while waiting and len(child.held) < hold:
            index = waiting[0]
            if not child.held:
                child.heard = time.monotonic()
            _send(child.tasks, (index, entries[index].path, entries[index].student))
            child.held.add(waiting.popleft())
        if not waiting and not child.ended:
            _send(child.tasks, None)
            child.ended = True
    except OSError:  # it died: its pipe says so at the next select
        child.ended = True


def _lost(entry: Entry, why: tuple[str, str | SystemReason], out: Path, catalog, messages: Messages) -> Reported:
    """The row of a submission no grader process reported: not graded, graded again at the next run."""
    error = lost_reason(messages, why)
    write_not_graded(entry, error, out, catalog, messages)
    return Reported(entry.student, error=error, settings_kept=False)


def lost_reason(messages: Messages, why: tuple[str, str | SystemReason]) -> str:
    """Why a row was lost, in the reader's words: how its grader process ended, or why none started."""
    return messages.t(why[0], how=why[1] if isinstance(why[1], SystemReason) else exit_text(messages, why[1]))


def _reap(child: _Child, kill: bool) -> str:
    """Wait for a grader process to end (killing it first, or after a while); how it ended."""
    for fd in (child.tasks, child.results):  # once: a grader process leaves the list as it is reaped
        os.close(fd)
    deadline = time.monotonic() + 30
    while True:
        if kill or time.monotonic() > deadline:
            try:
                os.kill(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            pid, status = os.waitpid(child.pid, 0 if kill else os.WNOHANG)
        except ChildProcessError:  # reaped already
            return "-"
        if pid:
            break
        time.sleep(0.02)
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _fork(grader, threads: int, out: Path, lang: str, quiz, others: list[_Child]) -> _Child:
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    parent = os.getpid()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered before the fork is written twice
    try:
        pid = os.fork()
    except OSError:
        for fd in (tasks_read, tasks_write, results_read, results_write):
            os.close(fd)
        raise
    if pid == 0:  # the grader process: it never returns into the batch's code
        code = 1
        try:
            for fd in (tasks_write, results_read, *(fd for other in others for fd in (other.tasks, other.results))):
                os.close(fd)
            code = _serve(grader, tasks_read, results_write, threads, out, lang, quiz, parent)
        finally:
            os._exit(code)
    os.close(tasks_read)
    os.close(results_write)
    return _Child(pid, tasks_write, results_read)


def _serve(grader, tasks: int, results: int, threads: int, out: Path, lang: str, quiz, parent: int) -> int:
    """A grader process: grade what the batch hands over, report each student, send back their records."""
    from grader.runner.launch import make_launcher
    from grader.runner.namespaces import PR_SET_PDEATHSIG, prctl

    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the batch died before the line above: nobody is waiting for this one
        return 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the batch, which takes this process with it
    # Fresh streams: a lock of the batch's own may have been held by one of its threads at the fork.
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")
    messages = Messages(lang)
    names: dict[Path, str] = {}
    indexes: dict[Path, int] = {}

    def handed() -> Iterator[Path]:
        while (task := _receive(tasks)) is not None:
            index, path, student = task
            names[path], indexes[path] = student, index
            yield path

    launcher: Future = Future()
    try:
        launcher.set_result(make_launcher(grader.isolation))  # its own fork server, never the batch's
        grader.pending_launcher = launcher
        for item in grader.grade_batch(handed(), jobs=threads, lang=lang, students=names):
            entry = Entry(names.pop(item.path), item.path)
            reported = report_student(entry, item, out, grader.catalog, messages, quiz)
            if reported.result is not None:
                reported.result = scores_only(reported.result)
            _send(results, ("done", indexes.pop(item.path), reported))
    except GradeError as error:
        _send(results, ("stop", error.key, error.params))
    finally:
        if launcher.done():
            launcher.result().server.close()
    return 0
