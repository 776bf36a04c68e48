"""Shared fixtures: the Linter is built once per test session (loading rules and spaCy takes a
second), and the findings cache of every command a test runs goes to a temporary folder, not
to the checkout's ``.claimlint_cache`` (tests that are about where it goes set their own)."""

from __future__ import annotations

import pytest

from linter.engine import Linter


@pytest.fixture(scope="session")
def linter() -> Linter:
    return Linter()


@pytest.fixture(autouse=True, scope="session")
def _cache_outside_the_checkout(tmp_path_factory):
    from linter.cache import ENV

    mp = pytest.MonkeyPatch()
    mp.setenv(ENV, str(tmp_path_factory.mktemp("claimlint-cache")))
    yield
    mp.undo()
