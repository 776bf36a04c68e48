"""Qualifier scoping (ConText): cue kinds, directions, scope ends and pseudo-cues.

Two levels: ``sentence_scopes``/``governed`` on hand-made cues and token positions
(the algorithm, independent of the YAML), and whole sentences through
``Linter.lint_text`` with the bundled rules/qualifiers.yaml (the behaviour a user
sees). Each end-to-end case that expects silence has a control that is flagged, so
the test shows the cue, not a missing pattern, made the difference.
"""

from __future__ import annotations

import pytest

from linter.context import Cue, Scope, governed, sentence_scopes
from linter.readers import read_prose

ABSOLUTE = "efficacy.absolute"
UNQUALIFIED = "efficacy.unqualified"
SAFETY = "safety.absolute"


def cue(category: str, direction: str, max_scope: int, through: tuple[str, ...] = ()) -> Cue:
    return Cue(f"{category}-{direction}", category, direction, max_scope, (), frozenset(through))


SUBORDINATORS = frozenset({"although", "though", "while", "whereas", "if", "unless", "whether", "because"})


def scopes_of(c: Cue, at: tuple[int, int], sent=(0, 40), terminators=(), pseudo=(), commas=()) -> list[tuple[int, int]]:
    cues = {c.id: c}
    found = sentence_scopes(
        cues, [(c.id, *at)], list(terminators), list(pseudo), *sent, list(commas), SUBORDINATORS
    )
    return [(s.start, s.end) for s in found]


# ---------------------------------------------------------------- the algorithm


def test_forward_scope_runs_max_scope_tokens_after_the_cue():
    assert scopes_of(cue("hedge", "forward", 5), (2, 3)) == [(3, 8)]


def test_backward_scope_runs_max_scope_tokens_before_the_cue():
    assert scopes_of(cue("negation", "backward", 4), (10, 11)) == [(6, 10)]


def test_both_directions_give_two_scopes():
    assert scopes_of(cue("population", "both", 3), (10, 12)) == [(12, 15), (7, 10)]


def test_scope_stays_inside_the_sentence():
    assert scopes_of(cue("hedge", "both", 30), (12, 13), sent=(10, 20)) == [(13, 20), (10, 12)]


def test_a_terminator_ends_the_scope_in_either_direction():
    forward = cue("hedge", "forward", 10)
    backward = cue("negation", "backward", 10)
    assert scopes_of(forward, (2, 3), terminators=[(6, "but")]) == [(3, 6)]
    assert scopes_of(backward, (10, 11), terminators=[(4, "but")]) == [(5, 10)]
    # a terminator outside the scope changes nothing
    assert scopes_of(forward, (2, 3), terminators=[(1, "but"), (20, "but")]) == [(3, 13)]


def test_a_cue_may_pass_the_terminators_it_names():
    refutation = cue("refutation", "forward", 20, through=(":",))
    assert scopes_of(refutation, (1, 2), terminators=[(4, ":")]) == [(2, 22)]
    assert scopes_of(cue("hedge", "forward", 20), (1, 2), terminators=[(4, ":")]) == [(2, 4)]


def test_a_clause_opened_by_a_terminator_ends_at_its_comma():
    # "Although it may cause dizziness , it ..." : 0 although, 3 may, 6 comma
    hedge = cue("hedge", "forward", 12)
    assert scopes_of(hedge, (3, 4), terminators=[(0, "although")], commas=[6]) == [(4, 6)]
    # without the opener the comma does not end the forward scope
    assert scopes_of(hedge, (3, 4), commas=[6]) == [(4, 16)]


def test_an_aside_between_commas_does_not_end_the_scope():
    # "Ketamine helps many patients , though not all , ..." : 4 comma, 5 though, 8 comma
    population = cue("population", "forward", 14)
    assert scopes_of(population, (2, 4), terminators=[(5, "though")], commas=[4, 8]) == [(4, 18)]
    # without the comma before it, "though" is a clause boundary
    assert scopes_of(population, (2, 4), terminators=[(5, "though")], commas=[8]) == [(4, 5)]
    # nor is it an aside when no comma closes it within the scope
    assert scopes_of(population, (2, 4), terminators=[(5, "though")], commas=[4, 30]) == [(4, 5)]


