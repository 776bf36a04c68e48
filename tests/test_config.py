"""Configuration: discovery from each file upwards, cascading keys, extend-rules, per-file
ignores, exclude, severity overrides, `claimlint config`, and bad configs (exit 2)."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from linter.cli import main

TEAM_RULE = """\
rules:
  - id: team-zen-reboot
    kind: claim
    category: efficacy.absolute
    severity: error
    message: Promises a "zen reboot", a claim the team's legal review has rejected.
    rationale: >
      The team's counsel rejected "zen reboot" wording as an implied cure claim.
    references:
      - "Team style guide: https://example.org/style#zen"
    suggestion: Describe what the session involves instead.
    phrases:
      - zen reboot
    examples:
      flag:
        - Our zen reboot fixes everything.
        - Book a zen reboot today.
      pass:
        - Book a session today.
        - Our staff are calm and friendly.
"""


def example(linter, rule_id: str) -> str:
    return linter.ruleset.by_id()[rule_id].examples.flag[0]


def check(*args: str):
    """(exit code, findings as (file name, rule, suppressed), result) of `claimlint check --format json`."""
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    doc = json.loads(result.stdout) if result.stdout.strip() else {"findings": []}
    found = {(f["path"].rsplit("/", 1)[-1], f["rule"], f.get("suppressed")) for f in doc["findings"]}
    return result.exit_code, found, result


@pytest.fixture
def layout(tmp_path, linter, monkeypatch):
    """repo/pyproject.toml two folders above repo/site/pages/, a closer .claimlint.yaml there,
    a team rule folder, and pages with claims, suppressions and a per-file ignore."""
    cure, fast = example(linter, "efficacy-cure"), example(linter, "onset-instant")
    better = example(linter, "comparative-superiority")
    repo = tmp_path / "repo"
    (repo / "team-rules").mkdir(parents=True)
    (repo / "team-rules" / "team.yaml").write_text(TEAM_RULE)
    (repo / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "clinic-site"

            [tool.claimlint]
            extend-rules = ["team-rules"]
            ignore = ["comparative"]
            exclude = ["drafts/"]
            fail-on = "error"

            [tool.claimlint.severity]
            efficacy-unqualified = "info"
            """
        )
    )
    pages = repo / "site" / "pages"
    pages.mkdir(parents=True)
    (pages / ".claimlint.yaml").write_text("ignore: [onset]\nper-file-ignores:\n  'faq-*.md': [efficacy-cure]\n")
    (pages / "home.md").write_text(f"# Home\n\n{better}\n\n{fast}\n\nBook a zen reboot today.\n")
    (pages / "faq-cure.md").write_text(f"# FAQ\n\n{cure}\n")
    (pages / "audit.md").write_text(
        "# Audit\n\n"
        "<!-- claimlint-disable-next-line efficacy-cure -- quoted from the FDA warning letter -->\n"
        f"{cure}\n\n"
        "<!-- claimlint-disable-next-line team-zen-reboot -->\n"
        "Book a zen reboot today.\n\n"
        "<!-- claimlint-disable-next-line safety -- nothing to waive -->\n"
        "Our staff are calm and friendly.\n"
    )
    (repo / "site" / "drafts").mkdir()
    (repo / "site" / "drafts" / "draft.md").write_text(f"{cure}\n")
    (repo / "news.md").write_text(f"{better}\n\n{fast}\n")
    monkeypatch.chdir(repo)
    return repo


def test_layout_each_setting_behaves_as_configured(layout):
    code, found, _ = check("site", "news.md")
    rules = {(name, rule) for name, rule, _ in found}
    # The closer .claimlint.yaml replaces `ignore`: onset is ignored under site/pages,
    # comparative is reported there, and the root's ignore still holds for news.md.
    assert ("home.md", "comparative-superiority") in rules
    assert ("home.md", "onset-instant") not in rules
    assert ("news.md", "onset-instant") in rules
    assert ("news.md", "comparative-superiority") not in rules
    # extend-rules from the root config, inherited by the closer one.
    assert ("home.md", "team-zen-reboot") in rules
    # per-file-ignores (relative to the .claimlint.yaml) and exclude (relative to pyproject.toml).
    assert ("faq-cure.md", "efficacy-cure") not in rules
    assert not any(name == "draft.md" for name, _ in rules)
    # Suppressions: reasoned waives, unreasoned waives nothing and is reported, unused is reported.
    assert ("audit.md", "efficacy-cure", "quoted from the FDA warning letter") in found
    assert ("audit.md", "team-zen-reboot", None) in found
    assert ("audit.md", "suppression-without-reason") in rules
    assert ("audit.md", "unused-suppression") in rules
    assert code == 1


