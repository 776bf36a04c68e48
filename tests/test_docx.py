"""Word documents: paragraphs, tables and headers are read, and findings point at
paragraph and character (line = paragraph number, column = character)."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from click.testing import CliRunner

from linter.cli import main
from linter.docx import ParagraphLayout, paragraphs, read_docx
from linter.errors import InputError
from linter.runner import run

CLAIM = "Ketamine cures depression."


def save(document, path) -> bytes:
    document.save(str(path))
    return path.read_bytes()


def layout_document():
    """Body paragraphs, a table with a merged cell and a nested table, a header and a footer."""
    d = docx.Document()
    d.add_paragraph("Body one.")
    d.add_paragraph("")
    d.add_paragraph("Body three.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Cell A."
    table.cell(0, 1).text = "Cell B."
    table.cell(1, 0).merge(table.cell(1, 1)).text = "Merged."
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested."
    d.sections[0].header.paragraphs[0].text = "Header."
    d.sections[0].footer.paragraphs[0].text = "Footer."
    return d


def test_paragraph_order_body_then_tables_then_headers_and_footers(tmp_path):
    data = save(layout_document(), tmp_path / "a.docx")
    got = paragraphs(docx.Document(io.BytesIO(data)))
    # Cell B's paragraph, its nested table, then the empty paragraph Word requires after a
    # table in a cell; the merged cell once; empty paragraphs count.
    assert got == [
        "Body one.", "", "Body three.", "Cell A.", "Cell B.", "Nested.", "", "Merged.", "Header.", "Footer.",
    ]


def test_layout_positions_are_paragraph_and_character():
    layout = ParagraphLayout.of(["abc", "", "hello world"])
    text = layout.text
    start = text.index("world")
    assert layout.position(start) == (3, 7)
    assert layout.position(start + len("world")) == (3, 12)  # end offsets stay in their paragraph
    assert layout.position(0) == (1, 1)
    assert layout.lines_text.splitlines()[2][6:11] == "world"


def test_line_breaks_inside_a_paragraph_stay_in_that_paragraph(tmp_path):
    d = docx.Document()
    d.add_paragraph("Intro.")
    p = d.add_paragraph("First line")
    p.add_run().add_break()
    p.add_run(CLAIM)
    src = read_docx(save(d, tmp_path / "b.docx"), "b.docx")
    layout = src.layout
    assert layout.position(src.text.index("cures")) == (2, len("First line") + 1 + len("Ketamine ") + 1)
    assert len(layout.lines_text.splitlines()) == 2


@pytest.mark.parametrize("where", ["body", "table", "header", "footer"])
def test_claims_are_found_everywhere_and_placed_by_paragraph(tmp_path, linter, where):
    d = docx.Document()
    d.add_paragraph("Welcome to our clinic.")
    d.add_paragraph("")
    expected_paragraph = {"body": 3, "table": 4, "header": 5, "footer": 5}[where]
    lead = "Read this. "
    if where == "body":
        d.add_paragraph(lead + CLAIM)
    elif where == "table":
        d.add_paragraph("Prices.")
        d.add_table(rows=1, cols=1).cell(0, 0).text = lead + CLAIM
    else:
        d.add_paragraph("Prices.")
        d.add_paragraph("Hours.")
        part = d.sections[0].header if where == "header" else d.sections[0].footer
        part.paragraphs[0].text = lead + CLAIM
    path = tmp_path / f"{where}.docx"
    save(d, path)
    result = run(linter, [str(path)])
    assert not result.errors
    claims = [f for f in result.findings if f.scope == "sentence"]
    assert claims, "the claim was not found"
    f = claims[0]
    assert (f.span.line, f.span.column) == (expected_paragraph, len(lead) + 1)
    assert (f.match.line, f.match.column) == (expected_paragraph, len(lead) + len("Ketamine ") + 1)
    assert f.text == CLAIM


def test_json_and_text_reports_of_a_docx(tmp_path):
    d = docx.Document()
    d.add_paragraph("Our clinic")
    d.add_paragraph("Book a visit. " + CLAIM)
    path = tmp_path / "copy.docx"
    save(d, path)
    runner = CliRunner()
    out = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert out.exit_code == 1, out.output
    findings = json.loads(out.output)["findings"]
    claim = next(f for f in findings if f["scope"] == "sentence")
    assert (claim["line"], claim["column"]) == (2, len("Book a visit. ") + 1)
    text = runner.invoke(main, ["check", str(path)]).output
    # The excerpt under the finding is the paragraph itself, with the key phrase underlined.
    excerpt = text.splitlines()[text.splitlines().index(next(l for l in text.splitlines() if "efficacy" in l)) + 1]
    assert excerpt.strip() == "Book a visit. " + CLAIM


def test_docx_from_stdin_and_in_a_directory_walk(tmp_path, linter):
    d = docx.Document()
    d.add_paragraph(CLAIM)
    path = tmp_path / "dir" / "page.docx"
    path.parent.mkdir()
    data = save(d, path)
    assert any(f.path == str(path) for f in run(linter, [str(path.parent)]).findings)
    out = CliRunner().invoke(main, ["check", "--format", "json", "-", "--stdin-filename", "x.docx"], input=data)
    assert out.exit_code == 1, out.output
    assert json.loads(out.output)["findings"][0]["path"] == "x.docx"


def test_unreadable_word_files_are_errors_not_crashes(tmp_path, linter):
    not_zip = tmp_path / "a.docx"
    not_zip.write_bytes(b"this is not a zip file")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "a zip, but not a Word document")
    wrong_zip = tmp_path / "b.docx"
    wrong_zip.write_bytes(buf.getvalue())
    good = tmp_path / "c.docx"
    d = docx.Document()
    d.add_paragraph(CLAIM)
    save(d, good)
    result = run(linter, [str(not_zip), str(wrong_zip), str(good)])
    assert sorted(e.path for e in result.errors) == [str(not_zip), str(wrong_zip)]
    assert all("Word document" in e.message for e in result.errors)
    assert result.files == 1 and result.findings


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch):
    import linter.docx as module

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * 100_000)
    monkeypatch.setattr(module, "MAX_UNPACKED", 50_000)
    with pytest.raises(InputError, match="unpacks to"):
        read_docx(buf.getvalue(), "bomb.docx")
