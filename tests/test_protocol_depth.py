"""The nesting cap on a worker's reports, checked without starting a worker (runner/protocol.py)."""
import json

import pytest

from grader.runner import protocol


def nested(levels: int) -> bytes:
    """A valid report whose deepest part is `levels` objects and lists deep, the report itself included."""
    inner = "[" * (levels - 1) + "]" * (levels - 1)
    return ('{"event": "result", "value": ' + inner + "}").encode()


def test_a_report_at_the_cap_is_read():
    assert protocol.parse(nested(protocol.MAX_DEPTH))["event"] == "result"


@pytest.mark.parametrize("levels", [protocol.MAX_DEPTH + 1, protocol.MAX_DEPTH + 20, 900])
def test_a_valid_report_nested_past_the_cap_is_interference(levels):
    with pytest.raises(protocol.Interference, match="nested too deep"):
        protocol.parse(nested(levels))


def test_brackets_inside_strings_never_count_as_nesting():
    line = json.dumps({"event": "output", "text": "[" * 500 + "{" * 500}).encode()
    assert protocol.parse(line)["text"].startswith("[[[")


def test_nesting_through_objects_counts_like_lists():
    value: object = 1
    for _ in range(protocol.MAX_DEPTH):
        value = {"k": [value]}
    with pytest.raises(protocol.Interference, match="nested too deep"):
        protocol.parse(json.dumps({"event": "result", "value": value}).encode())
