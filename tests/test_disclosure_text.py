"""Disclosure texts built from the knowledge base: a document finding offers the text
to add for the drugs this page promotes (their risks, their approvals), the text
clears the finding when pasted into the page, and a malformed knowledge-base
entry or template stops the run with one line naming the file, entry and key."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from linter.cli import main
from linter.engine import default_rules_dir

REPO = Path(__file__).resolve().parents[1]
ZOLOFT_PAGE = "# Feel like yourself again\n\nZoloft lifts low mood and eases panic. Start today.\n"
SPRAVATO_PAGE = "# Spravato at Lakeside\n\nSpravato helps treatment-resistant depression. Book a session.\n"
TWO_DRUGS_PAGE = (
    "# Two ways forward\n\nOur IV ketamine infusions relieve depression fast.\n\n"
    "Sertraline eases panic for many of our patients.\n"
)


def document_findings(linter, text: str, kind: str = "markdown") -> dict:
    return {f.rule: f for f in linter.lint_text(text, kind, "page") if f.scope == "document"}


def risk_texts(linter, drug: str) -> list[str]:
    return [r.text for r in linter.kb.risk_entry(drug).risks]


def risks_disclosure(linter, text: str) -> str:
    found = [f for f in document_findings(linter, text).values() if f.category == "disclosure.risks"]
    assert len(found) == 1 and found[0].disclosure, found
    return found[0].disclosure


def only_in(linter, drug: str, other: str) -> list[str]:
    return [r for r in risk_texts(linter, drug) if r not in risk_texts(linter, other)]


def test_a_zoloft_page_gets_the_ssri_risks_not_ketamines(linter):
    text = risks_disclosure(linter, ZOLOFT_PAGE)
    assert "Zoloft" in text
    assert all(r in text for r in risk_texts(linter, "sertraline"))
    assert risk_texts(linter, "sertraline") == risk_texts(linter, "ssri")  # through its class entry
    assert not [r for r in only_in(linter, "ketamine", "sertraline") if r in text]
    # the SSRI boxed warning names suicidal thoughts: the 988 line goes with it
    assert "988" in text


def test_a_spravato_page_gets_esketamines_risks_and_rems_note(linter):
    text = risks_disclosure(linter, SPRAVATO_PAGE)
    assert "Spravato" in text
    assert all(r in text for r in risk_texts(linter, "esketamine"))
    notes = [n.text.replace("{Drug}", linter.kb.display("esketamine")) for n in linter.kb.drugs["esketamine"].risk_notes]
    assert notes and all(n in text for n in notes)
    assert not [r for r in only_in(linter, "ketamine", "esketamine") if r in text]


def test_a_page_promoting_two_drugs_gets_both(linter):
    found = document_findings(linter, TWO_DRUGS_PAGE)
    risks = found["risks-disclosure"].disclosure
    assert all(r in risks for r in risk_texts(linter, "ketamine") + risk_texts(linter, "sertraline"))
    assert risks.index(linter.kb.display("ketamine").capitalize()) < risks.index("Sertraline")  # in page order
    consult = found["consult-disclosure"].disclosure
    assert "ketamine" in consult and "sertraline" in consult
    off_label = found["offlabel-disclosure"].disclosure
    assert "depression" in off_label and "off-label" in off_label and "Sertraline" not in off_label


def test_a_comparator_named_by_the_benefit_word_is_not_the_promoted_drug(linter):
    """"antidepressants" is also a benefit word; here it is what ketamine is compared with."""
    page = "If antidepressants have left you numb, there is a different path. Ketamine resets your mood.\n"
    text = risks_disclosure(linter, page)
    assert all(r in text for r in risk_texts(linter, "ketamine"))
    assert not [r for r in only_in(linter, "ssri", "ketamine") if r in text]


def test_an_unknown_drug_keeps_the_rules_fixed_suggestion(linter):
    found = document_findings(linter, "Get troches delivered to your door.\n")
    compounded = found["compounded-disclosure"]
    assert compounded.disclosure is None and compounded.suggestion
    crisis = document_findings(linter, "You are not alone with suicidal thoughts.\n")["crisis-resources"]
    assert crisis.disclosure and "988" in crisis.disclosure  # a template without placeholders needs no drug


def append(text: str, addition: str, kind: str) -> tuple[str, int]:
    """The page with the text added at its end, as the review page's Accept does; and where."""
    if kind == "html":
        end = text.lower().rfind("</body")
        at = end if end >= 0 else len(text)
        return text[:at] + f"<p>{html.escape(addition, quote=False)}</p>\n" + text[at:], at
    body = text.rstrip()
    return f"{body}\n\n{addition}\n", len(body)


PROMO_PAGES = sorted((REPO / "corpus" / "promo").glob("*.md"))


def test_each_disclosure_pasted_into_a_corpus_page_clears_its_finding(linter):
    requirement_rules = {r.id for r in linter.rules if r.kind == "requirement"}
    checked: set[str] = set()
    for page in PROMO_PAGES:
        text = page.read_text(encoding="utf-8")
        for rule, f in document_findings(linter, text).items():
            assert f.disclosure, (page.name, rule)
            after_text, at = append(text, f.disclosure, "markdown")
            after = linter.lint_text(after_text, "markdown", "page")
            assert rule not in {g.rule for g in after}, (page.name, rule, f.disclosure)
            # and the added text makes no claim of its own
            assert not [g.rule for g in after if g.span.start >= at], (page.name, rule, f.disclosure)
            checked.add(rule)
    assert checked == requirement_rules, f"no promo page exercises {sorted(requirement_rules - checked)}"


