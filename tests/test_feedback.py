"""What a student reads about a failed case: worded from data in one place, right about what went wrong."""
import re

import numpy as np
import pytest

from grader.compare import compare
from grader.feedback import finding_message
from grader.i18n import Messages
from grader.render.reports import local_date, render_html
from report_submissions import ROOT, notebook_file

RTOL, ATOL = 1e-5, 1e-8

# Golden messages: what the student reads for each kind of difference, in both languages.
GOLDEN = [
    (np.array([0.2, 0.5, 0.7]), np.float64(np.exp(-1)),
     "형태가 (3,)인 배열이어야 하는데 숫자 하나를 돌려주었습니다. 원소마다 계산했는지, 입력과 상관없는 상수를 돌려주지 않는지 확인하세요.",
     "Expected an array of shape (3,), but got a single number. Did you compute element by element, and not return a constant that ignores the input?"),
    (0.5, np.float64(np.exp(-1)),
     "값이 다릅니다. 기대값은 0.5, 내 값은 0.36787944입니다. 상대 오차 |내 값 − 기대값| / |기대값| = 0.264가 허용치 `rtol` = 1e-05보다 큽니다.",
     "The value differs: expected 0.5, got 0.36787944. Its relative error |got − expected| / |expected| = 0.264 is larger than `rtol` = 1e-05."),
    (np.array([0.0, 1.0]), np.array([1e-3, 1.0]),
     "원소 2개 중 1개가 기대값과 다릅니다. 가장 많이 벗어난 [0] 원소는 기대값이 0, 내 값이 0.001입니다. 차이 0.001이 허용 오차 1e-08보다 큽니다(기대값이 0에 가까워 `atol` = 1e-08로 판정).",
     "In 1 of 2 elements the values differ from the expected ones. The farthest off is element [0]: expected 0, got 0.001. The difference 0.001 is larger than the tolerance 1e-08 (the expected value is close to 0, so `atol` = 1e-08 decides)."),
    (np.array([1.0, 2.0]), [1, 2, 3],
     "형태가 (2,)인 배열이어야 하는데 원소 3개짜리 리스트를 돌려주었습니다.",
     "Expected an array of shape (2,), but got a list of 3 items."),
    (0.1, np.array([1.0, 2.0]),
     "숫자 하나여야 하는데 형태가 (2,)인 배열을 돌려주었습니다. 합이나 평균을 빠뜨리지 않았는지 확인하세요.",
     "Expected a single number, but got an array of shape (2,). Did you forget the sum or the mean?"),
    (np.array([1.0, 2.0]), np.array([np.nan, 2.0]),
     "원소 2개 중 1개가 유한한 수가 아닙니다(`nan` 또는 `inf`). 예를 들어 [0] 원소는 1이어야 하는데 nan입니다.",
     "1 of 2 elements are not finite (`nan` or `inf`): element [0] should be 1, got nan."),
    (np.float64(0.5), np.float64(np.inf),
     "0.5여야 하는데 유한한 수가 아닌 inf를 돌려주었습니다.",
     "Expected 0.5, but got the non-finite inf."),
    ((np.ones(2), np.ones(2)), (np.ones(2),),
     "값 2개짜리 튜플이어야 하는데 1개짜리를 돌려주었습니다.",
     "Expected a tuple of 2 values, but got 1."),
    ((np.ones(2), np.ones(2)), (np.ones(2), np.zeros(2)),
     "A1: 원소 2개 중 2개가 기대값과 다릅니다. 가장 많이 벗어난 [0] 원소는 기대값이 1, 내 값이 0입니다. 상대 오차 |내 값 − 기대값| / |기대값| = 1이 허용치 `rtol` = 1e-05보다 큽니다.",
     "A1: in 2 of 2 elements the values differ from the expected ones. The farthest off is element [0]: expected 1, got 0. Its relative error |got − expected| / |expected| = 1 is larger than `rtol` = 1e-05."),
]


@pytest.mark.parametrize("expected, got, korean, english", GOLDEN)
def test_each_difference_is_worded_from_data(expected, got, korean, english):
    finding = compare(expected, got, RTOL, ATOL, names=("Z1", "A1"))
    assert finding_message(Messages("ko"), finding, RTOL, ATOL) == korean
    assert finding_message(Messages("en"), finding, RTOL, ATOL) == english


def test_the_relative_error_is_the_one_the_tolerance_measures():
    worst = compare(np.array([0.5]), np.array([1.439]), RTOL, ATOL).worst
    assert worst.abs_error == pytest.approx(0.939) and worst.rel_error == pytest.approx(0.939 / 0.5)
    assert worst.allowed == pytest.approx(ATOL + RTOL * 0.5) and worst.bound == "rtol"
    assert compare(np.array([0.0]), np.array([1.0]), RTOL, ATOL).worst.bound == "atol"


def test_a_constant_sigmoid_is_told_it_returned_one_number(grade, reference_copy):
    path = reference_copy / "activations.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef sigmoid(x):\n    return np.exp(-1)\n", encoding="utf-8")
    for lang, words in (("ko", "숫자 하나를 돌려주었습니다"), ("en", "but got a single number")):
        sigmoid = grade(reference_copy, only=["sigmoid"], lang=lang).exercises[0]
        first = sigmoid.cases[0]
        assert words in first.message and "(3,)" in first.message
        scalar = next(case for case in sigmoid.cases if case.given.get("x") == "0")
        assert "[]" not in scalar.message and "()" not in scalar.message and "인덱스" not in scalar.message


