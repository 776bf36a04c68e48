"""Every rule's own examples, as in ``semgrep --test``: each ``flag`` text must produce a
finding of that rule and each ``pass`` text must not; ``todo_flag``/``todo_pass`` record
known gaps and run as strict xfails (so a fixed gap must be promoted). A rule without
two flag and two pass examples fails here, whatever the loader says.

Examples are linted as Markdown (the documented convention: an example may hold a
table). The cases are read from the YAML itself at collection time, which is cheap
and independent of the rule loader.
"""

from __future__ import annotations

import pytest

from linter.engine import default_rules_dir
from linter.rules import rule_files
from linter.yamlio import load_yaml


def bundled_rules() -> list[dict]:
    rules = []
    for path in rule_files([default_rules_dir()]):
        data = load_yaml(path) or {}
        rules.extend(r for r in data.get("rules") or [] if isinstance(r, dict))
    return rules


RULES = bundled_rules()
EXPECT = {"flag": True, "pass": False, "todo_flag": True, "todo_pass": False}


def cases() -> list:
    out = []
    for rule in RULES:
        examples = rule.get("examples") or {}
        for kind, flagged in EXPECT.items():
            for i, text in enumerate(examples.get(kind) or []):
                marks = ()
                if kind.startswith("todo_"):
                    reason = f"known gap: {rule['id']} should {'flag' if flagged else 'pass'} this ({kind})"
                    marks = (pytest.mark.xfail(strict=True, reason=reason),)
                out.append(pytest.param(rule["id"], flagged, text, id=f"{rule['id']}-{kind}-{i}", marks=marks))
    return out


def test_the_bundled_rules_were_found():
    assert len(RULES) >= 4
    assert {"efficacy.absolute", "efficacy.unqualified", "safety.absolute", "disclosure.off-label"} <= {
        r.get("category") for r in RULES
    }


@pytest.mark.parametrize("rule_id", [r["id"] for r in RULES])
def test_every_rule_has_two_flag_and_two_pass_examples(rule_id):
    rule = next(r for r in RULES if r["id"] == rule_id)
    examples = rule.get("examples") or {}
    assert len(examples.get("flag") or []) >= 2, f"{rule_id}: fewer than two 'flag' examples"
    assert len(examples.get("pass") or []) >= 2, f"{rule_id}: fewer than two 'pass' examples"


def test_the_loader_sees_the_same_rules(linter):
    assert sorted(r.id for r in linter.rules) == sorted(r["id"] for r in RULES)


@pytest.mark.parametrize(("rule_id", "flagged", "text"), cases())
def test_rule_example(linter, rule_id, flagged, text):
    findings = linter.lint_text(text, "markdown", "example.md")
    found = [f for f in findings if f.rule == rule_id]
    if flagged:
        assert found, f"{rule_id} should flag {text!r}; found {sorted({f.rule for f in findings})}"
    else:
        assert not found, f"{rule_id} should pass {text!r}; flagged {[f.text for f in found]}"
