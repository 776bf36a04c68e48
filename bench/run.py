"""claimlint benchmark: ``python bench/run.py [--scale] [--pages N] [--no-proselint]``.

Generates a reproducible corpus of Markdown pages (fixed seed) from the prose of
the project's own corpus (corpus/**/*.md|txt|html), then measures, each in its
own process so that timings include what a user pays:

- claimlint on every core and on one core (``--jobs 1``), without the cache;
- a first and a second run sharing a fresh cache (the warm-cache speed-up);
- one small file, cold (``--no-cache``), against ``python -c "import spacy"``;
- the floor: spaCy's blank English tokenizer alone over the same files;
- ``proselint check`` on the same files, when proselint is installed;
- with ``--scale``, ten times the pages, for the time ratio.

Peak memory is the largest resident set of the measured process or any of its
workers (``os.wait4`` reports it for the child and its reaped descendants).
Results are printed as a table and written to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED = 20240607
PAGE_BYTES = (3_800, 12_000)  # uniform page size range: about 8 KB a page, 8 MB per 1,000 pages
PROSE_SUFFIXES = (".md", ".txt", ".html", ".htm")

# ---------------------------------------------------------------- corpus prose


class _Visible(HTMLParser):
    """The visible text of an HTML page, one string per block element."""

    _SKIP = frozenset({"script", "style", "head", "nav", "code", "pre", "svg"})
    _BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "td", "th", "div", "blockquote", "dd", "dt", "section", "br"})

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._cur: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._cur).split())
        if text:
            self.blocks.append(text)
        self._cur = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data) -> None:
        if not self._skip:
            self._cur.append(data)


_MD_NOISE = re.compile(r"^(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")
_MD_INLINE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]{1,3}")


def _paragraphs(path: Path) -> list[str]:
    """A corpus file's prose as paragraphs: markup removed, lines joined."""
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix in (".html", ".htm"):
        parser = _Visible()
        parser.feed(text)
        parser.close()
        parser._flush()
        return parser.blocks
    if text.startswith("---\n"):  # front matter
        end = text.find("\n---", 4)
        text = text[end + 4 :] if end > 0 else text
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    paras, cur = [], []
    for line in text.split("\n"):
        line = line.strip()
        if not line or line.startswith("|") or set(line) <= set("-=*_ "):
            if cur:
                paras.append(" ".join(cur))
            cur = []
            continue
        cur.append(html.unescape(_MD_INLINE.sub(lambda m: m.group(1) or "", _MD_NOISE.sub("", line))))
    if cur:
        paras.append(" ".join(cur))
    return paras


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def corpus_sentences(corpus: Path = ROOT / "corpus") -> tuple[list[str], list[str]]:
    """(sentences, short lines usable as headings) from every corpus document, in a stable order."""
    sentences: list[str] = []
    headings: list[str] = []
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in PROSE_SUFFIXES and p.is_file()):
        for para in _paragraphs(path):
            for s in _SENTENCE_END.split(para):
                s = s.strip()
                if len(s) < 3:
                    continue
                if len(s) <= 60 and s[-1] not in ".!?,;:":
                    headings.append(s)
                else:
                    sentences.append(s)
    if not sentences:
        raise SystemExit(f"no prose found under {corpus}")
    return sentences, headings or ["Overview"]


# ---------------------------------------------------------------- page generation


def _page(rng: random.Random, sentences: list[str], headings: list[str], size: int) -> str:
    """One Markdown page: a title, sections of paragraphs and lists, some inline markup."""

    def sentence() -> str:
        s = rng.choice(sentences)
        r = rng.random()
        if r < 0.04:
            words = s.split(" ")
            i = rng.randrange(len(words))
            words[i] = f"**{words[i]}**"
            s = " ".join(words)
        elif r < 0.06:
            s = f"{s} [Learn more](https://example.com/{rng.randrange(10_000)})."
        return s

    parts = [f"# {rng.choice(headings)}", ""]
    n = len(parts[0])
    while n < size:
        block = rng.random()
        if block < 0.12:
            lines = [f"## {rng.choice(headings)}"]
        elif block < 0.30:
            bullet = "-" if rng.random() < 0.7 else "1."
            lines = [f"{bullet} {sentence()}" for _ in range(rng.randint(2, 5))]
        elif block < 0.34:
            lines = [f"> {sentence()}"]
        else:
            para = " ".join(sentence() for _ in range(rng.randint(2, 6)))
            lines = _wrap(para, rng.choice((80, 100, 120, 10_000)))
        parts.extend(lines)
        parts.append("")
        n += sum(len(x) + 1 for x in lines) + 1
    return "\n".join(parts)


