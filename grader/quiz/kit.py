"""What a kit carries of the quiz: a student kit's bank (questions only) and a grading kit's answer key.

`write_student_bank(source, target)` is what `grade course build` calls for a student kit: the bank at
`source`, written to `target` with every question and quiz but no answer and no explanation (an
explanation gives the answer away), and each question's choices listed in the order the sheet shuffles
them from (grader.quiz.sheet.choice_order) under ids that say nothing (`1`, `2`, …). The sheet a student
builds from it is the very sheet the grading kit rebuilds from the full bank to mark their answers file.
"""
from __future__ import annotations

from pathlib import Path

from grader.errors import GradeError
from grader.kit.toml_write import dumps
from grader.quiz.bank import Bank, Question, load_bank
from grader.quiz.sheet import Sheet, choice_order

HEADER = """\
A student kit's quiz bank: the questions only. The right answers and their explanations are in the
instructor's grading kit; `grade quiz take` saves your answers, and your instructor marks them."""


def questions_only(bank: Bank) -> str:
    """The bank as TOML without any answer or explanation: loads (grader.quiz.bank) as a bank without answers."""
    quizzes = {quiz.id: {"title": _text(quiz.title), "questions": list(quiz.questions)} for quiz in bank.quizzes.values()}
    return dumps({"has_answers": False, "quizzes": quizzes,
                  "questions": [_question(question) for question in bank.questions.values()]}, HEADER)


def write_student_bank(source: Path, target: Path) -> Path:
    """A student kit's bank at `target`, from the full bank at `source` (see the module's docstring)."""
    from grader.render.reports import write_atomically

    return write_atomically(Path(target), questions_only(load_bank(Path(source))))


def answer_key(sheet: Sheet) -> dict[str, object]:
    """A student's right answers, by question id; a sheet from a student kit's bank has none to give."""
    if not sheet.has_answers:
        raise GradeError("quiz.no-key")
    return {item.question.id: item.answer for item in sheet.questions}


def _question(question: Question) -> dict:
    spec = {"id": question.id, "topic": question.topic, "type": str(question.type), "points": float(question.points),
            "prompt": _text(question.prompt)}
    if question.choices:
        spec["choices"] = [{"id": str(number), "en": choice.text.en, "ko": choice.text.ko}
                           for number, choice in enumerate(choice_order(question.choices), start=1)]
    if question.generator is not None:
        spec["generator"] = question.generator
    if question.abs_tolerance or question.rel_tolerance:
        spec["tolerance"] = {"abs": question.abs_tolerance, "rel": question.rel_tolerance}
    return spec


def _text(text) -> dict:
    return {"en": text.en, "ko": text.ko}
