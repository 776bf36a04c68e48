"""Configuration: ``[tool.claimlint]`` in pyproject.toml, ``.claimlint.yaml`` or ``.claimlint.toml``.

Configs are found from each linted file's folder upwards, so different
subtrees of a content repository can have different settings. They cascade:
each key comes from the closest config that sets it, so a folder's
``.claimlint.yaml`` can change ``ignore`` and keep the team's ``severity`` from
the root pyproject.toml; ``root = true`` stops the search there. In one folder
``.claimlint.yaml`` beats ``.claimlint.toml`` beats ``pyproject.toml`` (which
counts only with a ``[tool.claimlint]`` table). The command line beats every
file, and ``--config FILE`` uses that file alone. Paths (``extend-rules``) and
gitignore-style globs (``exclude``, ``per-file-ignores``) are relative to the
folder of the config that names them.

A bad config stops the run (exit 2) with the file and the key named.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import dataclass, replace
from functools import lru_cache

import pathspec

from linter.errors import ClaimlintError
from linter.findings import Finding
from linter.rules import SEVERITIES
from linter.suppressions import DIRECTIVE_RULES, selected
from linter.yamlio import load_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAMES = (".claimlint.yaml", ".claimlint.yml", ".claimlint.toml", "pyproject.toml")
KEYS = ("select", "ignore", "extend-rules", "severity", "fail-on", "exclude", "per-file-ignores", "root")
DEFAULT, COMMAND_LINE = "default", "command line"


class ConfigError(ClaimlintError):
    """A config file that cannot be used: names the file and the key."""

    def __init__(self, where: str, key: str | None, reason: str):
        super().__init__(f"{where}: key {key!r}: {reason}" if key else f"{where}: {reason}")


def show_path(path: str) -> str:
    """A path for people: relative to the working folder when it lies inside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


@dataclass(frozen=True)
class Globs:
    """Gitignore-style globs, relative to the folder of the config that wrote them."""

    base: str
    patterns: tuple[str, ...]

    @property
    def spec(self) -> pathspec.PathSpec:
        return _spec(self.patterns)

    def match(self, path: str) -> bool:
        rel = os.path.relpath(os.path.abspath(path), self.base)
        return not rel.startswith("..") and self.spec.match_file(rel.replace(os.sep, "/"))


@lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(patterns)


@dataclass(frozen=True)
class Layer:
    """One config file: its validated settings and how to name it."""

    path: str
    label: str
    values: tuple[tuple[str, object], ...]

    def get(self, key: str):
        return dict(self.values).get(key)

    @property
    def root(self) -> bool:
        return bool(self.get("root"))


