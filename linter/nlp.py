"""The spaCy pipeline: blank English, sentencizer, lookup lemmatizer; built once per process."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def pipeline():
    """``spacy.blank("en")`` with the sentencizer and the lookup lemmatizer.

    Deterministic, installable from the package index, no model download.
    spaCy is imported here, not at module import, so that commands which do not
    lint (``--help``, ``rules``) start fast.
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def make_doc(text: str, block_starts: list[int]):
    """Tokenise ``text``, force a sentence start at each block start, run the pipes."""
    nlp = pipeline()
    doc = nlp.make_doc(text)
    if block_starts and len(doc):
        i = 0
        n = len(doc)
        for start in block_starts:
            while i < n and doc[i].idx < start:
                i += 1
            while i < n and doc[i].is_space:
                i += 1
            if i < n:
                doc[i].is_sent_start = True
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
