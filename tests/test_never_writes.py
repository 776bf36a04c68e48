"""claimlint never writes to a linted file or next to it, and a read-only checkout
lints fine (issue 5, item 5).

A few corpus pages are copied into a folder that is then made read-only, and
every run compares a snapshot of that folder (names, modes, sizes, modification
times of files and folders, contents) before and after. Root ignores file modes,
so the snapshot, not the modes, is what catches a write: creating and deleting a
temporary file still changes its folder's modification time. In-process runs also
record every file opened for writing. The findings cache (``.claimlint_cache``)
lives in the working folder or $CLAIMLINT_CACHE_DIR, never beside the linted files.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def corpus_pages(per_kind: int = 2) -> list[Path]:
    pages = []
    for ext in (".md", ".html", ".txt"):
        pages += sorted(CORPUS.rglob(f"*{ext}"))[:per_kind]
    return pages


@pytest.fixture
def checkout(tmp_path):
    """A read-only copy of a few corpus pages, in nested folders; made writable again after."""
    top = tmp_path / "checkout"
    for i, page in enumerate(corpus_pages()):
        dest = top / ("docs" if i % 2 else "site") / page.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, dest)
    (top / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    for folder, _, files in os.walk(top, topdown=False):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)
    yield top
    for folder, _, _ in os.walk(top):
        os.chmod(folder, 0o755)


def snapshot(top: Path) -> dict:
    out = {}
    for folder, dirs, files in os.walk(top):
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(folder, name)
            st = os.lstat(path)
            entry = (stat.filemode(st.st_mode), st.st_size, st.st_mtime_ns)
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as fh:
                    entry += (hashlib.sha256(fh.read()).hexdigest(),)
            out[os.path.relpath(path, top)] = entry
    out["."] = os.stat(top).st_mtime_ns
    return out


def cli(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "linter", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        # the default folder unless the test names one: where the cache goes is what is tested
        env={**{k: v for k, v in os.environ.items() if k != "CLAIMLINT_CACHE_DIR"}, **(env or {})},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "text", "--jobs", "1"],
        ["--format", "json", "--jobs", "2"],
        ["--format", "sarif", "--jobs", "1"],
        ["--format", "github", "--show-suppressed", "--jobs", "1"],
        ["--statistics", "--jobs", "1"],
    ],
    ids=["text", "json-jobs-2", "sarif", "github", "statistics"],
)
def test_linting_a_read_only_tree_changes_nothing_in_it(checkout, tmp_path, args):
    work = tmp_path / "work"
    work.mkdir()
    before = snapshot(checkout)
    proc = cli(["check", *args, str(checkout)], cwd=work)
    assert proc.returncode == 1, proc.stderr  # the corpus pages have findings; nothing failed
    assert "Traceback" not in proc.stderr
    assert snapshot(checkout) == before
    # the cache went to the working folder, not next to the linted files
    assert (work / ".claimlint_cache").is_dir()


def test_reports_and_baselines_go_only_where_asked(checkout, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    before = snapshot(checkout)
    proc = cli(["check", "-o", "report.json", "--format", "json", "--write-baseline", "base.json", "--no-cache", "--jobs", "1", str(checkout)], cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(checkout) == before
    assert sorted(os.listdir(work)) == ["base.json", "report.json"]
    assert json.loads((work / "report.json").read_text(encoding="utf-8"))["findings"]


def test_an_unwritable_cache_costs_nothing_but_time(checkout, tmp_path):
    """What a read-only checkout linted from inside gives, made so that root meets it too:
    the cache folder cannot be created (its parent is a file)."""
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    before = snapshot(checkout)
    proc = cli(["check", "--format", "json", "--jobs", "1", "."], cwd=checkout, env={"CLAIMLINT_CACHE_DIR": str(blocker / "cache")})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert json.loads(proc.stdout)["files"] == len(corpus_pages())
    assert snapshot(checkout) == before


@pytest.mark.skipif(ROOT, reason="root writes into a chmod 555 folder anyway; see test_an_unwritable_cache_costs_nothing_but_time")
def test_linting_from_inside_a_read_only_checkout(checkout):
    before = snapshot(checkout)
    proc = cli(["check", "--format", "json", "."], cwd=checkout)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["files"] == len(corpus_pages())
    assert snapshot(checkout) == before


def test_no_file_is_opened_for_writing_in_the_linted_tree(checkout, tmp_path, monkeypatch):
    """In-process, with the cache on: every open for writing is recorded."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("CLAIMLINT_CACHE_DIR", raising=False)  # the default folder: the working one
    writes: list[str] = []
    real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir
    flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def spy_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+"):
            writes.append(os.path.abspath(os.fsdecode(file)))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flag, *args, **kwargs):
        if flag & flags:
            writes.append(os.path.abspath(os.fsdecode(path)))
        return real_os_open(path, flag, *args, **kwargs)

    def spy_mkdir(path, *args, **kwargs):
        writes.append(os.path.abspath(os.fsdecode(path)))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(os, "mkdir", spy_mkdir)
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--format", "json", str(checkout)])
    assert result.exit_code == 1, result.output
    inside = [w for w in writes if w == str(checkout) or w.startswith(str(checkout) + os.sep)]
    assert inside == []
    assert writes, "the spy saw nothing: the cache should have written in the working folder"
    assert all(w.startswith(str(work)) for w in writes), writes
