"""Readers: one per format, each turning a document into Prose with an offset map.

Markdown is parsed by markdown-it-py (CommonMark, tables, front matter) and HTML
by the standard library's html.parser, which reports the position of every tag,
text run and character reference; neither gives per-character offsets of
decoded inline text, so ``prose.align`` maps that text back to the source.
"""

from __future__ import annotations

import bisect
import html
import re
from functools import lru_cache
from html.parser import HTMLParser

from linter.prose import Comment, Prose, ProseBuilder, align

# ---------------------------------------------------------------- plain text

_BULLET = re.compile(r"\s*(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_TERMINAL = ".!?:;,"


def read_text(text: str) -> Prose:
    """Plain text: blank lines end paragraphs; a short unpunctuated line (a heading,
    a table cell, a label) followed by a capitalised line ends a block; other line
    breaks are spaces, so wrapped sentences stay whole. ``claimlint:`` comment lines
    are directives, not prose."""
    b = ProseBuilder()
    lines = text.splitlines(keepends=True)
    pos = 0
    prev = ""
    for line in lines:
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if not stripped:
            b.block(pos)
        elif stripped.startswith(("claimlint:", "# claimlint:", "// claimlint:")):
            b.comments.append(Comment(stripped, pos + body.index(stripped), pos + len(body)))
            b.block(pos)
        else:
            p = prev.strip()
            if (
                _BULLET.match(body)
                or (p and p[-1] not in _TERMINAL and len(p) <= 60 and (stripped[0].isupper() or stripped[0].isdigit()))
            ):
                b.block(pos)
            b.add(body, pos)
            b.space(pos + len(body))
        prev = body if stripped else ""
        pos += len(line)
    return b.build()


# ---------------------------------------------------------------- HTML

_SKIP = {"script", "style", "noscript", "template", "code", "pre", "svg", "math", "textarea", "select"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "head", "header", "hr", "html", "li", "main", "nav", "ol", "option", "p", "section",
    "summary", "table", "tbody", "tfoot", "thead", "title", "tr", "ul", "button", "label",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_META_NAMES = {"description", "og:description", "twitter:description", "og:title", "twitter:title"}
_ATTR_CONTENT = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_ATTR_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][-.A-Za-z0-9]*);?")


class _HTMLProse(HTMLParser):
    def __init__(self, src: str, base: int, builder: ProseBuilder) -> None:
        super().__init__(convert_charrefs=False)
        self.src, self.base, self.b = src, base, builder
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", src)]
        self.skip: list[str] = []
        self.cells = 0  # cells seen in the current table row

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pos = self._pos()
        if tag in _SKIP and tag not in _VOID:
            self.skip.append(tag)
            return
        if tag in ("td", "th"):
            if self.cells:
                self.b.cell(self.base + pos)
            self.cells += 1
        elif tag in _BLOCK:
            self.b.block(self.base + pos)
            if tag == "tr":
                self.cells = 0
        else:
            self.b.space(self.base + pos)
        if tag == "meta" and not self.skip:
            names = {(v or "").lower() for k, v in attrs if k in ("name", "property")}
            if names & _META_NAMES:
                self._attribute(pos, _ATTR_CONTENT)
        elif tag == "img" and not self.skip and any(k == "alt" and v for k, v in attrs):
            # Alt text is prose a reader meets (and what Markdown's ![alt] gives).
            self._attribute(pos, _ATTR_ALT)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)

    def _attribute(self, pos: int, regex: re.Pattern) -> None:
        """Lint the text of one attribute (meta description, img alt) at its position."""
        raw = self.get_starttag_text() or ""
        m = regex.search(raw)
        if not m:
            return
        g = next(i for i in (1, 2, 3) if m.group(i) is not None)
        start, end = pos + m.start(g), pos + m.end(g)
        self.b.block(self.base + start)
        align(self.b, html.unescape(m.group(g)), self.src, start, end, self.base)
        self.b.block(self.base + end)

    def handle_endtag(self, tag: str) -> None:
        pos = self._pos()
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            elif tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag in _BLOCK:
            self.b.block(self.base + pos)
        else:
            self.b.space(self.base + pos)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.b.add(data, self.base + self._pos())

    def _ref(self) -> None:
        if self.skip:
            return
        pos = self._pos()
        m = _REF.match(self.src, pos)
        if not m:
            return
        decoded = html.unescape(m.group())
        if decoded == m.group():
            self.b.add(decoded, self.base + pos)
        else:
            self.b.add_mapped(decoded, self.base + pos, self.base + m.end())

    def handle_entityref(self, name: str) -> None:
        self._ref()

    def handle_charref(self, name: str) -> None:
        self._ref()

    def handle_comment(self, data: str) -> None:
        pos = self._pos()
        self.b.comments.append(Comment(data, self.base + pos, self.base + pos + len(data) + 7))

    def unknown_decl(self, data: str) -> None:  # CDATA and the like: not prose
        pass


def html_into(builder: ProseBuilder, src: str, base: int = 0) -> None:
    """Extract the visible prose of an HTML fragment into ``builder``."""
    parser = _HTMLProse(src, base, builder)
    parser.feed(src)
    parser.close()


def read_html(text: str) -> Prose:
    b = ProseBuilder()
    html_into(b, text)
    return b.build()


# ---------------------------------------------------------------- Markdown


# markdown-it's guard against deep recursion: past this many open containers it drops
# the rest of the container (the commonmark preset's 20 lost the text of lists nested
# ten deep, and everything after them). _flat_when_deep reads that rest as a paragraph.
_MAX_NESTING = 100