def test_layout_exit_codes(layout):
    audit = "site/pages/audit.md"
    assert check(audit)[0] == 1  # the unreasoned directive leaves the team rule's error standing
    quiet = ("--ignore", "team-zen-reboot,disclosure")
    assert check(audit, *quiet)[0] == 0  # what is left: the waived cure claim and directive warnings
    assert check(audit, *quiet, "--fail-on", "warning")[0] == 1
    assert check("site/pages/faq-cure.md", "--select", "efficacy-cure")[0] == 0
    assert check("site/drafts/draft.md")[0] == 0  # excluded, even when named


def test_severity_override_and_fail_on(layout, linter):
    (layout / "claim.md").write_text(example(linter, "efficacy-unqualified") + "\n")
    code, found, result = check("claim.md", "--select", "efficacy-unqualified")
    doc = json.loads(result.stdout)
    assert {f["severity"] for f in doc["findings"]} == {"info"}
    assert code == 0
    (layout / "pyproject.toml").write_text(
        '[tool.claimlint]\nfail-on = "info"\nseverity = {efficacy-unqualified = "info"}\n'
    )
    assert check("claim.md", "--select", "efficacy-unqualified")[0] == 1


def test_config_command_names_the_source_of_each_value(layout):
    result = CliRunner().invoke(main, ["config", "site/pages/faq-cure.md", "--format", "json"])
    assert result.exit_code == 0, result.output
    desc = json.loads(result.stdout)
    s = desc["settings"]
    assert desc["config_files"] == ["site/pages/.claimlint.yaml", "pyproject.toml [tool.claimlint]"]
    assert (s["ignore"]["value"], s["ignore"]["source"]) == (["onset"], "site/pages/.claimlint.yaml")
    assert s["extend-rules"] == {"value": ["team-rules"], "source": "pyproject.toml [tool.claimlint]"}
    assert s["fail-on"]["source"] == "pyproject.toml [tool.claimlint]"
    assert s["select"] == {"value": None, "source": "default"}
    assert desc["ignored_here"] == ["efficacy-cure"]
    text = CliRunner().invoke(main, ["config", "site/pages"])
    assert "ignore" in text.stdout and "site/pages/.claimlint.yaml" in text.stdout


def test_root_stops_the_search(layout):
    (layout / "site" / "pages" / ".claimlint.yaml").write_text("root: true\n")
    code, found, _ = check("site/pages/home.md")
    rules = {rule for _, rule, _ in found}
    assert "team-zen-reboot" not in rules  # the root pyproject's extend-rules no longer applies
    assert "onset-instant" in rules


def test_explicit_config_file_is_used_alone(layout, tmp_path):
    other = tmp_path / "only.toml"
    other.write_text('select = ["onset"]\n')
    code, found, _ = check("--config", str(other), "site/pages/home.md")
    assert {rule for _, rule, _ in found} == {"onset-instant"}


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (".claimlint.yaml", "fail_on: warning\n", ["fail_on", "did you mean 'fail-on'"]),
        (".claimlint.yaml", "ignore: onset\n", ["'ignore'", "expected a list"]),
        (".claimlint.yaml", "severity:\n  efficacy-cure: fatal\n", ["'severity.efficacy-cure'", "expected one of"]),
        (".claimlint.yaml", "ignore: [onsett]\n", ["'ignore'", "'onsett' matches no rule"]),
        (".claimlint.yaml", "extend-rules: [no-such-folder]\n", ["'extend-rules'", "no such rule folder"]),
        (".claimlint.yaml", "ignore: [onset\n", [".claimlint.yaml", "YAML error"]),
        (".claimlint.toml", "ignore = [onset]\n", [".claimlint.toml", "TOML error"]),
        ("pyproject.toml", "[tool.claimlint]\nroot = 'yes'\n", ["pyproject.toml [tool.claimlint]", "'root'"]),
        ("pyproject.toml", "[tool.claimlint]\nper-file-ignores = {'*.md' = [efficacyy]}\n", ["TOML error"]),
        (
            "pyproject.toml",
            "[tool.claimlint.per-file-ignores]\n'*.md' = ['efficacyy']\n",
            ["'per-file-ignores.*.md'", "'efficacyy'"],
        ),
    ],
)
def test_a_bad_config_is_exit_2_naming_file_and_key(tmp_path, monkeypatch, name, content, expected):
    (tmp_path / name).write_text(content)
    (tmp_path / "page.md").write_text("Hello.\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "page.md"])
    assert result.exit_code == 2
    assert result.stderr.startswith("claimlint: error: ") and len(result.stderr.strip().splitlines()) == 1
    for part in expected:
        assert part in result.stderr


def test_pyproject_without_a_claimlint_table_is_not_a_config(tmp_path, monkeypatch, linter):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.md").write_text(example(linter, "onset-instant") + "\n")
    (tmp_path / ".claimlint.yaml").write_text("ignore: [onset]\n")
    monkeypatch.chdir(tmp_path)
    code, found, _ = check("sub/page.md")
    assert "onset-instant" not in {rule for _, rule, _ in found}
