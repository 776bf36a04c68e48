"""Rewrites of the flagged sentence (linter/rewrite.py, the rules' ``rewrite:``).

The key property: accepting a rewrite clears the finding. For every rule with a
``rewrite:``, each of its ``flag`` examples gets a rewrite, and the example with
that rewrite in place of the sentence no longer produces the rule's finding.
Then: the edits
keep the text and markup around the edited words, an edit that would cut through
markup gives no rewrite (the generic suggestion stands), and a bad ``rewrite:``
names the file, the rule and the key.
"""

from __future__ import annotations

import json

import pytest
import yaml

from linter.engine import default_rules_dir
from linter.errors import RuleError
from linter.formats import render
from linter.rewrite import parse_rewrites
from linter.rules import CATEGORIES, PatternCompiler, load_rules, rule_files
from linter.runner import RunResult
from linter.yamlio import load_yaml

def _rules_with_rewrites() -> list[dict]:
    out = []
    for path in rule_files([default_rules_dir()]):
        data = load_yaml(path) or {}
        out.extend(r for r in data.get("rules") or [] if isinstance(r, dict) and "rewrite" in r)
    return out


def _cases() -> list:
    out = []
    for rule in _rules_with_rewrites():
        for i, text in enumerate(rule["examples"]["flag"]):
            out.append(pytest.param(rule["id"], text, id=f"{rule['id']}-flag-{i}"))
    return out


def _finding(linter, text: str, rule: str, kind: str = "markdown"):
    found = [f for f in linter.lint_text(text, kind, "doc") if f.rule == rule]
    assert found, f"{rule} should flag {text!r}"
    return found[0]


def _accept(text: str, f) -> str:
    return text[: f.span.start] + f.rewrite + text[f.span.end :]


def test_every_sentence_rule_has_a_rewrite(linter):
    sentence_rules = [r for r in linter.rules if CATEGORIES[r.category] == "sentence"]
    assert sentence_rules
    assert [r.id for r in sentence_rules if not r.rewrites] == []


@pytest.mark.parametrize(("rule_id", "text"), _cases())
def test_accepting_the_rewrite_clears_the_finding(linter, rule_id, text):
    f = _finding(linter, text, rule_id)
    assert f.rewrite is not None, f"no rewrite for {text!r}"
    assert f.rewrite != f.text
    after = _accept(text, f)
    again = [g.rule for g in linter.lint_text(after, "markdown", "doc") if g.rule == rule_id]
    assert not again, f"{rule_id} still flags {after!r}"


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("Ketamine cures depression.", "efficacy-cure", "Ketamine may ease symptoms of depression for some patients."),
        (
            "Ketamine delivers instant relief from depression.",
            "onset-instant",
            "Ketamine may deliver relief from depression for some patients.",
        ),
        (
            "Esketamine is FDA-approved for anxiety.",
            "approval-misstated",
            "Esketamine is not FDA-approved for anxiety.",
        ),
        (
            "Nearly every patient responds to our ketamine protocol.",
            "efficacy-guarantee",
            "Some patients may respond to our ketamine protocol.",
        ),
        ("Our ketamine therapy has no side effects.", "safety-absolute", "Our ketamine therapy has side effects."),
    ],
)
def test_rewrites_read_as_the_rule_intends(linter, text, rule, expected):
    """The operations themselves: a replaced verb takes the modal, a dropped word takes its
    space, a sentence-initial word dropped passes its capital on, a negation goes after
    the auxiliary."""
    assert _finding(linter, text, rule).rewrite == expected


def test_markdown_outside_the_edited_words_is_kept(linter):
    text = "At [Riverbend](https://riverbend.example/ketamine), *IV* ketamine **relieves** depression.\n"
    f = _finding(linter, text, "efficacy-unqualified")
    head = "At [Riverbend](https://riverbend.example/ketamine), *IV* ketamine **"
    assert f.text.startswith("At [Riverbend]")
    assert f.rewrite.startswith(head)
    assert "**may relieve**" in f.rewrite
    assert f.rewrite.endswith(" for some patients.")


