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

from dataclasses import dataclass, replace

from linter.nlp import member

# Attributes compared by value: the Doc.to_array column of each (TEXT is ORTH).
_STRING_ATTRS = {"LEMMA": "LEMMA", "LOWER": "LOWER", "ORTH": "ORTH", "TEXT": "ORTH", "NORM": "NORM"}
_FLAG_ATTRS = (
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
    "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL",
)
# A stop word or a punctuation mark is taken to occur in nearly every sentence: a poor anchor.
_STOP_COST = 50

# A word that many patterns need is taken to be a common word of the domain
# ("ketamine"): each pattern that needs it adds this much to its cost.
_POPULARITY = 0.1
_SMALL_GROUP = 8  # a group this small is tried pattern by pattern

_EQ, _IN, _NOT_IN = 0, 1, 2


@dataclass(frozen=True)
class _Step:
    """One token of a pattern: tests on attribute columns, all of which must hold."""

    optional: bool
    tests: tuple[tuple[int, int, object], ...]  # (column, _EQ/_IN/_NOT_IN, hash or frozenset of hashes)


@dataclass(frozen=True)
class _Pattern:
    key: int
    steps: tuple[_Step, ...]
    fixed: bool  # every step takes exactly one token
    step_needs: tuple[tuple[int, int], ...]  # (need, step) for each mandatory step's value test
    anchor: int = -1  # index of the step that is looked up (chosen by _plan)
    anchor_need: int = -1  # the need that step meets
    needs: tuple[int, ...] = ()  # what the other mandatory steps need in the sentence


