"""The command line: exit codes and JSON exactly as shared/spec/output.md, selection,
``rules`` and ``explain``, ``python -m linter``, and the engine issue's end-to-end scenario."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import invoke
from helpers import write as write_file

from linter import __version__
from linter.rules import CATEGORIES
from linter.suppressions import DIRECTIVE_RULES

CURE = "Ketamine cures depression.\n"
CAREFUL = "Ketamine is an anesthetic used in surgery.\n"
# Only warning-level findings (an unqualified claim; no advice to talk to a provider).
WARNINGS_ONLY = (
    "Spravato helps treatment-resistant depression. Side effects include dissociation and "
    "sedation; Spravato is FDA-approved for TRD.\n"
)
FINDING_KEYS = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "rule",
    "category",
    "scope",
    "severity",
    "message",
    "text",
    "suggestion",
]


def check_json(*args: str):
    result = invoke("check", "--format", "json", *args)
    return result, json.loads(result.stdout)


def write(folder, name: str, text: str | bytes) -> str:
    return write_file(folder / name, text)


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# ---------------------------------------------------------------- exit codes


def test_exit_0_when_clean(tmp_path):
    result = invoke("check", write(tmp_path, "ok.md", CAREFUL))
    assert result.exit_code == 0, result.output


def test_exit_1_on_a_finding_at_or_above_fail_on(tmp_path):
    assert invoke("check", write(tmp_path, "bad.md", CURE)).exit_code == 1


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_failing_severity(tmp_path, fail_on, code):
    path = write(tmp_path, "warn.md", WARNINGS_ONLY)
    _, out = check_json(path)
    assert out["findings"] and {f["severity"] for f in out["findings"]} == {"warning"}
    args = ["check", path] + (["--fail-on", fail_on] if fail_on else [])
    assert invoke(*args).exit_code == code


def test_a_missing_path_is_exit_2_with_one_clear_line(tmp_path):
    missing = str(tmp_path / "missing.md")
    text = invoke("check", missing)
    assert text.exit_code == 2
    lines = [ln for ln in (text.stdout + text.stderr).splitlines() if missing in ln]
    assert lines == [f"{missing}: error: no such file or directory"]
    assert "Traceback" not in text.stderr
    result, out = check_json(missing)
    assert result.exit_code == 2
    assert out["errors"] == [{"path": missing, "message": "no such file or directory"}]
    assert result.stderr.strip().splitlines() == [f"claimlint: error: {missing}: no such file or directory"]


def test_a_bad_file_among_good_ones_is_listed_in_errors_and_the_rest_are_linted(tmp_path):
    folder = tmp_path / "site"
    write(folder, "a.md", CURE)
    write(folder, "b.bin.txt", b"\x00\x01\x02binary")
    write(folder, "c.html", b"<p>caf\xe9 ketamine</p>")
    write(folder, "d.txt", CAREFUL)
    write(folder, "notes.csv", "not a supported type\n")  # skipped in a walk, not an error
    result, out = check_json(str(folder))
    assert result.exit_code == 2
    assert out["files"] == 2
    errors = {e["path"]: e["message"] for e in out["errors"]}
    assert set(errors) == {str(folder / "b.bin.txt"), str(folder / "c.html")}
    assert "binary" in errors[str(folder / "b.bin.txt")] and "UTF-8" in errors[str(folder / "c.html")]
    assert {f["path"] for f in out["findings"]} == {str(folder / "a.md")}
    assert "Traceback" not in result.stderr


def test_bad_option_is_exit_2(tmp_path):
    assert invoke("check", write(tmp_path, "a.md", CURE), "--fail-on", "fatal").exit_code == 2
    assert invoke("check", write(tmp_path, "a.md", CURE), "--format", "xml").exit_code == 2


@pytest.mark.parametrize(
    ("args", "problem", "command"),
    [
        (
            ["check", "--format", "xml", "site"],
            "Invalid value for '--format': 'xml' is not one of 'text', 'json'",
            "check",
        ),
        (["check", "--jobs", "0", "site"], "Invalid value for '-j' / '--jobs': 0 is not in the range", "check"),
        (["check"], "Missing argument 'PATHS...'", "check"),
        (["-v", "check", "site"], "No such option '-v'", None),
        (["no-such-command"], "No such command 'no-such-command'", None),
        (["explain"], "Missing argument", "explain"),
    ],
    ids=["bad-choice", "out-of-range", "missing-paths", "root-option", "unknown-command", "explain-no-rule"],
)
def test_a_usage_error_is_one_line_on_stderr_with_click_wording_and_exit_2(args, problem, command):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"claimlint: error: {problem}")
    where = f"claimlint {command}" if command else "claimlint"
    assert line.endswith(f"(see '{where} --help')")


def test_help_still_works_for_the_root_and_a_command():
    for args in (["--help"], ["check", "--help"], ["check", "-h"]):
        result = invoke(*args)
        assert result.exit_code == 0 and result.stdout.startswith("Usage: claimlint"), args
    assert "Commands:" in invoke().output  # a bare 'claimlint' shows the help, not an error line


# ---------------------------------------------------------------- runs that lint nothing


def warnings_of(result) -> list[str]:
    return [ln for ln in result.stderr.splitlines() if ln.startswith("claimlint: warning: ")]


def test_an_empty_folder_passes_with_one_warning_naming_the_supported_types(tmp_path):
    from linter.sources import EXTENSIONS

    (tmp_path / "empty").mkdir()
    result = invoke("check", str(tmp_path / "empty"))
    assert result.exit_code == 0
    [warning] = warnings_of(result)
    assert "no file was linted" in warning
    assert all(ext in warning for ext in EXTENSIONS) and "skipped" not in warning


def test_a_folder_of_unsupported_files_says_how_many_were_skipped(tmp_path):
    folder = tmp_path / "docs"
    names = ["a.mdx", "b.rst", "c.mdx"]
    for name in names:
        write(folder, name, CURE)
    result = invoke("check", str(folder))
    assert result.exit_code == 0
    [warning] = warnings_of(result)
    assert "no file was linted" in warning and f"{len(names)} skipped, see --verbose" in warning
    verbose = invoke("check", "--verbose", str(folder))
    assert sum(ln.startswith("skipped ") for ln in verbose.stderr.splitlines()) == len(names)


def test_a_named_file_the_config_excludes_is_said_to_be_skipped(tmp_path):
    write(tmp_path, ".claimlint.yaml", 'root: true\nexclude: ["drafts/"]\n')
    draft = write(tmp_path, "drafts/new.md", CURE)
    alone = invoke("check", "--no-cache", draft)
    assert alone.exit_code == 0
    excluded, nothing = warnings_of(alone)
    assert draft in excluded and "excluded by 'exclude'" in excluded
    assert "no file was linted" in nothing and "1 skipped" in nothing
    together = invoke("check", "--no-cache", draft, write(tmp_path, "ok.md", CAREFUL))
    assert together.exit_code == 0
    assert [draft in w for w in warnings_of(together)] == [True]  # the exclusion, and no 'nothing linted'


def test_a_run_that_lints_a_file_warns_of_nothing(tmp_path):
    folder = tmp_path / "site"
    write(folder, "ok.md", CAREFUL)
    write(folder, "notes.mdx", CAREFUL)
    result = invoke("check", "--no-cache", str(folder))
    assert result.exit_code == 0 and warnings_of(result) == []


# ---------------------------------------------------------------- selection


@pytest.fixture
def page(tmp_path) -> str:
    text = (
        "Ketamine cures depression. Ketamine has no side effects.\n\n"
        "Ketamine relieves anxiety in hours, unlike SSRIs.\n"
    )
    return write(tmp_path, "page.md", text)


def categories_of(out) -> set[str]:
    return {f["category"] for f in out["findings"]}


def test_select_and_ignore_by_category_prefix(page):
    _, everything = check_json(page)
    assert {c.split(".")[0] for c in categories_of(everything)} >= {"efficacy", "safety", "disclosure"}
    _, only = check_json(page, "--select", "efficacy")
    assert categories_of(only) and all(c.startswith("efficacy.") for c in categories_of(only))
    _, without = check_json(page, "--ignore", "disclosure")
    assert categories_of(without) == {c for c in categories_of(everything) if not c.startswith("disclosure.")}


def test_select_by_rule_id_and_category_comma_separated(page):
    _, out = check_json(page, "--select", "efficacy-cure,safety.absolute")
    assert {(f["rule"], f["category"]) for f in out["findings"]} == {
        ("efficacy-cure", "efficacy.absolute"),
        ("safety-absolute", "safety.absolute"),
    }


def test_ignore_by_rule_id_beats_select_by_category(page):
    _, out = check_json(page, "--select", "efficacy", "--ignore", "efficacy-cure")
    assert "efficacy-cure" not in {f["rule"] for f in out["findings"]}


def test_a_selector_that_matches_no_rule_is_exit_2(page):
    result = invoke("check", page, "--select", "efficacy-cures")
    assert result.exit_code == 2 and "efficacy-cures" in result.stderr


# ---------------------------------------------------------------- rules and explain


def test_rules_lists_every_rule_with_id_category_and_severity(linter):
    result = invoke("rules")
    assert result.exit_code == 0
    rows = [line.split(None, 3) for line in result.stdout.splitlines() if line.strip()]
    listed = [*linter.rules, *DIRECTIVE_RULES]  # and the built-in rules about suppression comments
    assert [(r.id, r.category, r.severity) for r in listed] == [tuple(row[:3]) for row in rows]
    assert all(len(row) == 4 and row[3] for row in rows)  # and a one-line summary


@pytest.mark.parametrize("rule", DIRECTIVE_RULES, ids=lambda r: r.id)
def test_explain_a_directive_rule(rule):
    result = invoke("explain", rule.id)
    assert result.exit_code == 0
    assert rule.message in result.stdout and rule.id in result.stdout


def test_explain_prints_message_rationale_references_and_examples(linter):
    rule = linter.ruleset.by_id()["efficacy-cure"]
    result = invoke("explain", "efficacy-cure")
    assert result.exit_code == 0
    out = result.stdout
    assert rule.message in out
    assert " ".join(rule.rationale.split()[:6]) in " ".join(out.split())
    assert all(ref in out for ref in rule.references)
    assert all(repr(ex) in out for ex in rule.examples.flag + rule.examples.pass_)


@pytest.mark.parametrize("name", ["efficacy", "safety.absolute", "directive"])
def test_explain_a_category_or_prefix_lists_the_rules_it_selects(linter, name):
    every = [*linter.rules, *DIRECTIVE_RULES]
    expected = [r.id for r in every if name in (r.category, r.category.split(".")[0]) or r.id.split("-")[0] == name]
    assert expected
    result = invoke("explain", name)
    assert result.exit_code == 0, result.stderr
    by_id = {r.id: r for r in every}
    rows = [row for row in map(str.split, result.stdout.splitlines()) if row and row[0] in by_id]
    assert [row[0] for row in rows] == expected
    for rule_id, category, severity, *summary in rows:
        r = by_id[rule_id]
        assert (category, severity, " ".join(summary)) == (r.category, r.severity, " ".join(r.summary.split()))
    assert f"claimlint explain {expected[0]}" in result.stdout


def test_explain_an_unknown_rule_is_exit_2_with_one_line():
    result = invoke("explain", "no-such-rule")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no-such-rule" in result.stderr


def test_python_dash_m_linter_runs_the_cli(tmp_path):
    write(tmp_path, "page.md", CURE)
    proc = subprocess.run(
        [sys.executable, "-m", "linter", "check", "--format", "json", "page.md"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["tool"] == {"name": "claimlint", "version": __version__}
    assert "efficacy.absolute" in categories_of(out)


# ---------------------------------------------------------------- the JSON contract


def test_json_keys_types_and_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "b/page.md", "Ketamine has no side effects.\n\nKetamine cures depression.\n")
    write(tmp_path, "a.html", "<p>Ketamine cures <em>anxiety</em>. It works instantly.</p>\n")
    write(tmp_path, "ok.txt", CAREFUL)
    result, out = check_json("./b/page.md", "ok.txt", "a.html")
    assert result.exit_code == 1
    assert list(out) == ["tool", "files", "findings", "errors"]
    assert out["tool"] == {"name": "claimlint", "version": __version__}
    assert out["files"] == 3 and out["errors"] == []
    findings = out["findings"]
    assert {f["path"] for f in findings} == {"./b/page.md", "a.html"}  # relative paths as given
    for f in findings:
        assert [k for k in f if k in FINDING_KEYS] == FINDING_KEYS
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(f[key], int) and f[key] >= 1
        assert (f["end_line"], f["end_column"]) > (f["line"], f["column"])
        for key in ("path", "rule", "message", "text", "suggestion"):
            assert isinstance(f[key], str) and f[key]
        assert f["category"] in CATEGORIES and f["scope"] == CATEGORIES[f["category"]]
        assert f["severity"] in ("error", "warning", "info")
    assert findings == sorted(findings, key=lambda f: (f["path"], f["line"], f["column"], f["rule"]))


def test_streamed_json_is_the_indented_json_of_the_whole_report(tmp_path, monkeypatch):
    """JSON is written finding by finding; the text is what json.dumps(indent=2) gives
    for the whole report, with findings, with none, and with an unreadable file."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "page.md", "Ketamine cures depression. Café « ok ».\n")
    write(tmp_path, "ok.txt", CAREFUL)
    write(tmp_path, "bad.md", b"\xff\xfe\x00")
    for args in (["page.md", "ok.txt"], ["ok.txt"], ["bad.md", "page.md"]):
        text = invoke("check", "--format", "json", *args).stdout
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_json_text_is_the_original_text_at_the_reported_span(tmp_path):
    text = "# Clinic\r\n\r\nOur café offers ketamine.\tKetamine\r\n<em>cures</em> depression.\r\n"
    path = write(tmp_path, "page.md", text.encode())
    _, out = check_json(path)
    lines = text.split("\n")
    for f in out["findings"]:
        start = sum(len(ln) + 1 for ln in lines[: f["line"] - 1]) + f["column"] - 1
        end = sum(len(ln) + 1 for ln in lines[: f["end_line"] - 1]) + f["end_column"] - 1
        assert text[start:end] == f["text"]


