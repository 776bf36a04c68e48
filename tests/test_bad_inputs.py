"""Bad files get a clear error or are linted right, never a crash (issue 5, item 2):
empty files, binary data, invalid UTF-8 and UTF-16, byte-order marks, a 1 MB line,
long documents (linear time), deep and malformed HTML, pathological Markdown,
unreadable files, odd names, symbolic-link loops, and a folder of 10,000 files.

Every input is built here. The 50 MB file is measured by bench/bigfile.py (time and
memory); in the suite, linear scaling is checked on smaller sizes, and bounded memory
by the size of what is analysed at once (tests/test_sections.py).
"""

from __future__ import annotations

import codecs
import json
import os
import time

import pytest
from click.testing import CliRunner
from helpers import offset, write

from linter import sources
from linter.cli import main
from linter.runner import run

CLAIM = "Ketamine cures depression."
def cures(findings):
    return [f for f in findings if f.rule == "efficacy-cure"]


def assert_points_at(text: str, finding, word: str = "cures") -> None:
    """The finding's key phrase starts at ``word`` and its sentence is the finding's text."""
    m = finding.match
    assert text[offset(text, m.line, m.column) :].startswith(word), (m, text[:80])
    s = finding.span
    assert text[offset(text, s.line, s.column) : offset(text, s.end_line, s.end_column)] == finding.text


# ---------------------------------------------------------------- empty and undecodable


@pytest.mark.parametrize("name", ["empty.md", "empty.html", "empty.txt"])
@pytest.mark.parametrize("content", ["", "   ", "\n\n\n", " \t\r\n \u00a0\u2003\n"])
def test_empty_and_whitespace_only_files_are_linted_clean(tmp_path, linter, name, content):
    result = run(linter, [write(tmp_path / name, content)])
    assert (result.files, result.findings, result.errors) == (1, [], [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Ketamine\x00cures", "binary file (NUL byte at byte 8)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL byte at byte 8)"),
        (b"Ketamine cures d\xe9pression.", "not valid UTF-8 at byte 16"),
        (b"ok\n" * 100 + b"\xc3", "not valid UTF-8 at byte 300"),  # truncated at the end
        (codecs.BOM_UTF8 + b"Ketamine \xff", "not valid UTF-8 at byte 12"),  # the offset counts the BOM
        (codecs.BOM_UTF16_LE + "Hi".encode("utf-16-le") + b"!", "not valid UTF-16 at byte 6"),  # odd length
        (codecs.BOM_UTF16_LE + b"a\x00\x00\xd8b\x00", "not valid UTF-16 at byte 4"),  # lone surrogate
    ],
    ids=["nul", "png", "latin1", "truncated", "bom-then-invalid", "utf16-odd", "utf16-surrogate"],
)
def test_undecodable_files_are_errors_naming_the_byte(tmp_path, linter, data, message):
    path = write(tmp_path / "bad.md", data)
    good = write(tmp_path / "good.md", CLAIM)
    result = run(linter, [path, good])
    assert [(e.path, e.message) for e in result.errors] == [(path, message)]
    assert result.files == 1 and cures(result.findings)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
@pytest.mark.parametrize("name", ["page.md", "page.html", "page.txt"])
def test_byte_order_marks_are_decoded_and_positions_stay_right(tmp_path, linter, encoding, bom, name):
    """Editors do not count a BOM as a character: line 2, column 10 is where 'cures' is."""
    text = "Café notes \u2014 welcome.\r\n\tKetamine cures depression, \U0001f600 truly.\r\n"
    if name.endswith(".html"):
        text = f"<p>{text}</p>"
    path = write(tmp_path / name, bom + text.encode(encoding))
    result = run(linter, [path])
    assert result.errors == []
    [finding] = cures(result.findings)
    assert (finding.match.line, finding.match.column) == (2, 11)
    assert_points_at(text, finding)


