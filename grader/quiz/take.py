"""Taking a quiz in the terminal: one question at a time, a bad answer asked again, the answers kept as typed.

Letters may be typed with the Korean keyboard on (ㅁ for A); an empty line skips a question, and the end of
the input skips the rest.
"""
from __future__ import annotations

from typing import Callable

from grader.i18n import Messages
from grader.quiz.kinds import QuestionType
from grader.quiz.marking import FALSE_WORDS, TRUE_WORDS, Invalid, read_letters, read_number, read_truth
from grader.quiz.sheet import Sheet, SheetQuestion

# The Korean 2-beolsik layout: with the Korean input on, the key for A types ㅁ. Letters and true/false
# typed that way are read as the Latin letters on the same keys (shifted jamo too: ㅃ is Q).
DUBEOLSIK = str.maketrans({
    "ㅂ": "Q", "ㅈ": "W", "ㄷ": "E", "ㄱ": "R", "ㅅ": "T", "ㅛ": "Y", "ㅕ": "U", "ㅑ": "I", "ㅐ": "O", "ㅔ": "P",
    "ㅁ": "A", "ㄴ": "S", "ㅇ": "D", "ㄹ": "F", "ㅎ": "G", "ㅗ": "H", "ㅓ": "J", "ㅏ": "K", "ㅣ": "L",
    "ㅋ": "Z", "ㅌ": "X", "ㅊ": "C", "ㅍ": "V", "ㅠ": "B", "ㅜ": "N", "ㅡ": "M",
    "ㅃ": "Q", "ㅉ": "W", "ㄸ": "E", "ㄲ": "R", "ㅆ": "T", "ㅒ": "O", "ㅖ": "P",
})
HOW_TO_ANSWER = {QuestionType.SINGLE: "quiz.choose-one", QuestionType.MULTIPLE: "quiz.choose-all",
                 QuestionType.TRUEFALSE: "quiz.true-false", QuestionType.NUMERIC: "quiz.number"}


def parse_typed_answer(item: SheetQuestion, text: str) -> object:
    """What a student typed in the terminal, as the answers file keeps it; raises ValueError(problem key)."""
    kind = item.question.type
    if kind.has_choices or (kind == QuestionType.TRUEFALSE and text.strip().lower() not in TRUE_WORDS | FALSE_WORDS):
        text = text.translate(DUBEOLSIK)
    letters = {letter for letter, _ in item.choices}
    try:
        if kind == QuestionType.SINGLE:
            if text.strip().upper() not in letters:
                raise Invalid("letter")
            return text.strip().upper()
        if kind == QuestionType.MULTIPLE:
            return sorted(read_letters(text, letters))
        if kind == QuestionType.TRUEFALSE:
            return read_truth(text)
        return read_number(text)
    except Invalid as problem:
        raise ValueError(f"quiz.invalid-{problem}") from None


def take_quiz(sheet: Sheet, lang: str, console=None, ask: Callable[[str], str] | None = None) -> dict[str, object]:
    """Ask every question of the sheet in the terminal; the answers given, by question id (skipped ones left out).

    `console` is a rich Console (a new one by default); `ask(prompt)` reads a line (the console's input by default).
    """
    from rich.console import Console
    from rich.text import Text

    console = console or Console(highlight=False)
    ask = ask or console.input
    messages = Messages(lang)
    answers: dict[str, object] = {}
    for item in sheet.questions:
        console.print()
        console.print(Text.assemble((f"{item.number}/{len(sheet.questions)}", "dim"), " ",
                                    (item.prompt(lang), "bold"), f" ({item.question.id})"))
        for letter, choice in item.choices:
            console.print(f"   {letter}. {choice.text(lang)}", markup=False)
        console.print(messages.t(HOW_TO_ANSWER[item.question.type]), style="dim")
        while True:
            try:
                text = ask(f"{messages.t('quiz.ask')}: ")
            except EOFError:
                text = ""
            if not text.strip():
                break
            try:
                answers[item.question.id] = parse_typed_answer(item, text)
                break
            except ValueError as problem:
                console.print(messages.t("quiz.ask-again", problem=messages.t(str(problem))), style="red")
    return answers
