"""A run pays only for what it uses: heavy modules are imported when first needed.

Measured by the modules a fresh process has loaded (sys.modules), not by time,
so the tests hold on a slow or busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("spacy", "numpy", "markdown_it", "yaml", "multiprocessing", "concurrent.futures")


def loaded_after(code: str, *args: str, cwd: Path = ROOT) -> set[str]:
    """The modules of HEAVY and of claimlint that are loaded once ``code`` has run."""
    probe = (
        "import sys, json\n"
        f"{code}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{HEAVY!r} + ('linter',) or m in {HEAVY!r})), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=True)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def run_cli(argv: str) -> str:
    return f"from linter.cli import main\ntry:\n    main({argv})\nexcept SystemExit:\n    pass"


def test_importing_the_command_line_loads_nothing_heavy():
    loaded = loaded_after("import linter.cli")
    assert not loaded & set(HEAVY)
    assert loaded <= {"linter", "linter.cli", "linter.errors"}


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"], ["--version"]])
def test_help_and_version_load_nothing_heavy(argv):
    assert not loaded_after(run_cli(repr(argv))) & set(HEAVY)


def test_one_small_file_starts_no_workers_and_reads_no_other_format(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Ketamine cures depression.\n", encoding="utf-8")
    loaded = loaded_after(run_cli(f"['check', '--no-cache', {str(page)!r}]"))
    assert "spacy" in loaded  # it did lint (spaCy itself imports multiprocessing)
    assert not loaded & {"concurrent.futures", "markdown_it"}  # no worker pool, no Markdown parser
    assert not loaded & {"linter.docx", "linter.serve", "linter.formats.sarif", "linter.evaluate"}
