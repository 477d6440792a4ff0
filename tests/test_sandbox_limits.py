"""Memory and process limits bind for the whole submission, not per process, also when run as root.

Small limits keep each attack bounded even if its defence failed: at most 60 processes that
sleep 3 s, at most 3 × 160 MiB of memory. results.json says which enforcement held.
"""
import os

import pytest

from grader.grading import Grader
from grader.runner import Limits
from grader.submission import open_submission
from helpers import shared_grader
from test_hostile import attack, others_pass


def grade(isolation, path, fresh=False, **limits):
    """leaky_relu graded under `limits`, by the shared fork server or (`fresh`) one made for this call."""
    limits = Limits(call_seconds=10.0, load_seconds=3.0, **limits)
    grader = Grader(isolation=isolation, limits=limits) if fresh else shared_grader(isolation, limits=limits)
    with open_submission(path) as submission:
        result = grader.grade(submission, only=["leaky_relu"])
    if fresh:
        grader.launcher.server.close()
    return result


# The attack runs once per worker: the other cases of the exercise only check the result.
ONCE = """    global _tried
    if '_tried' in globals():
        return np.where(x > 0, x, alpha * x)
    _tried = True
"""

FORKS = ONCE + """    import os, time
    started = 0
    for _ in range(60):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        started += 1
    if started >= 60:
        raise RuntimeError(f'held {started} processes')
    return np.where(x > 0, x, alpha * x)
"""

POPENS = ONCE + """    import subprocess
    started = []
    for _ in range(60):
        try:
            started.append(subprocess.Popen(['sleep', '3']))
        except OSError:
            break
    if len(started) >= 60:
        raise RuntimeError(f'held {len(started)} processes')
    return np.where(x > 0, x, alpha * x)
"""


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
@pytest.mark.parametrize("body", [FORKS, POPENS], ids=["fork", "popen"])
def test_processes_are_bounded_for_the_whole_submission(reference_copy, isolation, body):
    attack(reference_copy, body)
    result = grade(isolation, reference_copy, processes=32)
    leaky = result.exercises[0]
    assert "held" not in leaky.cases[0].message, leaky.cases[0].message
    if os.geteuid() == 0:  # the case this is about: root is exempt from RLIMIT_NPROC
        assert result.limits != "rlimit"


# Three processes, each well within the per-process address-space limit, together above the limit.
FORKED_MEMORY = ONCE + """    import os, time
    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            block = np.ones(160 * 2**20, dtype=np.uint8)  # touched: really held
            time.sleep(1.5)
            os._exit(0 if block[-1] == 1 else 1)
        children.append(pid)
    held = sum(os.waitpid(pid, 0)[1] == 0 for pid in children)
    if held == 3:
        raise RuntimeError('all three held their memory')
    return np.where(x > 0, x, alpha * x)
"""

SPAWNED_MEMORY = ONCE + """    import subprocess, sys
    code = 'import time; block = bytearray(160 * 2**20); time.sleep(1.5)'
    children = [subprocess.Popen([sys.executable, '-I', '-S', '-c', code]) for _ in range(3)]
    held = sum(child.wait() == 0 for child in children)
    if held == 3:
        raise RuntimeError('all three held their memory')
    return np.where(x > 0, x, alpha * x)
"""


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
@pytest.mark.parametrize("body", [FORKED_MEMORY, SPAWNED_MEMORY], ids=["fork", "spawn"])
def test_memory_is_bounded_for_the_whole_submission(reference_copy, isolation, body):
    attack(reference_copy, body)
    result = grade(isolation, reference_copy, memory_bytes=384 * 2**20)
    if result.limits == "rlimit":  # said in the README: without cgroups only the per-process limit holds
        pytest.skip("this host lets the grader make no cgroup: memory is limited per process only")
    leaky = result.exercises[0]
    assert "held" not in leaky.cases[0].message, leaky.cases[0].message


def test_honest_code_passes_under_the_default_limits_and_results_say_how_they_held(isolated_grade, reference_copy):
    result = isolated_grade(reference_copy)
    assert result.score == 100 and others_pass(result, set())
    assert result.limits in ("cgroup-v1", "cgroup-v1+uid", "uid", "rlimit")
    assert result.to_dict()["limits"] == result.limits


WHO = """    import os
    if not 1_900_000_000 <= os.getuid() < 1_900_001_024 or os.getgroups():
        raise RuntimeError(f'ran as {os.getuid()} {os.getgroups()}')
    try:
        os.setuid(0)
    except PermissionError:
        return np.where(x > 0, x, alpha * x)
    raise RuntimeError('became root again')
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid pool is for a grader run as root")
@pytest.mark.parametrize("body", [WHO, FORKS], ids=["uid", "forks"])
def test_a_pool_uid_binds_the_process_limit_where_there_are_no_cgroups(reference_copy, monkeypatch, body):
    """Forced here: this host has cgroups, and its interpreter may sit in a private home folder. A launcher
    made for the test: it decides how it confines workers when it is made."""
    from grader.runner import confine

    monkeypatch.setattr(confine, "_cgroup_parents", lambda: {})
    monkeypatch.setattr(confine.uids, "others_can_run_python", lambda: True)
    attack(reference_copy, body)
    result = grade("process", reference_copy, fresh=True, processes=32)
    assert result.limits == "uid"
    leaky = result.exercises[0]
    assert leaky.status == "passed", leaky.cases[0].message
