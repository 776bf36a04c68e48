"""Disclosure texts: what a requirement finding asks the writer to add, filled in
from the knowledge base for the drugs this document promotes.

A requirement rule's ``suggestion`` is one fixed text: its risk summary names
ketamine's risks even on a Zoloft page. A rule's ``disclosure:`` is a template
whose placeholders are filled for the document (rules/knowledge.yaml):

``{drug}``, ``{Drug}``
    the drug's ``display`` name ("sertraline (Zoloft)"); ``{Drug}`` capitalised;
``{risks}``
    its main risks (``risks``, else those of its class entry), "a, b and c";
``{risk_notes}``
    the sentences that go with them (``risk_notes``: REMS monitoring, the 988 line);
``{approved_uses}``
    what it is FDA-approved for (``approved_for``, its class members' included);
``{off_label_uses}``
    the conditions this document names that those approvals do not cover.

The template is filled once per drug the rule's triggers are about, in the order
the document names them; drugs whose texts differ only in the name share one
("Sertraline (Zoloft) or SSRIs can cause ..."), and a drug with nothing to fill
a placeholder with is left out. A template without placeholders is used as
written. Where no drug yields a text there is no disclosure, and the rule's
fixed ``suggestion`` stands.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linter.knowledge import KnowledgeBase, Mention

NAME_FIELDS = frozenset({"drug", "Drug"})
FIELDS = NAME_FIELDS | {"risks", "risk_notes", "approved_uses", "off_label_uses"}
# Stand-ins for the name while texts are compared: they cannot occur in YAML text.
_NAME, _CAPITAL = "\x00drug\x00", "\x00Drug\x00"


def placeholders(text: str) -> set[str]:
    """The placeholders of a template. ValueError for an unmatched brace, and for a
    placeholder with a conversion, a format spec or attribute access: a template
    fills in words, nothing else."""
    found = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} is not a plain {{name}}")
        found.add(name)
    return found


def check_template(text: str, allowed: frozenset[str]) -> str | None:
    """Why a template is malformed, or None."""
    try:
        names = placeholders(text)
    except ValueError as exc:
        return f"malformed placeholder: {exc} (a literal brace is written {{{{ or }}}})"
    unknown = sorted(names - allowed)
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}} (known: {', '.join('{' + f + '}' for f in sorted(allowed))})"
    return None


def join(items: list[str], conjunction: str = "and") -> str:
    """"a", "a and b", "a, b and c"; with a comma before the last item when an item
    has a comma or the conjunction of its own ("abuse and misuse, and ...")."""
    if len(items) < 2:
        return "".join(items)
    serial = any("," in item or f" {conjunction} " in item for item in items)
    return ", ".join(items[:-1]) + ("," if serial else "") + f" {conjunction} " + items[-1]


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Template:
    """A rule's ``disclosure:`` text and the placeholders it uses."""

    text: str
    fields: frozenset[str]

    @classmethod
    def parse(cls, raw: object, err: Callable[[str, str], Exception]) -> Template:
        """Validated at load time, like every rule key (``err`` names file, rule and key)."""
        if not isinstance(raw, str) or not raw.strip():
            raise err("disclosure", "expected a non-empty text with placeholders such as {Drug} and {risks}")
        text = " ".join(raw.split())
        problem = check_template(text, FIELDS)
        if problem:
            raise err("disclosure", problem)
        return cls(text, frozenset(placeholders(text)))

    def fill(self, kb: KnowledgeBase, drugs: list[str], conditions: list[str]) -> str | None:
        """The text for a document whose triggers are about ``drugs`` (ids, in order)
        and which names ``conditions`` (ids, in order); None where no drug yields one."""
        if not self.fields:
            return self.text.format()
        needed = self.fields - NAME_FIELDS
        groups: dict[str, list[str]] = {}  # text with the name left open -> display names
        for did in dict.fromkeys(drugs):
            values = _facts(kb, did, conditions, needed)
            if values is None:
                continue
            key = self.text.format_map({**values, "drug": _NAME, "Drug": _CAPITAL})
            groups.setdefault(key, []).append(kb.display(did))
        texts = []
        for key, names in groups.items():
            name = join(list(dict.fromkeys(names)), "or")
            texts.append(" ".join(key.replace(_CAPITAL, capitalise(name)).replace(_NAME, name).split()))
        return " ".join(dict.fromkeys(texts)) or None


def _facts(kb: KnowledgeBase, did: str, conditions: list[str], needed: frozenset[str]) -> dict[str, str] | None:
    """The placeholders' values for one drug, or None where one it needs has none."""
    values: dict[str, str] = {}
    if needed & {"risks", "risk_notes"}:
        entry = kb.risk_entry(did)
        if entry is None:
            return None
        values["risks"] = join([r.text for r in entry.risks])
        values["risk_notes"] = " ".join(n.text.format(drug=_NAME, Drug=_CAPITAL) for n in entry.risk_notes)
    if "approved_uses" in needed:
        values["approved_uses"] = join(kb.approved_uses(did))
    if "off_label_uses" in needed:
        values["off_label_uses"] = join(kb.off_label_uses(did, conditions))
    if any(not values[f] for f in needed - {"risk_notes"}):
        return None
    return values


def trigger_drug(mentions: list[Mention], a: int, b: int, clause_start: int, in_match: bool) -> str | None:
    """The drug one trigger (tokens ``a:b``) is about, among its sentence's drug mentions.

    Where the trigger's pattern names drugs (``{KB: drug:ketamine}``), the drug it
    matched. Otherwise the drug the trigger word qualifies ("rapid-acting ketamine
    care"), else the nearest drug named before the trigger's end in its clause:
    the subject ("SSRIs calm racing thoughts", "our ketamine troches"), not a
    comparator after it ("works just like Spravato") or in another clause ("I used
    to take Lexapro, and this worked"). A trigger that is a word of a drug's name
    ("antidepressants" read as a benefit word) is about no drug.
    """
    drugs = sorted((m for m in mentions if m.type == "drug"), key=lambda m: m.start)
    if in_match:
        inside = [m for m in drugs if m.start < b and a < m.end]
        if inside:
            return inside[0].id
    if any(m.start <= a and b <= m.end for m in drugs):
        return None
    qualified = [m for m in drugs if m.start == b]
    if qualified:
        return qualified[0].id
    before = [m for m in drugs if clause_start <= m.start < b]
    return before[-1].id if before else None
