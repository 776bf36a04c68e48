"""Rewrites: the flagged sentence itself, made compliant by a few word edits.

A rule's ``suggestion`` is advice with an example about some other sentence
("Studies suggest ketamine may relieve ..."): pasted over a sentence about
Zoloft, it would change the subject. A rule's ``rewrite:`` says how to edit the
sentence the rule flags, as operations on the claim's key phrase (the words the
rule matched) and on the sentence's edges:

``replace: {word or phrase: text}``
    words of the key phrase replaced by the text ("" removes them);
``drop: [word or phrase]``
    words of the key phrase removed;
``modal: may``
    the claim's verb takes the modal, in its base form ("relieves" -> "may
    relieve"; an imperative "Feel better" -> "You may feel better"; "will
    work" -> "may work"). The verb is the first one in the key phrase, else the
    nearest before it in its clause; where that word is replaced, the modal goes
    before the replacement;
``negate: not``
    after the auxiliary before the key phrase, the word ("is FDA-approved" ->
    "is not FDA-approved", "have been approved" -> "have not been approved");
    where the key phrase is a participle modifying a noun ("our FDA-approved
    therapy"), the phrase is removed instead;
``qualify: " as an anesthetic"``
    the text right after the finding's key phrase ("is FDA-approved" -> "is
    FDA-approved as an anesthetic", "held FDA approval since 1970" -> "held FDA
    approval as an anesthetic since 1970"); where the key phrase is a participle
    modifying a noun ("uses FDA-approved Ketalar"), the phrase is removed instead,
    and where it ends in a preposition ("approved for") the alternative fails;
``lead_in: [unlike, compared with]``
    the comparison that opens the sentence or a clause, up to its comma, removed
    ("Unlike your daily antidepressant, ketamine won't ..." -> "Ketamine won't
    ..."), or one that closes the sentence from its comma ("..., unlike SSRIs.");
    it must hold the key phrase, and what is left must compare nothing;
``answer: "It may help some patients; ask your provider."``
    for a claim made by a question and its short answer ("Can ketamine treat
    PTSD? Yes.", "Is ketamine addictive? Not at all."): the answer replaced by
    the text, the question kept. Only this operation applies to such a pair
    (no word edit of a question makes its "Yes." a fair answer); an answer of
    more than a few words is not replaced;
``drop_item: ["no", zero]``
    in a verbless list of items opening with these words, the items holding the
    key phrases removed with their separators ("No clinic visits, no needles, no
    risk." -> "No clinic visits, no needles."); it fails where every item would go
    or a removed item has more than a few words (they may belong to the list);
``restate: "Treatment with {drug} may help some people with {condition}; ..."``
    the last resort: the sentence's words, first to last, replaced by the template
    filled from the knowledge base (``Rewriter.facts``: the drug, the promoted drug
    of a comparison, the conditions named, the approved and unapproved uses, the
    settings not approved); it fails where a placeholder has no value, where the
    words are not verbatim in the source (a tag among them; an HTML entity counts
    as its character), and for a question, a quotation, a blockquote or a
    first-person sentence, where it would put the publisher's words in someone
    else's mouth. Only ``if_reason`` may go with it;
``append: " for some patients"``
    text at the end of the claim's clause (before ", but ...", a semicolon, a
    table cell's end), else before the sentence's final punctuation;
``if_reason: [text]``
    the alternative applies only where the finding's reason (the knowledge
    base's verdict, for approval rules) contains one of the texts.

Words match as in a rule's ``phrases:``: a word written in its base form
matches every inflection, a word written inflected only that form; a phrase may
begin or end outside the key phrase ("a cure" where the rule matched "cure").
``replace`` and ``drop`` act on every key phrase of the rule in the sentence,
``modal`` and ``negate`` on the finding's own. A rule may give a list of
alternatives: the first that applies is used. An alternative applies when each
of its operations finds what it acts on: ``replace`` and ``drop`` together a
word to change, ``modal`` a verb, ``negate`` an auxiliary or a modified noun.

Edits are made to the original text at the offsets of the prose map, so markup
outside the edited words is kept verbatim. An edit that would cut through
markup (an edited word that is not verbatim in the source, a removed gap that
is not whitespace) makes its alternative fail; where none applies the finding
has no rewrite, and the rule's suggestion stands as the generic example it is.

No rewrite is better than a wrong one, so the operations also refuse edits that
would read wrong, whatever the rule (each fails its alternative):

- a replaced comparative takes the quantity before it along ("3x more effective
  than" -> "different from", not "3x different from");
- a negative determiner ("no", "zero") is edited only where a word governs it
  ("has no side effects"), not as one item of a verbless list ("No needles, no
  clinic, no side effects"), where removing it inverts the item;
- ``negate`` ends the sentence before a clause that draws a consequence from
  the claim (", so ...", ", which means ...": negated, the claim no longer
  supports it), and refuses a claim given as a reason ("Because it is approved");
- a modal goes before the adverbs of its verb ("may actually rewire", not
  "actually may rewire"), and never onto an imperative outside the key phrase
  ("Call us today to feel better ...": the claim is not the call);
- quotation marks and brackets balanced in the sentence stay balanced;
- a word edit with nothing to hedge what it leaves changes every key phrase of
  the rule in the sentence, and a base-form word does not match a comparative
  ("safe" is not "safer than Tylenol"); a plural put for a singular universal
  ("every client" -> "some clients") takes its verbs with it ("who finish ... tell").

Whether a rewrite clears its finding is checked by tests/test_rewrite.py for
every rule's examples, not at run time: re-linting every rewritten sentence
would about double the time of a run.
"""

from __future__ import annotations

import html
import itertools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from linter.disclosure import check_template, join
from linter.knowledge import Verdict
from linter.prose import Prose, normalise

_PREPOSITIONS = frozenset({"for", "to", "as", "by", "in", "with", "of"})
_SPANS_OF_TIME = frozenset({"more", "over", "decades", "nearly", "almost", "about", "half", "many", "several", "years"})
OPERATIONS = (
    "replace", "drop", "drop_item", "modal", "negate", "qualify", "lead_in", "answer", "append", "restate",
    "if_reason",
)
# What a ``restate`` template may name (filled from the knowledge base, see Rewriter.facts).
RESTATE_FIELDS = frozenset(
    {"drug", "Drug", "promoted", "Promoted", "condition", "approved_uses", "unapproved_uses", "unapproved_settings"}
)
_SHORT_ITEM = 4  # words of a list item drop_item removes: "no emotional numbing"
_SHORT_ANSWER = 6  # words: "Yes.", "Not at all.", "No, none to speak of."
# Inserted text is plain prose: these would be markup in Markdown or HTML.
_MARKUP = frozenset("<>&*_`[]\\|#")
_BLOCKQUOTE_TAG = re.compile(r"<(/?)blockquote", re.IGNORECASE)

# A word matched by its lower-case form, and by its lemma when written in base form.
Word = tuple[str, "str | None"]
Words = tuple[Word, ...]


def _set(words: str) -> frozenset[str]:
    """A word list written as one string: one line to read per list."""
    return frozenset(words.split())


