"""Running a submission's calls in a worker, within time limits, surviving hangs and crashes.

A worker runs the calls in order and reports each. When a call hangs or the worker dies, the
supervisor kills the worker's whole process group, records what happened, abandons the rest of that
call's group (the exercise) and starts a fresh worker at the next group. A file whose top-level code
hangs or kills the worker is skipped in the next worker: the worker reports each top-level statement before
running it, so only that statement is skipped (a statement that killed the worker also ends its file's
loading, as `os._exit` would). So one bad function costs its exercise only, one bad line nothing.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from grader.runner import codec, events, protocol
from grader.runner.job import Call, CallOutcome, ErrorInfo, Limits, Output, RunReport, SourceUnit, UnitOutcome, WorkerFailed
from grader.runner.launch import Placement, ProcessLauncher, Worker
from grader.runner.protocol import EventReader, Interference, WorkerStopped
from grader.runner.rundir import clean_stale_once, memory_file, run_folder

INTERFERED = "interfered"
"""The reason of a call during which the worker's reports were forged or garbled (a message key)."""
STATEMENT_GRACE_SECONDS = 2.0
"""How long after its own time limit a statement may run before the worker is killed and restarted."""
MAX_KEY_CHARS = 40

def run_submission(root: Path, units: list[SourceUnit], calls: list[Call], limits: Limits = Limits(),
                   launcher=None) -> RunReport:
    """Load `units` from `root` in a worker and make `calls`; every outcome is recorded, none raises."""
    launcher = launcher or ProcessLauncher()
    started = time.monotonic()
    deadline = started + limits.submission_seconds
    outcomes: list[CallOutcome | None] = [None] * len(calls)
    unit_outcomes: dict[str, UnitOutcome] = {}
    found: dict = {"aliases": {}, "ambiguous": {}, "faults": {}}
    clean_stale_once()  # a killed grader's run folders go at the next start, whatever the mode
    with run_folder() if launcher.needs_run_folder else contextlib.nullcontext() as tmp:
        placement = launcher.placement(tmp)
        if not placement.inline_sources:
            _stage(root, units, tmp / "submission")
            (tmp / "work").mkdir()
        plan = _plan(placement, root, units, calls, limits)
        start = 0
        output = memory_file("grade-output")  # one for the whole run, restarted workers included
        try:
            while True:
                # A file that hung or killed a worker is not loaded again; every other file is.
                poisoned = [name for name, unit in unit_outcomes.items() if unit.poisoned]
                plan.update(start=start, skip_units=poisoned, skip_statements=found["faults"])
                plan_fd = memory_file("grade-plan", json.dumps(plan).encode("utf-8"))
                worker = launcher.start(tmp, plan_fd, output, limits.memory_bytes, limits.processes)
                try:
                    next_start = _supervise(worker, plan, calls, start, limits, deadline, outcomes, unit_outcomes,
                                            found)
                except WorkerFailed as failed:
                    worker.stop()
                    raise WorkerFailed(f"{failed} {_setup_failure(output)}".rstrip()) from None
                finally:
                    worker.stop()
                if next_start is None:
                    break
                start = next_start
            shown = _read_output(output, limits.output_bytes)
        finally:
            os.close(output)
        for index, outcome in enumerate(outcomes):
            if outcome is None:  # never reached: the submission ran out of time
                outcomes[index] = CallOutcome("timeout", reason="submission-time-limit")
        return RunReport(
            isolation=launcher.isolation,
            limits=launcher.limits_kind,
            units=unit_outcomes,
            calls=outcomes,
            output=shown,
            seconds=time.monotonic() - started,
            aliases=found["aliases"],
            ambiguous=found["ambiguous"],
        )


def _stage(root: Path, units: list[SourceUnit], target: Path) -> Path:
    """Copy the submission's files to a private folder: the student's code never writes to the original."""
    target.mkdir()
    for unit in units:
        if unit.kind == "file":
            (target / unit.path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / unit.path, target / unit.path)
    return target


def _plan(placement: Placement, root: Path, units: list[SourceUnit], calls: list[Call], limits: Limits) -> dict:
    def unit_plan(unit: SourceUnit) -> dict:
        plan = {"name": unit.name, "kind": unit.kind, "path": unit.path, "cells": [asdict(c) for c in unit.cells],
                "source": unit.source}
        if placement.inline_sources and unit.kind == "file":
            plan["source_base64"] = base64.b64encode((root / unit.path).read_bytes()).decode("ascii")
        return plan

    return {
        "root": placement.root,
        "workdir": placement.workdir,
        "tmpdir": placement.tmpdir,
        "units": [unit_plan(u) for u in units],
        "calls": [{"function": c.function, "module": c.module, "args": [codec.encode(a) for a in c.args],
                   "aliases": list(c.aliases), "stand_ins": list(c.stand_ins)} for c in calls],
        "capture_chars": limits.capture_chars,
        "statement_seconds": limits.load_seconds,
        "limits": {
            "memory_bytes": limits.memory_bytes,
            "cpu_seconds": int(limits.submission_seconds) + 5,
            "file_bytes": limits.file_bytes,
            "processes": limits.processes,
        },
    }