def test_html_outside_the_edited_words_is_kept_and_the_rewrite_is_source_text(linter):
    text = '<p>Our <a href="/iv">ketamine</a> therapy <em>cures</em> depression &amp; anxiety.</p>'
    f = _finding(linter, text, "efficacy-cure", "html")
    assert f.rewrite.startswith('Our <a href="/iv">ketamine</a> therapy <em>may ease symptoms of</em>')
    assert "depression &amp; anxiety for some patients." in f.rewrite
    after = _accept(text, f)
    assert after.startswith("<p>") and after.endswith("</p>")
    assert "efficacy-cure" not in {g.rule for g in linter.lint_text(after, "html", "doc")}


def test_only_the_flagged_sentence_changes(linter):
    text = "Welcome to our clinic. Ketamine relieves depression. Call us today.\n"
    f = _finding(linter, text, "efficacy-unqualified")
    assert f.text == "Ketamine relieves depression."
    after = _accept(text, f)
    assert after.startswith("Welcome to our clinic. ") and after.endswith(" Call us today.\n")


def test_an_edit_through_markup_gives_no_rewrite(linter):
    """The word to replace is not verbatim in the source (a tag inside it): rather than
    guess, the finding has no rewrite and keeps the rule's generic suggestion. An entity
    inside it ("non&#8209;addictive") stops the word edit too, but not a restatement of
    the whole sentence, which cuts through no markup."""
    text = "<p>Ketamine is <b>100%</b> safe.</p>"
    f = _finding(linter, text, "safety-absolute", "html")
    assert f.rewrite is None
    assert f.suggestion
    entity = _finding(linter, "<p>Ketamine is completely safe &amp; non&#8209;addictive.</p>", "safety-absolute", "html")
    assert entity.rewrite is not None and entity.rewrite.startswith("Treatment with ketamine can cause side effects")


def test_json_carries_the_rewrite_and_null_for_document_findings(linter):
    findings = linter.lint_text("Ketamine cures depression.\n", "markdown", "doc")
    by_scope = {f.scope: f.to_dict() for f in findings}
    assert by_scope["sentence"]["rewrite"] == "Ketamine may ease symptoms of depression for some patients."
    assert "rewrite" in by_scope["document"] and by_scope["document"]["rewrite"] is None


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"modal": "may", "shout": "x"}, "rewrite.shout"),
        ({"replace": ["cure"]}, "rewrite.replace"),
        ({"replace": {"cure": 3}}, "rewrite.replace.cure"),
        ({"replace": {"cure": "<b>ease</b>"}}, "rewrite.replace.cure"),
        ({"drop": []}, "rewrite.drop"),
        ({"drop": [False]}, "rewrite.drop[0]"),
        ({"modal": "may be able to!"}, "rewrite.modal"),
        ({"append": ""}, "rewrite.append"),
        ({"if_reason": "not FDA-approved"}, "rewrite"),
        ([{"modal": "may"}, "prefix"], "rewrite[1]"),
        ([], "rewrite"),
        ({"restate": "{Drug} may help with {mood}."}, "rewrite.restate"),
        ({"restate": "{Drug} may help.", "append": " today"}, "rewrite.restate"),
        ({"restate": "{Drug:>10} may help."}, "rewrite.restate"),
        ({"drop_item": []}, "rewrite.drop_item"),
    ],
)
def test_a_bad_rewrite_names_its_key(linter, raw, key):
    def err(k: str, reason: str) -> RuleError:
        return RuleError("rules/x.yaml", "test-rule", k, reason)

    with pytest.raises(RuleError) as exc:
        parse_rewrites(raw, err, linter.nlp)
    assert exc.value.key == key
    assert str(exc.value).startswith(f"rules/x.yaml: rule 'test-rule': key '{key}': ")


def test_a_requirement_rule_may_not_rewrite(linter, tmp_path):
    rule = {
        "id": "test-disclosure",
        "kind": "requirement",
        "category": "disclosure.consult",
        "severity": "warning",
        "message": "Say to talk to a provider.",
        "rationale": "FTC guidance.",
        "references": ["FTC"],
        "suggestion": 'Add: "Talk to your provider."',
        "trigger": {"patterns": [[{"LEMMA": "infusion"}]]},
        "satisfied_by": [{"phrases": ["talk to your provider"]}],
        "rewrite": {"append": " today"},
        "examples": {"flag": ["Book an infusion.", "Infusions daily."], "pass": ["Hi.", "Hello."]},
    }
    path = tmp_path / "req.yaml"
    path.write_text(yaml.safe_dump({"rules": [rule]}))
    with pytest.raises(RuleError) as exc:
        load_rules([str(path)], PatternCompiler(linter.nlp, linter.kb))
    assert (exc.value.path, exc.value.rule, exc.value.key) == (str(path), "test-disclosure", "rewrite")


