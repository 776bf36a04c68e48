"""Hostile or broken rule and config files (issue 5, item 3): each stops the run
with exit 2 and one line naming the file (and the rule and key, or the line), no
traceback, and nothing a file says is ever run: YAML is loaded safely, alias bombs
are refused, and rules may hold neither regular expressions nor unbounded
repetition, so that no rule can make the linter hang.

Most cases run in-process with ``--rules DIR`` where DIR holds only the broken file
(the bundled knowledge base and qualifiers are used); a few run the real command
on a copy of the bundled rules plus the broken file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest
import yaml
from helpers import invoke

from linter.engine import default_rules_dir
from linter.errors import RuleError
from linter.yamlio import MAX_ALIASES, load_yaml

RULE = """\
rules:
  - id: test-cure
    kind: claim
    category: efficacy.absolute
    severity: error
    message: Promises a cure.
    rationale: No drug in scope cures depression.
    references: ["21 CFR 202.1(e)(6)(i)"]
    suggestion: Describe relief, not a cure.
    patterns:
      - [{LEMMA: cure}]
    examples:
      flag: ["Ketamine cures depression.", "It cures anxiety."]
      pass: ["Ketamine may help some patients.", "It is not a cure."]
"""
STEP = "{LEMMA: cure}"


def bomb(levels: int, width: int) -> str:
    """A "billion laughs": each anchor holds ``width`` aliases of the one before."""
    lines = ["x-l0: &l0 [lol]"]
    lines += [f"x-l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# (case, file text, what the one line must name besides the file)
CASES = [
    ("syntax", RULE.replace("severity: error", "severity: [error"), ["line 6", "YAML error"]),
    ("tab", RULE.replace("    severity: error", "\tseverity: error"), ["line 5", "YAML error"]),
    ("not-utf8", None, ["not valid UTF-8 at byte"]),
    ("too-deep", "rules: " + "[" * 5000 + "]" * 5000 + "\n", ["YAML error", "nest"]),
    ("huge-number", RULE.replace("severity: error", "severity: 1" + "0" * 5000), ["YAML error"]),
    ("bad-date", RULE.replace("severity: error", "severity: 2024-13-45"), ["YAML error"]),
    ("duplicate-key", RULE.replace("    severity: error\n", "    severity: error\n    severity: info\n"), ["line 6", "'severity' appears twice"]),
    ("wrong-type", RULE.replace("severity: error", "severity: [error]"), ["rule 'test-cure'", "key 'severity'"]),
    ("wrong-type-pattern", RULE.replace(f"      - [{STEP}]", f"      - {STEP}"), ["rule 'test-cure'", "key 'patterns[0]'"]),
    ("unknown-key", RULE.replace("    kind: claim\n", "    kind: claim\n    colour: red\n"), ["rule 'test-cure'", "key 'colour'", "unknown key"]),
    ("unknown-attribute", RULE.replace(STEP, "{LEMA: cure}"), ["rule 'test-cure'", "key 'patterns[0][0].LEMA'"]),
    ("invalid-spacy-op", RULE.replace(STEP, "{LEMMA: cure, OP: '%'}"), ["rule 'test-cure'", "key 'patterns[0]'", "invalid spaCy pattern"]),
    ("invalid-spacy-predicate", RULE.replace(STEP, "{LEMMA: {FOO: [cure]}}"), ["rule 'test-cure'", "key 'patterns[0]'", "invalid spaCy pattern"]),
    ("invalid-spacy-in", RULE.replace(STEP, "{LEMMA: {IN: cure}}"), ["rule 'test-cure'", "invalid spaCy pattern"]),
    ("invalid-spacy-length", RULE.replace(STEP, "{LENGTH: long}"), ["rule 'test-cure'", "invalid spaCy pattern"]),
    ("duplicate-id", RULE + RULE[len("rules:\n") :], ["rule 'test-cure'", "key 'id'", "duplicate rule id"]),
    ("regex-step", RULE.replace(STEP, "{REGEX: '(a+)+$'}"), ["rule 'test-cure'", "key 'patterns[0][0].REGEX'", "regular expressions are not allowed"]),
    ("regex-value", RULE.replace(STEP, "{LOWER: {REGEX: '(a+)+$'}}"), ["rule 'test-cure'", "key 'patterns[0][0].LOWER.REGEX'", "regular expressions are not allowed"]),
    ("regex-text", RULE.replace(STEP, "{TEXT: {REGEX: '^(a|aa)+$'}}"), ["key 'patterns[0][0].TEXT.REGEX'", "regular expressions are not allowed"]),
    ("regex-in-unless", RULE.replace("    patterns:\n", "    unless:\n      - [{NORM: {REGEX: '(x+x+)+y'}}]\n    patterns:\n"), ["key 'unless[0][0].NORM.REGEX'"]),
    ("star", RULE.replace(STEP, f"{STEP}, {{OP: '*'}}"), ["key 'patterns[0][1].OP'", "repetition"]),
    ("plus", RULE.replace(STEP, f"{STEP}, {{IS_ALPHA: true, OP: '+'}}"), ["key 'patterns[0][1].OP'", "repetition"]),
    ("open-range", RULE.replace(STEP, f"{STEP}, {{IS_ALPHA: true, OP: '{{2,}}'}}"), ["key 'patterns[0][1].OP'", "repetition"]),
    ("long-range", RULE.replace(STEP, f"{STEP}, {{IS_ALPHA: true, OP: '{{0,500}}'}}"), ["key 'patterns[0][1].OP'", "repetition"]),
    ("python-apply", "x: !!python/object/apply:os.system ['echo pwned > {marker}']\n" + RULE, ["line 1", "could not determine a constructor"]),
    ("python-new", RULE.replace("severity: error", "severity: !!python/object/new:os.system ['echo pwned > {marker}']"), ["line 5", "could not determine a constructor"]),
    ("python-name", "rules: !!python/name:os.system\n", ["line 1", "could not determine a constructor"]),
    ("python-module", "rules: !!python/module:os\n", ["line 1", "could not determine a constructor"]),
    ("alias-bomb", bomb(10, 9) + RULE, ["alias"]),  # 9**9 nodes from 81 aliases
    ("alias-bomb-deep", bomb(60, 2) + RULE, ["alias"]),  # 2**59 nodes from 118 aliases
    ("many-aliases", "x-a: &a lol\nx-b: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n" + RULE, [f"more than {MAX_ALIASES} YAML aliases"]),
    ("not-a-mapping", "- a\n- b\n", ["a rule file is a mapping"]),
]


def write_case(folder, case: str, text: str | None, marker: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case}.yaml"
    if text is None:
        path.write_bytes(RULE.replace("Promises a cure.", "Promet une gu\xe9rison.").encode("latin-1"))
    else:
        path.write_text(text.replace("{marker}", marker), encoding="utf-8")
    return str(path)


def assert_one_line(result, *parts: str) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no uncaught exception
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


@pytest.mark.parametrize(("case", "text", "parts"), CASES, ids=[c[0] for c in CASES])
def test_a_broken_or_hostile_rule_file_is_exit_2_with_one_line(tmp_path, case, text, parts):
    marker = tmp_path / "pwned"
    path = write_case(tmp_path / "rules", case, text, str(marker))
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    start = time.perf_counter()
    result = invoke("check", "--rules", str(tmp_path / "rules"), str(page))
    assert time.perf_counter() - start < 10
    line = assert_one_line(result, f"claimlint: error: {path}: ", *parts)
    assert not marker.exists(), "a YAML tag ran a command"
    assert len(line) < 500


def test_the_minimal_rule_itself_loads(tmp_path):
    """So that each case above fails for its one change, not for the rule it starts from."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ok.yaml").write_text(RULE, encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    result = invoke("check", "--format", "json", "--rules", str(tmp_path / "rules"), str(page))
    assert result.exit_code == 1, result.output
    assert "test-cure" in result.stdout


def test_bounded_repetition_and_merge_keys_are_allowed(tmp_path):
    text = "x-m: &m {severity: error}\n" + RULE.replace("    severity: error\n", "    <<: *m\n").replace(
        STEP, f"{STEP}, {{IS_ALPHA: true, OP: '{{0,2}}'}}"
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "ok.yaml").write_text(text, encoding="utf-8")
    result = invoke("rules", "--rules", str(tmp_path / "rules"))
    assert result.exit_code == 0, result.output
    assert "test-cure" in result.stdout


@pytest.mark.parametrize("case", ["syntax", "python-apply", "regex-value", "duplicate-id"])
def test_the_real_command_on_a_copy_of_the_bundled_rules(tmp_path, case):
    """End to end, as a rule author meets it: the bundled rules plus one broken file."""
    text, parts = next((t, p) for c, t, p in CASES if c == case)
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    marker = tmp_path / "pwned"
    path = write_case(folder, "aaa-broken", text, str(marker))
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--rules", str(folder), str(page)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"claimlint: error: {path}: ")
    assert all(p in line for p in parts), line
    assert proc.stdout == "" and not marker.exists()


def test_a_broken_file_under_extend_rules_names_itself(tmp_path):
    marker = tmp_path / "pwned"
    path = write_case(tmp_path / "extra", "x", next(t for c, t, _ in CASES if c == "python-new"), str(marker))
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    assert_one_line(invoke("check", "--extend-rules", str(tmp_path / "extra"), str(page)), path, "line 5")
    assert not marker.exists()


# ---------------------------------------------------------------- config files


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("select: !!python/object/apply:os.system ['echo pwned > {marker}']\n", "could not determine a constructor"),
        (bomb(10, 9) + "select: [efficacy]\n", "alias"),
        ("select: [efficacy]\nselect: [safety]\n", "'select' appears twice"),
        ("select: [efficacy\n", "line 2"),
        ("colour: red\n", "colour"),
        ("fail-on: 3\n", "fail-on"),
    ],
    ids=["unsafe-tag", "alias-bomb", "duplicate-key", "syntax", "unknown-key", "wrong-type"],
)
def test_a_hostile_config_file_is_exit_2_with_one_line(tmp_path, text, part):
    marker = tmp_path / "pwned"
    config = tmp_path / ".claimlint.yaml"
    config.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    assert_one_line(invoke("check", "--config", str(config), str(page)), str(config), part)
    assert not marker.exists()


