"""The cache: each file's findings, and each rule set's rules, kept between runs.

A file's findings depend on its text and reader kind, on the rule set (every
rule, knowledge-base and qualifier file loaded, extra rule folders included),
on how the linter was configured (its rule folders) and on the code that
linted it (claimlint and the versions of spaCy, its lookup tables and
markdown-it). The cache key covers all of these, so an entry is either exactly
what a fresh run would report or it is never read. Findings are stored without
their path and take the path of the file they are read for, so a copied or
moved page is a hit.

A second run over an unchanged tree reads and hashes the files and reads the
entries; it never builds the NLP pipeline, since the rules it needs to list and
check selectors against are cached too (``LazyLinter``). Entries are JSON, not
pickle: a cache restored from a CI run of an untrusted branch must not be able
to run code.

Two runs may share the folder: every entry is written to a temporary file in
its own folder and moved into place with ``os.replace``, which is atomic, so a
reader sees a whole entry or none. An entry that cannot be read or decoded is a
miss, and the run writes it again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, fields, is_dataclass
from functools import cached_property, lru_cache

from linter import __version__
from linter.findings import Finding, Span

ENV = "CLAIMLINT_CACHE_DIR"
DEFAULT_DIR = ".claimlint_cache"
FORMAT = 1  # bump when the layout of entries changes

_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by claimlint.\n"


def default_dir() -> str:
    """``$CLAIMLINT_CACHE_DIR``, else ``.claimlint_cache`` in the working folder."""
    return os.environ.get(ENV) or DEFAULT_DIR


# ---------------------------------------------------------------- fingerprints


def _package_version(module: str) -> str:
    """A package's ``__version__``, read from its source so that spaCy need not be imported."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return "absent"
    folder = next(iter(spec.submodule_search_locations))
    for name in ("about.py", "__init__.py"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                m = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", fh.read(), re.MULTILINE)
        except OSError:
            continue
        if m:
            return m.group(1)
    return "unknown"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What the linting code is: claimlint's version and source, and the versions of the
    libraries whose behaviour reaches the findings. The source is hashed because a
    development checkout changes without its version changing."""
    h = hashlib.sha256(f"{FORMAT} {__version__} {sys.version_info[:2]}".encode())
    for module in ("spacy", "spacy_lookups_data", "markdown_it", "mdit_py_plugins"):
        h.update(f"{module}={_package_version(module)};".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, package).encode() + b"\0")
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def rule_set_files(rule_paths: list[str] | None, extra_rule_paths: list[str] | None) -> list[str]:
    """Every file a Linter built with these arguments loads: rules, knowledge base, qualifiers."""
    from linter.engine import Linter

    knowledge, qualifiers, rules = Linter.files(rule_paths, extra_rule_paths)
    return sorted({os.path.abspath(f) for f in (*rules, knowledge, qualifiers)})


def linter_fingerprint(rule_paths: list[str] | None, extra_rule_paths: list[str] | None) -> str:
    """The rule set, the linter's configuration and the code, hashed: what a file's
    findings depend on besides its own text."""
    h = hashlib.sha256(code_fingerprint().encode())
    config = {"rules": [os.path.abspath(p) for p in rule_paths or []], "extend": [os.path.abspath(p) for p in extra_rule_paths or []]}
    h.update(json.dumps(config, sort_keys=True).encode())
    for path in rule_set_files(rule_paths, extra_rule_paths):
        h.update(path.encode() + b"\0")
        with open(path, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def content_digest(source) -> str:
    """The key of one document: its reader kind and text (and a Word document's paragraphs)."""
    h = hashlib.sha256(source.kind.encode() + b"\0")
    h.update(source.text.encode("utf-8", "surrogatepass"))
    layout = getattr(source, "layout", None)
    if layout is not None:
        h.update(b"\0layout\0" + json.dumps(list(layout.paragraphs)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


# ---------------------------------------------------------------- encoding

# Decoding builds dataclasses of claimlint's own modules and nothing else, so an
# entry cannot make it run code of anyone's choosing.
_PACKAGE = "linter."


def encode(value):
    """JSON-ready form of findings and rules: dataclasses, tuples, frozensets and
    dicts with non-string keys are tagged so that ``decode`` restores them exactly."""
    if is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        return {"$dc": f"{cls.__module__}:{cls.__qualname__}", "f": {f.name: encode(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$fs": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, set):
        return {"$s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$d": [[encode(k), encode(v)] for k, v in value.items()]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$dc" in value:
        return _dataclass(value["$dc"], {k: decode(v) for k, v in value["f"].items()})
    if "$t" in value:
        return tuple(decode(v) for v in value["$t"])
    if "$fs" in value:
        return frozenset(decode(v) for v in value["$fs"])
    if "$s" in value:
        return {decode(v) for v in value["$s"]}
    if "$d" in value:
        return {decode(k): decode(v) for k, v in value["$d"]}
    return {k: decode(v) for k, v in value.items()}


def _dataclass(name: str, values: dict):
    module, _, qualname = name.partition(":")
    if not module.startswith(_PACKAGE) or "." in qualname:
        raise ValueError(f"not a cacheable class: {name}")
    try:
        cls = getattr(importlib.import_module(module), qualname, None)
    except ImportError:
        cls = None
    if cls is None or not isinstance(cls, type) or not is_dataclass(cls):
        raise ValueError(f"not a cacheable class: {name}")
    init = {f.name: values[f.name] for f in fields(cls) if f.init}
    obj = cls(**init)
    for f in fields(cls):
        if not f.init:
            object.__setattr__(obj, f.name, values[f.name])
    return obj


# A cache entry holds many findings: each is stored as a row of its fields, a
# Span as its six numbers, so that reading a warm cache does not decode a tagged
# object per value. A field of any other type goes through encode/decode.
_PLAIN = ("str", "int", "bool", "str | None", "int | None", "bool | None")


@lru_cache(maxsize=1)
def _finding_fields() -> tuple[tuple[str, str], ...]:
    """(name, how it is stored) for each field of Finding, from its annotations."""
    out = []
    for f in fields(Finding):
        kind = "span" if f.type == "Span" else "strings" if f.type == "tuple[str, ...]" else "plain" if f.type in _PLAIN else "any"
        out.append((f.name, kind))
    return tuple(out)


def _row(finding: Finding) -> list:
    row = []
    for name, kind in _finding_fields():
        value = getattr(finding, name)
        if name == "path":
            row.append("")  # a finding takes the path of the file it is read for
        elif kind == "span":
            row.append([value.start, value.end, value.line, value.column, value.end_line, value.end_column])
        elif kind == "strings":
            row.append(list(value))
        elif kind == "plain":
            row.append(value)
        else:
            row.append(encode(value))
    return row


def _finding(row: list, path: str, shared: dict[str, str]) -> Finding:
    """A finding from its row. Its strings are taken from ``shared`` where an equal one
    was read before: the message, suggestion and references of a rule repeat in
    every finding of it, and a large run keeps all its findings in memory."""
    values = {}
    for (name, kind), value in zip(_finding_fields(), row, strict=True):
        if kind == "span":
            values[name] = Span(*value)
        elif kind == "strings":
            values[name] = tuple(shared.setdefault(v, v) for v in value)
        elif kind == "any":
            values[name] = decode(value)
        elif isinstance(value, str):
            values[name] = shared.setdefault(value, value)
        elif value is not None and not isinstance(value, int):
            raise TypeError(f"{name}: {value!r}")
        else:
            values[name] = value
    values["path"] = path
    return Finding(**values)


# ---------------------------------------------------------------- the store


class Cache:
    """A cache folder: ``results/<linter>/<xx>/<digest>.json`` and ``rules/<linter>.json``."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._ready = False
        self._shared: dict[str, str] = {}  # strings read so far, each kept once

    def _prepare(self) -> None:
        """Make the folder, marked as a cache (CACHEDIR.TAG) that git ignores."""
        if self._ready:
            return
        os.makedirs(self.root, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", "# made by claimlint\n*\n")):
            path = os.path.join(self.root, name)
            if not os.path.exists(path):
                _write_atomic(path, text)
        self._ready = True

    def _entry(self, linter_id: str, digest: str) -> str:
        return os.path.join(self.root, "results", linter_id[:32], digest[:2], digest + ".json")

    def get(self, linter_id: str, digest: str, path: str) -> list[Finding] | None:
        """The cached findings of a document, as found at ``path``; None on a miss."""
        try:
            with open(self._entry(linter_id, digest), encoding="utf-8") as fh:
                data = json.load(fh)
            if data["fields"] != [name for name, _ in _finding_fields()]:
                return None
            return [_finding(row, path, self._shared) for row in data["findings"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None

    def put(self, linter_id: str, digest: str, findings: list[Finding]) -> None:
        """Store a document's findings (their paths are not kept). A cache that cannot be
        written costs the run nothing but the next run's time."""
        rows = [_row(f) for f in findings]
        data = {"fields": [name for name, _ in _finding_fields()], "findings": rows}
        try:
            self._prepare()
            path = self._entry(linter_id, digest)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except OSError:
            pass

    def get_rules(self, linter_id: str) -> list | None:
        """The rules of a rule set as described (see ``described``), if cached."""
        try:
            with open(os.path.join(self.root, "rules", linter_id[:32] + ".json"), encoding="utf-8") as fh:
                return decode(json.load(fh)["rules"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None

    def put_rules(self, linter_id: str, rules: list) -> None:
        try:
            data = json.dumps({"rules": encode([described(r) for r in rules])}, ensure_ascii=False, separators=(",", ":"))
        except TypeError:
            return  # a rule holding something the codec does not know: list the rules from YAML
        try:
            self._prepare()
            os.makedirs(os.path.join(self.root, "rules"), exist_ok=True)
            _write_atomic(os.path.join(self.root, "rules", linter_id[:32] + ".json"), data)
        except OSError:
            pass


def described(rule):
    """A rule without its compiled patterns (fields holding clauses are emptied): what
    listing the rules, checking --select against them and writing SARIF need, at a
    hundredth of the size. Only a built Linter lints, with its own rules."""
    from linter.rules import Clause

    empty = {}
    for f in fields(rule):
        value = getattr(rule, f.name)
        if isinstance(value, Clause):
            empty[f.name] = None
        elif isinstance(value, tuple) and value and all(isinstance(v, Clause) for v in value):
            empty[f.name] = ()
    return dataclasses.replace(rule, **empty) if empty else rule


def _write_atomic(path: str, text: str) -> None:
    """Write a file whole or not at all, even with another process writing it too."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------- a lazy linter


@dataclass
class _Settings:
    cache: Cache | None = None


_settings = _Settings()


def clean(folder: str) -> int:
    """Delete a cache folder; the bytes freed. Only a folder that claimlint made (it
    holds claimlint's CACHEDIR.TAG) is deleted: a mistyped --cache-dir pointing at
    a content folder must not be wiped. ClaimlintError otherwise."""
    import shutil

    from linter.errors import ClaimlintError

    if not os.path.exists(folder):
        return 0
    try:
        with open(os.path.join(folder, "CACHEDIR.TAG"), encoding="utf-8") as fh:
            ours = fh.read() == _CACHEDIR_TAG
    except OSError:
        ours = False
    if not ours or not os.path.isdir(folder) or os.path.islink(folder):
        raise ClaimlintError(f"{folder}: not a claimlint cache (no claimlint CACHEDIR.TAG); not deleted")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise ClaimlintError(f"{folder}: cannot delete the cache: {exc.strerror or exc}") from None
    return size


def use(folder: str | None) -> Cache | None:
    """Cache in ``folder`` from now on (None: no cache). The command line sets this once."""
    _settings.cache = Cache(folder) if folder else None
    return _settings.cache


def current() -> Cache | None:
    return _settings.cache


class LazyLinter:
    """A stand-in for ``engine.Linter`` that builds it only when a document is linted.

    Its rules come from the cache when they are there, so that a run whose every
    file is cached (or a check of --select against the rules) never loads spaCy.
    Anything else asked of it is asked of the real Linter, built on first need.
    """

    def __init__(self, rule_paths: list[str] | None, extra_rule_paths: list[str] | None) -> None:
        self.rule_paths = list(rule_paths or [])
        self.extra_rule_paths = list(extra_rule_paths or [])
        self._described: tuple[Cache, list | None] | None = None  # (the cache asked, its answer)

    @cached_property
    def fingerprint(self) -> str:
        return linter_fingerprint(self.rule_paths, self.extra_rule_paths)

    @cached_property
    def real(self):
        from linter.engine import Linter

        linter = Linter(self.rule_paths or None, self.extra_rule_paths)
        cache = current()
        if cache is not None:
            cache.put_rules(self.fingerprint, linter.rules)
        return linter

    @property
    def built(self) -> bool:
        return "real" in self.__dict__

    @property
    def rules(self) -> list:
        """The real Linter's rules once it is built; before, the cached description of them."""
        cache = current()
        if not self.built and cache is not None:
            if self._described is None or self._described[0] is not cache:
                self._described = (cache, cache.get_rules(self.fingerprint))
            if self._described[1] is not None:
                return self._described[1]
        return self.real.rules

    def lint_text(self, text: str, kind: str = "text", path: str = "-"):
        return self.real.lint_text(text, kind, path)

    def __getattr__(self, name: str):
        if name.startswith("__") or name in ("real", "fingerprint", "_described"):
            raise AttributeError(name)
        return getattr(self.real, name)
