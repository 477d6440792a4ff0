"""Nothing writable is shared between workers of one fork server, and every private folder is capped.

Bubblewrap only: a plain child process shares the machine's /tmp and /dev/shm (the README says so).
"""
import pytest

from grader.runner import Limits
from grader.submission import open_submission
from helpers import shared_grader
from test_hostile import attack, others_pass

# Alice leaves a file in every place she can write: the usual ones, then any folder she finds writable.
ALICE = """    import os, sys
    skip = ('/proc', '/sys', '/usr', sys.base_prefix)  # read-only or not files: walking them takes long
    places = ['/dev', '/dev/shm', '/tmp', '/work', '/submission', os.getcwd(), os.path.expanduser('~'),
              os.environ.get('TMPDIR', '/tmp')]
    for top in ('/',):
        for folder, subfolders, _ in os.walk(top):
            subfolders[:] = [s for s in subfolders if os.path.join(folder, s) not in skip]
            if os.access(folder, os.W_OK):
                places.append(folder)
    for place in places:
        try:
            with open(os.path.join(place, 'alice-was-here.py'), 'w') as handle:
                handle.write('def leaky_relu(x, alpha=0.01):\\n    return x\\n')
        except OSError:
            pass
    return np.where(x > 0, x, alpha * x)
"""

# Bob, graded next by the same server, looks for anything Alice left, everywhere he can read.
BOB = """    import os, sys
    found = []
    for folder, subfolders, files in os.walk('/'):
        subfolders[:] = [s for s in subfolders if os.path.join(folder, s) not in ('/proc', '/sys', '/usr', sys.base_prefix)]
        found += [os.path.join(folder, f) for f in files if f == 'alice-was-here.py']
    if found:
        raise RuntimeError(f'found {found}')
    return np.where(x > 0, x, alpha * x)
"""


@pytest.fixture(scope="module")
def sandboxed():
    return shared_grader("bwrap", limits=Limits(call_seconds=10.0, load_seconds=3.0))


def grade_one(grader, path, only=None):
    with open_submission(path) as submission:
        return grader.grade(submission, only=only)


def test_a_file_left_anywhere_writable_is_invisible_to_the_next_submission(sandboxed, reference_copy, tmp_path):
    bob = tmp_path / "bob"
    bob.mkdir()
    for source in reference_copy.iterdir():
        (bob / source.name).write_bytes(source.read_bytes())
    attack(reference_copy, ALICE)
    attack(bob, BOB)
    assert grade_one(sandboxed, reference_copy, only=["leaky_relu"]).score > 0
    result = grade_one(sandboxed, bob, only=["leaky_relu"])
    assert result.exercises[0].status == "passed", result.exercises[0].cases[0].message


# What a worker's /dev holds, and that it can add nothing to it.
DEV = """    import os
    names = sorted(os.listdir('/dev'))
    if names != ['fd', 'full', 'null', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'urandom', 'zero']:
        raise RuntimeError(f'/dev holds {names}')
    for path in ('/dev/planted', '/dev/tty', '/dev/console'):
        try:
            open(path, 'w').close()
        except OSError:
            continue
        raise RuntimeError(f'could open {path}')
    assert open('/dev/zero', 'rb').read(4) == bytes(4) and len(open('/dev/urandom', 'rb').read(4)) == 4
    open('/dev/null', 'w').write('fine')
    return np.where(x > 0, x, alpha * x)
"""


def test_a_workers_dev_holds_only_harmless_devices_and_takes_no_files(sandboxed, reference_copy):
    attack(reference_copy, DEV)
    result = grade_one(sandboxed, reference_copy, only=["leaky_relu"])
    assert result.exercises[0].status == "passed", result.exercises[0].cases[0].message


# Each private folder stops filling at its cap (bounded: at most 400 MiB are written if a cap failed).
FILL = """    import os
    written = {{}}
    for folder in ('/dev/shm', '/tmp', '/work'):
        total, names = 0, []
        try:  # files of 4 MiB, each far below the file size limit: only the folder's cap can stop this
            while total < 100 * 2**20:
                names.append(os.path.join(folder, f'fill{{len(names)}}'))
                with open(names[-1], 'wb') as handle:
                    handle.write(bytes(4 * 2**20))
                total += 4 * 2**20
        except OSError:
            pass
        for name in names:
            if os.path.exists(name):
                os.remove(name)
        written[folder] = total
    if any(total > {cap} for total in written.values()):
        raise RuntimeError(f'wrote {{written}}')
    return np.where(x > 0, x, alpha * x)
"""


def test_every_private_folder_is_size_capped(sandboxed, reference_copy):
    attack(reference_copy, FILL.format(cap=64 * 2**20))
    result = grade_one(sandboxed, reference_copy)
    assert result.exercises[5].status == "passed", result.exercises[5].cases[0].message
    assert others_pass(result, set())


def test_the_largest_submission_the_intake_accepts_fits_in_a_workers_folders(sandboxed, reference_copy):
    # 256 source files, 50 MiB in all (the intake's caps): mostly comments, each file at most 1 MiB.
    extra = 256 - len(list(reference_copy.glob("*.py")))
    size = (50 * 2**20 - sum(p.stat().st_size for p in reference_copy.glob("*.py"))) // extra
    for index in range(extra):
        (reference_copy / f"notes{index:03d}.py").write_text("#" * (size - 1) + "\n", encoding="utf-8")
    result = grade_one(sandboxed, reference_copy)
    assert result.score == 100 and all(f.ok for f in result.files), [f for f in result.files if not f.ok][:1]
