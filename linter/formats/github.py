"""GitHub Actions workflow commands: one annotation per finding on the pull request.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::MESSAGE``,
with ``warning`` and ``notice`` for the lower severities. Values are escaped
as the Actions runner unescapes them (actions/runner ActionCommand.cs):
``%``, CR and LF in the message; those and ``:`` and ``,`` in properties. The
runner drops an annotation whose ``col``/``endColumn`` are set on a span over
several lines (actions/runner#4167), so columns are given only for one-line spans.
The message is the finding's, then as in the text report the flagged sentence
rewritten (where the rule's rewrite applies), then the disclosure to add or the
rule's suggestion.
"""

from __future__ import annotations

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{kind} {props}::{escape_data(message)}"


def annotation(f) -> str:
    s = f.span
    props: dict[str, object] = {"file": f.path.replace("\\", "/"), "line": s.line}
    if s.line == s.end_line:
        props.update(col=s.column, endLine=s.end_line, endColumn=s.end_column)
    else:
        props["endLine"] = s.end_line
    props["title"] = f.rule
    message = f.message
    if f.suppressed is not None:
        message = f"(suppressed: {f.suppressed}) {message}"
    if f.rewrite is not None:  # the flagged sentence rewritten; the suggestion then stays as the advice
        message += f"\nRewrite: {' '.join(f.rewrite.split())}"
    if f.disclosure is not None:
        message += f"\nAdd: {f.disclosure}"
    elif f.suggestion:
        message += f"\nSuggestion: {f.suggestion}"
    kind = "notice" if f.suppressed is not None else COMMANDS[f.severity]
    return command(kind, props, message)


def render(result, linter=None, **_options) -> str:
    """Annotations for the findings given; a suppressed one (shown only on request) is a notice."""
    lines = [annotation(f) for f in result.findings]
    lines += [
        command("error", {"file": e.path.replace("\\", "/"), "title": "claimlint"}, e.message) for e in result.errors
    ]
    return "".join(line + "\n" for line in lines)
