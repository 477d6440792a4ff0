"""A behaviour check's further calls (the repeat with the same seed, the call with an argument changed) are the
student's code too: a function fast the first time and slow, or stuck, the next is stopped at the call limit
and the case is reported as a timeout of that call, never passed, never a hung grading.

The student code here spins until a deadline 30 s away rather than forever, so that even if the call limit
failed, the test would end (and fail on the status) instead of hanging the machine's test run.
"""
from pathlib import Path

import numpy as np
import pytest

from grader.behaviour import judge
from grader.catalog.behaviour import parse_behaviour
from grader.i18n import Messages
from grader.runner import Limits
from grader.runner.job import CallOutcome
from tests.test_behaviour import nn2_grading

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["X", "Y", "hidden", "epochs", "lr", "seed"]
INPUTS = (np.zeros((4, 2)), np.zeros((4, 1)), 2, 2, 1.0, 0)
SPIN = "    import time\n    deadline = time.monotonic() + 30\n    while time.monotonic() < deadline:\n        pass\n"


def _judge(check, extra):
    check = parse_behaviour({"kind": "behaviour", **check}, NAMES, "test")
    return judge(check, NAMES, INPUTS, CallOutcome("returned", value=([0.3, 0.2],), seconds=0.1, extra=extra),
                 ("losses",), Limits(call_seconds=2.5))


def test_a_further_call_that_ran_out_of_time_is_its_own_failure_with_the_limit():
    history = {"history": {"output": 0}}
    repeat = _judge({**history, "repeat": True}, [CallOutcome("timeout")])
    assert (repeat.part, repeat.facts) == ("repeat-timeout", {"seconds": "2.5"})
    responds = _judge({**history, "responds": {"lr": 0.5}}, [CallOutcome("timeout")])
    assert responds.part == "responds-timeout" and responds.facts == {"argument": "lr", "value": "0.5",
                                                                      "seconds": "2.5"}
    both = _judge({**history, "repeat": True, "responds": {"lr": 0.5}},
                  [CallOutcome("returned", value=([0.3, 0.2],)), CallOutcome("timeout", reason="submission-time-limit")])
    assert both.part == "responds-timeout" and both.facts["seconds"] == "120"  # the submission's whole time
    for lang in ("en", "ko"):
        for finding in (repeat, responds):
            worded = Messages(lang).t(f"behaviour.{finding.part}", **finding.facts)
            assert "2.5" in worded and "timeout" not in worded


def test_a_changed_argument_call_that_raised_fails_the_case_and_is_never_ignored():
    failed = _judge({"history": {"output": 0}, "responds": {"lr": 0.5}}, [CallOutcome("raised")])
    assert failed.part == "responds-failed" and failed.facts == {"argument": "lr", "value": "0.5"}


@pytest.fixture(scope="module", params=["process", "bwrap"])
def nn2(request):
    grade = nn2_grading(call_seconds=1.5, isolation=request.param)
    grade.isolation = request.param
    return grade


def _training(tmp_path: Path, name: str, slow_when: str) -> Path:
    """The reference's train_xor, slow on the calls `slow_when` (a Python condition) picks out; CALLS counts
    the calls with the same seed, lr and epochs, this one included."""
    source = (ROOT / "reference" / "training.py").read_text(encoding="utf-8")
    head = "def train_xor(X, Y, hidden, epochs, lr, seed):\n"
    assert head in source
    count = "    CALLS[seed, lr, epochs] = CALLS.get((seed, lr, epochs), 0) + 1\n"
    spin = count + f"    if {slow_when}:\n" + "".join("    " + line + "\n" for line in SPIN.splitlines())
    folder = tmp_path / name
    folder.mkdir()
    (folder / "training.py").write_text("CALLS = {}\n\n" + source.replace(head, head + spin, 1), encoding="utf-8")
    return folder


def test_a_training_fast_once_and_stuck_on_the_repeat_is_stopped_and_reported_as_a_timeout(nn2, tmp_path):
    # The first case (seed 0) is called twice with the same arguments: the second call spins.
    # Each grading spins 1.5 s, so each isolation mode reads the message in one language.
    folder = _training(tmp_path, "slow-repeat", "CALLS[seed, lr, epochs] > 1")
    lang = {"process": "en", "bwrap": "ko"}[nn2.isolation]
    exercise, = nn2(folder, lang=lang).exercises
    first = exercise.cases[0]
    assert first.status == "timeout" and exercise.status == "timeout", first
    worded = {"en": ("second time", "1.5 s"), "ko": ("두 번째", "1.5초")}[lang]
    assert all(words in first.message for words in worded), first.message


def test_a_training_stuck_only_when_the_learning_rate_changes_never_passes_that_case(nn2, tmp_path):
    """The second case calls again with lr = 0.5 (seed 7): that call spins."""
    exercise, = nn2(_training(tmp_path, "slow-lr", "lr == 0.5 and seed == 7")).exercises
    assert exercise.cases[0].status == "passed"
    second = exercise.cases[1]
    assert second.status == "timeout" and "`lr` = 0.5" in second.message and "1.5 s" in second.message, second
    assert exercise.score < 100
