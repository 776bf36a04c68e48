"""--jobs N gives the report of --jobs 1: same findings, same errors, same order."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import parallel
from linter.cli import main
from linter.runner import run

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture
def tree(tmp_path):
    """A dozen corpus pages of each kind in nested folders, plus files that cannot be read."""
    pages = []
    for ext in (".md", ".html", ".txt"):
        pages += sorted(CORPUS.rglob(f"*{ext}"))[:4]
    for i, page in enumerate(pages):
        dest = tmp_path / "site" / f"part{i % 3}" / f"{i:02d}-{page.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, dest)
    (tmp_path / "site" / "part1" / "05-binary.md").write_bytes(b"Ketamine cures\x00depression")
    (tmp_path / "site" / "part2" / "07-latin1.txt").write_bytes("Ketamine cures d\xe9pression.".encode("latin-1"))
    return tmp_path / "site"


def report(result) -> tuple:
    return (
        result.files,
        [f.to_dict() | {"suppressed": f.suppressed} for f in result.findings],
        [e.to_dict() for e in result.errors],
    )


def test_two_workers_report_what_one_does(tree, linter, monkeypatch):
    pools = []
    real_pool = parallel._pool

    def counted(workers, method, recipes):
        pools.append(method)
        return real_pool(workers, method, recipes)

    monkeypatch.setattr(parallel, "_pool", counted)
    one = run(linter, [str(tree)], jobs=1)
    assert pools == []
    two = run(linter, [str(tree)], jobs=2)
    if threading.active_count() == 1:  # else a hand-made Linter cannot go to spawned workers
        assert pools == ["fork"]
    assert report(two) == report(one)
    assert one.findings and len(one.errors) == 2
    assert [e.path for e in one.errors] == sorted(e.path for e in one.errors)  # in the order of the walk


def test_the_command_line_output_does_not_depend_on_jobs(tree):
    outputs = []
    for jobs in ("1", "3"):
        result = CliRunner().invoke(main, ["check", "--no-cache", "--format", "json", "--jobs", jobs, str(tree)])
        assert result.exit_code == 2, result.output  # the unreadable files
        outputs.append(json.loads(result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["findings"]


def test_a_few_files_start_no_workers(tree, linter, monkeypatch):
    def no_pool(*_args, **_kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(parallel, "_pool", no_pool)
    few = sorted(str(p) for p in tree.rglob("*.md"))[: parallel.MIN_PARALLEL - 1]
    result = run(linter, few, jobs=4)
    assert result.files == len(few)
