"""``claimlint serve``: a local review page for content editors.

One Linter, built when the server starts, answers every request, so the page
applies exactly the engine and rules of ``claimlint check``. The standard
library's ThreadingHTTPServer is enough for a page that one editor opens on their
own machine; it listens on 127.0.0.1 only and answers only requests addressed to
that host (a guard against DNS rebinding by other web pages).

API (JSON in, JSON out; errors are ``{"error": message}`` with a 4xx status):

``GET /api/config``
    the upload limit, the reader kinds and the supported file extensions.
``POST /api/check``  ``{"text": ..., "kind": "text" | "markdown" | "html"}``
    the findings of that text (see ``finding_json``), the rules' rationale, and a
    plain-text report.
``POST /api/upload``  raw file bytes, file name in the ``X-Filename`` header
    (percent-encoded UTF-8): the same answer for the file's text (.md, .html,
    .txt, .docx); a Word document's text is its paragraphs separated by blank
    lines, and its positions are paragraph and character.

Bodies larger than ``max_bytes`` are refused with 413 and a message the page shows.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import traceback
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from linter import __version__
from linter.errors import ClaimlintError, InputError
from linter.findings import Finding
from linter.readers import READERS
from linter.runner import RunResult, lint_source
from linter.sources import EXTENSIONS, MAX_BYTES, Source, from_bytes, kind_for

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
HOST = "127.0.0.1"
STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
# URL path -> (file in STATIC_DIR, content type). A fixed table, so no request can name another file.
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
}
# The page loads nothing but its own three files: no CDN, font or inline script.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Rule suggestions read 'Advice: "the rewrite"'; the quoted text is what goes into the copy.
_QUOTED = re.compile(r"[\"\u201c](.+)[\"\u201d]\s*$", re.S)


class RequestError(Exception):
    """A request the server refuses, with the status and the message the page shows."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Suggestion:
    advice: str
    rewrite: str


def split_suggestion(suggestion: str) -> Suggestion:
    """The advice and the ready-to-use rewrite (or disclosure text) of a rule's suggestion."""
    m = _QUOTED.search(suggestion)
    if not m:
        return Suggestion("", suggestion.strip())
    return Suggestion(suggestion[: m.start()].strip().rstrip(":").strip(), m.group(1).strip())


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n >= 1024:
        return f"{n / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n} bytes"


def where(f: Finding, paragraphs: bool) -> str:
    """The position as an editor reads it: paragraph and character in a Word document."""
    if paragraphs:
        return f"paragraph {f.span.line}, character {f.span.column}"
    return f"line {f.span.line}, column {f.span.column}"


def finding_json(f: Finding, paragraphs: bool) -> dict:
    """The JSON contract's finding plus what the page needs: character offsets of the
    sentence (``start``/``end``) and key phrase (``match.start``/``match.end``) in the
    checked text, a readable position, and the suggestion split into advice and rewrite.

    ``rewrite`` is what Accept puts into the copy: the engine's rewrite of this very
    sentence (source text, markup kept) where the rule's rewrite applies, or the
    disclosure text built for this document from the knowledge base (plain text), with
    ``rewrite_exact`` true; otherwise the rule's generic example (or disclosure text),
    plain text, with ``rewrite_exact`` false."""
    d = f.to_dict()
    d["start"], d["end"] = f.span.start, f.span.end
    d["match"].update(start=f.match.start, end=f.match.end)
    d["where"] = where(f, paragraphs)
    s = split_suggestion(f.suggestion)
    d["advice"] = s.advice
    built = f.rewrite if f.rewrite is not None else f.disclosure
    d["rewrite"] = built if built is not None else s.rewrite
    d["rewrite_exact"] = built is not None
    return d


