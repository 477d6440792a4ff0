"""One submission never stops a class: whatever it makes the grader raise is that student's row.

Each test is a class of failures: raised while reading or running (the engine's worker thread),
while reporting, while recording; each both through the library with an injected failure and end to
end with a hostile submission. All bounded: nothing here can use more than a few seconds or MB.
"""
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from grader import batch_run
from grader.class_folder import Entry, student_id
from grader.batch_run import ClassOptions, grade_class, run_batch
from grader.gradebook import Gradebook
from grader.grading import BatchItem, Grader
from grader.render import reports
from tests.test_batch import grade, read_grades, reference_student

ROOT = Path(__file__).resolve().parent.parent


class ScriptedGrader:
    """A stand-in for the engine: yields what it is told for each path, starts nothing."""

    def __init__(self, items):
        self.items = items
        self.catalog = Grader().catalog
        self.isolation = "process"
        self.pending_launcher = object()  # never started: run_batch must not need a real one here

    def grade_batch(self, paths, jobs, lang, students):
        for path in paths:
            yield self.items[Path(path).name](path)


def real_result(student):
    from grader.results import SubmissionResult

    return SubmissionResult(student=student, isolation="process", exercises=[], lang="en")


@pytest.mark.parametrize("failure", [RecursionError("deep"), MemoryError(), OSError(5, "Input/output error"),
                                     ValueError("forged message"), KeyError("index")])
def test_any_exception_while_reading_or_running_is_that_submissions_item(tmp_path, monkeypatch, failure):
    """Grader._grade_path: not only GradeError (the only one caught before) but anything one submission raises."""
    def explode(path, *args, **kwargs):
        raise failure

    monkeypatch.setattr("grader.grading.open_submission", explode)
    item = Grader()._grade_path(tmp_path, "en", "alice")
    assert item.result is None and item.failure is failure


@pytest.mark.parametrize("failure, reason", [
    (RecursionError(), "nested too deeply"), (MemoryError(), "too large"),
    (OSError(13, "Permission denied"), "permission denied"), (ZeroDivisionError(), "ZeroDivisionError"),
])
def test_a_failure_becomes_a_zero_row_with_the_reason_and_a_report_and_the_batch_goes_on(tmp_path, failure, reason):
    for name in ("alice", "bob", "carol"):
        (tmp_path / "class" / name).mkdir(parents=True)
    items = {"alice": lambda p: BatchItem(p, result=real_result("alice")),
             "bob": lambda p: BatchItem(p, failure=failure),
             "carol": lambda p: BatchItem(p, result=real_result("carol"))}
    entries = [Entry(n, tmp_path / "class" / n) for n in ("alice", "bob", "carol")]
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        summary = run_batch(ScriptedGrader(items), entries, out, book, "c", "s", 1, "en")
        bob = book.latest("bob")
        assert {a.student for a in book.latest_attempts()} == {"alice", "bob", "carol"}
    assert summary.graded == 2 and [s for s, _ in summary.unreadable] == ["bob"]
    assert bob.score == 0.0 and reason in bob.error and bob.max_score == 100.0
    assert bob.settings_hash == ""  # the grader's own trouble: graded again next time, not kept
    assert reason in (out / "students" / "bob" / "report.html").read_text(encoding="utf-8")
    assert reason in (out / "students" / "bob" / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("stage", ["report", "quiz"])
def test_a_failure_while_reporting_one_student_costs_that_student_only(tmp_path, monkeypatch, stage):
    for name in ("alice", "bob"):
        (tmp_path / "class" / name).mkdir(parents=True)
    real_render = reports.render_html

    def render(result):
        if result.student == "bob" and result.isolation != "-":  # the not-graded report itself renders
            raise RecursionError("a template choked")
        return real_render(result)

    if stage == "report":
        monkeypatch.setattr(reports, "render_html", render)
    else:
        monkeypatch.setattr(batch_run, "find_answers", lambda path: (_ for _ in ()).throw(UnicodeDecodeError(
            "utf-8", b"\xff", 0, 1, "bad")) if path.name == "bob" else None)
    items = {n: (lambda p, n=n: BatchItem(p, result=real_result(n))) for n in ("alice", "bob")}
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        summary = run_batch(ScriptedGrader(items), [Entry(n, tmp_path / "class" / n) for n in ("alice", "bob")],
                            out, book, "c", "s", 1, "en")
        assert book.latest("bob").error and book.latest("alice").error is None
    assert summary.graded == 1 and summary.unreadable[0][0] == "bob"
    assert (out / "students" / "alice" / "report.html").exists()


def test_text_sqlite_cannot_store_is_that_students_row(tmp_path):
    (tmp_path / "class" / "bob").mkdir(parents=True)
    result = real_result("bob")
    result.output = "lone surrogate \udcff from a file name"
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        run_batch(ScriptedGrader({"bob": lambda p: BatchItem(p, result=result)}), [Entry("bob", tmp_path / "class" / "bob")],
                  out, book, "c", "s", 1, "en")
        assert book.latest("bob").error


def test_hostile_submissions_end_to_end_cost_only_their_own_row(tmp_path):
    """A zip 1500 folders deep, a file and a folder whose names are not UTF-8: the class is graded, exit 0."""
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    with zipfile.ZipFile(folder / "deep.zip", "w") as archive:
        archive.writestr("/".join(["d"] * 1500) + "/activations.py", "def relu(x):\n    return x\n")
    reference_student(folder, "bytes-file")
    with open(os.path.join(os.fsencode(folder / "bytes-file"), b"\xff\xfe.py"), "w") as handle:
        handle.write("def relu(x):\n    return x\n")
    odd = os.path.join(os.fsencode(folder), b"stud\xff")
    os.mkdir(odd)
    shutil.copy(ROOT / "reference" / "activations.py", os.path.join(odd, b"activations.py"))
    out = tmp_path / "out"
    run = grade("batch", folder, "--out", out, "--lang", "en", "--jobs", "2")
    rows = {row["student"]: row for row in read_grades(out)}
    assert set(rows) == {"alice", "bytes-file", "deep", "stud\ufffd"}
    assert rows["alice"]["total"] == "100.0" and rows["deep"]["total"] == "0.0" and rows["deep"]["not_graded_reason"]
    assert "Traceback" not in run.stderr
    again = grade("batch", folder, "--out", out, "--lang", "en")  # and the next run does not stop there either
    assert "Traceback" not in again.stderr and len(read_grades(out)) == 4


def test_undecodable_entry_names_become_readable_ids():
    assert student_id(os.fsdecode(b"stud\xff")) == "stud\ufffd"
    assert student_id("한") == "한"


def test_the_batch_command_exits_0_when_finished_whatever_single_students_did(tmp_path):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    (folder / "empty").mkdir()
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en", check=False)
    assert run.returncode == 0, run.stderr
    assert {row["student"] for row in read_grades(tmp_path / "out")} == {"alice", "broken", "empty"}


def test_grade_class_is_the_library_call_behind_the_command(tmp_path):
    folder = tmp_path / "class"
    reference_student(folder, "alice")
    run = grade_class(folder, tmp_path / "out", ClassOptions(lang="en", isolation="process", jobs=1))
    assert run.summary.graded == 1 and [p.name for p in run.written] == ["grades.csv", "index.html"]
