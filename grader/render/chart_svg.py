"""The report's inline SVG charts as markup, from the geometry in grader/render/charts.py.

Written in Python rather than a template: a report draws some 17 charts of a few hundred points, and a
template escaped every number of them one by one. Numbers and coordinates are formatted here and need
no escaping; every text (a translated caption, a case's label, a tick's label, the exercise's id) is
escaped. Nothing is fetched or scripted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:  # not imported: the class overview renders with this environment too, and needs no NumPy
    from grader.render.charts import BarChart, CurveChart

TRUNCATE, TRUNCATE_END = 34, "…"
"""A bar's label longer than TRUNCATE + 5 characters is cut to TRUNCATE, the end included (Jinja's truncate)."""


def draw(chart: CurveChart | BarChart, t, exercise) -> Markup:
    """The chart's <figure>; `t` words its captions and legend, `exercise` names the curve."""
    return Markup(bars(chart, t) if hasattr(chart, "rows") else curve(chart, t, exercise))


def curve(c: CurveChart, t, exercise) -> str:
    x, y, w, h = c.box
    label = escape(t("report.chart-curve", name=exercise.title))
    clip = escape(exercise.id)
    out = [f'<figure>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width} {c.height}" width="{c.width}"'
           f' height="{c.height}" role="img" aria-label="{label}">\n'
           f'<defs><clipPath id="clip-{clip}"><rect x="{x}" y="{y}" width="{w}" height="{h}"/></clipPath></defs>\n'
           f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#fff" stroke="#d7d7d7"/>\n']
    for tick in c.y_ticks:
        out.append(f'<line x1="{x}" x2="{x + w}" y1="{tick.position:.1f}" y2="{tick.position:.1f}" stroke="#eee"/>\n'
                   f'<text x="{x - 4}" y="{tick.position + 3:.1f}" font-size="10" text-anchor="end" fill="#5f6368">'
                   f'{escape(tick.label)}</text>\n')
    for tick in c.x_ticks:
        out.append(f'<line x1="{tick.position:.1f}" x2="{tick.position:.1f}" y1="{y}" y2="{y + h}" stroke="#eee"/>\n'
                   f'<text x="{tick.position:.1f}" y="{y + h + 14}" font-size="10" text-anchor="middle"'
                   f' fill="#5f6368">{escape(tick.label)}</text>\n')
    if c.zero_y is not None:
        out.append(f'<line x1="{x}" x2="{x + w}" y1="{c.zero_y:.1f}" y2="{c.zero_y:.1f}" stroke="#9aa0a6"/>')
    out.append(f'<g clip-path="url(#clip-{clip})" fill="none">\n')
    out += [f'<polyline points="{escape(points)}" stroke="#9aa0a6" stroke-width="5" stroke-linejoin="round"'
            f' opacity="0.7"/>' for points in c.reference]
    out += [f'<polyline points="{escape(points)}" stroke="#1a73e8" stroke-width="2" stroke-linejoin="round"/>'
            for points in c.student]
    missing = f" — {escape(t('report.plot-missing'))}" if c.missing else ""
    out.append(f'</g>\n<g font-size="11">\n'
               f'<line x1="{x + 10}" x2="{x + 30}" y1="{y + 12}" y2="{y + 12}" stroke="#9aa0a6" stroke-width="5"'
               f' opacity="0.7"/>\n'
               f'<text x="{x + 36}" y="{y + 16}">{escape(t("report.legend-reference"))}</text>\n'
               f'<line x1="{x + 10}" x2="{x + 30}" y1="{y + 28}" y2="{y + 28}" stroke="#1a73e8" stroke-width="2"/>\n'
               f'<text x="{x + 36}" y="{y + 32}">{escape(t("report.legend-yours"))}</text>\n'
               f'</g>\n</svg>\n<figcaption>{label}{missing}</figcaption>\n</figure>\n')
    return "".join(out)


def bars(c: BarChart, t) -> str:
    label = escape(t("report.chart-bars"))
    out = [f'<figure>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width} {c.height + 18}"'
           f' width="{c.width}" height="{c.height + 18}" role="img" aria-label="{label}">\n<g font-size="11">\n'
           f'<rect x="{c.label_width}" y="2" width="10" height="8" fill="#9aa0a6"/><text x="{c.label_width + 14}"'
           f' y="10">{escape(t("report.legend-expected"))}</text>\n'
           f'<rect x="{c.label_width + 90}" y="2" width="10" height="8" fill="#1a73e8"/><text'
           f' x="{c.label_width + 104}" y="10">{escape(t("report.legend-got"))}</text>\n'
           f'</g>\n<g transform="translate(0, 16)" font-size="11">\n'
           f'<line x1="{c.zero_x:.1f}" x2="{c.zero_x:.1f}" y1="4" y2="{c.height - 8}" stroke="#9aa0a6"/>\n']
    for row in c.rows:
        out.append(f'<text x="{c.label_width - 6}" y="{row.y + 11}" text-anchor="end">{escape(_truncate(row.label))}'
                   f'</text>\n')
        if row.expected:
            out.append(f'<rect x="{row.expected[0]:.1f}" y="{row.y}" width="{row.expected[1]:.1f}" height="8"'
                       f' fill="#9aa0a6"/>')
        if row.got:
            out.append(f'<rect x="{row.got[0]:.1f}" y="{row.y + 9}" width="{row.got[1]:.1f}" height="8"'
                       f' fill="{"#1a73e8" if row.close else "#d93025"}"/>')
        out.append(f'<text x="{c.width - 4}" y="{row.y + 11}" text-anchor="end"'
                   f' fill="{"#202124" if row.close else "#b3261e"}">{escape(row.expected_text)} /'
                   f' {escape(row.got_text)}</text>\n')
    more = f" — {escape(t('report.plot-more', count=c.more))}" if c.more else ""
    out.append(f'</g>\n</svg>\n<figcaption>{label}{more}</figcaption>\n</figure>\n')
    return "".join(out)


def _truncate(text) -> str:
    text = str(text)
    return text if len(text) <= TRUNCATE + 5 else text[:TRUNCATE - len(TRUNCATE_END)] + TRUNCATE_END