def test_text_and_sarif_show_the_rewrite(linter):
    text = "Ketamine cures depression.\n"
    result = RunResult(files=1, findings=linter.lint_text(text, "markdown", "doc.md"))
    report = render("text", result, linter, sources={"doc.md": text})
    block = report[report.index("efficacy-cure") :]
    rewrite = "    rewrite: Ketamine may ease symptoms of depression for some patients."
    assert rewrite in block and block.index(rewrite) < block.index("    suggestion:")
    sarif = json.loads(render("sarif", result, linter))
    props = {r["ruleId"]: r["properties"] for r in sarif["runs"][0]["results"]}
    assert props["efficacy-cure"]["rewrite"] == "Ketamine may ease symptoms of depression for some patients."
    assert "rewrite" not in props["consult-disclosure"]


# ---------------------------------------------------------------- rewrites that read well (issue 7, point 3)


def _cleared(linter, text: str, f, kind: str = "markdown") -> bool:
    """Whether the document, with the rewrite accepted, no longer has the finding's rule there."""
    after = _accept(text, f)
    end = f.span.start + len(f.rewrite)
    return not [
        g
        for g in linter.lint_text(after, kind, "doc")
        if g.rule == f.rule and g.span.start < end and f.span.start < g.span.end
    ]


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        # 1. dropping one "no" from a list of negatives inverts its item, and an item of more than a
        # few words may carry words of the whole list: the claim is restated instead
        ("Ketamine at home: no needles, no clinic, no side effects worth worrying about.", "safety-absolute", "Treatment with ketamine can cause side effects and has risks; your provider will go over them with you."),
        ("No needles, no clinic, no risk with our ketamine troches.", "safety-absolute", "Treatment with ketamine can cause side effects and has risks; your provider will go over them with you."),
        # ... while a governed "no" may go: "there's no potential" -> "there's potential"
        ("Our ketamine therapy has no side effects.", "safety-absolute", "Our ketamine therapy has side effects."),
        # 2. the ratio before a comparative goes with it
        (
            "Ketamine is 3x more effective than traditional antidepressants.",
            "comparative-superiority",
            "Ketamine is different from traditional antidepressants.",
        ),
        (
            "IV ketamine is 50% better than SSRIs.",
            "comparative-superiority",
            "IV ketamine is different from SSRIs.",
        ),
        # 4. the modal goes before the verb's adverbs, and the duration rule drops "permanently"
        (
            "Ketamine permanently fixes depression.",
            "efficacy-unqualified",
            "Ketamine may permanently fix depression for some patients.",
        ),
        (
            "Ketamine permanently fixes depression.",
            "duration-permanent",
            "Ketamine may fix depression for some patients.",
        ),
        (
            "Ketamine actually rewires the brain.",
            "efficacy-unqualified",
            "Ketamine may actually rewire the brain for some patients.",
        ),
        # 5. "rapid, lasting relief": the list's comma goes with "lasting"
        (
            "Ketamine offers rapid, lasting relief from depression.",
            "duration-permanent",
            "Ketamine may offer rapid relief from depression for some patients.",
        ),
        (
            "Thanks to ketamine, my anxiety is gone for good.",
            "duration-permanent",
            "Thanks to ketamine, my anxiety is gone.",
        ),
        # 8. a consequence drawn from a negated claim goes; a claim given as a reason is not negated
        (
            "Lexapro is FDA approved for insomnia, so many people find they sleep like a baby.",
            "approval-misstated",
            "Lexapro is not FDA approved for insomnia.",
        ),
        (
            "Lexapro is FDA-approved for insomnia, which means you will sleep like a baby.",
            "approval-misstated",
            "Lexapro is not FDA-approved for insomnia.",
        ),
        # ... and the status restated from the knowledge base instead
        (
            "Because Lexapro is FDA-approved for insomnia, you can trust it.",
            "approval-misstated",
            "The FDA has approved escitalopram (Lexapro) for major depressive disorder and generalized anxiety "
            "disorder; use for insomnia is off-label.",
        ),
    ],
)
def test_rewrites_that_read_well_and_clear(linter, text, rule, expected):
    """Each rewrite reads as written here (or is absent, the generic suggestion standing),
    and accepted into the text, it clears the finding."""
    f = _finding(linter, text, rule)
    assert f.rewrite == expected
    if expected is not None:
        assert _cleared(linter, text, f)


