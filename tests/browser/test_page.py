"""The review page in a real headless Chromium (Debian's package, driven by Playwright).

Skipped, saying why, where chromium or the playwright package is missing. The
expected findings come from the server's own API for the same text, so these
tests check the page (highlights, details, accepting a rewrite, uploads), not
the rules.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from pathlib import Path

import docx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
MAX = 200_000
COPY = (
    "Ketamine cures depression. Our IV ketamine therapy works in hours and is completely safe.\n\n"
    "Unlike SSRIs, which take weeks, ketamine is better for treatment-resistant depression. "
    "Our team has helped hundreds of people in the city since 2019.\n\n"
    "One session is all you need for lasting relief.\n\n"
    "Book your first session today.\n"
)

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install playwright)")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(linter):
    from linter.serve import ReviewServer

    srv = ReviewServer(linter, port=0, max_bytes=MAX)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith(server.url) else outside.append(r.url))
    pg.goto(server.url)
    yield pg
    context.close()
    assert not outside, f"the page fetched from outside: {outside}"


def api_check(server, text: str) -> dict:
    req = urllib.request.Request(
        server.url + "api/check", json.dumps({"text": text, "kind": "text"}).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def paste_and_check(page, text: str) -> None:
    page.fill("#editor", text)
    page.click("#check")
    page.wait_for_selector("#view:not([hidden])")


def marked_text(page, index: int) -> str:
    """The text of the highlights that belong to one finding, in order."""
    return page.eval_on_selector_all(
        "#view mark.hl",
        "(ms, i) => ms.filter(m => m.dataset.ids.split(' ').includes(String(i))).map(m => m.textContent).join('')",
        index,
    )


def test_paste_highlight_open_accept(page, server):
    expected = api_check(server, COPY)["findings"]
    assert expected
    paste_and_check(page, COPY)

    # Every finding is highlighted in place: a sentence finding covers its sentence,
    # a document finding the words that prompted it; colour by severity.
    for i, f in enumerate(expected):
        want = f["text"] if f["scope"] == "sentence" else COPY[f["match"]["start"] : f["match"]["end"]]
        assert marked_text(page, i) == want, f["rule"]
    order = ["error", "warning", "info"]
    for ids, classes in page.eval_on_selector_all("#view mark.hl", "ms => ms.map(m => [m.dataset.ids, m.className])"):
        worst = min((expected[int(i)]["severity"] for i in ids.split()), key=order.index)
        assert f"sev-{worst}" in classes.split()
    assert page.text_content("#view") == COPY

    # Open the last claim (its details then cover no other text in the screenshot):
    # message, rationale, a source link, the rewrite.
    index, claim = max(((i, f) for i, f in enumerate(expected) if f["scope"] == "sentence"), key=lambda p: p[1]["start"])
    own = page.locator(f"#view mark.hl.key[data-ids='{index}']")  # its key phrase, if no other finding shares it
    (own if own.count() else page.locator(f"#view mark.hl[data-ids~='{index}']")).first.click()
    detail = page.locator("#detail")
    assert detail.is_visible()
    card = detail.locator(f"article.card[data-rule='{claim['rule']}']")
    assert claim["message"] in card.inner_text()
    assert card.locator(".rationale").inner_text().strip()
    assert card.locator(".references a[href^='http']").count() > 0
    assert card.locator("blockquote.rewrite").inner_text() == claim["rewrite"]

    page.screenshot(path=str(_screenshot_path()), full_page=True)

    # Accept: the sentence is replaced, the text re-checked, the finding gone.
    card.get_by_role("button", name="Accept rewrite").click()
    sync_api.expect(page.locator("#status")).to_contain_text("Accepted")
    text = page.text_content("#view")
    assert text == COPY[: claim["start"]] + claim["rewrite"] + COPY[claim["end"] :]
    after = api_check(server, text)["findings"]
    assert not [f for f in after if f["rule"] == claim["rule"] and f["start"] == claim["start"]]
    # The page shows the re-check: one highlight group and one panel entry per finding.
    shown = page.eval_on_selector_all("#view mark.hl", "ms => new Set(ms.flatMap(m => m.dataset.ids.split(' '))).size")
    assert shown == len(after)
    assert page.locator("#claims .item").count() == len([f for f in after if f["scope"] == "sentence"])


def _screenshot_path() -> Path:
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT


def test_side_panel_lists_disclosures_and_copies(page, server):
    expected = api_check(server, COPY)
    paste_and_check(page, COPY)
    missing = [f for f in expected["findings"] if f["scope"] == "document"]
    assert missing
    panel = page.locator("#disclosures .disclosure")
    assert panel.count() == len(missing)
    first = missing[0]
    item = page.locator(f"#disclosures .disclosure[data-rule='{first['rule']}']")
    assert item.locator("blockquote.rewrite").inner_text() == first["rewrite"]

    item.get_by_role("button", name="Copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == first["rewrite"]
    page.click("#copy-report")
    assert page.evaluate("navigator.clipboard.readText()") == expected["report"]

    # Claims are grouped by category.
    categories = {f["category"] for f in expected["findings"] if f["scope"] == "sentence"}
    assert page.locator("#claims h3").count() == len(categories)

    # Accepting a disclosure appends it to the text and the requirement is met.
    item.get_by_role("button", name="Accept rewrite").click()
    sync_api.expect(page.locator("#status")).to_contain_text("Accepted")
    assert page.locator(f"#disclosures [data-rule='{first['rule']}']").count() == 0
    assert page.input_value("#editor").rstrip().endswith(first["rewrite"])


def test_text_is_never_parsed_as_html(page):
    paste_and_check(page, '<img src=x onerror="window.pwned=1"> Ketamine cures depression.')
    assert page.locator("#view img").count() == 0
    assert "<img src=x" in page.inner_text("#view")
    assert page.evaluate("window.pwned") is None


def test_upload_docx(page, tmp_path):
    d = docx.Document()
    d.add_paragraph("Spring offer")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "Call us. Ketamine cures depression."
    path = tmp_path / "spring offer.docx"
    d.save(str(path))
    page.set_input_files("#file", str(path))
    page.wait_for_selector("#view mark.hl")
    assert page.inner_text("#source-name") == "spring offer.docx"
    assert "Ketamine cures depression." in page.inner_text("#view")
    page.locator("#claims .item").first.click()
    assert "paragraph 2, character 10" in page.inner_text("#detail")


def test_drop_a_markdown_file(page):
    page.evaluate(
        """() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['# Offer\\n\\nKetamine cures depression.\\n'], 'offer.md'));
        window.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }"""
    )
    page.wait_for_selector("#view mark.hl")
    assert page.input_value("#kind") == "markdown"
    assert page.inner_text("#source-name") == "offer.md"


def test_oversize_upload_is_refused(page, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Ketamine cures depression. " * (MAX // 20))
    page.set_input_files("#file", str(big))
    page.wait_for_selector("#alert:not([hidden])")
    message = page.inner_text("#alert")
    assert "big.txt" in message and "limit" in message
    assert page.locator("#view mark.hl").count() == 0
