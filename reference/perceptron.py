"""Logic gates as perceptrons: output 1 when w1·x1 + w2·x2 + b > 0, else 0."""
import numpy as np


def _perceptron(x1, x2, w, b):
    return int(np.dot(w, [x1, x2]) + b > 0)


def and_gate(x1, x2):
    """AND: fires only when both inputs are 1 (0.5 + 0.5 − 0.7 > 0)."""
    return _perceptron(x1, x2, w=[0.5, 0.5], b=-0.7)


def or_gate(x1, x2):
    """OR: fires when at least one input is 1 (0.5 − 0.2 > 0)."""
    return _perceptron(x1, x2, w=[0.5, 0.5], b=-0.2)


def nand_gate(x1, x2):
    """NAND: AND with every weight and the bias negated."""
    return _perceptron(x1, x2, w=[-0.5, -0.5], b=0.7)


def xor_gate(x1, x2):
    """XOR: no single line separates its outputs, so stack two layers: AND(NAND, OR)."""
    return and_gate(nand_gate(x1, x2), or_gate(x1, x2))
