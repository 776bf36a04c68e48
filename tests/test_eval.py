"""``claimlint eval``: the bundled corpus meets the project's thresholds, and scoring
follows shared/spec/corpus-format.md exactly (checked on hand-made findings and on
tiny corpora built in tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.evaluate import Expected, Report, Score, score_document
from linter.findings import Finding, Span
from linter.rules import CATEGORIES

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MIN_OVERALL_F1 = 0.95
MIN_CATEGORY_F1 = 0.85


def run_eval(*args: str):
    return CliRunner().invoke(main, ["eval", *args])


# ---------------------------------------------------------------- the bundled corpus


@pytest.mark.slow
def test_the_corpus_meets_the_thresholds():
    result = run_eval(str(CORPUS), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert report["errors"] == []
    assert report["documents"] >= 80
    assert set(report["categories"]) == set(CATEGORIES)
    overall = report["overall"]["f1"]
    low = {c: s["f1"] for c, s in report["categories"].items() if s["f1"] < MIN_CATEGORY_F1}
    assert overall >= MIN_OVERALL_F1, f"overall F1 {overall} < {MIN_OVERALL_F1}"
    assert not low, f"categories under {MIN_CATEGORY_F1}: {low}"


# ---------------------------------------------------------------- scoring, by hand


def finding(category: str, line: int, end_line: int | None = None) -> Finding:
    span = Span(0, 1, line, 1, end_line or line, 2)
    return Finding("doc.md", span, span, "rule", category, CATEGORIES[category], "error", "m", "t", "s")


def score(findings, expected) -> Report:
    report = Report()
    score_document("doc.md", findings, expected, report)
    return report


def counts(s: Score) -> tuple[int, int, int]:
    return s.tp, s.fp, s.fn


def test_a_sentence_finding_matches_when_the_expected_line_is_within_its_lines():
    assert counts(score([finding("efficacy.absolute", 2, 4)], [Expected("efficacy.absolute", 3)]).overall) == (1, 0, 0)
    assert counts(score([finding("efficacy.absolute", 3)], [Expected("efficacy.absolute", 3)]).overall) == (1, 0, 0)
    missed = score([finding("efficacy.absolute", 4, 5)], [Expected("efficacy.absolute", 3)])
    assert counts(missed.overall) == (0, 1, 1)
    assert missed.false_alarms[0]["line"] == 4 and missed.misses[0]["line"] == 3


def test_the_category_must_be_equal():
    report = score([finding("efficacy.unqualified", 3)], [Expected("efficacy.absolute", 3)])
    assert counts(report.overall) == (0, 1, 1)
    assert counts(report.categories["efficacy.unqualified"]) == (0, 1, 0)
    assert counts(report.categories["efficacy.absolute"]) == (0, 0, 1)


def test_each_expected_finding_is_matched_once():
    two_reported = score(
        [finding("safety.absolute", 3), finding("safety.absolute", 3)], [Expected("safety.absolute", 3)]
    )
    assert counts(two_reported.overall) == (1, 1, 0)
    two_expected = score(
        [finding("safety.absolute", 3, 4)], [Expected("safety.absolute", 3), Expected("safety.absolute", 4)]
    )
    assert counts(two_expected.overall) == (1, 0, 1)


def test_a_document_finding_matches_by_category_once_per_document():
    expected = [Expected("disclosure.off-label", None)]
    assert counts(score([finding("disclosure.off-label", 17)], expected).overall) == (1, 0, 0)
    twice = score([finding("disclosure.off-label", 1), finding("disclosure.off-label", 9)], expected)
    assert counts(twice.overall) == (1, 1, 0)
    other = score([finding("disclosure.risks", 1)], expected)
    assert counts(other.overall) == (0, 1, 1)


def test_precision_recall_and_f1_arithmetic():
    s = Score(tp=3, fp=1, fn=2)
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(3 / 5)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))
    assert s.to_dict() == {"tp": 3, "fp": 1, "fn": 2, "precision": 0.75, "recall": 0.6, "f1": 0.6667}
    assert Score(tp=0, fp=0, fn=2).f1 == 0.0
    assert Score(tp=0, fp=2, fn=0).f1 == 0.0


def test_overall_is_the_sum_of_the_categories():
    report = score(
        [finding("efficacy.absolute", 1), finding("safety.absolute", 2), finding("onset.overstated", 5)],
        [Expected("efficacy.absolute", 1), Expected("safety.absolute", 3), Expected("disclosure.risks", None)],
    )
    totals = [sum(getattr(s, k) for s in report.categories.values()) for k in ("tp", "fp", "fn")]
    assert totals == [report.overall.tp, report.overall.fp, report.overall.fn] == [1, 2, 2]


# ---------------------------------------------------------------- tiny corpora through the CLI

CAREFUL = "Ketamine is an anesthetic used in surgery.\n"
CLAIM = "Ketamine is an anesthetic used in surgery.\n\nKetamine cures depression.\n"


def corpus(tmp_path, docs: dict[str, tuple[str, str | None]]) -> str:
    """A corpus folder: name -> (text, sidecar YAML or None for no sidecar)."""
    root = tmp_path / "corpus"
    root.mkdir()
    for name, (text, sidecar) in docs.items():
        (root / name).write_text(text, encoding="utf-8")
        if sidecar is not None:
            stem = name.rsplit(".", 1)[0]
            (root / f"{stem}.expect.yaml").write_text(sidecar, encoding="utf-8")
    return str(root)


def test_a_perfect_tiny_corpus_passes_min_f1(tmp_path):
    root = corpus(tmp_path, {"careful.md": (CAREFUL, "source: test\nexpect: []\n"), "README.md": ("# About\n", None)})
    result = run_eval(root, "--format", "json", "--min-f1", "0.95")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 1  # a folder's README describes the corpus, it is not a document
    assert report["overall"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_min_f1_exit_1_when_overall_f1_is_under_it(tmp_path):
    sidecar = "source: test\nexpect:\n  - category: efficacy.absolute\n    line: 1\n"
    root = corpus(tmp_path, {"careful.md": (CAREFUL, sidecar)})
    assert run_eval(root, "--min-f1", "0.5").exit_code == 1
    assert run_eval(root).exit_code == 0  # default --min-f1 0
    report = json.loads(run_eval(root, "--format", "json").stdout)
    assert report["categories"]["efficacy.absolute"]["fn"] == 1
    assert report["false_negatives"] == [{"path": f"{root}/careful.md", "line": 1, "category": "efficacy.absolute"}]


def test_show_errors_lists_misses_and_false_alarms_with_file_and_line(tmp_path):
    root = corpus(
        tmp_path, {"claim.md": (CLAIM, "source: test\nexpect:\n  - category: safety.absolute\n    line: 1\n")}
    )
    out = run_eval(root, "--show-errors").stdout
    path = f"{root}/claim.md"
    assert f"miss         {path}:1: safety.absolute" in out
    assert f"false alarm  {path}:3: efficacy.absolute" in out
    report = json.loads(run_eval(root, "--format", "json").stdout)
    assert {(f["line"], f["category"]) for f in report["false_positives"]} >= {(3, "efficacy.absolute")}


def test_a_document_without_a_sidecar_is_exit_2(tmp_path):
    root = corpus(tmp_path, {"a.md": (CAREFUL, "expect: []\n"), "b.md": (CAREFUL, None)})
    result = run_eval(root)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "b.md" in lines[0] and "b.expect.yaml" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "sidecar",
    [
        "expect:\n  - category: efficacy.bogus\n    line: 1\n",
        "expect:\n  - category: efficacy.absolute\n",  # a sentence category needs a line
        "source: no expect key\n",
    ],
)
def test_a_malformed_sidecar_is_exit_2(tmp_path, sidecar):
    result = run_eval(corpus(tmp_path, {"a.md": (CAREFUL, sidecar)}))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "a.expect.yaml" in result.stderr


def test_a_missing_corpus_folder_is_exit_2(tmp_path):
    result = run_eval(str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "nowhere" in result.stderr
