"""One very large file: ``python bench/bigfile.py [--mb 50] [--format json]``.

Issue 5 asks that a 50 MB text file be linted in bounded memory, with no
quadratic blow-up. This writes one plain-text file of about ``--mb`` megabytes
(fixed seed) from the prose of the project's corpus, the same generator as
bench/run.py, then lints it in a process of its own (``--jobs 1 --no-cache``)
and reports its wall time, CPU time, peak resident memory and the number of
findings; with ``--scale`` it does the same at a fifth of the size, so that the
two can be compared (linear time: the ratio of times is about 5; bounded
memory: the peaks differ by the findings held for the report, not by the text).
Results go to bench/out/bigfile.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import OUT, PAGE_BYTES, SEED, _page, corpus_sentences, measure  # noqa: E402


# Sentences that make no claim: a file of them shows the memory the text itself
# costs, apart from the findings a report must hold.
_PLAIN = [
    "The clinic is open from nine to five on weekdays.",
    "Parking is available behind the building, and the entrance is on Elm Street.",
    "Please bring a photo ID and your insurance card to the first visit.",
    "Our front desk can answer questions about scheduling and billing.",
    "The waiting room has water, tea and a quiet corner for reading.",
    "Appointments can be moved up to a day before without a fee.",
    "The office is closed on public holidays and on the last Friday of the month.",
    "Forms can be filled in online or on paper when you arrive.",
]


def write_file(path: Path, mb: float, seed: int = SEED, plain: bool = False) -> Path:
    """About ``mb`` megabytes of pages one after another, blank lines between them:
    the corpus's prose, or with ``plain`` sentences that make no claim."""
    sentences, headings = corpus_sentences()
    if plain:
        sentences, headings = _PLAIN, ["Visiting us"]
    rng = random.Random(seed)
    target = int(mb * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            page = _page(rng, sentences, headings, rng.randint(*PAGE_BYTES)) + "\n\n"
            fh.write(page)
            size += len(page.encode("utf-8"))
    return path


def lint(path: Path, fmt: str) -> dict:
    report = OUT / f"bigfile-report.{fmt}"
    cmd = [sys.executable, "-m", "linter", "check", "--format", fmt, "--jobs", "1", "--no-cache", "-o", str(report), str(path)]
    run = measure(cmd)
    findings = len(json.loads(report.read_text())["findings"]) if fmt == "json" else None
    report.unlink()
    mb = path.stat().st_size / 1e6
    return {
        "mb": round(mb, 1),
        "wall_s": round(run.wall, 1),
        "cpu_s": round(run.cpu, 1),
        "peak_mb": round(run.peak_mb),
        "mb_per_s": round(mb / run.wall, 3),
        "findings": findings,
        "format": fmt,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--format", choices=["json", "text"], default="json")
    ap.add_argument("--scale", action="store_true", help="also a file of a fifth of the size, for the ratios")
    ap.add_argument("--plain", action="store_true", help="sentences that make no claim (memory without findings)")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for mb in ([args.mb / 5] if args.scale else []) + [args.mb]:
        path = write_file(OUT / f"big-{mb:g}mb.txt", mb, plain=args.plain)
        res = lint(path, args.format)
        res["plain"] = args.plain
        results.append(res)
        print(f"{res['mb']:>6} MB  {res['wall_s']:>7} s wall  {res['cpu_s']:>7} s CPU  "
              f"{res['peak_mb']:>6} MB peak  {res['mb_per_s']} MB/s  {res['findings']} findings", flush=True)
        path.unlink()
    (OUT / ("bigfile-plain.json" if args.plain else "bigfile.json")).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
