"""Baseline: recorded findings are matched by rule, path and sentence fingerprint (not line),
counting duplicates, so only new problems are reported."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from linter.baseline import fingerprint
from linter.cli import main


def test_fingerprint_ignores_case_markup_and_spacing_but_not_words():
    base = fingerprint("Ketamine cures depression.")
    assert fingerprint("**Ketamine**  cures\n  DEPRESSION!") == base
    assert fingerprint("Ketamine cures anxiety.") != base


@pytest.fixture
def site(tmp_path, linter, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pages").mkdir()
    return (
        tmp_path,
        linter.ruleset.by_id()["safety-absolute"].examples.flag[0],
        linter.ruleset.by_id()["safety-absolute"].examples.flag[1],
    )


def run(*args):
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)["findings"], result


def test_baseline_reports_only_new_findings(site):
    root, claim, other = site
    page = root / "pages" / "page.md"
    page.write_text(f"# Page\n\n{claim}\n")
    code, findings, _ = run("pages", "--write-baseline", "claimlint-baseline.json")
    assert code == 0 and findings
    recorded = json.loads((root / "claimlint-baseline.json").read_text())["findings"]
    assert {(r["rule"], r["path"]) for r in recorded} == {(f["rule"], "pages/page.md") for f in findings}
    assert all(r["count"] >= 1 and len(r["fingerprint"]) == 16 for r in recorded)

    assert run("pages", "--baseline", "claimlint-baseline.json")[:2] == (0, [])

    # Moving the claim down the page does not resurface it: the line is not part of the match.
    page.write_text(f"# Page\n\nA new introduction.\n\nAnother paragraph.\n\n{claim}\n")
    assert run("pages", "--baseline", "claimlint-baseline.json")[:2] == (0, [])

    # A new claim is reported, alone.
    page.write_text(f"# Page\n\n{claim}\n\n{other}\n")
    code, findings, result = run("pages", "--baseline", "claimlint-baseline.json")
    assert code == 1
    assert {f["line"] for f in findings} == {5}
    assert "in the baseline not reported" in result.stderr


def test_baseline_matching_counts_duplicates(site):
    root, claim, _ = site
    page = root / "pages" / "page.md"
    page.write_text(f"{claim}\n\n{claim}\n")
    run("pages", "--select", "safety-absolute", "--write-baseline", "base.json")
    page.write_text(f"{claim}\n\n{claim}\n\n{claim}\n")
    code, findings, _ = run("pages", "--select", "safety-absolute", "--baseline", "base.json")
    assert code == 1 and len(findings) == 1


def test_baseline_paths_are_relative_to_the_baseline_file(site, monkeypatch):
    root, claim, _ = site
    (root / "pages" / "page.md").write_text(f"{claim}\n")
    run("pages/page.md", "--write-baseline", "base.json")
    monkeypatch.chdir(root / "pages")
    assert run("page.md", "--baseline", "../base.json")[:2] == (0, [])


@pytest.mark.parametrize(
    "content", ["not json", '{"version": 99, "findings": []}', '{"version": 1, "findings": [{"rule": 1}]}']
)
def test_a_bad_baseline_is_exit_2(site, content):
    root, claim, _ = site
    (root / "pages" / "page.md").write_text(f"{claim}\n")
    (root / "bad.json").write_text(content)
    result = CliRunner().invoke(main, ["check", "pages", "--baseline", "bad.json"])
    assert result.exit_code == 2 and "bad.json" in result.stderr
