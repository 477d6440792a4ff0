"""역전파 한 단계 / One step of backpropagation: 슬라이드의 2-2-2 시그모이드 신경망 (편향 없음)
the 2-2-2 sigmoid network of the slides (no biases).

    h = sigmoid(W1 @ x),  o = sigmoid(W2 @ h),  E = Σ ½ (t − o)²

x (n_in,), t (n_out,), W1 (n_hidden, n_in), W2 (n_out, n_hidden). 어떤 크기든 / any sizes.

확인 / Check:  grade check backprop_gradients
"""
import numpy as np


def backprop_gradients(x, t, W1, W2):
    """(loss, dW1, dW2) 를 반환 / Returns (loss, dW1, dW2):
    주어진 가중치에서의 손실과 ∂E/∂W1, ∂E/∂W2 (각각 W1, W2 와 같은 형태).
    the loss at the given weights and ∂E/∂W1, ∂E/∂W2 (with W1's and W2's shapes).

    슬라이드 / Slide: x = [0.1, 0.2], t = [0.4, 0.6], W1 = [[0.3, 0.25], [0.4, 0.35]],
    W2 = [[0.45, 0.4], [0.7, 0.6]]  ->  loss = 0.02397190, dW2[0, 0] = ∂E/∂W5 = 0.02592286
    """
    raise NotImplementedError("backprop_gradients")


def backprop_step(x, t, W1, W2, lr=0.5):
    """경사 하강법 한 단계 / One gradient-descent step:  W ← W − lr · ∂E/∂W.
    두 기울기 모두 업데이트 전 가중치로 계산합니다. (W1_new, W2_new) 를 반환합니다.
    Both gradients are taken at the weights before the update. Returns (W1_new, W2_new).

    슬라이드 / Slide (lr = 0.5): W2_new = [[0.43703857, 0.38685205], [0.69629578, 0.59624247]],
                                W1_new = [[0.29959556, 0.24919112], [0.39964496, 0.34928991]]
    """
    raise NotImplementedError("backprop_step")
