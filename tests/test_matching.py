"""The anchored matcher finds exactly what spaCy's Matcher finds within a sentence.

linter/matching.py replaces spaCy's Matcher in the engine for speed; these tests
hold it to spaCy's own results: on the real rule set over corpus pages, and on
random patterns (every operator and attribute it handles, and some it hands
back to spaCy) over random token sequences.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from linter.matching import AnchoredMatcher
from linter.nlp import make_doc, pipeline
from linter.readers import read_prose
from linter.sources import kind_for

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def sentences(doc) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in doc.sents if not all(t.is_space for t in s)]


def reference(spacy_matcher, doc, bounds) -> list[tuple[int, int, int]]:
    """spaCy's matches that lie inside one of the sentences, as the engine keeps them."""
    inside = set()
    for key, start, end in spacy_matcher(doc):
        if any(a <= start and end <= b for a, b in bounds):
            inside.add((key, start, end))
    return sorted(inside, key=lambda m: (m[1], m[2], m[0]))


def corpus_docs(limit: int):
    pages = sorted(p for p in CORPUS.rglob("*") if kind_for(p.name) in ("markdown", "html", "text"))
    for page in random.Random(7).sample(pages, min(limit, len(pages))):
        prose = read_prose(kind_for(page.name), page.read_text(encoding="utf-8", errors="replace"))
        yield make_doc(prose.text, prose.block_starts)


def test_the_rule_set_matches_as_spacy_does(linter):
    matcher = linter.matcher
    assert isinstance(matcher, AnchoredMatcher)
    spacy_matcher = matcher.spacy_matcher()
    found = 0
    for doc in corpus_docs(8):
        bounds = sentences(doc)
        ours = matcher.matches(doc, bounds)
        assert ours == reference(spacy_matcher, doc, bounds)
        found += len(ours)
    assert found > 50  # the comparison saw real matches


WORDS = ["ketamine", "cures", "cure", "may", "not", "depression", "fast", ",", "the", "a", "is", "24", "hours"]
SPECS = [
    {"LOWER": "ketamine"},
    {"LEMMA": "cure"},
    {"LOWER": {"IN": ["may", "not"]}},
    {"LOWER": {"NOT_IN": ["the", "a"]}},
    {"ORTH": ","},
    {"TEXT": "24"},
    {"IS_ALPHA": True},
    {"LIKE_NUM": True},
    {"IS_PUNCT": False},
    {"LEMMA": "depression", "IS_ALPHA": True},
    {},
]
OPS = [None, None, None, "?", "?", "*", "+", "!"]


def random_pattern(rng: random.Random) -> list[dict]:
    pattern = []
    for _ in range(rng.randint(1, 4)):
        step = dict(rng.choice(SPECS))
        op = rng.choice(OPS)
        if op:
            step["OP"] = op
        pattern.append(step)
    return pattern


@pytest.mark.parametrize("seed", range(6))
def test_random_patterns_match_as_spacy_does(seed):
    from spacy.matcher import Matcher

    rng = random.Random(seed)
    nlp = pipeline()
    matcher = AnchoredMatcher(nlp.vocab)
    reference_matcher = Matcher(nlp.vocab)
    for k in range(40):
        patterns = [random_pattern(rng) for _ in range(rng.randint(1, 3))]
        try:
            reference_matcher.add(f"k{k}", patterns)
        except ValueError:
            continue  # a pattern spaCy refuses (e.g. one that can match nothing)
        matcher.add(f"k{k}", patterns)
    for _ in range(30):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
        doc = nlp(text)
        cut = rng.randint(0, len(doc))  # two "sentences", as the engine's bounds
        bounds = [b for b in ((0, cut), (cut, len(doc))) if b[0] < b[1]]
        assert matcher.matches(doc, bounds) == reference(reference_matcher, doc, bounds), text


def test_a_pattern_it_cannot_read_goes_to_spacy():
    nlp = pipeline()
    matcher = AnchoredMatcher(nlp.vocab)
    matcher.add("regex", [[{"LOWER": {"REGEX": "^cur"}}]])
    matcher.add("star", [[{"LOWER": "ketamine"}, {"OP": "*"}, {"LEMMA": "cure"}]])
    doc = nlp("ketamine really cures . curing")
    names = {(nlp.vocab.strings[k], s, e) for k, s, e in matcher.matches(doc, [(0, 4), (4, 5)])}
    assert names == {("regex", 2, 3), ("regex", 4, 5), ("star", 0, 3)}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("it has anti-suicidal effects", ["anti-suicidal", "suicidal"]),
        ("we keep anti-nausea medication on hand", []),  # not "anti" alone
        ("no side-effects at all", ["side-effects"]),
        ("one side-effect is nausea", ["side-effect"]),  # each token on its base form
        ("the side of the effects", []),
    ],
)
def test_a_word_the_tokenizer_splits_matches_whole_in_a_lemma_list(linter, text, found):
    """A rule may write a hyphenated word in a LEMMA list ({LEMMA: {IN: [suicidal,
    anti-suicidal]}}): it matches as its token sequence, each token on its lemma,
    never as the lemma of its first token."""
    from linter.rules import PatternCompiler

    alternatives = PatternCompiler(linter.nlp, linter.kb).pattern(
        [{"LEMMA": {"IN": ["suicidal", "anti-suicidal", "side-effects"]}}], lambda k, r: ValueError(r), "p"
    )
    matcher = AnchoredMatcher(linter.nlp.vocab)
    matcher.add("k", [list(a) for a in alternatives])
    doc = make_doc(text, [0])
    assert [doc[a:b].text for _, a, b in matcher.matches(doc, sentences(doc))] == found


def test_every_bundled_pattern_is_anchored(linter):
    """A pattern the anchored matcher cannot read ({n,m} or "!" operators) goes to spaCy's
    Matcher, which tries it at every token of every document: the bundled rules write
    "{0,2}" as two "?" steps and "!" as NOT_IN, so none does."""
    linter.lint_text("Warm up.", "markdown", "-")
    assert not linter.matcher._fallback
