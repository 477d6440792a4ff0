"""Running a submission's calls in a worker, within time limits, surviving hangs and crashes.

A worker runs the calls in order and reports each. When a call hangs or the worker dies, the
supervisor kills the worker's whole process group, records what happened, abandons the rest of that
call's group (the exercise) and starts a fresh worker at the next group. A file whose top-level code
hangs or kills the worker is skipped in the next worker. So one bad function costs its exercise only.
"""
from __future__ import annotations

import base64
import json
import os
import select
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from grader.runner import codec
from grader.runner.job import (Call, CallOutcome, ErrorInfo, Frame, Limits, Output, RunReport, SourceUnit,
                               UnitOutcome, WorkerFailed)
from grader.runner.launch import Placement, ProcessLauncher, Worker

MAX_LINE_BYTES = 256 * 1024 * 1024


class WorkerStopped(Exception):
    """The worker hung past its deadline (`timed_out`) or ended without saying it was done."""

    def __init__(self, timed_out: bool, detail: str = ""):
        super().__init__(detail)
        self.timed_out = timed_out
        self.detail = detail


class EventReader:
    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()

    def next(self, deadline: float) -> dict:
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[: newline + 1]
                try:
                    return json.loads(line)
                except ValueError:
                    raise WorkerStopped(False, "garbled report") from None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerStopped(True)
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise WorkerStopped(False)
            self.buffer += chunk
            if len(self.buffer) > MAX_LINE_BYTES:
                raise WorkerStopped(False, "report too large")