def test_the_modal_skips_an_imperative_outside_the_claim(linter):
    """3. "Call us today to start feeling better this week": the claim is in the
    infinitive; "You may call us" is no fix, and no rewrite is better than that one."""
    text = "Our ketamine clinic treats depression. Call us today to start feeling better this week.\n"
    f = _finding(linter, text, "onset-instant")
    assert f.text.startswith("Call us today")
    if f.rewrite is not None:
        assert not f.rewrite.lower().startswith("you may call")
        assert _cleared(linter, text, f)


def test_an_imperative_that_is_the_claim_takes_the_modal(linter):
    f = _finding(linter, "Feel better immediately after your very first infusion.", "onset-instant")
    assert f.rewrite == "You may feel better after your very first infusion for some patients."


def _balanced(text: str, opening: str, closing: str) -> bool:
    if opening == closing:
        return text.count(opening) % 2 == 0
    return text.count(opening) == text.count(closing)


@pytest.mark.parametrize(
    "text",
    [
        '"After my second infusion, my depression was gone. I feel like me again." - Dana',
        'Jane said: "After my second infusion, my depression was gone," and she smiled.',
        "(After my second infusion, my depression was gone for good.)",
        "“After my second infusion, my depression was completely gone.”",
    ],
)
def test_quotes_and_brackets_stay_balanced(linter, text):
    """6. A rewrite inside a quotation keeps each quote and bracket pair as balanced as it was."""
    findings = [f for f in linter.lint_text(text, "markdown", "doc") if f.scope == "sentence" and f.rewrite]
    assert findings
    for f in findings:
        for a, b in (('"', '"'), ("(", ")"), ("“", "”")):
            assert _balanced(f.rewrite, a, b) == _balanced(f.text, a, b), (f.rule, f.rewrite)
        assert _cleared(linter, text, f), (f.rule, f.rewrite)


def test_a_guarantee_rewrite_leaves_no_superiority_claim(linter):
    """7. "Clinically proven to outperform every antidepressant": whatever is offered must
    not read as a superiority claim still: re-linted, neither rule flags it; and on a
    ketamine page no restatement promotes the antidepressants the sentence dismisses."""
    text = "Ketamine clinic.\n\nClinically proven to outperform every antidepressant.\n"
    offered = [f for f in linter.lint_text(text, "markdown", "doc") if f.scope == "sentence" and f.rewrite]
    assert {f.rule for f in offered} == {"efficacy-guarantee", "comparative-superiority"}
    for f in offered:
        after = _accept(text, f)
        left = {g.rule for g in linter.lint_text(after, "markdown", "doc")}
        assert not left & {"efficacy-guarantee", "comparative-superiority"}, f.rewrite
        assert "antidepressant" not in f.rewrite.lower(), f.rewrite


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Ketamine has held FDA approval since 1970, so you can feel confident using it for your depression.",
            "Ketamine has held FDA approval as an anesthetic since 1970.",
        ),
        ("Fact: the ketamine we use is FDA approved, and has been for 50 years.", "Fact: the ketamine we use is FDA approved as an anesthetic, and has been for 50 years."),
        # a participle before a noun is removed, not qualified
        ("Every ketamine infusion uses FDA-approved Ketalar for your depression care.", "Every ketamine infusion uses Ketalar for your depression care."),
        # the status of a program, not of a drug: the drug's status restated instead
        ("Our whole program is FDA-approved.", "The FDA has approved ketamine only for anesthesia; other uses are off-label."),
        # "for" a span of time is not "for" a use
        ("Ketamine has been FDA-approved for more than fifty years.", "Ketamine has been FDA-approved as an anesthetic for more than fifty years."),
    ],
)
def test_qualify_names_the_approved_use(linter, sentence, expected):
    """``qualify`` (approval-misstated, ketamine beside depression care): the status
    stated with the use the FDA approved, and accepting it clears the finding."""
    text = f"IV ketamine for depression, anxiety and pain.\n\n{sentence}\n"
    f = _finding(linter, text, "approval-misstated")
    assert f.rewrite == expected
    if expected is not None:
        assert "approval-misstated" not in {g.rule for g in linter.lint_text(_accept(text, f), "markdown", "doc")}


