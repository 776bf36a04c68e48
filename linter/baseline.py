"""Baseline: adopt claimlint on an existing site and block only new problems.

``--write-baseline FILE`` records the current findings; ``--baseline FILE``
then reports only the findings not in it. A finding is known by its rule, its
path (relative to the baseline file's folder, so the baseline works from any
working folder) and a fingerprint of its sentence's words, never its line
number: editing the page above a known claim does not resurface it, while
rewording the claim itself does, as it should. Matching counts: if a page had
the same claim twice and now has it three times, one finding is new.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter

from linter import __version__
from linter.errors import ClaimlintError
from linter.findings import Finding

FORMAT_VERSION = 1
_WORD = re.compile(r"\w+")

Key = tuple[str, str, str]  # rule, path, fingerprint


def fingerprint(text: str) -> str:
    """A hash of the sentence's words, case-folded: markup, punctuation, line breaks
    and spacing do not change it."""
    words = " ".join(_WORD.findall(text.casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def _path(path: str, base: str) -> str:
    if path == "-":
        return path
    return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")


def key(f: Finding, base: str) -> Key:
    return (f.rule, _path(f.path, base), fingerprint(f.text))


def write(path: str, findings: list[Finding]) -> int:
    """Record the unsuppressed findings; return how many were recorded."""
    base = os.path.dirname(os.path.abspath(path))
    counts: Counter[Key] = Counter()
    texts: dict[Key, str] = {}
    for f in findings:
        if f.suppressed is None:
            k = key(f, base)
            counts[k] += 1
            texts.setdefault(k, " ".join(f.text.split()))
    doc = {
        "tool": {"name": "claimlint", "version": __version__},
        "version": FORMAT_VERSION,
        "findings": [
            {"rule": r, "path": p, "fingerprint": fp, "count": counts[(r, p, fp)], "text": texts[(r, p, fp)]}
            for r, p, fp in sorted(counts, key=lambda k: (k[1], k[0], k[2]))
        ],
    }
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise ClaimlintError(f"{path}: cannot write the baseline: {exc.strerror or exc}") from None
    return sum(counts.values())


def load(path: str) -> Counter[Key]:
    """The recorded findings and their counts; a file that is not a baseline is an error."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise ClaimlintError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ClaimlintError(f"{path}: not a claimlint baseline (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("findings"), list):
        raise ClaimlintError(f"{path}: not a claimlint baseline (version {FORMAT_VERSION} with 'findings')")
    out: Counter[Key] = Counter()
    for i, item in enumerate(doc["findings"]):
        try:
            k = (item["rule"], item["path"], item["fingerprint"])
            count = item.get("count", 1)
        except (TypeError, KeyError) as exc:
            raise ClaimlintError(f"{path}: findings[{i}]: missing {exc}") from None
        if not all(isinstance(v, str) for v in k) or not isinstance(count, int) or count < 1:
            raise ClaimlintError(f"{path}: findings[{i}]: rule, path and fingerprint are strings; count a whole number")
        out[k] += count
    return out


def new_findings(findings: list[Finding], path: str) -> tuple[list[Finding], int]:
    """The findings not in the baseline at ``path``, and how many were in it.

    Suppressed findings pass through untouched: they are the audit trail.
    """
    known = load(path)
    base = os.path.dirname(os.path.abspath(path))
    kept, matched = [], 0
    for f in findings:
        if f.suppressed is None:
            k = key(f, base)
            if known[k] > 0:
                known[k] -= 1
                matched += 1
                continue
        kept.append(f)
    return kept, matched
