"""Output formats. Each module has ``render(result, linter, **options) -> str``."""

from __future__ import annotations

from collections.abc import Iterable

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


def stream(fmt: str, result, linter, **options) -> Iterable[str]:
    """The report in pieces, to be written one after another: JSON is written finding
    by finding, so that a report of many findings is never held whole in memory."""
    if fmt == "json":
        from linter.formats.json_ import chunks

        return chunks(result)
    return [render(fmt, result, linter, **options)]
