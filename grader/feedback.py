"""The sentences a student reads about one case, in their language, built from what the grader found.

`grader.compare` finds differences as data; this module and the locale files word them. No sentence
or fragment of one is written anywhere else, so a Korean report holds no English words.
"""
from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from grader.i18n import Messages
from grader.kinds import Bound, FindingKind, ValueKind
from grader.render.safe import plain
from grader.results import Finding, Status, ValueType, WorstElement
from grader.runner.codec import Unsupported
from grader.runner.job import ErrorInfo, Output

# What the worker says of a value it cannot send (grader.runner.codec), read back as data to be worded.
UNSUPPORTED = (
    (re.compile(r"a value of type (?P<name>[\w.]+)"), "object"),
    (re.compile(r"an array of dtype (?P<name>\S+)"), "dtype"),
    (re.compile(r"an? (?P<name>list|tuple) of (?P<count>\d+) items"), "long"),
    (re.compile(r"an array of (?P<count>\d+) bytes"), "huge"),
    (re.compile(r"a deeply nested value"), "nested"),
)
SYNTAX_LOCATION = re.compile(r"\s*\((?:[^()]*), line \d+\)$")
CELL_FILE = re.compile(r"(?:.* )?<cell (?P<label>[^>]*)>")
EXIT = ((re.compile(r"exit code (?P<code>-?\d+)"), "exit.code"), (re.compile(r"signal (?P<signal>\w+)"), "exit.signal"))


def format_value(value: Any, names: tuple[str, ...] = ()) -> str:
    """A compact printout: small arrays in full, large ones abbreviated with their shape.

    A tuple result whose parts have names (the catalog's `returns`) is printed one labelled part a line;
    one of another length labels its parts by position, since their names would be guesses.
    """
    if isinstance(value, (tuple, list)) and names and 0 < len(value) <= 64:
        labels = names if len(names) == len(value) else [f"[{i}]" for i in range(len(value))]
        return "\n".join(labelled(label, format_value(item)) for label, item in zip(labels, value))
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=8, threshold=24, edgeitems=3, linewidth=88):
            text = np.array2string(value, separator=", ")
        return text if value.size <= 24 else f"shape {value.shape}: {text}"
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(item) for item in value) + ")"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.10g}"
    if isinstance(value, np.integer):  # a plain number, not `np.int64(2)`
        return str(int(value))
    if isinstance(value, Unsupported):
        return f"<{value.description}>"
    return repr(value)


def labelled(name: str, text: str) -> str:
    """"Z1 = [[...],\n      [...]]": a name and a printed value, continuation lines aligned under the value."""
    pad = " " * (len(name) + 3)
    return f"{name} = " + text.replace("\n", "\n" + pad)


