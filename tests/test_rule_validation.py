"""A rule that is wrong stops the run: exit 2 and one line naming the file, the rule and the key.

Each case copies the bundled rules to a temporary folder, adds one rule file that
differs from a valid rule in one way, and runs ``claimlint rules --rules DIR``.
The valid rule itself is shown to load, so each error comes from the one change.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from linter.cli import main
from linter.engine import default_rules_dir

VALID = {
    "id": "test-rule",
    "kind": "claim",
    "category": "efficacy.absolute",
    "severity": "error",
    "message": "Promises a cure.",
    "rationale": "No drug in scope cures depression.",
    "references": ["21 CFR 202.1(e)(6)(i)"],
    "suggestion": "Describe relief, not a cure.",
    "patterns": [[{"LEMMA": "cure"}]],
    "requires": [{"kb": ["drug"], "window": "document"}],
    "neutralized_by": ["negation"],
    "examples": {
        "flag": ["Ketamine cures depression.", "Ketamine cured my anxiety."],
        "pass": ["Ketamine is not a cure.", "Exercise helps."],
    },
}
NO = "__bare_no__"  # replaced by an unquoted `no`, which YAML reads as false


def rules_copy(tmp_path, rules: list[dict], name: str = "aaa-test.yaml") -> tuple[str, str]:
    """A copy of the bundled rules plus one file holding ``rules`` (loaded first: the
    top folder's files come before claims/ and disclosures/)."""
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / name
    path.write_text(yaml.safe_dump({"rules": rules}, sort_keys=False).replace(f"'{NO}'", "no").replace(NO, "no"))
    return str(folder), str(path)


def run_rules(folder: str):
    return CliRunner().invoke(main, ["rules", "--rules", folder])


def assert_one_line_error(result, *parts: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])


def mutated(**changes) -> dict:
    rule = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            rule.pop(key)
        else:
            rule[key] = value
    return rule


def test_the_valid_rule_loads_and_is_listed(tmp_path):
    folder, _ = rules_copy(tmp_path, [VALID])
    result = run_rules(folder)
    assert result.exit_code == 0, result.output
    assert any(line.split()[0] == "test-rule" for line in result.stdout.splitlines())


