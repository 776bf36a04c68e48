"""Where a very large document may be cut, so that it is linted in bounded memory.

A spaCy Doc costs about 200 bytes a token, and the prose map and the analysis
as much again: a 50 MB page held whole needs gigabytes. The engine lints a
document longer than ``SECTION_CHARS`` one section at a time, and gathers what
the whole document says (which drug it names most, which disclosures it
makes) as it goes, so that the findings are those of the whole document.

A cut is made only where no sentence and no construct crosses it: after a
blank line, and

- in Markdown, outside fenced code, outside an HTML block that runs over blank
  lines (``<pre>``, ``<script>``, a comment ...) and before a line that is not
  indented (an indented line may continue a list item or be code);
- in HTML, after the closing tag of a block element, blank line or not (a
  minified page has none; a blank line inside a ``<p>`` is only a space),
  outside elements whose content is not prose and outside comments;
- in plain text with a paragraph longer than a section, also at a line break
  after a sentence's final punctuation;
- never after a question: its answer ("Is it approved? / Yes.") is read with it.

No parser gives such cut points without reading the whole document into
memory, which is what this avoids; hence this small scanner. Each section is
analysed with ``CONTEXT_CHARS`` of its neighbours on both sides, so that the
rules that look a few sentences back or ahead see the same text they would see
in the whole document; findings are kept only from the section's own text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

SECTION_CHARS = 1 << 18
CONTEXT_CHARS = 4096

_NL = r"(?:\r\n|\r|\n)"
# A run of blank lines: a cut point at its end, the start of the next text line.
_BLANKS = rf"{_NL}(?:[ \t\f\v]*{_NL})+"
# Elements whose content may hold blank lines and is not to be cut (the readers
# skip the content of most of them; <pre> and comments must stay whole too).
_RAW = "script|style|pre|textarea|code|noscript|template|svg|math|select"
_MD_SCAN = re.compile(
    rf"(?P<blank>{_BLANKS})"
    rf"|(?m:^[ ]{{0,3}}(?P<fence>`{{3,}}|~{{3,}}))"
    rf"|<(?P<open>{_RAW})\b|</(?P<close>{_RAW})\s*>"
    r"|(?P<copen><!--)|(?P<cclose>-->)"
    r"|(?P<bclose></(?:p|div|li|ul|ol|dl|dd|dt|h[1-6]|section|article|aside|header|footer|main|nav|table|tr|"
    r"thead|tbody|tfoot|blockquote|figure|figcaption|details|summary|form|fieldset|address)\s*>)",
    re.IGNORECASE,
)
# A line that ends a sentence: the fallback cut in a plain-text paragraph too long for a section.
_SENTENCE_LINE_END = re.compile(r"[.!?][\"')\]]*[ \t]*(?:\r\n|\r|\n)")
_QUESTION_END = re.compile(r"\?[\s\"')*_>\]]*$")
_TAIL = 200  # characters looked at before a cut point


@dataclass(frozen=True)
class Section:
    """A section's own text ``[start, end)`` and the window analysed for it."""

    start: int
    end: int
    window_start: int
    window_end: int


def _cut_points(kind: str, text: str) -> Iterator[int]:
    """Offsets where a section may start, in order."""
    if kind == "text":
        for m in re.finditer(_BLANKS, text):
            if not _QUESTION_END.search(text, max(0, m.start() - _TAIL), m.start()):
                yield m.end()
        return
    fence: str | None = None
    raw: list[str] = []
    comment = False
    for m in _MD_SCAN.finditer(text):
        group = m.lastgroup
        if group == "fence" and kind == "markdown" and not raw and not comment:
            mark = m.group("fence")
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
        elif fence is not None:
            continue
        elif group == "copen":
            comment = True
        elif group == "cclose":
            comment = False
        elif comment:
            continue
        elif group == "open":
            raw.append(m.group("open").lower())
        elif group == "close":
            name = m.group("close").lower()
            if name in raw:
                del raw[len(raw) - 1 - raw[::-1].index(name) :]
        elif group == "bclose" and kind == "html" and not raw:
            if m.end() < len(text) and not _QUESTION_END.search(text, max(0, m.start() - _TAIL), m.start()):
                yield m.end()
        elif group == "blank" and kind == "markdown" and not raw:
            at = m.end()
            if at >= len(text) or _QUESTION_END.search(text, max(0, m.start() - _TAIL), m.start()):
                continue
            if text[at] in " \t":
                continue
            yield at


def sections(kind: str, text: str, limit: int = SECTION_CHARS, context: int = CONTEXT_CHARS) -> list[Section]:
    """The sections of ``text``, each at most ``limit`` characters where a cut point
    allows; one section (the whole text) when it is no longer than ``limit``."""
    if len(text) <= limit:
        return [Section(0, len(text), 0, len(text))]
    cuts = [0, *_cut_points(kind, text), len(text)]
    wide = [(a, b) for a, b in pairwise(cuts) if b - a > limit] if kind == "text" else []
    if wide:
        extra = [m.end() for a, b in wide for m in _SENTENCE_LINE_END.finditer(text, a, b) if a < m.end() < b]
        cuts = sorted({*cuts, *extra})
    starts = [0]
    for k in range(1, len(cuts)):
        if cuts[k] - starts[-1] > limit and cuts[k - 1] > starts[-1]:
            starts.append(cuts[k - 1])
    ends = [*starts[1:], len(text)]
    # A window starts and ends at cut points too (elsewhere it would start a
    # sentence that is not one), at least ``context`` characters outside the section.
    out = []
    for a, b in zip(starts, ends, strict=True):
        wa = cuts[max(0, bisect.bisect_right(cuts, a - context) - 1)] if a > 0 else 0
        wb = cuts[min(len(cuts) - 1, bisect.bisect_left(cuts, b + context))]
        out.append(Section(a, b, wa, wb))
    return out
