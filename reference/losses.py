"""Loss functions: how far the network's output y is from the target t.

Both accept one sample (1-D y) or a batch (2-D y of shape (N, C)), and return a float:
the per-sample loss averaged over the batch.
"""
import numpy as np


def mean_squared_error(y, t):
    """Mean squared error: E = ½ Σ (y − t)², divided by N for an (N, C) batch.

    >>> t = np.zeros(10); t[2] = 1
    >>> y = np.array([0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0])
    >>> round(mean_squared_error(y, t), 8)
    0.0975
    """
    batch_size = y.shape[0] if y.ndim == 2 else 1
    return float(0.5 * np.sum((y - t) ** 2) / batch_size)


def cross_entropy_error(y, t):
    """Cross-entropy error: E = −Σ t·log(y + δ) with δ = 1e-7, divided by N for a batch.

    t is one-hot (y's shape) or integer class labels (shape (N,), or a single int for 1-D y).

    >>> t = np.zeros(10); t[2] = 1
    >>> y = np.array([0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0])
    >>> round(cross_entropy_error(y, t), 9)
    0.510825457
    """
    delta = 1e-7  # log(0) = −inf; the small δ keeps the loss finite when y is 0 at the true class
    y2 = np.atleast_2d(y)
    labels = np.atleast_1d(t)
    if labels.size != y2.size:  # integer labels: pick the predicted probability of each true class
        picked = y2[np.arange(y2.shape[0]), labels.astype(int)]
        return float(-np.sum(np.log(picked + delta)) / y2.shape[0])
    return float(-np.sum(np.reshape(t, y2.shape) * np.log(y2 + delta)) / y2.shape[0])