class ReviewServer(ThreadingHTTPServer):
    """The HTTP server, holding the one Linter every request uses."""

    daemon_threads = True

    def __init__(self, linter, port: int = 0, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        try:
            super().__init__((HOST, port), ReviewHandler)
        except OSError as exc:
            raise ClaimlintError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        self.linter = linter
        self.max_bytes = max_bytes
        # The spaCy pipeline and matchers are not documented as thread-safe: one check at a time.
        self.lint_lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def check(self, src: Source) -> dict:
        """Lint a document and build the page's answer."""
        with self.lint_lock:
            try:
                findings = lint_source(self.linter, src)
            except RecursionError:
                raise RequestError(HTTPStatus.BAD_REQUEST, f"{src.path}: document nested too deeply to parse") from None
        findings.sort(key=Finding.sort_key)
        paragraphs = src.layout is not None
        rules = self.linter.ruleset.by_id()
        return {
            "path": src.path,
            "kind": src.kind,
            "positions": "paragraph" if paragraphs else "line",
            "text": src.text,
            "findings": [finding_json(f, paragraphs) for f in findings],
            "rules": {
                f.rule: {"rationale": " ".join(rules[f.rule].rationale.split()), "references": list(f.references)}
                for f in findings
                if f.rule in rules
            },
            "report": self.report(src, findings),
        }

    def report(self, src: Source, findings: list[Finding]) -> str:
        """The plain-text report of ``claimlint check --format text``, headed for a review ticket."""
        from linter.formats import render

        result = RunResult(files=1, findings=findings)
        result.texts[src.path] = src.layout.lines_text if src.layout else src.text
        head = f"claimlint {__version__} review of {src.path}"
        if src.layout:
            head += " (positions are paragraph:character)"
        return head + "\n\n" + render("text", result, self.linter, color=False, sources=result.texts)


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = f"claimlint/{__version__}"

    # ------------------------------------------------------------ plumbing

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
        """Quiet: the terminal shows the address and errors, not every request."""

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: HTTPStatus, payload: dict) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        return host in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}")

    def _dispatch(self, routes: dict) -> None:
        try:
            if not self._host_ok():
                raise RequestError(HTTPStatus.FORBIDDEN, "this server answers only requests to 127.0.0.1")
            route = routes.get(urlsplit(self.path).path)
            if route is None:
                raise RequestError(HTTPStatus.NOT_FOUND, f"no such page: {urlsplit(self.path).path}")
            route()
        except RequestError as exc:
            self._json(exc.status, {"error": exc.message})
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # a bug: say so on the terminal and to the page, keep serving
            traceback.print_exc(file=sys.stderr)
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error in claimlint (see the terminal)"})

    def do_GET(self) -> None:
        routes = {path: partial(self._static, path) for path in STATIC}
        routes["/api/config"] = self._config
        self._dispatch(routes)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        self._dispatch({"/api/check": self._check, "/api/upload": self._upload})

    def _body(self, what: str) -> bytes:
        """The request body, refused (413) past the limit. An over-size body is still read
        (up to the CLI's own file limit) so the browser sees the answer, not a reset connection."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "the request has no Content-Length") from None
        if length < 0:
            raise RequestError(HTTPStatus.BAD_REQUEST, "negative Content-Length")
        limit = self.server.max_bytes
        if length > limit:
            if length <= MAX_BYTES:
                self._discard(length)
            else:
                self.close_connection = True
            raise RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"{what} is {human_size(length)}; the limit is {human_size(limit)}. "
                "Split it, or start the server with a larger --max-bytes.",
            )
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)

    # ------------------------------------------------------------ routes

    def _static(self, path: str) -> None:
        name, content_type = STATIC[path]
        with open(os.path.join(STATIC_DIR, name), "rb") as fh:
            self._send(HTTPStatus.OK, fh.read(), content_type)

    def _config(self) -> None:
        self._json(
            HTTPStatus.OK,
            {
                "version": __version__,
                "max_bytes": self.server.max_bytes,
                "max_size": human_size(self.server.max_bytes),
                "kinds": sorted(READERS),
                "extensions": sorted(EXTENSIONS),
            },
        )

    def _check(self) -> None:
        try:
            request = json.loads(self._body("The text"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RequestError(HTTPStatus.BAD_REQUEST, "the request body is not JSON") from None
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            raise RequestError(HTTPStatus.BAD_REQUEST, 'send {"text": "...", "kind": "text"}')
        kind = request.get("kind", "text")
        if kind not in READERS:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"unknown kind {kind!r}: use one of {', '.join(sorted(READERS))}")
        path = request.get("path") if isinstance(request.get("path"), str) else "pasted text"
        self._json(HTTPStatus.OK, self.server.check(Source(path, kind, request["text"])))

    def _upload(self) -> None:
        name = os.path.basename(unquote(self.headers.get("X-Filename", "")).replace("\\", "/"))
        if not name:
            raise RequestError(HTTPStatus.BAD_REQUEST, "send the file name in the X-Filename header")
        kind = kind_for(name)
        if kind is None:
            raise RequestError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                f"{name}: not a supported file type; use {', '.join(sorted(EXTENSIONS))}",
            )
        data = self._body(name)
        try:
            src = from_bytes(data, name, kind)
        except InputError as exc:
            raise RequestError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        self._json(HTTPStatus.OK, self.server.check(src))


def serve(linter, port: int = 0, max_bytes: int = DEFAULT_MAX_BYTES, open_browser: bool = False) -> None:
    """Run the review page until Ctrl-C; the first line printed is its address."""
    server = ReviewServer(linter, port, max_bytes)
    print(f"claimlint review page: {server.url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.server_close()