@dataclass(frozen=True)
class Overrides:
    """What the command line says: it beats every config file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    rules: tuple[str, ...] = ()
    extend_rules: tuple[str, ...] = ()
    config: str | None = None


@dataclass(frozen=True)
class Config:
    """The effective settings for one folder, and where each came from."""

    select: tuple[str, ...] | None
    ignore: tuple[str, ...]
    extend_rules: tuple[str, ...]
    severity: tuple[tuple[str, str], ...]
    fail_on: str
    exclude: Globs | None
    per_file_ignores: tuple[tuple[Globs, tuple[str, ...]], ...]
    rules: tuple[str, ...]
    origins: tuple[tuple[str, str], ...]
    files: tuple[str, ...]

    def origin(self, key: str) -> str:
        return dict(self.origins)[key]

    def severity_for(self, rule: str, category: str) -> str | None:
        """The override for a rule: an exact rule id beats a category, which beats a prefix."""
        best, rank = None, (-1, 0)
        for sel, sev in self.severity:
            if selected((sel,), rule, category):
                r = (2 if sel == rule else 1 if sel == category else 0, len(sel))
                if r > rank:
                    best, rank = sev, r
        return best

    def file_ignores(self, path: str) -> tuple[str, ...]:
        return tuple(s for globs, sels in self.per_file_ignores if globs.match(path) for s in sels)

    def to_dict(self) -> dict:
        pfi: dict[str, list[str]] = {}
        for globs, sels in self.per_file_ignores:
            pfi[globs.patterns[0]] = list(sels)
        values = {
            "select": list(self.select) if self.select is not None else None,
            "ignore": list(self.ignore),
            "extend-rules": [show_path(p) for p in self.extend_rules],
            "severity": dict(self.severity),
            "fail-on": self.fail_on,
            "exclude": list(self.exclude.patterns) if self.exclude else [],
            "per-file-ignores": pfi,
            "rules": [show_path(p) for p in self.rules] or "bundled",
        }
        return {k: {"value": v, "source": self.origin(k)} for k, v in values.items()}


# ---------------------------------------------------------------- reading files


def read_layer(path: str, explicit: bool = False) -> Layer | None:
    """A config file's settings; None for a pyproject.toml without [tool.claimlint]
    (unless named with --config, where that is an error)."""
    path = os.path.abspath(path)
    name = os.path.basename(path)
    shown = show_path(path)
    if explicit and not os.path.isfile(path):
        raise ConfigError(shown, None, "no such config file")
    if name.endswith((".yaml", ".yml")):
        raw = load_yaml(shown)
        label = shown
    else:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(shown, None, f"TOML error: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(shown, None, str(getattr(exc, "strerror", None) or exc)) from None
        label = shown
        if name == "pyproject.toml":
            label = f"{shown} [tool.claimlint]"
            tool = raw.get("tool")
            if not isinstance(tool, dict) or "claimlint" not in tool:
                if explicit:
                    raise ConfigError(shown, None, "no [tool.claimlint] table")
                return None
            raw = tool["claimlint"]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(label, None, "expected a mapping of settings")
    return Layer(path, label, tuple(_validate(raw, os.path.dirname(path), label).items()))


def _strings(val, label: str, key: str, what: str) -> tuple[str, ...]:
    if not isinstance(val, list) or not all(isinstance(v, str) and v.strip() for v in val):
        raise ConfigError(label, key, f'expected a list of {what}, e.g. ["efficacy"], got {val!r}')
    return tuple(v.strip() for v in val)


def _severity(val, label: str, key: str) -> str:
    if val not in SEVERITIES:
        raise ConfigError(label, key, f"expected one of {', '.join(SEVERITIES)}, got {val!r}")
    return val


def _mapping(val, label: str, key: str) -> dict:
    if not isinstance(val, dict):
        raise ConfigError(label, key, f"expected a mapping, got {val!r}")
    return val


def _validate(raw: dict, base: str, label: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, val in raw.items():
        key = str(key)
        if key in ("select", "ignore"):
            out[key] = _strings(val, label, key, "rule ids or categories")
        elif key == "extend-rules":
            folders = []
            for p in _strings(val, label, key, "rule folders"):
                full = os.path.normpath(os.path.join(base, os.path.expanduser(p)))
                if not os.path.exists(full):
                    raise ConfigError(label, key, f"no such rule folder {p!r} (relative to the config's folder)")
                folders.append(full)
            out[key] = tuple(folders)
        elif key == "severity":
            out[key] = tuple(
                (str(sel), _severity(sev, label, f"severity.{sel}")) for sel, sev in _mapping(val, label, key).items()
            )
        elif key == "fail-on":
            out[key] = _severity(val, label, key)
        elif key == "exclude":
            out[key] = Globs(base, _strings(val, label, key, "globs"))
        elif key == "per-file-ignores":
            out[key] = tuple(
                (Globs(base, (str(glob),)), _strings(sels, label, f"per-file-ignores.{glob}", "rule ids or categories"))
                for glob, sels in _mapping(val, label, key).items()
            )
        elif key == "root":
            if not isinstance(val, bool):
                raise ConfigError(label, key, f"expected true or false, got {val!r}")
            out[key] = val
        else:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(KEYS)})"
            raise ConfigError(label, key, "unknown key" + hint)
    return out


def merge(layers: tuple[Layer, ...], cli: Overrides) -> Config:
    """Each key from the command line, else the closest config that sets it, else the default."""
    origins: dict[str, str] = {}

    def pick(key: str, cli_value, default):
        if cli_value is not None:
            origins[key] = COMMAND_LINE
            return cli_value
        for layer in layers:
            if key in dict(layer.values):
                origins[key] = layer.label
                return layer.get(key)
        origins[key] = DEFAULT
        return default

    select = pick("select", cli.select, None)
    ignore = pick("ignore", cli.ignore, ())
    extend = pick("extend-rules", None, ())
    if cli.extend_rules:
        extend = tuple(extend) + tuple(os.path.abspath(p) for p in cli.extend_rules)
        origins["extend-rules"] = (
            COMMAND_LINE if origins["extend-rules"] == DEFAULT else origins["extend-rules"] + " + " + COMMAND_LINE
        )
    severity = pick("severity", None, ())
    fail_on = pick("fail-on", cli.fail_on, "error")
    exclude = pick("exclude", None, None)
    per_file_ignores = pick("per-file-ignores", None, ())
    origins["rules"] = COMMAND_LINE if cli.rules else DEFAULT
    return Config(
        select=select,
        ignore=ignore,
        extend_rules=extend,
        severity=severity,
        fail_on=fail_on,
        exclude=exclude,
        per_file_ignores=per_file_ignores,
        rules=tuple(os.path.abspath(p) for p in cli.rules),
        origins=tuple(origins.items()),
        files=tuple(layer.label for layer in layers),
    )


# ---------------------------------------------------------------- per file


@lru_cache(maxsize=8)
def build_linter(rules: tuple[str, ...], extend_rules: tuple[str, ...]):
    """One Linter per set of rule folders, kept for the process: compiling the rules
    is the costly part of a run, and configs in one tree usually share a set. It is
    built when first used to lint (linter.cache.LazyLinter): a run served from the
    cache never builds it."""
    from linter.cache import LazyLinter

    return LazyLinter(list(rules) or None, list(extend_rules))


@dataclass(frozen=True)
class FileSettings:
    """What applies to one file: its config, its linter, and its own ignores."""

    config: Config
    linter: object
    excluded: str | None
    ignore: tuple[str, ...]

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Keep the selected findings and apply the severity overrides."""
        out = []
        for f in findings:
            if self.reports(f.rule, f.category):
                sev = self.config.severity_for(f.rule, f.category)
                out.append(replace(f, severity=sev) if sev and sev != f.severity else f)
        return out

    def reports(self, rule: str, category: str) -> bool:
        select = self.config.select
        return (select is None or selected(select, rule, category)) and not selected(self.ignore, rule, category)


