"""The warm fork server: submissions it serves, even at the same time, never see each other.

Each attack runs only under Bubblewrap, the mode that promises this (a plain child process shares
the machine's /tmp, the README says so); CI installs bubblewrap, so these tests always run.
"""
import shutil

import pytest

from grader.grading import Grader
from grader.runner import Limits
from grader.submission import open_submission
from helpers import shared_grader
from test_hostile import attack, others_pass


@pytest.fixture(scope="module")
def sandboxed():
    return shared_grader("bwrap", limits=Limits(call_seconds=4.0, load_seconds=3.0))


def grade_one(grader, path):
    with open_submission(path) as submission:
        return grader.grade(submission)


def copy_of(reference_copy, name):
    target = reference_copy.parent / name
    shutil.copytree(reference_copy, target)
    return target


# Alice leaves traces everywhere a worker may write and keeps a process alive while Bob looks.
ALICE = """    import os, subprocess, time
    global _left
    if '_left' not in globals():
        _left = subprocess.Popen(['sleep', '30'])
        for path in ('/tmp/alice-secret', 'alice-secret', '/dev/shm/alice-secret', '/submission/alice-secret'):
            open(path, 'w').write('42')
        time.sleep(1.5)
    if not os.path.exists('/tmp/alice-secret'):  # her own files stay hers: the check can fail
        return x
    return np.where(x > 0, x, alpha * x)
"""

# Bob looks for them while Alice is still running, then again after.
BOB = """    import os, time
    time.sleep(0.5)
    seen = [p for p in ('/tmp/alice-secret', 'alice-secret', '/dev/shm/alice-secret', '/submission/alice-secret')
            if os.path.exists(p)]
    others = [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]
    if seen or others:
        raise RuntimeError(f'saw {seen} {others}')
    return np.where(x > 0, x, alpha * x)
"""


def test_two_submissions_at_once_see_neither_files_nor_processes(sandboxed, reference_copy):
    alice, bob = copy_of(reference_copy, "alice"), copy_of(reference_copy, "bob")
    attack(alice, ALICE)
    attack(bob, BOB)
    items = {item.path.name: item.result for item in sandboxed.grade_batch([alice, bob], jobs=2)}
    assert items["alice"].isolation == items["bob"].isolation == "bwrap"
    assert items["alice"].score == 100, items["alice"].exercises[5].cases[0].message
    assert items["bob"].score == 100, items["bob"].exercises[5].cases[0].message
    # A submission graded later by the same server starts from empty folders too.
    assert grade_one(sandboxed, bob).score == 100


UNDO_MOUNTS = """    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    undone = [p for p in ('/dev/shm', '/dev/null', '/dev', '/tmp', '/work', '/proc', '/submission')
              if libc.umount2(p.encode(), 2) == 0]
    remounted = libc.mount(b'proc', b'/proc', b'proc', 0, None) == 0
    remounted |= libc.mount(b'none', b'/dev', None, 32 | 4096, None) == 0  # MS_REMOUNT | MS_BIND, read-write
    if undone or remounted:
        raise RuntimeError(f'undid {undone} remounted {remounted}')
    return np.where(x > 0, x, alpha * x)
"""


def test_a_worker_cannot_undo_its_private_folders(sandboxed, reference_copy):
    attack(reference_copy, UNDO_MOUNTS)
    result = grade_one(sandboxed, reference_copy)
    assert result.score == 100, result.exercises[5].cases[0].message


def test_a_fork_server_that_dies_is_started_again(reference_copy):
    grader = Grader(isolation="bwrap")
    assert grade_one(grader, reference_copy).score == 100
    server = grader.launcher.server
    server._process.kill()  # as the machine's out-of-memory killer might
    server._process.wait()
    assert grade_one(grader, reference_copy).score == 100
    assert server._process.poll() is None


def test_a_submission_is_served_by_the_warm_server_not_a_fresh_interpreter(sandboxed, reference_copy):
    grade_one(sandboxed, reference_copy)
    server_pid = sandboxed.launcher.server._process.pid
    result = grade_one(sandboxed, reference_copy)
    assert result.score == 100 and sandboxed.launcher.server._process.pid == server_pid
    assert others_pass(result, set())


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_killing_the_grader_mid_run_leaves_no_student_process_behind(reference_copy, isolation):
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    marker = f"{uuid.uuid4().int % 100000}.{uuid.uuid4().int % 1000}"
    attack(reference_copy, f"    import subprocess, time\n    subprocess.Popen(['sleep', '{marker}'])\n"
                           "    while True:\n        time.sleep(0.05)\n")
    grading = subprocess.Popen([sys.executable, "-m", "grader", "submit", str(reference_copy), "--isolation", isolation,
                                "--out", str(reference_copy.parent / "out")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sleepers() -> list[str]:
        return subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True).stdout.split()

    deadline = time.monotonic() + 60
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers(), "the attack never started"
    os.kill(grading.pid, signal.SIGKILL)
    grading.wait()
    deadline = time.monotonic() + 10
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sleepers() == []


PROBE = r'''
import json, os, sys
sys.path.insert(0, "/grader")
import namespaces
asked = []
mount = namespaces._mount
def recording(source, target, kind, flags, options=None):
    asked.append([target, kind])
    return mount(source, target, kind, flags, options)
namespaces._mount = recording
problem = namespaces.self_test()
read_end, write_end = os.pipe()
if os.fork() == 0:
    asked.clear()
    namespaces.enter_namespaces()
    if os.fork() == 0:
        namespaces.make_private_folders()
        os.write(write_end, json.dumps(asked).encode())
        os._exit(0)
    os.wait()
    os._exit(0)
os.close(write_end)
os.wait()
print(json.dumps({"problem": problem, "proc": namespaces._proc_allowed,
                  "worker": json.loads(os.read(read_end, 65536) or b"[]")}))
'''


def test_a_worker_never_asks_for_a_proc_the_sandbox_refused_at_the_self_test(tmp_path):
    """Under Bubblewrap the kernel refuses a worker its own /proc (the sandbox's covers /proc/sys), and
    logs every refusal. The fork server learns that once, at its self-test; its workers go straight to
    the empty /proc that hides the sandbox's."""
    import json
    import subprocess

    from grader.runner import sandbox

    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    arguments = list(sandbox.sandbox_arguments())
    at = arguments.index("--chdir")
    arguments[at:at] = ["--ro-bind", str(script), "/grader/probe.py"]
    run = subprocess.run(["bwrap", *arguments, "--", sandbox.interpreter(), "-I", "-S", "-B", "/grader/probe.py"],
                         capture_output=True, text=True, timeout=60)
    found = json.loads(run.stdout)
    assert found["problem"] == "" and found["proc"] is False
    assert ["/proc", "tmpfs"] in found["worker"]
    assert ["/proc", "proc"] not in found["worker"]
