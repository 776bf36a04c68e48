"""Every input file is accounted for (issue 5, item 1): each file given or found is
either linted or listed in ``errors`` with its reason; a directory walk skips only
unsupported types, hidden folders and excluded files, and ``--verbose`` says which
and why; the text report ends with a summary line whose counts are right."""

from __future__ import annotations

import json
import os
import re

import pytest
from helpers import invoke, write

from linter.runner import RunResult, discover, run

CLAIM = "Ketamine cures depression.\n"
SUMMARY = re.compile(
    r"^(\d+) files? linted, (\d+) with findings, (\d+) could not be read; "
    r"(\d+) errors?, (\d+) warnings?, (\d+) infos?$"
)


def tree(root) -> dict[str, list[str]]:
    """A content folder with every kind of file a walk meets, by what should happen to it."""
    linted = [
        write(root / "a.md", CLAIM),
        write(root / "b.html", f"<p>{CLAIM}</p>"),
        write(root / "c.txt", CLAIM),
        write(root / "sub" / "deeper" / "d.markdown", CLAIM),
        write(root / "sub" / "e.htm", f"<li>{CLAIM}</li>"),
        write(root / ".hidden-file.md", CLAIM),  # a hidden file is linted; only hidden folders are skipped
    ]
    errors = [
        write(root / "binary.md", b"Ketamine\x00cures"),
        write(root / "sub" / "latin1.txt", "Ketamine gu\xe9rit.".encode("latin-1")),
    ]
    unsupported = [
        write(root / "logo.png", b"\x89PNG\r\n"),
        write(root / "notes.yaml", "a: 1\n"),
        write(root / "page.expect.yaml", "findings: []\n"),
    ]
    hidden = [str(root / ".git")]
    write(root / ".git" / "x.md", CLAIM)
    return {"linted": linted, "errors": errors, "unsupported": unsupported, "hidden": hidden}


def test_a_walk_accounts_for_every_file(tmp_path, linter):
    expected = tree(tmp_path)
    result = run(linter, [str(tmp_path)])
    assert result.files == len(expected["linted"])
    assert sorted(f.path for f in result.findings if f.rule == "efficacy-cure") == sorted(expected["linted"])
    assert sorted(e.path for e in result.errors) == sorted(expected["errors"])
    assert all(e.message for e in result.errors)
    skipped = dict(result.skipped)
    for path in expected["unsupported"]:
        assert skipped[path] == "not a supported file type"
    for path in expected["hidden"]:
        assert skipped[path] == "hidden folder"
    everything = {os.path.join(r, f) for r, _, fs in os.walk(tmp_path) for f in fs}
    inside_hidden = {p for p in everything if any(p.startswith(h + os.sep) for h in expected["hidden"])}
    seen = set(expected["linted"]) | {e.path for e in result.errors} | set(skipped)
    assert everything - inside_hidden <= seen, "a file was silently skipped"


def test_files_named_on_the_command_line_are_linted_whatever_their_extension(tmp_path, linter):
    named = write(tmp_path / "copy.yaml", CLAIM)  # named explicitly: read as text, not skipped
    missing = str(tmp_path / "nope.md")
    result = run(linter, [named, missing])
    assert result.files == 1 and [f.rule for f in result.findings if f.rule == "efficacy-cure"]
    assert [(e.path, e.message) for e in result.errors] == [(missing, "no such file or directory")]


def test_a_fifo_in_a_walk_is_skipped_not_read(tmp_path, linter):
    """Reading a named pipe blocks for ever; a walk reports it and goes on."""
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    write(tmp_path / "ok.md", CLAIM)
    result = run(linter, [str(tmp_path)])
    assert result.files == 1
    assert dict(result.skipped)[str(fifo)] == "not a regular file"


def test_a_dangling_link_in_a_walk_is_an_error(tmp_path, linter):
    os.symlink(tmp_path / "gone.md", tmp_path / "link.md")
    result = run(linter, [str(tmp_path)])
    assert [(e.path, e.message) for e in result.errors] == [(str(tmp_path / "link.md"), "no such file")]


