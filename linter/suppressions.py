"""Inline suppressions: comments that waive a finding, each with its reason.

Ruff's ``noqa`` names the rule it silences and its RUF100 reports a ``noqa``
that silences nothing. Marketing copy goes through medical-legal review, so
claimlint also asks for a reason: every waiver is an audit trail.

    <!-- claimlint-disable-next-line efficacy-cure -- quoted from the FDA warning letter -->
    <!-- claimlint-disable onset -- reason -->  ...  <!-- claimlint-enable onset -->
    <!-- claimlint-disable-file disclosure.consult -- reason -->
    claimlint: disable-next-line efficacy -- reason      (a line of a plain-text file)

RULE is a rule id or a category prefix, as with ``--select``; several may be
given, separated by commas. A directive without a reason waives nothing and is
itself a finding; so is one that waives nothing, and one that cannot be read.
Waived findings are kept, marked with the reason (``Finding.suppressed``), so
that JSON and SARIF list them for reviewers. Findings about directives are not
themselves suppressible inline (that would waive the audit trail); they are
selected and ignored like any rule, by their ids or the category ``directive``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from linter.findings import Finding, Span
from linter.prose import Comment, LineIndex, Outline, Prose

DIRECTIVE_CATEGORY = "directive"
ACTIONS = ("disable-next-line", "disable", "enable", "disable-file")
_DIRECTIVE = re.compile(r"\s*(?:#|//)?\s*claimlint(?:-|:\s*)(?P<action>[a-z-]+)(?P<rest>.*)", re.S | re.I)
_REASON_SEP = re.compile(r"(?:^|\s)--(?:\s|$)")
_EXAMPLE = "<!-- claimlint-disable-next-line RULE -- why this text may stand -->"


@dataclass(frozen=True)
class DirectiveRule:
    """A rule about claimlint's own directives: outside the claim taxonomy, no patterns."""

    id: str
    severity: str
    message: str
    rationale: str
    suggestion: str
    category: str = DIRECTIVE_CATEGORY
    scope: str = "sentence"
    references: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return self.message


WITHOUT_REASON = DirectiveRule(
    "suppression-without-reason",
    "warning",
    "A suppression gives no reason, so it suppresses nothing.",
    "A waived compliance finding must say why the text may stand, so that a reviewer can audit the "
    "waiver later; a directive without a reason is not applied.",
    f"Add the reason after ' -- ': {_EXAMPLE}",
)
UNUSED = DirectiveRule(
    "unused-suppression",
    "warning",
    "A suppression suppresses nothing.",
    "A waiver that no longer matches a finding (the text was rewritten, or the rule changed) hides "
    "nothing today but would silently hide a future finding; remove it.",
    "Remove the directive, or name the rule that the text actually triggers.",
)
INVALID = DirectiveRule(
    "invalid-suppression",
    "warning",
    "A claimlint directive cannot be read.",
    "A misspelt directive, rule or category would otherwise be ignored without a word, leaving the "
    "finding it was meant to waive, or a stray 'enable', unexplained.",
    f"Write it as {_EXAMPLE}; RULE is a rule id or category (see 'claimlint rules').",
)
DIRECTIVE_RULES = (WITHOUT_REASON, UNUSED, INVALID)


@dataclass(frozen=True)
class Directive:
    """One parsed directive and where its comment stands in the original text."""

    action: str
    selectors: tuple[str, ...]
    reason: str
    start: int
    end: int
    problem: str | None = None

    @property
    def label(self) -> str:
        return f"claimlint-{self.action} {', '.join(self.selectors)}".rstrip()


@dataclass(frozen=True)
class _Waiver:
    """One selector of a reasoned directive and the findings it may cover."""

    directive: Directive
    selector: str
    rank: int  # 0 next-line, 1 block, 2 file: the most specific waiver gives the reason
    lo: int = 0  # block: original offsets [lo, hi) where sentence findings are covered
    hi: int = 0
    line: int = 0  # next-line: the line it covers


def selected(selectors, rule: str, category: str) -> bool:
    """A selector names a rule id, a category, or a prefix of either ("efficacy")."""
    for s in selectors:
        if s in (rule, category) or category.startswith(s + ".") or rule.startswith(s + "-"):
            return True
    return False


def parse(comment: Comment, text: str) -> Directive | None:
    """The directive in a comment, or None when the comment is not one of claimlint's."""
    m = _DIRECTIVE.match(comment.text)
    if not m:
        return None
    start = comment.start
    if text.startswith("<!--", start - 4):  # the Markdown reader starts a comment after "<!--"
        start -= 4
    action = m.group("action").lower()
    head, *tail = _REASON_SEP.split(m.group("rest"), maxsplit=1)
    selectors = tuple(s for s in re.split(r"[\s,]+", head) if s)
    reason = " ".join(tail[0].split()) if tail else ""
    problem = None
    if action not in ACTIONS:
        problem = f"unknown directive 'claimlint-{action}' (expected one of: {', '.join(ACTIONS)})"
    elif action != "enable" and not selectors:
        problem = f"'claimlint-{action}' names no rule: name the rule id or category it waives"
    return Directive(action, selectors, reason, start, comment.end, problem)


