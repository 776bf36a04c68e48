"""Very large documents are linted in sections (linter/sections.py), in bounded memory,
with the findings of the whole document.

The corpus documents are small, so the tests lint them with tiny sections: every
finding must be the one the whole document gives. That exercises what crosses a
section: the drug a page names most, disclosures made in another section, a
refutation that governs a list further down, suppressions, and questions answered
in the next paragraph.
"""

from __future__ import annotations

import glob
import os

import pytest

from linter.sections import sections
from linter.sources import read_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = sorted(
    p
    for p in glob.glob(os.path.join(ROOT, "corpus", "**", "*.*"), recursive=True)
    if p.endswith((".md", ".html", ".txt")) and os.path.basename(p) != "README.md"
)


@pytest.fixture
def small_sections(linter):
    """The session's linter, cutting documents into sections of about 300 characters."""
    saved = linter.section_chars, linter.context_chars
    yield linter
    linter.section_chars, linter.context_chars = saved


def _both(linter, text: str, kind: str, limit: int = 300, context: int = 1500):
    linter.section_chars = 10**12
    whole = [f.to_dict() for f in linter.lint_text(text, kind, "doc")]
    linter.section_chars, linter.context_chars = limit, context
    parts = [f.to_dict() for f in linter.lint_text(text, kind, "doc")]
    return whole, parts


def test_corpus_findings_are_the_same_in_sections(small_sections):
    cut = 0
    for path in CORPUS:
        src = read_source(path)
        cut += len(sections(src.kind, src.text, 300, 1500)) > 1
        whole, parts = _both(small_sections, src.text, src.kind)
        assert parts == whole, path
    assert cut > 100  # most documents were really cut


def test_context_is_what_makes_sections_exact(small_sections):
    """Without context around a section, rules that look at the sentences before
    (the drug a pronoun refers to, a rebuttal of a quoted claim) lose it: the
    equality above is not trivial."""
    def differs(path) -> bool:
        src = read_source(path)
        whole, parts = _both(small_sections, src.text, src.kind, limit=100, context=0)
        return parts != whole

    assert any(differs(path) for path in CORPUS)  # stops at the first document that differs


def test_disclosure_in_another_section_satisfies_a_requirement(small_sections):
    filler = "\n\n".join(f"Paragraph {i} is about the clinic's parking and opening hours." for i in range(40))
    claim = "Ketamine relieves depression for some patients in studies."
    risks = "Ketamine can cause dissociation, nausea and raised blood pressure."
    text = f"{claim}\n\n{filler}\n\n{risks}\n"
    whole, parts = _both(small_sections, text, "text")
    assert parts == whole
    assert "risks-disclosure" not in {f["rule"] for f in parts}
    without = _both(small_sections, f"{claim}\n\n{filler}\n", "text")[1]
    assert "risks-disclosure" in {f["rule"] for f in without}


def test_suppressions_reach_across_sections(small_sections):
    filler = "\n\n".join(f"Paragraph {i} is about the clinic's parking and opening hours." for i in range(30))
    text = (
        "<!-- claimlint-disable efficacy -- quoted from a 2019 FDA warning letter -->\n\n"
        f"Ketamine cures depression.\n\n{filler}\n\n"
        "<!-- claimlint-enable efficacy -->\n\n"
        f"{filler}\n\n"
        "<!-- claimlint-disable-next-line safety -- a patient's words, quoted in a review -->\n\n"
        "Ketamine is completely safe.\n\n"
        "<!-- claimlint-disable-file disclosure -- reviewed by legal, ticket 42 -->\n"
    )
    whole, parts = _both(small_sections, text, "markdown")
    assert parts == whole
    waived = {f["rule"]: f.get("suppressed") for f in parts}
    assert waived["efficacy-cure"] == "quoted from a 2019 FDA warning letter"
    assert waived["safety-absolute"] == "a patient's words, quoted in a review"


