"""Token-pattern matching, anchored on the words a pattern cannot do without.

spaCy's Matcher starts every pattern at every token: its cost is tokens x
patterns, and with the knowledge base expanded into thousands of alternative
patterns it took nine tenths of a run. Most of our patterns have a step that
must match a token of a known spelling (``{LEMMA: cure}``, ``{LOWER: {IN: [better,
safer]}}``): their *anchor*. Here a pattern is tried only where its anchor
occurs, by stepping outwards from that token within its sentence, so the cost
follows the text and the matches, not the size of the rule set.

The result is exactly the spaCy Matcher's, restricted to single sentences (the
engine keeps nothing else): the set of (key, start, end) whose tokens match the
pattern, each once. Patterns use spaCy's token-pattern syntax; this module
handles the subset our rules use (string attributes by value, IN and NOT_IN,
boolean flags, the ``?`` operator) and hands any other pattern to spaCy's own
Matcher, so every valid pattern still matches as spaCy defines it.
tests/test_matching.py checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# Attributes compared by value: the Doc.to_array column of each (TEXT is ORTH).
_STRING_ATTRS = {"LEMMA": "LEMMA", "LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH", "NORM": "NORM"}
_FLAG_ATTRS = (
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
    "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL",
)
# A stop word or a punctuation mark is taken to occur in nearly every sentence: a poor anchor.
_STOP_COST = 50

_EQ, _IN, _NOT_IN = 0, 1, 2
_SMALL_GROUP = 8  # a group this small is tried pattern by pattern


@dataclass(frozen=True)
class _Step:
    """One token of a pattern: tests on attribute columns, all of which must hold."""

    optional: bool
    tests: tuple[tuple[int, int, object], ...]  # (column, _EQ/_IN/_NOT_IN, hash or frozenset of hashes)


@dataclass(frozen=True)
class _Pattern:
    key: int
    steps: tuple[_Step, ...]
    anchor: int  # index of the step that is looked up
    anchor_need: int  # the need that step meets
    needs: tuple[int, ...]  # what the other mandatory steps need in the sentence


@dataclass(frozen=True)
class _Group:
    """Patterns anchored on one value that share a gate need (-1: none)."""

    id: int
    gate: int
    rest: tuple[_Pattern, ...]  # tried in every sentence that meets the gate
    by_value: tuple[tuple[int, dict[int, tuple[_Pattern, ...]]], ...]  # (column, value -> patterns)


class AnchoredMatcher:
    """``add(key, patterns)`` as with spaCy's Matcher; ``matches(doc, bounds)`` gives every
    (key hash, start, end) that spaCy's Matcher finds within one of the sentences
    ``bounds`` (sorted, non-overlapping token ranges), sorted and without repeats.

    A *need* is a (column, values) pair: a mandatory step's test that a token of
    the sentence must pass for the pattern to match there. A pattern is tried
    at each token that meets its anchor's need, and only in a sentence that
    meets all its other needs (each known per sentence once asked).
    """

    def __init__(self, vocab) -> None:
        self.vocab = vocab
        self._columns: list[str] = []  # attribute names, in Doc.to_array order
        self._patterns: list[_Pattern] = []
        self._need_ids: dict[tuple[int, frozenset[int]], int] = {}
        self._needs: list[tuple[int, frozenset[int]]] = []
        self._need_cost: list[int] = []
        self._fallback: dict[str, list[list[dict]]] = {}
        self._spacy = None
        self._stop: frozenset[str] | None = None
        # column -> value hash -> groups of patterns anchored there, built on first use
        self._index: dict[int, dict[int, list[_Group]]] | None = None

    # ------------------------------------------------------------ building

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        h = self.vocab.strings.add(key)
        for p in patterns:
            compiled = self._compile(h, p)
            if compiled is None:
                self._fallback.setdefault(key, []).append(p)
                self._spacy = None
            else:
                self._patterns.append(compiled)
        self._index = None

    def _column(self, attr: str) -> int:
        if attr not in self._columns:
            self._columns.append(attr)
        return self._columns.index(attr)

    def _need(self, col: int, values: frozenset[int], words) -> int:
        key = (col, values)
        if key not in self._need_ids:
            if self._stop is None:
                from spacy.lang.en.stop_words import STOP_WORDS

                self._stop = frozenset(STOP_WORDS)
            self._need_ids[key] = len(self._needs)
            self._needs.append(key)
            self._need_cost.append(sum(_STOP_COST if w in self._stop or not w.isalnum() else 1 for w in words) or _STOP_COST)
        return self._need_ids[key]

    def _compile(self, key: int, pattern: list[dict]) -> _Pattern | None:
        """The pattern in our form, or None where only spaCy's Matcher knows what it means."""
        strings = self.vocab.strings
        steps: list[_Step] = []
        needs: list[tuple[int, int]] = []  # (need, step)
        for i, spec in enumerate(pattern):
            if not isinstance(spec, dict) or spec.get("OP") not in (None, "?"):
                return None
            tests: list[tuple[int, int, object]] = []
            for attr, value in spec.items():
                if attr == "OP":
                    continue
                if attr in _FLAG_ATTRS and isinstance(value, bool):
                    tests.append((self._column(attr), _EQ, int(value)))
                    continue
                if attr not in _STRING_ATTRS:
                    return None
                col = self._column(_STRING_ATTRS[attr])
                if isinstance(value, str):
                    op, words = "IN", [value]
                    tests.append((col, _EQ, strings.add(value)))
                elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
                    (op, words), = value.items()
                    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                        return None
                    tests.append((col, _IN if op == "IN" else _NOT_IN, frozenset(strings.add(w) for w in words)))
                else:
                    return None
                if spec.get("OP") is None and op == "IN":
                    needs.append((self._need(col, frozenset(strings.add(w) for w in words), words), i))
            steps.append(_Step(spec.get("OP") == "?", tuple(tests)))
        if not needs:
            return None
        anchor_need, anchor = min(needs, key=lambda n: (self._need_cost[n[0]], n[1]))
        others = sorted({n for n, _ in needs} - {anchor_need}, key=lambda n: (self._need_cost[n], n))
        return _Pattern(key, tuple(steps), anchor, anchor_need, tuple(others))

    def _plan(self) -> dict[int, dict[int, list[_Group]]]:
        """The anchor index: column -> value -> groups of the patterns anchored there.

        Patterns anchored on one value are grouped by a *gate*, the need most of
        them share (alternatives expanded from one knowledge-base step share all
        their other steps), so that one look-up spares the whole group. A large
        group is also indexed by each pattern's most selective other need, so
        that a sentence finds its candidates by its own words, not by trying
        every alternative.
        """
        by_value: dict[tuple[int, int], list[_Pattern]] = {}
        for p in self._patterns:
            col, values = self._needs[p.anchor_need]
            for v in sorted(values):
                by_value.setdefault((col, v), []).append(p)
        index: dict[int, dict[int, list[_Group]]] = {}
        n_groups = 0
        for (col, v), pats in by_value.items():
            shared: dict[int, int] = {}
            for p in pats:
                for n in p.needs:
                    shared[n] = shared.get(n, 0) + 1
            by_gate: dict[int, list[_Pattern]] = {}
            for p in pats:
                gate = max(p.needs, key=lambda n: (shared[n], -self._need_cost[n], -n)) if p.needs else -1
                by_gate.setdefault(gate, []).append(p)
            groups = []
            for gate, members in sorted(by_gate.items()):
                groups.append(self._group(n_groups, gate, members))
                n_groups += 1
            index.setdefault(col, {})[v] = groups
        return index

    def _group(self, gid: int, gate: int, members: list[_Pattern]) -> _Group:
        if len(members) <= _SMALL_GROUP:
            return _Group(gid, gate, tuple(members), ())
        rest: list[_Pattern] = []
        sub: dict[int, dict[int, list[_Pattern]]] = {}
        for p in members:
            others = [n for n in p.needs if n != gate]
            if not others:
                rest.append(p)
                continue
            key = min(others, key=lambda n: (self._need_cost[n], n))
            col, values = self._needs[key]
            for v in values:
                sub.setdefault(col, {}).setdefault(v, []).append(p)
        by_value = tuple((col, {v: tuple(ps) for v, ps in table.items()}) for col, table in sorted(sub.items()))
        return _Group(gid, gate, tuple(rest), by_value)

    # ------------------------------------------------------------ matching

    def matches(self, doc, bounds: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        n = len(doc)
        if not n or not bounds:
            return []
        sentence = [-1] * n  # token -> index into bounds, -1 outside every sentence
        for s, (a, b) in enumerate(bounds):
            sentence[a:b] = [s] * (b - a)
        out: set[tuple[int, int, int]] = set()
        if self._patterns:
            if self._index is None:
                self._index = self._plan()
            _Search(self, doc, bounds).run(self._index, out)
        if self._fallback:
            self._spacy_matches(doc, bounds, sentence, out)
        return sorted(out, key=lambda m: (m[1], m[2], m[0]))

    def _arrays(self, doc) -> list[list[int]]:
        from spacy import attrs

        ids = [getattr(attrs, name) for name in self._columns]
        return doc.to_array(ids).T.tolist() if len(ids) > 1 else [doc.to_array(ids).tolist()]

    def _spacy_matches(self, doc, bounds, sentence: list[int], out: set) -> None:
        if self._spacy is None:
            from spacy.matcher import Matcher

            self._spacy = Matcher(self.vocab)
            for key, pats in self._fallback.items():
                self._spacy.add(key, pats)
        for key, start, end in self._spacy(doc):
            s = sentence[start]
            if s >= 0 and end <= bounds[s][1]:
                out.add((key, start, end))


class _Search:
    """One document's search, sentence by sentence: each group of patterns is
    narrowed to its candidates once per sentence, then tried at each of the
    sentence's tokens that carry its anchor value."""

    def __init__(self, matcher: AnchoredMatcher, doc, bounds: list[tuple[int, int]]) -> None:
        self.needs = matcher._needs
        self.bounds = bounds
        self.cols = matcher._arrays(doc)

    def run(self, index: dict[int, dict[int, list[_Group]]], out: set) -> None:
        cols, needs = self.cols, self.needs
        for a, b in self.bounds:
            words = [set(c[a:b]) for c in cols]  # the sentence's values, per column
            met: dict[int, bool] = {}

            def meets(need: int) -> bool:
                ok = met.get(need)
                if ok is None:
                    col, values = needs[need]
                    ok = met[need] = not values.isdisjoint(words[col])
                return ok

            for col, table in index.items():
                column = cols[col]
                anchors: dict[int, list[int]] = {}
                for i in range(a, b):
                    if column[i] in table:
                        anchors.setdefault(column[i], []).append(i)
                for value, where in anchors.items():
                    for g in table[value]:
                        for p in _candidates(g, meets, words):
                            for i in where:
                                _match(p, cols, i, a, b, out)


def _candidates(g: _Group, meets, words: list[set[int]]) -> list[_Pattern]:
    """The patterns of a group whose every need the sentence meets."""
    if g.gate >= 0 and not meets(g.gate):
        return []
    found = [p for p in g.rest if all(meets(n) for n in p.needs)]
    seen: set[int] = set()
    for col, table in g.by_value:
        for v in words[col]:
            for p in table.get(v, ()):
                if id(p) not in seen and all(meets(n) for n in p.needs):
                    seen.add(id(p))
                    found.append(p)
    return found


def _holds(step: _Step, cols: list[list[int]], t: int) -> bool:
    for col, kind, operand in step.tests:
        v = cols[col][t]
        if kind == _EQ:
            if v != operand:
                return False
        elif kind == _IN:
            if v not in operand:
                return False
        elif v in operand:
            return False
    return True


def _match(p: _Pattern, cols: list[list[int]], i: int, a: int, b: int, out: set) -> None:
    """Every match of ``p`` whose anchor step takes token ``i``, within [a, b)."""
    steps, k = p.steps, p.anchor
    if not _holds(steps[k], cols, i):
        return
    starts = {i}
    for step in reversed(steps[:k]):
        nxt = {t for t in starts if step.optional}
        nxt.update(t - 1 for t in starts if t - 1 >= a and _holds(step, cols, t - 1))
        if not nxt:
            return
        starts = nxt
    ends = {i + 1}
    for step in steps[k + 1 :]:
        nxt = {t for t in ends if step.optional}
        nxt.update(t + 1 for t in ends if t < b and _holds(step, cols, t))
        if not nxt:
            return
        ends = nxt
    key = p.key
    for s in starts:
        for e in ends:
            if s < e:
                out.add((key, s, e))
