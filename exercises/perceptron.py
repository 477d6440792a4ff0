"""퍼셉트론으로 만드는 논리 게이트 / Logic gates as perceptrons.

입력은 0 또는 1, 출력도 0 또는 1. 가중치, 편향, 계단 함수를 쓰세요.
Inputs are 0 or 1, and so is the output. Use weights, a bias and a step.

확인 / Check:  grade check and_gate
"""
import numpy as np


def and_gate(x1, x2):
    """AND 게이트 / AND gate: and_gate(1, 1) -> 1, 그 밖에는 / otherwise 0."""
    raise NotImplementedError("and_gate")


def or_gate(x1, x2):
    """OR 게이트 / OR gate: or_gate(0, 0) -> 0, 그 밖에는 / otherwise 1."""
    raise NotImplementedError("or_gate")


def nand_gate(x1, x2):
    """NAND 게이트 / NAND gate: nand_gate(1, 1) -> 0, 그 밖에는 / otherwise 1."""
    raise NotImplementedError("nand_gate")


def xor_gate(x1, x2):
    """XOR 게이트 / XOR gate: 위 게이트를 쌓아서 (2층 퍼셉트론) / by stacking the gates above (two layers).

    xor_gate(0, 1) -> 1, xor_gate(1, 1) -> 0
    """
    raise NotImplementedError("xor_gate")
