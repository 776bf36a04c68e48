"""Plain prose extracted from a document, with an exact map back to the original text.

Readers strip markup; the prose keeps, for every character, the span of the
original text it came from, so findings point at the original line and column
instead of guessing (Vale's re-search of matched text misplaces alerts).

The prose is normalised in ways that never change its length per piece: runs of
whitespace become one space, typographic apostrophes, quotes and non-breaking
hyphens become their ASCII forms, and the text is lower-cased where that keeps
the length, so that token patterns see one spelling.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

_WS = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ad": " ",
    }
)
_LINE_END = re.compile(r"\r\n|\r|\n")
# spaCy's tokenizer strips a word's prefixes one at a time and searches the rest for a
# suffix each time, so a long run of punctuation ("[[[[...", "((((...", "____...")
# takes time quadratic in its length (20,000 brackets: about a minute). No claim is
# made of such a run: all but its first character become spaces before tokenising.
_PUNCT_RUN = re.compile(r"[^\w\s]{16,}|_{16,}")


def _blank_run(m: re.Match) -> str:
    return m.group()[0] + " " * (len(m.group()) - 1)


# str.translate looks up every character; these are rare, so they are found first.
_TYPOGRAPHIC = re.compile("[" + "".join(chr(c) for c in _TRANSLATE) + "]")


def _ascii(m: re.Match) -> str:
    return _TRANSLATE[ord(m.group())]


def normalise(text: str) -> str:
    """Length-preserving normalisation applied to prose before tokenising."""
    out = _PUNCT_RUN.sub(_blank_run, _TYPOGRAPHIC.sub(_ascii, text))
    low = out.lower()
    if len(low) == len(out):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


@dataclass(frozen=True)
class Comment:
    """A markup comment (HTML or Markdown) and where its text starts in the original."""

    text: str
    start: int
    end: int


@dataclass
class Prose:
    """Normalised prose plus the map from prose offsets to original offsets."""

    text: str
    p_starts: list[int]
    o_starts: list[int]
    o_ends: list[int]
    lengths: list[int]
    block_starts: list[int]
    comments: list[Comment] = field(default_factory=list)

    def _piece(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.p_starts, i) - 1)

    def orig_start(self, i: int) -> int:
        """Original offset of the character at prose offset ``i``."""
        k = self._piece(i)
        ps, os_, oe, ln = self.p_starts[k], self.o_starts[k], self.o_ends[k], self.lengths[k]
        if oe - os_ == ln:
            return os_ + min(i - ps, ln)
        return os_

    def shifted(self, base: int) -> Prose:
        """This prose, read from ``text[base:]``, mapped to offsets in ``text``."""
        if not base:
            return self
        return Prose(
            self.text,
            self.p_starts,
            [o + base for o in self.o_starts],
            [o + base for o in self.o_ends],
            self.lengths,
            self.block_starts,
            [Comment(c.text, c.start + base, c.end + base) for c in self.comments],
        )

    def next_prose_offset(self, offset: int) -> int | None:
        """The original offset of the first prose character at or after ``offset``
        (blank pieces, comments, code blocks and front matter are not prose)."""
        best = None
        for p, o, n in zip(self.p_starts, self.o_starts, self.lengths, strict=True):
            if o >= offset and (best is None or o < best) and self.text[p : p + n].strip():
                best = o
        return best

    def orig_end(self, i: int) -> int:
        """Original offset just after the character at prose offset ``i - 1``."""
        if i <= 0:
            return self.orig_start(0)
        k = self._piece(i - 1)
        ps, os_, oe, ln = self.p_starts[k], self.o_starts[k], self.o_ends[k], self.lengths[k]
        if oe - os_ == ln:
            return os_ + min(i - ps, ln)
        return oe


@dataclass(frozen=True)
class Outline:
    """What suppressions need of a document linted in sections, which has no whole
    Prose: its comments and, after each comment's end, where the next prose starts."""

    comments: list[Comment]
    next_after: dict[int, int | None]

    def next_prose_offset(self, offset: int) -> int | None:
        return self.next_after.get(offset)


