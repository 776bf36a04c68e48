"""Output formats. Each module has ``render(result, linter, **options) -> str``."""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, result, linter, **options) -> str:
    if fmt == "json":
        from linter.formats.json_ import render as r
    elif fmt == "sarif":
        from linter.formats.sarif import render as r
    elif fmt == "github":
        from linter.formats.github import render as r
    else:
        from linter.formats.text import render as r
    return r(result, linter, **options)