CASES = {
    "unknown key": (mutated(colour="red"), "colour"),
    "unknown token attribute": (mutated(patterns=[[{"LEMA": "cure"}]]), "patterns[0][0].LEMA"),
    "invalid operator": (mutated(patterns=[[{"LEMMA": "cure", "OP": "x"}]]), "patterns[0]"),
    "invalid value operator": (mutated(patterns=[[{"LEMMA": {"INN": ["cure"]}}]]), "patterns[0]"),
    "unknown category": (mutated(category="efficacy.bogus"), "category"),
    "unknown severity": (mutated(severity="fatal"), "severity"),
    "unknown kind": (mutated(kind="regex"), "kind"),
    "missing examples": (mutated(examples=None), "examples"),
    "one flag example": (mutated(examples={"flag": ["Ketamine cures depression."], "pass": ["a", "b"]}), "examples"),
    "one pass example": (mutated(examples={"flag": ["a", "b"], "pass": ["Exercise helps."]}), "examples"),
    "unknown example key": (mutated(examples={**VALID["examples"], "maybe": ["x"]}), "examples.maybe"),
    "missing message": (mutated(message=None), "message"),
    "no references": (mutated(references=[]), "references"),
    "unknown KB type in requires": (mutated(requires=[{"kb": "drugz"}]), "requires[0].kb"),
    "unknown KB entry in requires": (mutated(requires=[{"kb": "drug:aspirin"}]), "requires[0].kb"),
    "unknown KB type in a pattern": (mutated(patterns=[[{"KB": "medicine"}]]), "patterns[0][0].KB"),
    "bare no in a pattern": (mutated(patterns=[[{"LOWER": NO}, {"LEMMA": "cure"}]]), "patterns[0][0].LOWER"),
    "bare no in phrases": (mutated(patterns=None, phrases=[NO, "cure"]), "phrases[0]"),
    "unknown subsumed_by category": (mutated(subsumed_by=["efficacy.bogus"]), "subsumed_by[0].category"),
    "subsumed_by not a list": (mutated(subsumed_by="efficacy.unqualified"), "subsumed_by"),
    "unless_names mixing types and groups": (
        mutated(subsumed_by=[{"category": "onset.overstated", "unless_names": ["drug", ["condition"]]}]),
        "subsumed_by[0].unless_names",
    ),
    "unless_names with an unknown type in a group": (
        mutated(subsumed_by=[{"category": "onset.overstated", "unless_names": [["drug"], ["illness"]]}]),
        "subsumed_by[0].unless_names",
    ),
    "window too large": (mutated(requires=[{"kb": "drug", "window": 11}]), "requires[0].window"),
    "window not a number": (mutated(requires=[{"kb": "drug", "window": "nearby"}]), "requires[0].window"),
    "unknown neutralizing cue": (mutated(neutralized_by=["doubt"]), "neutralized_by"),
    "asked is not denied": (mutated(asked="yes-no"), "asked"),
    "a requirement without satisfied_by": (
        mutated(
            kind="requirement",
            category="disclosure.consult",
            patterns=None,
            requires=None,
            neutralized_by=None,
            trigger={"patterns": [[{"LEMMA": "cure"}]]},
        ),
        "satisfied_by",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_wrong_rule_stops_the_run_naming_file_rule_and_key(tmp_path, name):
    rule, key = CASES[name]
    folder, path = rules_copy(tmp_path, [rule])
    assert_one_line_error(run_rules(folder), path, "'test-rule'", f"'{key}'")


def test_a_duplicate_id_in_one_file(tmp_path):
    folder, path = rules_copy(tmp_path, [VALID, VALID])
    assert_one_line_error(run_rules(folder), path, "'test-rule'", "'id'", "duplicate")


def test_a_duplicate_of_a_bundled_rule_names_both_files(tmp_path):
    folder, path = rules_copy(tmp_path, [mutated(id="efficacy-cure")])
    efficacy = os.path.join(folder, "claims", "efficacy.yaml")
    assert_one_line_error(run_rules(folder), efficacy, path, "'efficacy-cure'", "'id'")


def test_a_rule_without_an_id_is_named_by_its_place(tmp_path):
    folder, path = rules_copy(tmp_path, [VALID, mutated(id=None)])
    assert_one_line_error(run_rules(folder), path, "'#2'", "'id'")


def test_a_broken_yaml_file_names_the_file_and_line(tmp_path):
    folder, path = rules_copy(tmp_path, [VALID])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("  - id: [unclosed\n")
    assert_one_line_error(run_rules(folder), path, "line ")


def test_a_wrong_qualifier_cue_names_the_cue_and_key(tmp_path):
    folder, _ = rules_copy(tmp_path, [VALID])
    qpath = os.path.join(folder, "qualifiers.yaml")
    with open(qpath, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data["cues"][0]["direction"] = "sideways"
    with open(qpath, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh)
    cue_id = data["cues"][0]["id"]
    assert_one_line_error(run_rules(folder), qpath, f"'{cue_id}'", "'direction'")


def test_check_stops_before_linting_on_a_wrong_rule(tmp_path):
    folder, path = rules_copy(tmp_path, [mutated(category="efficacy.bogus")])
    doc = tmp_path / "page.md"
    doc.write_text("Ketamine cures depression.\n")
    result = CliRunner().invoke(main, ["check", str(doc), "--rules", folder, "--format", "json"])
    assert_one_line_error(result, path, "'test-rule'", "'category'")
    assert result.stdout == ""


def test_the_real_command_prints_no_traceback(tmp_path):
    folder, path = rules_copy(tmp_path, [mutated(colour="red")])
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "rules", "--rules", folder],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and path in lines[0] and "'colour'" in lines[0]
