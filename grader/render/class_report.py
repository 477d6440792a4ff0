"""The class's exports: grades.csv for a spreadsheet and index.html, the class overview.

Both come from the gradebook's latest attempt of each student, so they are the same whether a class
was graded in one run, in several interrupted ones, or in shards merged afterwards. Their numbers are
worked out in grader.render.class_summary.
"""
from __future__ import annotations

from pathlib import Path

from grader.catalog import Catalog
from grader.gradebook import Attempt
from grader.i18n import Messages
from grader.render.class_summary import (HISTOGRAM_HEIGHT, HISTOGRAM_WIDTH, common_problems, exercise_columns,
                                         histogram, max_scores, points_text, question_rates, student_rows,
                                         summarise)


def render_index(attempts: list[Attempt], catalog: Catalog, lang: str, title: str, key: str = "") -> str:
    """The class overview. Mean, median and histogram count every student, a zero for an unreadable
    submission included, so the histogram sums to the class; pass rates count the graded ones."""
    from grader.render.reports import environment

    columns = exercise_columns(attempts, catalog)
    graded = [a for a in attempts if a.error is None]
    scores = sorted(a.score for a in attempts)
    maxima = max_scores(attempts, columns, catalog)
    return environment().get_template("class.html.j2").render(
        t=Messages(lang).t, lang=lang, title=title, attempts=attempts, columns=columns, exports_key=key,
        titles={c: (catalog.exercise(c).title(lang) if c in catalog.ids else c) for c in columns},
        maxima={c: points_text(v) for c, v in maxima.items()}, rows=student_rows(attempts, columns, lang),
        common=common_problems(graded, catalog, lang),
        exercises=summarise(graded, columns, catalog, lang), bins=histogram(attempts), questions=question_rates(graded),
        width=HISTOGRAM_WIDTH, height=HISTOGRAM_HEIGHT,
        median=(scores[len(scores) // 2] if len(scores) % 2 else sum(scores[len(scores) // 2 - 1: len(scores) // 2 + 1]) / 2)
        if scores else 0.0,
        mean=sum(scores) / len(scores) if scores else 0.0,
    )


def write_class_exports(attempts: list[Attempt], catalog: Catalog, folder: Path, lang: str, title: str,
                        key: str = "") -> list[Path]:
    """grades.csv and index.html; `key` (see exports_current) is written into index.html."""
    from grader.render.grades_csv import write_grades_csv
    from grader.render.reports import write_atomically

    columns = exercise_columns(attempts, catalog)
    csv_path = write_grades_csv(attempts, columns, folder / "grades.csv", lang, max_scores(attempts, columns, catalog))
    return [csv_path, write_atomically(folder / "index.html", render_index(attempts, catalog, lang, title, key))]


def exports_current(folder: Path, key: str) -> bool:
    """Whether grades.csv and index.html were written from exactly what `key` fingerprints, so need no rewrite."""
    index = Path(folder) / "index.html"
    try:
        head = index.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False
    return bool(key) and f'<meta name="grade-exports" content="{key}">' in head and (Path(folder) / "grades.csv").is_file()