def test_a_section_stays_small(linter, monkeypatch):
    """Memory is bounded by the section: no window analysed is much longer than it."""
    paragraph = (
        "Ketamine infusions may help some adults with treatment-resistant depression, "
        "according to studies. Talk to your provider.\n\n"
    )
    text = paragraph * (3 * (1 << 18) // len(paragraph))  # about three default sections
    seen: list[int] = []
    analyse = type(linter).analyse

    def spy(self, prose, *args, **kwargs):
        seen.append(prose.o_ends[-1] - prose.o_starts[0])
        return analyse(self, prose, *args, **kwargs)

    monkeypatch.setattr(type(linter), "analyse", spy)
    findings = linter.lint_text(text, "text", "big.txt")
    assert len(seen) >= 3
    # a window reaches to the first cut point beyond the context, on each side
    assert max(seen) <= linter.section_chars + 2 * (linter.context_chars + len(paragraph))
    assert all(f.span.end <= len(text) and text[f.span.start : f.span.end] == f.text for f in findings)


@pytest.mark.parametrize(
    ("kind", "text", "forbidden"),
    [
        # a fenced code block keeps its blank lines
        ("markdown", "Intro.\n\n```\ncode\n\nmore code\n```\n\nAfter.\n", "more code"),
        # so does <pre>, and a comment
        ("markdown", "Intro.\n\n<pre>\nA\n\nB\n</pre>\n\nAfter.\n", "B\n</pre>"),
        ("html", "<p>Intro.</p>\n\n<!-- a\n\nb -->\n\n<p>After.</p>\n", "b -->"),
        # an indented line may continue a list item
        ("markdown", "- item\n\n    more of the item\n\nAfter.\n", "    more"),
        # a blank line inside <p> is a space, not a paragraph break
        ("html", "<p>Ketamine relieves\n\ndepression.</p>\n\n<p>After.</p>\n", "depression."),
        # a question is read with its answer
        ("text", "Is ketamine FDA-approved?\n\nYes.\n\nAfter.\n", "Yes."),
    ],
)
def test_no_cut_inside_a_construct(kind, text, forbidden):
    starts = {s.start for s in sections(kind, text, limit=1, context=0)}
    assert text.index(forbidden) not in starts
    assert len(starts) > 1  # but the text is cut somewhere


def test_a_minified_page_and_a_long_paragraph_are_still_cut(small_sections):
    """Real pages are often minified (no blank line anywhere) and some text files are
    one paragraph: both are cut (after block closing tags; at line breaks that end a
    sentence), and the findings stay those of the whole document."""
    rows = [
        "Ketamine cures depression.",
        "Our staff will call you back.",
        "Is it FDA-approved for depression?",
        "Yes.",
        "Ketamine is completely safe.",
    ]
    page = "<html><body>" + "".join(f"<p>{r}</p>" for r in rows * 8) + "</body></html>"
    text = "\n".join(rows * 8) + "\n"
    for kind, doc in (("html", page), ("text", text)):
        assert len(sections(kind, doc, 300, 1500)) > 3
        whole, parts = _both(small_sections, doc, kind)
        assert parts == whole
        assert {"efficacy-cure", "safety-absolute", "approval-misstated"} <= {f["rule"] for f in parts}


def test_disclosure_text_covers_every_section(small_sections):
    """A requirement's disclosure text names the drugs of all its triggers and the
    conditions of the whole document, wherever the sections fall."""
    filler = "\n\n".join(f"Paragraph {i} is about the clinic's parking and opening hours." for i in range(30))
    text = f"Ketamine relieves depression.\n\n{filler}\n\nSpravato relieves anxiety and PTSD.\n"
    whole, parts = _both(small_sections, text, "text", limit=300, context=300)
    risks = [f for f in parts if f["rule"] == "risks-disclosure"]
    assert risks and risks == [f for f in whole if f["rule"] == "risks-disclosure"]
    assert "Ketamine" in risks[0]["disclosure"] and "Spravato" in risks[0]["disclosure"]
    offlabel = [f for f in parts if f["rule"] == "offlabel-disclosure"]
    assert offlabel and "PTSD" in offlabel[0]["disclosure"]
