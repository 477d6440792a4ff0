"""Reading a worker's reports: untrusted lines, checked against a schema before anything uses them.

The worker runs student code in its own process, so anything on its protocol pipe may be forged:
student code can find the pipe (an open file descriptor, or the worker's objects through `gc`) and
write any bytes. Hiding the pipe in another process would not change that: whatever relays the
student process's results must still read them from that process. So the grader reads every line
as hostile: a line longer than MAX_LINE_BYTES, bytes that are not JSON, nesting deeper than the
schema allows, a missing field, a wrong type, an index out of range or out of order all raise
Interference, which costs the submission the call it was making, never the grader anything.
A forged line that passes can only claim what the student's own function could have returned.
"""
from __future__ import annotations

import json
import os
import select
import time

from grader.runner import codec

from grader.runner.codec import MAX_FRAMES, MAX_LINE_BYTES  # noqa: F401 - defined once, for both sides

READ_BYTES = 1 << 20
MAX_TEXT = 1 << 20
MAX_ITEMS = 256
MAX_DEPTH = 12
STATUSES = ("returned", "raised", "missing")


class WorkerStopped(Exception):
    """The worker hung past its deadline (`timed_out`) or ended without saying it was done."""

    def __init__(self, timed_out: bool, detail: str = ""):
        super().__init__(detail)
        self.timed_out = timed_out
        self.detail = detail


class Interference(WorkerStopped):
    """A report that the worker itself never writes: the submission wrote on the grader's channel."""

    def __init__(self, detail: str):
        super().__init__(False, detail)


class EventReader:
    """Reads one JSON object per line, holding at most MAX_LINE_BYTES + one read in memory."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()
        self._scanned = 0  # bytes of the buffer known to hold no newline

    def next(self, deadline: float) -> dict:
        while True:
            newline = self.buffer.find(b"\n", self._scanned)
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[: newline + 1]
                self._scanned = 0
                return parse(line)
            self._scanned = len(self.buffer)
            if len(self.buffer) > MAX_LINE_BYTES:
                raise Interference("a report line longer than the grader reads")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerStopped(True)
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.fd, READ_BYTES)
            if not chunk:
                raise WorkerStopped(False)
            self.buffer += chunk


def parse(line: bytes) -> dict:
    if len(line) > MAX_LINE_BYTES:
        raise Interference("a report line longer than the grader reads")
    try:
        event = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, a number too long to read, or nested too deep
        raise Interference("a report that is not JSON") from None
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        raise Interference("a report that is not an event")
    # Fewer brackets than the cap, strings included, cannot nest deeper than it: most reports skip the walk.
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH and _depth(event) > MAX_DEPTH:
        raise Interference("a report nested too deep")
    return event


def _depth(event: dict) -> int:
    """How many objects and lists the deepest part of a parsed report nests (a walk without recursion)."""
    deepest, stack = 0, [(event, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        for item in value.values() if type(value) is dict else value:
            if type(item) is dict or type(item) is list:  # json.loads makes no subclasses
                stack.append((item, level + 1))
    return deepest


def field(event: dict, name: str, kind, default=None):
    """event[name], which must be of `kind` (bool is not an int here); `default` when allowed and absent."""
    if name not in event and default is not None:
        return default
    value = event.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Interference(f"a report whose {name!r} is not a {getattr(kind, '__name__', kind)}")
    if isinstance(value, str) and len(value) > MAX_TEXT or isinstance(value, list) and len(value) > MAX_ITEMS:
        raise Interference(f"a report whose {name!r} is too long")
    return value


def texts(event: dict, name: str, count: int, chars: int) -> list[str]:
    """A list of strings: the first `count`, each cut to `chars`."""
    return [text(item, name)[:chars] for item in field(event, name, list, default=[])[:count]]


def text(item, name: str) -> str:
    if not isinstance(item, str):
        raise Interference(f"a report whose {name!r} holds something else than text")
    return item


def index(event: dict, expected: int) -> int:
    """The call index of a `result` report, which must be the one the worker is at."""
    value = field(event, "index", int)
    if value != expected:
        raise Interference(f"a report for call {value} while call {expected} was due")
    return value


def output(data) -> tuple[str, int]:
    data = record(data, "output")
    dropped = field(data, "dropped", int)
    if dropped < 0:
        raise Interference("a negative output count")
    return field(data, "text", str), dropped


def error(data) -> tuple[str, str, list[tuple[str, int, str, str]]]:
    data = record(data, "error")
    frames = []
    for frame in field(data, "frames", list, default=[]):
        frame = record(frame, "frame")
        frames.append((field(frame, "file", str), field(frame, "line", int), field(frame, "function", str),
                       field(frame, "code", str)))
    return field(data, "type", str), field(data, "message", str), frames


def value(data):
    """A value encoded by codec.py; a malformed one is interference (the worker's encoder never makes it)."""
    try:
        return codec.decode(data)
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        raise Interference("a value the grader could not read") from None


def record(data, what: str) -> dict:
    if not isinstance(data, dict):
        raise Interference(f"a report whose {what} is not an object")
    return data
