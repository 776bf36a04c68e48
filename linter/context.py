"""Qualifier scoping, after the ConText algorithm (Harkema et al. 2009).

Cues (hedges, evidence and population qualifiers, negations, refutations,
attributions) come from rules/qualifiers.yaml. Each cue governs a scope of
tokens in its sentence: forward, backward or both, at most ``max_scope``
tokens, cut at the first terminator. Pseudo-cues cancel any cue they overlap.
A question governs its whole sentence unless the next sentence affirms it.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.errors import RuleError
from linter.rules import CUE_CATEGORIES
from linter.yamlio import load_yaml

DIRECTIONS = ("forward", "backward", "both")
# Cue categories that are often part of a claim's own words ("no side effects").
SELF_CUES = {"negation", "minimizer"}


@dataclass(frozen=True)
class Cue:
    id: str
    category: str
    direction: str
    max_scope: int
    patterns: tuple[tuple, ...]
    through: frozenset[str] = frozenset()  # terminators this cue's scope passes


@dataclass(frozen=True)
class Scope:
    category: str
    cue_start: int
    cue_end: int
    start: int
    end: int


@dataclass
class Qualifiers:
    cues: list[Cue]
    terminators: tuple[tuple, ...]
    pseudo: tuple[tuple, ...]
    affirmations: tuple[tuple, ...]
    subordinators: frozenset[str] = frozenset()
    # Words that make a claim absolute ("completely safe", "permanent"): a hedge does
    # not qualify a claim whose own words hold one ("completely safe when given by
    # our doctors" still promises complete safety).
    absolutes: tuple[tuple, ...] = ()
    # Answers that deny a question ("No.", "Not at all."): the claim is the question negated.
    denials: tuple[tuple, ...] = ()

    @classmethod
    def load(cls, path: str, compiler) -> Qualifiers:
        data = load_yaml(path)
        if not isinstance(data, dict):
            raise RuleError(path, None, None, "expected a mapping")
        allowed = {"terminators", "subordinators", "cues", "pseudo", "affirmations", "absolutes", "denials"}
        for k in data:
            if k not in allowed:
                raise RuleError(path, None, k, "unknown key")

        def phrases(key: str) -> tuple[tuple, ...]:
            vals = data.get(key) or []
            if not isinstance(vals, list):
                raise RuleError(path, None, key, "expected a list of phrases")
            for v in vals:
                if isinstance(v, bool) or not isinstance(v, (str, int)):
                    raise RuleError(path, None, key, f"{v!r} is not a phrase (quote yes, no, on, off, true, false)")
            return tuple(p for v in vals for p in compiler.phrase(str(v)))

        cues = []
        seen = set()
        for i, raw in enumerate(data.get("cues") or []):
            cid = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(cid, str):
                raise RuleError(path, f"cues[{i}]", "id", "each cue needs an id")
            if cid in seen:
                raise RuleError(path, cid, "id", "duplicate cue id")
            seen.add(cid)

            def err(key: str, reason: str, cid=cid) -> RuleError:
                return RuleError(path, cid, key, reason)

            for k in raw:
                if k not in {"id", "category", "direction", "max_scope", "phrases", "patterns", "through"}:
                    raise err(k, "unknown key")
            if raw.get("category") not in CUE_CATEGORIES - {"question"}:
                raise err("category", f"expected one of {', '.join(sorted(CUE_CATEGORIES - {'question'}))}")
            if raw.get("direction") not in DIRECTIONS:
                raise err("direction", f"expected one of {', '.join(DIRECTIONS)}")
            ms = raw.get("max_scope")
            if not isinstance(ms, int) or not 1 <= ms <= 100:
                raise err("max_scope", "expected a whole number from 1 to 100")
            for ph in raw.get("phrases") or []:
                if isinstance(ph, bool) or not isinstance(ph, (str, int)):
                    raise err("phrases", f"{ph!r} is not a phrase (quote yes, no, on, off, true, false)")
            pats = [p for ph in raw.get("phrases") or [] for p in compiler.phrase(str(ph))]
            for j, p in enumerate(raw.get("patterns") or []):
                pats.extend(compiler.pattern(p, err, f"patterns[{j}]"))
            if not pats:
                raise err("phrases", "a cue needs phrases or patterns")
            through = raw.get("through") or []
            if not isinstance(through, list) or not all(isinstance(t, str) for t in through):
                raise err("through", "expected a list of terminators")
            cues.append(Cue(cid, raw["category"], raw["direction"], ms, tuple(pats), frozenset(through)))
        subs = data.get("subordinators") or []
        if not isinstance(subs, list) or not all(isinstance(w, str) for w in subs):
            raise RuleError(path, None, "subordinators", "expected a list of words")
        return cls(
            cues,
            phrases("terminators"),
            phrases("pseudo"),
            phrases("affirmations"),
            frozenset(w.lower() for w in subs),
            phrases("absolutes"),
            phrases("denials"),
        )

    def register(self, matcher) -> None:
        for c in self.cues:
            matcher.add(f"cue:{c.id}", [list(p) for p in c.patterns])
        if self.terminators:
            matcher.add("term:", [list(p) for p in self.terminators])
        if self.pseudo:
            matcher.add("pseudo:", [list(p) for p in self.pseudo])
        if self.affirmations:
            matcher.add("affirm:", [list(p) for p in self.affirmations])
        if self.absolutes:
            matcher.add("absolute:", [list(p) for p in self.absolutes])
        if self.denials:
            matcher.add("deny:", [list(p) for p in self.denials])
        matcher.add("comma:", [[{"ORTH": ","}]])


def sentence_scopes(
    cues_by_id: dict[str, Cue],
    cue_matches: list[tuple[str, int, int]],
    terminators: list[tuple[int, str]],
    pseudo: list[tuple[int, int]],
    sent_start: int,
    sent_end: int,
    commas: list[int] = (),
    subordinators: frozenset[str] = frozenset(),
) -> list[Scope]:
    """The scopes of the cues of one sentence (all positions are token indices).

    A clause opened by a terminator ("Although it may cause dizziness, ...") ends
    at its comma: a cue inside it does not reach the main clause, and a cue in the
    main clause does not reach back into it.
    """
    scopes: list[Scope] = []
    # Prefer the longest cue where cues of one category overlap ("not only" vs "not").
    for cid, s, e in cue_matches:
        if any(ps <= s and e <= pe for ps, pe in pseudo) or any(s < pe and ps < e for ps, pe in pseudo):
            continue
        cue = cues_by_id[cid]
        terms = [t for t, text in terminators if text not in cue.through]
        # clause openers ("although", "if"), whose clause ends at its comma
        openers = [t for t, text in terminators if text in subordinators and text not in cue.through]
        if cue.direction in ("forward", "both") and s <= sent_start + 1 and e in commas and cue.category not in SELF_CUES:
            # A fronted qualifier ("For some patients, ... ketamine can ease ...")
            # governs the whole sentence it introduces.
            scopes.append(Scope(cue.category, s, e, e, sent_end))
        elif cue.direction in ("forward", "both"):
            end = min(sent_end, e + cue.max_scope)
            if cue.category in SELF_CUES:
                # "no daily pill, no withdrawal": each negation begins its own claim
                nxt = [ns for ncid, ns, _ in cue_matches if ns >= e and cues_by_id[ncid].category == cue.category]
                if nxt:
                    end = min(end, min(nxt))
            for t in terms:
                if e <= t < end:
                    # ", though certainly not all," is an aside: the scope goes on after it
                    if (t - 1) in commas:
                        after = next((c for c in commas if c > t), None)
                        if after is not None and after < end:
                            continue
                    end = t
                    break
            if any(sent_start <= t <= s for t in openers):
                for c in commas:
                    if e <= c < end:
                        end = c
                        break
            scopes.append(Scope(cue.category, s, e, e, end))
        if cue.direction in ("backward", "both"):
            start = max(sent_start, s - cue.max_scope)
            for t in reversed(terms):
                if start <= t < s:
                    start = t + 1
                    break
            # Looking back, a qualifier stops at a comma: in "X provides relief, with
            # some people reporting ...", "some people" does not qualify X.
            # ...unless the cue ends the sentence: "Ketamine relieves depression, studies suggest."
            trailing = e >= sent_end - 2
            for c in reversed(commas):
                if start <= c < s and not trailing:
                    start = c + 1
                    break
            scopes.append(Scope(cue.category, s, e, start, s))
    return scopes


def governed(scopes: list[Scope], categories: frozenset[str], start: int, end: int) -> bool:
    """Whether a cue of one of ``categories`` governs a token of [start, end).

    A negation inside the claim's own words is part of the claim ("no side
    effects"), so it does not neutralise it; a hedge or qualifier inside them
    ("helps some people with ...") does."""
    for sc in scopes:
        if sc.category not in categories:
            continue
        inside = start <= sc.cue_start < end or start < sc.cue_end <= end
        if inside:
            if sc.category in SELF_CUES:
                continue
            return True
        if sc.start < end and start < sc.end:
            return True
    return False
