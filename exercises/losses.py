"""손실 함수 / Loss functions.

y 는 신경망의 출력, t 는 정답입니다. 둘 다 float 을 반환합니다.
y is the network's output, t the target. Both return a float.

확인 / Check:  grade check mean_squared_error
"""
import numpy as np


def mean_squared_error(y, t):
    """평균 제곱 오차 / Mean squared error:  E = ½ Σ (y − t)²

    y 가 (N, C) 배치이면 그 합을 N 으로 나눕니다. / For an (N, C) batch, divide that sum by N.

    예 / Example:
        t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
        y = [0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0]
        mean_squared_error(y, t) -> 0.0975
    """
    raise NotImplementedError("mean_squared_error")


def cross_entropy_error(y, t):
    """교차 엔트로피 오차 / Cross-entropy error:  E = −Σ t·log(y + δ),  δ = 1e-7

    y 가 (N, C) 배치이면 N 으로 나눕니다. t 는 원-핫(y 와 같은 형태) 또는 정수 레이블
    (형태 (N,), 1차원 y 에는 정수 하나)입니다.
    For an (N, C) batch, divide by N. t is one-hot (y's shape) or integer labels
    (shape (N,), or a single int for a 1-D y).

    예 / Example (위의 y, t / the y and t above): cross_entropy_error(y, t) -> 0.510825457
    """
    raise NotImplementedError("cross_entropy_error")
