"use strict";
// claimlint review page. All text from the copy, the rules or the server goes into
// the page through text nodes (textContent, append of strings): never innerHTML.

const SEVERITIES = ["error", "warning", "info"];
const CATEGORY_LABELS = {
  "efficacy.absolute": "Cures, guarantees and universal results",
  "efficacy.unqualified": "Unqualified efficacy",
  "onset.overstated": "Overstated speed of effect",
  "duration.overstated": "Overstated duration",
  "safety.absolute": "Absolute safety claims",
  "comparative.unsupported": "Unsupported comparisons",
  "approval.misstated": "Misstated FDA approval",
  "disclosure.off-label": "Off-label use statement",
  "disclosure.compounded": "Compounded product statement",
  "disclosure.risks": "Risk information",
  "disclosure.consult": "Talk to your provider",
  "safety.crisis-resources": "Crisis resources",
  "directive": "claimlint comments",
};
const PASTED = "pasted text";

const state = {
  text: "", kind: "text", path: PASTED, positions: "line",
  findings: [], rules: {}, report: "", maxBytes: 0, maxSize: "",
};

const $ = (id) => document.getElementById(id);

/** Build an element; string children become text nodes, so they are never parsed as HTML. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const label = (category) => CATEGORY_LABELS[category] || category;
const rank = (f) => SEVERITIES.indexOf(f.severity);
const active = () => state.findings.filter((f) => f.suppressed === undefined);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Offsets from the server count characters (code points); JavaScript strings count
 * UTF-16 units, which differ after an emoji or other character outside the BMP. */
function unitIndex(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (i) => i;
  const map = [];
  let unit = 0;
  for (const ch of text) {
    map.push(unit);
    unit += ch.length;
  }
  map.push(unit);
  return (i) => map[Math.min(i, map.length - 1)];
}

// ------------------------------------------------------------------ messages

function showAlert(message) {
  const box = $("alert");
  box.textContent = message;
  box.hidden = false;
}

function hideAlert() {
  $("alert").hidden = true;
}

function status(message) {
  $("status").textContent = message;
}

// ------------------------------------------------------------------ server

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch {
    throw new Error("The claimlint server did not answer. Is `claimlint serve` still running?");
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new Error((body && body.error) || `The server answered ${response.status} ${response.statusText}.`);
  }
  return body;
}

async function check(text, kind, path) {
  status("Checking…");
  try {
    show(await api("/api/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, kind, path }),
    }));
    return true;
  } catch (error) {
    status("");
    closeDetail();
    showAlert(error.message);
    return false;
  }
}

async function upload(file) {
  if (!file) return;
  status(`Reading ${file.name}…`);
  try {
    show(await api("/api/upload", {
      method: "POST",
      headers: { "X-Filename": encodeURIComponent(file.name), "Content-Type": "application/octet-stream" },
      body: file,
    }));
  } catch (error) {
    status("");
    closeDetail();
    const tooBig = state.maxBytes && file.size > state.maxBytes;
    showAlert(tooBig && error.message.startsWith("The claimlint server did not answer")
      ? `${file.name} is too large: the limit is ${state.maxSize}.`
      : error.message);
  } finally {
    $("file").value = "";
  }
}

/** The name a re-checked text is reported under: an edited file is no longer the file. */
function editedPath(text) {
  if (state.path === PASTED || text === state.text) return state.path;
  return state.path.endsWith(" (edited)") ? state.path : `${state.path} (edited)`;
}

// ------------------------------------------------------------------ rendering

function show(result) {
  hideAlert();
  closeDetail();
  Object.assign(state, {
    text: result.text, kind: result.kind, path: result.path, positions: result.positions,
    findings: result.findings, rules: result.rules, report: result.report,
  });
  $("kind").value = result.kind;
  $("editor").value = result.text;
  $("source-name").textContent = result.path === PASTED ? "Pasted text" : result.path;
  renderView();
  renderPanel();
  setMode("view");
  const n = active().length;
  status(n ? `Checked: ${plural(n, "finding")}. Click a highlight for details.` : "Checked: no findings.");
}

function setMode(mode) {
  $("editor").hidden = mode !== "edit";
  $("view").hidden = mode !== "view";
  $("edit").disabled = mode === "edit";
  if (mode === "edit") {
    closeDetail();
    $("editor").focus();
  }
}

/** The copy as text nodes, with one <mark> per stretch covered by the same findings:
 * a sentence finding covers its sentence, a document finding only its trigger words. */
