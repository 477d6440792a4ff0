"""Mistake models: what a student with a known mistake computes, one function per model.

exercises.toml names them in an exercise's [[exercises.mistakes]] (`models = [...]`). Each takes the
exercise's arguments in order. They run in the grader's process, never in a student's worker, and are
never given to students (a student kit holds their outputs on the public cases, frozen as data).
"""
import numpy as np


def mae_without_abs(y, t):
    return np.mean(np.asarray(y, dtype=float) - np.asarray(t, dtype=float))


def mae_summed(y, t):
    return np.sum(np.abs(np.asarray(y, dtype=float) - np.asarray(t, dtype=float)))
