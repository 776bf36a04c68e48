"""The spaCy pipeline: blank English, sentencizer, lookup lemmatizer; built once per process."""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise


@lru_cache(maxsize=1)
def pipeline():
    """``spacy.blank("en")`` with the sentencizer and the lookup lemmatizer.

    Deterministic, installable from the package index, no model download.
    spaCy is imported here, not at module import, so that commands which do not
    lint (``--help``, ``rules``) start fast.
    """
    import spacy
    from spacy.language import Language

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    if not Language.has_factory(_LEMMATIZER):
        Language.component(_LEMMATIZER, func=_lemmatize)
    nlp.add_pipe(_LEMMATIZER)
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


_LEMMATIZER = "claimlint_lookup_lemmatizer"
_SMALL_DOC = 32


# Entries of the English lookup table that are wrong for copy like ours: "does" is
# the verb, not the plural of "doe"; "as" is not "a".
_CORRECTIONS = {"does": "do", "as": "as"}


class _LookupLemmas:
    """spaCy's lookup lemmatizer (``mode: lookup``, the English table of
    spacy-lookups-data), done per distinct word rather than per token.

    spaCy's own sets ``token.lemma_`` token by token in Python and hashes all
    41,582 entries of the table when the pipeline is built; this one reads the
    table as it is stored, looks each word of a document up once (and
    remembers it), and writes the lemmas in one array. The lemma of a word is
    the same: the table's entry for its exact text, else the text itself.
    """

    def __init__(self) -> None:
        self._table: dict[str, str] | None = None
        self._strings = None
        self._memo: dict[int, int] = {}  # ORTH hash -> LEMMA hash

    def table(self) -> dict[str, str]:
        if self._table is None:
            from spacy.util import load_language_data, registry

            self._table = {**load_language_data(registry.lookups.get("en")["lemma_lookup"]), **_CORRECTIONS}
        return self._table

    def __call__(self, doc):
        import numpy as np
        from spacy.attrs import LEMMA, ORTH

        if not len(doc):
            return doc
        strings = doc.vocab.strings
        if strings is not self._strings:
            self._strings, self._memo = strings, {}
        memo, table = self._memo, self.table()

        def lemma_of(orth: int) -> int:
            lemma = memo.get(orth)
            if lemma is None:
                text = strings[orth]
                lemma = memo[orth] = strings.add(table.get(text, text))
            return lemma

        if len(doc) < _SMALL_DOC:  # a phrase of a rule: arrays cost more than they save
            for token in doc:
                token.lemma = lemma_of(token.orth)
            return doc
        words, where = np.unique(doc.to_array(ORTH), return_inverse=True)
        lemmas = [lemma_of(orth) for orth in words.tolist()]
        doc.from_array([LEMMA], np.asarray(lemmas, dtype="uint64")[where].reshape(-1, 1))
        return doc


_lemmatize = _LookupLemmas()


def make_doc(text: str, block_starts: list[int]):
    """Tokenise ``text``, force a sentence start at each block start, run the pipes."""
    nlp = pipeline()
    doc = nlp.make_doc(text)
    if block_starts and len(doc):
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE

        starts = _sent_starts(doc)
        cols = doc.to_array([IDX, IS_SPACE])
        offsets, space = cols[:, 0], cols[:, 1].tolist()
        # the first token at or after each block start, in one search: searched block by
        # block, the column was copied every time (quadratic in long documents)
        firsts = np.searchsorted(offsets, np.asarray(block_starts, dtype=offsets.dtype)).tolist()
        i = 0
        n = len(doc)
        for first in firsts:
            i = max(i, first)
            while i < n and space[i]:
                i += 1
            if i < n:
                starts[i] = 1
        _set_sent_starts(doc, starts)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    _attach_closers(doc)
    _cap_sentences(doc)
    return doc


MAX_SENTENCE = 1000  # tokens


def _cap_sentences(doc) -> None:
    """Cut a "sentence" of more than MAX_SENTENCE tokens (a list or a dump with no
    full stops) into pieces of that length: qualifier scoping and quotation checks
    look across a whole sentence per match, so one sentence of 100,000 tokens took
    minutes."""
    starts = _sent_starts(doc)
    bounds = [int(k) for k in (starts == 1).nonzero()[0]] + [len(doc)]
    long = [(a, b) for a, b in pairwise(bounds) if b - a > MAX_SENTENCE]
    if not long:
        return
    for a, b in long:
        starts[a + MAX_SENTENCE : b : MAX_SENTENCE] = 1
    _set_sent_starts(doc, starts)


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
