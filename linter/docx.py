"""Word documents (.docx): their paragraphs as text, and positions as paragraph and character.

A Word document has no lines an editor can see, so a finding in one is placed by
paragraph and character: ``line`` is the paragraph number and ``column`` the
character in that paragraph, both 1-based. Paragraphs are numbered in this order:
the body's paragraphs, then the paragraphs of the body's tables (row by row, cell
by cell, a merged cell once, nested tables inside their cell), then each section's
headers and footers (header, first-page header, even-page header, footer,
first-page footer, even-page footer; one linked to the previous section is not
repeated). Empty paragraphs count, as Word's pilcrow view shows them.

The engine lints the paragraphs joined by blank lines, so each paragraph is a
block of its own and no sentence runs from one paragraph into the next.
"""

from __future__ import annotations

import io
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace

from linter.errors import InputError
from linter.findings import Finding, Span
from linter.sources import Source

SEPARATOR = "\n\n"
# Larger than any real Word file unpacks to; a bigger one is a zip bomb.
MAX_UNPACKED = 256 * 1024 * 1024
# Characters str.splitlines() breaks on: one paragraph must stay one line of the excerpt text.
_LINE_BREAKS = str.maketrans({c: " " for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


@dataclass(frozen=True)
class ParagraphLayout:
    """Where each paragraph starts in the linted text, to turn offsets into paragraph and character."""

    paragraphs: tuple[str, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, paragraphs: list[str]) -> ParagraphLayout:
        starts, pos = [], 0
        for p in paragraphs:
            starts.append(pos)
            pos += len(p) + len(SEPARATOR)
        return cls(tuple(paragraphs), tuple(starts))

    @property
    def text(self) -> str:
        """The text the engine lints: paragraphs separated by blank lines."""
        return SEPARATOR.join(self.paragraphs)

    @property
    def lines_text(self) -> str:
        """One line per paragraph, so that line N, column C of it is paragraph N, character C
        (what the text report's excerpt reads)."""
        return "\n".join(p.translate(_LINE_BREAKS) for p in self.paragraphs)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (paragraph, character) of an offset into ``text``."""
        k = max(0, bisect_right(self.starts, offset) - 1)
        return k + 1, min(offset - self.starts[k], len(self.paragraphs[k])) + 1

    def _span(self, span: Span) -> Span:
        line, column = self.position(span.start)
        end_line, end_column = self.position(span.end)
        return replace(span, line=line, column=column, end_line=end_line, end_column=end_column)

    def relocate(self, findings: list[Finding]) -> list[Finding]:
        """Findings with line/column as paragraph/character; offsets still index ``text``."""
        return [replace(f, span=self._span(f.span), match=self._span(f.match)) for f in findings]


def _cell_paragraphs(cell) -> Iterator[str]:
    from docx.table import Table

    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_paragraphs(block)
        else:
            yield block.text


def _table_paragraphs(table) -> Iterator[str]:
    seen = set()  # a merged cell is returned once per grid cell it covers
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _cell_paragraphs(cell)


def _header_footer_paragraphs(document) -> Iterator[str]:
    for section in document.sections:
        for part in (
            section.header, section.first_page_header, section.even_page_header,
            section.footer, section.first_page_footer, section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                yield from _cell_paragraphs(part)


def paragraphs(document) -> list[str]:
    """Every paragraph's text, in the numbering order of this module's docstring."""
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out.extend(_table_paragraphs(table))
    out.extend(_header_footer_paragraphs(document))
    return out


def _check_package(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(info.file_size for info in z.infolist())
    except zipfile.BadZipFile:
        raise InputError(path, "not a Word document (.docx): not a zip package") from None
    if unpacked > MAX_UNPACKED:
        raise InputError(path, f"Word document unpacks to {unpacked} bytes; the limit is {MAX_UNPACKED}")


def read_docx(data: bytes, path: str) -> Source:
    """A Word document as a plain-text Source whose layout maps offsets to paragraphs."""
    import docx
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    _check_package(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        layout = ParagraphLayout.of(paragraphs(document))
    except (OpcError, KeyError, ValueError, LxmlError, zipfile.BadZipFile) as exc:
        raise InputError(path, f"not a readable Word document (.docx): {exc}") from None
    return Source(path, "text", layout.text, layout)
