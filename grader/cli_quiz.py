"""`grade quiz`: a personal sheet per student, answered in the terminal or a file, graded at once."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.cli import LangOption, app
from grader.cli_edge import edge
from grader.cli_options import AssignmentOption, CourseOption
from grader.i18n import Messages


quiz_app = typer.Typer(no_args_is_help=True, help="Quizzes: a personal sheet per student, answered in the terminal or a file, graded at once.")
app.add_typer(quiz_app, name="quiz")
StudentOption = Annotated[str, typer.Option("--student", help="The student's id: it picks their numbers.")]
QuizOption = Annotated[Optional[str], typer.Option(
    "--quiz", help="Quiz id from the question bank (default: the quiz of the course's first assignment).")]


def _file_name(text: str) -> str:
    """A student id made safe as part of a file name (Hangul stays)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text).strip(".") or "student"


@quiz_app.command("sheet")
@edge
def quiz_sheet(
    student: StudentOption,
    quiz: QuizOption = None,
    lang: LangOption = None,
    course: CourseOption = None, assignment: AssignmentOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="File name for the sheet; .md and .html are written.")] = None,
) -> None:
    """Write a student's quiz sheet, in Markdown and HTML; the same id always gives the same sheet."""
    from grader.quiz.course_quiz import course_sheet
    from grader.render.quiz import write_sheet

    sheet = course_sheet(course, quiz, student, assignment)
    written = write_sheet(sheet, lang, out or Path(f"quiz-{sheet.quiz.id}-{_file_name(student)}"))
    typer.echo(Messages(lang).t("quiz.written", files=", ".join(map(str, written))))


@quiz_app.command("take")
@edge
def quiz_take(
    student: StudentOption,
    quiz: QuizOption = None,
    lang: LangOption = None,
    course: CourseOption = None, assignment: AssignmentOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to save the answers (TOML).")] = None,
) -> None:
    """Answer a quiz in the terminal, question by question; the answers are saved to a file."""
    from grader.quiz.course_quiz import course_sheet
    from grader.quiz.answers_file import answers_toml
    from grader.quiz.take import take_quiz
    from grader.render.reports import write_atomically

    sheet = course_sheet(course, quiz, student, assignment)
    target = write_atomically(out or Path(f"quiz-{sheet.quiz.id}-{_file_name(student)}.toml"),
                              answers_toml(sheet, take_quiz(sheet, lang)))
    typer.echo(Messages(lang).t("quiz.saved" if sheet.has_answers else "quiz.saved-for-instructor", path=target))


@quiz_app.command("grade")
@edge
def quiz_grade(
    answers_file: Annotated[Path, typer.Argument(help="An answers file (TOML) with the student, the quiz and the answers.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for quiz.html, quiz.md and quiz-results.json.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON, nothing else.")] = False,
    lang: LangOption = None,
    course: CourseOption = None,
) -> None:
    """Grade an answers file: score, and per question the right answer and why."""
    from grader.quiz.course_quiz import course_sheet
    from grader.quiz.answers_file import read_answers
    from grader.quiz.marking import grade_answers

    answers = read_answers(answers_file)
    result = grade_answers(course_sheet(course, answers.quiz, answers.student), answers, lang)
    if out is not None:
        from grader.render.quiz import write_quiz_reports

        write_quiz_reports(result, out)
    if json_output:
        import json

        sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False) + "\n")
        return
    from grader.render.terminal import print_view, quiz_table

    messages = Messages(lang)
    print_view(quiz_table(result, messages))  # the id from the student's file is shown as plain text there
    if out is not None:
        typer.echo(messages.t("quiz.report-written", path=out / "quiz.html"))


@quiz_app.command("key")
@edge
def quiz_key(
    student: StudentOption,
    out: Annotated[Path, typer.Option("--out", help="Where to write the answer key (an answers file).")],
    quiz: QuizOption = None,
    lang: LangOption = None,
    course: CourseOption = None, assignment: AssignmentOption = None,
) -> None:
    """Write a student's answer key, in the answers format: for instructors (a student kit has none)."""
    from grader.quiz.course_quiz import course_sheet
    from grader.quiz.kit import answer_key
    from grader.quiz.answers_file import answers_toml
    from grader.render.reports import write_atomically

    sheet = course_sheet(course, quiz, student, assignment)
    from grader.render.safe import terminal_text

    write_atomically(out, answers_toml(sheet, answer_key(sheet)))
    typer.echo(Messages(lang).t("quiz.key-written", student=terminal_text(sheet.student), path=out))