@pytest.mark.parametrize(
    ("qa", "rule", "answer"),
    [
        ("**Can ketamine treat PTSD?** Yes.", "efficacy-unqualified", "It may help some patients"),
        ("Is ketamine therapy safe? A hundred percent.", "safety-absolute", "not risk-free"),
        ("Is ketamine addictive? Not at all.", "safety-denied-risk", "There are risks"),
        ("Is Spravato FDA-approved for PTSD? Yes.", "approval-misstated", "No: it is not FDA-approved"),
    ],
)
def test_a_question_and_its_answer_get_a_fair_answer(linter, qa, rule, answer):
    """``answer``: the question kept, its short answer replaced; accepted, the finding goes."""
    text = f"Ketamine clinic FAQ.\n\n{qa}\n"
    f = _finding(linter, text, rule)
    question = qa[: qa.index("?") + 1].lstrip("*")
    assert f.rewrite is not None and f.rewrite.startswith(question) and answer in f.rewrite
    assert rule not in {g.rule for g in linter.lint_text(_accept(text, f), "markdown", "doc")}


def test_a_long_answer_is_not_replaced(linter):
    text = "Ketamine clinic FAQ.\n\nIs ketamine therapy safe? Yes, and our anesthesiologists monitor every single session closely.\n"
    found = [f for f in linter.lint_text(text, "markdown", "doc") if f.rule == "safety-absolute"]
    assert found and all(f.rewrite is None for f in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Unlike your daily antidepressant, ketamine will not cause weight gain.",
            "Ketamine will not cause weight gain.",
        ),
        (
            "And unlike SSRIs, ketamine does not make you wait six weeks.",
            "And ketamine does not make you wait six weeks.",
        ),
        ("Infusions here are relaxing and private, unlike the daily antidepressants.", "Infusions here are relaxing and private."),
        # another comparison would stay: the claim restated without the comparison
        (
            "Unlike opioids, ketamine is non-addictive, and it is a lot safer than gabapentin.",
            "Treatment with ketamine may help some people; ask your provider which treatment fits you.",
        ),
    ],
)
def test_lead_in_removes_the_comparison_that_opens_or_closes_the_sentence(linter, sentence, expected):
    text = f"Ketamine clinic.\n\n{sentence}\n"
    f = _finding(linter, text, "comparative-superiority")
    assert f.rewrite == expected
    if expected is not None:
        assert "comparative-superiority" not in {g.rule for g in linter.lint_text(_accept(text, f), "markdown", "doc")}


# ---------------------------------------------------------------- every flagged sentence (issue 7, point 3)


def _rewrite_of(linter, sentence: str, rule: str, kind: str = "markdown", page: str = "Ketamine clinic.\n\n"):
    """The rule's rewrite for a sentence on a page about ketamine, and whether accepting it clears the finding."""
    text = f"{page}{sentence}\n" if kind == "markdown" else f"<p>{page}</p><p>{sentence}</p>"
    f = _finding(linter, text, rule, kind)
    return f.rewrite, f.rewrite is not None and _cleared(linter, text, f, kind)