# ---------------------------------------------------------------- the engine issue's scenario

SCENARIO_MD = """# Ketamine for depression

Ketamine cures depression. Ketamine may help
some patients with anxiety.

Ketamine is not a cure.
"""
SCENARIO_HTML = """<!DOCTYPE html>
<html>
<body>
<h1>Ketamine for depression</h1>
<p>Ketamine cures depression. Ketamine <em>may</em> help
some patients with anxiety.</p>
<p>Ketamine is not a cure.</p>
</body>
</html>
"""
# Besides the two findings the scenario asks for, a page that promotes ketamine
# without naming a risk or advising a talk with a provider also gets these
# document findings; the test allows them and nothing else.
ALSO_ALLOWED = {"disclosure.risks", "disclosure.consult"}


@pytest.mark.parametrize(("name", "text"), [("clinic.md", SCENARIO_MD), ("clinic.html", SCENARIO_HTML)])
def test_cure_hedged_negated_and_missing_disclosure(tmp_path, monkeypatch, name, text):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, name, text)
    result, out = check_json(name)
    assert result.exit_code == 1
    findings = out["findings"]
    sentence = [f for f in findings if f["scope"] == "sentence"]
    assert [(f["rule"], f["category"]) for f in sentence] == [("efficacy-cure", "efficacy.absolute")]
    cure = sentence[0]
    at = text.index("cures")
    assert (cure["match"]["line"], cure["match"]["column"]) == line_col(text, at)
    assert (cure["line"], cure["column"]) == line_col(text, text.index("Ketamine cures"))
    assert cure["text"] == "Ketamine cures depression."
    document = {f["category"]: f for f in findings if f["scope"] == "document"}
    assert "disclosure.off-label" in document and set(document) <= {"disclosure.off-label"} | ALSO_ALLOWED
    offlabel = document["disclosure.off-label"]
    # at the first sentence presenting ketamine for depression: the heading
    assert (offlabel["match"]["line"], offlabel["match"]["column"]) == line_col(text, text.index("Ketamine for"))
    assert offlabel["text"] == "Ketamine for depression"
    assert all(f["path"] == name for f in findings)


def test_the_scenario_gives_the_same_findings_in_markdown_and_html(tmp_path):
    md = write(tmp_path, "clinic.md", SCENARIO_MD)
    html = write(tmp_path, "clinic.html", SCENARIO_HTML)
    _, out = check_json(md, html)

    def summary(path: str) -> list[tuple[str, str]]:
        return sorted((f["rule"], f["text"]) for f in out["findings"] if f["path"] == path)

    assert summary(md) == summary(html) and summary(md)
