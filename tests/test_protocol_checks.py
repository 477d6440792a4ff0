"""Checks on a worker's reports that need no worker: the nesting cap (protocol.py), unchanged arguments (events.py)."""
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


def test_an_argument_reported_unchanged_is_what_was_sent_and_only_for_arrays():
    """`same` is the array sent itself (no copy, and grading takes it as unchanged without comparing it)."""
    import numpy as np

    from grader.observe import changed_arguments
    from grader.runner import CallOutcome, events

    sent = (np.arange(3.0), 2.5)
    after = events.argument_after({"t": "same"}, sent, 0)
    assert after is sent[0]
    prepared = type("Prepared", (), {"case": type("Case", (), {"args": {"x": None, "y": None}}), "inputs": sent})
    assert changed_arguments(prepared, CallOutcome("returned", args_after=[after, None])) == []
    assert changed_arguments(prepared, CallOutcome("returned", args_after=[np.arange(3.0) + 1, None])) == ["x"]
    for position in (1, 2):  # a number, and no argument at all: a forged report
        with pytest.raises(protocol.Interference):
            events.argument_after({"t": "same"}, sent, position)


@pytest.mark.parametrize("seconds", ["1e999", "-1e999", "-2"])
def test_a_call_time_no_clock_gives_is_read_as_zero(seconds):
    """JSON reads 1e999 as Infinity: a forged time must never reach results.json, which must stay strict JSON."""
    from grader.runner import events

    def read(value: str) -> float:
        line = (f'{{"event": "result", "status": "returned", "value": {{"t": "none"}}, "seconds": {value}, '
                f'"output": {{"text": "", "dropped": 0}}}}')
        return events.call_outcome(protocol.parse(line.encode())).seconds

    assert read("0.25") == 0.25 and read(seconds) == 0.0
