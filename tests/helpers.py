"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from linter.cli import main

_LINE_END = re.compile(r"\r\n|\r|\n")


def invoke(*args: str, stdin: bytes | None = None):
    """Run the command line in-process, as ``claimlint ARGS``."""
    return CliRunner().invoke(main, list(args), input=stdin, prog_name="claimlint")


def offset(text: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column, counted here independently of the linter
    (a line and column outside the text fail the assertion)."""
    starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
    assert 1 <= line <= len(starts), (line, len(starts))
    assert 1 <= column <= len(text) - starts[line - 1] + 1, (line, column)
    return starts[line - 1] + column - 1


def write(path, data: str | bytes) -> str:
    """Write a test input (text as UTF-8, or bytes as given), making its folders; its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return str(path)
