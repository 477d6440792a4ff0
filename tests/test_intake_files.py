"""A hostile corpus for reading submissions: links, special files, huge, many and deep entries.

What reads a hostile tree runs in a child process with a time limit and a 1 GiB address-space
limit (the `probe` fixture), so a defence that fails shows as a failed test, never as a hung or starved machine.
Sizes are made with sparse files, which take no disk space.
"""
import json
import os
import select
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from grader.intake import MAX_DEPTH, MAX_FILES, MAX_NOTEBOOK_BYTES, MAX_SOURCE_BYTES, MAX_SUBMISSION_BYTES, MAX_UNITS
from grader.render.reports import write_reports
from helpers import copy_reference as reference_folder

# One test process runs this file: its module fixture (probe) is made once, not once per process.
pytestmark = pytest.mark.xdist_group("intake_files")

PROBER = r"""
import json, os, resource, select, signal, sys, time, traceback
from grader.errors import GradeError
from grader.intake import content_hash, find_answers
from grader.submission import open_submission


def probe(path, follow, swap):
    if swap is None:
        answers = find_answers(path)
        seen = {"hash": content_hash(path),
                "answers": None if answers is None else [answers[0], answers[1].decode("latin-1")]}
    else:  # between the listing and the reading, the victim is swapped as a racing student would
        seen = {}
        import grader.intake
        victim, kind = swap
        listed = grader.intake.list_folder

        def listing_then_swap(*args):
            items = listed(*args)
            os.unlink(victim)
            if kind == "fifo":
                os.mkfifo(victim)
            else:
                os.symlink("/etc/passwd" if kind == "link" else "/dev/zero", victim)
            return items
        grader.intake.list_folder = listing_then_swap
    try:
        with open_submission(path, follow_top_link=follow) as submission:
            seen["units"] = sorted(unit.path for unit in submission.units)
            seen["skipped"] = sorted([entry.path, entry.reason] for entry in submission.skipped)
            seen["copied"] = sorted(p.name for p in submission.root.iterdir())
            seen["snapshot_hash"] = submission.content_hash
            seen["sources"] = "".join((submission.root / unit.path).read_text("latin-1")
                                      for unit in submission.units if unit.kind == "file")
    except GradeError as error:
        seen["error"] = error.key
    return seen


for line in sys.stdin:  # one request a line; each probe runs in a child forked for it, then killed if late
    path, follow, swap = json.loads(line)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
            answer = {"seen": probe(path, follow, swap)}
        except BaseException:
            answer = {"failed": traceback.format_exc()[-3000:]}
        with os.fdopen(write, "w") as channel:
            json.dump(answer, channel)
        os._exit(0)
    os.close(write)
    deadline, chunks = time.monotonic() + 30, []
    while True:
        if not select.select([read], [], [], max(0.0, deadline - time.monotonic()))[0]:
            os.kill(pid, signal.SIGKILL)
            chunks = [json.dumps({"failed": "the probe ran longer than 30 s"}).encode()]
            break
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    sys.stdout.write((b"".join(chunks) or b'{"failed": "the probe died"}').decode() + "\n")
    sys.stdout.flush()
"""


@pytest.fixture(scope="module")
def probe():
    """`probe(path, follow=True)`: what the grader reads from `path`, in a bounded child process: 30 s,
    1 GiB of address space. One process imports the grader once and forks a child for each probe.

    `swap=(victim, kind)`: only open the submission, and swap the victim for a link, a FIFO or a link to a
    device right after the listing."""
    prober = subprocess.Popen([sys.executable, "-c", PROBER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)

    def ask(path: Path, follow: bool = True, swap: tuple[Path, str] | None = None) -> dict:
        prober.stdin.write(json.dumps([str(path), follow, swap and [str(swap[0]), swap[1]]]) + "\n")
        prober.stdin.flush()
        answered = select.select([prober.stdout], [], [], 60)[0]
        assert answered, "the prober did not answer within 60 s"
        answer = json.loads(prober.stdout.readline())
        assert "failed" not in answer, answer["failed"]
        return answer["seen"]

    try:
        yield ask
    finally:
        prober.stdin.close()
        try:
            prober.wait(timeout=10)
        except subprocess.TimeoutExpired:
            prober.kill()
            prober.wait()
        prober.stdout.close()


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def every_output(result, folder: Path) -> str:
    """results.json, report.html and report.md, as the student and the instructor would read them."""
    write_reports(result, folder)
    return result.to_json() + "".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))


REFERENCE_UNITS = sorted(path.name for path in (Path(__file__).resolve().parent.parent / "reference").glob("[!_]*.py"))


