"""The spaCy pipeline: blank English, sentencizer, lookup lemmatizer; built once per process."""

from __future__ import annotations

from functools import cache, lru_cache
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
    """Tokenise ``text``, force a sentence start at each block start, run the pipes.

    The sentencizer's and our own steps read and write token columns as arrays
    (one ``to_array`` per document): a ``Token`` object per token, as spaCy's
    sentencizer makes in its loop, cost more than tokenising the text.
    """
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH, SENT_START

    nlp = pipeline()
    doc = nlp.make_doc(text)
    n = len(doc)
    if not n:
        return doc
    orth = doc.to_array(ORTH)  # hashes: unsigned 64-bit
    cols = doc.to_array([IDX, IS_SPACE, IS_PUNCT, SENT_START]).astype("int64")
    space, punct, starts = cols[:, 1], cols[:, 2], cols[:, 3]
    if block_starts:
        offsets = cols[:, 0]
        # the first token at or after each block start, in one search: searched block by
        # block, the column was copied every time (quadratic in long documents)
        firsts = np.searchsorted(offsets, np.asarray(block_starts, dtype=offsets.dtype))
        # ... skipping whitespace tokens: the next token that is not one
        solid = np.flatnonzero(space == 0)
        at = np.searchsorted(solid, firsts[firsts < n])
        starts[solid[at[at < len(solid)]]] = 1
    starts = _sentencize(orth, punct, starts, tuple(sorted(nlp.get_pipe("sentencizer").punct_chars)))
    _attach_closers(orth, punct, starts)
    _cap_sentences(starts)
    doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))
    for name, proc in nlp.pipeline:
        if name != "sentencizer":
            doc = proc(doc)
    return doc


@cache
def _hashes(texts: tuple[str, ...]):
    """The sorted string hashes of ``texts`` (the same in every StringStore), computed once."""
    import numpy as np
    from spacy.strings import get_string_id

    return np.unique(np.asarray([get_string_id(t) for t in texts], dtype="uint64"))


def member(column, values):
    """Which entries of a uint64 ``column`` are among the sorted ``values``: one binary
    search per entry (numpy.isin sorts the column with the values every time)."""
    import numpy as np

    if not len(values):
        return np.zeros(len(column), dtype=bool)
    at = np.searchsorted(values, column)
    return values[np.minimum(at, len(values) - 1)] == column


def _sentencize(orth, punct, starts, punct_chars: tuple[str, ...]):
    """spaCy's sentencizer, on columns: a sentence starts at the first token after
    a sentence-final mark that is neither punctuation nor such a mark; a start
    already set (a block's) is kept, every other token is marked not a start.
    tests/test_sentences.py checks it against spaCy's own on the corpus."""
    import numpy as np

    enders = member(orth, _hashes(punct_chars))
    ordinary = np.flatnonzero((punct == 0) & ~enders)
    after = np.searchsorted(ordinary, np.flatnonzero(enders), side="right")
    guess = np.zeros(len(orth), dtype=bool)
    guess[0] = True
    guess[ordinary[after[after < len(ordinary)]]] = True
    return np.where(starts == 0, np.where(guess, 1, -1), starts)


MAX_SENTENCE = 1000  # tokens


def _cap_sentences(starts) -> None:
    """Cut a "sentence" of more than MAX_SENTENCE tokens (a list or a dump with no
    full stops) into pieces of that length: qualifier scoping and quotation checks
    look across a whole sentence per match, so one sentence of 100,000 tokens took
    minutes."""
    bounds = [int(k) for k in (starts == 1).nonzero()[0]] + [len(starts)]
    for a, b in pairwise(bounds):
        if b - a > MAX_SENTENCE:
            starts[a + MAX_SENTENCE : b : MAX_SENTENCE] = 1


_OPENERS = ("(", "[", "“", "‘", "«", "¿", "¡")
_QUOTES = ('"', "'")
_FINAL = (".", "!", "?", "...", "…")


def _attach_closers(orth, punct, starts) -> None:
    """The sentencizer ends a sentence after the punctuation that follows a full
    stop, so an opening quote or bracket ('It works. "No side effects."') is left
    at the end of the sentence before. Move such boundaries back to the opener."""
    import numpy as np

    n = len(orth)
    if n < 2:
        return
    quote = member(orth, _hashes(_QUOTES))
    opener = member(orth, _hashes(_OPENERS))
    final = member(orth, _hashes(_FINAL))
    trailing = (punct != 0) & ~final  # punctuation that may close the sentence before
    quotes_upto = np.concatenate(([0], np.cumsum(quote)))  # quotes in [0, k) = quotes_upto[k]
    prev = 0
    for j in (starts == 1).nonzero()[0].tolist()[1:]:
        start_of_this, prev = prev, j
        k = j - 1
        while k > start_of_this and trailing[k]:
            k -= 1
        if k == j - 1:
            continue
        quotes = int(quotes_upto[k + 1] - quotes_upto[start_of_this])
        for m in range(k + 1, j):
            if quote[m]:
                if quotes % 2 == 0:
                    starts[m], starts[j] = 1, -1
                    prev = m
                    break
                quotes += 1
            elif opener[m]:
                starts[m], starts[j] = 1, -1
                prev = m
                break
