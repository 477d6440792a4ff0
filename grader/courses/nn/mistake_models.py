"""Known-wrong variants of the exercises: each is what a student with that mistake would compute.

The catalog names these functions in an exercise's `[[exercises.mistakes]]` entries (`models = [...]`).
When a case fails, the diagnoser runs them on the same inputs, in the grader's own process, and names
the mistake whose output matches the student's. Each takes the exercise's arguments, in order.
"""
import numpy as np


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _one_hot(y, t):
    """t as one-hot with y's shape, whether it came as one-hot or as integer labels."""
    t = np.asarray(t)
    if t.size == np.size(y):
        return t.reshape(np.shape(y))
    y2 = np.atleast_2d(y)
    onehot = np.zeros_like(y2)
    onehot[np.arange(y2.shape[0]), np.atleast_1d(t).astype(int)] = 1
    return onehot.reshape(np.shape(y))


def _batch_size(y):
    return y.shape[0] if np.ndim(y) == 2 else 1


# --- activations -------------------------------------------------------------------------------

def sigmoid_positive_exponent(x):
    return 1 / (1 + np.exp(x))


def sigmoid_alone(x):
    return _sigmoid(x)


def one_minus_sigmoid(x):
    return 1 - _sigmoid(x)


def step_greater_or_equal(x):
    return np.array(np.asarray(x) >= 0, dtype=int)


def relu_absolute(x):
    return np.abs(x)


def relu_identity(x):
    return np.array(x, dtype=float)


def leaky_relu_default_alpha(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, x, 0.01 * np.asarray(x))


def softmax_whole_array(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def softmax_columns(x):
    e = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


# --- losses --------------------------------------------------------------------------------------

def mse_without_half(y, t):
    return float(np.sum((y - t) ** 2) / _batch_size(y))


def mse_mean(y, t):
    return float(np.mean((y - t) ** 2))


def mse_batch_not_averaged(y, t):
    return float(0.5 * np.sum((y - t) ** 2))


def cee_without_delta(y, t):
    return float(-np.sum(_one_hot(y, t) * np.log(y)) / _batch_size(y))


def cee_without_delta_true_class_only(y, t):
    onehot = _one_hot(y, t)
    return float(-np.sum(np.log(y[onehot == 1])) / _batch_size(y))


def cee_positive(y, t):
    return float(np.sum(_one_hot(y, t) * np.log(y + 1e-7)) / _batch_size(y))


def cee_batch_not_averaged(y, t):
    return float(-np.sum(_one_hot(y, t) * np.log(y + 1e-7)))


# --- forward pass --------------------------------------------------------------------------------

def _forward(X, w_hidden, b_hidden, w_output, b_output, hidden=None, output=_sigmoid, bias=True):
    hidden = hidden or (lambda z: np.maximum(0, z))
    Z1 = w_hidden @ X + (b_hidden if bias else 0)
    A1 = hidden(Z1)
    Z2 = w_output @ A1 + (b_output if bias else 0)
    return Z1, A1, Z2, output(Z2)


def forward_without_bias(*args):
    return _forward(*args, bias=False)


def forward_hidden_sigmoid(*args):
    return _forward(*args, hidden=_sigmoid)


def forward_hidden_tanh(*args):
    return _forward(*args, hidden=np.tanh)


def forward_hidden_identity(*args):
    return _forward(*args, hidden=lambda z: z)


def forward_output_identity(*args):
    return _forward(*args, output=lambda z: z)


def forward_output_relu(*args):
    return _forward(*args, output=lambda z: np.maximum(0, z))


def forward_output_tanh(*args):
    return _forward(*args, output=np.tanh)


# --- backpropagation ---------------------------------------------------------------------------

def _gradients(x, t, W1, W2, output_derivative=True, hidden_derivative=True, W2_for_hidden=None):
    h = _sigmoid(W1 @ x)
    o = _sigmoid(W2 @ h)
    loss = float(np.sum(0.5 * (t - o) ** 2))
    delta_o = (o - t) * (o * (1 - o) if output_derivative else 1)
    W2_back = W2 if W2_for_hidden is None else W2_for_hidden
    delta_h = (W2_back.T @ delta_o) * (h * (1 - h) if hidden_derivative else 1)
    return loss, np.outer(delta_h, x), np.outer(delta_o, h)


def gradients_without_output_derivative(x, t, W1, W2):
    return _gradients(x, t, W1, W2, output_derivative=False)


def gradients_without_hidden_derivative(x, t, W1, W2):
    return _gradients(x, t, W1, W2, hidden_derivative=False)


def gradients_without_any_derivative(x, t, W1, W2):
    return _gradients(x, t, W1, W2, output_derivative=False, hidden_derivative=False)


def gradients_negated(x, t, W1, W2):
    loss, dW1, dW2 = _gradients(x, t, W1, W2)
    return loss, -dW1, -dW2


def step_ascent(x, t, W1, W2, lr=0.5):
    _, dW1, dW2 = _gradients(x, t, W1, W2)
    return W1 + lr * dW1, W2 + lr * dW2


def step_with_updated_W2(x, t, W1, W2, lr=0.5):
    _, _, dW2 = _gradients(x, t, W1, W2)
    W2_new = W2 - lr * dW2
    _, dW1, _ = _gradients(x, t, W1, W2, W2_for_hidden=W2_new)
    return W1 - lr * dW1, W2_new


def step_lr_default(x, t, W1, W2, lr=0.5):
    _, dW1, dW2 = _gradients(x, t, W1, W2)
    return W1 - 0.5 * dW1, W2 - 0.5 * dW2


def step_lr_one(x, t, W1, W2, lr=0.5):
    _, dW1, dW2 = _gradients(x, t, W1, W2)
    return W1 - dW1, W2 - dW2


def step_with_updated_W2_recomputed(x, t, W1, W2, lr=0.5):
    _, _, dW2 = _gradients(x, t, W1, W2)
    W2_new = W2 - lr * dW2
    _, dW1, _ = _gradients(x, t, W1, W2_new)
    return W1 - lr * dW1, W2_new


# --- added with the evidence rule ----------------------------------------------------------------

def leaky_relu_as_relu(x, alpha=0.01):
    return np.where(np.asarray(x) > 0, x, 0.0)


def forward_without_hidden_bias(X, w_hidden, b_hidden, w_output, b_output):
    return _forward(X, w_hidden, np.zeros_like(b_hidden), w_output, b_output)


def forward_without_output_bias(X, w_hidden, b_hidden, w_output, b_output):
    return _forward(X, w_hidden, b_hidden, w_output, np.zeros_like(b_output))


def mse_plain_sum(y, t):
    return float(np.sum((y - t) ** 2))
