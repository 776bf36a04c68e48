"""Property-based tests (issue 5, item 4), with hypothesis: for arbitrary text and
arbitrary Markdown and HTML wrappings of it (emphasis, links, lists, tables,
entities, comments, CRLF), claimlint never raises; every reported span lies
inside the file; the text at a finding's line and column in the original file is
the finding's ``text``; the key phrase lies inside the sentence; and the output is
the same on every run and for every ``--jobs`` value.

The words are drawn mostly from claim vocabulary, so that findings occur; line
and column are turned back into offsets here, independently of the linter.
"""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import offset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.errors import InputError
from linter.runner import run
from linter.sources import from_bytes, kind_for

WORDS = [
    "ketamine", "Ketamine", "esketamine", "Spravato", "SSRIs", "sertraline", "cures", "cure", "cured",
    "depression", "anxiety", "PTSD", "pain", "safe", "completely", "100%", "FDA-approved", "approved",
    "FDA", "hours", "within", "24", "minutes", "instantly", "permanent", "forever", "relief", "works",
    "better", "than", "safer", "not", "may", "might", "can", "no", "side", "effects", "no side effects",
    "guaranteed", "studies", "suggest", "some", "patients", "talk", "to", "your", "doctor", "provider",
    "off-label", "compounded", "risks", "include", "dissociation", "call", "988", "the", "and", "is", "it",
    "our", "clinic", "Yes", "Myth", "that", "only", "treatment", "for", "eliminates", "lasting", "non-addictive",
    "don't", "isn't", "we", "say", "claims", "Be", "wary", "of", "results", "vary", "in", "a", "one", "session",
]
PUNCT = [".", ".", ".", ",", ",", "!", "?", ";", ":", " —", "-", "'", '"', "“", "”", "(", ")", "…", "’s"]
ODD = ["\t", "\u00a0", "\u2028", "\u200b", "é", "İ", "ß", "ﬁ", "\U0001f600", "\u0301", "\r", "\x0b", "&", "<", ">", "*", "_", "`", "[", "]", "\\", "|", "#"]

word = st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=4))
sentence = st.builds(
    lambda ws, ps, end: " ".join(w + p for w, p in zip(ws, ps)) + end,
    st.lists(word, min_size=1, max_size=12),
    st.lists(st.sampled_from(["", "", "", *PUNCT]), min_size=12, max_size=12),
    st.sampled_from([".", "!", "?", "", ".\"", ")."]),
)


def _md(kind: str, s: str) -> str:
    return {
        "plain": s,
        "em": f"*{s}*",
        "strong": f"**{s}**",
        "under": f"_{s}_",
        "strike": f"~~{s}~~",
        "code": f"`{s}`",
        "link": f"[{s}](https://example.com/a_(b) \"t\")",
        "ref": f"[{s}][r]\n\n[r]: https://example.com",
        "image": f"![{s}](x.png)",
        "bullet": f"- {s}",
        "ordered": f"1. {s}",
        "nested": f"- a\n  - {s}",
        "quote": f"> {s}",
        "heading": f"## {s}",
        "table": f"| a | b |\n|---|---|\n| {s} | x |",
        "hard-break": f"{s}  \nmore",
        "entity": s.replace(" ", "&nbsp;", 1).replace("'", "&rsquo;"),
        "escape": s.replace("*", "\\*").replace(".", "\\."),
        "html": f"<span>{s}</span>",
        "comment": f"<!-- c -->{s}<!-- d -->",
        "fence": f"```\n{s}\n```",
        "front": f"---\ntitle: x\n---\n{s}",
    }[kind]


def _html(kind: str, s: str) -> str:
    return {
        "plain": s,
        "p": f"<p>{s}</p>",
        "b": f"<b>{s}</b>",
        "nested": f"<div><p><em>{s}</em></p></div>",
        "link": f'<a href="https://example.com/?a=1&amp;b=2">{s}</a>',
        "li": f"<ul><li>{s}</li></ul>",
        "td": f"<table><tr><td>{s}</td><td>x</td></tr></table>",
        "br": f"{s}<br>{s}",
        "entity": s.replace(" ", "&nbsp;", 1).replace("'", "&#39;").replace("a", "&#x61;", 1),
        "comment": f"<!-- x -->{s}<!-- y -->",
        "script": f"<script>var s = '{s}';</script>{s}",
        "meta": f'<meta name="description" content="{s.replace(chr(34), "&quot;")}">',
        "img": f'<img alt="{s.replace(chr(34), "&quot;")}" src="x.png">',
        "unclosed": f"<p>{s}<p>{s}",
        "title": f"<title>{s}</title>",
    }[kind]


MD_KINDS = ["plain", "em", "strong", "under", "strike", "code", "link", "ref", "image", "bullet", "ordered", "nested",
            "quote", "heading", "table", "hard-break", "entity", "escape", "html", "comment", "fence", "front"]
