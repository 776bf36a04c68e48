"""Human output: ``path:line:col: severity rule message``, the sentence with the
claim underlined, the sentence rewritten (where the rule's rewrite applies), the
suggestion, and a closing summary line. A document finding shows the disclosure
text built for the document instead of the rule's fixed suggestion, where there
is one."""

from __future__ import annotations

from collections import Counter

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def shown_path(path: str) -> str:
    """The path as one line: a control character in a file name (a newline) would
    break ``path:line:col`` for the editors and tools that read it; it is escaped."""
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in path)


def _excerpt(f, lines: list[str] | None) -> list[str]:
    """The first line of the sentence, with the claim's key phrase underlined."""
    if lines is None:
        return []
    if not 0 < f.match.line <= len(lines):
        return []
    line = lines[f.match.line - 1].replace("\t", " ")
    start = f.match.column - 1
    end = f.match.end_column - 1 if f.match.end_line == f.match.line else len(line)
    end = max(end, start + 1)
    if len(line) > 160:  # keep very long lines readable around the claim
        lo = max(0, start - 60)
        line = ("..." if lo else "") + line[lo : lo + 160]
        shift = lo - (3 if lo else 0)
        start, end = start - shift, min(end - shift, len(line))
    return [f"    {line}", "    " + " " * start + "^" * max(1, end - start)]


def render(result, linter=None, color: bool = False, sources: dict | None = None, **_options) -> str:
    out: list[str] = []
    sources = sources or {}
    split: dict[str, list[str] | None] = {}  # each file's lines, split once (per finding: quadratic)
    for f in result.findings:
        sev = f.severity
        path = shown_path(f.path)
        head = f"{path}:{f.span.line}:{f.span.column}: {sev} {f.rule} {f.message}"
        if color:
            head = f"{_BOLD}{path}:{f.span.line}:{f.span.column}:{_RESET} {_COLOURS[sev]}{sev}{_RESET} {_BOLD}{f.rule}{_RESET} {f.message}"
        out.append(head)
        if f.suppressed is not None:
            out.append(f"    (suppressed: {f.suppressed})")
        if f.path not in split:
            split[f.path] = sources[f.path].splitlines() if f.path in sources else None
        out.extend(_excerpt(f, split[f.path]))
        if f.rewrite is not None:  # this sentence rewritten, on one line; the suggestion is then the advice
            out.append(f"    rewrite: {' '.join(f.rewrite.split())}")
        if f.disclosure is not None:  # the suggestion is the fixed form of the same text
            out.append(f"    disclosure: {f.disclosure}")
        elif f.suggestion:
            tip = f"    suggestion: {f.suggestion}"
            out.append(f"{_DIM}{tip}{_RESET}" if color else tip)
    for e in result.errors:
        out.append(f"{shown_path(e.path)}: error: {e.message}")
    counts = Counter(f.severity for f in result.findings if f.suppressed is None)
    parts = [f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 else ''}" for s in ("error", "warning", "info")]
    files_with = len({f.path for f in result.findings if f.suppressed is None})
    summary = (
        f"{result.files} file{'s' if result.files != 1 else ''} linted, "
        f"{files_with} with findings, {len(result.errors)} could not be read; " + ", ".join(parts)
    )
    if out:
        out.append("")
    out.append(summary)
    return "\n".join(out) + "\n"
