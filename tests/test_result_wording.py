"""The words of a graded case and file, apart from the engine that grades (grader.feedback, grader.loading_notes):
warnings as advice or clues, hidden cases telling nothing, cut output, each file's result, skipped entries."""
import pytest

from grader.feedback import case_message, shown_output, warning_advice
from grader.i18n import Messages
from grader.loading_notes import file_result, skipped_files
from grader.results import FileResult, SkippedFile, Status
from grader.runner import Limits
from grader.runner.job import CallOutcome, ErrorInfo, Output, UnitOutcome

EN, KO = Messages("en"), Messages("ko")


def test_a_warning_is_advice_beside_a_right_result_and_a_clue_beside_a_wrong_one():
    [advice] = warning_advice(EN, ["overflow in `exp`"], passed=True, hidden=False)
    assert advice.startswith("Correct, but NumPy warned") and "overflow in 'exp'" in advice  # its backticks defused
    [clue] = warning_advice(EN, ["overflow in exp"], passed=False, hidden=False)
    assert clue == "NumPy warned: `overflow in exp`"
    assert warning_advice(EN, [], passed=False, hidden=False) == []


def test_a_hidden_case_says_only_that_it_warned_or_failed():
    [note] = warning_advice(KO, ["secret 42", "secret 43"], passed=False, hidden=True)
    assert note == KO.t("intake.hidden-warning") and "secret" not in note
    assert warning_advice(EN, [], passed=False, hidden=True) == []
    raised = CallOutcome("raised", error=ErrorInfo("ValueError", "secret 42"))
    for status in (Status.ERROR, Status.FAILED, Status.TIMEOUT):
        text = case_message("relu", status, raised, None, None, EN, Limits(), 1e-5, 1e-8, hidden=True)
        assert text == EN.t("case.hidden-failed")
    assert "secret 42" in case_message("relu", Status.ERROR, raised, None, None, EN, Limits(), 1e-5, 1e-8)


def test_a_file_that_failed_to_load_is_named_in_the_missing_function_message():
    missing = CallOutcome("missing")
    error = ErrorInfo("load-timeout", "exit code 1")
    text = case_message("relu", Status.ERROR, missing, None, ("my `act`.py", error), EN, Limits(load_seconds=3),
                        1e-5, 1e-8)
    assert "my 'act'.py" in text and "3" in text and "relu" in text


@pytest.mark.parametrize("messages", [EN, KO])
def test_cut_output_says_how_much_more_there_was(messages):
    assert shown_output(Output("abc"), messages) == "abc"
    assert shown_output(Output("abc", dropped=5), messages) == "abc\n" + messages.t("output.more-chars", count=5)
    assert shown_output(Output("abc", dropped=5), messages, "bytes").endswith(messages.t("output.more-bytes", count=5))


def test_each_file_of_the_submission_as_the_report_shows_it():
    assert file_result("a.py", None, None, EN, Limits()) == FileResult("a.py", ok=True)
    broken = UnitOutcome("a", [ErrorInfo("SyntaxError", "invalid syntax")], Output("hi", dropped=2))
    result = file_result("sub/a.py", broken, None, KO, Limits())
    assert (result.name, result.ok, result.errors) == ("sub/a.py", False, broken.errors)
    assert result.messages == ["`SyntaxError: invalid syntax`"]
    assert result.output == "hi\n" + KO.t("output.more-chars", count=2)


def test_skipped_entries_say_why_in_the_readers_language():
    skipped = [SkippedFile("data/link.py", "link"), SkippedFile("", "more", count=7)]
    for messages in (EN, KO):
        worded = skipped_files(skipped, messages)
        assert [s.message for s in worded] == [messages.t("intake.skipped-link", path="data/link.py", count=0),
                                               messages.t("intake.skipped-more", path="", count=7)]
        assert [(s.path, s.reason, s.count) for s in worded] == [("data/link.py", "link", 0), ("", "more", 7)]
    assert skipped[0].message == ""  # the submission's own list is left as it was