def _flat_when_deep(state, start: int, end: int, silent: bool) -> bool:
    """Near the nesting limit, read the next lines as a paragraph, container markers and
    all, so that no text is lost and no deeper recursion happens."""
    from markdown_it.rules_block.paragraph import paragraph

    if state.level < _MAX_NESTING - 4:
        return False
    return paragraph(state, start, end, silent)


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING})
    md.enable(["table", "strikethrough"]).use(front_matter_plugin)
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "flat_when_deep", _flat_when_deep)
    return md


class _MarkdownWalker:
    def __init__(self, norm: str, builder: ProseBuilder) -> None:
        self.src, self.b = norm, builder
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", norm)] + [len(norm) + 1]
        self.cursor = 0

    def line_offset(self, line: int) -> int:
        return self.line_starts[min(line, len(self.line_starts) - 1)]

    def walk(self, tokens) -> None:
        cells = -1  # inside a table row: cells seen so far; -1 outside rows
        for tok in tokens:
            if tok.type == "tr_open":
                cells = 0
                if tok.map:
                    self.b.block(max(self.cursor, self.line_offset(tok.map[0])))
            elif tok.type == "tr_close":
                cells = -1
                self.b.block(self.cursor)
            elif tok.type == "inline" and tok.map:
                start, end = self.line_offset(tok.map[0]), min(self.line_offset(tok.map[1]), len(self.src))
                self.cursor = max(self.cursor, start)
                if cells < 0:
                    self.b.block(self.cursor)
                elif cells > 0:
                    self.b.cell(self.cursor)
                self.inline(tok.children or [], end)
                if cells < 0:
                    self.b.block(self.cursor)
                else:
                    cells += 1
            elif tok.type == "html_block" and tok.map:
                start, end = self.line_offset(tok.map[0]), min(self.line_offset(tok.map[1]), len(self.src))
                self.b.block(start)
                html_into(self.b, self.src[start:end], start)
                self.b.block(end)
                self.cursor = max(self.cursor, end)
            elif tok.map and tok.type in ("fence", "code_block", "front_matter", "hr"):
                self.cursor = max(self.cursor, self.line_offset(tok.map[1]) - 1)

    def _skip_destination(self, limit: int) -> None:
        """After a link's or image's text: step over ``](url "title")`` or ``][ref]``."""
        src = self.src
        j = src.find("]", self.cursor, limit)
        if j < 0:
            return
        k = j + 1
        if k < limit and src[k] == "(":
            depth, k = 0, k
            while k < limit:
                c = src[k]
                if c == "\\":
                    k += 2
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            self.cursor = min(k + 1, limit)
        elif k < limit and src[k] == "[":
            e = src.find("]", k, limit)
            self.cursor = e + 1 if e >= 0 else k
        else:
            self.cursor = k

    def inline(self, children, limit: int) -> None:
        autolink = 0
        for t in children:
            kind = t.type
            if kind == "text":
                if autolink:
                    continue
                self.cursor = align(self.b, t.content, self.src, self.cursor, limit)
            elif kind in ("softbreak", "hardbreak"):
                nl = self.src.find("\n", self.cursor, limit)
                self.b.space(nl if nl >= 0 else self.cursor)
                if nl >= 0:
                    self.cursor = nl + 1
            elif kind == "code_inline":
                i = self.src.find(t.content, self.cursor, limit)
                self.b.space(self.cursor)
                if i >= 0:
                    self.cursor = i + len(t.content)
            elif kind == "html_inline":
                i = self.src.find(t.content, self.cursor, limit)
                if i >= 0:
                    if t.content.startswith("<!--"):
                        self.b.comments.append(Comment(t.content[4:-3], i + 4, i + len(t.content)))
                    self.b.space(i)
                    self.cursor = i + len(t.content)
            elif kind == "link_open":
                if t.markup in ("autolink", "linkify"):
                    autolink += 1
                    i = self.src.find(">", self.cursor, limit)
                    self.b.space(self.cursor)
                    if i >= 0:
                        self.cursor = i + 1
            elif kind == "link_close":
                if autolink:
                    autolink -= 1
                else:
                    self._skip_destination(limit)
            elif kind == "image":
                self.inline(t.children or [], limit)
                self._skip_destination(limit)


def read_markdown(text: str) -> Prose:
    # markdown-it works on text with LF line ends; map its offsets back through the
    # positions of the CRs it never saw.
    crs: list[int] = []
    if "\r" in text:
        norm_parts = []
        last = 0
        for m in re.finditer(r"\r\n?", text):
            norm_parts.append(text[last : m.start()])
            if m.group() == "\r\n":
                crs.append(m.start() - len(crs))
                norm_parts.append("\n")
            else:
                norm_parts.append("\n")
            last = m.end()
        norm_parts.append(text[last:])
        norm = "".join(norm_parts)
    else:
        norm = text
    b = ProseBuilder()
    walker = _MarkdownWalker(norm, b)
    tokens = _markdown().parse(norm.replace("\x00", "\ufffd"))
    walker.walk(tokens)
    prose = b.build()
    if crs:

        def shift(o: int) -> int:
            return o + bisect.bisect_left(crs, o)

        prose.o_starts = [shift(o) for o in prose.o_starts]
        prose.o_ends = [shift(o) for o in prose.o_ends]
        prose.comments = [Comment(c.text, shift(c.start), shift(c.end)) for c in prose.comments]
    return prose


READERS = {"text": read_text, "markdown": read_markdown, "html": read_html}


def read_prose(kind: str, text: str) -> Prose:
    return READERS[kind](text)
