"""XOR 학습 / Training a network on XOR: 은닉층 하나짜리 신경망을 NumPy 만으로 학습합니다.
a network with one hidden layer, trained with NumPy alone.

단층 퍼셉트론은 XOR 를 배우지 못합니다 (손실이 0.25 근처에서 멈춤). 비선형 은닉층이 있어야 합니다.
A single layer cannot learn XOR (the loss stalls near 0.25); it needs a non-linear hidden layer.

샘플은 행입니다 / Samples are rows:
    H   = sigmoid(X @ W1 + b1)      X (N, n_in),  W1 (n_in, hidden), b1 (hidden,)
    out = sigmoid(H @ W2 + b2)      W2 (hidden, n_out), b2 (n_out,)
    L   = np.mean((out - Y) ** 2)   평균 제곱 오차 / the mean squared error

확인 / Check:  grade check train_xor
"""
import numpy as np


def train_xor(X, Y, hidden, epochs, lr, seed):
    """전체 배치 경사 하강법으로 `epochs` 번 학습하고 (W1, b1, W2, b2, losses) 를 반환합니다.
    Trains with full-batch gradient descent for `epochs` steps; returns (W1, b1, W2, b2, losses).

    - 가중치는 `rng = np.random.default_rng(seed)` 로 초기화: 같은 seed 는 같은 결과.
      Initialise the weights from `rng = np.random.default_rng(seed)`: the same seed, the same result.
    - losses[i] 는 i 번째 업데이트 전의 손실, 그래서 len(losses) == epochs.
      losses[i] is the loss before the i-th update, so len(losses) == epochs.
    - 업데이트 / Update:  W ← W − lr · ∂L/∂W  (W1, b1, W2, b2 모두 / all four)

    예 / Example:  X = [[0, 0], [0, 1], [1, 0], [1, 1]], Y = [[0], [1], [1], [0]],
    hidden = 8, epochs = 2000, lr = 2.0  ->  손실이 0.05 보다 작게 끝나고 네 입력 모두 맞게 분류
    the loss ends below 0.05 and all four inputs are classified right.
    """
    raise NotImplementedError("train_xor")
