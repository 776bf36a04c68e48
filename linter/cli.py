"""The command line: ``claimlint check | rules | explain | eval``.

User errors are ClaimlintError, caught here once and printed as one line with
exit status 2; anything else escaping is a bug.
"""

from __future__ import annotations

import sys

import click

from linter import __version__
from linter.errors import ClaimlintError, ExitCode

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _fail(message: str) -> None:
    click.echo(f"claimlint: error: {message}", err=True)
    sys.exit(ExitCode.ERROR)


def _linter(rules: tuple[str, ...] = (), extend_rules: tuple[str, ...] = ()):
    from linter.engine import Linter

    return Linter(list(rules) or None, list(extend_rules))


def selected(selectors: tuple[str, ...] | list[str], rule: str, category: str) -> bool:
    """A selector names a rule id, a category, or a prefix of either ("efficacy")."""
    for s in selectors:
        if s in (rule, category) or category.startswith(s + ".") or rule.startswith(s + "-"):
            return True
    return False


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ClaimlintError as exc:
            _fail(str(exc))


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
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True, help="Lowest severity that makes the exit status 1.")
@click.option("--select", multiple=True, metavar="RULE|CATEGORY", help="Report only these rules or categories (prefixes allowed, e.g. 'efficacy'). Repeatable or comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULE|CATEGORY", help="Do not report these rules or categories (prefixes allowed). Repeatable or comma-separated.")
@click.option("--stdin-filename", metavar="NAME", help="With '-', the file name that picks the reader (.md, .html, .txt) and names findings.")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Use these rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Add the rules in these folders to the bundled ones.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: only on a terminal).")
@click.option("-v", "--verbose", is_flag=True, help="Say which files were skipped in a directory walk and why.")
def check(paths, fmt, fail_on, select, ignore, stdin_filename, rule_dirs, extend_rules, color, verbose) -> None:
    """Lint files and folders (Markdown, HTML, text; '-' for standard input)."""
    from linter.formats import render
    from linter.runner import run

    select = tuple(s.strip() for v in select for s in v.split(",") if s.strip())
    ignore = tuple(s.strip() for v in ignore for s in v.split(",") if s.strip())
    linter = _linter(rule_dirs, extend_rules)
    result = run(linter, list(paths), stdin_filename)
    result.findings = [
        f
        for f in result.findings
        if (not select or selected(select, f.rule, f.category)) and not selected(ignore, f.rule, f.category)
    ]
    if color is None:
        color = fmt == "text" and sys.stdout.isatty()
    click.echo(render(fmt, result, linter, color=color, sources=result.texts), nl=False)
    if verbose:
        for path, why in result.skipped:
            click.echo(f"skipped {path}: {why}", err=True)
    if result.errors:
        sys.exit(ExitCode.ERROR)
    limit = _SEVERITY_RANK[fail_on]
    if any(_SEVERITY_RANK[f.severity] <= limit for f in result.findings if f.suppressed is None):
        sys.exit(ExitCode.FINDINGS)
    sys.exit(ExitCode.CLEAN)


@main.command("rules")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def rules_cmd(rule_dirs, extend_rules) -> None:
    """List every rule: id, category, severity and what it flags."""
    linter = _linter(rule_dirs, extend_rules)
    width = max(len(r.id) for r in linter.rules)
    for r in linter.rules:
        click.echo(f"{r.id:<{width}}  {r.category:<24}  {r.severity:<7}  {r.summary}")


@main.command()
@click.argument("rule")
@click.option("--rules", "rule_dirs", multiple=True, metavar="DIR", help="Rule folders instead of the bundled rules.")
@click.option("--extend-rules", multiple=True, metavar="DIR", help="Extra rule folders.")
def explain(rule, rule_dirs, extend_rules) -> None:
    """Explain a rule: message, rationale, references, suggestion and examples."""
    linter = _linter(rule_dirs, extend_rules)
    r = linter.ruleset.by_id().get(rule)
    if r is None:
        raise ClaimlintError(f"no rule {rule!r} (see 'claimlint rules')")
    lines = [
        f"{r.id}  ({r.category}, {r.scope} scope, {r.severity})",
        "",
        r.message,
        "",
        "Why:",
        *(f"  {line}" for line in _wrap(r.rationale)),
        "",
        "References:",
        *(f"  - {ref}" for ref in r.references),
        "",
        "Suggestion:",
        *(f"  {line}" for line in _wrap(r.suggestion)),
        "",
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


def _wrap(text: str) -> list[str]:
    import textwrap

    return textwrap.wrap(" ".join(text.split()), 78) or [""]


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