# ---------------------------------------------------------------- the loader itself


def test_safe_loading_refuses_every_python_tag(tmp_path):
    for tag in ("python/object/apply:os.system", "python/object:os.PathLike", "python/name:os.system", "python/module:os", "python/tuple"):
        with pytest.raises(RuleError, match="could not determine a constructor"):
            load_yaml(str(tmp_path / "x.yaml"), f"x: !!{tag} []\n")


def test_an_alias_bomb_is_refused_fast_and_shared_data_is_not():
    start = time.perf_counter()
    with pytest.raises(RuleError, match="alias"):
        load_yaml("bomb.yaml", bomb(60, 2))
    assert time.perf_counter() - start < 2
    shared = load_yaml("ok.yaml", "x-a: &a [1, 2, 3]\nb: [*a, *a]\n")
    assert shared["b"] == [[1, 2, 3], [1, 2, 3]]


def test_a_rule_with_a_catastrophic_pattern_is_refused_before_any_text_is_matched(tmp_path):
    """``(a+)+$`` against a long line of a's takes exponential time in a backtracking
    engine; the compiler refuses it, so it never runs."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(RULE.replace(STEP, "{LOWER: {REGEX: '^(a+)+$'}}"), encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("a" * 50 + "!\n", encoding="utf-8")
    start = time.perf_counter()
    result = invoke("check", "--rules", str(tmp_path / "rules"), str(page))
    assert time.perf_counter() - start < 10
    assert_one_line(result, "regular expressions are not allowed")


def test_yaml_errors_keep_their_line_numbers(tmp_path):
    text = RULE.replace("    message: Promises a cure.\n", "    message: Promises a cure.\n    rationale: [\n")
    with pytest.raises(RuleError) as err:
        load_yaml("r.yaml", text)
    assert str(err.value).startswith("r.yaml: line ")
    with pytest.raises(yaml.YAMLError):  # the same text really is invalid YAML
        yaml.safe_load(text)
