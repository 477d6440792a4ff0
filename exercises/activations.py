"""활성화 함수 / Activation functions.

각 함수를 구현하세요. 입력 배열을 제자리에서 바꾸지 말고 새 배열을 반환하세요.
Implement each function. Return a new array; never change the input in place.

확인 / Check:  grade check sigmoid
"""
import numpy as np


def step_function(x):
    """계단 함수 / Step function.

    x > 0 이면 1, 그렇지 않으면 0 (따라서 step_function(0) == 0).
    1 where x > 0, else 0 (so step_function(0) == 0).

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: step_function(np.array([-1.0, 0.0, 2.0])) -> array([0, 0, 1])
    """
    raise NotImplementedError("step_function")


def sigmoid(x):
    """시그모이드 / Sigmoid:  σ(x) = 1 / (1 + e^-x)

    x = ±1000 에서도 NaN이나 inf 없이 0과 1을 반환해야 합니다.
    Must return 0 and 1 at x = ±1000, with no NaN or inf.

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: sigmoid(np.array([-1.0, 1.0, 2.0])) -> array([0.26894142, 0.73105858, 0.88079708])
    """
    raise NotImplementedError("sigmoid")


def sigmoid_grad(x):
    """시그모이드의 미분 / Derivative of the sigmoid:  σ'(x) = σ(x)·(1 − σ(x))

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: sigmoid_grad(0.0) -> 0.25
    """
    raise NotImplementedError("sigmoid_grad")


def tanh(x):
    """하이퍼볼릭 탄젠트 / Hyperbolic tangent:  (e^x − e^-x) / (e^x + e^-x)

    np.tanh 를 써도 됩니다. x = ±1000 에서 ±1 이어야 합니다.
    np.tanh is allowed. Must return ±1 at x = ±1000.

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: tanh(1.0) -> 0.76159416
    """
    raise NotImplementedError("tanh")


def relu(x):
    """렐루 / ReLU:  max(0, x), 원소별 / element-wise.

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: relu(np.array([-1.0, 1.0, 2.0])) -> array([0., 1., 2.])
    """
    raise NotImplementedError("relu")


def leaky_relu(x, alpha=0.01):
    """리키 렐루 / Leaky ReLU:  x > 0 이면 x, 아니면 alpha·x / x where x > 0, else alpha·x.

    alpha 인자를 반드시 사용하세요. / Use the alpha argument.

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: leaky_relu(-2.0) -> -0.02;  leaky_relu(-2.0, alpha=0.1) -> -0.2
    """
    raise NotImplementedError("leaky_relu")


def softmax(x):
    """소프트맥스 / Softmax:  exp(x) / Σ exp(x), 마지막 축을 따라 / along the last axis.

    1차원 입력은 합이 1, (N, C) 입력은 각 행의 합이 1. softmax([1000, 1000, 1000]) = [1/3, 1/3, 1/3].
    A 1-D input sums to 1; each row of an (N, C) input sums to 1.

    형태 / Shape: 입력과 같은 형태 / same shape as x.
    예 / Example: softmax(np.array([8.04, 2.76, -6.52])) -> array([9.9493290e-01, 5.0666269e-03, 4.7256999e-07])
    """
    raise NotImplementedError("softmax")
