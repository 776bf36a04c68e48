"""Running the linter over paths: discovery, reading, linting, and the run's result.

Every path given is accounted for: each file is either linted or listed in
``errors`` with its reason. In a directory walk, files of unsupported types are
skipped (and said so with --verbose); symbolic-link loops are not followed twice.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from linter.errors import InputError
from linter.findings import Finding
from linter.sources import EXTENSIONS, Source, from_bytes, kind_for, read_source


@dataclass
class FileError:
    path: str
    message: str

    def to_dict(self) -> dict:
        return {"path": self.path, "message": self.message}


@dataclass
class RunResult:
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # sources of files with findings


def discover(paths: list[str], result: RunResult) -> list[str]:
    """Files to lint, in a stable order; missing paths become errors."""
    out: list[str] = []
    seen_dirs: set[tuple[int, int]] = set()
    for p in paths:
        if p == "-":
            out.append(p)
        elif os.path.isdir(p):
            out.extend(_walk(p, seen_dirs, result))
        elif os.path.lexists(p) or os.path.exists(p):
            out.append(p)
        else:
            result.errors.append(FileError(p, "no such file or directory"))
    return out


def _walk(top: str, seen: set[tuple[int, int]], result: RunResult) -> list[str]:
    found = []

    def onerror(exc: OSError) -> None:
        result.errors.append(FileError(exc.filename or top, exc.strerror or str(exc)))

    for root, dirs, files in os.walk(top, followlinks=True, onerror=onerror):
        try:
            st = os.stat(root)
            key = (st.st_dev, st.st_ino)
        except OSError:
            key = None
        if key is not None:
            if key in seen:
                result.skipped.append((root, "directory already visited (symbolic-link loop)"))
                dirs[:] = []
                continue
            seen.add(key)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            if name.endswith(".expect.yaml"):
                continue
            if kind_for(name) is None:
                result.skipped.append((path, "not a supported file type"))
                continue
            found.append(path)
    return found


def read_stdin(stdin_filename: str | None) -> Source:
    data = sys.stdin.buffer.read()
    name = stdin_filename or "-"
    return from_bytes(data, name, kind_for(name, "text") or "text")


def lint_source(linter, src: Source) -> list[Finding]:
    """Lint a read document; in a Word document, line/column are paragraph/character."""
    findings = linter.lint_text(src.text, src.kind, src.path)
    return src.layout.relocate(findings) if src.layout else findings


def lint_file(linter, path: str, stdin_filename: str | None = None):
    """Lint one file: (findings, error, text); a bad file is an error, never an exception."""
    try:
        src = read_stdin(stdin_filename) if path == "-" else read_source(path)
    except InputError as exc:
        return [], FileError(exc.path, exc.reason), None
    try:
        return lint_source(linter, src), None, src.layout.lines_text if src.layout else src.text
    except RecursionError:
        return [], FileError(src.path, "document nested too deeply to parse"), None


def run(linter, paths: list[str], stdin_filename: str | None = None, resolver=None) -> RunResult:
    """Lint every path with ``linter``; or, given a ``config.Resolver``, with each
    file's own configuration (its linter, exclusions, selection and severities)."""
    result = RunResult()
    for path in discover(paths, result):
        settings = resolver.for_path(path, stdin_filename) if resolver is not None else None
        if settings is not None and settings.excluded:
            result.skipped.append((path, settings.excluded))
            continue
        findings, error, text = lint_file(settings.linter if settings else linter, path, stdin_filename)
        if settings is not None:
            findings = settings.apply(findings)
        if error:
            result.errors.append(error)
        else:
            result.files += 1
            result.findings.extend(findings)
            if findings and text is not None:
                result.texts[findings[0].path] = text
    result.findings.sort(key=Finding.sort_key)
    return result


SUPPORTED = sorted(EXTENSIONS)