def test_a_file_over_the_size_limit_is_an_error_not_read(tmp_path, linter, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    path = write(tmp_path / "big.txt", "x" * 101)
    result = run(linter, [path])
    assert [e.message for e in result.errors] == ["file too large (101 bytes; the limit is 100)"]


# ---------------------------------------------------------------- size


FILLER = (
    "Our clinic offers a calm room and a friendly team near the park. "
    "Sessions are booked online, and parking is free on weekdays. "
)


def prose(n: int, every: int = 16) -> str:
    """About ``n`` characters of ordinary sentences, a claim every ``every`` fillers (~2 KB)."""
    unit = FILLER * every + CLAIM + " "
    return (unit * (n // len(unit) + 1))[:n]


@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_a_one_megabyte_line(linter, kind):
    line = prose(1_000_000 - 40, every=80).replace("\n", " ") + " " + CLAIM
    start = time.perf_counter()
    findings = linter.lint_text(line, kind, "big")
    assert time.perf_counter() - start < 10
    last = max(cures(findings), key=lambda f: f.match.column)
    assert last.match.line == 1 and last.match.column == len(line) - len("cures depression.") + 1
    assert_points_at(line, last)


def _seconds(linter, text: str, kind: str = "text") -> float:
    start = time.perf_counter()
    linter.lint_text(text, kind, "x")
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(prose, id="sentences"),
        # one 'sentence' with no full stop: claims, cues and terminators all in it
        pytest.param(lambda n: ("ketamine cures depression and may not be safe for hours " * (n // 56 + 1))[:n], id="no-full-stop"),
        pytest.param(lambda n: ("[" * 200 + "ketamine cures " + "(" * 200 + "\n") * (n // 417 + 1), id="punctuation-runs"),
    ],
)
def test_linting_time_grows_linearly(linter, make):
    """8 times the text may take about 8 times as long; quadratic work would take 64."""
    _seconds(linter, make(2_000))  # warm caches
    small = min(_seconds(linter, make(25_000)) for _ in range(2))
    large = _seconds(linter, make(200_000))
    assert large / small < 24, (small, large)


# ---------------------------------------------------------------- deep and broken markup


DEEP = 10_000


@pytest.mark.parametrize(
    ("name", "text", "before"),
    [
        ("div", "<div>" * DEEP + CLAIM + "</div>" * DEEP, "<div>" * DEEP),
        ("unclosed", "<div><span>" * DEEP + CLAIM, "<div><span>" * DEEP),
        ("inline", "<b><i>" * DEEP + CLAIM + "</i></b>" * DEEP, "<b><i>" * DEEP),
        ("in-script", "<script>" * DEEP + "</script>" * DEEP + "<p>" + CLAIM, "<script>" * DEEP + "</script>" * DEEP + "<p>"),
        ("angles", "<" * DEEP + " " + CLAIM, "<" * DEEP + " "),
        ("open-comment", "<p>" + CLAIM + "</p><!--" * DEEP, "<p>"),
        ("bad-tags", '<p class=a b="c" <i>' + CLAIM + "</b></i></p></p></table></td>", '<p class=a b="c" <i>'),
        ("bad-refs", "<p>&bogus; &#xFFFFFFFF; &#0; &am " + CLAIM, "<p>&bogus; &#xFFFFFFFF; &#0; &am "),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_deep_and_malformed_html(linter, name, text, before):
    start = time.perf_counter()
    findings = linter.lint_text(text, "html", name)
    assert time.perf_counter() - start < 5
    [finding] = cures(findings)
    assert finding.match.column == len(before) + len("Ketamine ") + 1
    assert_points_at(text, finding)


MARKDOWN = [
    ("quotes", ">" * DEEP + " "),
    ("spaced-quotes", "> " * DEEP),
    ("list", "- " * DEEP),
    ("ordered", "1. " * (DEEP // 2)),
    ("quote-list", "> - " * (DEEP // 4)),
    ("brackets", "[" * DEEP),
    ("parens", "(" * DEEP),
    ("stars", "*" * DEEP),
    ("underscores", "_" * DEEP + " "),
    ("images", "![" * (DEEP // 2)),
    ("backticks", "a " + "`" * DEEP + " "),  # at a line start, three are a code fence
    ("angles", "<" * DEEP + " "),
    ("entities", "&amp;" * DEEP + " "),
    ("escapes", "\\" * DEEP + " "),
    ("emphasis", "*a **b " * (DEEP // 2)),
    ("links", "[a](" * (DEEP // 4) + " "),
]


@pytest.mark.parametrize(("name", "before"), MARKDOWN, ids=[m[0] for m in MARKDOWN])
def test_pathological_markdown_nesting(linter, name, before):
    """No crash, no minute-long parse, and the claim after the nesting is still found
    where it is (markdown-it alone drops text nested past its limit)."""
    text = before + CLAIM + "\n"
    start = time.perf_counter()
    findings = linter.lint_text(text, "markdown", name)
    assert time.perf_counter() - start < 5
    [finding] = cures(findings)
    assert_points_at(text, finding)


def test_text_after_deeply_nested_lists_is_not_lost(linter):
    text = "".join("  " * i + f"- item {i}\n" for i in range(60)) + "\n" + CLAIM + "\n"
    [finding] = cures(linter.lint_text(text, "markdown", "lists.md"))
    assert finding.match.line == 62
    assert_points_at(text, finding)


def test_a_claim_nested_past_the_limit_is_still_linted(linter):
    text = "> " * 150 + CLAIM + "\n\nAfter.\n"
    [finding] = cures(linter.lint_text(text, "markdown", "deep.md"))
    assert_points_at(text, finding)


# ---------------------------------------------------------------- files and names


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_an_unreadable_file_is_an_error_and_the_rest_are_linted(tmp_path, linter):
    path = write(tmp_path / "secret.md", CLAIM)
    os.chmod(path, 0)
    good = write(tmp_path / "good.md", CLAIM)
    try:
        result = run(linter, [str(tmp_path)])
    finally:
        os.chmod(path, 0o644)
    assert [(e.path, e.message) for e in result.errors] == [(path, "permission denied")]
    assert [f.path for f in cures(result.findings)] == [good]


def test_a_permission_error_is_an_error_and_the_rest_are_linted(tmp_path, linter, monkeypatch):
    """What chmod 000 gives a user who is not root, simulated so that it runs as root too."""
    path = write(tmp_path / "secret.md", CLAIM)
    good = write(tmp_path / "good.md", CLAIM)

    def guarded_open(name, *args, **kwargs):
        if os.fspath(name) == path:
            raise PermissionError(13, "Permission denied", name)
        return open(name, *args, **kwargs)

    monkeypatch.setattr(sources, "open", guarded_open, raising=False)
    result = run(linter, [str(tmp_path)])
    assert [(e.path, e.message) for e in result.errors] == [(path, "permission denied")]
    assert [f.path for f in cures(result.findings)] == [good]


@pytest.mark.parametrize("name", ["with space.md", "çà et là — ケタミン.md", "new\nline.md", "tab\there.html", "-dash.txt", "quote'\"s.md"])
def test_odd_file_names_are_linted_and_named_as_given(tmp_path, monkeypatch, name):
    write(tmp_path / name, CLAIM)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--", name])
    data = json.loads(result.stdout)
    assert data["errors"] == [] and data["files"] == 1
    assert {f["path"] for f in data["findings"]} == {name}
    walked = json.loads(CliRunner().invoke(main, ["check", "--format", "json", "."]).stdout)
    assert {f["path"] for f in walked["findings"]} == {os.path.join(".", name)}
    # the text report keeps one finding per 'path:line:col' line: a control character is escaped
    heads = [line for line in CliRunner().invoke(main, ["check", "--", name]).stdout.splitlines() if ": error " in line or ": warning " in line]
    shown = name.replace("\n", "\\n").replace("\t", "\\t")
    assert heads and all(line.startswith(f"{shown}:1:") for line in heads)


def test_symbolic_link_loops_end_and_each_file_is_linted_once(tmp_path, linter):
    write(tmp_path / "a" / "page.md", CLAIM)
    os.symlink("..", tmp_path / "a" / "up")  # a/up -> the top: a loop
    os.symlink(".", tmp_path / "a" / "self")
    os.symlink(tmp_path / "b", tmp_path / "b-link")  # b-link -> b, which links back
    write(tmp_path / "b" / "other.md", CLAIM)
    os.symlink(tmp_path, tmp_path / "b" / "top")
    start = time.perf_counter()
    result = run(linter, [str(tmp_path)])
    assert time.perf_counter() - start < 10
    linted = sorted(os.path.realpath(f.path) for f in cures(result.findings))
    assert linted == sorted({os.path.realpath(tmp_path / "a" / "page.md"), os.path.realpath(tmp_path / "b" / "other.md")})
    assert result.files == 2 and result.errors == []
    assert any("symbolic-link loop" in why for _, why in result.skipped)


def test_a_folder_of_10000_files(tmp_path, linter):
    for i in range(10_000):
        (tmp_path / f"p{i:05d}.md").write_text(f"Note {i}. " + (CLAIM if i % 100 == 0 else "See you soon."), encoding="utf-8")
    (tmp_path / "p00050.md").write_bytes(b"\xff")
    start = time.perf_counter()
    result = run(linter, [str(tmp_path)])
    seconds = time.perf_counter() - start
    assert result.files == 9_999 and [e.path for e in result.errors] == [str(tmp_path / "p00050.md")]
    assert len(cures(result.findings)) == 100
    assert seconds < 30, seconds
