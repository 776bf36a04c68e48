"""Findings and spans: what the engine reports and every formatter reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)  # slots: a report may hold a hundred thousand
class Span:
    """Original-text offsets and their 1-based line/column (end exclusive)."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)  # slots: a report may hold a hundred thousand
class Finding:
    path: str
    span: Span
    match: Span
    rule: str
    category: str
    scope: str
    severity: str
    message: str
    text: str
    suggestion: str
    references: tuple[str, ...] = ()
    suppressed: str | None = field(default=None, compare=False)
    # The sentence (``text``) rewritten by the rule's ``rewrite:``, markup kept; None where
    # no rewrite applies (then ``suggestion`` is only a generic example).
    rewrite: str | None = None
    # A document finding's text to add, filled from the knowledge base for the drugs
    # this document promotes (the rule's ``disclosure:``); None where it cannot be,
    # and then ``suggestion`` is the rule's fixed text.
    disclosure: str | None = None

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule)

    def to_dict(self) -> dict:
        d = {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "rule": self.rule,
            "category": self.category,
            "scope": self.scope,
            "severity": self.severity,
            "message": self.message,
            "text": self.text,
            "suggestion": self.suggestion,
            "rewrite": self.rewrite,
            "disclosure": self.disclosure,
            "references": list(self.references),
            "match": {
                "line": self.match.line,
                "column": self.match.column,
                "end_line": self.match.end_line,
                "end_column": self.match.end_column,
            },
        }
        if self.suppressed is not None:
            d["suppressed"] = self.suppressed
        return d
