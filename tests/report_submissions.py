"""Submissions whose reports the wording tests read: passed, failed, hostile and notebook, graded once each.

Failures are appended to a copy of the reference: a later `def` replaces the earlier one.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from helpers import copy_reference as reference_folder

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script> ```x``` **bold** [link](http://x) # heading | cell |"

FAILURES = {
    "activations.py": '''
def sigmoid(x):
    return np.exp(-1)


def step_function(x):
    return np.array(x >= 0, dtype=int) * 2


def tanh(x):
    import os
    os._exit(3)


def relu(x):
    print("printed ```` " + {hostile!r})
    raise ValueError({hostile!r})
''',
    "losses.py": '''
def mean_squared_error(y, t):
    return [1, 2, 3]


def cross_entropy_error(y, t):
    return None
''',
    "network.py": '''
import numpy as np


def forward_prop(X, w_hidden, b_hidden, w_output, b_output):
    Z1 = w_hidden @ X + b_hidden
    return Z1, np.maximum(Z1, 0), Z1 * 2
''',
    "backprop.py": '''
def backprop_gradients(x, t, W1, W2):
    loss, dW1, dW2 = _reference_gradients(x, t, W1, W2)
    return loss, dW1 * 1.5, dW2
''',
}


def failing_folder(target: Path) -> Path:
    reference_folder(target)
    backprop = target / "backprop.py"
    backprop.write_text(backprop.read_text(encoding="utf-8") + "\n_reference_gradients = backprop_gradients\n",
                        encoding="utf-8")
    for name, code in FAILURES.items():
        path = target / name
        path.write_text(path.read_text(encoding="utf-8") + code.format(hostile=HOSTILE), encoding="utf-8")
    return target


def notebook_file(target: Path) -> Path:
    """One notebook holding the activations, sigmoid broken in a later cell (a location in a cell)."""
    source = (ROOT / "reference" / "activations.py").read_text(encoding="utf-8")
    cells = [nbformat.v4.new_markdown_cell("# 숙제"), nbformat.v4.new_code_cell(source),
             nbformat.v4.new_code_cell("def sigmoid(x):\n    y = 1 / (1 + np.exp(-x))\n    return y[None]\n"),
             nbformat.v4.new_code_cell("def tanh(x):\n    raise RuntimeError('oops')\n")]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(target))
    return target