# After these a word is not a finite verb: "a cure", "to lift", "of relief", "very fast".
_NOT_BEFORE_VERB = _set(
    "a an the my your our their his her its this these those every each no any some all another such "
    "to of for with in on at by from about into without than as very most more less so too 's - n't not never"
)
_MODALS = _set("can will would could should must shall might may 'll ca wo")
_THIRD_PERSON = {"is": "be", "are": "be", "am": "be", "has": "have", "does": "do"}
_AUX = _set("is are am was were be been being has have had 's 're will would can could should may might must 'll")
_AUX_ADVERBS = _set("now also officially fully already recently formally")
_ADDITIVE = _set("now also already recently")
_CLAUSE_BREAKS = _set(', ; : — – ( ) " but and or whereas while though although because')
_BREAKS = _set("; : — – but whereas while though although yet however because unless")
_CONJUNCTIONS = _set("and or so but which while whereas though although yet because not")
_INVERTED = _set("do does did can could will would should is are")
_SUBJECT_PRONOUNS = _set("you we they it he she this that which")
# Words WordNet lists as verbs that are particles or adverbs in copy ("keeps you out", "comes back").
_PARTICLES = _set("out off up down back like even still well over near right just only about around home away")
_VERB_ADVERBS = _set("also still even now often really truly actually just finally quickly")
_FINAL = _set(". ! ? … ...")
# Before a comparative, what measures it: "3x more effective", "two times faster", "far better".
_QUANTITY = _set(
    "x times fold % percent twice thrice double triple half far much way significantly "
    "dramatically substantially considerably vastly markedly"
)
_COMPARATIVES = _set("more less better worse fewer superior inferior")
# What makes a clause a comparison, by lemma: "than SSRIs", "outperform every antidepressant".
_COMPARISON = _set("than outperform surpass outdo outshine superior inferior")
_NEGATIVE_DETERMINERS = _set("no zero")
_NEGATIVES = _NEGATIVE_DETERMINERS | _set("nothing none never without")
# After a claim, a clause that draws a consequence from it ("..., so you can trust it").
_CONSEQUENCES = (
    ("so",),
    ("which", "means"),
    ("which", "is", "why"),
    ("that", "'s", "why"),
    ("therefore",),
    ("thus",),
    ("meaning",),
    ("so", "that"),
    ("which", "makes"),
)
_SUBORDINATORS = _set("because since as given")
# Just before a drug's name, these make it the treatment compared with ("safer than SSRIs",
# "works just like Spravato", "your SSRI had its chance", "staying on SSRIs").
# Lemmas shortly before a drug that make it the one compared with ("leaves SSRIs in the dust",
# "outperform every antidepressant", "staying on your SSRI"), not the one promoted.
_COMPARED = _COMPARISON | _set("like unlike as over versus vs instead replace leave beat ditch quit your my their stay old")
_SINGULAR_UNIVERSALS = _set("every each everyone everybody anyone anybody")
_PLURAL_OF = {"is": "are", "was": "were", "has": "have", "does": "do"}
# A sentence with these is a testimony: a restatement in the publisher's voice does not fit it.
_FIRST_PERSON = _set("i me my mine myself 'm")
# Pairs whose balance a rewrite keeps: (opening, closing); the same character for straight quotes.
_PAIRS = (('"', '"'), ("“", "”"), ("(", ")"), ("[", "]"))  # not ‘’: ’ is also an apostrophe


@dataclass(frozen=True)
class Rewrite:
    """One alternative of a rule's ``rewrite:``: every operation it names must apply."""

    replace: tuple[tuple[Words, str], ...] = ()
    drop: tuple[Words, ...] = ()
    lead_in: tuple[Words, ...] = ()
    drop_item: tuple[Words, ...] = ()
    modal: str = ""
    negate: str = ""
    qualify: str = ""
    answer: str = ""
    append: str = ""
    restate: str = ""
    if_reason: tuple[str, ...] = ()


# ---------------------------------------------------------------- loading


def parse_rewrites(raw, err, nlp) -> tuple[Rewrite, ...]:
    """The ``rewrite:`` of a rule: a mapping of operations, or a list of such alternatives."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        if not raw:
            raise err("rewrite", "expected a mapping of operations or a non-empty list of them")
        return tuple(_alternative(item, f"rewrite[{i}]", err, nlp) for i, item in enumerate(raw))
    return (_alternative(raw, "rewrite", err, nlp),)


def _alternative(raw, key: str, err, nlp) -> Rewrite:
    if not isinstance(raw, dict) or not raw:
        raise err(key, f"expected a mapping of operations ({', '.join(OPERATIONS)})")
    for k in raw:
        if k not in OPERATIONS:
            raise err(f"{key}.{k}", f"unknown operation (expected one of {', '.join(OPERATIONS)})")
    if set(raw) == {"if_reason"}:
        raise err(key, "if_reason alone changes nothing: add an operation")
    if "restate" in raw and set(raw) - {"restate", "if_reason"}:
        raise err(f"{key}.restate", "restate replaces the whole sentence: only if_reason may go with it")
    replace = raw.get("replace", {})
    if not isinstance(replace, dict) or ("replace" in raw and not replace):
        raise err(f"{key}.replace", "expected a mapping of word or phrase to its replacement text")
    pairs = []
    for word, text in replace.items():
        wk = f"{key}.replace.{word}"
        if not isinstance(text, str):
            raise err(wk, 'the replacement is a string ("" removes the words; quote yes, no, on, off)')
        pairs.append((_words(word, wk, err, nlp), _plain(text, wk, err, empty_ok=True)))
    drop = raw.get("drop", [])
    if not isinstance(drop, list) or ("drop" in raw and not drop):
        raise err(f"{key}.drop", "expected a non-empty list of words or phrases")
    drops = tuple(_words(w, f"{key}.drop[{i}]", err, nlp) for i, w in enumerate(drop))
    lead = raw.get("lead_in", [])
    if not isinstance(lead, list) or ("lead_in" in raw and not lead):
        raise err(f"{key}.lead_in", "expected a non-empty list of words or phrases")
    leads = tuple(_words(w, f"{key}.lead_in[{i}]", err, nlp) for i, w in enumerate(lead))
    items = raw.get("drop_item", [])
    if not isinstance(items, list) or ("drop_item" in raw and not items):
        raise err(f"{key}.drop_item", 'expected a non-empty list of the words that open a list\'s items ("no", zero)')
    openers = tuple(_words(w, f"{key}.drop_item[{i}]", err, nlp) for i, w in enumerate(items))
    texts = {}
    for op in ("modal", "negate", "qualify", "answer", "append", "restate"):
        if op in raw:
            if not isinstance(raw[op], str):
                raise err(f"{key}.{op}", "expected a string (quote yes, no, on, off)")
            # a restate template's placeholders ({approved_uses}) are names, not text
            _plain(re.sub(r"\{\w+\}", "x", raw[op]) if op == "restate" else raw[op], f"{key}.{op}", err)
            texts[op] = raw[op]
    for op in ("modal", "negate"):
        if op in texts and not all(w.isalpha() for w in texts[op].split()):
            raise err(f"{key}.{op}", "expected a word or two, e.g. may, might, not")
    if "restate" in texts:
        problem = check_template(texts["restate"], RESTATE_FIELDS)
        if problem:
            raise err(f"{key}.restate", problem)
    reasons = raw.get("if_reason", [])
    reasons = [reasons] if isinstance(reasons, str) else reasons
    if not isinstance(reasons, list) or not all(isinstance(r, str) and r.strip() for r in reasons):
        raise err(f"{key}.if_reason", "expected a text or a list of texts")
    return Rewrite(
        tuple(sorted(pairs, key=lambda p: -len(p[0]))),
        drops,
        leads,
        openers,
        texts.get("modal", "").strip(),
        texts.get("negate", "").strip(),
        texts.get("qualify", ""),
        texts.get("answer", "").strip(),
        texts.get("append", ""),
        " ".join(texts.get("restate", "").split()),
        tuple(r.strip().lower() for r in reasons),
    )


def _plain(text: str, key: str, err, empty_ok: bool = False) -> str:
    if not text.strip() and not (empty_ok and text == ""):
        raise err(key, "expected a non-empty text")
    bad = sorted(_MARKUP.intersection(text))
    if bad:
        raise err(key, f"markup characters are not allowed in rewrite text: {' '.join(bad)}")
    if "\n" in text:
        raise err(key, "a rewrite text is one line")
    return text


def _words(raw, key: str, err, nlp) -> Words:
    """A word or phrase as the matcher sees it: lower-cased tokens, each with its lemma
    where written in base form (then every inflection matches)."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or not str(raw).strip():
        raise err(key, "expected a word or phrase (quote yes, no, on, off, true, false)")
    doc = nlp(str(raw).lower())
    return tuple((t.lower_, t.lemma_ if t.lemma_ == t.lower_ else None) for t in doc if not t.is_space)


