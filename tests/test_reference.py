"""The reference agrees with every value on the slides, is stable at extremes, and leaves inputs alone."""
import warnings

import numpy as np
import pytest

from grader.cases import build_value, prepare_exercise
from grader.catalog import load_catalog
from reference import activations, backprop, losses

SLIDE_Y = np.array([0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0])
SLIDE_Y7 = np.array([0.1, 0.05, 0.1, 0, 0.05, 0.1, 0, 0.6, 0, 0])
ONE_HOT_2 = np.eye(10)[2]
X, T = np.array([0.1, 0.2]), np.array([0.4, 0.6])
W1, W2 = np.array([[0.3, 0.25], [0.4, 0.35]]), np.array([[0.45, 0.4], [0.7, 0.6]])


def close(got, expected):
    return np.allclose(got, expected, rtol=1e-5, atol=1e-8)


def test_activation_slide_values():
    assert close(activations.sigmoid(np.array([-1.0, 1.0, 2.0])), [0.26894142, 0.73105858, 0.88079708])
    assert close(activations.relu(np.array([-1.0, 1.0, 2.0])), [0, 1, 2])
    assert activations.sigmoid_grad(0.0) == 0.25
    assert close(activations.tanh(1.0), 0.76159416)
    assert close(activations.leaky_relu(-2.0), -0.02)
    assert activations.step_function(0.0) == 0
    assert close(activations.softmax(np.array([8.04, 2.76, -6.52])), [0.99493290, 0.00506663, 4.7257e-07])


def test_loss_slide_values():
    assert close(losses.mean_squared_error(SLIDE_Y, ONE_HOT_2), 0.0975)
    assert close(losses.mean_squared_error(SLIDE_Y7, ONE_HOT_2), 0.5975)
    assert close(losses.cross_entropy_error(SLIDE_Y, ONE_HOT_2), 0.510825457)
    assert close(losses.cross_entropy_error(SLIDE_Y7, ONE_HOT_2), 2.302584093)
    assert close(losses.cross_entropy_error(SLIDE_Y, np.eye(10)[3]), 16.118095651)
    assert close(losses.cross_entropy_error(SLIDE_Y, 2), 0.510825457)


def test_backpropagation_slide_values():
    loss, dW1, dW2 = backprop.backprop_gradients(X, T, W1, W2)
    assert close(loss, 0.02397190) and close(dW2[0, 0], 0.02592286)
    W1_new, W2_new = backprop.backprop_step(X, T, W1, W2, lr=0.5)
    assert close(W2_new, [[0.43703857, 0.38685205], [0.69629578, 0.59624247]])
    assert close(W1_new, [[0.29959556, 0.24919112], [0.39964496, 0.34928991]])


@pytest.mark.parametrize("function, expected", [
    (activations.sigmoid, [0.0, 1.0]), (activations.tanh, [-1.0, 1.0]), (activations.softmax, [0.0, 1.0]),
])
def test_stable_at_plus_minus_1000_without_warnings(function, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert close(function(np.array([-1000.0, 1000.0])), expected)
        assert close(activations.softmax(np.array([1000.0, 1000.0, 1000.0])), [1 / 3] * 3)


def test_every_literal_in_the_catalog_matches_the_reference():
    catalog = load_catalog()
    for exercise in catalog.exercises:
        reference = getattr(__import__(f"reference.{exercise.module}", fromlist=["x"]), exercise.id)
        for case, prepared in zip(exercise.cases, prepare_exercise(catalog, exercise).cases):
            if case.expected is None and not case.literals:
                continue
            computed = reference(*(build_value(spec) for spec in case.args.values()))
            expected = prepared.expected
            pairs = zip(computed, expected) if isinstance(expected, tuple) else [(computed, expected)]
            assert all(close(c, e) for c, e in pairs), (exercise.id, case.name.en)


def test_the_reference_never_changes_its_inputs():
    catalog = load_catalog()
    for exercise in catalog.exercises:
        reference = getattr(__import__(f"reference.{exercise.module}", fromlist=["x"]), exercise.id)
        for case in exercise.cases:
            inputs = [build_value(spec) for spec in case.args.values()]
            before = [np.copy(v) for v in inputs]
            reference(*inputs)
            assert all(np.array_equal(a, b) for a, b in zip(inputs, before)), exercise.id
