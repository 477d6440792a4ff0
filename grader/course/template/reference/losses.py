"""Reference solutions: one module per stub file, the same function names. Never given to students."""
import numpy as np


def mean_absolute_error(y, t):
    """Mean absolute error of predictions `y` against targets `t`: the average of |y − t|."""
    return np.mean(np.abs(np.asarray(y, dtype=float) - np.asarray(t, dtype=float)))
