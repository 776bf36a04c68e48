"""Inline suppressions: next-line, blocks, file-wide; reasons required; unused and unreadable
directives reported; waived findings kept for the audit trail and out of the exit status."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.prose import Comment
from linter.suppressions import DIRECTIVE_CATEGORY, parse


def example(linter, rule_id: str) -> str:
    """A sentence the rule is proven to flag (its own first 'flag' example)."""
    return linter.ruleset.by_id()[rule_id].examples.flag[0]


def by_rule(findings, rule_id: str):
    return [f for f in findings if f.rule == rule_id]


def lint(linter, text: str, kind: str = "markdown"):
    return linter.lint_text(text, kind, "page")


@pytest.mark.parametrize(
    "comment, action, selectors, reason",
    [
        (
            " claimlint-disable-next-line efficacy-cure -- quoted from the FDA letter ",
            "disable-next-line",
            ("efficacy-cure",),
            "quoted from the FDA letter",
        ),
        (
            "claimlint-disable onset, efficacy -- a testimonial,\n   marked as one",
            "disable",
            ("onset", "efficacy"),
            "a testimonial, marked as one",
        ),
        (
            "claimlint: disable-file disclosure -- on the linked page",
            "disable-file",
            ("disclosure",),
            "on the linked page",
        ),
        ("# claimlint: disable-next-line efficacy", "disable-next-line", ("efficacy",), ""),
        (" claimlint-enable onset ", "enable", ("onset",), ""),
    ],
)
def test_parse_reads_action_rules_and_reason(comment, action, selectors, reason):
    d = parse(Comment(comment, 0, len(comment)), comment)
    assert (d.action, d.selectors, d.reason, d.problem) == (action, selectors, reason, None)


def test_parse_ignores_other_comments_and_flags_unknown_actions():
    assert parse(Comment(" a note for editors ", 0, 20), " " * 20) is None
    d = parse(Comment(" claimlint-disabel efficacy -- x ", 0, 33), " " * 33)
    assert "unknown directive" in d.problem
    d = parse(Comment(" claimlint-disable-next-line -- why ", 0, 36), " " * 36)
    assert "names no rule" in d.problem


def test_next_line_waives_only_the_next_prose_line_and_keeps_the_reason(linter):
    claim = example(linter, "efficacy-cure")
    directive = "<!-- claimlint-disable-next-line efficacy-cure -- quoted from the FDA warning letter -->"
    text = f"{directive}\n\n\n{claim}\n\n{claim}\n"
    cures = by_rule(lint(linter, text), "efficacy-cure")
    assert [(f.span.line, f.suppressed) for f in cures] == [(4, "quoted from the FDA warning letter"), (6, None)]


def test_category_prefix_and_comma_list(linter):
    claim = example(linter, "efficacy-cure")
    fast = example(linter, "onset-instant")
    text = f"<!-- claimlint-disable-next-line onset, efficacy -- both quoted -->\n{claim} {fast}\n"
    found = lint(linter, text)
    assert by_rule(found, "efficacy-cure")[0].suppressed == "both quoted"
    assert by_rule(found, "onset-instant")[0].suppressed == "both quoted"
    assert not [f for f in found if f.category == DIRECTIVE_CATEGORY]


def test_a_directive_without_a_reason_waives_nothing_and_is_reported(linter):
    claim = example(linter, "efficacy-cure")
    found = lint(linter, f"<!-- claimlint-disable-next-line efficacy-cure -->\n{claim}\n")
    assert by_rule(found, "efficacy-cure")[0].suppressed is None
    [d] = by_rule(found, "suppression-without-reason")
    assert (d.span.line, d.category, d.severity) == (1, "directive", "warning")
    assert d.text == "<!-- claimlint-disable-next-line efficacy-cure -->"


def test_an_unused_directive_is_reported(linter):
    claim = example(linter, "efficacy-cure")
    found = lint(linter, f"<!-- claimlint-disable-next-line safety -- not needed -->\n{claim}\n")
    [d] = by_rule(found, "unused-suppression")
    assert "'safety'" in d.message and d.span.line == 1
    assert by_rule(found, "efficacy-cure")[0].suppressed is None


def test_unknown_rule_and_orphan_enable_are_invalid(linter):
    text = "<!-- claimlint-disable-next-line efficacy-curez -- typo -->\nHello.\n\n<!-- claimlint-enable onset -->\n"
    found = by_rule(lint(linter, text), "invalid-suppression")
    assert [f.span.line for f in found] == [1, 4]
    assert "'efficacy-curez' is not a rule id or category" in found[0].message
    assert "closes no open" in found[1].message


def test_block_disable_closes_per_rule(linter):
    claim, fast = example(linter, "efficacy-cure"), example(linter, "onset-instant")
    text = (
        "<html><body>\n<!-- claimlint-disable efficacy, onset -- a patient's quoted testimonial -->\n"
        f"<p>{claim}</p>\n<p>{fast}</p>\n<!-- claimlint-enable efficacy -->\n"
        f"<p>{claim}</p>\n<p>{fast}</p>\n<!-- claimlint-enable onset -->\n<p>{fast}</p>\n</body></html>\n"
    )
    found = lint(linter, text, "html")
    assert [(f.span.line, f.suppressed is not None) for f in by_rule(found, "efficacy-cure")] == [(3, True), (6, False)]
    assert [(f.span.line, f.suppressed is not None) for f in by_rule(found, "onset-instant")] == [
        (4, True),
        (7, True),
        (9, False),
    ]
    assert not [f for f in found if f.category == DIRECTIVE_CATEGORY]


def test_document_findings_waived_by_a_file_directive_or_a_block_before_the_trigger(linter):
    claim = example(linter, "efficacy-cure")
    plain = lint(linter, f"{claim}\n")
    doc_rules = {f.rule for f in plain if f.scope == "document"}
    assert doc_rules, "the example should also trigger a document requirement"
    for directive in (
        f"{claim}\n\n<!-- claimlint-disable-file disclosure -- the disclosures are on the linked page -->\n",
        "<!-- claimlint-disable disclosure -- the disclosures are on the linked page -->\n\n"
        f"<!-- claimlint-enable disclosure -->\n\n{claim}\n",
    ):
        found = lint(linter, directive)
        waived = {f.rule for f in found if f.scope == "document" and f.suppressed}
        assert waived == doc_rules
        assert by_rule(found, "efficacy-cure")[0].suppressed is None


def test_plain_text_directive_lines(linter):
    claim = example(linter, "efficacy-cure")
    text = f"Clinic news\n\nclaimlint: disable-next-line efficacy -- quoted from the FDA letter\n{claim}\n{claim}\n"
    cures = by_rule(lint(linter, text, "text"), "efficacy-cure")
    assert [(f.span.line, f.suppressed) for f in cures] == [(4, "quoted from the FDA letter"), (5, None)]


def test_cli_lists_waived_findings_in_json_hides_them_in_text_and_does_not_fail(linter, tmp_path):
    claim = example(linter, "safety-absolute")
    page = tmp_path / "page.md"
    page.write_text(
        f"<!-- claimlint-disable-next-line safety -- quoted from the FDA letter, refuted below -->\n{claim}\n"
    )
    runner = CliRunner()
    text = runner.invoke(main, ["check", str(page)])
    assert text.exit_code == 0, text.output
    assert "safety-absolute" not in text.stdout
    shown = runner.invoke(main, ["check", str(page), "--show-suppressed"])
    assert "suppressed: quoted from the FDA letter, refuted below" in shown.stdout
    doc = json.loads(runner.invoke(main, ["check", str(page), "--format", "json"]).stdout)
    assert [f["suppressed"] for f in doc["findings"] if f["rule"] == "safety-absolute"] == [
        "quoted from the FDA letter, refuted below"
    ]


def test_directive_findings_can_be_selected_and_ignored(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("<!-- claimlint-disable-next-line safety -- nothing here -->\nWelcome to our clinic.\n")
    runner = CliRunner()

    def rules(*args):
        doc = json.loads(runner.invoke(main, ["check", str(page), "--format", "json", *args]).stdout)
        return [f["rule"] for f in doc["findings"]]

    assert rules() == ["unused-suppression"]
    assert rules("--select", "directive") == ["unused-suppression"]
    assert rules("--ignore", "directive") == []
    assert rules("--ignore", "unused-suppression") == []
    assert rules("--select", "efficacy") == []
