"""The class overview's numbers, from the gradebook's latest attempt of each student: columns, pass rates,
frequent mistakes, each student's row, quiz questions and the score histogram. Rendering is class_report's.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from grader.catalog import Catalog
from grader.class_output import STUDENTS
from grader.gradebook import Attempt
from grader.i18n import Messages
from grader.quiz.kinds import QuestionStatus
from grader.results import Status

BINS = 10
HISTOGRAM_WIDTH, HISTOGRAM_HEIGHT = 520, 180


@dataclass
class MistakeCount:
    """A mistake of one exercise, as often as the class made it."""

    id: str
    name: str
    """In the report's language."""
    count: int
    students: list[str]


@dataclass
class ExerciseSummary:
    id: str
    title: str
    max_score: float
    passed: int = 0
    graded: int = 0
    mistakes: list[MistakeCount] = field(default_factory=list)
    """Most frequent first."""

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class Bin:
    low: float
    high: float
    count: int
    x: float
    y: float
    width: float
    height: float


def exercise_columns(attempts: list[Attempt], catalog: Catalog) -> list[str]:
    """Exercise ids in teaching order, then any only the attempts know (from an older catalog)."""
    known = list(catalog.ids)
    seen = {row.exercise for attempt in attempts for row in attempt.exercises}
    return [e for e in known if e in seen] + sorted(seen - set(known))


def max_scores(attempts: list[Attempt], columns: list[str], catalog: Catalog) -> dict[str, float]:
    """Each exercise's maximum: as graded (the attempts'), else the catalog's points."""
    found = {column: (catalog.exercise(column).points if column in catalog.ids else 0.0) for column in columns}
    for attempt in attempts:
        for row in attempt.exercises:
            if row.exercise in found:
                found[row.exercise] = row.max_score
    return found


def points_text(value: float) -> str:
    return f"{value:g}"


def summarise(attempts: list[Attempt], columns: list[str], catalog: Catalog, lang: str,
              top: int = 3) -> list[ExerciseSummary]:
    """Pass rate and most frequent mistakes per exercise; mistakes any exercise can show (not found,
    not implemented, …) are left to `common_problems`, not repeated on every row."""
    summaries = []
    for column in columns:
        known = column in catalog.ids
        summary = ExerciseSummary(column, catalog.exercise(column).title(lang) if known else column, 0.0)
        counts: Counter[str] = Counter()
        who: dict[str, list[str]] = {}
        for attempt in attempts:
            row = next((r for r in attempt.exercises if r.exercise == column), None)
            if row is None:
                continue
            summary.graded += 1
            summary.passed += row.status == Status.PASSED
            summary.max_score = max(summary.max_score, row.max_score)
            for mistake in row.mistakes:
                if mistake in catalog.common_mistakes:
                    continue
                counts[mistake] += 1
                who.setdefault(mistake, []).append(attempt.student)
        summary.mistakes = [MistakeCount(m, _mistake_name(catalog, m, lang), n, who[m])
                            for m, n in counts.most_common(top)]
        summaries.append(summary)
    return summaries


@dataclass
class CommonProblem:
    """A mistake any exercise can show, once for the class: which students, in how many exercises."""

    id: str
    name: str
    students: list[str]
    exercises: int


def common_problems(attempts: list[Attempt], catalog: Catalog, lang: str) -> list[CommonProblem]:
    found: dict[str, tuple[dict[str, None], set[str]]] = {}
    for attempt in attempts:
        for row in attempt.exercises:
            for mistake in row.mistakes:
                if mistake in catalog.common_mistakes:
                    students, exercises = found.setdefault(mistake, ({}, set()))
                    students[attempt.student] = None
                    exercises.add(row.exercise)
    problems = [CommonProblem(m, _mistake_name(catalog, m, lang), list(students), len(exercises))
                for m, (students, exercises) in found.items()]
    return sorted(problems, key=lambda p: (-len(p.students), p.id))


@dataclass(frozen=True)
class Cell:
    """One exercise of one student in the students' table."""

    text: str
    """The score, or a dash when the exercise was not graded."""
    label: str
    """The status when not passed (or why nothing was graded); empty otherwise."""
    sort: float
    """What the column sorts by (-1 for no score)."""


@dataclass
class StudentRow:
    """One line of the students' table: every cell's text, status and sort value worked out here."""

    student: str
    href: str
    score: float
    max_score: float
    error: str | None
    cells: list[Cell]
    """One per exercise column."""
    quiz: object = None


def student_rows(attempts: list[Attempt], columns: list[str], lang: str) -> list[StudentRow]:
    t = Messages(lang).t
    rows = []
    for attempt in attempts:
        by_id = {row.exercise: row for row in attempt.exercises}
        cells = []
        for column in columns:
            row = by_id.get(column)
            if row is None:
                cells.append(Cell("—", t("class_batch.not-graded-cell") if attempt.error else "", -1.0))
            else:
                label = "" if row.status == Status.PASSED else _status_label(row.status, t)
                cells.append(Cell(points_text(row.score), label, row.score))
        rows.append(StudentRow(attempt.student, f"{STUDENTS}/{quote(attempt.student)}/report.html", attempt.score,
                               attempt.max_score, attempt.error, cells, attempt.quiz))
    return rows


def _status_label(status: str, t) -> str:
    try:
        return t(f"class_batch.status-{status}")
    except KeyError:
        return status


def _mistake_name(catalog: Catalog, mistake_id: str, lang: str) -> str:
    mistake = catalog.mistake(mistake_id)
    return mistake.name(lang) if mistake else mistake_id


@dataclass
class QuestionRate:
    quiz: str
    question: str
    correct: int = 0
    answered: int = 0
    """Students whose answers file had this question graded (an unanswered one counts, as a miss)."""

    @property
    def rate(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def question_rates(attempts: list[Attempt]) -> list[QuestionRate]:
    """Per quiz question, how many students got it right, in the quiz's order."""
    rates: dict[tuple[str, str], QuestionRate] = {}
    for attempt in attempts:
        if attempt.quiz is None or attempt.quiz.error:
            continue
        for row in attempt.quiz.questions:
            rate = rates.setdefault((attempt.quiz.quiz, row.question), QuestionRate(attempt.quiz.quiz, row.question))
            rate.answered += 1
            rate.correct += row.status == QuestionStatus.CORRECT
    return list(rates.values())


def histogram(attempts: list[Attempt]) -> list[Bin]:
    """Scores as a percentage of the maximum, in ten bins; 100 % falls in the last."""
    counts = [0] * BINS
    for attempt in attempts:
        share = attempt.score / attempt.max_score if attempt.max_score else 0.0
        counts[min(int(share * BINS), BINS - 1)] += 1
    tallest = max(counts) or 1
    width = (HISTOGRAM_WIDTH - 40) / BINS
    bins = []
    for index, count in enumerate(counts):
        height = (HISTOGRAM_HEIGHT - 30) * count / tallest
        bins.append(Bin(low=index * 100 / BINS, high=(index + 1) * 100 / BINS, count=count, x=30 + index * width,
                        y=HISTOGRAM_HEIGHT - 20 - height, width=width - 2, height=height))
    return bins