def _supervise(worker: Worker, plan: dict, calls, start, limits, deadline, outcomes, unit_outcomes,
               found) -> int | None:
    """Follow one worker's reports; return where the next worker should start, or None when all is done.

    The reports must come in the worker's order: ready, then loading and unit for each file it
    loads (with a statement report before each top-level statement it runs), functions, then a result
    for each call from `start`, then done. The worker starts each call as soon as it has reported
    what came before, so a call's time counts from that report (one report per call, not two: half
    the writes and wake-ups). Anything else is Interference (protocol.py),
    treated as the worker crashing during the call or statement it was running.
    """
    reader = EventReader(worker.protocol_fd)
    loading: str | None = None
    statement: tuple[str, str] | None = None
    current: int | None = None
    try:
        event = reader.next(min(deadline, time.monotonic() + limits.startup_seconds))
        if event["event"] != "ready":
            raise Interference("a report before the worker was ready")
    except WorkerStopped as stopped:
        raise WorkerFailed(f"the grading worker did not start ({worker.exit_detail() or 'no exit code'})"
                           f" {stopped.detail}".rstrip()) from None
    to_load = [u["name"] for u in plan["units"] if u["name"] not in plan["skip_units"]]
    step_deadline = min(deadline, time.monotonic() + limits.load_seconds)
    next_call = start
    try:
        while True:
            event = reader.next(step_deadline)
            kind = event["event"]
            if kind == "loading" and current is None and loading is None and to_load:
                if protocol.field(event, "unit", str) != to_load[0]:
                    raise Interference("a report for a file out of order")
                loading = to_load.pop(0)
                step_deadline = min(deadline, time.monotonic() + limits.load_seconds)
            elif kind == "statement" and (loading is not None or current is not None):
                # The worker's own alarm stops a statement first; this deadline is the backstop.
                statement = (events.unit_name(event, plan), protocol.field(event, "key", str)[:MAX_KEY_CHARS])
                step_deadline = min(deadline, time.monotonic() + limits.load_seconds + STATEMENT_GRACE_SECONDS)
            elif kind == "unit" and loading is not None:
                if protocol.field(event, "unit", str) != loading:
                    raise Interference("a report for another file")
                unit_outcomes[loading] = events.unit_outcome(loading, event)
                loading = statement = None
            elif kind == "functions" and loading is None and current is None and not to_load:
                found.update(events.resolution(event))
                current = next_call if next_call < len(calls) else None  # each call starts when the last ends
                step_deadline = min(deadline, time.monotonic() + limits.call_seconds)
            elif kind == "result" and current is not None:
                outcomes[protocol.index(event, current)] = events.call_outcome(event, calls[current].args)
                next_call, statement = current + 1, None
                current = next_call if next_call < len(calls) else None
                step_deadline = min(deadline, time.monotonic() + limits.call_seconds)
            elif kind == "done" and current is None and loading is None and next_call == len(calls):
                return None
            else:
                raise Interference(f"an unexpected {kind[:40]!r} report")
    except WorkerStopped as stopped:
        if time.monotonic() >= deadline:
            return None  # out of time: whatever has no outcome yet becomes a timeout
        interfered = isinstance(stopped, Interference)
        reason = "timeout" if stopped.timed_out else "crashed"
        detail = INTERFERED if interfered else worker.exit_detail() if not stopped.timed_out else ""
        if statement is not None:  # the next worker skips this statement (and ends its file if it crashed)
            unit, key = statement
            found["faults"].setdefault(unit, {})[key] = {"reason": "timeout" if stopped.timed_out else "crashed",
                                                         "detail": detail}
            return start if current is None else current
        if loading is not None:
            message = "load-timeout" if stopped.timed_out else "load-crashed"
            unit_outcomes[loading] = UnitOutcome(loading, [ErrorInfo(message, detail)])
            return start if current is None else current
        if current is None and interfered:
            current = next_call  # forged between calls: the next call is the one the attack happened in
        if current is None or current >= len(calls):  # between reports, with no student code running
            return None
        outcomes[current] = CallOutcome(reason, reason=detail or reason)
        group = calls[current].group
        index = current + 1
        while index < len(calls) and calls[index].group == group:
            outcomes[index] = CallOutcome("skipped", reason=f"after-{reason}")
            index += 1
        return index if index < len(calls) else None


def _setup_failure(output: int) -> str:
    """The reason the fork server wrote when it could not set a worker up (its last line saying so)."""
    size = os.fstat(output).st_size
    lines = os.pread(output, 4096, max(0, size - 4096)).decode("utf-8", errors="replace").splitlines()
    found = [line for line in lines if line.startswith("grade worker setup failed:")]
    return "".join(c for c in found[-1][:300] if c.isprintable()) if found else ""


def _read_output(output: int, keep: int) -> Output:
    size = os.fstat(output).st_size
    text = os.pread(output, keep, 0).decode("utf-8", errors="replace") if keep > 0 else ""
    return Output(text, max(0, size - keep))
