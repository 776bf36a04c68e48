"""The engine: from a document's text to its findings.

file -> reader (prose + offset map) -> spaCy Doc -> one Matcher pass for every
rule, cue and terminator -> qualifier scoping -> claim, approval and
requirement rules -> findings at original positions.

Nothing here knows any particular rule: rules, cues and facts are YAML.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from linter.context import Qualifiers, Scope, governed, sentence_scopes
from linter.disclosure import trigger_drug
from linter.findings import Finding, Span
from linter.knowledge import ENTITY_TYPES, KnowledgeBase, Mention, Verdict
from linter.prose import LineIndex, Outline, Prose
from linter.readers import read_prose
from linter.rewrite import Claim, Rewriter
from linter.rules import DOCUMENT, Clause, Condition, PatternCompiler, Rule, RuleSet, load_rules, rule_files
from linter.sections import CONTEXT_CHARS, SECTION_CHARS, Section, sections
from linter.suppressions import apply_suppressions

RULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rules")
if not os.path.isfile(os.path.join(RULES_DIR, "knowledge.yaml")):  # installed: rules/ ships inside the package
    RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# Verbs that link a subject to its FDA status: "Spravato is (the only) FDA-approved ...".
_TOPIC_NOUNS = {"use", "uses", "indication", "status", "label", "labeling", "labelling", "process", "vs", "versus"}
_LINK = {"be", "have", "get", "receive", "gain", "win", "earn", "hold", "remain", "become"}


def default_rules_dir() -> str:
    return RULES_DIR


@dataclass(frozen=True)
class DocFacts:
    """What the whole document names, for the rules that look beyond a sentence: the
    drug it names most (first named on a tie) and every entity it names. A document
    linted in sections gathers them from all its sections before any rule runs."""

    main_drug: str | None = None
    main_offset: int = -1  # original offset of that drug's first mention
    named: frozenset[tuple[str, str]] = frozenset()
    conditions: tuple[str, ...] = ()  # the conditions named, in the order first named
    drug_counts: tuple[tuple[str, int], ...] = ()  # how often each drug is named, in the order first named

    @classmethod
    def gather(cls, mentions: Iterable[tuple[int, Mention]]) -> DocFacts:
        """From (original offset, mention) pairs in document order, read once."""
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        named: set[tuple[str, str]] = set()
        conditions: dict[str, None] = {}
        for offset, m in mentions:
            named.add((m.type, m.id))
            if m.type == "drug":
                counts[m.id] = counts.get(m.id, 0) + 1
                first.setdefault(m.id, offset)
            elif m.type == "condition":
                conditions.setdefault(m.id)
        if not counts:
            return cls(named=frozenset(named), conditions=tuple(conditions))
        main = max(counts, key=counts.__getitem__)  # the first on a tie: dicts keep their order
        return cls(main, first[main], frozenset(named), tuple(conditions), tuple(counts.items()))


@dataclass
class _DocState:
    """Everything computed once per document (or section) and shared by all rules."""

    doc: object
    prose: Prose
    sent_bounds: list[tuple[int, int]]
    sent_starts: list[int]
    mentions: list[list[Mention]]
    matches: dict[str, list[tuple[int, int]]]
    cue_matches: list[list[tuple[str, int, int]]]
    terminators: list[list[tuple[int, str]]]
    pseudo: list[list[tuple[int, int]]]
    commas: list[list[int]]
    affirm_starts: set[int]
    cues_by_id: dict
    subordinators: frozenset = frozenset()
    facts: DocFacts | None = None
    # The sentences this state reports on: all, or a section's own (its window
    # reaches into its neighbours only so that rules see the same context).
    own: range = range(0)
    refuted_before: bool = False  # a section before this one refutes something
    whole: bool = True  # the state is the whole document, not one section's window
    absolutes: list[tuple[int, int]] = field(default_factory=list)  # "completely", "100%"
    deny_starts: set[int] = field(default_factory=set)  # "No.", "Not at all."
    _scopes: dict[int, list[Scope]] = field(default_factory=dict)
    # Answers that hold for the whole document, computed once: asked per match, they
    # would make long documents quadratic.
    _whole: dict = field(default_factory=dict)

    def orig(self, token: int) -> int:
        """The original offset of a token."""
        return self.prose.orig_start(self.doc[token].idx)

    def mention_offsets(self) -> list[tuple[int, Mention]]:
        """The mentions of this state's own sentences, with their original offsets."""
        return [(self.orig(m.start), m) for s in self.own for m in self.mentions[s]]

    def refutes(self) -> bool:
        """Whether one of the state's own sentences refutes something."""
        return any(self.introduces_rebuttal(s) for s in self.own)

    def introduces_rebuttal(self, s: int) -> bool:
        """A sentence of the page's own voice that refutes ("Be wary of sites that
        say ..."); a refutation inside a quotation ('"I was skeptical."') is the
        speaker's, and introduces nothing."""
        a, b = self.sent_bounds[s]
        return any(sc.category == "refutation" for sc in self.scopes(s)) and not self.quotes_before(a, b)

    def main_drug(self) -> Mention | None:
        """The drug a document names most (first named on a tie): its first mention,
        or where that lies outside this section, a mention of it with no position."""
        if "main_drug" not in self._whole:
            f = self.facts
            found = None
            if f.main_drug is not None:
                found = next(
                    (m for ms in self.mentions for m in ms if m.type == "drug" and self.orig(m.start) == f.main_offset),
                    Mention(-1, -1, "drug", f.main_drug),
                )
            self._whole["main_drug"] = found
        return self._whole["main_drug"]

    def sent_of(self, token: int) -> int:
        return bisect_right(self.sent_starts, token) - 1

    def scopes(self, s: int) -> list[Scope]:
        if s not in self._scopes:
            a, b = self.sent_bounds[s]
            self._scopes[s] = sentence_scopes(
                self.cues_by_id,
                self.cue_matches[s],
                self.terminators[s],
                self.pseudo[s],
                a,
                b,
                self.commas[s],
                self.subordinators,
            )
        return self._scopes[s]

    def _ends_with_question(self, s: int) -> bool:
        key = ("question", s)
        if key not in self._whole:
            self._whole[key] = self._question_end(s)
        return self._whole[key]

    def quotes_before(self, a: int, b: int) -> int:
        """How many '"' tokens lie in ``[a, b)``."""
        if "quotes" not in self._whole:  # one array pass: a Token object per token is slow
            import numpy as np
            from spacy.attrs import ORTH

            orth = self.doc.to_array([ORTH]).reshape(-1)
            self._whole["quotes"] = np.flatnonzero(orth == self.doc.vocab.strings['"']).tolist()
        q = self._whole["quotes"]
        return bisect_left(q, b) - bisect_left(q, a)

    def _question_end(self, s: int) -> bool:
        a, b = self.sent_bounds[s]
        doc = self.doc
        k = b - 1
        while k >= a and (doc[k].is_space or doc[k].text in ('"', "'", ")", "*")):
            k -= 1
        return k >= a and doc[k].text == "?"

    def affirmed(self, s: int) -> bool:
        """A question whose answer, the next sentence, opens with "Yes" (or the like)."""
        if not self._ends_with_question(s) or s + 1 >= len(self.sent_bounds):
            return False
        a, b = self.sent_bounds[s + 1]
        # "Yes." / "Absolutely." / "Our patients say yes!": within the answer's first words
        return any(a <= i < min(b, a + 5) for i in self.affirm_starts)

    def denied(self, s: int) -> bool:
        """A question whose answer, the next sentence, opens with "No" (or the like)."""
        if not self._ends_with_question(s) or s + 1 >= len(self.sent_bounds):
            return False
        a, b = self.sent_bounds[s + 1]
        return any(a <= i < min(b, a + 3) for i in self.deny_starts)

    def answered(self, s: int, clause: Clause) -> bool:
        """A question the next sentence answers so that it claims: affirmed, or, for a
        clause that asks for it (``asked: denied``), denied."""
        return self.affirmed(s) or (clause.asked == "denied" and self.denied(s))

    def bare_answer(self, s: int) -> bool:
        """A sentence that is only an affirmation or a denial ("Yes.", "Absolutely!", "No.")."""
        if s >= len(self.sent_bounds):
            return False
        a, b = self.sent_bounds[s]
        words = [t for t in self.doc[a:b] if not t.is_punct and not t.is_space]
        return len(words) <= 3 and any(a <= i < b for i in (*self.affirm_starts, *self.deny_starts))

    def is_question(self, s: int) -> bool:
        """A question asserts nothing, unless the next sentence affirms it."""
        return self._ends_with_question(s) and not self.affirmed(s)