HTML_KINDS = ["plain", "p", "b", "nested", "link", "li", "td", "br", "entity", "comment", "script", "meta", "img",
              "unclosed", "title"]


def _document(wrap, kinds):
    block = st.builds(wrap, st.sampled_from(kinds), sentence)
    return st.builds(
        lambda blocks, sep, eol: sep.join(blocks).replace("\n", eol),
        st.lists(block, min_size=1, max_size=6),
        st.sampled_from(["\n\n", "\n", " "]),
        st.sampled_from(["\n", "\r\n", "\r"]),
    )


# Markup soup: the pieces of both syntaxes in any order, half-open and mismatched.
SOUP = list("*_[]()!<>&#`\\|-~=\"' \n\r\t.:;?") + [
    "Ketamine", " cures ", "depression", "&amp;", "&nbsp;", "<p>", "</p>", "<b>", "<!--", "-->", "```", "    ",
    "1. ", "- ", "> ", "| a |", "---", "<br>", "&#x27;", " safe", " FDA-approved", " no side effects", " not",
    " may", "http://x.y", "<script>", "</script>", "\U0001f600", "\u0301",
]
soup = st.lists(st.sampled_from(SOUP), max_size=80).map("".join)

documents = st.one_of(
    st.tuples(st.sampled_from(["text", "markdown", "html"]), soup),
    st.tuples(st.just("text"), _document(lambda k, s: s, ["plain"])),
    st.tuples(st.just("text"), st.text(max_size=300)),
    st.tuples(st.just("markdown"), _document(_md, MD_KINDS)),
    st.tuples(st.just("markdown"), st.text(max_size=300)),
    st.tuples(st.just("html"), _document(_html, HTML_KINDS)),
    st.tuples(st.just("html"), st.text(max_size=300)),
)

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])




def check_findings(text: str, findings) -> None:
    assert findings == sorted(findings, key=lambda f: f.sort_key())
    for f in findings:
        s, m = f.span, f.match
        start, end = offset(text, s.line, s.column), offset(text, s.end_line, s.end_column)
        assert (start, end) == (s.start, s.end)
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == f.text
        m_start, m_end = offset(text, m.line, m.column), offset(text, m.end_line, m.end_column)
        assert (m_start, m_end) == (m.start, m.end)
        assert start <= m_start <= m_end <= end, (f.rule, f.text, text[m_start:m_end])


@PROPERTY
@given(documents)
def test_spans_lie_in_the_file_and_quote_it_exactly(linter, doc):
    kind, text = doc
    check_findings(text, linter.lint_text(text, kind, "doc"))


@PROPERTY
@given(documents)
def test_the_output_is_the_same_on_every_run(linter, doc):
    kind, text = doc
    first = [f.to_dict() for f in linter.lint_text(text, kind, "doc")]
    assert [f.to_dict() for f in linter.lint_text(text, kind, "doc")] == first


@PROPERTY
@given(st.binary(max_size=400), st.sampled_from(["x.md", "x.html", "x.txt"]))
def test_arbitrary_bytes_are_linted_or_refused_never_raise(linter, data, name):
    try:
        src = from_bytes(data, name, kind_for(name))
    except InputError as exc:
        assert exc.reason
        return
    check_findings(src.text, linter.lint_text(src.text, src.kind, name))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=4, max_size=9))
def test_the_output_is_the_same_for_every_jobs_value(linter, tmp_path_factory, docs):
    folder = tmp_path_factory.mktemp("jobs")
    ext = {"text": ".txt", "markdown": ".md", "html": ".html"}
    for i, (kind, text) in enumerate(docs):
        (folder / f"d{i}{ext[kind]}").write_text(text, encoding="utf-8", newline="")
    results = []
    for jobs in (1, 2, 3):
        r = run(linter, [str(folder)], jobs=jobs)
        results.append(([f.to_dict() for f in r.findings], [e.to_dict() for e in r.errors], r.files))
    assert results[0] == results[1] == results[2]


def test_the_command_gives_the_same_json_for_every_jobs_value(tmp_path):
    """End to end, with worker processes and without the cache."""
    for i, text in enumerate(["Ketamine cures depression.", "Spravato works within hours.", "No side effects!",
                              "<p>FDA-approved ketamine for anxiety.</p>", "# Safe\n\nKetamine is 100% safe.", "ok"]):
        name = f"p{i}.html" if text.startswith("<") else f"p{i}.md"
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    outs = []
    for jobs in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-m", "linter", "check", "--format", "json", "--no-cache", "--jobs", jobs, str(tmp_path)],
            capture_output=True, text=True, timeout=300, check=False,
        )
        assert proc.returncode == 1, proc.stderr
        outs.append(json.loads(proc.stdout))
    assert outs[0] == outs[1] and outs[0]["files"] == 6