def test_a_fronted_qualifier_governs_the_whole_sentence():
    # "For some patients , ketamine ... (30 tokens) ... relieve depression ."
    population = cue("population", "forward", 5)
    assert scopes_of(population, (0, 3), sent=(0, 30), commas=[3]) == [(3, 30)]
    # not fronted (it starts later): max_scope applies
    assert scopes_of(population, (4, 7), sent=(0, 30), commas=[7]) == [(7, 12)]


def test_looking_back_a_scope_stops_at_a_comma():
    assert scopes_of(cue("population", "backward", 10), (12, 14), commas=[8]) == [(9, 12)]


def test_a_pseudo_cue_cancels_the_cue_it_overlaps():
    negation = cue("negation", "forward", 8)
    assert scopes_of(negation, (1, 2), pseudo=[(1, 3)]) == []  # "not only"
    assert scopes_of(negation, (1, 2), pseudo=[(5, 7)]) == [(2, 10)]


def test_governed_by_scope_and_category():
    scopes = [Scope("hedge", 1, 2, 2, 8)]
    assert governed(scopes, frozenset({"hedge"}), 5, 7)
    assert not governed(scopes, frozenset({"negation"}), 5, 7)
    assert not governed(scopes, frozenset({"hedge"}), 8, 10)


def test_a_negation_inside_the_claim_is_part_of_the_claim():
    # "has no side effects": the claim is [1, 4), the negation "no" is its token 1
    negation = [Scope("negation", 1, 2, 2, 10)]
    assert not governed(negation, frozenset({"negation"}), 1, 4)
    # a hedge inside the claim's words still qualifies it ("helps some people ...")
    hedge = [Scope("population", 1, 2, 2, 10)]
    assert governed(hedge, frozenset({"population"}), 1, 4)


# ---------------------------------------------------------------- end to end


def categories(linter, text: str) -> set[str]:
    return {f.category for f in linter.lint_text(text, "markdown", "doc") if f.scope == "sentence"}


# (category, claim that is flagged, the same claim neutralised by a cue of the kind)
NEUTRALISED = {
    "hedge": (UNQUALIFIED, "Ketamine relieves depression.", "Ketamine may relieve depression."),
    "hedge, wrapped": (
        UNQUALIFIED,
        "Ketamine relieves depression.",
        "Ketamine can help some patients with depression.",
    ),
    "evidence, forward": (
        UNQUALIFIED,
        "Ketamine relieves depression.",
        "Studies suggest ketamine relieves depression.",
    ),
    "evidence, backward": (
        UNQUALIFIED,
        "Ketamine relieves depression.",
        "Ketamine relieves depression in clinical studies.",
    ),
    "population, forward": (
        UNQUALIFIED,
        "Ketamine relieves depression.",
        "In some patients ketamine relieves depression.",
    ),
    "population, backward": (
        UNQUALIFIED,
        "Ketamine relieves depression.",
        "Ketamine relieves depression for some patients.",
    ),
    "negation, forward": (ABSOLUTE, "Ketamine is a cure for depression.", "Ketamine is not a cure for depression."),
    "negation, never": (ABSOLUTE, "Ketamine cures depression.", "Ketamine never cures depression."),
    "negation, backward": (ABSOLUTE, "Ketamine cures depression.", "That ketamine cures depression is not true."),
    "refutation, forward": (ABSOLUTE, "Ketamine cures depression.", "It is a myth that ketamine cures depression."),
    "refutation, backward": (ABSOLUTE, "Ketamine cures depression.", '"Ketamine cures depression" is a myth.'),
    "attribution": (ABSOLUTE, "Ketamine cures depression.", "Some clinics claim ketamine cures depression."),
    "attribution, ads": (
        ABSOLUTE,
        'Readers asked about ketamine ("Depression cured in one session!").',
        'Readers asked about the ketamine ads popping up on their feeds ("Depression cured in one session!").',
    ),
    "question": (ABSOLUTE, "Ketamine can cure depression.", "Can ketamine cure depression?"),
    "question answered no": (ABSOLUTE, "Ketamine can cure depression.", "Can ketamine cure depression? No."),
    "safety, hedged": (SAFETY, "Ketamine has no side effects.", "Ketamine may have no side effects."),
    "safety, refuted": (SAFETY, "Ketamine has no side effects.", "It is not true that ketamine has no side effects."),
}