# --- links to another student's files -------------------------------------------------------

@pytest.mark.parametrize("style", ["relative", "absolute"])
def test_links_to_another_students_files_score_nothing(isolated_grade, tmp_path, style):
    bob = reference_folder(tmp_path / "class" / "bob")
    alice = tmp_path / "class" / "alice"
    alice.mkdir()
    (alice / "mine.py").write_text("x = 1\n", encoding="utf-8")
    for name in REFERENCE_UNITS:
        (alice / name).symlink_to(Path("..") / "bob" / name if style == "relative" else bob / name)
    result = isolated_grade(alice)
    assert result.score == 0 and {e.status for e in result.exercises} == {"missing"}
    assert sorted((s.path, s.reason) for s in result.skipped) == [(name, "link") for name in REFERENCE_UNITS]
    assert all("links are not followed" in s.message.lower() for s in result.skipped)
    assert isolated_grade(bob).score == 100


def test_a_link_to_another_students_folder_is_not_entered(tmp_path, probe):
    reference_folder(tmp_path / "bob")
    alice = tmp_path / "alice"
    alice.mkdir()
    (alice / "work").symlink_to("../bob")  # the only entry: a wrapper folder would be descended into
    (alice / "notes.ipynb").symlink_to("../bob/activations.py")
    seen = probe(alice)
    assert seen["error"] == "error.empty-folder"
    assert probe(tmp_path / "bob")["units"] == REFERENCE_UNITS


# --- links to system files --------------------------------------------------------------------

def test_links_to_system_files_never_reach_any_output(isolated_grade, tmp_path, probe):
    secret = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    folder = reference_folder(tmp_path / "carol")
    for name, target in [("shadow.py", "/etc/shadow"), ("passwd.py", "/etc/passwd"), ("hosts.ipynb", "/etc/hosts"),
                         ("answers.toml", "/etc/passwd")]:
        (folder / name).symlink_to(target)
    seen = probe(folder)
    assert seen["units"] == REFERENCE_UNITS and seen["answers"] is None
    assert secret not in seen["sources"] and secret not in json.dumps(seen)
    result = isolated_grade(folder)
    assert result.score == 100
    assert {s.path for s in result.skipped} == {"shadow.py", "passwd.py", "hosts.ipynb", "answers.toml"}
    assert secret not in every_output(result, tmp_path / "out")


def test_links_to_devices_are_never_opened(tmp_path, probe):
    folder = reference_folder(tmp_path / "dave")
    (folder / "zero.py").symlink_to("/dev/zero")
    (folder / "random.ipynb").symlink_to("/dev/urandom")
    (folder / "quiz.toml").symlink_to("/dev/zero")
    seen = probe(folder)
    assert seen["units"] == REFERENCE_UNITS and seen["answers"] is None
    assert ["zero.py", "link"] in seen["skipped"] and ["random.ipynb", "link"] in seen["skipped"]
    # Named as the submission itself: followed only when a person typed it, and then refused.
    assert probe(folder / "zero.py")["error"] == "intake.not-regular"
    assert probe(folder / "zero.py", follow=False)["error"] == "intake.top-link"


def test_dangling_links_and_link_loops_are_listed_not_followed(tmp_path, probe):
    folder = reference_folder(tmp_path / "erin")
    (folder / "gone.py").symlink_to("/nonexistent/gone.py")
    (folder / "a.py").symlink_to("b.py")
    (folder / "b.py").symlink_to("a.py")
    (folder / "self").symlink_to("self")
    (folder / "up").symlink_to(".")
    (folder / "deeper").mkdir()
    (folder / "deeper" / "back").symlink_to("..")
    seen = probe(folder)
    assert seen["units"] == REFERENCE_UNITS and "error" not in seen
    assert [path for path, reason in seen["skipped"]] == ["a.py", "b.py", "deeper/back", "gone.py", "self", "up"]


# --- FIFOs, sockets -----------------------------------------------------------------------------

def test_fifos_never_block_the_grader(tmp_path, probe):
    folder = reference_folder(tmp_path / "frank")
    os.mkfifo(folder / "notes.py")
    os.mkfifo(folder / "answers.toml")
    seen = probe(folder)
    assert seen["units"] == REFERENCE_UNITS and seen["answers"] is None
    assert ["notes.py", "special"] in seen["skipped"]
    os.mkfifo(tmp_path / "frank.py")  # a FIFO handed in as the submission itself
    assert probe(tmp_path / "frank.py")["error"] == "intake.not-regular"
    assert probe(tmp_path / "frank.py", follow=False)["error"] == "intake.not-regular"