@dataclass(frozen=True)
class _Group:
    """Patterns anchored on one value that share a gate need (-1: none)."""

    id: int
    gate: int
    rest: tuple[_Pattern, ...]  # tried in every sentence that meets the gate
    by_value: tuple[tuple[int, dict[int, tuple[_Pattern, ...]]], ...]  # (column, value -> patterns)
    single: tuple[int, ...] = ()  # keys of one-token patterns that test only the anchor: each anchor token matches


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
        self._need_words: list[tuple[tuple[int, str], ...]] = []  # (value, word) of each need
        self._need_cost: list[float] = []
        self._step_memo: dict[tuple, tuple[_Step, int | None] | None] = {}
        self._step_by_id: dict[int, tuple[dict, tuple[_Step, int | None] | None]] = {}
        self._added: dict[str, list[list[dict]]] = {}  # every pattern, by key, as given
        self._fallback: dict[str, list[list[dict]]] = {}
        self._spacy = None
        self._stop: frozenset[str] | None = None
        # column -> value hash -> groups of patterns anchored there, built on first use
        self._index: dict[int, dict[int, list[_Group]]] | None = None
        self._keys: dict[int, object] = {}  # column -> its anchor values, as an array

    # ------------------------------------------------------------ building

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        h = self.vocab.strings.add(key)
        self._added.setdefault(key, []).extend(patterns)
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

    def _need(self, col: int, words: list[str]) -> int:
        strings = self.vocab.strings
        words = sorted(set(words))
        key = (col, frozenset(strings.add(w) for w in words))
        if key not in self._need_ids:
            self._need_ids[key] = len(self._needs)
            self._needs.append(key)
            self._need_words.append(tuple(sorted((strings.add(w), w) for w in words)))
        return self._need_ids[key]

    def _compile(self, key: int, pattern: list[dict]) -> _Pattern | None:
        """The pattern in our form, or None where only spaCy's Matcher knows what it means."""
        steps: list[_Step] = []
        needs: list[tuple[int, int]] = []  # (need, step)
        for i, spec in enumerate(pattern):
            compiled = self._step(spec)
            if compiled is None:
                return None
            step, need = compiled
            steps.append(step)
            if need is not None:
                needs.append((need, i))
        if not needs:
            return None
        return _Pattern(key, tuple(steps), not any(st.optional for st in steps), tuple(needs))

    def _step(self, spec) -> tuple[_Step, int | None] | None:
        """A step and the need it sets, remembered: the alternatives expanded from one
        rule pattern repeat most of their steps."""
        if not isinstance(spec, dict):
            return None
        same = self._step_by_id.get(id(spec))
        if same is not None and same[0] is spec:  # the very dict, shared by alternatives
            return same[1]
        memo_key = tuple((k, v if isinstance(v, (str, bool, int)) else repr(v)) for k, v in spec.items())
        if memo_key not in self._step_memo:
            self._step_memo[memo_key] = self._new_step(spec)
        result = self._step_memo[memo_key]
        self._step_by_id[id(spec)] = (spec, result)
        return result

    def _new_step(self, spec: dict) -> tuple[_Step, int | None] | None:
        strings = self.vocab.strings
        op = spec.get("OP")
        if op not in (None, "?"):
            return None
        tests: list[tuple[int, int, object]] = []
        need = None
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
                kind, words = "IN", [value]
                tests.append((col, _EQ, strings.add(value)))
            elif isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
                (kind, words), = value.items()
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    return None
                tests.append((col, _IN if kind == "IN" else _NOT_IN, frozenset(strings.add(w) for w in words)))
            else:
                return None
            if op is None and kind == "IN":
                candidate = self._need(col, words)
                if need is None or len(self._needs[candidate][1]) < len(self._needs[need][1]):
                    need = candidate
        return _Step(op == "?", tuple(tests)), need

    def _anchored(self, p: _Pattern, cost: list[float]) -> _Pattern:
        """``p`` with its anchor: the mandatory step whose values look rarest."""
        anchor_need, anchor = min(p.step_needs, key=lambda n: (cost[n[0]], n[1]))
        others = sorted({n for n, _ in p.step_needs} - {anchor_need}, key=lambda n: (cost[n], n))
        return replace(p, anchor=anchor, anchor_need=anchor_need, needs=tuple(others))

    def _costs(self) -> list[float]:
        """How often each need is expected to be met, without word frequencies to go
        by: a stop word or punctuation is in every sentence, and a word that many
        patterns need is a common word of the domain ("ketamine", "depression")."""
        if self._stop is None:
            from spacy.lang.en.stop_words import STOP_WORDS

            self._stop = frozenset(STOP_WORDS)
        popularity: dict[tuple[int, int], int] = {}
        for p in self._patterns:
            for n in {n for n, _ in p.step_needs}:
                col, values = self._needs[n]
                for v in values:
                    popularity[(col, v)] = popularity.get((col, v), 0) + 1
        costs = []
        for (col, _), words in zip(self._needs, self._need_words):
            cost = 0.0
            for v, w in words:
                base = _STOP_COST if w in self._stop or not w.isalnum() else 1
                cost += base * (1 + _POPULARITY * popularity.get((col, v), 0))
            costs.append(cost or _STOP_COST)
        return costs

    def _plan(self) -> dict[int, dict[int, list[_Group]]]:
        """The anchor index: column -> value -> groups of the patterns anchored there.

        Patterns anchored on one value are grouped by a *gate*, the need most of
        them share (alternatives expanded from one knowledge-base step share all
        their other steps), so that one look-up spares the whole group. A large
        group is also indexed by each pattern's most selective other need, so
        that a sentence finds its candidates by its own words, not by trying
        every alternative.
        """
        self._need_cost = self._costs()
        by_value: dict[tuple[int, int], list[_Pattern]] = {}
        for p in (self._anchored(p, self._need_cost) for p in self._patterns):
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
        single = tuple(p.key for p in members if len(p.steps) == 1 and len(p.steps[0].tests) == 1 and not p.needs)
        members = [p for p in members if not (len(p.steps) == 1 and len(p.steps[0].tests) == 1 and not p.needs)]
        if len(members) <= _SMALL_GROUP:
            return _Group(gid, gate, tuple(members), (), single)
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
        return _Group(gid, gate, tuple(rest), by_value, single)

    # ------------------------------------------------------------ matching

    def matches(self, doc, bounds: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        if not len(doc) or not bounds:
            return []
        out: set[tuple[int, int, int]] = set()
        if self._patterns:
            if self._index is None:
                self._index = self._plan()
                self._keys = _keys(self._index)
            _Search(self, doc, bounds).run(self._index, self._keys, out)
        if self._fallback:
            self._spacy_matches(doc, bounds, out)
        return sorted(out, key=lambda m: (m[1], m[2], m[0]))

    def spacy_matcher(self):
        """spaCy's Matcher with the same patterns: the reference this one must agree with."""
        return self._spacy_for(self._added)

    def _array(self, doc):
        """The token attributes the patterns test, one column each (n tokens x columns)."""
        from spacy import attrs

        return doc.to_array([getattr(attrs, name) for name in self._columns]).reshape(len(doc), -1)

    def _spacy_matches(self, doc, bounds: list[tuple[int, int]], out: set) -> None:
        from bisect import bisect_right

        if self._spacy is None:
            self._spacy = self._spacy_for(self._fallback)
        starts = [a for a, _ in bounds]
        for key, start, end in self._spacy(doc):
            s = bisect_right(starts, start) - 1
            if s >= 0 and end <= bounds[s][1]:
                out.add((key, start, end))

    def _spacy_for(self, patterns: dict[str, list[list[dict]]]):
        from spacy.matcher import Matcher

        matcher = Matcher(self.vocab)
        for key, pats in patterns.items():
            matcher.add(key, pats)
        return matcher


class _Search:
    """One document's search, sentence by sentence. The tokens that carry an anchor
    value are found with one array look-up per column; in each sentence that has
    some, each group anchored there is narrowed to its candidates once, and those
    are tried at each of the group's anchor tokens. Token values become Python
    objects one sentence at a time, so a huge document costs no more memory per
    token than a small one."""

    def __init__(self, matcher: AnchoredMatcher, doc, bounds: list[tuple[int, int]]) -> None:
        self.needs = matcher._needs
        self.bounds = bounds
        self.array = matcher._array(doc)

    def run(self, index: dict[int, dict[int, list[_Group]]], keys: dict[int, object], out: set) -> None:
        import numpy as np

        found = [(np.flatnonzero(member(self.array[:, col], values)), col) for col, values in keys.items()]
        positions = np.concatenate([p for p, _ in found])
        columns = np.concatenate([np.full(len(p), col) for p, col in found])
        order = np.argsort(positions, kind="stable")
        positions, columns = positions[order], columns[order]
        starts = np.fromiter((a for a, _ in self.bounds), dtype="int64", count=len(self.bounds))
        ends = np.fromiter((b for _, b in self.bounds), dtype="int64", count=len(self.bounds))
        sentence = np.searchsorted(starts, positions, side="right") - 1
        inside = (sentence >= 0) & (positions < ends[np.maximum(sentence, 0)])
        positions, columns, sentence = positions[inside], columns[inside], sentence[inside]
        values = self.array[positions, columns]
        cut = np.flatnonzero(np.diff(sentence)) + 1
        for lo, hi in zip([0, *cut.tolist()], [*cut.tolist(), len(sentence)]):
            if lo == hi:
                continue
            s = int(sentence[lo])
            a = self.bounds[s][0]
            at: dict[tuple[int, int], list[int]] = {}
            for i, col, value in zip(positions[lo:hi].tolist(), columns[lo:hi].tolist(), values[lo:hi].tolist()):
                at.setdefault((col, value), []).append(i - a)
            self.sentence_matches(s, at, index, out)

    def sentence_matches(self, s: int, at: dict[tuple[int, int], list[int]], index, out: set) -> None:
        """The matches in sentence ``s``, whose anchor tokens (sentence offsets) are ``at``."""
        needs = self.needs
        a, b = self.bounds[s]
        cols = self.array[a:b].T.tolist()
        n = b - a
        words: dict[int, set[int]] = {}  # column -> the sentence's values
        met: dict[int, bool] = {}

        def has(col: int) -> set[int]:
            w = words.get(col)
            if w is None:
                w = words[col] = set(cols[col])
            return w

        def meets(need: int) -> bool:
            ok = met.get(need)
            if ok is None:
                col, values = needs[need]
                ok = met[need] = not values.isdisjoint(has(col))
            return ok

        for (col, value), where in at.items():
            for g in index[col][value]:
                for key in g.single:
                    out.update((key, a + i, a + i + 1) for i in where)
                gate = g.gate
                if gate >= 0:
                    ok = met.get(gate)
                    if ok is None:
                        ok = meets(gate)
                    if not ok:
                        continue
                for p in _candidates(g, met, meets, has):
                    for i in where:
                        _match(p, cols, i, n, a, out)


def _candidates(g: _Group, met: dict[int, bool], meets, has) -> list[_Pattern]:
    """The patterns of a group (whose gate the sentence meets) that it may hold.
    (A plain loop with the answers looked up first: this runs for every group at
    every anchor, and all() over a generator cost a third of the matching.)"""
    get = met.get

    def holds(p: _Pattern) -> bool:
        for n in p.needs:
            ok = get(n)
            if ok is None:
                ok = meets(n)
            if not ok:
                return False
        return True

    found = [p for p in g.rest if holds(p)]
    seen: set[int] = set()
    for col, table in g.by_value:
        for v in has(col):
            for p in table.get(v, ()):
                if id(p) not in seen and holds(p):
                    seen.add(id(p))
                    found.append(p)
    return found


def _keys(index: dict[int, dict[int, list[_Group]]]) -> dict[int, object]:
    """The anchor values of each column, as sorted arrays for nlp.member."""
    import numpy as np

    return {col: np.fromiter(sorted(table), dtype="uint64", count=len(table)) for col, table in index.items()}


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


def _match(p: _Pattern, cols: list[list[int]], i: int, n: int, base: int, out: set) -> None:
    """Every match of ``p`` whose anchor step takes token ``i`` of a sentence of ``n``
    tokens (``cols`` are its columns); the document's offsets are the sentence's plus ``base``."""
    steps, k = p.steps, p.anchor
    if p.fixed:  # no optional step: one place to look
        start = i - k
        end = start + len(steps)
        if start < 0 or end > n:
            return
        for j, step in enumerate(steps, start):
            if not _holds(step, cols, j):
                return
        out.add((p.key, base + start, base + end))
        return
    if not _holds(steps[k], cols, i):
        return
    starts = {i}
    for step in reversed(steps[:k]):
        nxt = {t for t in starts if step.optional}
        nxt.update(t - 1 for t in starts if t >= 1 and _holds(step, cols, t - 1))
        if not nxt:
            return
        starts = nxt
    ends = {i + 1}
    for step in steps[k + 1 :]:
        nxt = {t for t in ends if step.optional}
        nxt.update(t + 1 for t in ends if t < n and _holds(step, cols, t))
        if not nxt:
            return
        ends = nxt
    key = p.key
    for s in starts:
        for e in ends:
            if s < e:
                out.add((key, base + s, base + e))
