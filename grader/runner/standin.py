"""Stand-ins: for one call, another exercise's function answers with the expected values the grader sent.

A cascade check: when the student's `backprop_step` calls their failing `backprop_gradients`, the
grader runs `backprop_step` once more with `backprop_gradients` replaced by a table of
(arguments -> expected result), so it can tell whether `backprop_step` itself is right. The table is
data computed by the grader; no reference code ever enters the worker. A call the table does not cover
raises StandInMiss, so the grader knows the check could not be made.

Like worker.py, this file needs nothing but the standard library and NumPy: it runs in the sandbox.
"""
import contextlib
import copy

import numpy as np


class StandInMiss(Exception):
    """The function was called with arguments the grader sent no expected value for."""


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype.kind == b.dtype.kind and bool(np.array_equal(a, b)))
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return float(a) == float(b)
    return False


def make(name, table):
    """A function that returns a copy of the table's value for arguments equal to a key."""
    def stand_in(*args, **kwargs):
        if not kwargs:
            for key, value in table:
                if len(key) == len(args) and all(_same(a, k) for a, k in zip(args, key)):
                    return copy.deepcopy(value)
        raise StandInMiss(name)

    stand_in.__name__ = name
    return stand_in


@contextlib.contextmanager
def installed(modules, plan, decode):
    """Put each planned stand-in into every loaded module that defines or imported that name; restore after.

    `plan` is a list of {"function": name, "table": [[encoded args, encoded value], ...]}.
    """
    saved = []
    try:
        for entry in plan or ():
            table = [(tuple(decode(a) for a in key), decode(value)) for key, value in entry["table"]]
            function = make(entry["function"], table)
            for module in modules:
                namespace = vars(module)
                if entry["function"] in namespace:
                    saved.append((namespace, entry["function"], namespace[entry["function"]]))
                    namespace[entry["function"]] = function
        yield
    finally:
        for namespace, name, original in reversed(saved):
            namespace[name] = original
