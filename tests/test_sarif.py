"""SARIF 2.1.0: the corpus output validates against the OASIS schema; rules, levels, regions
(in Unicode code points) and suppressions carry what the JSON output carries."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.formats.sarif import help_uri

REPO = Path(__file__).resolve().parents[1]
# The OASIS SARIF 2.1.0 schema, as published (a copy, so that the tests never skip).
SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def sarif(*args: str) -> dict:
    result = CliRunner().invoke(main, ["check", "--format", "sarif", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def errors(validator, doc) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.fixture(scope="module")
def corpus_sarif():
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        return sarif("corpus")
    finally:
        os.chdir(cwd)


def test_corpus_output_is_valid_sarif(validator, corpus_sarif):
    assert errors(validator, corpus_sarif) == []
    run = corpus_sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert len(run["results"]) > 50


def test_driver_lists_every_rule_with_help_and_level(corpus_sarif, linter):
    rules = {r["id"]: r for r in corpus_sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) >= {r.id for r in linter.rules} | {"suppression-without-reason", "unused-suppression"}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for r in linter.rules:
        d = rules[r.id]
        assert d["shortDescription"]["text"] == r.summary
        assert d["fullDescription"]["text"] == " ".join(r.rationale.split())
        assert d["defaultConfiguration"]["level"] == levels[r.severity]
        assert d["properties"]["category"] == r.category
        assert d["properties"]["references"] == list(r.references)
        assert d.get("helpUri") == help_uri(r.references)
        if any("http" in ref for ref in r.references):
            assert d["helpUri"].startswith("http") and d["helpUri"] in " ".join(r.references)


def test_results_point_at_the_same_place_as_json():
    # One Markdown, one HTML and one plain-text document of the corpus.
    paths = [str(p) for p in (min(REPO.glob(f"corpus/*/*.{ext}")) for ext in ("md", "html", "txt"))]
    result = CliRunner().invoke(main, ["check", "--format", "json", *paths])
    by_place = {
        (quote(f["path"]), f["line"], f["column"], f["end_line"], f["end_column"], f["rule"])
        for f in json.loads(result.stdout)["findings"]
    }
    sarif_doc = sarif(*paths)
    rules = sarif_doc["runs"][0]["tool"]["driver"]["rules"]
    places = set()
    for res in sarif_doc["runs"][0]["results"]:
        loc = res["locations"][0]["physicalLocation"]
        reg = loc["region"]
        places.add(
            (
                loc["artifactLocation"]["uri"],
                reg["startLine"],
                reg["startColumn"],
                reg["endLine"],
                reg["endColumn"],
                res["ruleId"],
            )
        )
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert places == by_place and places


def test_regions_count_code_points_and_paths_are_uri_references(validator, tmp_path, linter, monkeypatch):
    claim = linter.ruleset.by_id()["efficacy-cure"].examples.flag[0]
    folder = tmp_path / "ünïcode pages"
    folder.mkdir()
    page = folder / "page 1%.md"
    line = f"😀😀 Ünïcödé 𝒯𝑒𝓍𝓉. {claim}"
    page.write_text(f"# Title\n\n{line}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    doc = sarif("ünïcode pages/page 1%.md")
    assert errors(validator, doc) == []
    results = doc["runs"][0]["results"]
    assert results
    for res in results:
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "%C3%BCn%C3%AFcode%20pages/page%201%25.md"
        reg = loc["region"]
        assert reg["startLine"] == reg["endLine"] == 3
        assert line[reg["startColumn"] - 1 : reg["endColumn"] - 1] == reg["snippet"]["text"]


def test_suppressed_findings_carry_the_justification(validator, tmp_path, linter):
    claim = linter.ruleset.by_id()["efficacy-cure"].examples.flag[0]
    page = tmp_path / "page.md"
    page.write_text(
        f"<!-- claimlint-disable-next-line efficacy-cure -- quoted from the FDA warning letter -->\n{claim}\n"
    )
    doc = sarif(str(page))
    assert errors(validator, doc) == []
    [res] = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "efficacy-cure"]
    assert res["suppressions"] == [{"kind": "inSource", "justification": "quoted from the FDA warning letter"}]
    assert all("suppressions" not in r for r in doc["runs"][0]["results"] if r["ruleId"] != "efficacy-cure")


def test_unreadable_files_become_notifications(validator, tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"ok \xff\xfe not utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "sarif", str(bad)])
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert errors(validator, doc) == []
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "UTF-8" in inv["toolExecutionNotifications"][0]["message"]["text"]
