"""Detectors for mistakes in functions judged by a behaviour check (a training function).

A training function's weights depend on its random numbers, so no mistake model can compute what a
student returns; what the student's own results say about how they were made is the evidence instead.
Like every detector (grader/detectors.py) each returns the cases it explains, or none when it does not
explain every case that is evidence; the catalog picks one with `detect` and gives its `params`:

- `property-failed` (params: property): the cases where that property of the check failed, e.g. `responds`
  (the loss history did not change when the learning rate did).
- `loss-grows`: every case that failed its loss bound ended with a higher loss than it started with:
  the steps went up the gradient.
- `loss-explained-by` (params: hidden, outputs, near, tolerance): every case that failed its loss bound
  ended near `near`, and the last reported loss is the mean squared error of the returned weights through
  a forward pass with the `hidden` activation (with one of the `outputs` activations) but not through the
  check's own sigmoid network: e.g. no non-linearity in the hidden layer.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from grader.behaviour import forward, is_behaviour
from grader.results import Status

ACTIVATIONS: dict[str, Callable] = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
}
MATCH = 1e-3
"""How close the last reported loss must be to the loss a forward pass computes (an update's worth)."""


def _failed(observation, prop: str | None = None) -> bool:
    finding = observation.finding
    return (observation.status == Status.FAILED and finding is not None and finding.kind == "behaviour"
            and (prop is None or prop in finding.properties))


def _bounded(observations) -> list[int]:
    """The evidence of a training mistake: behaviour cases with a loss bound that failed it."""
    return [i for i, o in enumerate(observations)
            if is_behaviour(o.prepared.case) and o.prepared.case.check.history is not None
            and o.prepared.case.check.history.below is not None and _failed(o, "history-below")]


def _losses(observation) -> np.ndarray:
    return np.asarray(observation.got[observation.prepared.case.check.history.output], dtype=float).reshape(-1)


def _property_failed(mistake, exercise, observations) -> list[int]:
    prop = mistake.param("property")
    return [i for i, o in enumerate(observations) if is_behaviour(o.prepared.case) and _failed(o, prop)]


def _loss_grows(mistake, exercise, observations) -> list[int]:
    evidence = _bounded(observations)
    margin = float(mistake.param("margin", 0.0))
    if evidence and all(_losses(observations[i])[-1] > _losses(observations[i])[0] + margin for i in evidence):
        return evidence
    return []


def _loss_explained_by(mistake, exercise, observations) -> list[int]:
    evidence = _bounded(observations)
    if not evidence:
        return []
    hidden = ACTIVATIONS[mistake.param("hidden", "identity")]
    outputs = [ACTIVATIONS[name] for name in mistake.param("outputs", ["sigmoid"])]
    near, tolerance = float(mistake.param("near", 0.25)), float(mistake.param("tolerance", 0.01))
    for i in evidence:
        o = observations[i]
        last = _losses(o)[-1]
        if abs(last - near) > tolerance or o.prepared.case.check.classify is None:
            return []
        if abs(_mse(o, None, None) - last) <= MATCH:  # the check's own network explains it: not this mistake
            return []
        if not any(abs(_mse(o, hidden, output) - last) <= MATCH for output in outputs):
            return []
    return evidence


def _mse(observation, hidden, output) -> float:
    spec = observation.prepared.case.check.classify
    args = dict(zip(observation.prepared.case.args, observation.prepared.inputs))
    X, Y = np.asarray(args[spec.inputs], dtype=float), np.asarray(args[spec.targets], dtype=float)
    try:
        out = np.asarray(forward(list(observation.got), X, spec.weights, hidden, output), dtype=float)
        with np.errstate(all="ignore"):
            value = float(np.mean((out.reshape(Y.shape) - Y) ** 2))
    except (ValueError, TypeError, IndexError, OverflowError):
        return float("nan")
    return value


BEHAVIOUR_DETECTORS: dict[str, Callable] = {
    "property-failed": _property_failed,
    "loss-grows": _loss_grows,
    "loss-explained-by": _loss_explained_by,
}
