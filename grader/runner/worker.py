"""Runs a student's submission in a child process and reports what each function returned.

Started by the grader as `python -I worker.py PLAN.json PROTOCOL_FD`. It loads the student's files,
calls the planned functions on the inputs given, and writes one JSON line per event to PROTOCOL_FD.
It only observes — what came back, what the arguments looked like afterwards, what was printed or
raised — and never judges: every comparison happens in the grader's own process.

This file must need nothing but the standard library, NumPy and the runner's files beside it (codec.py,
loader.py, signatures.py): it also runs inside a sandbox where the grader package is not installed.
"""
import importlib.util
import io
import json
import os
import resource
import sys
import time
import traceback
import warnings

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))


def _beside(module_name, file_name):
    spec = importlib.util.spec_from_file_location(module_name, os.path.join(_HERE, file_name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


codec = _beside("_grade_codec", "codec.py")
loader = _beside("_grade_loader", "loader.py")
signatures = _beside("_grade_signatures", "signatures.py")
standin = _beside("_grade_standin", "standin.py")

MAX_MESSAGE_CHARS = 2000
MAX_FRAMES = codec.MAX_FRAMES
MAX_LINE_BYTES = codec.MAX_LINE_BYTES


class BoundedText(io.TextIOBase):
    """A stand-in for stdout/stderr that keeps the first `limit` characters and counts the rest."""

    def __init__(self, limit):
        self.limit = limit
        self.parts = []
        self.kept = 0
        self.dropped = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def summary(self):
        return {"text": "".join(self.parts), "dropped": self.dropped}


class Protocol:
    def __init__(self, fd):
        self.stream = open(fd, "wb", closefd=False)

    def send(self, event, **fields):
        fields["event"] = event
        line = json.dumps(fields).encode("utf-8") + b"\n"
        if len(line) > MAX_LINE_BYTES and "args_after" in fields:  # a result with huge arrays
            fields["args_after"] = [None] * len(fields["args_after"])
            if "value" in fields:
                fields["value"] = {"t": "unsupported", "d": "a value too large to report"}
            line = json.dumps(fields).encode("utf-8") + b"\n"
        self.stream.write(line)
        self.stream.flush()


def _safe_str(value):
    try:
        return str(value)[:MAX_MESSAGE_CHARS]
    except BaseException:  # a hostile __str__ must not take the worker down
        return "<unprintable>"


def describe_error(error, root):
    """The exception's type, message and the student's own frames (the worker's are left out)."""
    kind = type(error)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    frames = []
    for frame in traceback.extract_tb(error.__traceback__):
        shown = loader.shown_file(frame.filename, root)
        if shown is not None:
            frames.append({
                "file": shown,
                "line": frame.lineno or 0,
                "function": frame.name,
                "code": (frame.line or "").strip()[:300],
            })
    if isinstance(error, SyntaxError) and error.filename:  # the offending line is not a frame
        where = error.filename
        frames.append({
            "file": loader.shown_file(where, root) or where,
            "line": error.lineno or 0,
            "function": "",
            "code": (error.text or "").strip()[:300],
        })
    return {"type": name, "message": _safe_str(error), "frames": frames[-MAX_FRAMES:]}


def load_units(plan, protocol, capture_chars):
    """Load every unit not skipped, statement by statement; returns {unit name: module} for those that loaded."""
    units = loader.Loader(plan, protocol.send, describe_error, plan.get("statement_seconds", 10.0))
    sys.meta_path.insert(0, units)  # `from activations import relu` finds the student's file, loaded alike
    loaded = {}

    def load_all():
        for unit in plan["units"]:
            if unit["name"] in plan["skip_units"]:
                continue
            protocol.send("loading", unit=unit["name"])
            output = BoundedText(capture_chars)
            sys.stdout = sys.stderr = output
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    module = units.load(unit["name"])
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            if module is not None:
                loaded[unit["name"]] = module
            report = units.reports.get(unit["name"]) or {"errors": [], "skipped": []}
            functions = signatures.defined_functions(module) if module is not None else []
            protocol.send("unit", unit=unit["name"], output=output.summary(), functions=functions, **report)

    loader.run_with_exit_guard(load_all)
    return loaded


def _before(arg):
    return (arg.dtype, arg.shape, arg.tobytes()) if type(arg) is np.ndarray else None


def _after(arg, before):
    """An array argument as the function left it: `same` when untouched (the usual case, and far cheaper
    to send than the array), else its encoding; None for anything else. The grader compares it anyway."""
    if not isinstance(arg, np.ndarray):
        return None
    if (before is not None and type(arg) is np.ndarray and (arg.dtype, arg.shape) == before[:2]
            and arg.tobytes() == before[2]):
        return codec.SAME
    return codec.encode(arg)


def run_call(call, module, root, capture_chars, name=None):
    args = [codec.decode(arg) for arg in call["args"]]
    before = [_before(arg) for arg in args]
    output = BoundedText(capture_chars)
    result = {}
    sys.stdout = sys.stderr = output
    started = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = vars(module)[name or call["function"]](*args)
                result.update(status="returned", value=codec.encode(value))
            except BaseException as error:
                result.update(status="raised", error=describe_error(error, root))
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    result["seconds"] = time.perf_counter() - started
    messages = []
    for warning in caught:
        text = f"{warning.category.__name__}: {_safe_str(warning.message)}"
        if text not in messages:
            messages.append(text)
    result["warnings"] = messages[:5]
    # The arguments as the function left them: the grader compares them with what it sent.
    result["args_after"] = [_after(arg, was) for arg, was in zip(args, before)]
    result["output"] = output.summary()
    return result


def limit_resources(limits):
    """Lower this process's limits before any student code runs; the grader picked the numbers."""
    for name, value in (("RLIMIT_AS", limits["memory_bytes"]), ("RLIMIT_CPU", limits["cpu_seconds"]),
                        ("RLIMIT_FSIZE", limits["file_bytes"]), ("RLIMIT_NPROC", limits["processes"]),
                        ("RLIMIT_CORE", 0)):
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError):  # a limit already lower than asked stays as it is
            pass


def main():
    plan_path, fd = sys.argv[1], int(sys.argv[2])
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    serve(plan, fd)


def serve(plan, fd):
    """Run a plan and report on `fd`; never returns. The fork server calls this in each forked child."""
    protocol = Protocol(fd)
    root = plan["root"]
    # The worker's own folder must not be importable by the student; their folder comes first.
    sys.path[:] = [root] + [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
    capture_chars = plan["capture_chars"]
    limit_resources(plan["limits"])
    protocol.send("ready")
    loaded = load_units(plan, protocol, capture_chars)
    where, names, ambiguous = signatures.resolve(plan["calls"], plan["units"], loaded)
    protocol.send("functions", where=where, names=names, ambiguous=ambiguous)
    for index in range(plan["start"], len(plan["calls"])):
        call = plan["calls"][index]
        unit = where.get(call["function"])
        if unit is None:
            protocol.send("result", index=index, status="missing")
            continue
        with standin.installed(loaded.values(), call.get("stand_ins"), codec.decode):  # a cascade check
            result = run_call(call, loaded[unit], root, capture_chars, names.get(call["function"]))
        protocol.send("result", index=index, **result)
    protocol.send("done")
    # Skip interpreter shutdown: atexit handlers and __del__ methods are the student's code too.
    os._exit(0)


if __name__ == "__main__":
    main()