def test_sockets_are_skipped(tmp_path, monkeypatch, probe):
    folder = reference_folder(tmp_path / "gina")
    monkeypatch.chdir(folder)  # a socket's path must be short: bind by a relative name
    servers = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)]
    try:
        servers[0].bind("sock.py")
        servers[1].bind("../gina.py")
        seen = probe(folder)
        assert seen["units"] == REFERENCE_UNITS and seen["skipped"] == [["sock.py", "special"]]
        assert probe(tmp_path / "gina.py")["error"] == "intake.not-regular"
    finally:
        for server in servers:
            server.close()


# --- sizes and counts, checked before anything is read ----------------------------------------

def test_a_source_file_over_its_cap_is_refused_before_it_is_read(tmp_path, probe):
    folder = reference_folder(tmp_path / "hank")
    sparse(folder / "big.py", MAX_SOURCE_BYTES + 1)
    assert probe(folder)["error"] == "intake.file-too-large"
    sparse(tmp_path / "huge.py", 64 * 1024**2)  # the one 65 MiB .py that filled the worker's folder
    assert probe(tmp_path / "huge.py")["error"] == "intake.file-too-large"


def test_a_notebook_has_a_larger_cap_but_a_cap(tmp_path, probe):
    folder = reference_folder(tmp_path / "ivy")
    sparse(folder / "plots.ipynb", MAX_NOTEBOOK_BYTES + 1)
    assert probe(folder)["error"] == "intake.file-too-large"


def test_many_files_under_their_caps_are_refused_by_the_submission_cap(tmp_path, probe):
    folder = reference_folder(tmp_path / "jack")
    for number in range(MAX_SUBMISSION_BYTES // MAX_SOURCE_BYTES + 1):
        sparse(folder / f"part{number:03d}.py", MAX_SOURCE_BYTES)
    assert probe(folder)["error"] == "intake.too-large"


def test_too_many_files_anywhere_in_the_folder_are_refused(tmp_path, probe):
    folder = reference_folder(tmp_path / "kim")
    for block in range(5):
        (folder / "data" / str(block)).mkdir(parents=True)
        for number in range(MAX_FILES // 5):
            (folder / "data" / str(block) / f"{number}.txt").touch()
    assert probe(folder)["error"] == "intake.too-many-files"


def test_a_zip_with_too_many_members_is_refused(tmp_path, probe):
    archive = tmp_path / "walt.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("activations.py", "x = 1\n")
        for number in range(MAX_FILES):
            zf.writestr(f"data/{number}.txt", "")
    assert probe(archive)["error"] == "intake.too-many-files"


def test_too_many_source_units_are_refused(tmp_path, probe):
    folder = reference_folder(tmp_path / "lee")
    for number in range(MAX_UNITS):
        (folder / f"m{number}.py").write_text("x = 1\n", encoding="utf-8")
    assert probe(folder)["error"] == "intake.too-many-units"


def test_a_virtual_environment_handed_in_by_mistake_is_not_counted(tmp_path, probe):
    folder = reference_folder(tmp_path / "max")
    (folder / "venv").mkdir()
    (folder / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    packages = folder / "venv" / "lib" / "python3" / "numpy"
    packages.mkdir(parents=True)
    for number in range(MAX_FILES + 10):
        (packages / f"{number}.py").touch()
    assert probe(folder)["units"] == REFERENCE_UNITS


# --- depth: no recursion anywhere, a cap on nesting --------------------------------------------

def test_deep_folders_are_refused_without_recursion(tmp_path, probe):
    folder = reference_folder(tmp_path / "ned")
    deep = folder.joinpath(*["d"] * (MAX_DEPTH + 8))
    deep.mkdir(parents=True)
    (deep / "hidden.py").write_text("x = 1\n", encoding="utf-8")
    assert probe(folder)["error"] == "intake.too-deep"
    wrapper = tmp_path / "olga"
    wrapped = wrapper.joinpath(*["w"] * (MAX_DEPTH + 3))
    reference_folder(wrapped)  # only wrapper folders down to the code: still too deep
    assert probe(wrapper)["error"] == "intake.too-deep"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 2, 1500])
def test_deep_zips_are_refused_without_recursion(tmp_path, depth, probe):
    archive = tmp_path / "pat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/" * depth + "activations.py", (ROOT / "reference" / "activations.py").read_text())
        zf.writestr("a/" * depth + "answers.toml", "quiz = 'q1'\n")
    seen = probe(archive)
    assert seen["error"] == "intake.too-deep" and seen["answers"] is None and len(seen["hash"]) == 32


