"""Forged reports: student code writes on the worker's report channel; the grader never falls over.

Each attack finds the channel its own way (an inherited pipe found in /proc/self/fd, or the
worker's Protocol object found through gc) and writes what the worker never would. The attacked
exercise gets `error` with "the submission interfered with the grader"; every other is graded.
"""
import resource

import pytest

from test_hostile import attack, others_pass

# Finds the report pipe: a write-only FIFO other than stdin, stdout and stderr.
BY_FD = """    import os, stat, fcntl
    for fd in range(3, 256):
        try:
            if fd > 2 and stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & 3 == os.O_WRONLY:
                payload = {payload}
                while payload:
                    payload = payload[os.write(fd, payload):]
        except OSError:
            pass
    return np.where(x > 0, x, alpha * x)
"""

# Finds the worker's own Protocol object and sends through it.
BY_GC = """    import gc
    for thing in gc.get_objects():
        if type(thing).__name__ == 'Protocol' and hasattr(thing, 'stream'):
            thing.stream.write({payload})
            thing.stream.flush()
    return np.where(x > 0, x, alpha * x)
"""

FORGERIES = {
    "not-an-object": b"[]\n",
    "index-out-of-range": b'{"event": "result", "index": 99999, "status": "returned", "value": {"t": "none"}}\n',
    "missing-key": b'{"event": "call"}\n',
    "string-index": b'{"event": "result", "index": "0", "status": "missing"}\n',
    "nested": b"[" * 100_000 + b"\n",
    "not-json": b"\xff\xfe garbage\n",
    "done-early": b'{"event": "done"}\n',
    "bad-array": b'{"event": "result", "index": 0, "status": "returned", "value": {"t": "ndarray", "dtype": "O",'
                 b' "shape": [1], "b64": "AA=="}}\n',
}


def assert_interfered(result):
    leaky = result.exercises[5]
    assert leaky.id == "leaky_relu" and leaky.status == "error" and leaky.score == 0
    assert "interfered with the grader" in leaky.cases[0].message, leaky.cases[0].message
    assert others_pass(result, {"leaky_relu"})


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_report_through_the_pipe_costs_only_the_attacked_exercise(isolated_grade, reference_copy, name):
    attack(reference_copy, BY_FD.format(payload=repr(FORGERIES[name])))
    assert_interfered(isolated_grade(reference_copy))


@pytest.mark.parametrize("name", ["index-out-of-range", "nested", "string-index"])
def test_a_forged_report_through_the_workers_own_object_costs_only_the_attacked_exercise(isolated_grade,
                                                                                      reference_copy, name):
    attack(reference_copy, BY_GC.format(payload=repr(FORGERIES[name])))
    assert_interfered(isolated_grade(reference_copy))


def test_a_forged_report_at_import_costs_only_that_file(isolated_grade, reference_copy):
    (reference_copy / "sneaky.py").write_text(
        "import os, stat\nfor fd in range(3, 64):\n    try:\n"
        "        if stat.S_ISFIFO(os.fstat(fd).st_mode):\n            os.write(fd, b'{\"event\": 7}\\n')\n"
        "    except OSError:\n        pass\n", encoding="utf-8")
    result = isolated_grade(reference_copy)
    sneaky = next(f for f in result.files if f.name == "sneaky.py")
    # The statement that wrote is skipped and ends that file's loading, as a crash would; nothing else is lost.
    assert sneaky.advice == ["line 2 `for fd in range(3, 64):` skipped: while it ran, the grading process's report "
                             "channel received something the grader never writes, so the rest of this file was not loaded"]
    assert result.score == 100


def test_a_hundred_megabyte_line_costs_the_grader_no_memory(isolated_grade, reference_copy):
    # Without a line cap the grader buffers all of it (and more while parsing); with it, 16 MiB at most.
    attack(reference_copy, BY_FD.format(payload="b'[' + b'1,' * (50 * 2**20)"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = isolated_grade(reference_copy)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert_interfered(result)
    assert grown_mb < 60, f"the grader grew by {grown_mb:.0f} MB reading one line"


def test_the_interference_is_explained_in_korean_too(isolated_grade, reference_copy):
    attack(reference_copy, BY_FD.format(payload=repr(FORGERIES["not-an-object"])))
    leaky = isolated_grade(reference_copy, lang="ko").exercises[5]
    assert leaky.status == "error" and "채점기를 방해했습니다" in leaky.cases[0].message
