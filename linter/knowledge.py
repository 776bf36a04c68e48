"""The knowledge base: drugs, conditions, forms, settings and lexicons, from YAML.

Facts are data (rules/knowledge.yaml); this module only loads them, finds their
mentions in a Doc, and answers two kinds of question: for the approval rules, is
the FDA approval that a sentence claims one that exists? and for the disclosure
texts (linter/disclosure.py), what is a drug called, what are its main risks,
what is it approved for, and which of a document's conditions is it not?
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.disclosure import NAME_FIELDS, check_template, join
from linter.errors import RuleError
from linter.yamlio import load_yaml

ENTITY_TYPES = ("drug", "condition", "form", "setting")


@dataclass(frozen=True)
class Approval:
    condition: str
    with_: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """Why a claimed FDA approval is wrong: the reason as reported, and the drug it is
    about (None where the reason is about a form or a device, not a drug)."""

    text: str
    drug: str | None = None


@dataclass(frozen=True)
class Fact:
    """A risk or a note for disclosure texts, with the id of its entry under ``sources``."""

    text: str
    source: str


@dataclass(frozen=True)
class Drug:
    id: str
    names: tuple[str, ...]
    approved_for: tuple[Approval, ...]
    members_of: str | None
    drug_class: str | None
    bare_ok: bool
    misleading_with: tuple[str, ...]
    not_approved_settings: tuple[str, ...]
    source: str
    display: str = ""  # how a disclosure text names it; its first name where empty
    risks: tuple[Fact, ...] = ()  # its main risks, short phrases ("dissociation")
    risk_notes: tuple[Fact, ...] = ()  # sentences a risk summary must carry (REMS, 988)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    type: str
    id: str


@dataclass
class KnowledgeBase:
    path: str
    sources: dict[str, str]
    drugs: dict[str, Drug]
    parents: dict[str, str]
    names: dict[str, dict[str, tuple[str, ...]]]  # type -> id -> names
    never_forms: set[str] = field(default_factory=set)
    _matcher: object = None
    labels: dict[str, str] = field(default_factory=dict)  # condition id -> how texts name it

    # ------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: str) -> KnowledgeBase:
        data = load_yaml(path)
        if not isinstance(data, dict):
            raise RuleError(path, None, None, "the knowledge base must be a mapping")
        known = {"sources", "drugs", "conditions", "forms", "settings", "lexicons"}
        for key in data:
            if key not in known:
                raise RuleError(path, None, key, f"unknown key (expected one of {', '.join(sorted(known))})")
        sources = data.get("sources") or {}
        names: dict[str, dict[str, tuple[str, ...]]] = {t: {} for t in ENTITY_TYPES}
        parents: dict[str, str] = {}
        labels: dict[str, str] = {}
        for cid, entry in (data.get("conditions") or {}).items():
            _mapping(path, cid, entry, {"names", "parent", "label"})
            names["condition"][cid] = _names(path, cid, entry)
            labels[cid] = _text(path, cid, entry, "label") or names["condition"][cid][0]
            if entry.get("parent"):
                parents[cid] = str(entry["parent"])
        for cid, parent in parents.items():
            if parent not in names["condition"]:
                raise RuleError(path, cid, "parent", f"unknown condition {parent!r}")
        never = set()
        for fid, entry in (data.get("forms") or {}).items():
            _mapping(path, fid, entry, {"names", "approved", "source"})
            names["form"][fid] = _names(path, fid, entry)
            if entry.get("approved") == "never":
                never.add(fid)
        for sid, entry in (data.get("settings") or {}).items():
            _mapping(path, sid, entry, {"names", "source"})
            names["setting"][sid] = _names(path, sid, entry)
        drugs: dict[str, Drug] = {}
        for did, entry in (data.get("drugs") or {}).items():
            _mapping(
                path,
                did,
                entry,
                {
                    "names", "approved_for", "off_label", "bare_approval", "members_of", "class", "source",
                    "not_approved_settings", "display", "risks", "risk_notes",
                },
            )
            names["drug"][did] = _names(path, did, entry)
            approvals = []
            for item in entry.get("approved_for") or []:
                if isinstance(item, str):
                    approvals.append(Approval(item))
                elif isinstance(item, dict) and "condition" in item:
                    approvals.append(Approval(str(item["condition"]), tuple(item.get("with") or ())))
                else:
                    raise RuleError(path, did, "approved_for", "each entry is a condition id or {condition, with}")
            for a in approvals:
                for c in (a.condition, *a.with_):
                    if c not in names["condition"]:
                        raise RuleError(path, did, "approved_for", f"unknown condition {c!r}")
            bare = entry.get("bare_approval", "ok")
            misleading: tuple[str, ...] = ()
            if isinstance(bare, dict):
                misleading = tuple(bare.get("misleading_with") or ())
                bare_ok = False
            elif bare == "ok":
                bare_ok = True
            else:
                raise RuleError(path, did, "bare_approval", "expected 'ok' or {misleading_with: [...]}")
            drugs[did] = Drug(
                did,
                names["drug"][did],
                tuple(approvals),
                entry.get("members_of"),
                entry.get("class"),
                bare_ok,
                misleading,
                tuple(entry.get("not_approved_settings") or ()),
                str(entry.get("source", "")),
                _text(path, did, entry, "display"),
                _facts(path, did, entry, "risks", "risk", sources),
                _facts(path, did, entry, "risk_notes", "note", sources),
            )
        for lid, terms in (data.get("lexicons") or {}).items():
            if lid in ENTITY_TYPES:
                raise RuleError(path, lid, None, "a lexicon may not reuse an entity type name")
            if not isinstance(terms, list) or not all(isinstance(t, (str, int)) for t in terms):
                raise RuleError(path, lid, None, "a lexicon is a list of terms")
            names[lid] = {lid: tuple(str(t).lower() for t in terms)}
        return cls(path, {str(k): str(v) for k, v in sources.items()}, drugs, parents, names, never, labels=labels)

    # ------------------------------------------------------------ lookups

    def types(self) -> set[str]:
        return set(self.names)

    def terms(self, ref: str) -> tuple[str, ...]:
        """All names behind a reference: ``drug``, ``drug:ketamine``, ``risk``."""
        typ, _, ident = ref.partition(":")
        table = self.names.get(typ)
        if table is None or (ident and ident not in table):
            raise KeyError(ref)
        if ident:
            return table[ident]
        return tuple(n for ns in table.values() for n in ns)

    def family(self, did: str) -> str:
        """The class a drug belongs to, or stands for ("SSRIs", "antidepressants" and
        sertraline are one family); a drug outside any class is its own."""
        drug = self.drugs[did]
        return drug.drug_class or drug.members_of or did

    def class_members(self, did: str) -> list[Drug]:
        drug = self.drugs[did]
        if drug.members_of:
            return [d for d in self.drugs.values() if d.drug_class == drug.members_of]
        return [drug]

    # ------------------------------------------------------------ disclosure texts

    def display(self, did: str) -> str:
        drug = self.drugs[did]
        return drug.display or drug.names[0]

    def risk_entry(self, did: str) -> Drug | None:
        """The entry whose risks stand for a drug's: its own, else its class entry's
        (sertraline's are those of ``ssri``, the entry whose ``members_of`` is its class)."""
        drug = self.drugs[did]
        if drug.risks:
            return drug
        group = drug.drug_class or drug.members_of
        return next((d for d in self.drugs.values() if d.risks and group and d.members_of == group), None)

    def approved_uses(self, did: str) -> list[str]:
        """What a drug (or its class's members) is FDA-approved for, as texts name it."""
        out = []
        for d in self.class_members(did):
            for a in d.approved_for:
                label = self.labels[a.condition]
                # {condition: suicidal-ideation, with: [mdd]}: "major depressive disorder with suicidal thoughts"
                out.append(f"{self.labels[a.with_[0]]} with {label}" if a.with_ else label)
        return list(dict.fromkeys(out))

    def off_label_uses(self, did: str, conditions: list[str]) -> list[str]:
        """The conditions named (ids, in document order) that the drug's approvals do
        not cover, as texts name them; a condition under a broader one listed is left
        to it ("depression" covers "treatment-resistant depression")."""
        named = list(dict.fromkeys(conditions))
        claimed = set(named)
        members = self.class_members(did)
        uncovered = [c for c in named if not any(self._covers(d, c, claimed) for d in members)]
        return [self.labels[c] for c in uncovered if not set(self.ancestors(c)) & set(uncovered)]

    def ancestors(self, cid: str) -> list[str]:
        out = []
        seen = set()
        while cid in self.parents and cid not in seen:
            seen.add(cid)
            cid = self.parents[cid]
            out.append(cid)
        return out

    # ------------------------------------------------------------ matching

    def build_matcher(self, nlp) -> None:
        """Names written in their base form match every inflection (on lemmas);
        a name with an inflected word matches as written ("thought" must not
        match "think", whose lemma it shares)."""
        from spacy.matcher import PhraseMatcher

        by_lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for typ, table in self.names.items():
            for ident, names in table.items():
                docs = list(nlp.pipe([n.lower() for n in names]))
                base = [d for d in docs if all(t.lemma_ == t.lower_ for t in d)]
                inflected = [d for d in docs if any(t.lemma_ != t.lower_ for t in d)]
                if base:
                    by_lemma.add(f"{typ}:{ident}", base)
                if inflected:
                    by_lower.add(f"{typ}:{ident}", inflected)
        self._matcher = (by_lemma, by_lower)

    def mentions(self, doc) -> list[Mention]:
        """Every KB mention, the longest per type where mentions of one type overlap."""
        vocab = doc.vocab.strings
        found: dict[str, list[Mention]] = {}
        by_lemma, by_lower = self._matcher
        for key, start, end in [*by_lemma(doc), *by_lower(doc)]:
            typ, _, ident = vocab[key].partition(":")
            found.setdefault(typ, []).append(Mention(start, end, typ, ident))
        out: list[Mention] = []
        for ms in found.values():
            ms.sort(key=lambda m: (-(m.end - m.start), m.start))
            taken: set[int] = set()
            for m in ms:
                if not any(i in taken for i in range(m.start, m.end)):
                    out.append(m)
                    taken.update(range(m.start, m.end))
        out.sort(key=lambda m: (m.start, m.end, m.type))
        return out

    # ------------------------------------------------------------ approval

    def approval_problem(
        self,
        drug_id: str | None,
        conditions: list[str],
        forms: list[str],
        settings: list[str],
        lexicons: set[str],
        cleared: bool,
    ) -> Verdict | None:
        """Why a claimed FDA approval is wrong, or None when the knowledge base supports it."""
        if cleared and (drug_id is not None or forms):
            return Verdict("'FDA-cleared' applies to devices (510(k)); no drug is FDA-cleared (21 CFR 807.97)")
        for f in forms:
            if f in self.never_forms:
                return Verdict(f"{f} products are not FDA-approved")
        if drug_id is None:
            return None
        drug = self.drugs[drug_id]
        members = self.class_members(drug_id)
        for s in settings:
            if s in drug.not_approved_settings:
                return Verdict(f"{self.display(drug_id)} is not FDA-approved for {s} use", drug_id)
        if not conditions:
            if drug.bare_ok:
                return None
            if lexicons & set(drug.misleading_with):
                approved = join(self.approved_uses(drug_id))
                text = f"{self.display(drug_id)} is FDA-approved only for {approved}; the claim implies an approval for this use"
                return Verdict(text, drug_id)
            return None
        claimed = set(conditions)
        for c in conditions:
            if not any(self._covers(d, c, claimed) for d in members):
                approved = join(self.approved_uses(drug_id)) or "nothing"
                text = f"{self.display(drug_id)} is not FDA-approved for {self.labels.get(c, c)} (approved for {approved})"
                return Verdict(text, drug_id)
        return None

    def _covers(self, drug: Drug, claimed: str, all_claimed: set[str]) -> bool:
        for a in drug.approved_for:
            if a.with_ and not (all_claimed & set(a.with_)):
                continue
            if claimed == a.condition or claimed in self.ancestors(a.condition):
                return True
        return False


def _mapping(path: str, ident: str, entry, allowed: set[str]) -> None:
    if not isinstance(entry, dict):
        raise RuleError(path, ident, None, "expected a mapping")
    for key in entry:
        if key not in allowed:
            raise RuleError(path, ident, key, f"unknown key (expected one of {', '.join(sorted(allowed))})")


def _text(path: str, ident: str, entry: dict, key: str) -> str:
    """An optional one-line text (a display name, a label); "" where absent."""
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RuleError(path, ident, key, "expected a non-empty text")
    return " ".join(value.split())


def _facts(path: str, ident: str, entry: dict, key: str, text_key: str, sources: dict) -> tuple[Fact, ...]:
    """``risks`` / ``risk_notes``: a list of {risk|note: text, source: id under sources}.
    A note may name the drug with {drug} or {Drug}; nothing else is filled in."""
    raw = entry.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise RuleError(path, ident, key, f"expected a non-empty list of {{{text_key}: text, source: id}}")
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise RuleError(path, ident, where, f"expected a mapping {{{text_key}: text, source: id}}")
        for k in item:
            if k not in (text_key, "source"):
                raise RuleError(path, ident, f"{where}.{k}", f"unknown key (expected {text_key}, source)")
        text = item.get(text_key)
        if not isinstance(text, str) or not text.strip():
            raise RuleError(path, ident, f"{where}.{text_key}", "required, a non-empty text")
        text = " ".join(text.split())
        problem = check_template(text, NAME_FIELDS) if text_key == "note" else None
        if problem:
            raise RuleError(path, ident, f"{where}.{text_key}", problem)
        source = item.get("source")
        if not isinstance(source, str) or source not in sources:
            known = ", ".join(sorted(map(str, sources)))
            raise RuleError(path, ident, f"{where}.source", f"required, the id of an entry under sources (one of: {known})")
        out.append(Fact(text, source))
    return tuple(out)


def _names(path: str, ident: str, entry) -> tuple[str, ...]:
    names = entry.get("names")
    if not isinstance(names, list) or not names or not all(isinstance(n, (str, int)) for n in names):
        raise RuleError(path, ident, "names", "expected a non-empty list of names")
    return tuple(str(n).lower() for n in names)