def shape_text(shape: list[int] | tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def index_text(index: list[int]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def _number(value: float) -> str:
    return f"{value:.8g}"


def _short(value: float) -> str:
    return f"{value:.3g}"


def type_text(messages: Messages, value: ValueType) -> str:
    """"숫자 하나", "형태가 (3,)인 배열", "a tuple of 4 values", ... in the reader's language."""
    if value.kind == ValueKind.ARRAY:
        return messages.t("type.array", shape=shape_text(value.shape))
    if value.kind in (ValueKind.TUPLE, ValueKind.LIST):
        return messages.t(f"type.{value.kind}", count=value.length)
    if value.kind == ValueKind.UNSUPPORTED:
        for pattern, key in UNSUPPORTED:
            match = pattern.match(value.detail)
            if match:
                return messages.t(f"type.unsupported-{key}", **{k: plain(v) for k, v in match.groupdict().items()})
        return messages.t("type.unsupported")
    return messages.t(f"type.{value.kind}")


def finding_message(messages: Messages, finding: Finding, rtol: float, atol: float) -> str:
    text = _finding_message(messages, finding, rtol, atol)
    return text[:1].upper() + text[1:]  # "Expected ..." in English; Korean has no capitals


def _finding_message(messages: Messages, finding: Finding, rtol: float, atol: float) -> str:
    if finding.kind == FindingKind.BEHAVIOUR:  # a property of a behaviour check (grader/behaviour.py)
        return messages.t(f"behaviour.{finding.part}", **finding.facts)
    mutated = finding.kind == FindingKind.MUTATED
    part = messages.t("finding.part", part=finding.part) if finding.part and not mutated else ""
    if mutated:
        return messages.t("finding.mutated", argument=finding.part)
    if finding.kind in (FindingKind.TYPE, FindingKind.LENGTH):
        expected, got = finding.expected_type, finding.got_type
        return messages.t(f"finding.{finding.kind}", part=part, expected=type_text(messages, expected),
                          got=type_text(messages, got), expected_count=expected.length, got_count=got.length)
    if finding.kind == FindingKind.SHAPE:
        expected, got = finding.expected_type, finding.got_type
        key = ("shape-number" if got.kind == ValueKind.NUMBER else "shape-array" if expected.kind == ValueKind.NUMBER
               else "shape")
        if key != "shape" and math.prod(expected.shape if key == "shape-number" else got.shape) == 1:
            key += "-one"  # one value either way: an axis too many or too few, not a constant or a missing sum
        return messages.t(f"finding.{key}", part=part, expected=shape_text(expected.shape), got=shape_text(got.shape))
    worst = finding.worst
    scalar = not worst.index
    values = dict(part=part, index=index_text(worst.index), expected_value=_number(worst.expected),
                  got_value=_number(worst.got), count=finding.count, size=finding.size)
    if finding.kind == FindingKind.NON_FINITE:
        return messages.t("finding.non-finite-number" if scalar else "finding.non-finite", **values)
    if finding.kind == FindingKind.GRADIENT:
        return messages.t("finding.gradient", **values, rel_error=_short(worst.rel_error), limit=f"{worst.allowed:g}")
    head = messages.t("finding.values-number" if scalar else "finding.values", **values)
    return head + " " + tolerance_text(messages, worst, rtol, atol)


def tolerance_text(messages: Messages, worst: WorstElement, rtol: float, atol: float) -> str:
    """Why the difference is too large, with the error measured as the tolerance measures it."""
    if worst.bound == Bound.RTOL and worst.rel_error is not None:
        return messages.t("finding.over-rtol", rel_error=_short(worst.rel_error), rtol=f"{rtol:g}")
    return messages.t("finding.over-atol", abs_error=_short(worst.abs_error), allowed=_short(worst.allowed),
                      atol=f"{atol:g}")


def location_text(messages: Messages, file: str, line: int) -> str:
    """Where in the student's code: a file and line, or a notebook cell and line."""
    cell = CELL_FILE.fullmatch(file)
    if cell:
        return messages.t("location.cell", cell=plain(cell["label"]), line=line)
    return messages.t("location.file", file=plain(file), line=line)


def error_text(messages: Messages, error: ErrorInfo) -> str:
    """"`ValueError: message` (`activations.py` 12번째 줄)": the type and message as code (Python's words,
    not ours), and where, said once."""
    message = plain(error.message)
    if error.frames:
        message = SYNTAX_LOCATION.sub("", message)  # a SyntaxError's message repeats its location
    text = "`" + f"{plain(error.type)}: {message}".strip().rstrip(":") + "`"
    if error.frames:
        frame = error.frames[-1]
        text += " " + messages.t("location.in", where=location_text(messages, frame.file, frame.line))
    return text


def exit_text(messages: Messages, detail: str) -> str:
    """How the worker ended ("exit code 3", "signal SIGKILL", as the runner reports it), in words."""
    for pattern, key in EXIT:
        match = pattern.fullmatch(detail.strip())
        if match:
            return messages.t(key, **match.groupdict())
    return messages.t("exit.unknown")


def load_error_text(messages: Messages, error: ErrorInfo, seconds: float) -> str:
    """Why a file did not load: a hang or a crash at its top level in words, else the exception."""
    if error.type == "load-crashed" and error.message == "interfered" and messages.has("sandbox.interfered"):
        return messages.t("sandbox.interfered")
    if error.type in ("load-timeout", "load-crashed"):
        return messages.t(f"load.{error.type}", seconds=f"{seconds:g}",
                          detail=exit_text(messages, error.message))
    return error_text(messages, error)


def case_message(function: str, status: Status, outcome, finding: Finding | None,
                 load_error: tuple[str, ErrorInfo] | None, messages: Messages, limits, rtol: float, atol: float,
                 missing: str | None = None, hidden: bool = False) -> str:
    """What went wrong in one case. `load_error` is the file that did not load and why; `missing` says why a
    function was not found when the caller knows more than that it is absent; a hidden case tells nothing."""
    if hidden:
        return messages.t("case.hidden-failed")
    if status == Status.MISSING:
        return missing or messages.t("case.missing", function=function)
    if outcome.status == "missing" and load_error is not None:  # not found because a file failed to load
        file, error = load_error
        return messages.t("case.missing-load-error", function=function, file=plain(file),
                          error=load_error_text(messages, error, limits.load_seconds))
    if status == Status.NOT_IMPLEMENTED:
        key = "case.returned-none" if outcome.status == "returned" else "case.not-implemented"
        return messages.t(key, function=function)
    if finding is not None:
        return finding_message(messages, finding, rtol, atol)
    if outcome.status == "raised" and outcome.error is not None:
        return messages.t("case.raised", error=error_text(messages, outcome.error))
    if outcome.status == "timeout":
        if outcome.reason == "submission-time-limit":
            return messages.t("case.submission-time-limit", seconds=f"{limits.submission_seconds:g}")
        return messages.t("case.timeout", seconds=f"{limits.call_seconds:g}")
    if outcome.status == "crashed":
        if outcome.reason == "interfered" and messages.has("sandbox.interfered"):
            return messages.t("sandbox.interfered")
        return messages.t("case.crashed", detail=exit_text(messages, outcome.reason))
    return messages.t(f"case.{outcome.reason}")  # skipped after a timeout or a crash


def warning_advice(messages: Messages, warnings: list[str], passed: bool, hidden: bool) -> list[str]:
    """Python's warnings during a call: advice beside a correct result, a clue to the cause beside a wrong
    one; of a hidden case only that there was one, since nothing it printed, raised or warned is shown."""
    if hidden:
        return [messages.t("intake.hidden-warning")] if warnings else []
    key = "advice.warning" if passed else "advice.warned"
    return [messages.t(key, warning=plain(warning)) for warning in warnings]


def shown_output(output: Output, messages: Messages, unit: str = "chars") -> str:
    """What the student's code printed, cut at its limit with how much more there was."""
    return output.shown(lambda count: messages.t(f"output.more-{unit}", count=count))