def _next_prose_line(prose: Prose | Outline, lines: LineIndex, offset: int) -> int:
    """The line of the first prose character after ``offset``: blank lines, other
    comments, code blocks and front matter are not prose and are stepped over."""
    best = prose.next_prose_offset(offset)
    return lines.position(best)[0] if best is not None else 0


def _waivers(directives: list[Directive], prose: Prose | Outline, lines: LineIndex, text_len: int):
    """Reasoned directives as waivers, and the directives that are themselves problems."""
    waivers: list[_Waiver] = []
    problems: list[tuple[Directive, object, str]] = []
    open_blocks: list[tuple[Directive, str]] = []  # each selector of a block closes on its own
    for d in directives:
        if d.problem:
            problems.append((d, INVALID, d.problem))
            continue
        if d.action == "enable":
            closing = [(b, s) for b, s in open_blocks if not d.selectors or s in d.selectors]
            if not closing:
                problems.append((d, INVALID, f"'{d.label}' closes no open claimlint-disable"))
            for b, s in closing:
                open_blocks.remove((b, s))
                if b.reason:
                    waivers.append(_Waiver(b, s, 1, b.end, d.start))
            continue
        if not d.reason:
            problems.append((d, WITHOUT_REASON, f"'{d.label}' gives no reason after ' -- ', so it suppresses nothing"))
        if d.action == "disable":
            open_blocks.extend((d, s) for s in d.selectors)
        elif not d.reason:
            continue
        elif d.action == "disable-next-line":
            line = _next_prose_line(prose, lines, d.end)
            waivers.extend(_Waiver(d, s, 0, line=line) for s in d.selectors)
        else:
            waivers.extend(_Waiver(d, s, 2) for s in d.selectors)
    # A block never closed runs to the end of the file.
    waivers.extend(_Waiver(b, s, 1, b.end, text_len) for b, s in open_blocks if b.reason)
    return waivers, problems


def _covers(w: _Waiver, f: Finding) -> bool:
    if not selected((w.selector,), f.rule, f.category):
        return False
    if w.rank == 0:
        return f.span.line <= w.line <= f.span.end_line and f.span.end > w.directive.end
    if w.rank == 1:
        if f.scope == "document":  # a document requirement is waived anywhere before its trigger
            return w.directive.start < f.span.start
        return w.lo <= f.span.start < w.hi
    return True


def _directive_finding(path: str, text: str, lines: LineIndex, d: Directive, rule, message: str) -> Finding:
    l1, c1 = lines.position(d.start)
    l2, c2 = lines.position(d.end)
    span = Span(d.start, d.end, l1, c1, l2, c2)
    return Finding(
        path=path,
        span=span,
        match=span,
        rule=rule.id,
        category=rule.category,
        scope=rule.scope,
        severity=rule.severity,
        message=message,
        text=text[d.start : d.end],
        suggestion=rule.suggestion,
    )


def apply_suppressions(
    findings: list[Finding], prose: Prose | Outline, text: str, lines: LineIndex, path: str, rules
) -> list[Finding]:
    """Mark the findings that a reasoned directive waives, and add the findings about
    directives: without a reason, unreadable, naming an unknown rule, or unused.

    ``prose`` is the document's Prose, or its Outline where it was linted in sections.

    ``rules`` are the rules that ran; a selector must name one of them.
    """
    directives = sorted(filter(None, (parse(c, text) for c in prose.comments)), key=lambda d: d.start)
    if not directives:
        return findings
    waivers, problems = _waivers(directives, prose, lines, len(text))
    used: set[tuple[int, str]] = set()
    out: list[Finding] = []
    for f in findings:
        covering = sorted((w for w in waivers if _covers(w, f)), key=lambda w: (w.rank, -w.directive.start))
        for w in covering:
            used.add((w.directive.start, w.selector))
        out.append(replace(f, suppressed=covering[0].directive.reason) if covering else f)
    known = [(r.id, r.category) for r in rules]
    seen: set[tuple[int, str]] = set()
    for w in waivers:
        key = (w.directive.start, w.selector)
        if key in used or key in seen:
            continue
        seen.add(key)
        d = w.directive
        if not any(selected((w.selector,), rid, cat) for rid, cat in known):
            problems.append(
                (d, INVALID, f"'{d.label}': {w.selector!r} is not a rule id or category (see 'claimlint rules')")
            )
        else:
            where = ("on the next line", "between it and its claimlint-enable", "in this file")[w.rank]
            problems.append((d, UNUSED, f"'{d.label}' suppresses nothing: no {w.selector!r} finding {where}"))
    out.extend(_directive_finding(path, text, lines, d, rule, msg) for d, rule, msg in problems)
    out.sort(key=Finding.sort_key)
    return out