def _wrap(text: str, width: int) -> list[str]:
    lines, cur, n = [], [], 0
    for w in text.split(" "):
        if cur and n + 1 + len(w) > width:
            lines.append(" ".join(cur))
            cur, n = [], 0
        n += len(w) + (1 if cur else 0)
        cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def generate(out: Path, pages: int, seed: int = SEED) -> Path:
    """Write ``pages`` Markdown pages under ``out`` (100 per folder); reuse them when already there."""
    stamp = out / ".stamp"
    key = f"{pages} {seed} {_corpus_fingerprint()}"
    if stamp.is_file() and stamp.read_text() == key:
        return out
    if out.exists():
        shutil.rmtree(out)
    sentences, headings = corpus_sentences()
    rng = random.Random(seed)
    for i in range(pages):
        folder = out / f"section-{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = _page(rng, sentences, headings, rng.randint(*PAGE_BYTES))
        (folder / f"page-{i:05d}.md").write_text(text + "\n", encoding="utf-8")
    stamp.write_text(key)
    return out


def _corpus_fingerprint() -> str:
    import hashlib

    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted((ROOT / "corpus").rglob("*")):
        if p.suffix in PROSE_SUFFIXES and p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def tree_stats(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*.md")]
    return len(files), sum(p.stat().st_size for p in files)


# ---------------------------------------------------------------- measuring


@dataclass
class Run:
    """One measured process: wall seconds, CPU seconds (user + system, workers included),
    peak resident set (MB) of it or any worker, exit status. CPU time says what the
    run would take on an idle machine better than wall time on a busy one."""

    wall: float
    cpu: float
    peak_mb: float
    status: int


def measure(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> Run:
    """Run ``cmd`` to completion; output is discarded (it is not what is measured)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def median_run(cmd: list[str], repeat: int, env: dict | None = None) -> Run:
    runs = [measure(cmd, env) for _ in range(repeat)]
    return Run(
        statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs), max(r.peak_mb for r in runs), runs[0].status
    )


def claimlint_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "linter", "check", "--format", "json", *args]


_FLOOR = """
import sys, time, pathlib
t0 = time.perf_counter()
import spacy
tok = spacy.blank("en").tokenizer
t1 = time.perf_counter()
n = 0
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.md")):
    n += len(tok(p.read_text(encoding="utf-8")))
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, n)
"""


def floor(pages: Path) -> dict:
    """spaCy's blank English tokenizer over the same files in one process (reading included)."""
    out = subprocess.run([sys.executable, "-c", _FLOOR, str(pages)], capture_output=True, text=True, check=True)
    setup, work, tokens = out.stdout.split()
    return {"setup_s": float(setup), "tokenize_s": float(work), "tokens": int(tokens)}


def proselint_cmd() -> list[str] | None:
    """``proselint check`` of the proselint installed next to this Python, or on PATH."""
    exe = Path(sys.executable).with_name("proselint")
    found = str(exe) if exe.is_file() else shutil.which("proselint")
    if not found:
        return None
    helptext = subprocess.run([found, "--help"], capture_output=True, text=True, check=False).stdout
    return [found, "check"] if re.search(r"^\s+check\b", helptext, re.MULTILINE) else [found]


def proselint_version(cmd: list[str]) -> str:
    """proselint 0.16 has a ``version`` command; older ones a ``--version`` flag."""
    for args in (["version"], ["--version"]):
        out = subprocess.run([cmd[0], *args], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip().splitlines()[-1]
    return "?"


# ---------------------------------------------------------------- the run


def small_file(folder: Path) -> Path:
    sentences, _ = corpus_sentences()
    rng = random.Random(SEED)
    path = folder / "small.md"
    path.write_text("# A small page\n\n" + " ".join(rng.choice(sentences) for _ in range(8)) + "\n", encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> dict:
    cores = os.cpu_count() or 1
    pages = generate(OUT / f"pages-{args.pages}", args.pages)
    nfiles, nbytes = tree_stats(pages)
    mb = nbytes / 1e6
    res: dict = {
        "machine": {"cores": cores, "python": platform.python_version(), "platform": platform.platform()},
        "corpus": {"pages": nfiles, "bytes": nbytes, "seed": SEED},
    }
    print(f"corpus: {nfiles} pages, {mb:.2f} MB, under {pages.relative_to(ROOT)}", file=sys.stderr)

    def throughput(r: Run) -> dict:
        return {**asdict(r), "mb_per_s": mb / r.wall, "files_per_s": nfiles / r.wall}

    print("claimlint, all cores ...", file=sys.stderr)
    res["claimlint_all_cores"] = throughput(measure(claimlint_cmd("--no-cache", "--jobs", str(cores), str(pages))))
    print("claimlint, one core ...", file=sys.stderr)
    res["claimlint_one_core"] = throughput(measure(claimlint_cmd("--no-cache", "--jobs", "1", str(pages))))
    with tempfile.TemporaryDirectory(prefix="claimlint-bench-cache-") as cache:
        print("claimlint, cache cold then warm ...", file=sys.stderr)
        first = measure(claimlint_cmd("--cache-dir", cache, str(pages)))
        warm = measure(claimlint_cmd("--cache-dir", cache, str(pages)))
    res["cache"] = {"first": throughput(first), "warm": throughput(warm), "speedup": first.wall / warm.wall}

    print("cold start ...", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="claimlint-bench-") as tmp:
        small = small_file(Path(tmp))
        spacy_import = median_run([sys.executable, "-c", "import spacy"], args.repeat)
        cold = median_run(claimlint_cmd("--no-cache", str(small)), args.repeat)
        cached_cmd = claimlint_cmd("--cache-dir", str(Path(tmp) / "cache"), str(small))
        measure(cached_cmd)
        cached = median_run(cached_cmd, args.repeat)
    res["cold_start"] = {
        "claimlint_s": cold.wall,
        "claimlint_cached_s": cached.wall,
        "import_spacy_s": spacy_import.wall,
        "ratio": cold.wall / spacy_import.wall,
        "cached_ratio": cached.wall / spacy_import.wall,
    }

    print("floor: spaCy blank tokenizer ...", file=sys.stderr)
    fl = floor(pages)
    fl["mb_per_s"] = mb / fl["tokenize_s"]
    res["floor_tokenizer"] = fl

    pl = None if args.no_proselint else proselint_cmd()
    if pl:
        print(f"proselint ({Path(pl[0]).name} {' '.join(pl[1:])}) ...", file=sys.stderr)
        files = sorted(str(p) for p in pages.rglob("*.md"))
        with tempfile.TemporaryDirectory(prefix="proselint-home-") as home:
            env = {**os.environ, "HOME": home, "XDG_CACHE_HOME": home}  # no cache from an earlier run
            res["proselint"] = {**throughput(measure(pl + files, env)), "version": proselint_version(pl)}

    if args.scale:
        big = generate(OUT / f"pages-{args.pages * 10}", args.pages * 10)
        n10, b10 = tree_stats(big)
        print(f"scaling: {n10} pages, {b10 / 1e6:.1f} MB ...", file=sys.stderr)
        r10 = measure(claimlint_cmd("--no-cache", "--jobs", str(cores), str(big)))
        base = res["claimlint_all_cores"]["wall"]
        base_cpu = res["claimlint_all_cores"]["cpu"]
        res["scale_10x"] = {**asdict(r10), "pages": n10, "bytes": b10, "time_ratio": r10.wall / base, "cpu_ratio": r10.cpu / base_cpu}

    res["ratios"] = ratios(res)
    return res


def ratios(res: dict) -> dict:
    """The figures the targets are stated in (issue 6)."""
    out = {
        "all_cores_vs_proselint": None,
        "one_core_vs_tokenizer": res["claimlint_one_core"]["mb_per_s"] / res["floor_tokenizer"]["mb_per_s"],
        "cold_vs_import_spacy": res["cold_start"]["ratio"],
        "warm_cache_speedup": res["cache"]["speedup"],
        "peak_mb_per_process": max(res[k]["peak_mb"] for k in ("claimlint_all_cores", "claimlint_one_core")),
        "scale_10x_time_ratio": res["scale_10x"]["time_ratio"] if "scale_10x" in res else None,
        "scale_10x_cpu_ratio": res["scale_10x"]["cpu_ratio"] if "scale_10x" in res else None,
    }
    if "proselint" in res:
        out["all_cores_vs_proselint"] = res["claimlint_all_cores"]["mb_per_s"] / res["proselint"]["mb_per_s"]
    return out


TARGETS = {
    "all_cores_vs_proselint": (">=", 3.0),
    "one_core_vs_tokenizer": (">=", 0.5),
    "cold_vs_import_spacy": ("<=", 1.3),
    "warm_cache_speedup": (">=", 10.0),
    "peak_mb_per_process": ("<", 400.0),
    "scale_10x_time_ratio": ("<=", 10.5),
}


def table(res: dict) -> str:
    rows = [("run", "wall s", "CPU s", "MB/s", "files/s", "peak MB")]

    def row(name: str, r: dict | None) -> None:
        if r:
            rows.append(
                (name, f"{r['wall']:.2f}", f"{r['cpu']:.2f}", f"{r['mb_per_s']:.2f}", f"{r['files_per_s']:.0f}", f"{r['peak_mb']:.0f}")
            )

    cores = res["machine"]["cores"]
    row(f"claimlint, all cores ({cores})", res["claimlint_all_cores"])
    row("claimlint, one core", res["claimlint_one_core"])
    row("claimlint, cache first run", res["cache"]["first"])
    row("claimlint, cache warm run", res["cache"]["warm"])
    if "proselint" in res:
        row(f"proselint check ({res['proselint']['version']})", res["proselint"])
    fl = res["floor_tokenizer"]
    rows.append(("spaCy blank tokenizer (floor)", f"{fl['tokenize_s']:.2f}", "", f"{fl['mb_per_s']:.2f}", "", ""))
    if "scale_10x" in res:
        s = res["scale_10x"]
        rows.append(
            (
                f"claimlint, 10x pages ({s['pages']})", f"{s['wall']:.2f}", f"{s['cpu']:.2f}",
                f"{s['bytes'] / 1e6 / s['wall']:.2f}", f"{s['pages'] / s['wall']:.0f}", f"{s['peak_mb']:.0f}",
            )
        )
    c = res["cold_start"]
    rows.append(("one small file, cold (--no-cache)", f"{c['claimlint_s']:.2f}", "", "", "", ""))
    rows.append(("one small file, cached", f"{c['claimlint_cached_s']:.2f}", "", "", "", ""))
    rows.append(('python -c "import spacy"', f"{c['import_spacy_s']:.2f}", "", "", "", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = [" | ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"{'target':<24} {'measured':>9}  goal      met")
    for key, (op, goal) in TARGETS.items():
        val = res["ratios"][key]
        if val is None:
            lines.append(f"{key:<24} {'n/a':>9}  {op} {goal:<6}  -")
            continue
        ok = val >= goal if op == ">=" else (val <= goal if op == "<=" else val < goal)
        lines.append(f"{key:<24} {val:>9.2f}  {op} {goal:<6}  {'yes' if ok else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=1000, help="pages in the corpus (default 1000)")
    ap.add_argument("--scale", action="store_true", help="also lint ten times the pages (slow) for the time ratio")
    ap.add_argument("--repeat", type=int, default=7, help="runs per cold-start median (default 7)")
    ap.add_argument("--no-proselint", action="store_true", help="skip proselint even when installed")
    ap.add_argument("--generate-only", action="store_true", help="write the corpus and stop")
    args = ap.parse_args(argv)
    if args.generate_only:
        out = generate(OUT / f"pages-{args.pages}", args.pages)
        n, b = tree_stats(out)
        print(f"{n} pages, {b / 1e6:.2f} MB under {out}")
        return
    res = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    print(table(res))
    print(f"\nwritten: {(OUT / 'results.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
