"""A non-editable install ships the YAML rules inside the wheel and lints from anywhere.

The wheel is built from a copy of the checkout (so the build leaves nothing in the
working tree), installed with ``pip install --target`` into tmp_path, and run with
the test's own interpreter (which has the dependencies) from a folder outside the
checkout, with the installed copy first on sys.path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "corpus", "tests", "bench"
)


def pip(*args: str, cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_the_wheel_ships_the_rules_and_the_installed_copy_lints(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCES)
    pip("wheel", str(src), "--no-deps", "-w", str(tmp_path / "wheels"), cwd=tmp_path)
    (wheel,) = (tmp_path / "wheels").glob("claimlint-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {"linter/rules/" + p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*.yaml")}
    assert {"linter/rules/knowledge.yaml", "linter/rules/qualifiers.yaml"} <= bundled
    assert any(n.startswith("linter/rules/claims/") for n in bundled)
    assert any(n.startswith("linter/rules/disclosures/") for n in bundled)
    assert bundled <= names, sorted(bundled - names)

    site = tmp_path / "site"
    pip("install", "--no-deps", "--target", str(site), str(wheel), cwd=tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page.md").write_text("# Our clinic\n\nKetamine cures depression.\n", encoding="utf-8")
    program = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); site = sys.path[0]\n"
        "import linter, linter.engine\n"
        "assert linter.__file__.startswith(site), linter.__file__\n"
        "assert linter.engine.default_rules_dir().startswith(site), linter.engine.default_rules_dir()\n"
        "sys.argv[0] = 'claimlint'\n"
        "from linter.cli import main; main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-c", program, str(site), "check", "--format", "json", "page.md"],
        check=False,
        capture_output=True,
        text=True,
        cwd=outside,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    cure = [f for f in findings if f["category"] == "efficacy.absolute"]
    assert [(f["path"], f["match"]["line"], f["match"]["column"]) for f in cure] == [("page.md", 3, 10)]
