"""Readers: what is prose in Markdown, HTML and text, and exact positions in the original file.

Every expected position is computed from the test's own input (where the key word
stands in the original text), never copied from the linter's output. Every finding
is also checked for consistency: the original text at its span is ``finding.text``,
and line/column agree with the offsets. Columns count characters (code points).
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from linter.cli import main

CURE = "efficacy.absolute"
UNQUALIFIED = "efficacy.unqualified"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset, counted independently of the linter."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return line + 1, offset - starts[line] + 1


def check_spans(text: str, findings) -> None:
    """What every finding must satisfy, whatever the reader."""
    for f in findings:
        assert text[f.span.start : f.span.end] == f.text
        for span in (f.span, f.match):
            assert (span.line, span.column) == line_col(text, span.start)
            assert (span.end_line, span.end_column) == line_col(text, span.end)
        assert f.span.start <= f.match.start <= f.match.end <= f.span.end


def lint(linter, text: str, kind: str):
    findings = linter.lint_text(text, kind, "doc")
    check_spans(text, findings)
    return findings


def only(findings, category: str):
    hits = [f for f in findings if f.category == category]
    assert len(hits) == 1, [(f.category, f.text) for f in findings]
    return hits[0]


def assert_key_at(text: str, finding, key: str, context: str | None = None) -> None:
    """The finding's key phrase starts with ``key``, standing where ``key`` first occurs
    in ``context`` (the first occurrence of ``context`` in the original, or of ``key``)."""
    context = context or key
    at = text.index(context) + context.index(key)
    assert text[finding.match.start : finding.match.end].startswith(key)
    assert finding.match.start == at
    assert (finding.match.line, finding.match.column) == line_col(text, at)


# ---------------------------------------------------------------- Markdown: what is prose

PROSE_MD = {
    "paragraph": "Our clinic offers ketamine.\n\nKetamine cures depression.\n",
    "atx heading": "# Ketamine cures depression\n\nOur clinic offers ketamine.\n",
    "setext heading": "Ketamine cures depression\n=========================\n\nOur clinic offers ketamine.\n",
    "list item": "Our clinic offers ketamine.\n\n- Safe setting\n- Ketamine cures depression\n",
    "nested list": "Our clinic offers ketamine.\n\n1. Infusions\n   - Ketamine cures depression\n",
    "block quote": "Our clinic offers ketamine.\n\n> A patient wrote:\n> Ketamine cures depression.\n",
    "table cell": "Our clinic offers ketamine.\n\n| Treatment | Result |\n|---|---|\n| Ketamine | cures depression |\n",
    "link text": "Our clinic offers ketamine. [Ketamine cures depression](https://example.com/page).\n",
    "image alt": "Our clinic offers ketamine.\n\n![Ketamine cures depression](photo.png)\n",
    "emphasis": "Our clinic offers ketamine. **Ketamine _cures_ depression.**\n",
    "html block": "Our clinic offers ketamine.\n\n<div>\n<p>Ketamine <b>cures</b> depression.</p>\n</div>\n",
}


@pytest.mark.parametrize("name", PROSE_MD)
def test_markdown_prose_is_linted_where_it_stands(linter, name):
    text = PROSE_MD[name]
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")


# The claim sits only in the part that is not prose; the control puts the same
# sentence in a paragraph, so each case shows it would have been found.
NOT_PROSE_MD = {
    "fenced code": "```\n{claim}\n```\n",
    "tilde fence": "~~~text\n{claim}\n~~~\n",
    "indented code": "    {claim}\n",
    "inline code": "Type `{claim}` in the box.\n",
    "front matter": "---\ntitle: {claim}\n---\n",
    "html comment": "<!-- {claim} -->\n",
    "inline html comment": "See below. <!-- {claim} --> Thanks.\n",
    "link url": "[Read more](https://example.com/{slug})\n",
    "link title": '[Read more](https://example.com/ "{claim}")\n',
    "reference definition": 'See [our page][p].\n\n[p]: https://example.com/{slug} "{claim}"\n',
    "autolink": "Visit <https://example.com/{slug}>.\n",
}
CLAIM = "Ketamine cures depression."


@pytest.mark.parametrize("name", NOT_PROSE_MD)
def test_markdown_code_front_matter_comments_and_urls_are_not_linted(linter, name):
    head = "Our clinic offers ketamine infusions.\n\n" if name != "front matter" else ""
    tail = "\nOur clinic offers ketamine infusions.\n" if name == "front matter" else ""
    body = NOT_PROSE_MD[name].format(claim=CLAIM, slug="ketamine cures depression".replace(" ", "-"))
    text = head + body + tail
    assert not [f for f in lint(linter, text, "markdown") if f.category == CURE]
    control = head + CLAIM + "\n" + tail
    assert [f for f in lint(linter, control, "markdown") if f.category == CURE]


def test_markdown_link_text_is_linted_and_its_url_is_not(linter):
    text = "Our clinic offers ketamine. [See how it cures depression](https://example.com/cures).\n"
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")  # the first "cures": the link text, not the URL


def test_markdown_nested_markup_keeps_positions(linter):
    text = "Intro paragraph about ketamine.\n\n> - **Ketamine _truly_ cures\n>   depression** for [all *our* patients](https://x.org)\n"
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")
    assert (f.span.line, f.span.end_line) == (3, 4)
    assert f.text.startswith("Ketamine _truly_ cures")


def test_markdown_entities_map_to_their_source(linter):
    text = "Smith &amp; Co&rsquo;s ketamine cures depression.\n\nKetamine isn&rsquo;t a cure for anxiety.\n"
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")
    assert f.span.start == 0 and f.text.endswith("depression.")


def test_markdown_crlf_tabs_and_non_ascii(linter):
    text = (
        "# Café Ketamine\r\n\r\nOur naïve clinic — in Zürich —\toffers ketamine.\r\nKetamine\r\ncures depression.\r\n"
    )
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")
    assert f.text == "Ketamine\r\ncures depression."
    assert (f.span.line, f.span.column) == line_col(text, text.index("Ketamine\r\ncures"))


def test_markdown_mixed_line_endings_after_the_claim_do_not_shift_it(linter):
    text = "Line one about ketamine.\r\nLine two.\n\r\nKetamine cures depression.\r\n"
    f = only(lint(linter, text, "markdown"), CURE)
    assert_key_at(text, f, "cures")
    assert f.span.line == 4


# ---------------------------------------------------------------- HTML: what is prose

PAGE = """<!DOCTYPE html>
<html>
<head>
<title>{title}</title>
<meta name="description" content="{description}">
<meta property="og:description" content="{og}">
<meta name="keywords" content="{keywords}">
<style>p::after {{ content: "{style}"; }}</style>
<script>var s = "{script}"; if (a < b) {{ s = "</p>"; }}</script>
</head>
<body>
<!-- {comment} -->
<p title="{attr}">Our clinic offers ketamine infusions.</p>
<a href="https://example.com/{slug}" data-note="{attr}">Book</a>
<input value="{attr}">
<img src="{slug}.png" alt="{alt}">
<p>{body}</p>
</body>
</html>
"""
NEUTRAL = "Welcome"
HTML_SLOTS = ("title", "description", "og", "alt", "body")
HIDDEN_SLOTS = ("keywords", "style", "script", "comment", "attr")


def page(**slots) -> str:
    values = {k: NEUTRAL for k in HTML_SLOTS + HIDDEN_SLOTS}
    values["slug"] = "ketamine-cures-depression"
    values.update(slots)
    return PAGE.format(**values)


@pytest.mark.parametrize("slot", HTML_SLOTS)
def test_html_visible_text_title_meta_description_and_alt_are_linted(linter, slot):
    text = page(**{slot: "Ketamine cures depression."})
    f = only(lint(linter, text, "html"), CURE)
    assert_key_at(text, f, "cures", "Ketamine cures depression.")


@pytest.mark.parametrize("slot", HIDDEN_SLOTS)
def test_html_script_style_comments_and_other_attributes_are_not_linted(linter, slot):
    text = page(**{slot: "Ketamine cures depression."})
    assert not [f for f in lint(linter, text, "html") if f.category == CURE]


def test_html_entities_nested_tags_crlf_and_non_ascii(linter):
    text = (
        "<html>\r\n<body>\r\n<div><ul><li><p>Smith&nbsp;&amp;&nbsp;Co&rsquo;s naïve café —\r\n"
        "<strong>ketamine <em>truly</em>\tcures</strong>\r\n   depression.</p></li></ul></div>\r\n"
        "<p>Ketamine isn&rsquo;t a cure for anxiety.</p>\r\n</body></html>\r\n"
    )
    f = only(lint(linter, text, "html"), CURE)
    assert_key_at(text, f, "cures")
    assert f.text.startswith("Smith&nbsp;&amp;") and f.text.endswith("depression.")
    assert (f.span.line, f.span.end_line) == (3, 5)


def test_html_title_entity_keeps_positions(linter):
    text = "<html><head><title>Dr&#46; Lee&rsquo;s clinic &amp; ketamine: cures depression</title></head></html>\n"
    f = only(lint(linter, text, "html"), CURE)
    assert_key_at(text, f, "cures")


def test_html_unclosed_paragraphs_end_blocks(linter):
    text = "<p>Our clinic offers ketamine. It may\n<p>Ketamine cures depression.\n<p>Call us.\n"
    f = only(lint(linter, text, "html"), CURE)
    assert_key_at(text, f, "cures")
    assert f.text == "Ketamine cures depression."


# ---------------------------------------------------------------- plain text


def test_text_positions_with_crlf_tabs_and_non_ascii(linter):
    text = "Über uns\r\n\r\n\tOur café offers ketamine — naïvely priced.\r\n\tKetamine cures depression, we say.\r\n"
    f = only(lint(linter, text, "text"), CURE)
    assert_key_at(text, f, "cures")
    assert f.match.column == 11  # after the tab and "Ketamine "


def test_text_after_astral_characters_slices_exactly(linter):
    text = "😀🎉 Our clinic offers ketamine. Ketamine cures depression.\n"
    f = only(lint(linter, text, "text"), CURE)
    assert_key_at(text, f, "cures")


# ---------------------------------------------------------------- one sentence across lines


SPLIT = {
    "markdown": (
        "Our clinic offers ketamine.\n\nKetamine\nrelieves depression.\n",
        "Ketamine may\nhelp some patients with depression.\n",
    ),
    "text": (
        "Our clinic offers ketamine.\n\nKetamine\nrelieves depression.\n",
        "Ketamine may\nhelp some patients with depression.\n",
    ),
    "html": (
        "<p>Our clinic offers ketamine.</p>\n<p>Ketamine\n<em>relieves</em>\ndepression.</p>\n",
        "<p>Ketamine <em>may</em>\nhelp <strong>some patients</strong>\nwith depression.</p>\n",
    ),
}


@pytest.mark.parametrize("kind", SPLIT)
def test_a_sentence_split_across_lines_is_one_sentence(linter, kind):
    claim, hedged = SPLIT[kind]
    f = only(lint(linter, claim, kind), UNQUALIFIED)
    start = claim.index("Ketamine\n")
    assert f.span.start == start and f.span.end == claim.index("depression.") + len("depression.")
    assert f.span.end_line > f.span.line
    assert_key_at(claim, f, "relieves")
    # The hedge on the first line governs the claim on the next: nothing to report.
    assert not [x for x in lint(linter, hedged, kind) if x.scope == "sentence"]


@pytest.mark.parametrize("kind", ["markdown", "text"])
def test_a_blank_line_ends_the_sentence(linter, kind):
    text = "Ketamine may\n\nhelp patients with depression.\n"
    f = only(lint(linter, text, kind), UNQUALIFIED)
    assert f.span.line == 3


# ---------------------------------------------------------------- standard input


def _stdin(args: list[str], data: str):
    result = CliRunner().invoke(main, ["check", "-", "--format", "json", *args], input=data.encode())
    return result.exit_code, json.loads(result.stdout)


def test_stdin_filename_picks_the_markdown_reader_and_names_findings():
    data = "Our clinic offers ketamine.\n\n```\nKetamine cures depression.\n```\n\nKetamine *cures* anxiety.\n"
    code, out = _stdin(["--stdin-filename", "page.md"], data)
    cures = [f for f in out["findings"] if f["category"] == CURE]
    assert code == 1 and [f["path"] for f in cures] == ["page.md"]
    at = data.index("*cures* anxiety") + 1
    assert (cures[0]["match"]["line"], cures[0]["match"]["column"]) == line_col(data, at)


def test_stdin_filename_picks_the_html_reader():
    data = "<script>var s = 'Ketamine cures anxiety.';</script>\n<p>Ketamine <em>cures</em> depression.</p>\n"
    _, out = _stdin(["--stdin-filename", "page.html"], data)
    cures = [f for f in out["findings"] if f["category"] == CURE]
    assert len(cures) == 1 and cures[0]["path"] == "page.html"
    assert (cures[0]["match"]["line"], cures[0]["match"]["column"]) == line_col(data, data.index("cures</em>"))


def test_stdin_without_a_filename_is_text_named_dash():
    data = "```\nKetamine cures depression.\n```\n"
    _, out = _stdin([], data)
    assert {f["path"] for f in out["findings"]} == {"-"}
    assert [f for f in out["findings"] if f["category"] == CURE]  # a code fence is not code in text