class ProseBuilder:
    """Collects text pieces from a reader; whitespace is collapsed as pieces arrive."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._p_starts: list[int] = []
        self._o_starts: list[int] = []
        self._o_ends: list[int] = []
        self._lengths: list[int] = []
        self._blocks: list[int] = []
        self.comments: list[Comment] = []
        self._n = 0
        self._space = True  # at start: leading whitespace is dropped

    def _emit(self, text: str, o_start: int, o_end: int) -> None:
        self._parts.append(text)
        self._p_starts.append(self._n)
        self._o_starts.append(o_start)
        self._o_ends.append(o_end)
        self._lengths.append(len(text))
        self._n += len(text)

    def add(self, text: str, orig_start: int) -> None:
        """Add text that stands verbatim in the original at ``orig_start``.

        A single space between two words maps one to one and stays inside the
        piece; any other run of whitespace becomes a piece of one space (or none,
        after a space). One piece per run of words, not per word, keeps the map
        small and the reader fast."""
        pos = 0
        n = len(text)
        for m in _WS.finditer(text):
            a, b = m.span()
            if b - a == 1 and a > pos and b < n and text[a] == " ":
                continue
            if a > pos:
                self._emit(text[pos:a], orig_start + pos, orig_start + a)
                self._space = False
            if not self._space:
                self._emit(" ", orig_start + a, orig_start + b)
                self._space = True
            pos = b
        if pos < n:
            self._emit(text[pos:], orig_start + pos, orig_start + n)
            self._space = False

    def add_mapped(self, text: str, orig_start: int, orig_end: int) -> None:
        """Add text that stands for the original span (an entity, an escape)."""
        if not text:
            return
        if text.isspace():
            self.space(orig_start, orig_end)
            return
        self._emit(text, orig_start, orig_end)
        self._space = False

    def space(self, orig_start: int, orig_end: int | None = None) -> None:
        """A soft break (line break, inline tag boundary): at most one space."""
        if not self._space:
            self._emit(" ", orig_start, orig_start + 1 if orig_end is None else orig_end)
            self._space = True

    def cell(self, orig_pos: int) -> None:
        """A table-cell boundary: cells of one row read as one sentence, with a ';'
        between them (a clause boundary, so no qualifier reaches across cells)."""
        self.space(orig_pos)
        self._emit(";", orig_pos, orig_pos)
        self._space = False
        self.space(orig_pos)

    def block(self, orig_pos: int) -> None:
        """Start a new block (paragraph, heading, cell): a sentence never crosses it."""
        if self._n == 0:
            return
        if not self._blocks or self._blocks[-1] != self._n:
            if self._parts and not self._parts[-1].endswith("\n"):
                self._emit("\n\n", orig_pos, orig_pos)
            self._space = True
            self._blocks.append(self._n)

    def build(self) -> Prose:
        text = normalise("".join(self._parts))
        if not self._p_starts:
            self._emit("", 0, 0)
        return Prose(
            text,
            self._p_starts,
            self._o_starts,
            self._o_ends,
            self._lengths,
            self._blocks,
            self.comments,
        )


def align(builder: ProseBuilder, content: str, src: str, pos: int, limit: int, shift: int = 0) -> int:
    """Map ``content`` (decoded text) onto ``src`` from ``pos``; return the new position.

    Used where a parser hands back decoded text without offsets (markdown-it
    inline tokens, HTML attribute values). The fast path finds the text
    verbatim; otherwise characters are matched one by one, consuming
    entities and backslash escapes and skipping markup characters between.
    ``shift`` is added to offsets in ``src`` to give offsets in the document.
    """
    if not content:
        return pos
    idx = src.find(content, pos, limit)
    if idx >= 0:
        builder.add(content, idx + shift)
        return idx + len(content)
    pending = ""
    pend_span = (pos, pos)
    for ch in content:
        if pending:
            if pending[0] == ch:
                builder.add_mapped(ch, pend_span[0] + shift, pend_span[1] + shift)
                pending = pending[1:]
                continue
            pending = ""
        start = pos
        while pos < limit:
            s = src[pos]
            if s == ch:
                builder.add(ch, pos + shift)
                pos += 1
                break
            if s == "&":
                m = _ENTITY.match(src, pos, limit)
                if m:
                    decoded = html.unescape(m.group())
                    if decoded and decoded[0] == ch and decoded != m.group():
                        builder.add_mapped(ch, pos + shift, m.end() + shift)
                        pending, pend_span = decoded[1:], (pos, m.end())
                        pos = m.end()
                        break
            if s == "\\" and pos + 1 < limit and src[pos + 1] == ch:
                builder.add(ch, pos + 1 + shift)
                pos += 2
                break
            if ch.isspace() and s.isspace():
                builder.space(pos + shift)
                pos += 1
                break
            pos += 1
        else:
            # Not found in the source (should not happen): keep the text, mapped
            # to where the search began, rather than lose it.
            builder.add_mapped(ch, start + shift, start + shift)
            pos = start
    return pos


class LineIndex:
    """1-based line and column of original offsets (CRLF, LF and CR line ends)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1
