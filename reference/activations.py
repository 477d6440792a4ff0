"""Activation functions: what a neuron does with its weighted sum.

Every function here is element-wise except `softmax`, returns a new array of the input's shape,
and never changes its input.
"""
import numpy as np


def step_function(x):
    """Step: 1 where x > 0, else 0 (so step(0) = 0).

    >>> step_function(np.array([-1.0, 0.0, 2.0]))
    array([0, 0, 1])
    """
    # np.int was removed from NumPy; the builtin int (or np.int64) is the dtype to use.
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    """Sigmoid: σ(x) = 1 / (1 + e^-x), squashing any x into (0, 1).

    >>> sigmoid(np.array([-1.0, 1.0, 2.0]))
    array([0.26894142, 0.73105858, 0.88079708])
    """
    # The textbook formula computes e^-x, which overflows to inf for x < -709 (harmless here,
    # 1 / inf = 0, but NumPy warns). Writing σ(x) = e^x / (1 + e^x) for negative x means we only
    # ever exponentiate a non-positive number, so nothing overflows and no warning is raised.
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # always in (0, 1]
    result = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return result if result.ndim else float(result)


def sigmoid_grad(x):
    """Derivative of the sigmoid: σ'(x) = σ(x)·(1 − σ(x)).

    >>> sigmoid_grad(0.0)
    0.25
    """
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    """Hyperbolic tangent: (e^x − e^-x) / (e^x + e^-x), squashing x into (−1, 1).

    >>> round(tanh(1.0), 8)
    0.76159416
    """
    # The formula as written computes e^1000 = inf and returns inf / inf = NaN for large |x|.
    # np.tanh evaluates the same function without overflowing.
    return np.tanh(x)


def relu(x):
    """ReLU: max(0, x) element-wise.

    >>> relu(np.array([-1.0, 1.0, 2.0]))
    array([0., 1., 2.])
    """
    return np.maximum(0, x)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, else alpha·x.

    >>> leaky_relu(-2.0)
    -0.02
    """
    result = np.where(np.asarray(x) > 0, x, alpha * np.asarray(x))
    return result if result.ndim else float(result)


def softmax(x):
    """Softmax: exp(x) / Σ exp(x) along the last axis, so each row sums to 1.

    >>> softmax(np.array([8.04, 2.76, -6.52]))
    array([9.94932900e-01, 5.06662694e-03, 4.72569987e-07])
    """
    # Subtracting the row's maximum changes nothing mathematically (it cancels in the ratio)
    # but keeps every exponent ≤ 0, so exp never overflows: softmax([1000, 1000, 1000]) = 1/3 each.
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