function renderView() {
  const text = state.text;
  const unit = unitIndex(text);
  const ranges = [];
  state.findings.forEach((f, i) => {
    if (f.suppressed !== undefined) return;
    if (f.scope === "sentence") ranges.push({ a: unit(f.start), b: unit(f.end), i, key: false });
    ranges.push({ a: unit(f.match.start), b: unit(f.match.end), i, key: true });
  });
  const cuts = new Set([0, text.length]);
  for (const r of ranges) {
    cuts.add(r.a);
    cuts.add(r.b);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((x, y) => x - y);
  const nodes = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k];
    const b = points[k + 1];
    const piece = text.slice(a, b);
    const covering = ranges.filter((r) => r.a <= a && b <= r.b);
    if (!covering.length) {
      nodes.push(piece);
      continue;
    }
    const ids = [...new Set(covering.map((r) => r.i))];
    const found = ids.map((i) => state.findings[i]);
    const worst = SEVERITIES[Math.min(...found.map(rank))];
    const classes = ["hl", `sev-${worst}`];
    if (covering.some((r) => r.key)) classes.push("key");
    if (found.every((f) => f.scope === "document")) classes.push("doc");
    nodes.push(el("mark", {
      class: classes.join(" "),
      tabindex: "0",
      role: "button",
      title: found.map((f) => f.message).join("\n"),
      dataset: { ids: ids.join(" "), rules: found.map((f) => f.rule).join(" ") },
    }, piece));
  }
  $("view").replaceChildren(...nodes);
}

function renderPanel() {
  const findings = active();
  const counts = SEVERITIES.map((s) => {
    const n = findings.filter((f) => f.severity === s).length;
    return s === "info" ? `${n} info` : plural(n, s);
  });
  const suppressed = state.findings.length - findings.length;
  $("summary").textContent = findings.length
    ? `${plural(findings.length, "finding")}: ${counts.join(", ")}`
    : "No findings.";
  if (suppressed) $("summary").append(el("span", { class: "where" }, ` (${suppressed} suppressed)`));
  $("copy-report").disabled = false;

  const claims = findings.filter((f) => f.scope === "sentence");
  const byCategory = new Map();
  for (const f of [...claims].sort((x, y) => order(x.category) - order(y.category))) {
    if (!byCategory.has(f.category)) byCategory.set(f.category, []);
    byCategory.get(f.category).push(f);
  }
  const claimNodes = [];
  for (const [category, group] of byCategory) {
    claimNodes.push(el("h3", {}, `${label(category)} (${group.length})`));
    for (const f of group) {
      claimNodes.push(el("button", {
        type: "button",
        class: `item sev-${f.severity}`,
        dataset: { index: String(state.findings.indexOf(f)), rule: f.rule },
        onclick: () => focusFinding(state.findings.indexOf(f)),
      }, f.text.length > 110 ? `${f.text.slice(0, 107)}…` : f.text, el("span", { class: "where" }, `${f.where} · ${f.rule}`)));
    }
  }
  $("claims").replaceChildren(...(claimNodes.length ? claimNodes : [el("p", { class: "empty" }, "None.")]));

  const missing = findings.filter((f) => f.scope === "document").map(disclosure);
  $("disclosures").replaceChildren(...(missing.length ? missing : [el("p", { class: "empty" }, "None.")]));
}

function order(category) {
  const i = Object.keys(CATEGORY_LABELS).indexOf(category);
  return i < 0 ? 99 : i;
}

/** Whether a disclosure text was written for this page (from the knowledge base, for the
 * drugs it promotes) or is the rule's fixed example. */
function disclosureOrigin(f) {
  return f.disclosure
    ? "Written for this page from the knowledge base."
    : "Example text: adapt it to the treatment this page promotes.";
}

function disclosure(f) {
  const index = state.findings.indexOf(f);
  return el("div", { class: `disclosure sev-${f.severity}`, dataset: { index: String(index), rule: f.rule } },
    el("h3", {}, label(f.category)),
    el("p", {}, f.message),
    el("button", { type: "button", class: "small link", onclick: () => focusFinding(index) }, `Prompted at ${f.where}`),
    el("p", { class: "advice origin" }, disclosureOrigin(f)),
    el("blockquote", { class: "rewrite" }, f.rewrite),
    el("div", { class: "buttons" },
      el("button", { type: "button", class: "small copy", onclick: () => copy(f.rewrite, "Disclosure text copied.") }, "Copy"),
      el("button", { type: "button", class: "small accept", onclick: () => accept(f) }, "Accept rewrite")));
}

// ------------------------------------------------------------------ details

function reference(ref) {
  const m = ref.match(/https?:\/\/\S+/);
  if (!m) return el("li", {}, ref);
  const text = ref.slice(0, m.index).replace(/[\s:]+$/, "") || m[0];
  return el("li", {}, el("a", { href: m[0], target: "_blank", rel: "noopener noreferrer" }, text));
}

function card(f) {
  const rule = state.rules[f.rule] || {};
  const sentence = f.scope === "sentence";
  return el("article", { class: `card sev-${f.severity}`, dataset: { rule: f.rule } },
    el("header", {},
      el("span", { class: `badge sev-${f.severity}` }, f.severity),
      el("code", {}, f.rule),
      el("span", { class: "cat" }, label(f.category)),
      el("span", { class: "where" }, f.where)),
    el("p", { class: "message" }, f.message),
    rule.rationale ? [el("h4", {}, "Why"), el("p", { class: "rationale" }, rule.rationale)] : [],
    f.references.length ? [el("h4", {}, "Source"), el("ul", { class: "references" }, f.references.map(reference))] : [],
    el("h4", {}, !sentence ? "Disclosure to add" : f.rewrite_exact ? "Suggested rewrite" : "Example rewrite (of another sentence: adapt it)"),
    sentence ? [] : el("p", { class: "advice origin" }, disclosureOrigin(f)),
    f.advice && !f.disclosure ? el("p", { class: "advice" }, f.advice) : [],
    el("blockquote", { class: "rewrite" }, f.rewrite),
    el("button", { type: "button", class: "primary accept", onclick: () => accept(f) }, "Accept rewrite"),
    sentence ? [] : el("span", { class: "advice" }, " adds it at the end of the text"));
}

