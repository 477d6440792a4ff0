"""순전파 / The forward pass: 글꼴 밝기 신경망 (RGB 예제) / the light/dark font network (RGB example).

샘플은 열입니다 / Samples are columns:
    X (n_features, n_samples), w_hidden (n_hidden, n_features), b_hidden (n_hidden, 1),
    w_output (n_out, n_hidden), b_output (n_out, 1). 3-3-1 이 아닌 크기도 됩니다 / any sizes.

확인 / Check:  grade check forward_prop
"""
import numpy as np


def forward_prop(X, w_hidden, b_hidden, w_output, b_output):
    """순전파 / Forward pass. 튜플 (Z1, A1, Z2, A2) 를 반환 / returns the tuple (Z1, A1, Z2, A2):

        Z1 = w_hidden @ X + b_hidden      A1 = relu(Z1)
        Z2 = w_output @ A1 + b_output     A2 = sigmoid(Z2)

    형태 / Shapes: Z1, A1 (n_hidden, n_samples); Z2, A2 (n_out, n_samples).
    """
    raise NotImplementedError("forward_prop")


def predict(X, w_hidden, b_hidden, w_output, b_output):
    """예측 / Prediction: A2 ≥ 0.5 이면 1 (밝은 글꼴), 아니면 0 / 1 where A2 ≥ 0.5 (light font), else 0.

    형태 / Shape: 정수 배열 (n_out, n_samples) / an integer array (n_out, n_samples).
    """
    raise NotImplementedError("predict")