@dataclass
class _Requirement:
    """A requirement rule's evidence, gathered over a document's sections."""

    rule: Rule
    first: Finding | None = None  # at the document's first trigger
    subject: set[str] = field(default_factory=set)  # the drugs the triggers name
    # the drugs named where a satisfying statement stands (empty: it satisfies whatever the subject)
    satisfiers: list[frozenset[str]] = field(default_factory=list)
    # (original offset, drug) of each trigger that is about a drug: whom the disclosure names
    about: list[tuple[int, str]] = field(default_factory=list)

    def satisfied(self) -> bool:
        """A statement satisfies the rule unless it names only drugs the triggers don't."""
        return any(not drugs or not self.subject or drugs & self.subject for drugs in self.satisfiers)


class Linter:
    """Rules, knowledge base and qualifiers, compiled once; then ``lint`` per document."""

    def __init__(self, rule_paths: list[str] | None = None, extra_rule_paths: list[str] | None = None) -> None:
        from linter.matching import AnchoredMatcher
        from linter.nlp import pipeline

        knowledge, qualifiers, rules = self.files(rule_paths, extra_rule_paths)
        self.nlp = pipeline()
        self.kb = KnowledgeBase.load(knowledge)
        self.kb.build_matcher(self.nlp)
        compiler = PatternCompiler(self.nlp, self.kb)
        self.qualifiers = Qualifiers.load(qualifiers, compiler)
        self.ruleset: RuleSet = load_rules(rules, compiler)
        self.matcher = AnchoredMatcher(self.nlp.vocab)
        for rule in self.ruleset.rules:
            self._register(f"rule:{rule.id}:m", rule.match)
            for i, clause in enumerate(rule.triggers[1:], 1):
                self._register(f"rule:{rule.id}:t{i}", clause)
            for i, clause in enumerate(rule.satisfied_by):
                self._register(f"rule:{rule.id}:s{i}", clause)
        self.qualifiers.register(self.matcher)
        self._order = {r.id: i for i, r in enumerate(self.ruleset.rules)}
        self.cues_by_id = {c.id: c for c in self.qualifiers.cues}
        self.rewriter = Rewriter(self.kb)
        # documents longer than this are linted a section at a time (linter/sections.py)
        self.section_chars, self.context_chars = SECTION_CHARS, CONTEXT_CHARS

    @classmethod
    def files(cls, rule_paths: list[str] | None, extra_rule_paths: list[str] | None) -> tuple[str, str, list[str]]:
        """The files a Linter built with these arguments loads: its knowledge base, its
        qualifiers and its rule files (the cache's key hashes the same ones)."""
        base = list(rule_paths or [RULES_DIR])
        rules = rule_files(base + list(extra_rule_paths or []))
        return cls._find(base, "knowledge.yaml"), cls._find(base, "qualifiers.yaml"), rules

    @staticmethod
    def _find(paths: list[str], name: str) -> str:
        for p in paths:
            cand = os.path.join(p, name) if os.path.isdir(p) else None
            if cand and os.path.isfile(cand):
                return cand
        return os.path.join(RULES_DIR, name)

    def _register(self, key: str, clause: Clause | None) -> None:
        if clause is None:
            return
        self.matcher.add(key, [list(p) for alts in clause.patterns for p in alts])
        if clause.unless:
            self.matcher.add(key + "u", [list(p) for alts in clause.unless for p in alts])
        if clause.with_:
            self.matcher.add(key + "w", [list(p) for alts in clause.with_ for p in alts])
        if clause.except_:
            self.matcher.add(key + "x", [list(p) for alts in clause.except_ for p in alts])

    @property
    def rules(self) -> list[Rule]:
        return self.ruleset.rules

    # ------------------------------------------------------------ analysis

    def analyse(self, prose: Prose, facts: DocFacts | None = None, own: tuple[int, int] | None = None) -> _DocState:
        """The state of a document; or of a section's window, given the whole
        document's ``facts`` and the original offsets ``own`` of its own text."""
        from linter.nlp import make_doc

        doc = make_doc(prose.text, prose.block_starts)
        # Whitespace between blocks is not a sentence of its own.
        bounds = [(s.start, s.end) for s in doc.sents if not all(t.is_space for t in s)]
        starts = [b[0] for b in bounds]
        n = len(bounds)
        state = _DocState(
            doc, prose, bounds, starts, [[] for _ in range(n)], {}, [[] for _ in range(n)],
            [[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], set(), self.cues_by_id,
            self.qualifiers.subordinators,
        )
        state.own, state.whole = range(n), own is None
        if not n:
            state.facts = facts or DocFacts()
            return state
        if own is not None:
            firsts = [prose.orig_start(doc[a].idx) for a in starts]
            state.own = range(bisect_left(firsts, own[0]), bisect_left(firsts, own[1]))
        for m in self.kb.mentions(doc):
            state.mentions[state.sent_of(m.start)].append(m)
        strings = self.nlp.vocab.strings
        for key, start, end in self.matcher.matches(doc, bounds):
            name = strings[key]
            s = state.sent_of(start)
            if end > bounds[s][1]:
                continue  # never across a sentence boundary
            if name.startswith("rule:"):
                state.matches.setdefault(name, []).append((start, end))
            elif name.startswith("cue:"):
                state.cue_matches[s].append((name[4:], start, end))
            elif name == "term:":
                state.terminators[s].append((start, doc[start].text))
            elif name == "pseudo:":
                state.pseudo[s].append((start, end))
            elif name == "affirm:":
                state.affirm_starts.add(start)
            elif name == "absolute:":
                state.absolutes.append((start, end))
            elif name == "deny:":
                state.deny_starts.add(start)
            elif name == "comma:":
                state.commas[s].append(start)
        for ts in state.terminators:
            ts.sort()
        for cs in state.commas:
            cs.sort()
        state.facts = facts or DocFacts.gather(state.mention_offsets())
        return state

    # ------------------------------------------------------------ clauses

    def _condition(self, st: _DocState, cond: Condition, s: int) -> bool:
        if cond.main or cond.window == DOCUMENT:  # the same for every sentence
            key = id(cond)  # the rules outlive the document; hashing a Condition per call was slow
            if key not in st._whole:
                st._whole[key] = self._condition_at(st, cond, s)
            return st._whole[key]
        return self._condition_at(st, cond, s)

    def _condition_at(self, st: _DocState, cond: Condition, s: int) -> bool:
        if cond.main:
            main = st.main_drug()
            ok = main is not None and any(
                r.partition(":")[0] == "drug" and r.partition(":")[2] in ("", main.id) for r in cond.kb
            )
            return not ok if cond.absent else ok
        if cond.window == DOCUMENT:
            named = st.facts.named
        else:
            named = {(m.type, m.id) for k in range(max(0, s - cond.window), s + 1) for m in st.mentions[k]}
        ids = set()
        for typ, ident in named:
            for ref in cond.kb:
                rtyp, _, rid = ref.partition(":")
                if typ == rtyp and (not rid or ident == rid):
                    ids.add((typ, ident))
        ok = len(ids) >= cond.distinct
        return not ok if cond.absent else ok

    def hits(self, st: _DocState, key: str, clause: Clause, per_sentence: bool = True) -> list[tuple[int, int, int]]:
        """Valid matches of a clause: (sentence, start, end), by default one per sentence."""
        out: list[tuple[int, int, int]] = []
        seen: set[int] = set()
        unless = {st.sent_of(a) for a, _ in st.matches.get(key + "u", [])}
        with_ = {st.sent_of(a) for a, _ in st.matches.get(key + "w", [])}
        excepted: dict[int, list[tuple[int, int]]] = {}  # by sentence: a match never crosses one
        for xa, xb in st.matches.get(key + "x", []):
            excepted.setdefault(st.sent_of(xa), []).append((xa, xb))
        last_end = -1
        for start, end in sorted(st.matches.get(key, []), key=lambda m: (m[0], -m[1])):
            s = st.sent_of(start)
            if (per_sentence and s in seen) or s in unless or (clause.with_ and s not in with_):
                continue
            if not per_sentence and start < last_end:
                continue  # overlapping alternatives of one statement
            if any(xa < end and start < xb for xa, xb in excepted.get(s, ())):
                continue
            last_end = end
            if not all(self._condition(st, c, s) for c in clause.requires):
                continue
            if clause.asked == "denied" and not st.denied(s):
                continue  # the question alone asserts nothing; answered "No", it claims the opposite
            if clause.neutralized_by:
                neutral = clause.neutralized_by
                if "hedge" in neutral and any(start <= a and b <= end for a, b in st.absolutes):
                    # "completely safe when given by our doctors", "usually permanent":
                    # a hedge does not make an absolute claim a fair one
                    neutral = neutral - {"hedge"}
                if governed(st.scopes(s), neutral, start, end):
                    continue
                if "question" in clause.neutralized_by and st.is_question(s) and not clause.asked:
                    continue
                if "refutation" in clause.neutralized_by and self._quoted_and_rejected(st, s, start):
                    continue
            seen.add(s)
            out.append((s, start, end))
        return out

    def _quoted_and_rejected(self, st: _DocState, s: int, start: int) -> bool:
        """A claim inside quotation marks that the page rejects: a negation or
        refutation in the next sentence ("'Cures depression.' Ketamine is not a cure."),
        or a refutation cue shortly before ("Be wary of sites that say: ...").
        An approving quotation, with no such context, stays a claim."""
        a, b = st.sent_bounds[s]
        doc = st.doc
        if st.quotes_before(a, start) % 2 == 0:
            return False
        # A rebuttal in the next sentence answers a quotation that stands alone ('"Cures
        # depression." Ketamine is not a cure.'), not a testimonial that goes on.
        # skip a list number or a label ("4.", "Myth:") before the quotation
        first = next(
            (i for i in range(a, b) if (not doc[i].is_punct and not doc[i].like_num) or doc[i].text == '"'), a
        )
        if doc[first].text != '"' and first + 1 < b and doc[first + 1].text == ":":
            first = next((i for i in range(first + 2, b) if not doc[i].is_punct or doc[i].text == '"'), first)
        standalone = doc[first].text == '"' and st.quotes_before(a, b) % 2 == 0
        if standalone and s + 1 < len(st.sent_bounds):
            if any(sc.category in ("negation", "refutation") for sc in st.scopes(s + 1)):
                return True
        # A refutation before: the intro of a list of quoted claims ("Be wary of any
        # website that says ...", "Five myths about ketamine") governs the whole list.
        if standalone and st.refuted_before:
            return True
        for k in range(0 if standalone else max(0, s - 3), s):
            if st.introduces_rebuttal(k):
                return True
        return False

    # ------------------------------------------------------------ rules

    def _approval(self, st: _DocState, s: int, start: int, end: int, cues: list[int]) -> Verdict | None:
        """What an FDA-status statement claims, read off its clause, judged by the KB.

        The clause runs between terminators (a clause opened by one, "Though ketamine
        is FDA-approved as an anesthetic, ...", ends at its comma) and stops at the
        next approval statement or at a new drug after the subject, so that "A is
        approved for X, and B is approved for Y" is read as two claims.
        """
        doc = st.doc
        a, b = st.sent_bounds[s]
        seg_a, seg_b = a, b
        opened = False
        for t, text in st.terminators[s]:
            if t < start:
                seg_a, opened = t + 1, text in st.subordinators
            elif t >= end:
                seg_b = t
                break
        if opened:
            seg_b = min([c for c in st.commas[s] if end <= c < seg_b] + [seg_b])
        seg_b = min([c for c in cues if c > start] + [seg_b])
        if any(doc[i].lower_ in ("than", "unlike", "other") for i in range(max(a, start - 2), start)):
            return None  # "safer than FDA-approved medications": the comparator, not a claim
        if end < b and doc[end].lemma_ in _TOPIC_NOUNS:
            return None  # "FDA-approved uses", "FDA-approval status": a topic, not a claim
        drugs = [m for m in st.mentions[s] if m.type == "drug" and seg_a <= m.start < seg_b]
        if not drugs:  # "Esketamine: FDA-approved for TRD": the subject stands before the clause
            drugs = [m for m in st.mentions[s] if m.type == "drug" and m.start < start][-1:]
        in_row = any(text == ";" for _, text in st.terminators[s])
        if not drugs and in_row:
            return None  # a table cell: its drug is the column header, which we cannot read
        if any(doc[i].lower_ == "only" for i in range(max(a, start - 2), start)):
            # "the only FDA-approved ketamine-based medicine is Spravato": the subject follows "is"
            later = [m for m in drugs if m.start > end and any(doc[i].lemma_ == "be" for i in range(end, m.start))]
            if later:
                drugs = later[:1]
        drug = None
        before = [m for m in drugs if m.start < start]
        linked = before and any(doc[i].lemma_ in _LINK for i in range(before[0].end, start))
        after = [m for m in drugs if end <= m.start <= end + 4]
        if before and linked:
            drug = before[0]
        elif after:
            drug = after[0]
        elif before:
            drug = before[-1]
        elif drugs:
            drug = drugs[0]
        else:  # "Our treatments are FDA-approved ...": the drug the page is about
            for k in range(s - 1, max(-1, s - 4), -1):
                prev = [m for m in st.mentions[k] if m.type == "drug"]
                if prev:
                    drug = prev[0]
                    break
            else:
                drug = st.main_drug()
        subject_end = drug.end if drug is not None and drug.start >= end and drug in drugs else end
        nxt = [m.start for m in drugs if m.start >= subject_end and (drug is None or m.id != drug.id)]
        if nxt:
            seg_b = min(seg_b, nxt[0])
        in_seg = [m for m in st.mentions[s] if seg_a <= m.start < seg_b]
        # "approved as an anesthetic, not for depression": a condition denied is not claimed
        conditions = [
            m.id
            for m in in_seg
            if m.type == "condition" and not any(doc[i].lemma_ in ("not", "never", "nor") for i in range(max(a, m.start - 2), m.start))
        ]
        if not conditions and drug is not None:
            # "approved by the FDA since 1970, but only as an anesthetic": the approved
            # use named anywhere in the sentence answers a bare approval statement
            approved = {ap.condition for d in self.kb.class_members(drug.id) for ap in d.approved_for}
            if any(m.type == "condition" and m.id in approved for m in st.mentions[s]):
                return None
        forms = [m.id for m in in_seg if m.type == "form"]
        settings = [m.id for m in in_seg if m.type == "setting"]
        lexicons = {m.type for m in st.mentions[s] if m.type not in ENTITY_TYPES}
        if drug is not None and drug in st.mentions[s] and not conditions:
            approved = {ap.condition for d in self.kb.class_members(drug.id) for ap in d.approved_for}
            if any(typ == "condition" and ident not in approved for typ, ident in st.facts.named):
                lexicons.add("unapproved-condition")
        cleared = any(doc[i].lemma_ in ("clear", "cleared", "clearance") for i in range(start, end))
        if cleared and drug is not None and drug not in st.mentions[s]:
            drug = None  # "FDA-cleared devices": a clearance claim is judged on what the sentence names
        return self.kb.approval_problem(drug.id if drug else None, conditions, forms, settings, lexicons, cleared)

    def findings(self, st: _DocState, path: str, text: str, lines: LineIndex) -> list[Finding]:
        """The findings of a document analysed whole."""
        return self._collect([st], st.facts, path, text, lines)

    def _collect(
        self, states: Iterable[_DocState], facts: DocFacts, path: str, text: str, lines: LineIndex
    ) -> list[Finding]:
        """The findings of a document from the states of its sections (one, or a window
        per section, in order): each one's sentence findings, and the requirements
        gathered over all of them."""
        requirements = [_Requirement(rule) for rule in self.ruleset.rules if rule.kind == "requirement"]
        out: list[Finding] = []
        for st in states:
            out += self.sentence_findings(st, path, text, lines)
            for req in requirements:
                self._gather(st, req, path, text, lines)
        out += self._reported(requirements, facts)
        out.sort(key=Finding.sort_key)
        return out

    def _gather(self, st: _DocState, req: _Requirement, path: str, text: str, lines: LineIndex) -> None:
        """What a section contributes to a requirement: its triggers (the first one of
        the document becomes the finding) and the statements that would satisfy it."""
        rule = req.rule
        by_clause = [
            (clause, [h for h in self.hits(st, f"rule:{rule.id}:m" if i == 0 else f"rule:{rule.id}:t{i}", clause) if h[0] in st.own])
            for i, clause in enumerate(rule.triggers)
        ]
        triggers = sorted(h for _, hs in by_clause for h in hs)
        if not triggers and st.whole:
            return  # a whole document without a trigger: what would satisfy it does not matter
        # drugs compared by family: a page promoting "antidepressants" that names the
        # risks of "SSRIs" names its subject's risks
        family = self.kb.family
        req.subject.update(family(m.id) for s, _, _ in triggers for m in st.mentions[s] if m.type == "drug")
        if req.first is None and triggers:
            req.first = self._finding(st, path, text, lines, rule, *triggers[0], rule.message)
        if rule.disclosure is not None:
            req.about += self._trigger_drugs(st, by_clause)
        for i, clause in enumerate(rule.satisfied_by):
            for s, _, _ in self.hits(st, f"rule:{rule.id}:s{i}", clause):
                if s in st.own:
                    drugs = frozenset(family(m.id) for m in st.mentions[s] if m.type == "drug")
                    req.satisfiers.append(drugs if clause.same_subject else frozenset())

    def sentence_findings(self, st: _DocState, path: str, text: str, lines: LineIndex) -> list[Finding]:
        """The claim and approval findings of the state's own sentences."""
        raw: list[tuple[Rule, int, int, int, str, str | None]] = []
        for rule in self.ruleset.rules:
            key = f"rule:{rule.id}:m"
            if rule.kind == "claim":
                for s, a, b in self.hits(st, key, rule.match):
                    raw.append((rule, s, a, b, rule.message, None))
            elif rule.kind == "approval":
                done = set()
                hits = self.hits(st, key, rule.match, per_sentence=False)
                for s, a, b in hits:
                    if s in done:
                        continue
                    verdict = self._approval(st, s, a, b, [h[1] for h in hits if h[0] == s])
                    if verdict:
                        done.add(s)
                        raw.append((rule, s, a, b, f"{rule.message} ({verdict.text})", verdict))
        # One finding per sentence and category; a rule's finding is dropped where the
        # same sentence has a finding of a category that subsumes it (taxonomy: an
        # absolute efficacy claim subsumes an unqualified one).
        raw.sort(key=lambda r: (r[1], _SEVERITY_RANK[r[0].severity], self._order[r[0].id]))
        present: dict[int, dict[str, list[tuple[int, int]]]] = {}
        for r in raw:
            present.setdefault(r[1], {}).setdefault(r[0].category, []).append((r[2], r[3]))
        kept: list[tuple[Rule, int, int, int, str, Verdict | None]] = []
        seen: set[tuple[int, str]] = set()
        for r in raw:
            rule, s = r[0], r[1]
            if rule.scope == "sentence":
                if (s, rule.category) in seen:
                    continue
                if self._subsumed(st, rule, r[2], r[3], present[s]):
                    continue
                if st.answered(s, rule.match) and (
                    rule.category in present.get(s + 1, ())
                    or (
                        st.bare_answer(s + 1)
                        and rule.category in present.get(s + 2, ())
                        and self._same_line(st, lines, s + 1, s + 2)
                    )
                ):
                    continue  # "Is it approved for pain? Yes, it is FDA-approved ...": one claim
                seen.add((s, rule.category))
            kept.append(r)
        return [self._finding(st, path, text, lines, *r) for r in kept if r[1] in st.own]

    @staticmethod
    def _same_line(st: _DocState, lines: LineIndex, s1: int, s2: int) -> bool:
        """Whether two sentences start on one line ("Yes. Ketamine is FDA-approved ...")."""
        if s2 >= len(st.sent_bounds):
            return False
        pos = [lines.position(st.prose.orig_start(st.doc[st.sent_bounds[k][0]].idx))[0] for k in (s1, s2)]
        return pos[0] == pos[1]

    @staticmethod
    def _subsumed(st: _DocState, rule: Rule, a: int, b: int, present: dict[str, list[tuple[int, int]]]) -> bool:
        """Whether another finding in the same clause makes this one redundant.

        A clause boundary (a terminator such as ", and" or "but") between the two
        claims makes them two claims: "I feel like me again, and it's lasted eight
        months" is an efficacy claim and a durability claim."""
        s = st.sent_of(a)
        # a dash joins a headline's parts ("Feel like yourself again - starting today"),
        # and a table row's cells (';') make one claim
        terms = [t for t, text in st.terminators[s] if text not in ("—", "–", "-", ";")]
        for category, names in rule.subsumed_by:
            for xa, xb in present.get(category, ()):
                lo, hi = min(b, xb), max(a, xa)
                if category != "efficacy.absolute" and any(lo <= t < hi for t in terms):
                    continue  # a clause boundary between them
                if not names:
                    return True
                # the claim's own clause names its outcome ("take the edge off anxiety
                # in about 20 minutes"): two claims, not one
                ca = max([t + 1 for t in terms if t < a] + [st.sent_bounds[s][0]])
                cb = min([t for t in terms if t >= b] + [st.sent_bounds[s][1]])
                in_clause = {m.type for m in st.mentions[s] if ca <= m.start < cb}
                if not all(group & in_clause for group in names):
                    return True
        return False

    def _finding(
        self, st, path, text, lines, rule: Rule, s: int, a: int, b: int, message: str, verdict: Verdict | None = None
    ) -> Finding:
        doc, prose = st.doc, st.prose
        sa, sb = st.sent_bounds[s]
        if rule.scope == "sentence" and st.answered(s, rule.match):
            sb = st.sent_bounds[s + 1][1]  # the claim is made by the question and its "Yes." (or "No.")
        while sb > sa and doc[sb - 1].is_space:
            sb -= 1
        sent_span = _span(prose, lines, doc[sa].idx, doc[sb - 1].idx + len(doc[sb - 1].text))
        key_span = _span(prose, lines, doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text))
        rewrite = None
        if rule.rewrites:
            span = (sent_span.start, sent_span.end)
            phrases = self._phrases(st, rule, s, a, b)
            mentions, counts = tuple(st.mentions[s]), st.facts.drug_counts
            claim = Claim(doc, prose, text, (sa, sb), span, phrases, verdict, mentions, counts)
            rewrite = self.rewriter.rewrite(rule.rewrites, claim)
        return Finding(
            path=path,
            span=sent_span,
            match=key_span,
            rule=rule.id,
            category=rule.category,
            scope=rule.scope,
            severity=rule.severity,
            message=message,
            text=text[sent_span.start : sent_span.end],
            suggestion=rule.suggestion,
            references=rule.references,
            rewrite=rewrite,
        )

    @staticmethod
    def _trigger_drugs(st: _DocState, by_clause: list[tuple[Clause, list[tuple[int, int, int]]]]) -> list[tuple[int, str]]:
        """(original offset, drug) for each trigger (by its clause) that is about a drug."""
        found: list[tuple[int, str]] = []
        for clause, hits in by_clause:
            in_match = any(ref.partition(":")[0] == "drug" for ref in clause.pattern_kb)
            for s, a, b in hits:
                # the trigger's clause starts after a terminator; a dash or a table row's ';' joins parts of one
                bounds = [t + 1 for t, word in st.terminators[s] if t < a and word not in ("—", "–", "-", ";")]
                did = trigger_drug(st.mentions[s], a, b, max(bounds, default=st.sent_bounds[s][0]), in_match)
                if did is not None:
                    found.append((st.orig(a), did))
        return found

    def _reported(self, requirements: list[_Requirement], facts: DocFacts) -> list[Finding]:
        """The requirements triggered and not satisfied, each with its disclosure text
        filled from the knowledge base for the drugs its triggers are about (else the
        drug the document names most) and the conditions the document names
        (linter/disclosure.py)."""
        out = []
        for req in requirements:
            if req.first is None or req.satisfied():
                continue
            finding = req.first
            if req.rule.disclosure is not None:
                drugs = [did for _, did in sorted(req.about)] or ([facts.main_drug] if facts.main_drug else [])
                finding = replace(finding, disclosure=req.rule.disclosure.fill(self.kb, drugs, list(facts.conditions)))
            out.append(finding)
        return out

    def _phrases(self, st: _DocState, rule: Rule, s: int, a: int, b: int) -> tuple[tuple[int, int], ...]:
        """The finding's key phrase, then the rule's other matches in its sentence: those
        that overlap it (one claim: "eliminates anxiety" and "anxiety for good") and its
        other claims there ("a safe and effective treatment with zero risk"). A rewrite
        edits them all, so that accepting it clears the finding."""
        name, key = f"rule:{rule.id}:m", ("phrases", rule.id)
        if key not in st._whole:
            by_sentence: dict[int, list[tuple[int, int]]] = {}
            for s2, x, y in self.hits(st, name, rule.match, per_sentence=False):
                by_sentence.setdefault(s2, []).append((x, y))
            st._whole[key] = by_sentence
        if ("matches", name) not in st._whole:  # by sentence, once: per finding it was quadratic
            grouped: dict[int, list[tuple[int, int]]] = {}
            for x, y in st.matches.get(name, ()):
                grouped.setdefault(st.sent_of(x), []).append((x, y))
            st._whole[("matches", name)] = grouped
        in_sentence = st._whole[("matches", name)].get(s, ())
        same = [(x, y) for x, y in in_sentence if x < b and a < y and (x, y) != (a, b)]
        others = [(x, y) for x, y in st._whole[key].get(s, ()) if y <= a or x >= b]
        return ((a, b), *same, *others)

    # ------------------------------------------------------------ entry points

    def lint_text(self, text: str, kind: str = "text", path: str = "-") -> list[Finding]:
        lines = LineIndex(text)
        parts = sections(kind, text, self.section_chars, self.context_chars)
        if len(parts) > 1:
            return self._lint_sections(text, kind, path, lines, parts)
        prose = read_prose(kind, text)
        st = self.analyse(prose)
        return apply_suppressions(self.findings(st, path, text, lines), prose, text, lines, path, self.rules)

    def _lint_sections(self, text: str, kind: str, path: str, lines: LineIndex, parts: list[Section]) -> list[Finding]:
        """A very large document, one section at a time (see linter/sections.py): first
        what the whole document names, then each section's findings, read in a window
        that reaches into its neighbours. Only one section is in memory at a time."""
        outline = Outline([], {})
        # Each section is read and tokenised twice, once for these facts and once with
        # its window for the rules: holding the sections' Docs instead would cost the
        # memory this exists to save.
        facts = DocFacts.gather(self._section_mentions(text, kind, parts, outline))
        out = self._collect(self._section_states(text, kind, parts, facts), facts, path, text, lines)
        return apply_suppressions(out, outline, text, lines, path, self.rules)

    def _section_states(self, text: str, kind: str, parts: list[Section], facts: DocFacts) -> Iterator[_DocState]:
        """Each section's state in turn, analysed in its window; a refutation in one
        section reaches the quoted claims of the sections after it."""
        refuted = False
        for part in parts:
            prose = read_prose(kind, text[part.window_start : part.window_end]).shifted(part.window_start)
            st = self.analyse(prose, facts, (part.start, part.end))
            st.refuted_before = refuted
            yield st  # linted before the next section is read
            refuted = refuted or st.refutes()

    def _section_mentions(
        self, text: str, kind: str, parts: list[Section], outline: Outline
    ) -> Iterator[tuple[int, Mention]]:
        """Every knowledge-base mention, section by section, with its original offset;
        the sections' comments, and where prose goes on after each, into ``outline``."""
        from linter.nlp import make_doc

        pending: list[int] = []  # comments with no prose after them in their section
        for part in parts:
            prose = read_prose(kind, text[part.start : part.end]).shifted(part.start)
            first = prose.next_prose_offset(part.start)
            if first is not None:
                outline.next_after.update(dict.fromkeys(pending, first))
                pending = []
            for c in prose.comments:
                outline.comments.append(c)
                outline.next_after[c.end] = prose.next_prose_offset(c.end)
                if outline.next_after[c.end] is None:
                    pending.append(c.end)
            doc = make_doc(prose.text, prose.block_starts)
            for m in self.kb.mentions(doc):
                yield prose.orig_start(doc[m.start].idx), m


def _span(prose: Prose, lines: LineIndex, p_start: int, p_end: int) -> Span:
    o_start, o_end = prose.orig_start(p_start), prose.orig_end(p_end)
    if o_end < o_start:
        o_end = o_start
    l1, c1 = lines.position(o_start)
    l2, c2 = lines.position(o_end)
    return Span(o_start, o_end, l1, c1, l2, c2)
