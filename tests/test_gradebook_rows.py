"""The gradebook on its own, without grading anything: attempts stored and read back as typed rows
(by name, statuses as Status), history, the class's latest attempts, quiz rows, shards merged once,
and a gradebook written before settings were fingerprinted."""
import sqlite3

import pytest

from grader.gradebook import Attempt, ExerciseRow, Gradebook, LatestKey, QuizRow, Signature
from grader.gradebook_schema import SCHEMA
from grader.quiz.kinds import QuestionRow, QuestionStatus
from grader.results import CaseResult, ExerciseResult, Status, SubmissionResult


def submission(student: str, relu: Status = Status.PASSED, mistakes=()) -> SubmissionResult:
    score = 10.0 if relu == Status.PASSED else 0.0
    cases = [CaseResult("small", relu, "", mistakes=list(mistakes)), CaseResult("large", Status.PASSED, "")]
    return SubmissionResult(student=student, isolation="process", exercises=[
        ExerciseResult("relu", relu, score, 10.0, list(mistakes), cases),
        ExerciseResult("sigmoid", Status.NOT_IMPLEMENTED, 0.0, 5.0, [],
                       [CaseResult("one", Status.NOT_IMPLEMENTED, "")]),
    ])


@pytest.fixture
def book(tmp_path):
    with Gradebook(tmp_path / "gradebook.sqlite") as gradebook:
        yield gradebook


def test_an_attempt_reads_back_as_typed_rows(book):
    attempt_id = book.record("alice", "c1", "k1", submission("alice", Status.FAILED, ["missing-max"]),
                             settings_hash="s1")
    attempt = book.latest("alice")
    assert isinstance(attempt, Attempt)
    assert (attempt.id, attempt.student, attempt.content_hash, attempt.catalog_hash, attempt.settings_hash) == (
        attempt_id, "alice", "c1", "k1", "s1")
    assert (attempt.score, attempt.max_score, attempt.error, attempt.quiz) == (0.0, 15.0, None, None)
    assert attempt.exercises == (ExerciseRow("relu", Status.FAILED, 0.0, 10.0, ("missing-max",)),
                                 ExerciseRow("sigmoid", Status.NOT_IMPLEMENTED, 0.0, 5.0, ()))
    assert all(type(row.status) is Status for row in attempt.exercises)
    assert book._db.execute("SELECT status FROM exercise_results ORDER BY rowid").fetchall() == [
        ("failed",), ("not-implemented",)]  # stored as the same strings as ever
    assert book.latest("bob") is None


def test_history_is_oldest_first_and_the_latest_attempt_is_the_grade(book):
    book.record("alice", "c1", "k", submission("alice", Status.FAILED), graded_at="2026-01-01T10:00:00.000001+00:00")
    book.record("alice", "c2", "k", submission("alice"), graded_at="2026-01-01T11:00:00.000001+00:00")
    book.record("bob", "c3", "k", None, error="not a zip", max_score=15.0)
    assert [a.content_hash for a in book.history("alice")] == ["c1", "c2"]
    assert [(a.student, a.content_hash, a.score) for a in book.latest_attempts()] == [
        ("alice", "c2", 10.0), ("bob", "c3", 0.0)]
    assert [a.student for a in book.latest_attempts(["bob", "carol"])] == ["bob"]
    latest = book.latest_attempts()
    assert latest[0] == book.latest("alice") and latest[1].exercises == () and latest[1].max_score == 15.0
    assert book.latest_ids(["alice", "bob", "carol"]) == [("alice", latest[0].id), ("bob", latest[1].id)]


def test_the_unchanged_check_reads_named_keys_and_signatures(book):
    book.record("alice", "c1", "k1", submission("alice"), settings_hash="s1")
    book.record("bob", "c2", "k1", None, error="unreadable")
    book.remember_signatures([("alice", "sig-a", "c1")])
    keys = book.latest_keys()
    assert keys == {"alice": LatestKey("c1", "k1", "s1", None), "bob": LatestKey("c2", "k1", "", "unreadable")}
    assert keys["bob"].error == "unreadable" and keys["alice"][:3] == ("c1", "k1", "s1")
    assert book.signatures() == {"alice": Signature("sig-a", "c1")}
    book.remember_signatures([("alice", "sig-b", "c9")])
    assert book.signatures()["alice"].content_hash == "c9"


def test_quiz_questions_read_back_with_their_status_types(book):
    quiz = QuizRow("week3", 1.0, 2.0, None, questions=(QuestionRow("q1", QuestionStatus.CORRECT, 1.0, 1.0),
                                                       QuestionRow("q2", QuestionStatus.WRONG, 0.0, 1.0)))
    book.record("alice", "c1", "k", submission("alice"), quiz=quiz)
    read = book.latest("alice").quiz
    assert read == quiz and type(read.questions[1].status) is QuestionStatus
    assert book._db.execute("SELECT status FROM quiz_questions ORDER BY rowid").fetchall() == [("correct",), ("wrong",)]
    assert book.latest_attempts()[0].quiz == quiz


def test_a_shard_is_merged_whole_and_only_once(tmp_path, book):
    with Gradebook(tmp_path / "shard.sqlite") as shard:
        shard.record("alice", "c1", "k", submission("alice", Status.FAILED, ["relu-as-max"]),
                     quiz=QuizRow("week3", 1.0, 1.0, None, (QuestionRow("q1", QuestionStatus.CORRECT, 1.0, 1.0),)))
        shard.record("bob", "c2", "k", None, error="not a zip", max_score=15.0)
        book.record("carol", "c3", "k", submission("carol"))
        assert book.import_from(shard) == 2
        assert book.import_from(shard) == 0
        merged, original = book.latest("alice"), shard.latest("alice")
        assert merged.id != original.id
        assert merged == Attempt(**{**original.__dict__, "id": merged.id})
        assert [a.student for a in book.latest_attempts()] == ["alice", "bob", "carol"]
        cases = "SELECT exercise, case_name, status, mistakes FROM case_results WHERE attempt_id = ? ORDER BY rowid"
        assert (book._db.execute(cases, (merged.id,)).fetchall()
                == shard._db.execute(cases, (original.id,)).fetchall())


def test_recording_the_same_attempt_twice_keeps_one(book):
    first = book.record("alice", "c1", "k", submission("alice"), graded_at="2026-01-01T10:00:00.000001+00:00")
    again = book.record("alice", "c1", "k", submission("alice"), graded_at="2026-01-01T10:00:00.000001+00:00")
    assert first == again and len(book.history("alice")) == 1
    assert len(book.latest("alice").exercises) == 2  # no rows added twice


def test_a_gradebook_written_before_settings_were_fingerprinted_opens(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)  # the attempts table of that time: no settings_hash column
    old.execute("INSERT INTO attempts (student, content_hash, catalog_hash, graded_at, score, max_score)"
                " VALUES ('alice', 'c1', 'k', '2025-01-01T00:00:00+00:00', 3.0, 15.0)")
    old.commit()
    old.close()
    with Gradebook(path) as book:
        attempt = book.latest("alice")
        assert (attempt.score, attempt.settings_hash) == (3.0, "")
        assert book.latest_keys()["alice"] == LatestKey("c1", "k", "", None)