function openDetail(indexes, anchor) {
  // The claims made here first, then the disclosures these words prompted; worst first.
  const key = (f) => (f.scope === "sentence" ? 0 : 10) + rank(f);
  const found = indexes.map((i) => state.findings[i]).sort((x, y) => key(x) - key(y));
  $("detail-body").replaceChildren(...found.map(card));
  const box = $("detail");
  box.hidden = false;
  for (const m of document.querySelectorAll("mark.active")) m.classList.remove("active");
  anchor.classList.add("active");
  const r = anchor.getBoundingClientRect();
  const left = Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 8);
  box.style.left = `${Math.max(8, left)}px`;
  box.style.top = `${r.bottom + window.scrollY + 6}px`;
  $("detail-close").focus({ preventScroll: true });
}

function closeDetail() {
  $("detail").hidden = true;
  for (const m of document.querySelectorAll("mark.active")) m.classList.remove("active");
}

function focusFinding(index) {
  const mark = [...document.querySelectorAll("mark.hl")].find((m) => m.dataset.ids.split(" ").includes(String(index)));
  if (!mark) return;
  mark.scrollIntoView({ block: "center" });
  openDetail([index], mark);
}

// ------------------------------------------------------------------ actions

function escapeHtml(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A disclosure goes at the end: in HTML as a paragraph before </body>, elsewhere as a paragraph of its own. */
function appendDisclosure(text, disclosureText, kind) {
  if (kind === "html") {
    const para = `<p>${escapeHtml(disclosureText)}</p>\n`;
    const end = [...text.matchAll(/<\/body\s*>/gi)].pop();
    return end ? text.slice(0, end.index) + para + text.slice(end.index) : `${text.replace(/\s*$/, "\n")}${para}`;
  }
  return `${text.replace(/\s*$/, "")}\n\n${disclosureText}\n`;
}

async function accept(f) {
  const unit = unitIndex(state.text);
  // An exact rewrite is source text (markup kept); a generic example is plain text.
  const rewrite = state.kind === "html" && !f.rewrite_exact ? escapeHtml(f.rewrite) : f.rewrite;
  const text = f.scope === "sentence"
    ? state.text.slice(0, unit(f.start)) + rewrite + state.text.slice(unit(f.end))
    : appendDisclosure(state.text, f.rewrite, state.kind);
  if (await check(text, state.kind, editedPath(text))) status(`Accepted the rewrite for ${f.rule} and checked again.`);
}

async function copy(text, done) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an embedded view): copy through a selection.
    const area = el("textarea", {}, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  status(done);
}

function checkNow() {
  const editing = !$("editor").hidden;
  const text = editing ? $("editor").value : state.text;
  check(text, $("kind").value, editedPath(text));
}

// ------------------------------------------------------------------ wiring

function hasFiles(event) {
  return event.dataTransfer && [...event.dataTransfer.types].includes("Files");
}

function wire() {
  $("check").addEventListener("click", checkNow);
  $("edit").addEventListener("click", () => setMode("edit"));
  $("open-file").addEventListener("click", () => $("file").click());
  $("file").addEventListener("change", () => upload($("file").files[0]));
  $("copy-report").addEventListener("click", () => copy(state.report, "Report copied to the clipboard."));
  $("detail-close").addEventListener("click", closeDetail);
  $("editor").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) checkNow();
  });

  const view = $("view");
  const open = (e) => {
    const mark = e.target.closest("mark.hl");
    if (!mark) return;
    e.preventDefault();
    openDetail(mark.dataset.ids.split(" ").map(Number), mark);
  };
  view.addEventListener("click", open);
  view.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") open(e);
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeDetail();
  });
  document.addEventListener("click", (e) => {
    if (!$("detail").hidden && !e.target.closest("#detail, mark.hl, #panel")) closeDetail();
  });

  let depth = 0;
  const overlay = $("drop-overlay");
  window.addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth += 1;
    overlay.hidden = false;
  });
  window.addEventListener("dragleave", (e) => {
    if (!hasFiles(e)) return;
    depth -= 1;
    if (depth <= 0) {
      depth = 0;
      overlay.hidden = true;
    }
  });
  window.addEventListener("dragover", (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  window.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    upload(e.dataTransfer.files[0]);
  });
}

async function init() {
  wire();
  setMode("edit");
  try {
    const config = await api("/api/config");
    state.maxBytes = config.max_bytes;
    state.maxSize = config.max_size;
    $("source-name").textContent = `Pasted text (files up to ${config.max_size})`;
  } catch (error) {
    showAlert(error.message);
  }
}

document.addEventListener("DOMContentLoaded", init);