class _Breaks:
    """A linter that fails on one file, as a bug in claimlint would: the run must go on."""

    def __init__(self, linter, bad: str) -> None:
        self.linter, self.bad = linter, bad

    def lint_text(self, text, kind, path):
        if path == self.bad:
            raise IndexError("list index out of range")
        return self.linter.lint_text(text, kind, path)


def test_an_internal_error_on_one_file_is_reported_and_the_others_are_linted(tmp_path, linter):
    bad = write(tmp_path / "a.md", CLAIM)
    good = write(tmp_path / "b.md", CLAIM)
    result = run(_Breaks(linter, bad), [str(tmp_path)])
    assert result.files == 1 and {f.path for f in result.findings} == {good}
    [error] = result.errors
    assert error.path == bad and "internal error" in error.message and "IndexError" in error.message


def test_discovery_is_sorted_and_stable(tmp_path):
    for name in ("b.md", "a.md", "sub/c.md", "A.md"):
        write(tmp_path / name, CLAIM)
    first = discover([str(tmp_path)], RunResult())
    assert first == discover([str(tmp_path)], RunResult())
    assert first == sorted(first, key=lambda p: (os.path.dirname(p), os.path.basename(p)))


# ---------------------------------------------------------------- the command line


def test_the_summary_line_counts_files_errors_and_findings_by_severity(tmp_path):
    tree(tmp_path)
    text = invoke("check", str(tmp_path))
    data = json.loads(invoke("check", "--format", "json", str(tmp_path)).stdout)
    assert text.exit_code == 2, text.output  # unreadable files make the run incomplete
    last = text.stdout.rstrip("\n").splitlines()[-1]
    m = SUMMARY.match(last)
    assert m, last
    files, with_findings, unreadable, errors, warnings, infos = map(int, m.groups())
    severities = [f["severity"] for f in data["findings"]]
    assert files == data["files"] == 6
    assert with_findings == len({f["path"] for f in data["findings"]})
    assert unreadable == len(data["errors"]) == 2
    assert (errors, warnings, infos) == tuple(severities.count(s) for s in ("error", "warning", "info"))
    for e in data["errors"]:
        assert f"{e['path']}: error: {e['message']}" in text.stdout


def test_the_summary_line_of_a_clean_run(tmp_path):
    path = write(tmp_path / "ok.md", "Ketamine is an anesthetic used in surgery.\n")
    result = invoke("check", path)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["1 file linted, 0 with findings, 0 could not be read; 0 errors, 0 warnings, 0 infos"]


def test_verbose_says_what_was_skipped_and_why(tmp_path):
    expected = tree(tmp_path)
    quiet = invoke("check", str(tmp_path))
    loud = invoke("check", "--verbose", str(tmp_path))
    assert "skipped" not in quiet.stderr
    lines = set(loud.stderr.splitlines())
    for path in expected["unsupported"]:
        assert f"skipped {path}: not a supported file type" in lines
    for path in expected["hidden"]:
        assert f"skipped {path}: hidden folder" in lines


def test_verbose_names_files_excluded_by_the_config(tmp_path, monkeypatch):
    write(tmp_path / ".claimlint.yaml", "exclude: [drafts/]\n")
    write(tmp_path / "drafts" / "x.md", CLAIM)
    write(tmp_path / "page.md", CLAIM)
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--verbose", "--format", "json", ".")
    data = json.loads(result.stdout)
    assert data["files"] == 1 and all("drafts" not in f["path"] for f in data["findings"])
    [line] = [s for s in result.stderr.splitlines() if "drafts" in s]
    assert line.startswith(f"skipped {os.path.join('.', 'drafts', 'x.md')}: excluded by 'exclude' in ")


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_unreadable_files_reach_stderr_in_every_format(tmp_path, fmt):
    bad = write(tmp_path / "bad.md", b"not \xff text")
    result = invoke("check", "--format", fmt, bad)
    assert result.exit_code == 2
    assert bad in result.stderr
