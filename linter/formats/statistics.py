"""``--statistics``: how many findings each rule made, most frequent first (as ruff's)."""

from __future__ import annotations

import json
from collections import Counter


def counts(findings) -> list[dict]:
    """Unsuppressed findings per rule and severity (a severity override can split a rule)."""
    c = Counter((f.rule, f.category, f.severity) for f in findings if f.suppressed is None)
    rows = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
    return [{"rule": r, "category": cat, "severity": sev, "count": n} for (r, cat, sev), n in rows]


def render_counts(findings, fmt: str = "text") -> str:
    """The table of counts (text), or a JSON list; not a report format of its own."""
    rows = counts(findings)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(r["rule"]) for r in rows), default=0)
    return "".join(f"{r['count']:>5}  {r['rule']:<{width}}  {r['severity']:<7}  {r['category']}\n" for r in rows)
