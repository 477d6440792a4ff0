"""The forward pass of the light/dark font network (RGB example): input → ReLU layer → sigmoid.

Samples are columns: X is (n_features, n_samples).
"""
try:  # as the package `reference` (how the grader imports it)
    from .activations import relu, sigmoid
except ImportError:  # as loose files in a folder (how a student's submission is run)
    from activations import relu, sigmoid


def forward_prop(X, w_hidden, b_hidden, w_output, b_output):
    """Forward pass: Z1 = W_h·X + b_h, A1 = relu(Z1), Z2 = W_o·A1 + b_o, A2 = sigmoid(Z2).

    Shapes: X (n_features, n_samples), w_hidden (n_hidden, n_features), b_hidden (n_hidden, 1),
    w_output (n_out, n_hidden), b_output (n_out, 1). Returns the tuple (Z1, A1, Z2, A2).
    """
    Z1 = w_hidden @ X + b_hidden
    A1 = relu(Z1)
    Z2 = w_output @ A1 + b_output
    A2 = sigmoid(Z2)
    return Z1, A1, Z2, A2


def predict(X, w_hidden, b_hidden, w_output, b_output):
    """Predicted class per sample: 1 (light font) where A2 ≥ 0.5, else 0 (dark font)."""
    A2 = forward_prop(X, w_hidden, b_hidden, w_output, b_output)[3]
    return (A2 >= 0.5).astype(int)
