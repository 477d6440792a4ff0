"""The engine's own bookkeeping, without starting a worker: what a batch's grading threads share (every
exercise's prepared cases, the launcher) is made once, before they start, by an explicit warm_up."""
from concurrent.futures import Future

from grader.grading import Grader


def test_warm_up_prepares_every_exercise_and_takes_the_launcher_once():
    pending, launcher = Future(), object()
    pending.set_result(launcher)
    grader = Grader(pending_launcher=pending)
    grader.warm_up()
    assert set(grader._prepared) == set(grader.catalog.ids) and grader._launcher is launcher
    prepared = dict(grader._prepared)
    grader.pending_launcher = None  # were the launcher made again, it would start a real fork server
    grader.warm_up()
    assert grader.launcher is launcher
    assert all(grader._prepared[name] is prepared[name] for name in prepared)
    assert [case.case for case in prepared["relu"].cases] == list(grader.catalog.exercise("relu").cases)
