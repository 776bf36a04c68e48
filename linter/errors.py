"""The project's own error types and exit codes (shared/spec/output.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


class ClaimlintError(Exception):
    """An error meant for the user: printed as one line, exit status 2."""


class RuleError(ClaimlintError):
    """A rule, qualifier or knowledge-base file is malformed."""

    def __init__(self, path: str, rule: str | None, key: str | None, reason: str):
        self.path, self.rule, self.key, self.reason = path, rule, key, reason
        where = path
        if rule:
            where += f": rule {rule!r}"
        if key:
            where += f": key {key!r}"
        super().__init__(f"{where}: {reason}")


class InputError(ClaimlintError):
    """A file that cannot be read or decoded; the run goes on with the others."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")
