"""A worker's validated reports turned into typed outcomes (job.py), for the supervisor (supervise.py).

Each field is read through protocol.py's checks: a report that does not fit its schema raises
Interference, never anything the grader would trip over later.
"""
from __future__ import annotations

import math

import numpy as np

from grader.runner import protocol
from grader.runner.codec import SAME
from grader.runner.job import CallOutcome, ErrorInfo, Frame, Output, SkippedStatement, UnitOutcome
from grader.runner.protocol import Interference

SKIP_REASONS = ("error", "timeout", "crashed", "exit")


def unit_name(event: dict, plan: dict) -> str:
    name = protocol.field(event, "unit", str)
    if name not in {unit["name"] for unit in plan["units"]}:
        raise Interference("a report for a file that is not in the submission")
    return name


def resolution(event: dict) -> dict:
    """Which other name each function was found under, and the functions defined under several."""
    names = protocol.field(event, "names", dict, default={})
    ambiguous = protocol.field(event, "ambiguous", dict, default={})
    if len(names) > protocol.MAX_ITEMS or len(ambiguous) > protocol.MAX_ITEMS:
        raise Interference("a report naming too many functions")
    return {"aliases": {protocol.text(k, "names"): protocol.text(v, "names") for k, v in names.items()},
            "ambiguous": {protocol.text(k, "ambiguous"): protocol.texts(ambiguous, k, 10, 200) for k in ambiguous}}


def unit_outcome(name: str, event: dict) -> UnitOutcome:
    skipped = []
    for item in protocol.field(event, "skipped", list, default=[]):
        item = protocol.record(item, "skipped")
        reason = protocol.field(item, "reason", str)
        if reason not in SKIP_REASONS:
            raise Interference("a skipped statement of no known reason")
        error = item.get("error")
        skipped.append(SkippedStatement(
            protocol.field(item, "line", int), protocol.field(item, "code", str)[:300], reason,
            error_info(error) if error is not None else None, protocol.field(item, "detail", str, "")[:300],
            protocol.field(item, "cell", str, "")[:40], protocol.field(item, "cell_first", str, "")[:300]))
    errors = [error_info(e) for e in protocol.field(event, "errors", list)]
    return UnitOutcome(name, errors, output_of(event.get("output")), skipped,
                       protocol.texts(event, "functions", protocol.MAX_ITEMS, 300))


def call_outcome(event: dict, sent: tuple = ()) -> CallOutcome:
    """A result report; `sent` are the call's arguments, which an argument reported `same` is a copy of."""
    status = protocol.field(event, "status", str)
    if status not in protocol.STATUSES:
        raise Interference("a result of no known status")
    if status == "missing":
        return CallOutcome("missing")
    seconds = protocol.field(event, "seconds", (int, float), default=0.0)
    common = dict(
        warnings=protocol.texts(event, "warnings", 5, 500),
        output=output_of(event.get("output")),
        seconds=float(seconds) if 0 <= seconds < math.inf else 0.0,  # JSON reads 1e999 as Infinity
        args_after=[argument_after(a, sent, n) for n, a in enumerate(protocol.field(event, "args_after", list, []))],
    )
    if status == "returned":
        return CallOutcome("returned", value=protocol.value(event.get("value")), **common)
    return CallOutcome("raised", error=error_info(event.get("error")), **common)


def argument_after(data, sent: tuple, position: int):
    """An array argument as the call left it: decoded, or (`same`) the very array that was sent, which the
    grader only reads (observe.py takes it as unchanged without comparing it with itself)."""
    if data is None:
        return None
    if data == SAME:
        if position >= len(sent) or not isinstance(sent[position], np.ndarray):
            raise Interference("an argument reported unchanged that was not an array")
        return sent[position]
    return protocol.value(data)


def error_info(data) -> ErrorInfo:
    kind, message, frames = protocol.error(data)
    return ErrorInfo(kind[:200], message[:4000], [Frame(*frame) for frame in frames[-protocol.MAX_FRAMES:]])


def output_of(data) -> Output:
    return Output(*protocol.output(data))
