"""grader.json_text writes results.json: the very text json.dumps(…, ensure_ascii=False, indent=2) would."""
import json

import numpy as np
import pytest

from conftest import ROOT
from grader.json_text import dumps

TRICKY = [
    {"floats": [1.0, -0.0, 0.1, 1e300, 5e-324, float("nan"), float("inf"), -float("inf")], "ints": [0, -5, 10**30],
     "text": ["한국어", "\"quoted\" \\ /", "\n\t\x00\x1f\u2028", "\ud800", ""], "flags": [True, False, None]},
    {"empty": [{}, [], [[]], {"a": {}}], "tuple": (1, (2, 3)), "mixed": [1, "a", None, 2.5, True, [1.5, None]]},
    {"numpy": [np.float64(0.1), np.float64("nan")], "subclass": np.float64(-2.5), "deep": [[[[[1]]]]]},
    [], {}, "alone", 3.25, None, True, 7,
]


@pytest.mark.parametrize("value", TRICKY)
def test_the_text_is_json_dumps_own(value):
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("value", [{1: "int key"}, {"a": {2.5: "float key"}}, {"x": np.int64(3)}, [object()],
                                   {"set": {1}}])
def test_what_it_does_not_know_is_left_to_json(value):
    """Keys that are not strings, and types json itself refuses: the same text, or the same error."""
    try:
        expected = json.dumps(value, ensure_ascii=False, indent=2)
    except TypeError as error:
        with pytest.raises(TypeError, match=str(error)):
            dumps(value)
    else:
        assert dumps(value) == expected


def test_a_graded_submission_is_written_as_json_would(grade):
    from grader.results import SubmissionResult

    result = grade(ROOT / "tests" / "fixtures" / "mistakes" / "sigmoid-sign.py")
    assert isinstance(result, SubmissionResult)
    assert result.to_json() == json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