# ---------------------------------------------------------------- rewriting


@dataclass(frozen=True)
class _Edit:
    start: int  # offsets into the original text; start == end inserts
    end: int
    text: str


@dataclass(frozen=True)
class Claim:
    """What a rewrite needs to know about one finding."""

    doc: object
    prose: Prose
    text: str  # the original document
    sent: tuple[int, int]  # token range of the finding's sentence
    span: tuple[int, int]  # original offsets of the finding's text
    phrases: tuple[tuple[int, int], ...]  # token ranges of the rule's key phrases; the finding's first
    verdict: Verdict | None = None  # an approval finding's: why the claim is wrong, and about which drug
    mentions: tuple = ()  # the sentence's knowledge-base mentions (engine: _DocState.mentions)
    drug_counts: tuple[tuple[str, int], ...] = ()  # how often the document names each drug (DocFacts)

    @cached_property
    def names(self) -> dict[int, str]:
        """The last token of each knowledge-base mention of the sentence -> its type."""
        return {m.end - 1: m.type for m in self.mentions}


class _Unsafe(Exception):
    """An edit would cut through markup, or an operation found nothing to act on."""


class Rewriter:
    """Applies rules' rewrites; holds the word lists they consult (loaded on first use)."""

    def __init__(self, kb) -> None:
        self.kb = kb  # the knowledge base a ``restate`` is filled from
        self._tags: tuple[str, tuple[list[int], list[bool]]] | None = None  # the last source's blockquote tags

    def blockquote_tags(self, source: str) -> tuple[list[int], list[bool]]:
        """The offsets of the source's blockquote tags and whether each opens one, found once
        per document: searched again for each restatement, a long page was quadratic."""
        if self._tags is None or self._tags[0] is not source:
            tags = list(_BLOCKQUOTE_TAG.finditer(source))
            self._tags = (source, ([m.start() for m in tags], [not m.group(1) for m in tags]))
        return self._tags[1]

    def facts(self, claim: Claim) -> dict[str, str]:
        """What a ``restate`` template may name, for one claim; a placeholder with
        nothing to fill it is absent (the template then fails).

        ``drug``: for an approval finding, the drug its reason (the knowledge base's
        verdict) names; else the document's main drug (the one it names most; on a tie,
        one the sentence does not name, then the first named) where the sentence names
        it or names no drug, else the first drug the sentence names. ``promoted``, for a
        comparison: the first drug the sentence names that is not the one compared with
        (no "than", "like", "unlike", "your" ... just before it), else the drug the
        document names most ("leaves SSRIs in the dust" on a ketamine page); never one
        of the family it is compared with. ``condition``: the conditions the sentence names.
        ``approved_uses``: what the drug is FDA-approved for; ``unapproved_uses``: the
        sentence's conditions that approval does not cover; ``unapproved_settings``:
        the sentence's settings the drug is not approved for ("home use")."""
        kb = self.kb
        lo = claim.sent[0]
        here = claim.mentions
        counts = dict(claim.drug_counts)
        named = list(dict.fromkeys(m.id for m in here if m.type == "drug"))
        families = {kb.family(d) for d in named}
        # the most named; on a tie, one outside the families the sentence names, then the first
        main = max(counts, key=lambda d: (counts[d], kb.family(d) not in families), default=None)
        doc = claim.doc
        compared = {  # a comparing word shortly before, in the same phrase ("unlike opioids, ketamine" compares opioids)
            m.id
            for m in here
            if any(
                doc[k].lemma_ in _COMPARED and not any(doc[j].is_punct for j in range(k + 1, m.start))
                for k in range(max(lo, m.start - 3), m.start)
            )
        }
        # never a drug of the family compared with: "this stuff leaves SSRIs in the dust" on a page
        # that names fluoxetine most promotes something else, or the template fails
        rivals = {kb.family(d) for d in compared if d in kb.drugs}
        promoted = next((d for d in named if d not in compared and kb.family(d) not in rivals), None)
        if promoted is None:
            promoted = max(
                (d for d in counts if kb.family(d) not in rivals), key=counts.__getitem__, default=None
            )
        # the drug the sentence is about: one it names but does not compare with, else the page's
        # ("Clinically proven to outperform every antidepressant" on a ketamine page is about ketamine)
        free = [d for d in named if d not in compared]
        drug = main if main is not None and (main in free or not free) else (free[0] if free else None)
        if drug is not None and kb.family(drug) in rivals:
            drug = promoted
        if claim.verdict is not None:
            drug = claim.verdict.drug
        conditions = list(dict.fromkeys(m.id for m in here if m.type == "condition"))
        settings = list(dict.fromkeys(m.id for m in here if m.type == "setting"))
        out: dict[str, str] = {}
        if promoted is not None:
            out["promoted"] = kb.display(promoted)
        if conditions:
            out["condition"] = join(list(dict.fromkeys(kb.labels[c] for c in conditions)))
        if drug is not None:
            out["drug"] = kb.display(drug)
            out["approved_uses"] = join(kb.approved_uses(drug))
            out["unapproved_uses"] = join(kb.off_label_uses(drug, conditions), "or")
            barred = kb.drugs[drug].not_approved_settings
            out["unapproved_settings"] = join([f"{x} use" for x in settings if x in barred], "or")
        out.update({k[:1].upper() + k[1:]: v[:1].upper() + v[1:] for k, v in out.items() if k in ("drug", "promoted")})
        return {k: v for k, v in out.items() if v}

    @cached_property
    def _index(self) -> dict[str, frozenset[str]]:
        """Base forms by part of speech (WordNet, via spacy-lookups-data's lemma index):
        the blank pipeline tags nothing, and a verb is what ``modal`` must find."""
        import spacy_lookups_data
        from spacy.util import load_language_data

        data = load_language_data(spacy_lookups_data.en["lemma_index"])  # reads the .json.gz beside it
        return {pos: frozenset(words) for pos, words in data.items()}

    def rewrite(self, alternatives: tuple[Rewrite, ...], claim: Claim) -> str | None:
        """The sentence rewritten by the first alternative that applies, or None.

        An alternative applies when its operations find what they act on and its
        output keeps the sentence's quotes and brackets balanced.

        A question and the answer that affirms or denies it ("Can ketamine treat PTSD?
        Yes.") are one claim: only an ``answer`` alternative rewrites them (their
        answer), and without one there is no rewrite."""
        doc, (lo, hi) = claim.doc, claim.sent
        asked = next(
            (k for k in range(lo, hi) if doc[k].text == "?" and any(doc[m].is_alpha for m in range(k + 1, hi))), None
        )
        old = claim.text[claim.span[0] : claim.span[1]]
        for alt in alternatives:
            if alt.if_reason and not (claim.verdict and any(r in claim.verdict.text.lower() for r in alt.if_reason)):
                continue
            if (asked is None) == bool(alt.answer):
                continue  # an answer is for a question and its answer; word edits for the rest
            if alt.answer:
                out = _answered(claim, asked, alt.answer)
                if out is not None and _keeps_balance(old, out):
                    return out
                continue
            try:
                edits = _Apply(self, alt, claim).edits()
            except _Unsafe:
                continue
            out = _render(claim, edits)
            if out != old and _keeps_balance(old, out):
                return out
        return None


