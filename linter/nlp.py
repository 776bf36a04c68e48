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
    # spaCy's 1,000,000-character limit guards the parser and NER, which this
    # pipeline has not; the size of a file is bounded by sources.MAX_BYTES.
    nlp.max_length = 2**31 - 1
    return nlp


def _sent_starts(doc):
    """The SENT_START column (1 start, -1 not a start, 0 unknown) as signed integers.

    Sentence starts are read and written as one array: ``Token.is_sent_start = ...``
    scans the whole Doc on every assignment, which made long documents quadratic.
    """
    from spacy.attrs import SENT_START

    return doc.to_array(SENT_START).astype("int64")


def _set_sent_starts(doc, starts) -> None:
    from spacy.attrs import SENT_START

    doc.from_array([SENT_START], starts.astype("uint64"))


def make_doc(text: str, block_starts: list[int]):
    """Tokenise ``text``, force a sentence start at each block start, run the pipes."""
    nlp = pipeline()
    doc = nlp.make_doc(text)
    if block_starts and len(doc):
        starts = _sent_starts(doc)
        i = 0
        n = len(doc)
        for start in block_starts:
            while i < n and doc[i].idx < start:
                i += 1
            while i < n and doc[i].is_space:
                i += 1
            if i < n:
                starts[i] = 1
        _set_sent_starts(doc, starts)
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
    n = len(doc)
    if n < 2:
        return
    arr = _sent_starts(doc)
    starts = [int(k) for k in (arr == 1).nonzero()[0]]
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
                    arr[m], arr[j] = 1, -1
                    prev = m
                    break
                quotes += 1
            elif t in _OPENERS:
                arr[m], arr[j] = 1, -1
                prev = m
                break
    _set_sent_starts(doc, arr)
