"""Numbers drawn per student for the parametrised questions, and their answers from the reference.

Each generator takes a seeded random generator and returns the values shown in the question
(already formatted, as the student reads them) and the answer. Numbers are rounded before the
answer is computed, so the student computes from exactly what they see. The answers come from the
reference implementation, the same code that grades the exercises.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from reference.activations import leaky_relu, sigmoid, softmax, tanh
from reference.backprop import backprop_gradients
from reference.losses import cross_entropy_error, mean_squared_error
from reference.network import forward_prop


@dataclass(frozen=True)
class Drawn:
    values: dict[str, str]
    """What the question shows, by placeholder name."""
    answer: float


def _round(rng: np.random.Generator, low: float, high: float, size=None, digits: int = 2) -> np.ndarray:
    return np.round(rng.uniform(low, high, size), digits)


def _show(value) -> str:
    """A number or an array as a student would write it: [0.1, 0.2], [[0.3, 0.25], [0.4, 0.35]]."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return f"{float(array) + 0.0:g}"  # + 0.0 turns a rounded −0 into 0
    return "[" + ", ".join(_show(item) for item in array) + "]"


def _nonzero(rng: np.random.Generator, low: float, high: float, digits: int = 1) -> float:
    while True:
        value = float(_round(rng, low, high, digits=digits))
        if value != 0:
            return value


def sigmoid_value(rng: np.random.Generator) -> Drawn:
    x = _nonzero(rng, -3.0, 3.0)
    return Drawn({"x": _show(x), "exp_term": f"{np.exp(-x):.4f}"}, float(sigmoid(np.array(x))))


def tanh_value(rng: np.random.Generator) -> Drawn:
    x = _nonzero(rng, -2.0, 2.0)
    return Drawn({"x": _show(x)}, float(tanh(np.array(x))))


def leaky_relu_value(rng: np.random.Generator) -> Drawn:
    x = _nonzero(rng, -9.0, -0.5)
    alpha = float(rng.choice([0.01, 0.02, 0.05, 0.1, 0.2]))
    return Drawn({"x": _show(x), "alpha": _show(alpha)}, float(leaky_relu(np.array(x), alpha)))


def softmax_first(rng: np.random.Generator) -> Drawn:
    scores = _round(rng, -2.0, 3.0, 3, digits=1)
    return Drawn({"scores": _show(scores)}, float(softmax(scores)[0]))


def mse_value(rng: np.random.Generator) -> Drawn:
    y = _round(rng, 0.0, 1.0, 3)
    t = np.zeros(3)
    t[rng.integers(3)] = 1.0
    return Drawn({"y": _show(y), "t": _show(t), "diff": _show(np.round(y - t, 2))}, float(mean_squared_error(y, t)))


def cee_value(rng: np.random.Generator) -> Drawn:
    raw = rng.uniform(0.05, 1.0, 3)
    y = np.round(raw / raw.sum(), 2)
    y[-1] = round(1.0 - y[:-1].sum(), 2)  # shown probabilities add up to exactly 1
    label = int(rng.integers(3))
    t = np.eye(3)[label]
    return Drawn({"y": _show(y), "t": _show(t), "p": _show(y[label])}, float(cross_entropy_error(y, t)))


def forward_output(rng: np.random.Generator) -> Drawn:
    while True:  # at least one hidden unit active, or the hidden layer plays no part
        x = _round(rng, 0.1, 1.0, (2, 1), digits=1)
        w_hidden, b_hidden = _round(rng, -1.0, 1.0, (2, 2), digits=1), _round(rng, -0.5, 0.5, (2, 1), digits=1)
        w_output, b_output = _round(rng, -1.0, 1.0, (1, 2), digits=1), _round(rng, -0.5, 0.5, (1, 1), digits=1)
        z1, a1, z2, a2 = forward_prop(x, w_hidden, b_hidden, w_output, b_output)
        if (a1 > 0).any():
            break
    values = {"x": _show(x[:, 0]), "w_hidden": _show(w_hidden), "b_hidden": _show(b_hidden[:, 0]),
              "w_output": _show(w_output), "b_output": _show(b_output[:, 0]),
              "z1": _show(np.round(z1[:, 0], 4)), "a1": _show(np.round(a1[:, 0], 4)), "z2": _show(np.round(z2[0, 0], 4))}
    return Drawn(values, float(a2[0, 0]))


def _slide_network(rng: np.random.Generator):
    x = _round(rng, 0.05, 0.5, 2)
    t = _round(rng, 0.1, 0.9, 2)
    w1 = _round(rng, 0.1, 0.8, (2, 2))
    w2 = _round(rng, 0.1, 0.8, (2, 2))
    return x, t, w1, w2


def _network_values(x, t, w1, w2) -> dict[str, str]:
    h = sigmoid(w1 @ x)
    o = sigmoid(w2 @ h)
    return {"x": _show(x), "t": _show(t), "w1": _show(w1), "w2": _show(w2), "h1": f"{h[0]:.8f}", "o1": f"{o[0]:.8f}"}


def backprop_dw5(rng: np.random.Generator) -> Drawn:
    x, t, w1, w2 = _slide_network(rng)
    _, _, dw2 = backprop_gradients(x, t, w1, w2)
    return Drawn(_network_values(x, t, w1, w2), float(dw2[0, 0]))


def backprop_w5_step(rng: np.random.Generator) -> Drawn:
    x, t, w1, w2 = _slide_network(rng)
    lr = float(rng.choice([0.1, 0.25, 0.5, 1.0]))
    _, _, dw2 = backprop_gradients(x, t, w1, w2)
    values = dict(_network_values(x, t, w1, w2), lr=_show(lr), w5=_show(w2[0, 0]), dw5=f"{dw2[0, 0]:.8f}")
    return Drawn(values, float(w2[0, 0] - lr * dw2[0, 0]))


def perceptron_output(rng: np.random.Generator) -> Drawn:
    while True:
        w = _round(rng, -1.0, 1.0, 2, digits=1)
        b = float(_round(rng, -1.0, 1.0, digits=1))
        x = rng.integers(0, 2, 2).astype(float)
        total = round(float(w @ x + b), 10)
        if total != 0:  # the boundary itself would hinge on the strict >, a trap rather than a question
            return Drawn({"w": _show(w), "b": _show(b), "x": _show(x), "total": _show(total)}, float(total > 0))


GENERATORS: dict[str, Callable[[np.random.Generator], Drawn]] = {
    function.__name__: function for function in (
        sigmoid_value, tanh_value, leaky_relu_value, softmax_first, mse_value, cee_value, forward_output,
        backprop_dw5, backprop_w5_step, perceptron_output)
}