def _answered(claim: Claim, asked: int, answer: str) -> str | None:
    """The question kept and its short answer replaced; None for a longer answer, or
    one that is not verbatim in the source (markup inside it)."""
    doc, prose, hi = claim.doc, claim.prose, claim.sent[1]
    words = [k for k in range(asked + 1, hi) if doc[k].is_alpha or doc[k].like_num]
    if not words or len(words) > _SHORT_ANSWER:
        return None
    first = next(k for k in range(asked + 1, hi) if not doc[k].is_space and doc[k].text not in ('"', "*", "_"))
    last = max(k for k in range(first, hi) if not doc[k].is_space)
    start = prose.orig_start(doc[first].idx)
    end = prose.orig_end(doc[last].idx + len(doc[last].text))
    if normalise(claim.text[start:end]) != prose.text[doc[first].idx : doc[last].idx + len(doc[last].text)]:
        return None
    a, b = claim.span
    return claim.text[a:start] + answer + claim.text[end:b]


def _balance(text: str) -> tuple[bool, ...]:
    """Per pair of _PAIRS, whether the text opens as many as it closes."""
    return tuple(text.count(a) % 2 == 0 if a == b else text.count(a) == text.count(b) for a, b in _PAIRS)


def _keeps_balance(old: str, new: str) -> bool:
    """Whether each quote or bracket pair is as balanced in the rewrite as in the sentence: a
    pair balanced there stays balanced, and a quotation that opens in this sentence and
    closes in the next stays open, so that the document around it still closes it."""
    return _balance(old) == _balance(new)


def _render(claim: Claim, edits: list[_Edit]) -> str:
    a, b = claim.span
    out, pos = [], a
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(claim.text[pos : e.start])
        out.append(e.text)
        pos = e.end
    out.append(claim.text[pos:b])
    new, old = "".join(out), claim.text[a:b]
    # The sentence keeps its capital: "Nearly every patient" -> "Some patients".
    i = next((k for k, c in enumerate(old) if c.isalpha()), None)
    j = next((k for k, c in enumerate(new) if c.isalpha()), None)
    if i is not None and j is not None and old[i].isupper() and new[j].islower():
        new = new[:j] + new[j].upper() + new[j + 1 :]
    return new


