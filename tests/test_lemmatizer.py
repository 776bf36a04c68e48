"""claimlint's lemmatizer gives the lemmas of spaCy's lookup lemmatizer, word for word,
but for the few table entries it corrects (linter/nlp.py _CORRECTIONS: "does" is not
the plural of "doe").

linter/nlp.py replaces spaCy's ``lemmatizer`` (mode ``lookup``) with one that
looks each distinct word up once; rules match on LEMMA, so any difference
would change findings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.nlp import _CORRECTIONS, make_doc, pipeline
from linter.readers import read_prose
from linter.sources import kind_for

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def spacy_lookup():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def test_documents_get_spacys_lemmas(spacy_lookup):
    pages = sorted(p for p in CORPUS.rglob("*") if kind_for(p.name) in ("markdown", "html", "text"))[:40]
    compared = 0
    for page in pages:
        prose = read_prose(kind_for(page.name), page.read_text(encoding="utf-8", errors="replace"))
        doc = make_doc(prose.text, prose.block_starts)
        expected = spacy_lookup(prose.text)
        assert [t.text for t in doc] == [t.text for t in expected]
        want = [_CORRECTIONS.get(t.text, t.lemma_) for t in expected]
        assert [t.lemma_ for t in doc] == want, page.name
        compared += len(doc)
    assert compared > 5000


@pytest.mark.parametrize(
    "phrase",
    ["cures", "was cured", "major depressive disorders", "feels better", "Spravato", "studies suggest", "", "  "],
)
def test_short_phrases_get_spacys_lemmas(spacy_lookup, phrase):
    assert [t.lemma_ for t in pipeline()(phrase)] == [t.lemma_ for t in spacy_lookup(phrase)]


def test_the_corrections_hold(spacy_lookup):
    doc = make_doc("does it work as well as they say", [])
    assert [t.lemma_ for t in doc][:1] == ["do"] and doc[3].lemma_ == "as"
    assert spacy_lookup("does")[0].lemma_ == "doe"  # the table's entry, which we correct
