"""Judging a result by its properties (a behaviour check) rather than by equality with the reference's.

The check is catalog data (grader/catalog/behaviour.py); this module names no exercise. It runs in the
grader's process on what the worker sent back, which is untrusted: anything that is not the numbers a
property needs makes that property fail, never the grader. Every property that fails is listed; the first
gives the message (its wording is in locales/*/behaviour.toml, under `behaviour.<property>`).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from grader.catalog.behaviour import BehaviourCheck
from grader.kinds import FindingKind
from grader.results import Finding
from grader.runner.job import CallOutcome, Limits

TIMEOUTS = ("repeat-timeout", "responds-timeout")
"""The properties of a further call that ran out of time: the case is then a timeout (timed_out)."""


def is_behaviour(case) -> bool:
    return isinstance(case.check, BehaviourCheck)


def judge(check: BehaviourCheck, names: list[str], inputs: tuple, outcome: CallOutcome,
          returns: tuple[str, ...] = (), limits: Limits | None = None) -> Finding | None:
    """The first failed property of a call that returned, with the values it is about; None when all hold.

    A further call (the repeat, a changed argument) that ran out of time comes first: the case is then a timeout
    (timed_out), worded with the limit that stopped it, from `limits`."""
    failed: list[tuple[str, dict[str, str]]] = []
    args = dict(zip(names, inputs))
    value = outcome.value
    parts = list(value) if isinstance(value, (tuple, list)) else None
    if check.outputs is not None and (parts is None or len(parts) != check.outputs):
        failed.append(("outputs", {"expected": str(check.outputs), "got": str(len(parts)) if parts is not None else "1"}))
        parts = None
    history = _history(check, parts, args, failed) if parts is not None else None
    if parts is not None and check.classify is not None:
        _classify(check, parts, args, failed)
    if history is not None and check.history.below is not None and not history[-1] < check.history.below:
        failed.insert(0, ("history-below", {"epochs": str(len(history)), "got": _number(history[-1]),
                                            "expected": _number(check.history.below)}))
    limits = limits or Limits()
    if check.repeat and outcome.extra:
        _repeat(value, outcome.extra[0], returns, failed, limits)
    for (name, changed), again in zip(check.responds, outcome.extra[int(check.repeat):]):
        facts = {"argument": name, "value": _shown(changed)}
        if again.status == "timeout":
            failed.append(("responds-timeout", {**facts, "seconds": _limit(again, limits)}))
        elif again.status not in ("returned", "skipped"):  # skipped: an earlier call stopped, and says so
            failed.append(("responds-failed", facts))
        else:
            _responds(check, name, args, history, again, failed)
    failed.sort(key=lambda item: item[0] not in TIMEOUTS)  # a call stopped by a limit is what the case says
    if check.seconds is not None:
        slowest = max([outcome.seconds] + [o.seconds for o in outcome.extra if o.status == "returned"])
        if slowest > check.seconds:
            failed.append(("seconds", {"got": f"{slowest:.2f}", "expected": f"{check.seconds:g}"}))
    if not failed:
        return None
    part, facts = failed[0]
    return Finding(FindingKind.BEHAVIOUR, part=part, facts=facts, properties=list(dict.fromkeys(p for p, _ in failed)))


def _history(check: BehaviourCheck, parts: list, args: dict, failed: list) -> np.ndarray | None:
    """The loss history as floats when it has the right form, else None (and why, in `failed`)."""
    spec = check.history
    if spec is None:
        return None
    losses = _floats(parts[spec.output]) if spec.output < len(parts) else None
    if losses is None or losses.ndim != 1 or losses.size == 0:
        failed.append(("history-type", {"output": str(spec.output + 1)}))
        return None
    if spec.length is not None:
        expected = args[spec.length]
        if losses.size != expected:
            failed.append(("history-length", {"argument": spec.length, "expected": str(expected),
                                              "got": str(losses.size)}))
            return None
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size:
        failed.append(("history-finite", {"epoch": str(bad[0] + 1), "got": str(losses[bad[0]])}))
        return None
    return losses


def forward(parts: list, X: np.ndarray, weights: tuple[int, ...], hidden=None, output=None) -> np.ndarray:
    """sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2), or with other activations (a mistake detector's variants)."""
    sigmoid = _sigmoid
    W1, b1, W2, b2 = (np.asarray(parts[i], dtype=float) for i in weights)
    with np.errstate(all="ignore"):
        return (output or sigmoid)((hidden or sigmoid)(X @ W1 + b1) @ W2 + b2)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _classify(check: BehaviourCheck, parts: list, args: dict, failed: list) -> None:
    spec = check.classify
    X, Y = np.asarray(args[spec.inputs], dtype=float), np.asarray(args[spec.targets], dtype=float)
    try:
        if max(spec.weights) >= len(parts):
            raise ValueError
        out = np.asarray(forward(parts, X, spec.weights), dtype=float).reshape(Y.shape)
    except (ValueError, TypeError, IndexError, OverflowError):
        shapes = {name: _shape(parts[i]) if i < len(parts) else "-" for name, i in zip(("W1", "b1", "W2", "b2"), spec.weights)}
        failed.append(("forward", {"X": _shape(X), **shapes}))
        return
    predicted = (out >= spec.threshold).astype(int)
    wrong = np.flatnonzero((predicted != Y.astype(int)).any(axis=-1) if Y.ndim > 1 else predicted != Y.astype(int))
    if wrong.size:
        row = wrong[0]
        failed.append(("classify", {"input": _row(X[row]), "got": _row(predicted[row]), "expected": _row(Y[row]),
                                    "output": _row(out[row], 4), "wrong": str(wrong.size), "count": str(len(X))}))


def timed_out(finding: Finding | None) -> bool:
    """Whether a behaviour check failed because one of its further calls ran out of time."""
    return finding is not None and finding.kind == FindingKind.BEHAVIOUR and finding.part in TIMEOUTS


def _limit(outcome: CallOutcome, limits: Limits) -> str:
    """The limit that stopped a call: the submission's whole time, or one call's."""
    seconds = limits.submission_seconds if outcome.reason == "submission-time-limit" else limits.call_seconds
    return f"{seconds:g}"


def _repeat(value: Any, again: CallOutcome, returns: tuple[str, ...], failed: list, limits: Limits) -> None:
    if again.status == "timeout":
        failed.append(("repeat-timeout", {"seconds": _limit(again, limits)}))
        return
    if again.status != "returned":
        failed.append(("repeat-failed", {}))  # its error is not this check's to word
        return
    first = list(value) if isinstance(value, (tuple, list)) else [value]
    second = list(again.value) if isinstance(again.value, (tuple, list)) else [again.value]
    if len(first) != len(second):
        failed.append(("repeat", {"part": "-"}))
        return
    for position, (a, b) in enumerate(zip(first, second)):
        if not _same(a, b):
            failed.append(("repeat", {"part": returns[position] if position < len(returns) else str(position + 1)}))
            return


def _responds(check: BehaviourCheck, name: str, args: dict, history, again: CallOutcome, failed: list) -> None:
    if history is None or again.status != "returned" or not isinstance(again.value, (tuple, list)):
        return  # nothing to compare: another property already says what is wrong
    other = list(again.value)
    losses = _floats(other[check.history.output]) if check.history.output < len(other) else None
    if losses is not None and _same(losses, history):
        failed.append(("responds", {"argument": name, "given": _number(args[name]),
                                    "value": _shown(dict(check.responds)[name])}))


def _shown(changed: Any) -> str:
    return _number(changed) if isinstance(changed, (int, float)) else str(changed)


def _floats(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return array.reshape(-1) if array.ndim == 2 and 1 in array.shape else array


def _same(a: Any, b: Any) -> bool:
    x, y = _floats(a), _floats(b)
    if x is None or y is None:
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=1e-12, atol=0.0, equal_nan=True))


def _shape(value: Any) -> str:
    shape = getattr(value, "shape", None)
    return str(tuple(shape)) if shape is not None else type(value).__name__


def _row(values: Any, digits: int | None = None) -> str:
    items = np.atleast_1d(np.asarray(values, dtype=float)).tolist()
    text = [f"{v:.{digits}f}" if digits else _number(v) for v in items]
    return text[0] if len(text) == 1 else "[" + ", ".join(text) + "]"


def _number(value: Any) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