@pytest.mark.parametrize(
    ("sentence", "rule", "expected"),
    [
        # superlatives: restated from the knowledge base, with the condition the sentence names
        (
            "Ketamine is the greatest breakthrough in PTSD care in decades.",
            "efficacy-guarantee",
            "Treatment with ketamine may help some people with PTSD; results vary from person to person.",
        ),
        # "-free": the condition named as what eases, the testimony kept
        (
            '"Two infusions later, I am anxiety-free."',
            "efficacy-cure",
            '"Two infusions later, I am less anxious (individual results vary)."',
        ),
        # near-universals: the subject in the plural, and its verbs with it
        (
            "Almost every patient who completes our ketamine series reports better sleep.",
            "efficacy-guarantee",
            "Some patients who complete our ketamine series report better sleep.",
        ),
        # zero-lists: the item that denies a risk removed, the others kept
        (
            "Ketamine troches at home: no commute, no needles, no side effects.",
            "safety-absolute",
            "Ketamine troches at home: no commute, no needles.",
        ),
        # ... and where every item is a claim, the claim restated as the drug's risks
        (
            "Zero hangover, zero dependency.",
            "safety-absolute",
            "Treatment with ketamine can cause side effects and has risks; your provider will go over them with you.",
        ),
        # a comparison with no comparative: the drug the page promotes, not the one dismissed
        (
            "Your Zoloft had its chance.",
            "comparative-superiority",
            "Treatment with ketamine may help some people; ask your provider which treatment fits you.",
        ),
        # a lead-in comparison with a relative clause inside it goes whole
        (
            "Unlike SSRIs, which can take a month, ketamine is given in our clinic.",
            "comparative-superiority",
            "Ketamine is given in our clinic.",
        ),
        # "safe" is not "safer": "completely safe" is softened, "safer than Tylenol" left to comparative-superiority
        (
            "Ketamine is safer than Tylenol and completely safe.",
            "safety-absolute",
            "Ketamine is safer than Tylenol and generally well tolerated but not risk-free.",
        ),
    ],
)
def test_each_family_gets_a_rewrite_that_reads_well_and_clears(linter, sentence, rule, expected):
    rewrite, cleared = _rewrite_of(linter, sentence, rule)
    assert rewrite == expected
    assert cleared


def test_a_comparison_restated_never_promotes_the_family_it_dismisses(linter):
    """On a page that names fluoxetine most, "this stuff leaves SSRIs in the dust" promotes
    something else: the restatement names the other drug the page names, not an SSRI."""
    page = "I took fluoxetine for years. Fluoxetine made me numb. Then I tried ketamine.\n\n"
    rewrite, cleared = _rewrite_of(linter, "This stuff leaves SSRIs in the dust.", "comparative-superiority", page=page)
    assert rewrite == "Treatment with ketamine may help some people; ask your provider which treatment fits you."
    assert cleared


def test_an_approval_restatement_gives_the_status_from_the_knowledge_base(linter):
    """The drug is the one the verdict names, its approved uses are the knowledge base's,
    and the use the sentence claims is called off-label."""
    rewrite, cleared = _rewrite_of(
        linter,
        "Since Spravato's approval also covers OCD, many clients use it for that.",
        "approval-misstated",
        page="Spravato at our center.\n\n",
    )
    assert rewrite.startswith("The FDA has approved Spravato (esketamine) for treatment-resistant depression")
    assert rewrite.endswith("; use for OCD is off-label.")
    assert cleared


@pytest.mark.parametrize(
    "sentence",
    [
        '"Ketamine is the greatest breakthrough in PTSD care in decades," says our founder.',
        "I think ketamine is the greatest breakthrough in PTSD care in decades.",
        "> Ketamine is the greatest breakthrough in PTSD care in decades.",
    ],
)
def test_a_restatement_never_speaks_for_a_quoted_or_first_person_voice(linter, sentence):
    """Inside quotation marks, a blockquote or a first-person account, a restatement
    would put the publisher's words in someone else's mouth: no rewrite instead."""
    rewrite, _ = _rewrite_of(linter, sentence, "efficacy-guarantee")
    assert rewrite is None


def test_a_restatement_keeps_the_markup_around_the_sentence(linter):
    """An entity is a character and goes with the sentence's words; the tags around it stay.
    A tag inside the sentence would be lost: then there is no restatement."""
    text = "<p>Ketamine clinic.</p><p>It&rsquo;s the biggest breakthrough in PTSD care in decades.</p>"
    f = _finding(linter, text, "efficacy-guarantee", "html")
    assert f.rewrite == "Treatment with ketamine may help some people with PTSD; results vary from person to person."
    after = _accept(text, f)
    assert after.endswith(f"<p>{f.rewrite}</p>")
    assert _cleared(linter, text, f, "html")
    tagged = "<p>Ketamine clinic.</p><p>Ketamine is the <em>biggest</em> breakthrough in PTSD care in decades.</p>"
    assert _finding(linter, tagged, "efficacy-guarantee", "html").rewrite is None
