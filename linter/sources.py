"""Reading files: bytes to text, with a clear reason when a file cannot be read."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.errors import InputError

if TYPE_CHECKING:
    from linter.docx import ParagraphLayout

EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
    ".docx": "docx",
}

MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A decoded document: its path as given, its reader kind, and its text; a Word
    document also has the layout that turns offsets into paragraph and character."""

    path: str
    kind: str
    text: str
    layout: ParagraphLayout | None = None


def kind_for(path: str, default: str | None = None) -> str | None:
    """The reader for a file name, by extension."""
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), default)


def decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM; refuse binary data.
    Byte offsets in messages count from the start of the file, BOM included."""
    bom = 0
    if data.startswith(codecs.BOM_UTF8):
        bom = len(codecs.BOM_UTF8)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not valid UTF-16 at byte {exc.start}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(path, f"binary file (NUL byte at byte {nul})")
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid UTF-8 at byte {exc.start + bom}") from None


def read_source(path: str, kind: str | None = None) -> Source:
    """Read and decode one file; every failure is an InputError naming the reason."""
    kind = kind or kind_for(path, "text")
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise InputError(path, f"file too large ({size} bytes; the limit is {MAX_BYTES})")
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    return from_bytes(data, path, kind)


def from_bytes(data: bytes, path: str, kind: str) -> Source:
    """A Source from a file's bytes: a Word document is unpacked, anything else decoded as text."""
    if kind == "docx":
        from linter.docx import read_docx

        return read_docx(data, path)
    return Source(path, kind, decode(data, path))
