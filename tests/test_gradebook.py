"""A gradebook that cannot be used — corrupt, locked, unwritable, a folder, a full disk — is one line
in ko or en and exit 2, and what was there before is left exactly as it was."""
import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.errors import GradeError
from grader.gradebook import Gradebook
from tests.test_batch import grade, reference_student

# One test process runs this file: its module fixture (graded_once) is made once, not once per process.
pytestmark = pytest.mark.xdist_group("gradebook")

ROOT = Path(__file__).resolve().parent.parent


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_error(run, *words):
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = [line for line in run.stderr.strip().splitlines() if not line.startswith("[")]  # not progress lines
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert all(word in lines[0] for word in words), lines[0]


@pytest.fixture(scope="module")
def graded_once(tmp_path_factory):
    """A class graded once, then a new student: the next run has something to write. No test changes the class."""
    top = tmp_path_factory.mktemp("graded")
    folder = top / "class"
    reference_student(folder, "alice")
    grade("batch", folder, "--out", top / "out", "--isolation", "process")
    reference_student(folder, "bob", "def relu(x):\n    return x\n")
    return folder, top / "out"


@pytest.fixture
def graded(graded_once, tmp_path):
    """The class above and a copy of its output folder of this test's own, to break."""
    folder, out = graded_once
    return folder, Path(shutil.copytree(out, tmp_path / "out"))


@pytest.mark.parametrize("garbage", [b"this is not a database, just text" * 200,
                                     b"SQLite format 3\0" + b"\xff" * 4080])
def test_a_corrupt_gradebook_is_one_line_and_left_untouched(graded, garbage):
    folder, out = graded
    (out / "gradebook.sqlite").write_bytes(garbage)
    for extra in ("gradebook.sqlite-wal", "gradebook.sqlite-shm"):
        (out / extra).unlink(missing_ok=True)
    before = fingerprint(out)
    for lang, word in (("en", "not a readable gradebook"), ("ko", "성적부")):
        run = grade("batch", folder, "--out", out, "--lang", lang, "--isolation", "process", check=False)
        one_line_error(run, "gradebook.sqlite", word)
    assert (out / "gradebook.sqlite").read_bytes() == garbage
    after = fingerprint(out)
    assert {k: v for k, v in after.items() if not k.startswith("students/bob")} == before


def test_a_gradebook_path_that_is_a_folder_is_one_line(tmp_path):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    (tmp_path / "out" / "gradebook.sqlite").mkdir(parents=True)
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", "--isolation", "process", check=False)
    one_line_error(run, "cannot be opened as a gradebook")
    assert not any((tmp_path / "out" / "gradebook.sqlite").iterdir())


def test_a_gradebook_locked_by_another_program_is_one_line_and_keeps_its_attempts(graded, monkeypatch):
    folder, out = graded
    holder = sqlite3.connect(out / "gradebook.sqlite", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # as a database browser with a pending edit holds it
    try:
        monkeypatch.setattr(Gradebook, "busy_seconds", 0.2)
        with pytest.raises(GradeError) as raised:
            Gradebook.in_folder(out).latest_keys()
        assert raised.value.key == "gradebook.locked"
        run = grade("batch", folder, "--out", out, "--lang", "en", "--isolation", "process", check=False)
        one_line_error(run, "locked by another program")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Gradebook.in_folder(out) as book:
        assert [a.student for a in book.latest_attempts()] == ["alice"]


def test_an_unwritable_gradebook_is_one_line_and_unchanged(graded):
    """Immutable (chattr +i), which binds root too, as the grader runs in CI."""
    folder, out = graded
    book = out / "gradebook.sqlite"
    with sqlite3.connect(book) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = book.read_bytes()
    subprocess.run(["chattr", "+i", str(book)], check=True)
    try:
        run = grade("batch", folder, "--out", out, "--lang", "en", "--isolation", "process", check=False)
    finally:
        subprocess.run(["chattr", "-i", str(book)], check=True)
    one_line_error(run, "gradebook.sqlite")
    assert book.read_bytes() == before


def limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_one_line_and_keeps_what_was_graded(graded):
    """RLIMIT_FSIZE: a write past 40 KB fails as on a full disk (EFBIG; Python ignores SIGXFSZ)."""
    folder, out = graded
    before = fingerprint(out)
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(folder), "--out", str(out), "--lang", "en",
                          "--isolation", "process"], capture_output=True, text=True, timeout=300,
                         preexec_fn=limit_file_size(40_000), env=dict(os.environ, LANG="C.UTF-8"))
    one_line_error(run, "disk is full")
    with Gradebook.in_folder(out) as book:
        assert [a.student for a in book.latest_attempts()] == ["alice"]
    after = fingerprint(out)
    for name in ("grades.csv", "index.html", "students/alice/report.html", "students/alice/results.json"):
        assert after[name] == before[name]


UNSHARE = shutil.which("unshare")


def test_a_full_tmpfs_is_one_line_and_keeps_what_was_graded(graded, tmp_path):
    """A real full file system: a small tmpfs in a private mount namespace, holding a copy of the output."""
    folder, out = graded
    assert UNSHARE, "unshare (util-linux) is needed"
    mount = tmp_path / "small"
    mount.mkdir()
    check = ("import sqlite3,sys; db=sqlite3.connect(sys.argv[1]);"
             "print(db.execute('PRAGMA integrity_check').fetchone()[0],"
             " db.execute('SELECT COUNT(*) FROM attempts').fetchone()[0])")
    used = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    script = f"""
        set -u
        mount -t tmpfs -o size={used + 400_000} tmpfs "$1" || exit 99
        cp -a "$2/." "$1/"
        cmp -s "$1/grades.csv" "$2/grades.csv" || exit 98
        head -c 100000000 /dev/zero > "$1/filler" 2>/dev/null   # fill it, then leave 48 KB:
        truncate -s -48K "$1/filler"                              # enough to open the gradebook, not for bob
        "$3" -m grader batch "$4" --out "$1" --lang en --isolation process 2>"$1.err"
        echo "rc=$?"
        cat "$1.err"
        cmp -s "$1/grades.csv" "$2/grades.csv" && echo "grades unchanged"
        rm "$1/filler"
        "$3" -c "$5" "$1/gradebook.sqlite"
    """
    run = subprocess.run([UNSHARE, "-rm", "sh", "-c", script, "sh", str(mount), str(out), sys.executable,
                          str(folder), check], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, LANG="C.UTF-8"))
    lines = [line for line in run.stdout.strip().splitlines() if not line.startswith("[")]  # not progress lines
    assert run.returncode == 0 and lines[0] == "rc=2", run.stdout + run.stderr
    assert len(lines) == 4 and "disk is full" in lines[1] and str(mount) in lines[1] and "Traceback" not in run.stdout, run.stdout
    assert lines[2] == "grades unchanged" and lines[3] == "ok 1"


def test_two_attempts_in_one_second_are_both_kept_and_the_second_is_latest(tmp_path):
    """A re-run with other settings right after the first (same student, files and catalog, same second)
    once hit the merge's duplicate check and was dropped, so the next re-run graded that student again."""
    with Gradebook.in_folder(tmp_path) as book:
        book.record("alice", "content", "catalog", None, error="first", settings_hash="one")
        book.record("alice", "content", "catalog", None, error="second", settings_hash="two")
        assert book.latest_keys()["alice"] == ("content", "catalog", "two", "second")
        assert len(book.history("alice")) == 2