def test_a_disclosure_pasted_into_html_clears_its_finding(linter):
    page = "<html><body><h1>Relief</h1><p>Ketamine troches relieve depression &amp; anxiety.</p></body></html>"
    found = document_findings(linter, page, "html")
    assert {"compounded-disclosure", "offlabel-disclosure", "risks-disclosure"} <= set(found)
    for rule, f in found.items():
        after = linter.lint_text(append(page, f.disclosure, "html")[0], "html", "page")
        assert rule not in {g.rule for g in after}, (rule, f.disclosure)


# ---------------------------------------------------------------- output formats


def check(tmp_path, text: str, *args: str):
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--no-cache", *args, str(path)])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_text_format_shows_the_disclosure_under_its_finding(tmp_path, linter):
    out = check(tmp_path, ZOLOFT_PAGE, "--format", "text")
    blocks = re.split(r"\n(?=\S)", out)  # a finding's head line, then its indented lines
    block = next(b for b in blocks if " risks-disclosure " in b.split("\n")[0])
    expected = risks_disclosure(linter, ZOLOFT_PAGE)
    assert f"    disclosure: {expected}" in block.split("\n")
    assert "suggestion:" not in block  # the fixed text would name ketamine's risks


def test_json_and_sarif_carry_the_disclosure(tmp_path, linter):
    expected = {rule: f.disclosure for rule, f in document_findings(linter, SPRAVATO_PAGE).items()}
    findings = json.loads(check(tmp_path, SPRAVATO_PAGE, "--format", "json"))["findings"]
    assert {f["rule"]: f["disclosure"] for f in findings if f["scope"] == "document"} == expected
    assert all(f["disclosure"] is None for f in findings if f["scope"] == "sentence")
    results = json.loads(check(tmp_path, SPRAVATO_PAGE, "--format", "sarif"))["runs"][0]["results"]
    documents = {r["ruleId"]: r for r in results if r["properties"]["scope"] == "document"}
    assert {rule: r["properties"]["disclosure"] for rule, r in documents.items()} == expected
    assert all(r["message"]["text"].endswith(expected[rule]) for rule, r in documents.items())


def test_explain_shows_the_template():
    result = CliRunner().invoke(main, ["explain", "risks-disclosure"])
    assert result.exit_code == 0
    assert "{risks}" in result.stdout and "Disclosure" in result.stdout


# ---------------------------------------------------------------- malformed data


def rules_copy(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def one_line_error(folder: Path, *parts: str) -> None:
    result = CliRunner().invoke(main, ["rules", "--rules", str(folder)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not a traceback
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], (part, lines[0])


KB_BREAKAGES = {
    "unknown source": (lambda kb: kb["drugs"]["ketamine"]["risks"][0].update(source="nowhere"), "ketamine", "risks[0].source"),
    "no source": (lambda kb: kb["drugs"]["ketamine"]["risks"][1].pop("source"), "ketamine", "risks[1].source"),
    "empty risk": (lambda kb: kb["drugs"]["ssri"]["risks"][0].update(risk=" "), "ssri", "risks[0].risk"),
    "not a list": (lambda kb: kb["drugs"]["esketamine"].update(risks="sedation"), "esketamine", "risks"),
    "a bare phrase": (lambda kb: kb["drugs"]["ketamine"]["risks"].append("nausea"), "ketamine", "risks[8]"),
    "unknown key": (lambda kb: kb["drugs"]["ketamine"]["risks"][0].update(severity="high"), "ketamine", "risks[0].severity"),
    "note placeholder": (
        lambda kb: kb["drugs"]["esketamine"]["risk_notes"][0].update(note="Ask about {risks}."),
        "esketamine",
        "risk_notes[0].note",
    ),
    "empty display": (lambda kb: kb["drugs"]["sertraline"].update(display=""), "sertraline", "display"),
    "label not text": (lambda kb: kb["conditions"]["ptsd"].update(label=["PTSD"]), "ptsd", "label"),
}


@pytest.mark.parametrize("case", sorted(KB_BREAKAGES))
def test_a_malformed_knowledge_base_entry_is_one_line_naming_file_entry_and_key(tmp_path, case):
    folder = rules_copy(tmp_path)
    path = folder / "knowledge.yaml"
    kb = yaml.safe_load(path.read_text(encoding="utf-8"))
    breakage, entry, key = KB_BREAKAGES[case]
    assert kb["drugs"]["ketamine"]["risks"], "the bundled knowledge base lists ketamine's risks"
    breakage(kb)
    path.write_text(yaml.safe_dump(kb, sort_keys=False), encoding="utf-8")
    one_line_error(folder, "knowledge.yaml", repr(entry), repr(key))


@pytest.mark.parametrize(
    "template, reason",
    [("{Drug} can cause {dangers}.", "unknown placeholder {dangers}"), ("{Drug can cause", "malformed"), ("", "non-empty")],
)
def test_a_malformed_disclosure_template_is_one_line_naming_rule_and_key(tmp_path, template, reason):
    folder = rules_copy(tmp_path)
    path = folder / "disclosures" / "disclosures.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["id"] == "risks-disclosure")
    rule["disclosure"] = template
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    one_line_error(folder, "disclosures.yaml", "'risks-disclosure'", "'disclosure'", reason)


def test_a_sentence_rule_may_not_have_a_disclosure(tmp_path):
    folder = rules_copy(tmp_path)
    path = folder / "claims" / "efficacy.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"][0]["disclosure"] = "{Drug} can cause {risks}."
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    one_line_error(folder, "efficacy.yaml", repr(data["rules"][0]["id"]), "'disclosure'")
