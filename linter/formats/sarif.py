"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

Valid against the OASIS schema (shared/schemas/sarif-schema-2.1.0.json): one
run; ``tool.driver.rules`` lists every rule that ran, with its message, its
rationale as help, its first reference URL as ``helpUri`` and its default
level; each result has the rule, the level, the message and the sentence's
exact region. Columns count Unicode code points, as everywhere in claimlint
(``run.columnKind``). Findings waived by an inline directive carry a SARIF
``suppressions`` entry with the directive's reason, so reviewers can audit them.

No ``fixes`` are emitted: a claimlint suggestion is an advisory rewrite of a
whole sentence (the wording depends on the evidence the writer has), never an
exact replacement a viewer could apply automatically. Where the rule's rewrite
applies, the sentence rewritten is in the result's ``properties.rewrite``, for
a reviewer to read, not for a tool to apply. A document finding's disclosure
text, built for the document from the knowledge base, is in
``properties.disclosure`` and ends the message ("Add: ...").
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from linter import __version__

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_SRCROOT = "%SRCROOT%"


def help_uri(references) -> str | None:
    """The first http(s) URL among a rule's references."""
    for ref in references:
        m = _URL.search(ref)
        if m:
            return m.group().rstrip(".,;:")
    return None


def _rule(r) -> dict:
    refs = list(r.references)
    md = [f"**Why.** {' '.join(r.rationale.split())}", "", f"**Suggestion.** {r.suggestion}"]
    if refs:
        md += ["", "**References.**", *(f"- {ref}" for ref in refs)]
    out = {
        "id": r.id,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": " ".join(r.rationale.split())},
        "help": {"text": f"{' '.join(r.rationale.split())}\n\nSuggestion: {r.suggestion}", "markdown": "\n".join(md)},
        "defaultConfiguration": {"level": LEVELS[r.severity]},
        "properties": {"category": r.category, "scope": r.scope, "references": refs, "tags": [r.category]},
    }
    uri = help_uri(refs)
    if uri:
        out["helpUri"] = uri
    return out


def _location(path: str) -> dict:
    """The path as given, with forward slashes, as a URI reference; relative paths
    are relative to the working folder (%SRCROOT%), which is where GitHub runs."""
    posix = path.replace(os.sep, "/")
    loc = {"uri": quote(posix, safe="/")}
    if not posix.startswith("/"):
        loc["uriBaseId"] = _SRCROOT
    return loc


def _result(f, index: dict[str, int]) -> dict:
    s = f.span
    region = {
        "startLine": s.line,
        "startColumn": s.column,
        "endLine": s.end_line,
        "endColumn": s.end_column,
        "snippet": {"text": f.text},
    }
    message = f.message if f.disclosure is None else f"{f.message} Add: {f.disclosure}"
    out = {
        "ruleId": f.rule,
        "level": LEVELS[f.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": _location(f.path), "region": region}}],
        "properties": {"category": f.category, "scope": f.scope, "suggestion": f.suggestion},
    }
    if f.rewrite is not None:
        out["properties"]["rewrite"] = f.rewrite
    if f.disclosure is not None:
        out["properties"]["disclosure"] = f.disclosure
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    if f.suppressed is not None:
        out["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return out


def document(result, rules) -> dict:
    """The SARIF log for a run; ``rules`` are the rules that ran."""
    driver_rules = [_rule(r) for r in rules]
    index = {r["id"]: i for i, r in enumerate(driver_rules)}
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{e.path}: {e.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": _location(e.path)}}],
        }
        for e in result.errors
    ]
    run = {
        "tool": {
            "driver": {
                "name": "claimlint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": driver_rules,
            }
        },
        "originalUriBaseIds": {_SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index) for f in result.findings],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result, linter=None, rules=None, **_options) -> str:
    if rules is None:
        from linter.suppressions import DIRECTIVE_RULES

        rules = list(linter.rules) + list(DIRECTIVE_RULES)
    return json.dumps(document(result, rules), indent=2, ensure_ascii=False) + "\n"