def run_submission(root: Path, units: list[SourceUnit], calls: list[Call], limits: Limits = Limits(),
                   launcher=None) -> RunReport:
    """Load `units` from `root` in a worker and make `calls`; every outcome is recorded, none raises."""
    launcher = launcher or ProcessLauncher()
    started = time.monotonic()
    deadline = started + limits.submission_seconds
    outcomes: list[CallOutcome | None] = [None] * len(calls)
    unit_outcomes: dict[str, UnitOutcome] = {}
    with tempfile.TemporaryDirectory(prefix="grade-run-") as tmp:
        tmp = Path(tmp)
        placement = launcher.placement(tmp)
        if not placement.inline_sources:
            _stage(root, units, tmp / "submission")
            (tmp / "work").mkdir()
        output_path = tmp / "output.log"
        plan = _plan(placement, root, units, calls, limits)
        start = 0
        with open(output_path, "wb") as output:
            while True:
                # A file that hung or killed a worker is not loaded again; every other file is.
                poisoned = [name for name, unit in unit_outcomes.items() if unit.poisoned]
                plan.update(start=start, skip_units=poisoned)
                (tmp / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
                worker = launcher.start(tmp, output)
                try:
                    next_start = _supervise(worker, calls, start, limits, deadline, outcomes, unit_outcomes)
                finally:
                    worker.stop()
                if next_start is None:
                    break
                start = next_start
        for index, outcome in enumerate(outcomes):
            if outcome is None:  # never reached: the submission ran out of time
                outcomes[index] = CallOutcome("timeout", reason="submission-time-limit")
        return RunReport(
            isolation=launcher.isolation,
            units=unit_outcomes,
            calls=outcomes,
            output=_read_output(output_path, limits.output_bytes),
            seconds=time.monotonic() - started,
        )


def _stage(root: Path, units: list[SourceUnit], target: Path) -> Path:
    """Copy the submission's files to a private folder: the student's code never writes to the original."""
    target.mkdir()
    for unit in units:
        if unit.kind == "file":
            shutil.copyfile(root / unit.path, target / unit.path)
    return target


def _plan(placement: Placement, root: Path, units: list[SourceUnit], calls: list[Call], limits: Limits) -> dict:
    def unit_plan(unit: SourceUnit) -> dict:
        plan = {"name": unit.name, "kind": unit.kind, "path": unit.path, "cells": [asdict(c) for c in unit.cells]}
        if placement.inline_sources and unit.kind == "file":
            plan["source_base64"] = base64.b64encode((root / unit.path).read_bytes()).decode("ascii")
        return plan

    return {
        "root": placement.root,
        "workdir": placement.workdir,
        "tmpdir": placement.tmpdir,
        "units": [unit_plan(u) for u in units],
        "calls": [{"function": c.function, "module": c.module, "args": [codec.encode(a) for a in c.args],
                   "stand_ins": list(c.stand_ins)} for c in calls],
        "capture_chars": limits.capture_chars,
        "limits": {
            "memory_bytes": limits.memory_bytes,
            "cpu_seconds": int(limits.submission_seconds) + 5,
            "file_bytes": limits.file_bytes,
            "processes": limits.processes,
        },
    }


def _supervise(worker: Worker, calls, start, limits, deadline, outcomes, unit_outcomes) -> int | None:
    """Follow one worker's reports; return where the next worker should start, or None when all is done."""
    reader = EventReader(worker.protocol_fd)
    loading: str | None = None
    current: int | None = None
    try:
        event = reader.next(min(deadline, time.monotonic() + limits.startup_seconds))
        if event.get("event") != "ready":
            raise WorkerStopped(False, "unexpected report")
    except WorkerStopped as stopped:
        raise WorkerFailed(f"the grading worker did not start ({worker.exit_detail() or 'no exit code'})"
                           f" {stopped.detail}".rstrip()) from None
    step_deadline = min(deadline, time.monotonic() + limits.load_seconds)
    try:
        while True:
            event = reader.next(step_deadline)
            kind = event.get("event")
            if kind == "loading":
                loading = str(event.get("unit"))
                step_deadline = min(deadline, time.monotonic() + limits.load_seconds)
            elif kind == "unit":
                unit_outcomes[str(event["unit"])] = UnitOutcome(
                    str(event["unit"]), [_error(e) for e in event.get("errors", [])], _output(event.get("output")))
                loading = None
            elif kind == "functions":
                step_deadline = min(deadline, time.monotonic() + limits.call_seconds)
            elif kind == "call":
                current = int(event["index"])
                step_deadline = min(deadline, time.monotonic() + limits.call_seconds)
            elif kind == "result":
                index = int(event["index"])
                outcomes[index] = _call_outcome(event)
                current = None
                step_deadline = min(deadline, time.monotonic() + limits.call_seconds)
            elif kind == "done":
                return None
            else:
                raise WorkerStopped(False, "unexpected report")
    except WorkerStopped as stopped:
        if time.monotonic() >= deadline:
            return None  # out of time: whatever has no outcome yet becomes a timeout
        reason = "timeout" if stopped.timed_out else "crashed"
        detail = worker.exit_detail() if not stopped.timed_out else ""
        if loading is not None:
            message = "load-timeout" if stopped.timed_out else "load-crashed"
            unit_outcomes[loading] = UnitOutcome(loading, [ErrorInfo(message, detail)])
            return start if current is None else current
        if current is None:  # between reports, with no student code running: nothing to blame
            return None
        outcomes[current] = CallOutcome(reason, reason=detail or reason)
        group = calls[current].group
        index = current + 1
        while index < len(calls) and calls[index].group == group:
            outcomes[index] = CallOutcome("skipped", reason=f"after-{reason}")
            index += 1
        return index if index < len(calls) else None


def _call_outcome(event: dict) -> CallOutcome:
    status = event.get("status")
    if status == "missing":
        return CallOutcome("missing")
    common = dict(
        warnings=[str(w) for w in event.get("warnings", [])][:5],
        output=_output(event.get("output")),
        seconds=float(event.get("seconds", 0.0)),
        args_after=[_decode(a) if a is not None else None for a in event.get("args_after", [])],
    )
    if status == "returned":
        return CallOutcome("returned", value=_decode(event.get("value")), **common)
    if status == "raised":
        return CallOutcome("raised", error=_error(event.get("error")), **common)
    return CallOutcome("crashed", reason="garbled report")


def _decode(data):
    try:
        return codec.decode(data)
    except (ValueError, KeyError, TypeError):
        return codec.Unsupported("a value the grader could not read")


def _error(data) -> ErrorInfo:
    data = data if isinstance(data, dict) else {}
    frames = [Frame(str(f.get("file", "")), int(f.get("line", 0)), str(f.get("function", "")), str(f.get("code", "")))
              for f in data.get("frames", []) if isinstance(f, dict)]
    return ErrorInfo(str(data.get("type", "Error")), str(data.get("message", "")), frames)


def _output(data) -> Output:
    data = data if isinstance(data, dict) else {}
    return Output(str(data.get("text", "")), int(data.get("dropped", 0)))


def _read_output(path: Path, keep: int) -> Output:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        text = handle.read(keep).decode("utf-8", errors="replace")
    return Output(text, max(0, size - keep))
