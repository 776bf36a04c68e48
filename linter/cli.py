"""The command line: ``claimlint check | rules | explain | eval | serve``.

User errors are ClaimlintError, caught here once and printed as one line with
exit status 2, and so are click's usage errors (a bad option or a missing
argument); anything else escaping is a bug.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import NoReturn

import click

from linter import __version__
from linter.errors import ClaimlintError, ExitCode

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _fail(message: str) -> None:
    click.echo(f"claimlint: error: {message}", err=True)
    sys.exit(ExitCode.ERROR)


def _linter(rules: tuple[str, ...] = (), extend_rules: tuple[str, ...] = ()):
    """The linter for these options and the working folder's config (its extend-rules)."""
    from linter.config import Overrides, Resolver

    return Resolver(Overrides(rules=tuple(rules), extend_rules=tuple(extend_rules))).default_linter()


# click >= 8.2 shows the help of a bare 'claimlint' by raising this UsageError (older click prints it itself).
_SHOWS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _usage_error(exc: click.UsageError) -> NoReturn:
    """Click's own wording of a bad command line, on one line: click would print its
    usage block and a 'Try ... --help' line around it, which buries the problem."""
    if isinstance(exc, _SHOWS_HELP):
        raise exc
    where = exc.ctx.command_path if exc.ctx is not None else "claimlint"
    problem = " ".join(exc.format_message().split()).rstrip(".")
    _fail(f"{problem} (see '{where} --help')")


class _Group(click.Group):
    """The root command: user errors end here, one line each, exit status 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:  # the root's own options ('claimlint -x check')
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            _usage_error(exc)

    def invoke(self, ctx):
        try:  # an unknown command, a subcommand's options and arguments, and the run itself
            return super().invoke(ctx)
        except ClaimlintError as exc:
            _fail(str(exc))
        except click.UsageError as exc:
            _usage_error(exc)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimlint")
def main() -> None:
    """claimlint: find the claims in ketamine, esketamine and SSRI marketing copy that the
    FDA and FTC treat as false or misleading, and the disclosures it leaves out.

    \b
    Exit status of `check`: 0 no finding at or above --fail-on, 1 findings,
    2 the run could not be done as asked (bad option, rule file or path, or
    an unreadable file; the other files are still linted).
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github"]), default="text", show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None, help="Lowest severity that makes the exit status 1.  [default: error, or the config's fail-on]")
@click.option("--select", multiple=True, metavar="RULE|CATEGORY", help="Report only these rules or categories (prefixes allowed, e.g. 'efficacy'). Repeatable or comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULE|CATEGORY", help="Do not report these rules or categories (prefixes allowed). Repeatable or comma-separated.")
@click.option("--stdin-filename", metavar="NAME", help="With '-', the file name that picks the reader (.md, .html, .txt, .docx) and names findings.")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Use these rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Add the rules in these folders to the bundled ones.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: only on a terminal).")
@click.option("-v", "--verbose", is_flag=True, help="Say which files were skipped in a directory walk and why.")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file for every path (no search for .claimlint.yaml, .claimlint.toml, pyproject.toml).")
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of standard output.")
@click.option("--statistics", is_flag=True, help="Show how many findings each rule made instead of the findings (text or json).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (2 still means the run failed).")
@click.option("--show-suppressed", is_flag=True, help="Also show findings waived by a claimlint-disable comment (JSON and SARIF always list them).")
@click.option("--baseline", "baseline_file", metavar="FILE", help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", metavar="FILE", help="Record the current findings in FILE as the baseline (exit 0 unless the run failed).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None, help="Worker processes.  [default: the number of cores]")
@click.option("--cache-dir", metavar="DIR", help="Keep the findings of unchanged files here.  [default: $CLAIMLINT_CACHE_DIR or .claimlint_cache]")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
def check(
    paths, fmt, fail_on, select, ignore, stdin_filename, rule_dirs, extend_rules, color, verbose,
    config_file, output, statistics, exit_zero, show_suppressed, baseline_file, write_baseline,
    jobs, cache_dir, no_cache,
) -> None:
    """Lint files and folders (Markdown, HTML, text, Word .docx; '-' for standard input)."""
    from linter import baseline, cache
    from linter.config import Overrides, Resolver
    from linter.parallel import default_jobs
    from linter.runner import run

    if statistics and fmt not in ("text", "json"):
        raise ClaimlintError("--statistics works with --format text or json")
    select = tuple(s.strip() for v in select for s in v.split(",") if s.strip())
    ignore = tuple(s.strip() for v in ignore for s in v.split(",") if s.strip())
    resolver = Resolver(Overrides(select or None, ignore or None, fail_on, rule_dirs, extend_rules, config_file))
    store = cache.use(None if no_cache else cache_dir or cache.default_dir())
    result = run(None, list(paths), stdin_filename, resolver, jobs or default_jobs(), store)
    if write_baseline:
        n = baseline.write(write_baseline, result.findings)
        click.echo(f"claimlint: recorded {n} finding{'s' if n != 1 else ''} in {write_baseline}", err=True)
    if baseline_file:
        result.findings, known = baseline.new_findings(result.findings, baseline_file)
        click.echo(f"claimlint: {known} finding{'s' if known != 1 else ''} in the baseline not reported", err=True)
    if color is None:
        color = fmt == "text" and output is None and sys.stdout.isatty()
    _emit(_report(fmt, result, resolver, color, statistics, show_suppressed), output)
    from linter.formats.text import shown_path

    if verbose:
        for path, why in result.skipped:
            click.echo(f"skipped {shown_path(path)}: {why}", err=True)
    for warning in _unlinted_warnings(result, paths, verbose):
        click.echo(f"claimlint: warning: {warning}", err=True)
    if result.errors and (fmt != "text" or output is not None or statistics):
        # Only the text report on stdout lists unreadable files for a person to see;
        # otherwise a missing path would leave nothing but the exit status.
        for e in result.errors:
            click.echo(f"claimlint: error: {shown_path(e.path)}: {e.message}", err=True)
    if result.errors:
        sys.exit(ExitCode.ERROR)
    if exit_zero or write_baseline:
        sys.exit(ExitCode.CLEAN)
    if any(
        _SEVERITY_RANK[f.severity] <= _SEVERITY_RANK[resolver.fail_on(f.path)]
        for f in result.findings
        if f.suppressed is None
    ):
        sys.exit(ExitCode.FINDINGS)
    sys.exit(ExitCode.CLEAN)