class _Apply:
    """One alternative applied to one claim: the edits, or _Unsafe."""

    def __init__(self, rw: Rewriter, alt: Rewrite, claim: Claim) -> None:
        self.rw, self.alt, self.c = rw, alt, claim
        self.doc = claim.doc
        self.first_word = next((i for i in range(*claim.sent) if self.doc[i].is_alpha), claim.sent[0])
        self.replaced: dict[int, tuple[int, str]] = {}  # first token -> (end token, text)
        self.removed: set[int] = set()

    # ------------------------------------------------------------ offsets

    def _orig(self, i: int) -> tuple[int, int]:
        tok = self.doc[i]
        return self.c.prose.orig_start(tok.idx), self.c.prose.orig_end(tok.idx + len(tok.text))

    def _clean(self, i: int, entities: bool = False) -> tuple[int, int]:
        """The token's original offsets, if the source has it verbatim (no markup inside).
        ``entities``: an HTML entity counts as the character it stands for, for an edit
        that removes or replaces the whole token ("SPRAVATO&rsquo;s"): no markup is lost."""
        s, e = self._orig(i)
        src = self.c.text[s:e]
        if normalise(html.unescape(src) if entities else src) != self.doc[i].text:
            raise _Unsafe
        return s, e

    def _gap(self, i: int, j: int) -> str:
        return self.c.text[self._orig(i)[1] : self._orig(j)[0]]

    def _words(self, i: int, j: int, entities: bool = False) -> tuple[int, int]:
        """Original offsets of tokens i..j-1, if they are verbatim and only whitespace lies between."""
        s, _ = self._clean(i, entities)
        for k in range(i + 1, j):
            self._clean(k, entities)
            if self._gap(k - 1, k).strip():
                raise _Unsafe
        return s, self._clean(j - 1, entities)[1]

    def _removal(self, i: int, j: int, in_list: bool = True, entities: bool = False) -> list[_Edit]:
        """Remove tokens i..j-1 with the space before them (after them, at the sentence start,
        or where markup comes before them: "an <strong>FDA-approved treatment"); ``in_list``:
        with the comma before them, where they are an item of a list of modifiers."""
        s, e = self._words(i, j, entities)
        lo, hi = self.c.sent
        if (
            in_list
            and i > lo + 1
            and j < hi
            and self.doc[i - 1].text == ","
            and self.doc[j].is_alpha
            and self.doc[i - 2].is_alpha
        ):
            i -= 1  # one of a list of modifiers: "rapid, lasting relief" -> "rapid relief"
            s = self._words(i, j)[0]
        after = self._gap(j - 1, j) if j < hi else ""
        if i > lo and not (self._gap(i - 1, i).strip() and after and after.isspace()):
            gap = self._gap(i - 1, i)
            if gap and not gap.isspace():
                raise _Unsafe
            s -= len(gap)
        elif j < hi:
            gap = self._gap(j - 1, j)
            if not gap.isspace():
                raise _Unsafe
            e += len(gap)
        edits = [_Edit(max(s, self.c.span[0]), min(e, self.c.span[1]), "")]
        if j < hi:
            edits += self._article(i, self.c.text[self._orig(j)[0] : self._orig(j)[1]])
        return edits

    def _article(self, i: int, word: str) -> list[_Edit]:
        """'a'/'an' before token i, fitted to the word that now follows it ("an FDA-approved
        therapy" -> "a therapy"); by the first letter, which is right for most words."""
        if i <= self.c.sent[0] or self.doc[i - 1].lower_ not in ("a", "an") or not word[:1].isalpha():
            return []
        want = "an" if word[0].lower() in "aeiou" else "a"
        if self.doc[i - 1].lower_ == want:
            return []
        s, e = self._clean(i - 1)
        old = self.c.text[s:e]
        return [_Edit(s, e, want.capitalize() if old[0].isupper() else want)]

    # ------------------------------------------------------------ operations

    def edits(self) -> list[_Edit]:
        alt = self.alt
        if alt.restate:
            return self._restate(alt.restate)
        out: list[_Edit] = []
        if alt.replace or alt.drop:
            out += self._replace([(w, t) for w, t in alt.replace] + [(w, "") for w in alt.drop])
            self._no_comparison_left()
            if not (alt.modal or alt.negate or alt.qualify or alt.append or alt.lead_in):
                self._every_phrase_edited()
        if alt.drop_item:
            out += self._drop_items(alt.drop_item)
        if alt.lead_in:
            out += self._lead_in(alt.lead_in)
        if alt.negate:
            out += self._negate(alt.negate)
        if alt.qualify:
            out += self._qualify(alt.qualify)
        if alt.modal:
            out = self._modal(alt.modal, out)
        if alt.append:
            out.append(self._append(alt.append))
        _check_disjoint(out)
        return out

    def _drop_items(self, openers: tuple[Words, ...]) -> list[_Edit]:
        """The items holding the rule's key phrases removed from a verbless list of
        negatives ("No clinic visits, no needles, no risk." -> "No clinic visits, no
        needles."), each with the separator before it (after it, for the first item).
        Every key phrase must lie in a removed item, and an item must stay: where
        each item is a claim ("Zero hangover, zero dependency"), nothing is left."""
        items = self._list_items(openers)
        gone = [j for j, (x, y) in enumerate(items) if any(a < y and x < b for a, b in self.c.phrases)]
        if len(items) < 2 or not gone or len(gone) == len(items):
            raise _Unsafe
        if any(sum(self.doc[k].is_alpha for k in range(*items[j])) > _SHORT_ITEM for j in gone):
            raise _Unsafe  # "no risk with our troches": its words may belong to the whole list
        if any(not any(items[j][0] <= a < items[j][1] for j in gone) for a, _ in self.c.phrases):
            raise _Unsafe  # a claim outside the list stays
        kept = [j for j in range(len(items)) if j not in gone]
        out = []
        for j in gone:
            if j < kept[0]:
                continue  # goes with the items before the first kept one
            first, last = items[j - 1][1], items[j][1]  # the separator before it, and the item
            self._words(first, last)
            s = self._orig(first - 1)[1]
            if self.c.text[s : self._orig(first)[0]].strip():
                raise _Unsafe
            out.append(_Edit(s, self._orig(last - 1)[1], ""))
            self.removed.update(range(first, last))
        if kept[0] > 0:
            first, nxt = items[0][0], items[kept[0]][0]
            self._words(first, nxt)
            out.append(_Edit(self._clean(first)[0], self._clean(nxt)[0], ""))
            self.removed.update(range(first, nxt))
        return out

    def _list_items(self, openers: tuple[Words, ...]) -> list[tuple[int, int]]:
        """The token ranges of the items of the list of negatives that holds the key
        phrase: items that each open with one of ``openers`` ("no", "zero"), joined by
        commas, "and" or "or"."""
        doc, (lo, hi) = self.doc, self.c.sent

        def opens(i: int) -> int:
            """The length of the opener at i, where an item may start there; else 0."""
            if i >= hi or not (i == self.first_word or i > lo and doc[i - 1].text in (",", ":", ";", "—", "–", "-") or doc[i - 1].lower_ in ("and", "or")):
                return 0
            return next((len(w) for w in openers if i + len(w) <= hi and all(_match(doc[i + k], w[k]) for k in range(len(w)))), 0)

        def end(i: int) -> int:
            k = i + opens(i)
            while k < hi and doc[k].text not in (",", ";", ":", "—", "–", "(", ")") and doc[k].text not in _FINAL:
                if doc[k].lower_ in ("and", "or") and opens(k + 1):
                    break
                k += 1
            while k > i and doc[k - 1].is_space:
                k -= 1
            return k

        a = self.c.phrases[0][0]
        runs: list[list[tuple[int, int]]] = []
        i = lo
        while i < hi:
            if not opens(i):
                i += 1
                continue
            run = [(i, end(i))]
            while True:
                k = run[-1][1]
                while k < hi and (doc[k].text == "," or doc[k].lower_ in ("and", "or")) and k - run[-1][1] < 2:
                    k += 1
                if k == run[-1][1] or not opens(k):
                    break
                run.append((k, end(k)))
            runs.append(run)
            i = run[-1][1] + 1
        return next((run for run in runs if run[0][0] <= a < run[-1][1]), [])

    def _restate(self, template: str) -> list[_Edit]:
        """The sentence's words, from its first to its last (its final punctuation
        included, quotes, brackets and symbols after it kept), replaced by the template
        filled from the knowledge base; the words must be verbatim in the source with
        only whitespace between them, so no markup is lost. A sentence without final
        punctuation (a headline, a list item) takes the template without its own.

        Never for a quotation or a testimony: a restatement is the publisher's voice,
        and inside quotation marks, a blockquote or a first-person account it would put
        words in a patient's (or an expert's) mouth. Such a claim keeps the rule's
        generic suggestion unless a word edit applies."""
        lo, hi = self.c.sent
        doc = self.doc
        if self._quoted() or any(doc[k].lower_ in _FIRST_PERSON or doc[k].text == "?" for k in range(lo, hi)):
            raise _Unsafe  # (a question asserts nothing of its own to restate)
        try:
            text = template.format_map(self.rw.facts(self.c))
        except KeyError:
            raise _Unsafe from None
        last = max(k for k in range(lo, hi) if any(c.isalnum() for c in doc[k].text))
        if last + 1 < hi and doc[last + 1].text in _FINAL:
            last += 1
        elif text[-1:] in _FINAL:
            text = text[:-1]
        s, e = self._words(self.first_word, last + 1, entities=True)
        return [_Edit(s, e, text)]

    def _quoted(self) -> bool:
        """Whether the sentence holds a quotation mark, lies inside a quotation its block
        opened before it, or stands in a blockquote (Markdown '>' or HTML)."""
        lo, hi = self.c.sent
        doc, prose = self.doc, self.c.prose
        if any(doc[k].text in ('"', "'") for k in range(lo, hi)):
            return True
        start = doc[lo].idx
        k = bisect_right(prose.block_starts, start) - 1
        block = prose.block_starts[k] if k >= 0 else 0
        if prose.text.count('"', block, start) % 2:
            return True
        source, at = self.c.text, self.c.span[0]
        if source[source.rfind("\n", 0, at) + 1 : at].lstrip().startswith(">"):
            return True
        # inside an HTML blockquote: the last blockquote tag before the sentence opens one
        positions, opens = self.rw.blockquote_tags(source)
        k = bisect_left(positions, at) - 1
        return k >= 0 and opens[k]

    def _replace(self, table: list[tuple[Words, str]]) -> list[_Edit]:
        """Replace and drop, in every key phrase; between them they must change a word."""
        out: list[_Edit] = []
        lo, hi = self.c.sent
        longest = max(len(w) for w, _ in table)
        for a, b in _merged(self.c.phrases):
            # a phrase may begin before the key phrase ("a cure", "to cure": the rule matched "cure")
            i = max(lo, a - longest + 1)
            while i < b:
                best = None
                for words, text in table:
                    n = len(words)
                    if i + n > hi or i + n <= a:
                        continue
                    total = 0
                    for k in range(n):  # stops at the first word that differs: most do
                        score = _match(self.doc[i + k], words[k])
                        if not score or (score == 1 and self._graded(i + k)):
                            break  # "safe" is not "safer": the comparison is another claim
                        total += score
                    else:
                        if best is None or (n, total) > best[0]:
                            best = ((n, total), text)
                if best is None:
                    i += 1
                    continue
                (n, _), text = best
                if self.doc[i].lower_ in _NEGATIVE_DETERMINERS and not self._governed(i):
                    raise _Unsafe
                if self.doc[i].lower_ in _COMPARATIVES or self._comparative(i):
                    q = self._quantity_before(i)
                    if q < i:  # "3x more effective than" -> "different from", not "3x different from"
                        if q > lo and self._verb_like(q - 1, inside=False) and self.doc[q - 1].lemma_ != "be":
                            raise _Unsafe  # "works 3x faster than": the table's "works faster" no longer applies
                        out += self._removal(q, i, in_list=False)
                        self.removed.update(range(q, i))
                if text:
                    s, e = self._words(i, i + n)
                    old = self.c.text[s:e]
                    # the capital of a removed word that opened the sentence or a table cell
                    opened = i - 1 in self.removed and (
                        i - 1 == self.first_word or i - 1 > lo and self._gap(i - 2, i - 1).strip().endswith(">")
                    )
                    before = self.c.text[slice(*self._orig(i - 1))] if opened else ""
                    if (old[:1].isupper() and old[1:2].islower() or before[:1].isupper()) and text[:1].islower():
                        # "Works Better" -> "Works differently"; "<td>Virtually every patient" -> "<td>Some patients"
                        text = text[0].upper() + text[1:]
                    out.append(_Edit(s, e, text))
                    out += self._article(i, text)
                    self.replaced[i] = (i + n, text)
                    if self._pluralised(i, i + n, text):
                        out += self._agree(i + n)
                else:
                    out += self._removal(i, i + n)
                    self.removed.update(range(i, i + n))
                i += n
        if not out:
            raise _Unsafe
        return out

    def _no_comparison_left(self) -> None:
        """A word edit that leaves a comparison in its clause ("Clinically proven to outperform
        every antidepressant" -> "Clinically studied to outperform ...") still makes the
        superiority claim, now softened in its wording only: the alternative fails."""
        edited = set(self.removed) | {k for i, (j, _) in self.replaced.items() for k in range(i, j)}
        a = min(edited, default=self.c.phrases[0][0])
        end = self._clause_end(a + 1) or self.c.sent[1]
        for k in range(self._clause_start(a), end):
            # a "than" right after the edit is the replacement's own: "works differently than"
            if (
                k not in edited
                and self.doc[k].lemma_ in _COMPARISON
                and not (k - 1 in edited and self.doc[k].lower_ == "than")
            ):
                raise _Unsafe

    def _pluralised(self, i: int, j: int, text: str) -> bool:
        """Whether a replacement turns a singular universal into a plural ("every client"
        -> "some clients", "everyone" -> "some patients"): its verbs must agree."""
        last = text.split()[-1].lower() if text.split() else ""
        plural = last == "people" or (last.endswith("s") and last[:-1] in self.rw._index["noun"])
        return plural and any(self.doc[k].lower_ in _SINGULAR_UNIVERSALS for k in range(i, j))

    def _agree(self, k: int) -> list[_Edit]:
        """After a subject made plural at token k, its verbs in the plural: that of a
        relative clause ("who finishes" -> "who finish") and the main verb ("tells" ->
        "tell", "has come" -> "have come"), up to the end of the clause. A word after a
        determiner or a preposition is not a verb ("the program's results")."""
        doc, hi = self.doc, self.c.sent[1]
        out = []
        for i in range(k, hi):
            tok = doc[i]
            if tok.text in (",", ";", ":", "—", "–", "(") or tok.text in _FINAL or tok.lower_ in ("and", "but", "or"):
                break
            low, lemma = tok.lower_, tok.lemma_
            regular = low != lemma and low in (lemma + "s", lemma + "es", lemma[:-1] + "ies")
            if not (low in _PLURAL_OF or low == "'s" or (regular and lemma in self.rw._index["verb"])):
                continue
            if doc[i - 1].lower_ in _NOT_BEFORE_VERB:
                continue
            if low == "'s":
                raise _Unsafe  # "who's tried": "is" or "has", and no plural reads for both
            s, e = self._clean(i)
            word = _PLURAL_OF.get(low, lemma)
            out.append(_Edit(s, e, word[:1].upper() + word[1:] if self.c.text[s:e][:1].isupper() else word))
            if doc[i - 1].lower_ not in ("who", "that"):
                break  # the main verb
        return out

    def _graded(self, i: int) -> bool:
        """A comparative or superlative form ("safer", "safest", "happier")."""
        low, lemma = self.doc[i].lower_, self.doc[i].lemma_
        stem = lemma[:-1] + "i" if lemma.endswith("y") else lemma
        return low != lemma and low in (stem + "er", stem + "est", lemma + "r", lemma + "st")

    def _every_phrase_edited(self) -> None:
        """A word edit with nothing to hedge what it leaves must change each key phrase
        of the rule in the sentence: one left as it was ("safer than Tylenol" beside
        "completely safe") still makes the claim, and the rewrite would not clear it."""
        edited = set(self.removed) | {k for i, (j, _) in self.replaced.items() for k in range(i, j)}
        if any(not edited.intersection(range(a, b)) for a, b in self.c.phrases):
            raise _Unsafe

    def _comparative(self, i: int) -> bool:
        """A comparative adjective or adverb ("faster", "safer"): its lemma plus -er or -r."""
        low, lemma = self.doc[i].lower_, self.doc[i].lemma_
        return low != lemma and low in (lemma + "er", lemma + "r", lemma[:-1] + "ier")

    def _quantity_before(self, i: int) -> int:
        """The first token of what measures the comparative at i ("3x", "50 %", "two times",
        "far"); i where nothing does."""
        k = i
        while k > self.c.sent[0]:
            t = self.doc[k - 1]
            low = t.lower_
            if t.like_num or low in _QUANTITY or (low[:-1].isdigit() and low[-1:] == "x"):
                k -= 1
            elif low in ("to", "-") and k - 2 >= self.c.sent[0] and self.doc[k - 2].like_num:
                k -= 1  # "two to three times"
            else:
                break
        return k

    def _governed(self, i: int) -> bool:
        """Whether a negative determiner at i may be edited: not where it opens an item of a
        list of negatives ("No needles, no clinic, no side effects", "no daily pill, no
        withdrawal, nothing"), whose item, without it, inverts its sense beside the others.
        Governed by a word ("has no side effects"), or alone ("Zero risk of addiction"), it may."""
        doc, lo = self.doc, self.c.sent[0]
        prev = doc[i - 1] if i > lo else None
        if prev is not None and any(c.isalpha() for c in prev.text) and prev.lower_ not in ("and", "or", "nor"):
            return True
        return not any(doc[k].lower_ in _NEGATIVES for k in range(*self.c.sent) if k != i)

    def _modal(self, modal: str, edits: list[_Edit]) -> list[_Edit]:
        t = self._verb()
        if t is None:
            raise _Unsafe
        doc = self.doc
        m = self._modal_before(t)
        if m is not None:  # "will work" -> "may work"; "You'll feel" -> "You may feel"
            s, e = self._clean(m)
            return edits + [_Edit(s, e, (" " if doc[m].text.startswith("'") else "") + modal)]
        end = t + 1
        base = _THIRD_PERSON.get(doc[t].lower_, doc[t].lemma_)
        if t in self.replaced:  # the replacement, written in base form: "cures" -> "may ease symptoms of"
            end, base = self.replaced[t]
            base = base[:1].lower() + base[1:]
        s, e = self._words(t, end)
        edits = [x for x in edits if x.start != s]
        adverb = self._adverbs_before(t)
        if adverb is not None:  # "It actually rewires" -> "It may actually rewire"
            a, _ = self._clean(adverb)
            title = self.c.text[a : a + 1].isupper()  # a headline: "That Finally Works" -> "That May Finally Work"
            if title and self.c.text[s : s + 1].isupper():
                base = base[:1].upper() + base[1:]
            return edits + [_Edit(a, a, f"{modal.capitalize() if title else modal} "), _Edit(s, e, base)]
        text = f"{modal} {base}"
        if self._opens_clause(t) and doc[t].lower_ == doc[t].lemma_:
            text = f"you {text}"  # an imperative: "Feel better" -> "You may feel better"
        if self.c.text[s:e][:1].isupper():
            text = text[0].upper() + text[1:]
        return edits + [_Edit(s, e, text)]

    def _adverbs_before(self, t: int) -> int | None:
        """The first of the adverbs kept before the verb, after its subject ("Clients typically
        notice"): a modal goes before them. None where there are none, or where they open
        the sentence ("Quickly melts away stress"), which a modal cannot precede."""
        k = self._subject_end(t)
        kept = [i for i in range(k + 1, t) if i not in self.removed and self.doc[i].is_alpha]
        if not kept or k < self.c.sent[0] or not any(c.isalnum() for c in self.doc[k].text):
            return None
        return kept[0]

    def _modal_before(self, t: int) -> int | None:
        """A modal already governing the verb ("will work", "can also offer")."""
        for k in range(t - 1, max(self.c.sent[0], t - 3) - 1, -1):
            low = self.doc[k].lower_
            if low in _MODALS:
                return k
            if not (low.endswith("ly") or low in _VERB_ADVERBS):
                return None
        return None

    def _verb(self) -> int | None:
        """The claim's verb: the first in the key phrase; else, where the key phrase is only
        adverbs ("permanently fixes"), the verb right after it; else the nearest finite verb
        before it in its clause. Not an imperative before the key phrase ("Call us today to
        feel better this week": the claim is in the infinitive, and "You may call" no fix).
        An imperative that governs the key phrase directly takes it ("Feel better today")."""
        a, b = self.c.phrases[0]
        for i in range(a, b):
            if i not in self.removed and self._verb_like(i, inside=True):
                return i
        if all(self._adverb(i) for i in range(a, b)):
            i = b
            while i < self.c.sent[1] and self._adverb(i):
                i += 1
            if i < self.c.sent[1] and self._verb_like(i, inside=False):
                return i
        for i in range(a - 1, self.c.sent[0] - 1, -1):
            if self.doc[i].lower_ in _CLAUSE_BREAKS and not (i + 1 in self.removed and self.doc[i].text == ","):
                break  # (a comma before a removed modifier went with it: "offers rapid, lasting relief")
            if i not in self.removed and self._verb_like(i, inside=False):
                imperative = self._opens_clause(i) and self.doc[i].lower_ == self.doc[i].lemma_
                return None if imperative and any(self.doc[k].lower_ == "to" for k in range(i + 1, a)) else i
        return None

    def _adverb(self, i: int) -> bool:
        low = self.doc[i].lower_
        return low in _VERB_ADVERBS or (low.endswith("ly") and low != "only")

    def _verb_like(self, i: int, inside: bool) -> bool:
        """Whether token i reads as a present-tense verb that a modal can govern.

        The blank pipeline tags no parts of speech, so this is judged from the word's
        form, its lemma being a verb in WordNet, and the word before it, which must
        read as its subject: a drug or a pronoun ("Ketamine works.", "you feel"), a
        treatment or condition named in the knowledge base ("therapy works for",
        not "antidepressant effects,"), a plural ("SSRIs treat", "patients feel"),
        a noun before a word that is only a verb ("the patient responds", not
        "thought patterns"); or a modal before it, or the sentence start (an
        imperative or a headline). Never after a determiner, "to" or a preposition
        ("a cure", "to lift"), nor after "I" (a testimony is not a promise). A plain
        form after a treatment counts only inside the key phrase ("therapy last for
        months")."""
        doc = self.doc
        tok = doc[i]
        low, lemma = tok.lower_, tok.lemma_
        if not tok.is_alpha or low in _PARTICLES:
            return False
        if i + 1 < self.c.sent[1] and doc[i + 1].lower_ in ("n't", "not", "never"):
            return False  # "isn't": the claim is negated, or "may ben't"
        third = low in _THIRD_PERSON or (low != lemma and low in (lemma + "s", lemma + "es", lemma[:-1] + "ies"))
        index = self.rw._index
        if not (third or low == lemma) or (lemma not in index["verb"] and low not in _THIRD_PERSON):
            return False
        if self._opens_clause(i):
            return True  # an imperative or a headline: "Feel better", "Melts away stress"
        if self._proper(i):
            return False  # "Evergreen Infusion Partners"
        k = self._subject_end(i)
        prev = doc[k]
        p = prev.lower_
        if p in _MODALS:
            return True
        if p in _NOT_BEFORE_VERB or p == "i":
            return False
        if k > self.c.sent[0] and doc[k - 1].lower_ in _INVERTED:
            return False  # a question: "does it work", "Can ketamine treat"
        kind = self.c.names.get(k)
        if kind not in ("drug", "form", "treatment"):
            kind = None  # a condition is more often a modifier ("mood circuits") than a subject
        if p in _SUBJECT_PRONOUNS or kind in ("drug", "form"):
            return True
        noun = lemma in index["noun"]
        plural = p != prev.lemma_ and p.endswith("s") and (kind is not None or prev.lemma_ not in index["verb"])
        if p in index["adj"] and p not in index["noun"]:
            return False  # "anti-suicidal effects"
        if kind is not None:
            nxt = doc[i + 1] if i + 1 < self.c.sent[1] else None
            ends = nxt is None or nxt.is_punct or nxt.lower_ == "of"
            return (third or inside or plural) and not (noun and ends)
        if third:
            return not noun and p in index["noun"]
        return plural

    def _opens_clause(self, i: int) -> bool:
        """The sentence's first word, or the first after a colon, semicolon or dash (a table cell)."""
        if i == self.first_word:
            return True
        k = self._subject_end(i)
        return k >= self.c.sent[0] and self.doc[k].text in (";", ":", "—", "–")

    def _proper(self, i: int) -> bool:
        """A capitalised word inside a sentence that is not written in title case: a name."""
        s, e = self._orig(i)
        if not self.c.text[s:e][:1].isupper():
            return False
        words = [self.c.text[slice(*self._orig(k))] for k in range(*self.c.sent) if self.doc[k].is_alpha]
        return sum(w[:1].isupper() for w in words) * 5 < len(words) * 3

    def _subject_end(self, i: int) -> int:
        """The token before a verb that would be its subject, past adverbs ("Ketamine
        also relieves", "not only eases") and symbols ("SPRAVATO® reduces")."""
        doc, lo = self.doc, self.c.sent[0]
        k = i - 1
        while k >= lo:
            t = doc[k]
            if (
                not t.is_punct
                and not any(c.isalnum() for c in t.text)
                or t.lower_ in _VERB_ADVERBS
                or (t.lower_.endswith("ly") and t.lower_ not in ("only",))
            ):
                k -= 1
            elif t.lower_ == "only" and k > lo and doc[k - 1].lower_ == "not":
                k -= 2
            else:
                break
        return k

    def _negate(self, word: str) -> list[_Edit]:
        a, b = self.c.phrases[0]
        lo = self.c.sent[0]
        doc = self.doc
        i = a - 1
        adverbs = []
        while i >= lo and doc[i].lower_ in _AUX_ADVERBS:
            adverbs.append(i)
            i -= 1
        chain = []
        while i >= lo and doc[i].lower_ in _AUX:
            chain.insert(0, i)
            i -= 1
        if chain and any(doc[k].lemma_ == "be" or doc[k].lower_ in ("'s", "'re") for k in chain):
            if any(doc[k].lower_ in _SUBORDINATORS for k in range(max(lo, self._clause_start(i) - 1), i + 1)):
                raise _Unsafe  # "Because it is approved for X, ...": negated, the reason reads as none
            _, e = self._clean(chain[0])
            # "is also FDA-approved" -> "is not FDA-approved" (not "is not also"); "not fully" stays
            gone = [r for k in adverbs if doc[k].lower_ in _ADDITIVE for r in self._removal(k, k + 1)]
            return [_Edit(e, e, f" {word}"), *gone, *self._consequence_cut(b)]
        # "our FDA-approved therapy": a participle before a noun is a claim about it; remove it
        if self._attributive(a, b):
            self.removed.update(range(a, b))
            return self._removal(a, b)
        raise _Unsafe

    def _lead_in(self, table: tuple[Words, ...]) -> list[_Edit]:
        doc, (lo, hi) = self.doc, self.c.sent
        a = self.c.phrases[0][0]
        end = hi
        while end > lo and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1  # before the final punctuation
        for i in range(lo, hi):
            words = next((w for w in table if i + len(w) <= hi and all(_match(doc[i + k], w[k]) for k in range(len(w)))), None)
            if words is None:
                continue
            comma = next((k for k in range(i + len(words), end) if doc[k].text == "," and not self._adjectives(k)), None)
            if comma is not None and (i == self.first_word or doc[i - 1].text in (",", ";") or doc[i - 1].lower_ in ("and", "but")):
                first, last = i, comma + 1  # "Unlike X, ...": the lead-in with its comma
                if last < hi and doc[last].text == '"' and sum(doc[k].text == '"' for k in range(first, last)) % 2:
                    last += 1  # the quotation it closes: 'Hailed as "the best ...," ketamine is'
                    if not self._gap(last - 1, last).isspace() and self._gap(last - 1, last):
                        raise _Unsafe
            elif comma is None and i > lo and doc[i - 1].text == ",":
                first, last = i - 1, end  # "..., unlike X.": from its comma to the end
            else:
                continue
            if not first <= a < last:
                raise _Unsafe  # the comparison is elsewhere in the sentence
            if any(
                doc[k].lemma_ in _COMPARISON or self._comparative(k) for k in (*range(lo, first), *range(last, hi))
            ):
                raise _Unsafe  # another comparison stays ("..., and it is a lot safer than ...")
            # no markup inside what goes (a tag's other half would stay): _words refuses it
            self.removed.update(range(first, last))
            if first == i - 1:
                s, _ = self._clean(first)
                e = self._words(first, last, entities=True)[1]
                return [_Edit(s, e, "")]
            return self._removal(first, last, in_list=False, entities=True)
        raise _Unsafe

    def _adjectives(self, k: int) -> bool:
        """Whether the comma at k goes on inside a phrase ("a long, expensive stay", "SSRIs,
        which ..."), rather than closing it."""
        if k + 2 >= self.c.sent[1]:
            return False
        word, index = self.doc[k + 1].lower_, self.rw._index
        if word in ("which", "who", "whose"):
            return True  # a relative clause inside the lead-in: "Unlike SSRIs, which ..., ketamine"
        return word in index["adj"] and word not in index["noun"] and word not in index["verb"] and self.doc[k + 2].is_alpha

    def _qualify(self, text: str) -> list[_Edit]:
        a, b = self.c.phrases[0]
        (lo, hi), doc = self.c.sent, self.doc
        if any(x >= b for x, _ in self.c.phrases[1:]):
            raise _Unsafe  # another of the rule's statements after this one would stand unqualified
        if self._attributive(a, b):
            self.removed.update(range(a, b))
            return self._removal(a, b)
        # "approved for more than fifty years" is a time, not a use
        for_time = b + 1 < hi and doc[b].lower_ == "for" and (doc[b + 1].like_num or doc[b + 1].lower_ in _SPANS_OF_TIME)
        if doc[b - 1].lower_ in _PREPOSITIONS or (b < hi and doc[b].lower_ in ("as", "for", "in") and not for_time):
            raise _Unsafe  # "approved for ...", "approved as ...": the use is already named
        named = any(typ == "drug" and lo <= end < a for end, typ in self.c.names.items())
        if not named and not any(doc[k].lower_ in ("it", "they") for k in range(lo, a)):
            raise _Unsafe  # "Our at-home program is FDA-approved": the status is not the program's
        _, e = self._clean(b - 1)
        return [_Edit(e, e, text), *self._consequence_cut(b)]

    def _attributive(self, a: int, b: int) -> bool:
        """Whether the key phrase is a participle before a noun ("our FDA-approved therapy")."""
        doc, hi = self.doc, self.c.sent[1]
        return (
            b < hi
            and doc[b].is_alpha
            and not doc[b].is_stop
            and doc[b - 1].lower_.endswith("ed")
            and not any(doc[k].lemma_ in ("be", "have") for k in range(a, b))
        )

    def _clause_start(self, i: int) -> int:
        """The first token of the clause that token i is in, after the word or mark that opens it."""
        k = i
        while k > self.c.sent[0] and self.doc[k - 1].lower_ not in _CLAUSE_BREAKS:
            k -= 1
        return k

    def _consequence_cut(self, b: int) -> list[_Edit]:
        """Where a clause after the claim draws a consequence from it ("..., so many people
        find they sleep like a baby", "which means ..."), the sentence ends before it: the
        negated claim no longer supports it. The cut runs to the final punctuation, kept."""
        doc, hi = self.doc, self.c.sent[1]
        for k in range(b, hi):
            found = [c for c in _CONSEQUENCES if tuple(t.lower_ for t in doc[k : k + len(c)]) == c]
            if not found:
                continue
            start = k - 1 if k - 1 >= b and doc[k - 1].text == "," else k
            if start == k and len(max(found, key=len)) == 1:
                continue  # a lone "so" with no comma before it ("so fast", "is so") opens no clause
            end = hi
            while end > k and (doc[end - 1].text in _FINAL or doc[end - 1].text in ('"', "”", ")", "'")):
                end -= 1
            s, _ = self._words(start, end)
            _, e = self._orig(end - 1)
            return [_Edit(s, e, "")]
        return []

    def _append(self, text: str) -> _Edit:
        """Text at the end of the key phrase's clause: before a following clause ("...,
        but ...", "; ...", a table cell), else before the sentence's final punctuation,
        so that a qualifier lands where its scope reaches the claim."""
        lo, hi = self.c.sent
        doc = self.doc
        end = self._clause_end(self.c.phrases[0][1])
        if end is not None:
            k = end
            while k > lo and (doc[k - 1].is_punct or doc[k - 1].is_space):
                k -= 1
            _, e = self._clean(k - 1)
            return _Edit(e, e, text)
        k = hi
        while k > lo and not any(c.isalnum() for c in doc[k - 1].text):
            k -= 1  # past punctuation and symbols ("Start feeling better tonight &rarr;")
        final = next((m for m in range(k, hi) if doc[m].text in _FINAL), None)
        if final is not None:  # before the full stop: "(SSRIs) for some patients.", '"... for some patients."'
            s, _ = self._clean(final)
            return _Edit(s, s, text)
        _, e = self._clean(k - 1)
        return _Edit(e, e, text)

    def _clause_end(self, b: int) -> int | None:
        """The token that opens the next clause after position b, if one does. A comma
        opens one only before a conjunction ("..., and it lasts"); any other comma is
        taken for a list ("depression, anxiety and PTSD"), and the search stops."""
        doc = self.doc
        for k in range(b, self.c.sent[1]):
            low = doc[k].lower_
            if low in _BREAKS:
                return k
            if low == ",":
                nxt = doc[k + 1].lower_ if k + 1 < self.c.sent[1] else ""
                return k if nxt in _CONJUNCTIONS else None
        return None


def _match(tok, word: Word) -> int:
    """2: the same form; 1: the same lemma, for a word written in base form; 0: no match."""
    lower, lemma = word
    if tok.lower_ == lower:
        return 2
    return 1 if lemma is not None and tok.lemma_ == lemma else 0


def _check_disjoint(edits: list[_Edit]) -> None:
    spans = sorted((e.start, e.end) for e in edits if e.end > e.start)
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        if s2 < e1:
            raise _Unsafe


def _merged(ranges) -> list[tuple[int, int]]:
    """Token ranges with overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
