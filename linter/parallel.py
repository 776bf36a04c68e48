"""Linting many documents: from the cache where it can, on several cores where it pays.

``lint_all`` takes the documents of a run in order and gives back, in the same
order, each one's findings or error, so the report is the same whatever the
number of processes. Documents whose findings are cached are not linted.
The rest are linted in this process when there are few of them (a worker
costs more to start than a small file costs to lint) and otherwise by worker
processes, each linting a share of them with its own copy of the linter.

On Linux the workers are forked after the linter is built and warmed up, so
each starts with the compiled rules and the spaCy pipeline already in memory
(shared until written). A process with threads (the review server) is not
forked, since a lock held by another thread would stay locked in the child;
there, and off Linux, workers are spawned and each builds its linter once, in
the pool's initializer.
"""

from __future__ import annotations

import os
import sys
import threading

from linter.errors import ClaimlintError
from linter.findings import Finding

# Fewer documents to lint than this: lint them here rather than start workers.
MIN_PARALLEL = 3

# The linters of the run, by number, as the workers see them.
_LINTERS: dict[int, object] = {}


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def lint_all(items: list[tuple[object, object]], jobs: int = 1, cache=None) -> list[tuple[list[Finding], object]]:
    """(findings, error) for each (linter, Source) in ``items``, in order.

    ``cache`` (a ``linter.cache.Cache``) serves the documents it holds and keeps
    the findings of the others; a linter without a fingerprint (a plain
    ``engine.Linter``) is never cached.
    """
    from linter.cache import content_digest

    outcomes: list[tuple[list[Finding], object] | None] = [None] * len(items)
    keys: list[tuple[str, str] | None] = [None] * len(items)
    todo: list[int] = []
    for i, (linter, src) in enumerate(items):
        fingerprint = getattr(linter, "fingerprint", None) if cache is not None else None
        if fingerprint is not None:
            keys[i] = (fingerprint, content_digest(src))
            found = cache.get(*keys[i], src.path)
            if found is not None:
                outcomes[i] = (found, None)
                continue
        todo.append(i)
    if todo:
        for i, outcome in zip(todo, _lint([items[i] for i in todo], jobs)):
            outcomes[i] = outcome
            if keys[i] is not None and outcome[1] is None:
                cache.put(*keys[i], outcome[0])
    return outcomes  # type: ignore[return-value]


def _lint(items: list[tuple[object, object]], jobs: int) -> list[tuple[list[Finding], object]]:
    from linter.runner import lint_read

    if jobs <= 1 or len(items) < MIN_PARALLEL:
        return [lint_read(linter, src) for linter, src in items]
    linters: list[object] = []
    for linter, _ in items:
        if all(linter is not seen for seen in linters):
            linters.append(linter)
    tasks = [(next(k for k, seen in enumerate(linters) if seen is linter), src) for linter, src in items]
    workers = min(jobs, len(items))
    chunk = max(1, min(32, len(items) // (workers * 4)))
    fork = sys.platform.startswith("linux") and threading.active_count() == 1
    recipes = None if fork else [_recipe(linter) for linter in linters]
    if recipes is not None and None in recipes:
        return [lint_read(linter, src) for linter, src in items]  # no way to rebuild it in a worker
    if fork:
        for linter in linters:  # build and warm it here, once, for every worker to inherit
            _warm_up(linter)
    _LINTERS.clear()
    _LINTERS.update(enumerate(linters))
    from concurrent.futures.process import BrokenProcessPool

    results: list[tuple[list[Finding], object]] = []
    try:
        with _pool(workers, "fork" if fork else "spawn", recipes) as pool:
            results.extend(pool.map(_work, tasks, chunksize=chunk))  # kept as they come, if a worker dies
    except BrokenProcessPool:
        pass  # a worker died (out of memory, killed): lint what is left here
    finally:
        _LINTERS.clear()
    results.extend(lint_read(linter, src) for linter, src in items[len(results) :])
    return results


def _pool(workers: int, method: str, recipes):
    """The worker processes (imported here: a run that needs none pays nothing for them)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(recipes,))


def _warm_up(linter) -> None:
    """Lint a line, so that what is built on first use (the anchor index, the Markdown
    parser) is built before the fork. A rule file that cannot be loaded stops the run."""
    try:
        linter.lint_text("Warm up.", "markdown", "-")
    except ClaimlintError:
        raise
    except Exception:  # noqa: BLE001, S110 - the documents will meet it again and report it
        pass


def _recipe(linter) -> tuple[list[str], list[str]] | None:
    """How a spawned worker builds the same linter: its rule folders (a LazyLinter
    knows them; an engine.Linter made by hand does not)."""
    if not hasattr(linter, "rule_paths"):
        return None
    return linter.rule_paths, linter.extra_rule_paths


def _start(recipes: list[tuple[list[str], list[str]]] | None) -> None:
    if recipes is None:
        return  # forked: the parent's linters are here already
    from linter.config import build_linter

    for k, (rules, extend) in enumerate(recipes):
        _LINTERS[k] = build_linter(tuple(rules), tuple(extend))


def _work(task: tuple[int, object]) -> tuple[list[Finding], object]:
    from linter.runner import lint_read

    k, src = task
    return lint_read(_LINTERS[k], src)
