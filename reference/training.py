"""Training a 2-layer network on XOR with NumPy alone: the lesson of the seeds' XOR example.

A single layer cannot learn XOR (the loss stalls at 0.25, every output 0.5); a hidden layer with a
non-linear activation can. Samples are rows, as in `X @ W`:

    H   = sigmoid(X @ W1 + b1)      X (N, n_in),  W1 (n_in, hidden), b1 (hidden,)
    out = sigmoid(H @ W2 + b2)      W2 (hidden, n_out), b2 (n_out,)
    L   = mean((out − Y)²)          the mean squared error over every output
"""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def train_xor(X, Y, hidden, epochs, lr, seed):
    """Full-batch gradient descent for `epochs` steps; returns (W1, b1, W2, b2, losses).

    losses[i] is the loss before the i-th update, so len(losses) == epochs.
    The same seed always gives the same weights: every random number comes from `rng`.
    """
    rng = np.random.default_rng(seed)
    n_in, n_out = X.shape[1], Y.shape[1]
    W1 = rng.normal(0.0, 1.0, size=(n_in, hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0.0, 1.0, size=(hidden, n_out))
    b2 = np.zeros(n_out)
    losses = []
    for _ in range(epochs):
        # Forward pass: keep H and out, the backward pass needs them.
        H = sigmoid(X @ W1 + b1)
        out = sigmoid(H @ W2 + b2)
        losses.append(float(np.mean((out - Y) ** 2)))

        # Backward pass, by the chain rule, from the loss back to each weight.
        d_out = 2 * (out - Y) / Y.size         # ∂L/∂out
        d_z2 = d_out * out * (1 - out)          # through the output sigmoid: σ' = σ(1 − σ)
        d_W2 = H.T @ d_z2
        d_b2 = d_z2.sum(axis=0)
        d_H = d_z2 @ W2.T                       # W2 before its update
        d_z1 = d_H * H * (1 - H)                # through the hidden sigmoid: the non-linearity XOR needs
        d_W1 = X.T @ d_z1
        d_b1 = d_z1.sum(axis=0)

        # Gradient descent: a step against the gradient, scaled by the learning rate.
        W1 = W1 - lr * d_W1
        b1 = b1 - lr * d_b1
        W2 = W2 - lr * d_W2
        b2 = b2 - lr * d_b2
    return W1, b1, W2, b2, np.array(losses)
