"""Running the linter over paths: discovery, reading, linting, and the run's result.

Every path given is accounted for: each file is either linted or listed in
``errors`` with its reason. In a directory walk, files of unsupported types are
skipped (and said so with --verbose); symbolic-link loops are not followed twice.
"""

from __future__ import annotations

import os
import stat
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
        for d in sorted(d for d in dirs if d.startswith(".")):
            result.skipped.append((os.path.join(root, d), "hidden folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            if kind_for(name) is None:
                result.skipped.append((path, "not a supported file type"))
            elif not _regular_or_dangling(path):
                result.skipped.append((path, "not a regular file"))  # reading a FIFO would hang
            else:
                found.append(path)
    return found


def _regular_or_dangling(path: str) -> bool:
    """A regular file, or a link to nothing (read, it is reported as missing)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def read_stdin(stdin_filename: str | None) -> Source:
    data = sys.stdin.buffer.read()
    name = stdin_filename or "-"
    return from_bytes(data, name, kind_for(name, "text") or "text")


def lint_source(linter, src: Source) -> list[Finding]:
    """Lint a read document; in a Word document, line/column are paragraph/character."""
    findings = linter.lint_text(src.text, src.kind, src.path)
    return src.layout.relocate(findings) if src.layout else findings


def read_file(path: str, stdin_filename: str | None = None) -> tuple[Source | None, FileError | None]:
    """Read one file (or standard input, for '-'): the Source, or why it cannot be read."""
    try:
        return (read_stdin(stdin_filename) if path == "-" else read_source(path)), None
    except InputError as exc:
        return None, FileError(exc.path, exc.reason)


def lint_read(linter, src: Source) -> tuple[list[Finding], FileError | None]:
    """Lint a read document: (findings, None), or ([], the error) if linting it failed."""
    try:
        return lint_source(linter, src), None
    except RecursionError:
        return [], FileError(src.path, "document nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - a bug in claimlint must not cost the other files their report
        return [], FileError(src.path, f"internal error ({type(exc).__name__}: {exc}); please report it")


def shown_text(src: Source) -> str:
    """The text that the report's excerpts quote (a Word document: one line per paragraph)."""
    return src.layout.lines_text if src.layout else src.text


def lint_file(linter, path: str, stdin_filename: str | None = None):
    """Lint one file: (findings, error, text); a bad file is an error, never an exception."""
    src, error = read_file(path, stdin_filename)
    if error:
        return [], error, None
    findings, error = lint_read(linter, src)
    return findings, error, None if error else shown_text(src)


def run(
    linter, paths: list[str], stdin_filename: str | None = None, resolver=None, jobs: int = 1, cache=None
) -> RunResult:
    """Lint every path with ``linter``; or, given a ``config.Resolver``, with each
    file's own configuration (its linter, exclusions, selection and severities).

    Files are read here, in order; ``parallel.lint_all`` lints them on ``jobs``
    processes and takes what it can from ``cache``. The result does not depend
    on either: findings and errors come in the order of the files.
    """
    from linter.parallel import lint_all

    result = RunResult()
    read: list[tuple[str, object, Source | None, FileError | None]] = []
    for path in discover(paths, result):
        settings = resolver.for_path(path, stdin_filename) if resolver is not None else None
        if settings is not None and settings.excluded:
            result.skipped.append((path, settings.excluded))
            continue
        read.append((path, settings, *read_file(path, stdin_filename)))
    todo = [((settings.linter if settings else linter), src) for _, settings, src, _ in read if src is not None]
    outcomes = iter(lint_all(todo, jobs, cache))
    for _, settings, src, error in read:
        findings: list[Finding] = []
        if src is not None:
            findings, error = next(outcomes)
        if settings is not None:
            findings = settings.apply(findings)
        if error:
            result.errors.append(error)
        else:
            result.files += 1
            result.findings.extend(findings)
            if findings:
                result.texts[findings[0].path] = shown_text(src)
    result.findings.sort(key=Finding.sort_key)
    return result


SUPPORTED = sorted(EXTENSIONS)
