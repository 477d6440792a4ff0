"""One step of backpropagation in the 2-2-2 sigmoid network of the slides (no biases).

h = sigmoid(W1 @ x), o = sigmoid(W2 @ h), E = Σ ½ (t − o)². Works for any sizes.
"""
import numpy as np

try:  # as the package `reference` (how the grader imports it)
    from .activations import sigmoid
except ImportError:  # as loose files in a folder (how a student's submission is run)
    from activations import sigmoid


def backprop_loss(x, t, W1, W2):
    """The loss E = Σ ½ (t − o)² at the given weights (the forward pass only)."""
    o = sigmoid(W2 @ sigmoid(W1 @ x))
    return float(np.sum(0.5 * (t - o) ** 2))


def backprop_gradients(x, t, W1, W2):
    """Returns (E, ∂E/∂W1, ∂E/∂W2), each gradient with its weight's shape.

    Chain rule, output layer:  δo = ∂E/∂o · ∂o/∂z = (o − t) · o(1 − o),   ∂E/∂W2 = δo hᵀ
    hidden layer:              δh = (W2ᵀ δo) · h(1 − h),                  ∂E/∂W1 = δh xᵀ
    """
    h = sigmoid(W1 @ x)
    o = sigmoid(W2 @ h)
    loss = float(np.sum(0.5 * (t - o) ** 2))
    delta_o = (o - t) * o * (1 - o)
    delta_h = (W2.T @ delta_o) * h * (1 - h)  # uses W2 before any update
    return loss, np.outer(delta_h, x), np.outer(delta_o, h)


def backprop_step(x, t, W1, W2, lr=0.5):
    """One gradient-descent step: W ← W − lr · ∂E/∂W, both gradients taken before updating.

    Returns (W1_new, W2_new); W1 and W2 themselves are left unchanged.
    """
    _, dW1, dW2 = backprop_gradients(x, t, W1, W2)
    return W1 - lr * dW1, W2 - lr * dW2
