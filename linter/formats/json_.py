"""JSON output: the documented contract of shared/spec/output.md."""

from __future__ import annotations

import json

from linter import __version__


def document(result) -> dict:
    return {
        "tool": {"name": "claimlint", "version": __version__},
        "files": result.files,
        "findings": [f.to_dict() for f in result.findings],
        "errors": [e.to_dict() for e in result.errors],
    }


def render(result, linter=None, **_options) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
