"""`grade quiz`: a personal sheet per student, answered in the terminal or a file, graded at once."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli import LangOption, _language, _user_errors, app
from grader.i18n import Messages


quiz_app = typer.Typer(no_args_is_help=True, help="Quizzes: a personal sheet per student, answered in the terminal or a file, graded at once.")
app.add_typer(quiz_app, name="quiz")
StudentOption = Annotated[str, typer.Option("--student", help="The student's id: it picks their numbers.")]
QuizOption = Annotated[str, typer.Option("--quiz", help="Quiz id from the question bank.")]
DEFAULT_QUIZ = "nn-1"


def _file_name(text: str) -> str:
    """A student id made safe as part of a file name (Hangul stays)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text).strip(".") or "student"


def _sheet(quiz: str, student: str):
    from grader.quiz.bank import load_bank
    from grader.quiz.sheet import build_sheet

    return build_sheet(load_bank(), quiz, student)


@quiz_app.command("sheet")
def quiz_sheet(
    student: StudentOption,
    quiz: QuizOption = DEFAULT_QUIZ,
    lang: LangOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="File name for the sheet; .md and .html are written.")] = None,
) -> None:
    """Write a student's quiz sheet, in Markdown and HTML; the same id always gives the same sheet."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.render.quiz import write_sheet

        sheet = _sheet(quiz, student)
        written = write_sheet(sheet, language, out or Path(f"quiz-{quiz}-{_file_name(student)}"))
    typer.echo(Messages(language).t("quiz.written", files=", ".join(map(str, written))))


@quiz_app.command("take")
def quiz_take(
    student: StudentOption,
    quiz: QuizOption = DEFAULT_QUIZ,
    lang: LangOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to save the answers (TOML).")] = None,
) -> None:
    """Answer a quiz in the terminal, question by question; the answers are saved to a file."""
    with _user_errors(lang):
        language = _language(lang)
        from rich.console import Console

        from grader.quiz.marking import answers_toml, parse_typed_answer
        from grader.render.reports import write_atomically

        sheet = _sheet(quiz, student)
        messages = Messages(language)
        console = Console(highlight=False)
        answers: dict[str, object] = {}
        from rich.text import Text

        for item in sheet.questions:
            console.print()
            console.print(Text.assemble((f"{item.number}/{len(sheet.questions)}", "dim"), " ",
                                        (item.prompt(language), "bold"), f" ({item.question.id})"))
            for letter, choice in item.choices:
                console.print(f"   {letter}. {choice.text(language)}", markup=False)
            how = {"single": "quiz.choose-one", "multiple": "quiz.choose-all", "truefalse": "quiz.true-false"}
            console.print(messages.t(how.get(item.question.type, "quiz.number")), style="dim")
            while True:
                try:
                    text = console.input(f"{messages.t('quiz.ask')}: ")
                except EOFError:
                    text = ""
                if not text.strip():
                    break
                try:
                    answers[item.question.id] = parse_typed_answer(item, text)
                    break
                except ValueError as problem:
                    console.print(messages.t("quiz.ask-again", problem=messages.t(str(problem))), style="red")
        target = out or Path(f"quiz-{quiz}-{_file_name(student)}.toml")
        write_atomically(target, answers_toml(sheet, answers))
    typer.echo(messages.t("quiz.saved", path=target))


@quiz_app.command("grade")
def quiz_grade(
    answers_file: Annotated[Path, typer.Argument(help="An answers file (TOML) with the student, the quiz and the answers.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for quiz.html, quiz.md and quiz-results.json.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON, nothing else.")] = False,
    lang: LangOption = None,
) -> None:
    """Grade an answers file: score, and per question the right answer and why."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.quiz.marking import grade_answers, read_answers

        answers = read_answers(answers_file)
        result = grade_answers(_sheet(answers.quiz, answers.student), answers, language)
        if out is not None:
            from grader.render.quiz import write_quiz_reports

            write_quiz_reports(result, out)
    if json_output:
        import json

        sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False) + "\n")
        return
    from grader.render.terminal import print_view, quiz_table

    messages = Messages(language)
    print_view(quiz_table(result, messages))
    if out is not None:
        typer.echo(messages.t("quiz.report-written", path=out / "quiz.html"))


@quiz_app.command("key")
def quiz_key(
    student: StudentOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the answer key (an answers file).")],
    quiz: QuizOption = DEFAULT_QUIZ,
    lang: LangOption = None,
) -> None:
    """Write a student's answer key, in the answers format: for instructors."""
    with _user_errors(lang):
        language = _language(lang)
        from grader.course import load_course
        from grader.kit import require_solutions

        require_solutions(load_course())  # a student kit has no answers to give
        from grader.quiz.marking import answers_toml
        from grader.render.reports import write_atomically

        sheet = _sheet(quiz, student)
        write_atomically(out, answers_toml(sheet, {item.question.id: item.answer for item in sheet.questions}))
    typer.echo(Messages(language).t("quiz.key-written", student=student, path=out))
