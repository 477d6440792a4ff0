"""A hostile corpus: each attack is bounded so it cannot harm the machine even if the sandbox failed.

For each: the rest of the submission is graded correctly, the attacked exercise gets error or
timeout with a reason, it never earns more than honest code would, nothing is left behind.
"""
import os
import socket
import subprocess
import uuid

import pytest

from test_isolation import replace_function


def others_pass(result, attacked):
    return all(e.status == "passed" for e in result.exercises if e.id not in attacked)


def attack(folder, body, name="leaky_relu"):
    """Put the attack in leaky_relu, which no other reference function imports."""
    replace_function(folder, "activations.py", name, f"def {name}(x, alpha=0.01):\n" + body)


def test_allocating_gigabytes_is_a_memory_error(isolated_grade, reference_copy):
    # One 3 GiB request: refused at once under the 2 GiB limit, and still bounded if the limit failed.
    attack(reference_copy, "    block = np.ones(3 * 2**30, dtype=np.uint8)\n    return x\n")
    result = isolated_grade(reference_copy)
    leaky = result.exercises[5]
    assert leaky.status == "error" and "MemoryError" in leaky.cases[0].message
    assert others_pass(result, {"leaky_relu"})


@pytest.mark.parametrize("statement", ["raise KeyboardInterrupt", "raise SystemExit(3)", "import sys; sys.exit()"])
def test_interrupts_and_exits_inside_a_function_are_errors(isolated_grade, reference_copy, statement):
    attack(reference_copy, f"    {statement}\n")
    result = isolated_grade(reference_copy)
    assert result.exercises[5].status == "error" and others_pass(result, {"leaky_relu"})


@pytest.mark.parametrize("statement", ["raise KeyboardInterrupt", "import os; os._exit(0)"])
def test_interrupts_and_exits_at_import_cost_only_that_file(isolated_grade, reference_copy, statement):
    (reference_copy / "extra.py").write_text(statement + "\n")
    result = isolated_grade(reference_copy)
    assert result.score == 100
    extra = next(f for f in result.files if f.name == "extra.py")
    # Statement by statement (CONTRACT "Conventions"): the line is skipped and said so, the file is not an error.
    assert extra.ok and len(extra.advice) == 1 and extra.advice[0].startswith("line 1 ")


def test_fake_result_files_never_reach_the_grader(isolated_grade, reference_copy, tmp_path):
    marker = f"grade-hostile-{uuid.uuid4().hex}"
    attack(reference_copy, "    import os\n"
           f"    for folder in ('.', '..', '/tmp', os.path.expanduser('~')):\n"
           "        try:\n"
           f"            open(os.path.join(folder, '{marker}.json'), 'w').write('{{\"score\": 100}}')\n"
           "        except OSError:\n"
           "            pass\n"
           "    return x\n")
    result = isolated_grade(reference_copy)
    assert result.exercises[5].score == 0 and result.score == 98
    assert not list(reference_copy.glob(f"{marker}*")) and not list(reference_copy.parent.glob(f"{marker}*"))
    if isolated_grade.isolation == "bwrap":  # a plain process as root can write /tmp; the sandbox cannot
        assert not os.path.exists(f"/tmp/{marker}.json")
    else:  # a plain process can (the README says to use bwrap): the fake file was there, and still ignored
        assert os.path.exists(f"/tmp/{marker}.json")
        os.remove(f"/tmp/{marker}.json")


def test_another_students_files_are_invisible_in_the_sandbox(isolated_grade, reference_copy, tmp_path):
    secret = tmp_path / "bob" / "answers.txt"
    secret.parent.mkdir()
    secret.write_text("42")
    attack(reference_copy, f"    return np.full(np.shape(x), float(open({str(secret)!r}).read()))\n")
    leaky = isolated_grade(reference_copy).exercises[5]
    if isolated_grade.isolation == "bwrap":
        assert leaky.status == "error" and "FileNotFoundError" in leaky.cases[0].message
    else:  # a plain process can read it (the README says to use bwrap); the stolen value still fails
        assert leaky.status == "failed" and "got 42" in leaky.cases[0].message


def test_child_processes_do_not_outlive_grading(isolated_grade, reference_copy):
    marker = f"{uuid.uuid4().int % 1000}.{uuid.uuid4().int % 1000}"
    attack(reference_copy, "    import subprocess\n"
           f"    for _ in range(30):\n        subprocess.Popen(['sleep', '{marker}'])\n"
           "    return x\n")
    result = isolated_grade(reference_copy)
    assert result.exercises[5].score == 0 and others_pass(result, {"leaky_relu"})
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True).stdout.split()
    assert left == []


def test_the_network_is_unreachable_in_the_sandbox(isolated_grade, reference_copy):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    attack(reference_copy, f"    import socket\n    socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
           "    return np.where(x > 0, x, alpha * x)\n")
    try:
        leaky = isolated_grade(reference_copy).exercises[5]
    finally:
        server.close()
    if isolated_grade.isolation == "bwrap":
        assert leaky.status == "error" and ("ConnectionRefused" in leaky.cases[0].message or "OSError" in leaky.cases[0].message)
    else:  # a plain process shares the grader's network (the README says to use bwrap)
        assert leaky.status == "passed"


def test_values_that_are_not_numbers_get_no_credit(isolated_grade, reference_copy):
    replace_function(reference_copy, "activations.py", "tanh",
                     "class Sly:\n    def __array__(self, *a, **k):\n        raise RuntimeError('no')\n\n"
                     "def tanh(x):\n    return Sly()\n")
    attack(reference_copy, "    return np.zeros(10**8)\n")
    result = isolated_grade(reference_copy)
    tanh, leaky = result.exercises[3], result.exercises[5]
    assert tanh.score == 0 and "Sly" in tanh.cases[0].message
    assert leaky.score == 0 and "bytes" in leaky.cases[0].message
    assert others_pass(result, {"tanh", "leaky_relu"})


def test_tens_of_megabytes_of_raw_output_are_cut_to_the_limit(isolated_grade, reference_copy):
    attack(reference_copy, "    import os\n    os.write(1, b'y' * 20_000_000)\n    return np.where(x > 0, x, alpha * x)\n")
    result = isolated_grade(reference_copy)
    assert result.score == 100  # printing is allowed; it is only kept short
    assert result.output.startswith("y" * 1000) and len(result.output) < 70 * 1024
    assert result.output.endswith("more bytes not shown)")
