"""Sentence boundaries: linter/nlp.py computes spaCy's sentencizer on token columns
(a Token object per token cost more than tokenising), keeps the start of every
block, and moves a boundary back to an opening quote or bracket. Rules never match
across a sentence, so any difference from spaCy's sentencizer would change findings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from spacy.attrs import SENT_START

from linter.nlp import _OPENERS, _QUOTES, make_doc, pipeline
from linter.readers import read_prose
from linter.sources import kind_for

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _pages():
    return sorted(p for p in CORPUS.rglob("*") if kind_for(p.name) in ("markdown", "html", "text"))


def _spacy_sentences(text: str) -> list[tuple[int, int]]:
    """spaCy's own sentencizer over the same tokens (block starts aside)."""
    nlp = pipeline()
    doc = nlp.make_doc(text)
    return [(s.start, s.end) for s in nlp.get_pipe("sentencizer")(doc).sents]


@pytest.mark.parametrize(
    "text",
    [
        "Ketamine works. It is fast! Is it safe? Ask us.",
        "It works... fast.\n\nMore text.",
        "Dr. Lee said so. Really?! Then more.",
        "A list: one; two; three",
        "No punctuation at all",
        "?!. Trailing marks",
        "Ends here.",
    ],
)
def test_same_sentences_as_spacys_sentencizer(text):
    assert [(s.start, s.end) for s in make_doc(text, []).sents] == _spacy_sentences(text)


def test_corpus_sentences_agree_with_spacy_where_no_block_or_quote_moves_them():
    """On every corpus page without block starts forced, each boundary spaCy's sentencizer
    sets is ours too, but for those moved back to an opening quote or bracket; and each
    boundary of ours that spaCy's has not is such an opener."""
    compared = 0
    for page in _pages():
        prose = read_prose(kind_for(page.name), page.read_text(encoding="utf-8", errors="replace"))
        ours = {s.start for s in make_doc(prose.text, []).sents}
        theirs = {a for a, _ in _spacy_sentences(prose.text)}
        doc = pipeline().make_doc(prose.text)
        for start in theirs - ours:  # moved back: an opener stands just before
            moved_to = range(max(0, start - 3), start)
            assert any(doc[k].text in (*_QUOTES, *_OPENERS) for k in moved_to), (page.name, start)
        for start in ours - theirs:  # ... and the boundary it moved to is the opener itself
            assert doc[start].text in (*_QUOTES, *_OPENERS), (page.name, start)
        compared += 1
    assert compared > 100


def test_block_starts_are_kept_and_skip_whitespace():
    text = "First block has no stop\n\n  second block"
    doc = make_doc(text, [0, text.index("  second")])
    starts = [s.start for s in doc.sents]
    assert [doc[i].text for i in starts] == ["First", "second"]
    assert np.all(doc.to_array([SENT_START]).reshape(-1)[1:] != 0)  # every token is decided


def test_a_quote_opening_the_next_sentence_belongs_to_it():
    doc = make_doc('It works. "No side effects." Then (more).', [0])
    assert [s.text for s in doc.sents] == ["It works.", '"No side effects."', "Then (more)."]


def test_an_inverted_question_mark_opens_the_next_sentence():
    """A Spanish line after an English question: its "¿" is not the end of the
    question, which would then not read as a question."""
    doc = make_doc("Tired of pills that never worked?\n¿Cansado de pastillas?", [0])
    assert [s.text.strip() for s in doc.sents] == ["Tired of pills that never worked?", "¿Cansado de pastillas?"]