# --- zips holding links and special files -------------------------------------------------------

def zip_member(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


def test_links_and_special_files_in_a_zip_are_skipped(isolated_grade, tmp_path, probe):
    secret = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    archive = tmp_path / "quinn.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for source in (ROOT / "reference").glob("*.py"):
            if source.name not in ("__init__.py", "losses.py"):
                zf.write(source, f"quinn/{source.name}")
        zf.writestr(zip_member("quinn/losses.py", stat.S_IFLNK | 0o777), "/etc/passwd")
        zf.writestr(zip_member("quinn/answers.toml", stat.S_IFLNK | 0o777), "../../etc/passwd")
        zf.writestr(zip_member("quinn/notes.py", stat.S_IFIFO | 0o644), "x = 1\n")
    seen = probe(archive)
    assert seen["skipped"] == [["quinn/answers.toml", "link"], ["quinn/losses.py", "link"],
                               ["quinn/notes.py", "special"]]
    assert "losses.py" not in seen["units"] and seen["answers"] is None
    result = isolated_grade(archive)
    losses = {e.id: e.status for e in result.exercises if e.id in ("mean_squared_error", "cross_entropy_error")}
    assert losses == {"mean_squared_error": "missing", "cross_entropy_error": "missing"}
    assert result.score == 100 - 12 - 14 and secret not in every_output(result, tmp_path / "out")


# --- the snapshot: what reaches the worker is the grader's copy, and only the code ---------------

def test_only_the_units_are_copied_and_grading_never_touches_the_original(grade, tmp_path, probe):
    folder = reference_folder(tmp_path / "rose")
    sparse(folder / "data.npy", 40 * 1024**2)
    (folder / "answers.toml").write_text("quiz = 'q1'\n", encoding="utf-8")
    seen = probe(folder)
    assert seen["copied"] == REFERENCE_UNITS and seen["answers"][0] == "answers.toml"
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert grade(folder).score == 100
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_the_content_hash_follows_what_is_graded(tmp_path, probe):
    folder = reference_folder(tmp_path / "sam")
    seen = probe(folder)
    first = seen["hash"]
    assert seen["snapshot_hash"] == first  # the batch may take it from the one reading it grades
    (folder / "notes.txt").write_text("not read\n", encoding="utf-8")
    assert probe(folder)["hash"] == first
    with open(folder / "relu_extra.py", "w", encoding="utf-8") as handle:
        handle.write("y = 2\n")
    assert probe(folder)["hash"] != first


# --- a whole class: one hostile entry costs its student only ----------------------------------

def test_a_batch_with_hostile_entries_finishes_and_leaks_nothing(tmp_path):
    import csv

    secret = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]
    classroom = tmp_path / "class"
    reference_folder(classroom / "bob")
    alice = classroom / "alice"
    alice.mkdir()
    (alice / "mine.py").write_text("x = 1\n", encoding="utf-8")
    for name in REFERENCE_UNITS:
        (alice / name).symlink_to(Path("..") / "bob" / name)
    (classroom / "eve.py").symlink_to("/etc/passwd")  # a link among the class's own entries
    os.mkfifo(classroom / "frank.py")
    gina = reference_folder(classroom / "gina")
    (gina / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(gina / "notes.py")
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "grader", "batch", str(classroom), "--out", str(out), "--lang", "en"],
                         capture_output=True, text=True, timeout=240, env=dict(os.environ, LANG="C.UTF-8"), cwd=ROOT)
    assert run.returncode == 0, run.stderr
    rows = {row["student"]: row for row in csv.DictReader(
        (out / "grades.csv").read_bytes().decode("utf-8-sig").splitlines())}
    assert rows["bob"]["total"] == "100.0" and rows["gina"]["total"] == "100.0" and rows["alice"]["total"] == "0.0"
    assert "link" in rows["eve"]["not_graded_reason"] and "not a regular file" in rows["frank"]["not_graded_reason"]
    texts = [run.stdout, run.stderr] + [p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*")
                                        if p.is_file() and p.suffix != ".sqlite"]
    assert secret not in "".join(texts)
    skipped = json.loads((out / "students" / "gina" / "results.json").read_text(encoding="utf-8"))["skipped"]
    assert [(s["path"], s["reason"]) for s in skipped] == [("notes.py", "special"), ("zero.py", "link")]
    assert "zero\\.py: a link" in (out / "students" / "gina" / "report.md").read_text(encoding="utf-8")


# --- each cap has two layers: on the listing, before reading, and while reading -------------------

