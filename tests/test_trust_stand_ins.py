"""One way to build a stand-in table (B's right results for the arguments A is likely to pass it): the one a
cascade check sends with A's calls (grader/isolate.py) and the one a student kit freezes (grader/kit/freeze.py)
are made by the same function, so a kit's cascade check answers exactly as the full course's does."""
import numpy as np

import grader.kit.freeze
import grader.isolate
import grader.stand_in_table
from grader.course import load_course
from grader.grading import Grader
from grader.runner import codec
from grader.stand_in_table import stand_in_table


def test_arguments_equal_in_value_but_not_in_dtype_each_get_their_own_entry():
    """An int array is not a float array's key: the worker matches a stand-in's arguments by dtype kind."""
    calls = []

    def reference(x):
        calls.append(x.dtype)
        return x * 2

    table = stand_in_table(reference, [(np.array([1.0, 2.0]),)], [(np.array([1, 2]), 7), (np.array([1.0, 2.0]), 8)],
                           codec.encode)
    assert [codec.decode(args[0]).dtype.kind for args, _ in table] == ["f", "i"]
    assert calls == [np.dtype(float), np.dtype(int)]  # the repeated float argument is computed once


def test_arguments_the_callee_refuses_or_the_wire_cannot_carry_are_left_out():
    from grader.errors import CatalogError

    def reference(x):
        if x.ndim != 1:
            raise ValueError("1-D only")
        return x

    def encode(value):
        if isinstance(value, np.ndarray) and value.size > 2:
            raise CatalogError("too big to freeze exactly")
        return codec.encode(value)

    table = stand_in_table(reference, [(np.zeros(2),)], [(np.zeros((2, 2)),), (np.zeros(3),)], encode)
    assert len(table) == 1


def test_the_cascade_check_and_the_kit_builder_both_build_their_tables_with_it(monkeypatch, tmp_path):
    seen = []
    real = grader.stand_in_table.stand_in_table

    def spy(*args, **kwargs):
        table = real(*args, **kwargs)
        seen.append(len(table))
        return table

    for module in (grader.isolate, grader.kit.freeze):
        monkeypatch.setattr(module, "stand_in_table", spy)
    catalog = load_course().catalog()
    grader.kit.freeze.freeze_course(catalog, tmp_path / "frozen")
    frozen = len(seen)
    assert frozen > 0
    full = Grader(catalog=catalog, isolation="process")
    table = grader.isolate._table(full, catalog.exercise("backprop_step"), catalog.exercise("backprop_gradients"),
                                  [case.inputs for case in full.prepare(catalog.exercise("backprop_step")).cases])
    assert len(seen) == frozen + 1 and seen[-1] == len(table) > 0
