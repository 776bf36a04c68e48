"""The review server over HTTP: the page's files, /api/check, /api/upload, limits and errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import pytest

from linter.errors import ClaimlintError
from linter.serve import STATIC_DIR, ReviewServer, split_suggestion

MAX = 100_000
COPY = (
    "Ketamine cures depression. Our IV ketamine therapy works in hours and is completely safe.\n\n"
    "Book your first session today.\n"
)


@pytest.fixture(scope="module")
def server(linter):
    srv = ReviewServer(linter, port=0, max_bytes=MAX)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def call(server, path, body=None, headers=None, method=None):
    """(status, headers, parsed JSON or raw bytes) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(server.url.rstrip("/") + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, hdrs, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        status, hdrs, raw = exc.code, exc.headers, exc.read()
    if hdrs.get("Content-Type", "").startswith("application/json"):
        return status, hdrs, json.loads(raw)
    return status, hdrs, raw


def check(server, text, kind="text"):
    return call(server, "/api/check", json.dumps({"text": text, "kind": kind}).encode(), {"Content-Type": "application/json"})


def upload(server, name, data):
    return call(server, "/api/upload", data, {"X-Filename": urllib.request.quote(name)})


def test_listens_on_loopback_only_on_a_free_port(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}/"


def test_page_and_assets_are_served_with_a_strict_policy(server):
    status, headers, html = call(server, "/")
    assert status == 200 and b"claimlint" in html
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    for path in re.findall(rb'(?:src|href)="([^"]+)"', html):
        assert path.startswith(b"/"), f"the page loads {path!r} from elsewhere"
        assert call(server, path.decode())[0] == 200


def test_static_files_load_nothing_from_outside_and_never_parse_text_as_html():
    js = Path(STATIC_DIR, "app.js").read_text()
    css = Path(STATIC_DIR, "app.css").read_text()
    assert not re.search(r"\.(?:inner|outer)HTML\b|insertAdjacentHTML\(|document\.write\(|\beval\(", js)
    assert all(arg.startswith(('"/', "path")) for arg in re.findall(r"fetch\(([^,)]+)", js))
    assert "@import" not in css and "url(" not in css


def test_check_returns_offsets_that_index_the_text(server):
    status, _, body = check(server, COPY)
    assert status == 200
    assert body["text"] == COPY and body["positions"] == "line"
    findings = body["findings"]
    assert {f["scope"] for f in findings} == {"sentence", "document"}
    for f in findings:
        sentence = COPY[f["start"] : f["end"]]
        assert sentence == f["text"]
        assert COPY[f["match"]["start"] : f["match"]["end"]] in sentence
        assert f["where"] == f"line {f['line']}, column {f['column']}"
        # this sentence rewritten by the engine, or else the rule's own example
        assert f["rewrite"] and (f["rewrite_exact"] or f["rewrite"] in f["suggestion"])
        assert body["rules"][f["rule"]]["rationale"]
        assert f["rule"] in body["report"] and f["rewrite"] in body["report"]


def test_accepting_a_rewrite_clears_its_finding(server):
    """What the page's Accept button does: the sentence replaced, or the disclosure appended."""
    _, _, body = check(server, COPY)
    for f in body["findings"]:
        if f["scope"] == "sentence":
            text = COPY[: f["start"]] + f["rewrite"] + COPY[f["end"] :]
        else:
            text = COPY.rstrip() + "\n\n" + f["rewrite"] + "\n"
        _, _, after = check(server, text)
        assert f["rule"] not in {g["rule"] for g in after["findings"]}, (f["rule"], text)


def test_offsets_count_characters_after_an_emoji(server):
    text = "\U0001F600 Ketamine cures depression."
    _, _, body = check(server, text)
    claim = next(f for f in body["findings"] if f["scope"] == "sentence")
    assert text[claim["match"]["start"] : claim["match"]["end"]] == "cures"
    assert text[claim["start"] : claim["end"]] == claim["text"]


def test_markdown_and_html_are_read_by_their_readers(server):
    _, _, md = check(server, "# Title\n\n```\nKetamine cures depression.\n```\n", "markdown")
    assert not [f for f in md["findings"] if f["scope"] == "sentence"]  # a code block is not prose
    html = "<p>Ketamine <b>cures</b> depression.</p>"
    _, _, body = check(server, html, "html")
    claim = next(f for f in body["findings"] if f["scope"] == "sentence")
    assert html[claim["match"]["start"] : claim["match"]["end"]] == "cures"


def test_upload_docx_reports_paragraph_and_character(server, tmp_path):
    d = docx.Document()
    d.add_paragraph("Our clinic")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "Book now. Ketamine cures depression."
    d.save(str(tmp_path / "copy.docx"))
    status, _, body = upload(server, "copy of the page.docx", (tmp_path / "copy.docx").read_bytes())
    assert status == 200
    assert body["path"] == "copy of the page.docx" and body["positions"] == "paragraph"
    claim = next(f for f in body["findings"] if f["scope"] == "sentence")
    assert claim["where"] == f"paragraph 2, character {len('Book now. ') + 1}"
    assert body["text"][claim["start"] : claim["end"]] == "Ketamine cures depression."
    assert "paragraph" in body["report"].splitlines()[0]


def test_upload_markdown_and_text(server):
    status, _, body = upload(server, "page.md", "# Offer\n\nKetamine cures depression.\n".encode())
    assert status == 200 and body["kind"] == "markdown" and body["findings"]
    assert upload(server, "notes.txt", b"Hello.")[2]["findings"] == []


def test_oversize_bodies_are_refused_with_a_message(server):
    status, _, body = upload(server, "big.txt", b"a" * (MAX + 1))
    assert status == 413
    assert "limit" in body["error"] and "big.txt" in body["error"] and "--max-bytes" in body["error"]
    status, _, body = check(server, "b" * MAX)
    assert status == 413 and "limit" in body["error"]
    assert check(server, "still serving")[0] == 200


@pytest.mark.parametrize(
    ("path", "data", "headers", "status", "says"),
    [
        ("/api/upload", b"x", {"X-Filename": "page.pdf"}, 415, "not a supported file type"),
        ("/api/upload", b"x", {}, 400, "X-Filename"),
        ("/api/upload", b"not a zip", {"X-Filename": "a.docx"}, 400, "Word document"),
        ("/api/upload", b"abc\x00def", {"X-Filename": "a.txt"}, 400, "binary"),
        ("/api/check", b"{not json", {"Content-Type": "application/json"}, 400, "not JSON"),
        ("/api/check", b'{"text": 3}', {"Content-Type": "application/json"}, 400, "text"),
        ("/api/check", b'{"text": "x", "kind": "pdf"}', {"Content-Type": "application/json"}, 400, "unknown kind"),
        ("/api/nothing", b"{}", {}, 404, "no such page"),
    ],
)
def test_bad_requests_get_a_clear_error(server, path, data, headers, status, says):
    got, _, body = call(server, path, data, headers)
    assert got == status
    assert says in body["error"]


def test_requests_for_another_host_are_refused(server):
    status, _, body = call(server, "/api/config", headers={"Host": "attacker.example"})
    assert status == 403 and "127.0.0.1" in body["error"]


def test_config_tells_the_page_the_limit(server):
    _, _, body = call(server, "/api/config")
    assert body["max_bytes"] == MAX and ".docx" in body["extensions"]


def test_concurrent_checks_all_succeed(server):
    texts = [f"Ketamine cures depression. Visit {i}." for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda t: check(server, t), texts))
    assert all(status == 200 and body["text"] == t for (status, _, body), t in zip(results, texts))


def test_a_taken_port_is_a_user_error(server, linter):
    with pytest.raises(ClaimlintError, match="cannot listen"):
        ReviewServer(linter, port=server.port)


def test_split_suggestion():
    s = split_suggestion('Add: "Talk to your provider."')
    assert (s.advice, s.rewrite) == ("Add", "Talk to your provider.")
    s = split_suggestion('Qualify it: "Some patients \u201cfeel\u201d better."')
    assert s.rewrite == "Some patients \u201cfeel\u201d better."
    assert split_suggestion("Rewrite without the claim.").rewrite == "Rewrite without the claim."


def test_cli_serve_prints_its_address(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "linter", "serve", "--port", "0", "--max-bytes", "1000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, (line, proc.stderr.read() if proc.poll() is not None else "")
        with urllib.request.urlopen(m.group(0) + "api/config", timeout=30) as resp:
            assert json.loads(resp.read())["max_bytes"] == 1000
    finally:
        proc.terminate()
        proc.wait(timeout=10)