def test_a_scalar_case_has_no_index_in_its_worst_element_table(grade, reference_copy):
    path = reference_copy / "activations.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef sigmoid(x):\n    return 0.5 * np.tanh(x) + 0.4\n",
                    encoding="utf-8")
    result = grade(reference_copy, only=["sigmoid"], lang="ko")
    tables = re.findall(r'<table class="worst">.*?</table>', render_html(result), re.S)
    scalar = next(t for t in tables if ">0.5<" in t and ">0.4<" in t)
    assert "위치" not in scalar and "[]" not in scalar
    assert any("<th>위치</th>" in t for t in tables)


def test_a_syntax_error_is_located_once(grade, reference_copy):
    (reference_copy / "losses.py").write_text("import numpy as np\n\ndef mean_squared_error(y, t)\n    return 0\n",
                                              encoding="utf-8")
    for lang, where in (("ko", "3번째 줄"), ("en", "line 3")):
        case = grade(reference_copy, only=["mean_squared_error"], lang=lang).exercises[0].cases[0]
        assert case.message.count(where) == 1, case.message
        assert "`losses.py`" in case.message


def test_a_single_file_is_named_as_the_student_named_it(grade, tmp_path):
    single = tmp_path / "my_homework.py"
    single.write_text((ROOT / "reference" / "activations.py").read_text(encoding="utf-8")
                      + "\n\ndef relu(x):\n    return x\n", encoding="utf-8")
    result = grade(single, only=["relu"], lang="en")
    assert result.exercises[0].file == "my_homework.py"
    assert "activations.py" not in render_html(result)


def test_a_notebook_error_points_at_its_cell(grade, tmp_path):
    notebook = notebook_file(tmp_path / "homework.ipynb")
    for lang, where in (("ko", "셀 4의 2번째 줄"), ("en", "cell 4, line 2")):
        result = grade(notebook, only=["tanh"], lang=lang)
        assert result.exercises[0].file == "homework.ipynb"
        assert where in result.exercises[0].cases[0].message


def test_tuple_parts_are_labelled_with_their_names(grade, reference_copy):
    path = reference_copy / "network.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef forward_prop(X, w1, b1, w2, b2):\n"
                    "    import numpy as np\n    Z1 = w1 @ X + b1\n    A1 = np.maximum(0, Z1)\n    Z2 = w2 @ A1\n    return Z1, A1, Z2, Z2\n",
                    encoding="utf-8")
    case = grade(reference_copy, only=["forward_prop"], lang="ko").exercises[0].cases[0]
    assert case.status == "failed", case.message
    for text in (case.expected, case.got):
        assert [line.split(" = ")[0] for line in text.splitlines() if " = " in line] == ["Z1", "A1", "Z2", "A2"]
    assert case.message.startswith("Z2: ") or case.message.startswith("A2: ")


def test_a_returned_object_is_worded_in_korean(grade, reference_copy):
    path = reference_copy / "activations.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef relu(x):\n    return 'relu'\n", encoding="utf-8")
    case = grade(reference_copy, only=["relu"], lang="ko").exercises[0].cases[0]
    assert "`str` 객체를 돌려주었습니다" in case.message and "a value of type" not in case.message


def test_hints_show_their_code_as_code_in_html(grade, tmp_path):
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for source in (ROOT / "exercises").glob("activations.py"):
        (stubs / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    page = render_html(grade(stubs, only=["relu"], lang="ko"))
    hint = re.search(r'<p class="hint">.*?</p>', page, re.S).group(0)
    assert "<code>return</code>" in hint and "`" not in hint


def test_dates_read_as_people_write_them():
    t_ko, t_en = Messages("ko").t, Messages("en").t
    assert local_date("2026-11-29T17:30:05+09:00", t_ko) == "2026년 11월 29일 오후 5:30"
    assert local_date("2026-11-29T17:30:05+09:00", t_en) == "29 Nov 2026, 17:30"
    assert local_date("2026-01-02T00:05:00+00:00", t_ko) == "2026년 1월 2일 오전 12:05"


def test_a_tuple_of_the_wrong_length_is_labelled_by_position_not_by_guessed_names():
    from grader.feedback import format_value

    assert format_value((1.0, 2.0, 3.0), ("Z1", "A1", "Z2", "A2")).splitlines() == ["[0] = 1", "[1] = 2", "[2] = 3"]
    assert format_value((1.0, 2.0), ("W1_new", "W2_new")).splitlines() == ["W1_new = 1", "W2_new = 2"]


def test_one_value_in_the_wrong_shape_is_not_blamed_on_a_constant_or_a_missing_sum():
    for expected, got, words in ((0.5, np.array([0.5]), "불필요한 축"), (np.array([[0.5]]), np.float64(0.5), "keepdims")):
        message = finding_message(Messages("ko"), compare(expected, got, RTOL, ATOL), RTOL, ATOL)
        assert words in message and "상수" not in message and "합이나 평균" not in message
