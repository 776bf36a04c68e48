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
    _attach_closers(doc)
    return doc


_OPENERS = {"(", "[", "“", "‘", "«"}
_QUOTES = {'"', "'"}


def _attach_closers(doc) -> None:
    """The sentencizer ends a sentence after the punctuation that follows a full
    stop, so an opening quote or bracket ('It works. "No side effects."') is left
    at the end of the sentence before. Move such boundaries back to the opener."""
    from spacy.attrs import SENT_START

    n = len(doc)
    if n < 2:
        return
    arr = doc.to_array([SENT_START])
    starts = [int(k) for k in (arr == 1).nonzero()[0]] if arr.ndim == 1 else [int(k) for k in (arr[:, 0] == 1).nonzero()[0]]
    prev = 0
    for j in starts[1:]:
        start_of_this, prev = prev, j
        k = j - 1
        while k > start_of_this and doc[k].is_punct and doc[k].text not in (".", "!", "?", "...", "…"):
            k -= 1
        if k == j - 1:
            continue
        quotes = sum(1 for t in doc[start_of_this : k + 1] if t.text in _QUOTES)
        for m in range(k + 1, j):
            t = doc[m].text
            if t in _QUOTES:
                if quotes % 2 == 0:
                    doc[m].is_sent_start = True
                    doc[j].is_sent_start = False
                    prev = m
                    break
                quotes += 1
            elif t in _OPENERS:
                doc[m].is_sent_start = True
                doc[j].is_sent_start = False
                prev = m
                break
