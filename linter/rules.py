"""Rules as data: the YAML rule model, its validation, and pattern compilation.

A rule file holds ``rules:``, a list of rules. The engine knows three rule
kinds and nothing about any particular rule:

claim
    token patterns that find a claim in a sentence, optional ``requires``
    (knowledge-base mentions that must be near), ``unless`` patterns, and the
    qualifier categories that neutralise the claim (``neutralized_by``).
approval
    patterns that find a statement of FDA status; what it claims is judged
    against the knowledge base.
requirement
    a document rule: when a ``trigger`` occurs, one of ``satisfied_by`` must
    occur somewhere in the document, else one finding at the first trigger.
    Its ``disclosure`` is the text to add, with placeholders the knowledge base
    fills for the document (linter/disclosure.py).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

from linter.disclosure import Template
from linter.errors import RuleError
from linter.rewrite import Rewrite, parse_rewrites
from linter.yamlio import load_yaml

CATEGORIES = {
    "efficacy.unqualified": "sentence",
    "efficacy.absolute": "sentence",
    "onset.overstated": "sentence",
    "duration.overstated": "sentence",
    "safety.absolute": "sentence",
    "comparative.unsupported": "sentence",
    "approval.misstated": "sentence",
    "disclosure.off-label": "document",
    "disclosure.compounded": "document",
    "disclosure.risks": "document",
    "disclosure.consult": "document",
    "safety.crisis-resources": "document",
}
SEVERITIES = ("error", "warning", "info")
KINDS = ("claim", "approval", "requirement")
CUE_CATEGORIES = {"hedge", "evidence", "population", "negation", "minimizer", "refutation", "attribution", "question"}
_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
DOCUMENT = 10**9  # a condition window that spans the whole document

_RULE_KEYS = {
    "id", "kind", "category", "severity", "message", "rationale", "references", "suggestion", "examples",
    "patterns", "phrases", "requires", "with", "unless", "neutralized_by", "trigger", "satisfied_by", "confidence",
    "subsumed_by", "except", "rewrite", "disclosure", "asked",
}
_CLAUSE_KEYS = {"patterns", "phrases", "requires", "with", "unless", "except", "neutralized_by", "same_subject", "asked"}
_COND_KEYS = {"kb", "window", "distinct", "absent", "main"}
_EXAMPLE_KEYS = {"flag", "pass", "todo_flag", "todo_pass"}
# Token attributes a pattern step may use (spaCy's Matcher attributes) plus KB.
_STEP_KEYS = {
    "ORTH", "TEXT", "LOWER", "LEMMA", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "IS_ALPHA", "IS_ASCII",
    "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_SENT_START",
    "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "OP", "KB", "REGEX",
}


@dataclass(frozen=True)
class Condition:
    """Knowledge-base mentions that must (or must not) occur around a match."""

    kb: tuple[str, ...]
    window: int = 0
    distinct: int = 1
    absent: bool = False
    main: bool = False  # the drug the document names most is one of kb


@dataclass(frozen=True)
class Clause:
    """Patterns plus the context they need: the unit of claims, triggers and disclosures."""

    patterns: tuple[tuple[tuple, ...], ...]  # compiled: alternatives of spaCy patterns
    requires: tuple[Condition, ...] = ()
    unless: tuple[tuple[tuple, ...], ...] = ()
    with_: tuple[tuple[tuple, ...], ...] = ()
    except_: tuple[tuple[tuple, ...], ...] = ()  # a match overlapping one of these is dropped
    neutralized_by: frozenset[str] = frozenset()
    same_subject: bool = False
    # "denied": the patterns match a question, and the claim is made by the answer "No."
    # that the next sentence gives ("Is ketamine addictive? Not at all.")
    asked: str = ""
    pattern_kb: frozenset[str] = frozenset()  # the KB references its patterns name ({KB: drug:ketamine})


@dataclass(frozen=True)
class Examples:
    flag: tuple[str, ...] = ()
    pass_: tuple[str, ...] = ()
    todo_flag: tuple[str, ...] = ()
    todo_pass: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    category: str
    severity: str
    message: str
    rationale: str
    references: tuple[str, ...]
    suggestion: str
    examples: Examples
    match: Clause | None
    satisfied_by: tuple[Clause, ...]
    path: str
    confidence: str = "medium"
    # category -> KB types whose mention inside the claim keeps it (empty: always subsumed)
    subsumed_by: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = ()
    triggers: tuple[Clause, ...] = ()  # requirement rules: any of these triggers
    rewrites: tuple[Rewrite, ...] = ()  # sentence rules: how to edit the flagged sentence (linter/rewrite.py)
    disclosure: Template | None = None  # requirement rules: the text to add, filled from the KB

    @property
    def scope(self) -> str:
        return CATEGORIES.get(self.category, "sentence")

    @property
    def summary(self) -> str:
        return self.message.split("\n")[0]


@dataclass
class RuleSet:
    rules: list[Rule] = field(default_factory=list)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


# ---------------------------------------------------------------- loading


def rule_files(paths: list[str]) -> list[str]:
    """YAML rule files under the given folders (sorted), skipping the KB and qualifiers."""
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        if not os.path.isdir(p):
            raise RuleError(p, None, None, "no such rule folder or file")
        for root, dirs, files in os.walk(p):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".yaml", ".yml")) and name not in ("knowledge.yaml", "qualifiers.yaml"):
                    out.append(os.path.join(root, name))
    return out


def load_rules(files: list[str], compiler) -> RuleSet:
    """Load and validate every rule; the first problem stops the run (RuleError)."""
    rs = RuleSet()
    seen: dict[str, str] = {}
    for path in files:
        data = load_yaml(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RuleError(path, None, None, "a rule file is a mapping with the key 'rules'")
        for key in data:
            # x-... keys hold YAML anchors shared by the file's rules.
            if key != "rules" and not str(key).startswith("x-"):
                raise RuleError(path, None, str(key), "unknown top-level key (expected 'rules' or x-...)")
        items = data.get("rules") or []
        if not isinstance(items, list):
            raise RuleError(path, None, "rules", "expected a list of rules")
        for i, raw in enumerate(items):
            rule = _rule(path, i, raw, compiler)
            if rule.id in seen:
                raise RuleError(path, rule.id, "id", f"duplicate rule id (first defined in {seen[rule.id]})")
            seen[rule.id] = path
            rs.rules.append(rule)
    return rs


def _rule(path: str, index: int, raw, compiler) -> Rule:
    if not isinstance(raw, dict):
        raise RuleError(path, f"#{index + 1}", None, "a rule is a mapping")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(path, f"#{index + 1}", "id", "missing or invalid id (lower-case letters, digits, '-', '.')")

    def err(key: str, reason: str) -> RuleError:
        return RuleError(path, rid, key, reason)

    for key in raw:
        if key not in _RULE_KEYS:
            raise err(key, "unknown key")
    kind = raw.get("kind", "claim")
    if kind not in KINDS:
        raise err("kind", f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise err("category", f"unknown category {category!r} (see docs/spec/taxonomy.md)")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise err("severity", f"expected one of {', '.join(SEVERITIES)}")
    for key in ("message", "rationale", "suggestion"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise err(key, "required, a non-empty string")
    refs = raw.get("references")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
        raise err("references", "required, a non-empty list of URLs or citations")
    examples = _examples(raw.get("examples"), err)
    if kind == "requirement":
        if CATEGORIES[category] != "document":
            raise err("kind", "a requirement rule needs a document-scope category")
        if "trigger" not in raw or "satisfied_by" not in raw:
            raise err("trigger" if "trigger" not in raw else "satisfied_by", "required for a requirement rule")
        for key in ("patterns", "phrases", "requires", "with", "unless", "except", "neutralized_by", "asked"):
            if key in raw:
                raise err(key, "belongs under trigger or satisfied_by in a requirement rule")
        if "rewrite" in raw:
            raise err("rewrite", "only sentence rules rewrite a sentence; a requirement's suggestion is its disclosure text")
        # one trigger clause, or a list of them (any one triggers)
        trig = raw["trigger"]
        trig = trig if isinstance(trig, list) else [trig]
        if not trig:
            raise err("trigger", "expected a clause or a non-empty list of clauses")
        triggers = tuple(_clause(t, f"trigger[{i}]" if len(trig) > 1 else "trigger", err, compiler) for i, t in enumerate(trig))
        match = triggers[0]
        sats = raw["satisfied_by"]
        if not isinstance(sats, list) or not sats:
            raise err("satisfied_by", "expected a non-empty list of clauses")
        satisfied = tuple(_clause(s, f"satisfied_by[{i}]", err, compiler) for i, s in enumerate(sats))
        disclosure = Template.parse(raw["disclosure"], err) if "disclosure" in raw else None
    else:
        if CATEGORIES[category] != "sentence":
            raise err("kind", f"a {kind} rule needs a sentence-scope category")
        for key in ("trigger", "satisfied_by"):
            if key in raw:
                raise err(key, f"only requirement rules have {key}")
        if "disclosure" in raw:
            raise err("disclosure", "only requirement rules have a disclosure text; a sentence rule has a rewrite")
        if raw.get("subsumed_by") and kind == "requirement":
            raise err("subsumed_by", "only sentence rules can be subsumed")
        clause_raw = {k: raw[k] for k in _CLAUSE_KEYS if k in raw}
        match = _clause(clause_raw, "", err, compiler)
        satisfied = ()
        triggers = (match,)
        disclosure = None
    return Rule(
        rid,
        kind,
        category,
        severity,
        raw["message"].strip(),
        raw["rationale"].strip(),
        tuple(r.strip() for r in refs),
        raw["suggestion"].strip(),
        examples,
        match,
        satisfied,
        path,
        str(raw.get("confidence", "medium")),
        _subsumed(raw.get("subsumed_by"), err, compiler),
        triggers,
        parse_rewrites(raw.get("rewrite"), err, compiler.nlp),
        disclosure,
    )


def _subsumed(raw, err, compiler) -> tuple[tuple[str, tuple[frozenset[str], ...]], ...]:
    """Categories whose finding in the same sentence makes this rule's finding redundant.

    Each entry is a category, or {category, unless_names: [KB types]}: subsumed
    unless the claim's own clause names one of those (a condition, a symptom).
    An item of ``unless_names`` may itself be a list: then the clause must name
    one type of every such group ([[condition, symptom], [drug]]: "ketamine lifts
    depression within hours" is two claims, "my anxiety eased within hours" one).
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise err("subsumed_by", "expected a list of categories or {category, unless_names}")
    out = []
    for i, item in enumerate(raw):
        key = f"subsumed_by[{i}]"
        if isinstance(item, str):
            item = {"category": item}
        if not isinstance(item, dict) or set(item) - {"category", "unless_names"}:
            raise err(key, "expected a category or {category, unless_names}")
        if item.get("category") not in CATEGORIES:
            raise err(f"{key}.category", "unknown category")
        names = item.get("unless_names") or []
        if not isinstance(names, list):
            raise err(f"{key}.unless_names", "expected a list of knowledge-base types")
        nested = [n for n in names if isinstance(n, list)]
        if nested and len(nested) != len(names):
            raise err(f"{key}.unless_names", "expected KB types, or lists of KB types, not both")
        groups = nested or ([names] if names else [])
        for group in groups:
            if not group:
                raise err(f"{key}.unless_names", "an empty group of knowledge-base types")
            for ref in group:
                if not isinstance(ref, str):
                    raise err(f"{key}.unless_names", f"{ref!r} is not a knowledge-base type")
                compiler.check_kb(ref, err, f"{key}.unless_names")
        out.append((item["category"], tuple(frozenset(g) for g in groups)))
    return tuple(out)


def _examples(raw, err) -> Examples:
    if not isinstance(raw, dict):
        raise err("examples", "required: texts the rule must flag and must pass (at least two of each)")
    for key in raw:
        if key not in _EXAMPLE_KEYS:
            raise err(f"examples.{key}", f"unknown key (expected {', '.join(sorted(_EXAMPLE_KEYS))})")
    lists = {}
    for key in _EXAMPLE_KEYS:
        val = raw.get(key) or []
        if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
            raise err(f"examples.{key}", "expected a list of texts")
        lists[key] = tuple(val)
    if len(lists["flag"]) < 2 or len(lists["pass"]) < 2:
        raise err("examples", "at least two 'flag' and two 'pass' examples are required")
    return Examples(lists["flag"], lists["pass"], lists["todo_flag"], lists["todo_pass"])


def _clause(raw, prefix: str, err, compiler) -> Clause:
    def key(k: str) -> str:
        return f"{prefix}.{k}" if prefix else k

    if not isinstance(raw, dict):
        raise err(prefix, "expected a mapping")
    for k in raw:
        if k not in _CLAUSE_KEYS:
            raise err(key(k), "unknown key")
    patterns = []
    for i, p in enumerate(raw.get("patterns") or []):
        patterns.append(compiler.pattern(p, err, key(f"patterns[{i}]")))
    for i, ph in enumerate(raw.get("phrases") or []):
        if isinstance(ph, bool):
            raise err(key(f"phrases[{i}]"), "YAML read a word as true/false: quote yes, no, on, off, true, false")
        if not isinstance(ph, (str, int)) or not str(ph).strip():
            raise err(key(f"phrases[{i}]"), "a phrase is a non-empty string")
        patterns.append(compiler.phrase(str(ph)))
    if not patterns:
        raise err(key("patterns"), "at least one pattern or phrase is required")
    unless = [compiler.pattern(p, err, key(f"unless[{i}]")) for i, p in enumerate(raw.get("unless") or [])]
    with_ = [compiler.pattern(p, err, key(f"with[{i}]")) for i, p in enumerate(raw.get("with") or [])]
    except_ = [compiler.pattern(p, err, key(f"except[{i}]")) for i, p in enumerate(raw.get("except") or [])]
    requires = []
    for i, c in enumerate(raw.get("requires") or []):
        ck = key(f"requires[{i}]")
        if not isinstance(c, dict):
            raise err(ck, "expected a mapping with kb")
        for k in c:
            if k not in _COND_KEYS:
                raise err(f"{ck}.{k}", "unknown key")
        kb = c.get("kb")
        kb = [kb] if isinstance(kb, str) else kb
        if not isinstance(kb, list) or not kb:
            raise err(f"{ck}.kb", "expected a knowledge-base type or list of types")
        for ref in kb:
            compiler.check_kb(ref, err, f"{ck}.kb")
        window, distinct = c.get("window", 0), c.get("distinct", 1)
        if window == "document":
            window = DOCUMENT
        elif not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
            raise err(f"{ck}.window", "expected a whole number from 0 to 10, or 'document'")
        if not isinstance(distinct, int) or not 1 <= distinct <= 5:
            raise err(f"{ck}.distinct", "expected a whole number from 1 to 5")
        requires.append(Condition(tuple(kb), window, distinct, bool(c.get("absent", False)), bool(c.get("main", False))))
    neutral = raw.get("neutralized_by") or []
    if not isinstance(neutral, list) or any(n not in CUE_CATEGORIES for n in neutral):
        raise err(key("neutralized_by"), f"expected a list of: {', '.join(sorted(CUE_CATEGORIES))}")
    asked = raw.get("asked", "")
    if asked not in ("", "denied"):
        raise err(key("asked"), "expected 'denied' (the claim is a question the next sentence answers no)")
    return Clause(
        tuple(patterns),
        tuple(requires),
        tuple(unless),
        tuple(with_),
        tuple(except_),
        frozenset(neutral),
        bool(raw.get("same_subject")),
        asked,
        frozenset(
            str(ref)
            for p in raw.get("patterns") or []
            for step in p
            if "KB" in step
            for ref in (step["KB"] if isinstance(step["KB"], list) else [step["KB"]])
        ),
    )


# ---------------------------------------------------------------- patterns


class PatternCompiler:
    """Turns YAML token patterns into spaCy Matcher patterns.

    The text is lower-cased before tokenising, so string values are lower-cased
    here too: LEMMA, LOWER and TEXT match case-insensitively. ``{KB: type}``
    stands for any name in the knowledge base (a drug, a condition, a lexicon),
    and is expanded into alternative patterns, since a name may span several
    tokens. Every pattern is checked with spaCy's own validator.
    """

    def __init__(self, nlp, kb) -> None:
        from spacy.matcher import Matcher

        self.nlp, self.kb = nlp, kb
        self._check = Matcher(nlp.vocab, validate=True)
        self._valid_steps: set[str] = set()  # token specs seen in a pattern spaCy accepted
        self._lemma_cache: dict[str, list[str]] = {}
        self._phrase_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._token_cache: dict[str, list[str]] = {}

    def lemmas(self, text: str) -> list[str]:
        if text not in self._lemma_cache:
            doc = self.nlp(text.lower())
            self._lemma_cache[text] = [t.lemma_ for t in doc if not t.is_space]
        return self._lemma_cache[text]

    def phrase(self, text: str) -> tuple[tuple, ...]:
        """A phrase matches word by word: a word written in its base form matches
        every inflection ("suggest": suggests, suggested); a word written inflected
        matches only that form ("could" is not "can", "studies" not "study")."""
        if text not in self._phrase_cache:  # the KB's names recur in many patterns: each is run once
            doc = self.nlp(text.lower())
            self._phrase_cache[text] = tuple(
                ("LEMMA", t.lemma_) if t.lemma_ == t.lower_ else ("LOWER", t.lower_) for t in doc if not t.is_space
            )
        return (tuple({attr: value} for attr, value in self._phrase_cache[text]),)

    def check_kb(self, ref, err, key: str) -> None:
        try:
            self.kb.terms(str(ref))
        except KeyError:
            raise err(key, f"unknown knowledge-base reference {ref!r} (known: {', '.join(sorted(self.kb.types()))})") from None

    def pattern(self, raw, err, key: str) -> tuple[tuple, ...]:
        if not isinstance(raw, list) or not raw:
            raise err(key, "a pattern is a non-empty list of token specs")
        alternatives: list[list[dict]] = [[]]
        for j, step in enumerate(raw):
            sk = f"{key}[{j}]"
            if not isinstance(step, dict):
                raise err(sk, "a token spec is a mapping, e.g. {LEMMA: cure}")
            for k in step:
                if k not in _STEP_KEYS:
                    raise err(f"{sk}.{k}", "unknown token attribute")
            _check_bounded(step, err, sk)
            if "KB" in step:
                options = self._kb_options(step, err, sk)
                alternatives = [a + o for a in alternatives for o in options]
            else:
                options = self._split_words(self._lower(step, err, sk), err, sk)
                alternatives = [a + o for a in alternatives for o in options]
            if len(alternatives) > 5000:
                raise err(key, "too many alternatives (KB references multiply; split the pattern)")
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            raise err(key, "the pattern matches nothing")
        for alt in alternatives:
            steps = [repr(step) for step in alt]
            if all(step in self._valid_steps for step in steps):
                continue  # spaCy checks each token spec on its own: made of valid ones, it is valid
            try:
                self._check.add("_check", [alt])
                self._check.remove("_check")
            except Exception as exc:  # spaCy raises ValueError / MatchPatternError
                msg = " ".join(str(exc).split())
                raise err(key, f"invalid spaCy pattern: {msg[:300]}") from None
            self._valid_steps.update(steps)
        return tuple(tuple(a) for a in alternatives)

    def _lower(self, step: dict, err, key: str) -> dict:
        out = {}
        for k, v in step.items():
            if k in ("LEMMA", "LOWER", "TEXT", "ORTH", "NORM"):
                vals = v.get("IN", v.get("NOT_IN", [])) if isinstance(v, dict) else [v]
                if any(isinstance(x, bool) for x in (vals if isinstance(vals, list) else [vals])):
                    raise err(f"{key}.{k}", "YAML read a word as true/false: quote yes, no, on, off, true, false")
                v = _lower_value(v)
                if k == "LEMMA":
                    v = self._lemma_value(v)
            out[k] = v
        return out

    def _split_words(self, step: dict, err, key: str) -> list[list[dict]]:
        """Words the tokenizer splits ("non-addictive" is non, -, addictive) become
        token sequences, so a rule may write words as they appear in copy."""
        attr = next((k for k in ("LOWER", "LEMMA", "TEXT", "ORTH", "NORM") if k in step), None)
        if attr is None:
            return [[step]]
        value = step[attr]
        words = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
        if not isinstance(words, list) or not any(isinstance(w, str) and len(self._tokens(w)) > 1 for w in words):
            return [[step]]
        if step.get("OP") not in (None, "?"):
            raise err(f"{key}.OP", "a step with multi-word values takes no OP other than '?'")
        rest = {k: v for k, v in step.items() if k not in (attr, "OP")}
        singles = [w for w in words if len(self._tokens(w)) <= 1]
        options: list[list[dict]] = []
        if singles:
            options.append([{**rest, attr: {"IN": singles}}])
        for w in words:
            toks = self._tokens(w)
            if len(toks) > 1:  # on lemmas, each token in its base form ("side-effects": side, -, effect)
                options.append([{**rest, attr: t} for t in (self.lemmas(w) if attr == "LEMMA" else toks)])
        if step.get("OP") == "?":
            options.append([])
        return options

    def _tokens(self, word: str) -> list[str]:
        if word not in self._token_cache:
            self._token_cache[word] = [t.lower_ for t in self.nlp.make_doc(word) if not t.is_space]
        return self._token_cache[word]

    def _lemma_value(self, v):
        """A LEMMA value is itself lemmatised, so a rule may write 'cures' or 'cure'."""
        def one(s):
            if not isinstance(s, str) or " " in s:
                return s
            lemmas = self.lemmas(s)
            # a word the tokenizer splits ("anti-suicidal") stays whole: _split_words makes it a
            # token sequence; its first token's lemma alone ("anti") would match "anti-nausea"
            return s if len(lemmas) > 1 else (lemmas or [s])[0]

        if isinstance(v, str):
            return one(v)
        if isinstance(v, dict):
            return {op: ([one(x) for x in vals] if isinstance(vals, list) else vals) for op, vals in v.items()}
        return v

    def _kb_options(self, step: dict, err, key: str) -> list[list[dict]]:
        refs = step["KB"]
        refs = [refs] if isinstance(refs, str) else refs
        if not isinstance(refs, list) or not refs:
            raise err(f"{key}.KB", "expected a knowledge-base type or list of types")
        op = step.get("OP")
        if op not in (None, "?"):
            raise err(f"{key}.OP", "a KB step takes no OP other than '?'")
        if set(step) - {"KB", "OP"}:
            raise err(key, "a KB step takes no other attributes")
        singles: dict[str, set[str]] = {"LEMMA": set(), "LOWER": set()}
        multis: set[tuple] = set()
        for ref in refs:
            self.check_kb(ref, err, f"{key}.KB")
            for name in self.kb.terms(str(ref)):
                steps = self.phrase(name)[0]
                if len(steps) == 1:
                    (attr, value), = steps[0].items()
                    singles[attr].add(value)
                elif steps:
                    multis.add(tuple(tuple(st.items()) for st in steps))
        options: list[list[dict]] = []
        for attr, values in singles.items():
            if values:
                options.append([{attr: {"IN": sorted(values)}}])
        for m in sorted(multis):
            options.append([dict(st) for st in m])
        if op == "?":
            options.append([])
        return options


_REPEAT = re.compile(r"\{(\d*)(,?)(\d*)\}")
MAX_REPEAT = 10


def _repeat_max(op: str) -> float:
    """How many tokens one step with this OP may match ('*', '+', '{n,}': no limit)."""
    if op in ("*", "+"):
        return math.inf
    m = _REPEAT.fullmatch(op)
    if not m:
        return 1
    lo, comma, hi = m.groups()
    return math.inf if comma and not hi else int(hi or lo or 0)


def _check_bounded(step: dict, err, key: str) -> None:
    """Refuse what would let one rule hang the linter on a long document: regular
    expressions (``(a+)+$`` backtracks catastrophically) and long or unbounded
    repetition (with ``*``, every span of a long sentence is a match)."""
    for k, v in step.items():
        if k == "REGEX" or (isinstance(v, dict) and "REGEX" in v):
            where = f"{key}.{k}" if k == "REGEX" else f"{key}.{k}.REGEX"
            raise err(where, "regular expressions are not allowed in rules (they can backtrack without end); use LEMMA/LOWER lists")
    op = step.get("OP")
    if isinstance(op, str) and _repeat_max(op.strip()) > MAX_REPEAT:
        raise err(f"{key}.OP", f"repetition without a small bound (OP {op!r}) is not allowed; use '?' or '{{n,m}}' with m at most {MAX_REPEAT}")


def _lower_value(v):
    """Lower-case string values; numbers written bare in YAML (1, 24) become strings."""
    if isinstance(v, (str, int)) and not isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list):
        return [str(x).lower() if isinstance(x, (str, int)) and not isinstance(x, bool) else x for x in v]
    if isinstance(v, dict):
        return {k: _lower_value(x) if k in ("IN", "NOT_IN") else x for k, x in v.items()}
    return v
