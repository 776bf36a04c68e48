"""Report options of `claimlint check`: --output, --statistics and --exit-zero."""

from __future__ import annotations

import json
from collections import Counter

from click.testing import CliRunner

from linter.cli import main


def page(tmp_path, linter) -> str:
    rules = linter.ruleset.by_id()
    text = "\n\n".join(
        [
            rules["safety-absolute"].examples.flag[0],
            rules["safety-absolute"].examples.flag[1],
            rules["comparative-superiority"].examples.flag[0],
        ]
    )
    p = tmp_path / "page.md"
    p.write_text(text + "\n")
    return str(p)


def test_output_writes_the_report_to_a_file(tmp_path, linter):
    path = page(tmp_path, linter)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["check", path, "--format", "json", "--output", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["findings"]


def test_output_to_an_unwritable_place_is_exit_2(tmp_path, linter):
    result = CliRunner().invoke(
        main, ["check", page(tmp_path, linter), "--output", str(tmp_path / "no" / "such" / "r.txt")]
    )
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


def test_statistics_count_findings_per_rule(tmp_path, linter):
    path = page(tmp_path, linter)
    findings = json.loads(CliRunner().invoke(main, ["check", path, "--format", "json"]).stdout)["findings"]
    expected = Counter(f["rule"] for f in findings)
    rows = json.loads(CliRunner().invoke(main, ["check", path, "--statistics", "--format", "json"]).stdout)
    assert {r["rule"]: r["count"] for r in rows} == dict(expected)
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    text = CliRunner().invoke(main, ["check", path, "--statistics"])
    assert text.exit_code == 1
    first = text.stdout.splitlines()[0].split()
    assert (int(first[0]), first[1]) == (rows[0]["count"], rows[0]["rule"])
    assert CliRunner().invoke(main, ["check", path, "--statistics", "--format", "sarif"]).exit_code == 2


def test_exit_zero_keeps_the_report_and_exit_2_for_errors(tmp_path, linter):
    path = page(tmp_path, linter)
    result = CliRunner().invoke(main, ["check", path, "--exit-zero"])
    assert result.exit_code == 0 and "safety-absolute" in result.stdout
    missing = CliRunner().invoke(main, ["check", path, str(tmp_path / "missing.md"), "--exit-zero"])
    assert missing.exit_code == 2