def _unlinted_warnings(result, paths: tuple[str, ...], verbose: bool) -> list[str]:
    """What a run left unlinted that the user would not expect: a file named on the
    command line that the config excludes, and a run that linted nothing at all, which
    would otherwise pass as clean without a word (the exit status stays 0, as ruff's)."""
    from linter.formats.text import shown_path
    from linter.sources import EXTENSIONS

    named = set(paths)
    excluded = {p: why for p, why in result.skipped if p in named}  # a named file is skipped only when excluded
    out = [f"{shown_path(p)}: not linted, {why}" for p, why in excluded.items()]
    if result.files == 0 and not result.errors:
        n = len(result.skipped)
        skipped = f"; {n} skipped" + ("" if verbose else ", see --verbose") if n else ""
        out.append(f"no file was linted (supported: {', '.join(EXTENSIONS)}{skipped})")
    return out


def _report(fmt: str, result, resolver, color: bool, statistics: bool, show_suppressed: bool) -> Iterable[str]:
    """The report text, in pieces; text and GitHub output leave waived findings out unless asked."""
    from dataclasses import replace

    from linter.formats import stream

    if statistics:
        from linter.formats.statistics import render_counts

        return [render_counts(result.findings, fmt)]
    if fmt in ("text", "github") and not show_suppressed:
        result = replace(result, findings=[f for f in result.findings if f.suppressed is None])
    return stream(fmt, result, resolver.default_linter(), color=color, sources=result.texts, rules=resolver.rules())