def test_caps_are_checked_on_the_listing_before_anything_is_read(tmp_path, monkeypatch):
    from grader.errors import GradeError
    from grader.submission import open_submission

    folder = reference_folder(tmp_path / "tom")
    sparse(folder / "big.py", MAX_SOURCE_BYTES + 1)
    reads = []
    monkeypatch.setattr("grader.intake.read_in_folder", lambda *args: reads.append(args) or b"")
    with pytest.raises(GradeError) as error:
        with open_submission(folder):
            pass
    assert error.value.key == "intake.file-too-large" and reads == []


@pytest.mark.parametrize("files, key", [(1, "intake.file-too-large"), (60, "intake.too-large")])
def test_files_that_grow_after_they_were_listed_are_read_no_further_than_the_caps(tmp_path, monkeypatch, files, key):
    from grader import intake
    from grader.errors import GradeError
    from grader.submission import open_submission

    folder = reference_folder(tmp_path / "uma")
    for number in range(files):
        sparse(folder / f"growing{number}.py", 8 * MAX_SOURCE_BYTES if files == 1 else MAX_SOURCE_BYTES - 1)
    listed = intake.list_folder
    monkeypatch.setattr("grader.intake.list_folder",  # as if it had been small when listed
                        lambda *args: [intake.Item(i.parts, i.kind, min(i.size, 10)) for i in listed(*args)])
    with pytest.raises(GradeError) as error:
        with open_submission(folder):
            pass
    assert error.value.key == key


@pytest.mark.parametrize("swap", ["link", "fifo", "device-link"])
def test_an_entry_swapped_after_it_was_listed_is_not_followed_nor_blocks(tmp_path, probe, swap):
    folder = reference_folder(tmp_path / "vic")
    error = probe(folder, swap=(folder / "activations.py", swap))["error"]
    assert error == ("trust.file-not-regular" if swap == "fifo" else "trust.file-became-link")


def test_hidden_files_count_towards_the_time_a_listing_may_take(tmp_path, probe):
    folder = reference_folder(tmp_path / "xena")
    for number in range(4 * MAX_FILES + 1):
        (folder / f".junk{number}").touch()
    assert probe(folder)["error"] == "intake.too-many-files"


def test_a_zip_member_with_a_name_no_file_system_takes_is_refused(tmp_path, probe):
    archive = tmp_path / "yuri.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("activations.py", "x = 1\n")
        zf.writestr("a" * 300 + ".py", "x = 1\n")
    assert probe(archive)["error"] == "trust.zip-long-name"


def test_a_single_file_is_graded_whatever_its_name(tmp_path, probe):
    source = (ROOT / "reference" / "activations.py").read_bytes()
    for name in ("HOMEWORK.PY", "test_mine.py"):
        (tmp_path / name).write_bytes(source)
        assert probe(tmp_path / name)["units"] == [name]


def test_a_snapshot_lives_while_it_is_used_and_a_killed_graders_are_removed(tmp_path):
    from grader.submission import SNAPSHOT_PREFIX, open_submission, remove_stale_snapshots

    folder = reference_folder(tmp_path / "zoe")
    with open_submission(folder) as submission:
        root = submission.root
        assert sorted(p.name for p in root.iterdir()) == REFERENCE_UNITS
    assert not root.exists()
    dead = subprocess.Popen(["true"])
    dead.wait()  # its pid belongs to no process now
    stale = tmp_path / f"{SNAPSHOT_PREFIX}{dead.pid}-abc"
    stale.mkdir()
    (stale / "x.py").touch()
    alive = tmp_path / f"{SNAPSHOT_PREFIX}{os.getpid()}-abc"
    alive.mkdir()
    remove_stale_snapshots(tmp_path)
    assert not stale.exists() and alive.exists()


def test_a_folder_the_grader_may_not_open_is_listed_not_fatal(tmp_path, monkeypatch):
    from grader import safe_files
    from grader.submission import open_submission

    folder = reference_folder(tmp_path / "abe")
    (folder / "locked").mkdir()
    (folder / "locked" / "answers.toml").write_text("quiz = 'q1'\n", encoding="utf-8")
    opened = safe_files._open_at

    def refuse_locked(top, parts, flags):  # root ignores permissions, so refuse as a locked folder would
        if parts[:1] == ("locked",):
            raise PermissionError(13, "Permission denied")
        return opened(top, parts, flags)

    monkeypatch.setattr(safe_files, "_open_at", refuse_locked)
    with open_submission(folder) as submission:
        assert [u.path for u in submission.units] == REFERENCE_UNITS and submission.answers is None
        assert [(s.path, s.reason) for s in submission.skipped] == [("locked", "unreadable")]
