"""``claimlint eval``: score the linter against an annotated corpus.

Scoring follows shared/spec/corpus-format.md exactly: a reported
sentence-scope finding matches an expected one when the categories are equal
and the expected line lies within the finding's line..end_line; each expected
finding is matched at most once; a document-scope finding matches on category
(once per document). Precision, recall and F1 are computed overall and per
category.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from linter.errors import ClaimlintError
from linter.rules import CATEGORIES
from linter.runner import lint_file
from linter.sources import kind_for
from linter.yamlio import load_yaml


@dataclass
class Expected:
    category: str
    line: int | None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Report:
    documents: int = 0
    overall: Score = field(default_factory=Score)
    categories: dict[str, Score] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)  # false negatives
    false_alarms: list[dict] = field(default_factory=list)  # false positives
    errors: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "documents": self.documents,
            "overall": self.overall.to_dict(),
            "categories": {k: v.to_dict() for k, v in sorted(self.categories.items())},
            "false_negatives": self.misses,
            "false_positives": self.false_alarms,
            "errors": self.errors,
        }


def load_expectations(path: str) -> list[Expected]:
    data = load_yaml(path)
    if not isinstance(data, dict) or "expect" not in data:
        raise ClaimlintError(f"{path}: expected a mapping with 'expect'")
    out = []
    for i, item in enumerate(data.get("expect") or []):
        if not isinstance(item, dict) or item.get("category") not in CATEGORIES:
            raise ClaimlintError(f"{path}: expect[{i}]: unknown or missing category")
        line = item.get("line")
        if CATEGORIES[item["category"]] == "sentence" and not isinstance(line, int):
            raise ClaimlintError(f"{path}: expect[{i}]: a sentence-scope category needs a line")
        out.append(Expected(item["category"], line if CATEGORIES[item["category"]] == "sentence" else None))
    return out


def corpus_documents(root: str) -> list[tuple[str, str]]:
    """(document, sidecar) pairs under root, sorted; a document without a sidecar is an error."""
    if not os.path.isdir(root):
        raise ClaimlintError(f"{root}: no such corpus folder")
    pairs = []
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".expect.yaml") or kind_for(name) is None or name.lower() == "readme.md":
                continue  # a folder's README describes the corpus; it is not a document
            stem = os.path.splitext(name)[0]
            sidecar = os.path.join(dirpath, stem + ".expect.yaml")
            if not os.path.isfile(sidecar):
                raise ClaimlintError(f"{os.path.join(dirpath, name)}: no sidecar {stem}.expect.yaml")
            pairs.append((os.path.join(dirpath, name), sidecar))
    return pairs


def score_document(path: str, findings, expected: list[Expected], report: Report) -> None:
    def cat(c: str) -> Score:
        return report.categories.setdefault(c, Score())

    unmatched = list(expected)
    for f in findings:
        hit = None
        for e in unmatched:
            if e.category != f.category:
                continue
            if f.scope == "document" or e.line is None or f.span.line <= e.line <= f.span.end_line:
                hit = e
                break
        if hit is not None:
            unmatched.remove(hit)
            report.overall.tp += 1
            cat(f.category).tp += 1
        else:
            report.overall.fp += 1
            cat(f.category).fp += 1
            report.false_alarms.append(
                {"path": path, "line": f.span.line, "category": f.category, "rule": f.rule, "text": f.text[:200]}
            )
    for e in unmatched:
        report.overall.fn += 1
        cat(e.category).fn += 1
        report.misses.append({"path": path, "line": e.line, "category": e.category})


def evaluate(linter, root: str) -> Report:
    report = Report()
    for doc, sidecar in corpus_documents(root):
        expected = load_expectations(sidecar)
        findings, error, _ = lint_file(linter, doc)
        if error:
            report.errors.append(error.to_dict())
            continue
        findings = [f for f in findings if f.suppressed is None and f.category in CATEGORIES]
        report.documents += 1
        score_document(doc, findings, expected, report)
    for c in CATEGORIES:
        report.categories.setdefault(c, Score())
    return report


def render_table(report: Report, show_errors: bool = False) -> str:
    rows = [f"{'category':<26} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7} {'F1':>6}"]
    for name, s in sorted(report.categories.items()):
        rows.append(f"{name:<26} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}")
    o = report.overall
    rows.append(f"{'overall':<26} {o.tp:>4} {o.fp:>4} {o.fn:>4} {o.precision:>9.3f} {o.recall:>7.3f} {o.f1:>6.3f}")
    rows.append(f"{report.documents} documents")
    if show_errors:
        for m in report.misses:
            where = f"{m['path']}:{m['line']}" if m["line"] else m["path"]
            rows.append(f"miss         {where}: {m['category']}")
        for fa in report.false_alarms:
            rows.append(f"false alarm  {fa['path']}:{fa['line']}: {fa['category']} ({fa['rule']}) {fa['text']!r}")
    for e in report.errors:
        rows.append(f"{e['path']}: error: {e['message']}")
    return "\n".join(rows) + "\n"
