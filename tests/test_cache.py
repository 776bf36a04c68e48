"""The findings cache: exact, keyed by everything findings depend on, safe to share."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter import cache
from linter.cli import main
from linter.findings import Finding
from linter.sources import Source

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def pages(n: int = 3) -> list[Path]:
    """Pages that pass and pages with findings: a cache that lost findings must show."""
    return sorted((CORPUS / "careful").glob("*.md"))[:n] + sorted((CORPUS / "promo").glob("*.md"))[:n]


@pytest.fixture
def site(tmp_path):
    top = tmp_path / "site"
    top.mkdir()
    for i, page in enumerate(pages()):
        shutil.copyfile(page, top / f"{i}-{page.name}")
    _, report = check("--no-cache", str(top))
    assert len(report["findings"]) > 10  # the tests below compare findings, so there must be some
    return top


def check(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_findings_round_trip_exactly(linter, tmp_path):
    text = min((CORPUS / "promo").glob("*.md")).read_text(encoding="utf-8")
    findings = linter.lint_text(text, "markdown", "page.md")
    assert findings
    findings[0] = replace(findings[0], suppressed="quoted from the FDA letter")  # compare=False: checked below
    store = cache.Cache(str(tmp_path / "cache"))
    store.put("L" * 64, "d" * 64, findings)
    back = store.get("L" * 64, "d" * 64, "page.md")
    assert back == findings
    assert [f.suppressed for f in back] == [f.suppressed for f in findings]
    names = [f.name for f in dataclasses.fields(Finding)]
    assert [[type(getattr(b, n)) for n in names] for b in back] == [[type(getattr(f, n)) for n in names] for f in findings]


def test_rules_round_trip_as_described(linter):
    described = [cache.described(r) for r in linter.rules]
    back = cache.decode(json.loads(json.dumps(cache.encode(described))))
    assert back == described
    assert [(r.id, r.category, r.severity, r.references) for r in back] == [
        (r.id, r.category, r.severity, r.references) for r in linter.rules
    ]


def test_a_second_run_gives_the_same_report_from_the_cache(site, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    first = check("--cache-dir", str(folder), str(site))
    entries = list(folder.rglob("results/*/*/*.json"))
    assert len(entries) == len(pages())
    from linter import engine

    def no_linting(*_args, **_kwargs):
        raise AssertionError("a cached file was linted again")

    monkeypatch.setattr(engine.Linter, "lint_text", no_linting)
    assert check("--cache-dir", str(folder), str(site)) == first


def test_a_changed_file_is_linted_again(site, tmp_path):
    folder = tmp_path / "cache"
    check("--cache-dir", str(folder), str(site))
    page = min(site.glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nKetamine cures depression.\n", encoding="utf-8")
    _, cached = check("--cache-dir", str(folder), str(site))
    _, fresh = check("--no-cache", str(site))
    assert cached == fresh
    assert any(f["text"] == "Ketamine cures depression." for f in fresh["findings"])


def test_findings_take_the_path_they_are_read_for(site, tmp_path):
    folder = tmp_path / "cache"
    check("--cache-dir", str(folder), str(site))
    moved = tmp_path / "moved"
    shutil.copytree(site, moved)
    _, cached = check("--cache-dir", str(folder), str(moved))
    _, fresh = check("--no-cache", str(moved))
    assert cached == fresh
    assert {f["path"] for f in cached["findings"]} <= {str(p) for p in moved.glob("*.md")}


def test_the_key_covers_extra_rule_folders_and_the_reader(tmp_path):
    rules = tmp_path / "extra"
    rules.mkdir()
    base = cache.linter_fingerprint(None, [])
    with_folder = cache.linter_fingerprint(None, [str(rules)])
    (rules / "mine.yaml").write_text("rules: []\n", encoding="utf-8")
    with_file = cache.linter_fingerprint(None, [str(rules)])
    (rules / "mine.yaml").write_text("rules: []\n# changed\n", encoding="utf-8")
    changed = cache.linter_fingerprint(None, [str(rules)])
    assert len({base, with_folder, with_file, changed}) == 4
    text = "Ketamine cures depression."
    assert cache.content_digest(Source("a.md", "markdown", text)) != cache.content_digest(Source("a.txt", "text", text))
    assert cache.content_digest(Source("a.md", "markdown", text)) == cache.content_digest(Source("b.md", "markdown", text))


def test_a_corrupt_entry_is_ignored_and_written_again(site, tmp_path):
    folder = tmp_path / "cache"
    _, first = check("--cache-dir", str(folder), str(site))
    entries = sorted(folder.rglob("results/*/*/*.json"))
    entries[0].write_text('{"findings": [{"$dc": "os:system", "f": {}}', encoding="utf-8")  # cut short
    entries[1].write_text('{"findings": [{"$dc": "os:system", "f": {"command": "true"}}]}', encoding="utf-8")
    assert check("--cache-dir", str(folder), str(site))[1] == first
    assert all(json.loads(e.read_text(encoding="utf-8"))["findings"] is not None for e in entries[:2])
    assert "os:system" not in entries[1].read_text(encoding="utf-8")


def test_no_cache_writes_nothing_and_the_folder_is_chosen(site, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "from-env"))
    check("--no-cache", str(site))
    assert not (tmp_path / "from-env").exists()
    check(str(site))
    assert (tmp_path / "from-env" / "CACHEDIR.TAG").is_file()
    check("--cache-dir", str(tmp_path / "given"), str(site))
    assert list((tmp_path / "given").rglob("results/*/*/*.json"))


def test_writers_sharing_the_folder_never_leave_a_partial_entry(tmp_path):
    store = cache.Cache(str(tmp_path / "shared"))
    big = [Finding("", *_spans(), "rule", "efficacy.absolute", "sentence", "error", "m" * 2000, "t" * 2000, "s")] * 50
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for _ in range(20):
                store.put("L" * 64, "d" * 64, [replace(f, message=str(n) * 2000) for f in big])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    def read() -> None:
        for _ in range(200):
            got = store.get("L" * 64, "d" * 64, "page.md")
            if got is not None and len({f.message for f in got}) != 1:
                errors.append(AssertionError("an entry mixed two writes"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)] + [threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.get("L" * 64, "d" * 64, "page.md") is not None
    assert not [p for p in (tmp_path / "shared").rglob("*.part")]


def _spans():
    from linter.findings import Span

    return Span(0, 5, 1, 1, 1, 6), Span(0, 5, 1, 1, 1, 6)


def test_a_fully_cached_run_never_loads_spacy(site, tmp_path):
    """Measured in a fresh process: the modules loaded, not the time taken."""
    env = {**os.environ, cache.ENV: str(tmp_path / "cache")}
    probe = (
        "import sys\nfrom linter.cli import main\n"
        "try:\n    main(['check', '--format', 'json', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO SPACY', file=sys.stderr)\n"
    )
    first = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    second = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert first.stderr.strip().endswith("SPACY") and not first.stderr.strip().endswith("NO SPACY")
    assert second.stderr.strip().endswith("NO SPACY"), second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_clean_deletes_the_cache_a_run_made(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    cache = tmp_path / "cache"
    CliRunner().invoke(main, ["check", "--cache-dir", str(cache), str(page)])
    assert (cache / "CACHEDIR.TAG").is_file()
    result = CliRunner().invoke(main, ["clean", "--cache-dir", str(cache)])
    assert result.exit_code == 0 and "removed" in result.stdout
    assert not cache.exists() and page.is_file()


def test_clean_refuses_a_folder_that_is_not_a_claimlint_cache(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "page.md").write_text("keep me\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", "--cache-dir", str(folder)])
    assert result.exit_code == 2 and "not a claimlint cache" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (folder / "page.md").read_text(encoding="utf-8") == "keep me\n"
