"""Shared fixtures: the Linter is built once per test session (loading rules and spaCy takes a second)."""

from __future__ import annotations

import pytest

from linter.engine import Linter


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter()