class Resolver:
    """Finds and caches the config of each folder, and the linter for each config."""

    def __init__(self, overrides: Overrides | None = None) -> None:
        self.overrides = overrides or Overrides()
        self._explicit = read_layer(self.overrides.config, explicit=True) if self.overrides.config else None
        self._layers: dict[str, tuple[Layer, ...]] = {}
        self._configs: dict[tuple[str, ...], Config] = {}
        self._fail_on: dict[str, str] = {}
        self._used: dict[tuple, object] = {}

    def layers(self, directory: str) -> tuple[Layer, ...]:
        """The configs that apply in a folder, closest first."""
        if self._explicit is not None:
            return (self._explicit,)
        directory = os.path.abspath(directory)
        if directory not in self._layers:
            own = None
            for name in CONFIG_NAMES:
                cand = os.path.join(directory, name)
                if os.path.isfile(cand):
                    own = read_layer(cand)
                    if own is not None:
                        break
            parent = os.path.dirname(directory)
            rest = () if (own is not None and own.root) or parent == directory else self.layers(parent)
            self._layers[directory] = ((own,) if own is not None else ()) + rest
        return self._layers[directory]

    def config(self, directory: str) -> Config:
        layers = self.layers(directory)
        key = tuple(layer.path for layer in layers)
        if key not in self._configs:
            config = merge(layers, self.overrides)
            _check_selectors(config, self.linter(config).rules)
            self._configs[key] = config
        return self._configs[key]

    def linter(self, config: Config):
        key = (config.rules, config.extend_rules)
        linter = build_linter(*key)
        self._used.setdefault(key, linter)
        return linter

    def for_path(self, path: str, stdin_filename: str | None = None) -> FileSettings:
        """Settings for a path to lint ('-' is standard input, named by --stdin-filename)."""
        named = stdin_filename if path == "-" else path
        directory = os.path.dirname(os.path.abspath(named)) if named else os.getcwd()
        config = self.config(directory)
        excluded = None
        if named and config.exclude and config.exclude.match(named):
            excluded = f"excluded by 'exclude' in {config.origin('exclude')}"
        self._fail_on[named or "-"] = config.fail_on
        return FileSettings(
            config, self.linter(config), excluded, config.ignore + (config.file_ignores(named) if named else ())
        )

    def fail_on(self, path: str) -> str:
        """The failing severity for a linted file's findings."""
        return self._fail_on.get(path, self.overrides.fail_on or "error")

    def rules(self) -> list:
        """Every rule that ran (claim rules of each linter used, then the directive rules)."""
        if not self._used:
            self.linter(self.config(os.getcwd()))
        out: dict[str, object] = {}
        for linter in self._used.values():
            for r in linter.rules:
                out.setdefault(r.id, r)
        for r in DIRECTIVE_RULES:
            out.setdefault(r.id, r)
        return list(out.values())

    def default_linter(self):
        """The linter for the working folder's config (for listing and explaining rules)."""
        return self.linter(self.config(os.getcwd()))