def _emit(report: Iterable[str], output: str | None) -> None:
    if output is None:
        for piece in report:
            click.echo(piece, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.writelines(report)
    except OSError as exc:
        raise ClaimlintError(f"{output}: cannot write the report: {exc.strerror or exc}") from None


@main.command("config")
@click.argument("path", default=".")
@click.option("--config", "config_file", metavar="FILE", help="Use this config file instead of searching for one.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config_cmd(path, config_file, fmt) -> None:
    """Show the configuration that applies to PATH, and where each value came from."""
    import json

    from linter.config import Overrides, Resolver, describe, render_description

    desc = describe(Resolver(Overrides(config=config_file)), path)
    click.echo(json.dumps(desc, indent=2) if fmt == "json" else render_description(desc), nl=fmt == "json")


@main.command("rules")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def rules_cmd(rule_dirs, extend_rules) -> None:
    """List every rule: id, category, severity and what it flags."""
    from linter.suppressions import DIRECTIVE_RULES

    linter = _linter(rule_dirs, extend_rules)
    every = [*linter.rules, *DIRECTIVE_RULES]  # the built-in rules about suppression comments last
    click.echo("\n".join(_rule_table(every)))


def _rule_table(rules) -> list[str]:
    """One row per rule: id, category, severity and what it flags."""
    width = max(len(r.id) for r in rules)
    return [f"{r.id:<{width}}  {r.category:<24}  {r.severity:<7}  {r.summary}" for r in rules]


def _head_lines(r, references: list[str]) -> list[str]:
    """What every explanation opens with: the rule, its message, why, (references,) the suggestion."""
    return [
        f"{r.id}  ({r.category}, {r.scope} scope, {r.severity})",
        "",
        r.message,
        "",
        "Why:",
        *(f"  {line}" for line in _wrap(r.rationale)),
        "",
        *references,
        "Suggestion:",
        *(f"  {line}" for line in _wrap(r.suggestion)),
        "",
    ]


@main.command()
@click.argument("rule", metavar="RULE|CATEGORY")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def explain(rule, rule_dirs, extend_rules) -> None:
    """Explain a rule: message, rationale, references, suggestion, disclosure text and examples.
    Given a category or prefix (as --select takes, e.g. 'efficacy'), list the rules it selects."""
    from linter.suppressions import DIRECTIVE_RULES, selected

    directive = next((d for d in DIRECTIVE_RULES if d.id == rule), None)
    if directive is not None:
        lines = [
            *_head_lines(directive, []),
            "Built in: a rule about claimlint's own suppression comments (not suppressible inline).",
        ]
        click.echo("\n".join(lines))
        return
    linter = _linter(rule_dirs, extend_rules)
    r = linter.ruleset.by_id().get(rule)
    if r is None:
        matching = [m for m in (*linter.rules, *DIRECTIVE_RULES) if selected((rule,), m.id, m.category)]
        if not matching:
            raise ClaimlintError(f"no rule, category or prefix {rule!r} (see 'claimlint rules')")
        click.echo(f"{rule!r} selects {len(matching)} rule{'s' if len(matching) != 1 else ''}:\n")
        click.echo("\n".join(_rule_table(matching)))
        click.echo(f"\nRun 'claimlint explain <id>' for one of them, e.g. 'claimlint explain {matching[0].id}'.")
        return
    lines = [
        *_head_lines(r, ["References:", *(f"  - {ref}" for ref in r.references), ""]),
        *(_disclosure_lines(r.disclosure) if r.disclosure is not None else []),
        "Flagged:",
        *(f"  - {ex!r}" for ex in r.examples.flag),
        "Not flagged:",
        *(f"  - {ex!r}" for ex in r.examples.pass_),
    ]
    if r.examples.todo_flag or r.examples.todo_pass:
        lines.append("Known gaps (todo):")
        lines.extend(f"  - should flag: {ex!r}" for ex in r.examples.todo_flag)
        lines.extend(f"  - should pass: {ex!r}" for ex in r.examples.todo_pass)
    lines.append(f"\nDefined in {r.path}")
    click.echo("\n".join(lines))


def _disclosure_lines(template) -> list[str]:
    """A requirement rule's disclosure template: what each document's finding shows."""
    return [
        "Disclosure (filled in for each document from rules/knowledge.yaml; the suggestion where it cannot be):",
        *(f"  {line}" for line in _wrap(template.text)),
        "",
    ]


def _wrap(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), 78) or [""]


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="Port on 127.0.0.1; 0 takes any free port.")
@click.option("--max-bytes", type=click.IntRange(1), default=2 * 1024 * 1024, show_default=True, help="Largest upload or pasted text accepted.")
@click.option("--open", "open_browser", is_flag=True, help="Also open the page in the default web browser.")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def serve(port, max_bytes, open_browser, rule_dirs, extend_rules) -> None:
    """Start the review page for editors on http://127.0.0.1:PORT/ (paste text or drop a
    .md, .html, .txt or .docx file; Ctrl-C stops it)."""
    from linter.serve import serve as run_server

    run_server(_linter(rule_dirs, extend_rules), port, max_bytes, open_browser)


@main.command()
@click.option("--cache-dir", metavar="DIR", help="The cache to delete.  [default: $CLAIMLINT_CACHE_DIR or .claimlint_cache]")
def clean(cache_dir) -> None:
    """Delete the findings cache (only a folder claimlint made)."""
    from linter.cache import clean as clean_cache
    from linter.cache import default_dir

    folder = cache_dir or default_dir()
    freed = clean_cache(folder)
    click.echo(f"removed {folder} ({freed / 1e6:.1f} MB)" if freed else f"no cache at {folder}")


@main.command("eval")
@click.argument("corpus", default="corpus")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show-errors", is_flag=True, help="List every miss and false alarm with its file and line.")
@click.option("--min-f1", type=click.FloatRange(0, 1), default=0.0, show_default=True, help="Exit 1 when overall F1 is below this.")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def eval_cmd(corpus, fmt, show_errors, min_f1, rule_dirs, extend_rules) -> None:
    """Score claimlint against an annotated corpus (precision, recall, F1 per category)."""
    import json

    from linter.evaluate import evaluate, render_table

    linter = _linter(rule_dirs, extend_rules)
    report = evaluate(linter, corpus)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(render_table(report, show_errors), nl=False)
    if report.errors:
        sys.exit(ExitCode.ERROR)
    sys.exit(ExitCode.FINDINGS if report.overall.f1 < min_f1 else ExitCode.CLEAN)