@pytest.mark.parametrize("name", NEUTRALISED)
def test_each_cue_kind_neutralises_the_claims_it_should(linter, name):
    category, claim, qualified = NEUTRALISED[name]
    assert category in categories(linter, claim)
    assert category not in categories(linter, qualified)


def test_a_question_affirmed_by_yes_is_a_claim(linter):
    findings = [
        f for f in linter.lint_text("Can ketamine cure depression? Yes.", "markdown", "d") if f.category == ABSOLUTE
    ]
    assert len(findings) == 1
    assert findings[0].text == "Can ketamine cure depression? Yes."  # the claim is the question and its answer


def test_a_minimizer_is_no_risk_disclosure(linter):
    risks = "disclosure.risks"
    named = "Ketamine relieves depression. Its side effects include nausea and dizziness."
    minimised = "Ketamine relieves depression. It causes fewer side effects than SSRIs."
    assert risks not in {f.category for f in linter.lint_text(named, "markdown", "d")}
    assert risks in {f.category for f in linter.lint_text(minimised, "markdown", "d")}


# (category, a sentence where a cue stands on the wrong side or out of reach)
NOT_REACHED = {
    "forward cue after the claim": (ABSOLUTE, "Ketamine cures depression, not anxiety."),
    "forward hedge after the claim": (UNQUALIFIED, "Ketamine relieves depression and may ease anxiety."),
    "backward cue before the claim": (ABSOLUTE, "That SSRIs fail everyone is false and ketamine cures depression."),
    "beyond max_scope": (UNQUALIFIED, "Perhaps the oldest anesthetic in our hospital, ketamine relieves depression."),
    "after a terminator": (UNQUALIFIED, "Ketamine may be an anesthetic, but it relieves depression."),
    "after the comma closing a clause opened by a terminator": (
        UNQUALIFIED,
        "Although ketamine may cause dizziness, it relieves depression.",
    ),
    "pseudo-cue not only": (UNQUALIFIED, "Ketamine not only relieves depression but also eases anxiety."),
    "pseudo-cue no wonder": (ABSOLUTE, "No wonder ketamine cures depression."),
    "negation inside the claim": (SAFETY, "Ketamine has no side effects."),
}


@pytest.mark.parametrize("name", NOT_REACHED)
def test_a_cue_that_does_not_reach_the_claim_leaves_it_flagged(linter, name):
    category, text = NOT_REACHED[name]
    assert category in categories(linter, text)


# Controls for NOT_REACHED: the same cue within reach neutralises the claim.
REACHED = {
    "within max_scope": "Perhaps ketamine relieves depression.",
    "no terminator": "Ketamine may be an anesthetic and it relieves depression.",
    "no clause opener": "Ketamine may cause dizziness, it relieves depression.",
    "a real negation": "Ketamine does not relieve depression.",
}


@pytest.mark.parametrize("name", REACHED)
def test_the_same_cue_within_reach_neutralises(linter, name):
    assert UNQUALIFIED not in categories(linter, REACHED[name])


def test_a_fronted_qualifier_governs_beyond_its_max_scope(linter):
    text = (
        "For some patients, ketamine infusions given at our comfortable downtown clinic "
        "by our experienced and friendly nursing staff relieve depression."
    )
    words_between = len(text.split("patients,")[1].split("relieve")[0].split())
    assert words_between > linter.cues_by_id["population"].max_scope
    assert UNQUALIFIED not in categories(linter, text)
    assert UNQUALIFIED in categories(linter, text.replace("For some patients, ", ""))


def scopes_in(linter, text: str) -> list[tuple[str, str, str]]:
    """(category, cue words, governed words) for every scope in the text."""
    st = linter.analyse(read_prose("text", text))
    doc = st.doc
    return [
        (sc.category, doc[sc.cue_start : sc.cue_end].text, doc[sc.start : sc.end].text)
        for s in range(len(st.sent_bounds))
        for sc in st.scopes(s)
    ]


def test_the_aside_though_not_all_does_not_end_a_scope(linter):
    aside = scopes_in(linter, "Many patients, though not all, find that ketamine relieves depression.")
    assert any(c == "population" and cue == "many patients" and "relieves" in gov for c, cue, gov in aside)
    clause = scopes_in(linter, "Many patients feel calm though ketamine relieves depression.")
    assert not any(cue == "many patients" and "relieves" in gov for _, cue, gov in clause)