def _check_selectors(config: Config, rules) -> None:
    """A selector that matches no rule is a typo: fail loudly, naming where it was written."""
    known = [(r.id, r.category) for r in list(rules) + list(DIRECTIVE_RULES)]
    checks = [("select", config.select or ()), ("ignore", config.ignore), ("severity", [s for s, _ in config.severity])]
    checks += [(f"per-file-ignores.{g.patterns[0]}", sels) for g, sels in config.per_file_ignores]
    for key, sels in checks:
        origin = config.origin(key.split(".")[0])
        for sel in sels:
            if not any(selected((sel,), rid, cat) for rid, cat in known):
                reason = f"{sel!r} matches no rule or category (see 'claimlint rules')"
                if origin == COMMAND_LINE:
                    raise ClaimlintError(f"--{key}: {reason}")
                raise ConfigError(origin, key, reason)


def describe(resolver: Resolver, path: str) -> dict:
    """The effective configuration for a path, for ``claimlint config``."""
    target = os.path.abspath(path)
    directory = target if os.path.isdir(target) else os.path.dirname(target)
    config = resolver.config(directory)
    out = {"path": path, "config_files": list(config.files), "settings": config.to_dict()}
    if not os.path.isdir(target):
        settings = resolver.for_path(path)
        out["excluded"] = settings.excluded
        out["ignored_here"] = list(config.file_ignores(path))
    return out


def render_description(desc: dict) -> str:
    lines = [f"claimlint configuration for {desc['path']}"]
    files = desc["config_files"]
    lines.append("config files, closest first: " + (", ".join(files) if files else "none (defaults)"))
    values = {k: json.dumps(item["value"]) for k, item in desc["settings"].items()}
    kw, vw = max(map(len, values)), min(48, max(map(len, values.values())))
    for key, item in desc["settings"].items():
        lines.append(f"  {key:<{kw}} = {values[key]:<{vw}}  # {item['source']}")
    if "excluded" in desc:
        lines.append(f"excluded: {desc['excluded'] or 'no'}")
        lines.append(f"per-file ignores here: {', '.join(desc['ignored_here']) or 'none'}")
    return "\n".join(lines) + "\n"
