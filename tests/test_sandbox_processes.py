"""Nothing a submission starts outlives grading, and it cannot signal anyone else's processes.

Under both modes: in process mode the nursery is a child subreaper, the worker (run as root) is
PID 1 of its own PID namespace, and its cgroup is emptied at the end; under bwrap the worker's PID
namespace does the same. Each attack is bounded: a few `sleep` processes with a unique marker.
"""
import subprocess
import time
import uuid

import pytest

from grader.grading import Grader
from grader.runner import Limits
from test_hostile import attack, others_pass


def marker() -> str:
    return f"{uuid.uuid4().int % 100000}.{uuid.uuid4().int % 1000}"


def running(mark: str) -> list[str]:
    return subprocess.run(["pgrep", "-f", f"sleep {mark}"], capture_output=True, text=True).stdout.split()


ESCAPES = {
    "setsid-command": "    import subprocess\n    subprocess.Popen(['setsid', 'sleep', '{mark}'])\n",
    "double-fork": "    import os\n    pid = os.fork()\n    if pid == 0:\n        os.setsid()\n"
                   "        if os.fork() == 0:\n            os.execvp('sleep', ['sleep', '{mark}'])\n"
                   "        os._exit(0)\n    os.waitpid(pid, 0)\n",
    "new-session-ignoring-signals": "    import subprocess, sys\n    subprocess.Popen([sys.executable, '-c', "
                                    "'import signal, subprocess; [signal.signal(s, signal.SIG_IGN) for s in "
                                    "(signal.SIGTERM, signal.SIGHUP, signal.SIGINT)]; "
                                    "subprocess.run([\"sleep\", \"{mark}\"])'], start_new_session=True)\n",
}


@pytest.mark.parametrize("escape", sorted(ESCAPES))
def test_descendants_that_leave_the_session_do_not_outlive_grading(isolated_grade, reference_copy, escape):
    mark = marker()
    attack(reference_copy, ESCAPES[escape].format(mark=mark) + "    return np.where(x > 0, x, alpha * x)\n")
    deadline = time.monotonic() + 10
    result = isolated_grade(reference_copy)
    assert others_pass(result, set())  # the escape is not graded; it must just not survive
    while running(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running(mark) == []


# Bob keeps a helper process; Alice, graded at the same time, tries to kill it and her fork server.
BOB = """    import subprocess, time
    global _checked
    if '_checked' not in globals():
        _checked = True
        helper = subprocess.Popen(['sleep', '{mark}'])
        time.sleep(2.5)
        if helper.poll() is not None:
            raise RuntimeError('my helper was killed')
    return np.where(x > 0, x, alpha * x)
"""

ALICE = """    import os, signal, time
    global _tried
    if '_tried' not in globals():
        _tried = True
        def parent(pid):
            for line in open(f'/proc/{{pid}}/status'):
                if line.startswith('PPid:'):
                    return int(line.split()[1])
        targets = set()
        try:
            server = parent(parent('self'))  # the fork server: the parent of this worker's nursery
            if server:
                targets.add(server)
        except (OSError, TypeError):
            pass
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for name in os.listdir('/proc'):
                try:
                    if name.isdigit() and b'{mark}' in open(f'/proc/{{name}}/cmdline', 'rb').read():
                        targets.add(int(name))
                except OSError:
                    pass
            for pid in targets:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
    return np.where(x > 0, x, alpha * x)
"""


@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_a_submission_cannot_signal_another_workers_processes_or_the_fork_server(reference_copy, isolation):
    mark = marker()
    alice, bob = reference_copy.parent / "alice", reference_copy.parent / "bob"
    for folder in (alice, bob):
        folder.mkdir()
        for source in reference_copy.iterdir():
            (folder / source.name).write_bytes(source.read_bytes())
    attack(alice, ALICE.format(mark=mark))
    attack(bob, BOB.format(mark=mark))
    grader = Grader(isolation=isolation, limits=Limits(call_seconds=8.0, load_seconds=3.0))
    server = grader.launcher.server
    server.wait_ready()
    server_pid = server._process.pid
    try:
        items = {item.path.name: item.result for item in grader.grade_batch([alice, bob], jobs=2)}
        assert items["bob"].exercises[5].status == "passed", items["bob"].exercises[5].cases[0].message
        assert items["alice"].score == 100
        assert server._process.pid == server_pid and server._process.poll() is None
    finally:
        server.close()
