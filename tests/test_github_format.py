"""GitHub workflow commands: the syntax the Actions runner parses, and its escaping rules."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.findings import Finding, Span
from linter.formats.github import annotation, escape_data, escape_property
from linter.runner import RunResult

REPO = Path(__file__).resolve().parents[1]
# ::error file=PATH,line=L[,col=C],endLine=L2[,endColumn=C2],title=RULE::MESSAGE, where no
# property value holds a raw ',' ':' CR or LF, and the message holds no raw CR or LF.
_PROP = r"[^,:\r\n]*"
COMMAND = re.compile(
    rf"^::(?P<kind>error|warning|notice) file=(?P<file>{_PROP}),line=(?P<line>\d+)"
    rf"(?:,col=(?P<col>\d+))?,endLine=(?P<endLine>\d+)(?:,endColumn=(?P<endColumn>\d+))?"
    rf",title=(?P<title>{_PROP})::(?P<message>[^\r\n]*)$"
)


def unescape_property(s: str) -> str:
    """What the runner does to a property value (ActionCommand.UnescapeProperty), '%' last."""
    for token, code in (("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")):
        s = s.replace(code, token)
    return s


def unescape_data(s: str) -> str:
    for token, code in (("\r", "%0D"), ("\n", "%0A"), ("%", "%25")):
        s = s.replace(code, token)
    return s


def finding(path="a.md", line=1, col=1, end_line=1, end_col=9, severity="error", message="m", suppressed=None):
    span = Span(0, 8, line, col, end_line, end_col)
    return Finding(
        path, span, span, "efficacy-cure", "efficacy.absolute", "sentence", severity, message, "t", "s", (), suppressed
    )


def test_corpus_annotations_match_the_workflow_command_syntax(monkeypatch):
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["check", "--format", "github", "corpus/promo"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines
    for line in lines:
        m = COMMAND.match(line)
        assert m, line
        assert Path(unescape_property(m["file"])).is_file()
        assert int(m["endLine"]) >= int(m["line"])
        if m["col"]:
            assert m["endLine"] == m["line"] and int(m["endColumn"]) >= int(m["col"])


@pytest.mark.parametrize("value", ["plain", "a,b:c", "100%", "50%2C", "line\nbreak\r\nend", "%0A literal", "ä, ö: ü"])
def test_escaping_round_trips_through_the_runner(value):
    assert unescape_property(escape_property(value)) == value
    assert unescape_data(escape_data(value)) == value
    assert not re.search(r"[,:\r\n]", escape_property(value))
    assert not re.search(r"[\r\n]", escape_data(value))


def test_properties_and_message_are_escaped_in_a_command():
    line = annotation(finding(path="dir, with: odd%/p.md", message="50% off:\nnow, today"))
    m = COMMAND.match(line)
    assert m
    assert unescape_property(m["file"]) == "dir, with: odd%/p.md"
    assert unescape_data(m["message"]).startswith("50% off:\nnow, today")
    assert "Suggestion: s" in unescape_data(m["message"])


def test_columns_only_for_one_line_spans_and_levels_by_severity():
    one = COMMAND.match(annotation(finding(severity="warning")))
    assert (one["kind"], one["col"], one["endColumn"]) == ("warning", "1", "9")
    multi = COMMAND.match(annotation(finding(line=2, end_line=4, severity="info")))
    assert (multi["kind"], multi["col"], multi["endColumn"], multi["endLine"]) == ("notice", None, None, "4")
    waived = COMMAND.match(annotation(finding(suppressed="quoted")))
    assert waived["kind"] == "notice" and "(suppressed: quoted)" in waived["message"]


def test_unreadable_file_is_an_error_command(tmp_path):
    from linter.formats.github import render
    from linter.runner import FileError

    out = render(RunResult(errors=[FileError("x,y.md", "not valid UTF-8 at byte 3")]))
    assert out == "::error file=x%2Cy.md,title=claimlint::not valid UTF-8 at byte 3\n"


def test_suppressed_findings_only_on_request(tmp_path, linter):
    claim = linter.ruleset.by_id()["safety-absolute"].examples.flag[0]
    page = tmp_path / "page.md"
    page.write_text(f"<!-- claimlint-disable-next-line safety -- quoted, then refuted -->\n{claim}\n")
    plain = CliRunner().invoke(main, ["check", "--format", "github", str(page)])
    assert "safety-absolute" not in plain.stdout and plain.exit_code == 0
    shown = CliRunner().invoke(main, ["check", "--format", "github", "--show-suppressed", str(page)])
    assert shown.stdout.startswith("::notice ") and "title=safety-absolute" in shown.stdout


def test_the_rewrite_is_shown_on_one_line_before_the_suggestion_and_escaped():
    rewrite = "Ketamine may ease,\n  for some: 100% of nothing."
    m = COMMAND.match(annotation(replace(finding(), rewrite=rewrite)))
    assert m
    shown = unescape_data(m["message"]).split("\n")
    assert shown == ["m", "Rewrite: Ketamine may ease, for some: 100% of nothing.", "Suggestion: s"]
    assert "Rewrite:" not in annotation(finding())  # no rewrite, no line for it


def test_a_disclosure_replaces_the_suggestion_as_before():
    m = COMMAND.match(annotation(replace(finding(), disclosure="Talk to your provider.")))
    assert unescape_data(m["message"]).split("\n") == ["m", "Add: Talk to your provider."]


def test_each_finding_s_rewrite_reaches_its_annotation(tmp_path, linter):
    claims = [linter.ruleset.by_id()[rule].examples.flag[0] for rule in ("efficacy-cure", "safety-absolute")]
    page = tmp_path / "page.md"
    page.write_text("\n\n".join(claims) + "\n")
    report = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", str(page)])
    rewrites = {(f["rule"], f["line"]): f["rewrite"] for f in json.loads(report.stdout)["findings"] if f["rewrite"]}
    assert rewrites
    github = CliRunner().invoke(main, ["check", "--no-cache", "--format", "github", str(page)])
    shown = {}
    for line in github.stdout.splitlines():
        m = COMMAND.match(line)
        assert m, line
        for part in unescape_data(m["message"]).split("\n"):
            if part.startswith("Rewrite: "):
                shown[(m["title"], int(m["line"]))] = part.removeprefix("Rewrite: ")
    assert shown == {key: " ".join(text.split()) for key, text in rewrites.items()}
