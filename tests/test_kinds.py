"""The engine's kinds as enums (grader.kinds): each serialises to the very string it replaced, so
results.json and the catalog read as before, and every kind the catalog accepts has its code."""
import json

from grader import detectors
from grader.catalog import DETECTORS, PLOT_KINDS, load_catalog
from grader.kinds import VALUE_FINDINGS, Detector, FindingKind, PlotKind
from grader.results import (CaseResult, ExerciseResult, Finding, Plot, Status, SubmissionResult, WorstElement)


def result(finding_kind, plot_kind) -> SubmissionResult:
    finding = Finding(finding_kind, "A2", count=1, size=3, worst=WorstElement([1], 0.5, 0.25, 0.25, 0.5, 1e-5))
    case = CaseResult("small", Status.FAILED, "off", finding=finding)
    plot = Plot(plot_kind, ["a"], [0.0], [0.5], [0.25])
    return SubmissionResult("ann", "process", [ExerciseResult("relu", Status.FAILED, 0.0, 10.0, [], [case], plot=plot)])


def test_kinds_serialise_to_the_strings_they_replaced():
    typed = result(FindingKind.VALUES, PlotKind.BARS).to_json()
    assert typed == result("values", "bars").to_json()
    data = json.loads(typed)["exercises"][0]
    assert data["cases"][0]["finding"]["kind"] == "values" and data["plot"]["kind"] == "bars"
    assert FindingKind(data["cases"][0]["finding"]["kind"]) is FindingKind.VALUES  # and back
    assert [str(kind) for kind in FindingKind] == ["type", "length", "shape", "non-finite", "values", "gradient",
                                                   "mutated", "behaviour"]
    assert f"finding.{FindingKind.NON_FINITE}" == "finding.non-finite"  # message keys are built from kinds


def test_value_findings_are_the_numeric_ones():
    assert VALUE_FINDINGS == {FindingKind.VALUES, FindingKind.NON_FINITE, FindingKind.GRADIENT}
    assert "values" in VALUE_FINDINGS and "shape" not in VALUE_FINDINGS


def test_every_detector_the_catalog_accepts_has_code_and_the_catalog_reads_kinds_as_enums():
    assert set(DETECTORS) == set(Detector) == set(detectors.DETECTORS)
    assert set(PLOT_KINDS) == set(PlotKind)
    catalog = load_catalog()
    mistakes = list(catalog.common_mistakes.values()) + [m for e in catalog.exercises for m in e.mistakes]
    detected = [m.detect for m in mistakes if m.detect is not None]
    assert detected and all(type(d) is Detector for d in detected)
    plotted = [e.plot for e in catalog.exercises if e.plot is not None]
    assert {PlotKind.CURVE, PlotKind.BARS} <= set(plotted) and all(type(p) is PlotKind for p in plotted)
