"""The sentences a student reads about one case, in their language, built from what the grader found."""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.i18n import Messages
from grader.results import Finding
from grader.runner.codec import Unsupported
from grader.runner.job import ErrorInfo


def format_value(value: Any) -> str:
    """A compact printout: small arrays in full, large ones abbreviated with their shape."""
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
        return value.description
    return repr(value)


def _number(value: float) -> str:
    return f"{value:.8g}"


def finding_message(messages: Messages, finding: Finding, rtol: float, atol: float) -> str:
    part = messages.t("finding.part", part=finding.part) if finding.part and finding.kind != "mutated" else ""
    worst = finding.worst
    params: dict[str, Any] = dict(part=part, expected=finding.expected, got=finding.got)
    if worst is not None:
        params.update(
            index=tuple(worst.index) if len(worst.index) != 1 else f"[{worst.index[0]}]",
            expected_value=_number(worst.expected), got_value=_number(worst.got),
            abs_error=f"{worst.abs_error:.3g}", rel_error=f"{worst.rel_error:.3g}",
        )
        if not worst.index:
            params["index"] = "()"
    if finding.kind == "non-finite":
        params.update(count=finding.expected)
    if finding.kind == "values":
        params.update(rtol=f"{rtol:g}", atol=f"{atol:g}")
    if finding.kind == "gradient":
        params.update(limit=finding.expected)
    if finding.kind == "mutated":
        params.update(argument=finding.part)
    return messages.t(f"finding.{finding.kind}", **params)


def error_text(error: ErrorInfo) -> str:
    """"ValueError: message (activations.py, line 12)": the type, the message, and where in the student's code."""
    text = f"{error.type}: {error.message}".strip().rstrip(":")
    if error.frames:
        frame = error.frames[-1]
        text += f" ({frame.file}, line {frame.line})"
    return text
