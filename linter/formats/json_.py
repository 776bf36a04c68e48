"""JSON output: the documented contract of docs/spec/output.md."""

from __future__ import annotations

import json
from collections.abc import Iterator

from linter import __version__


def chunks(result) -> Iterator[str]:
    """The report piece by piece, the same text as ``json.dumps`` of the whole report
    with ``indent=2``: a report of a hundred thousand findings is never held whole."""
    head = {"tool": {"name": "claimlint", "version": __version__}, "files": result.files}
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",\n"
    for key, items, last in (("findings", result.findings, False), ("errors", result.errors, True)):
        if not items:
            yield f'  "{key}": []' + ("\n" if last else ",\n")
            continue
        yield f'  "{key}": [\n'
        for i, item in enumerate(items):
            body = json.dumps(item.to_dict(), indent=2, ensure_ascii=False).replace("\n", "\n    ")
            yield "    " + body + (",\n" if i < len(items) - 1 else "\n")
        yield "  ]" + ("\n" if last else ",\n")
    yield "}\n"


def render(result, linter=None, **_options) -> str:
    return "".join(chunks(result))
