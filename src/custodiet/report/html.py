"""One self-contained HTML file per run: a summary an auditor reads first, then the device table
(paged, sortable, filterable) with the evidence, the findings and their status, what was examined,
the lists applied with their versions and sources, and the decisions taken.

Safety, in depth:
1. Every string from a device or an input goes through `_h`: text.excerpt (control characters as
   \\xNN, length bounded), then html.escape(quote=True), in element text and attributes alike.
   No device data is embedded as JSON or script: the page script only reorders and hides rows
   and reads textContent; it never writes HTML.
2. A Content-Security-Policy in the page allows exactly this file's one <style> and one <script>
   (by SHA-256 hash) and nothing else: no other script, no event-handler attributes, no loads
   from anywhere (default-src 'none'). Even an escaping bug could not run injected script.
3. No external URL: the file works offline and tells nobody that it was opened. Sources are
   shown as text, not links.

Size: a report must open. A run of 100,000 devices would make a file of hundreds of MB if every
device came with its evidence, so the file holds at most MAX_ROWS device rows (covered first, then
those that need review, then the most confident) and the evidence of at most MAX_DETAIL of them,
at most MAX_FINDING_ROWS finding rows, and says what it left out; the JSON and CSV reports and the
dashboard have everything. The page script shows PAGE_SIZE rows at a time.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter
from collections.abc import Iterable, Sequence

from custodiet.model import (
    Device,
    Evidence,
    Finding,
    InputSummary,
    ListVersion,
    PhoneHome,
    Remediation,
    RunReport,
    status_word,
)
from custodiet.report import digest
from custodiet.report.text import excerpt, percent

NAME_LIMIT = 200  # addresses, hostnames, makers, models, paths, reasons
TEXT_LIMIT = 2000  # observed text excerpts in the evidence table
MAX_ROWS = 5_000  # device rows in the file
MAX_DETAIL = 500  # devices whose evidence, findings and explanation are in the file
MAX_FINDING_ROWS = 1_000
PAGE_SIZE = 100

_CSS = """
:root { --covered: #b00020; --covered-bg: #fdecee; --review: #8a5a00; --review-bg: #fff4d6; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; color: #202124; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.8rem 0 .5rem; }
h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.stats span { display: inline-block; margin-right: 1.2rem; }
.stats .bad { color: var(--covered); font-weight: 600; }
.stats .warn { color: var(--review); font-weight: 600; }
.summary { border: 1px solid var(--line); border-radius: .4rem; padding: .6rem 1rem; background: #f8f9fa; }
.summary li { margin: .15rem 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #f1f3f4; position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num { text-align: right; white-space: nowrap; }
tbody.device.covered > tr.main { background: var(--covered-bg); }
tbody.device.covered > tr.main > td:first-child { border-left: 4px solid var(--covered); }
tbody.device.review > tr.main { background: var(--review-bg); }
tbody.device.review > tr.main > td:first-child { border-left: 4px solid #f9ab00; }
tr.detail > td { padding: 0 .5rem .4rem 1.5rem; border-bottom: 1px solid var(--line); }
tr.main > td { border-bottom: 0; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .8rem; font-weight: 600; white-space: nowrap; }
.badge.covered { background: var(--covered); color: #fff; }
.badge.verify, .badge.review { background: #f9ab00; color: #202124; }
.badge.watch { background: #e8eaed; color: #202124; }
.badge.exploited { background: #7b1fa2; color: #fff; }
.badge.advisory { background: #d2e3fc; color: #202124; }
.badge.waived { background: #e6f4ea; color: #137333; }
.badge.open { background: #fce8e6; color: #a50e0e; }
.error { color: var(--covered); font-weight: 600; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-style: italic; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace;
      max-height: 18rem; overflow: auto; background: #f8f9fa; padding: .2rem .3rem; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
details > summary { cursor: pointer; color: #1a73e8; }
.controls { margin: .5rem 0; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
.controls input[type=search] { padding: .3rem .5rem; min-width: 20rem; }
.pager button { font: inherit; padding: .1rem .6rem; }
table.inner { margin: .3rem 0 .6rem; }
table.inner th { position: static; }
ol { margin: .2rem 0; padding-left: 1.4rem; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .controls, .pager { display: none; }
  th { position: static; }
  tbody.device { break-inside: avoid; }
  pre { max-height: none; }
  h2 { break-after: avoid; }
}
"""

_JS = """
(function () {
  "use strict";
  var table = document.getElementById("devices");
  if (!table) { return; }
  var headers = table.tHead.rows[0].cells;
  var filter = document.getElementById("filter");
  var coveredOnly = document.getElementById("covered-only");
  var reviewOnly = document.getElementById("review-only");
  var count = document.getElementById("shown");
  var pageInfo = document.getElementById("page-info");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var size = Number(table.getAttribute("data-page-size")) || 100;
  var sorted = { col: -1, dir: 1 };
  var matched = [];
  var page = 0;

  function key(body, col) {
    var cell = body.rows[0].cells[col];
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent; }
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
  }

  function show() {
    var pages = Math.max(1, Math.ceil(matched.length / size));
    if (page >= pages) { page = pages - 1; }
    if (page < 0) { page = 0; }
    var first = page * size;
    var on = {};
    for (var i = first; i < matched.length && i < first + size; i++) { on[matched[i].id] = true; }
    Array.prototype.forEach.call(table.tBodies, function (body) { body.hidden = !on[body.id]; });
    if (count) { count.textContent = String(matched.length); }
    if (pageInfo) { pageInfo.textContent = "page " + (page + 1) + " of " + pages; }
    if (prev) { prev.disabled = page === 0; }
    if (next) { next.disabled = page >= pages - 1; }
  }

  function applyFilter() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    matched = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var text = body.rows[0].textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      if (coveredOnly.checked && !body.classList.contains("covered")) { ok = false; }
      if (reviewOnly && reviewOnly.checked && !body.classList.contains("review")) { ok = false; }
      if (ok) { matched.push(body); }
    });
    page = 0;
    show();
  }

  function sortBy(col) {
    var dir = sorted.col === col ? -sorted.dir : 1;
    var bodies = Array.prototype.slice.call(table.tBodies);
    var keyed = bodies.map(function (body, i) { return [key(body, col), i, body]; });
    keyed.sort(function (a, b) {
      if (a[0] < b[0]) { return -dir; }
      if (a[0] > b[0]) { return dir; }
      return a[1] - b[1];
    });
    keyed.forEach(function (item) { table.appendChild(item[2]); });
    for (var i = 0; i < headers.length; i++) { headers[i].removeAttribute("aria-sort"); }
    headers[col].setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    sorted = { col: col, dir: dir };
    var rank = {};
    keyed.forEach(function (item, i) { rank[item[2].id] = i; });
    matched.sort(function (a, b) { return rank[a.id] - rank[b.id]; });
    show();
  }

  Array.prototype.forEach.call(headers, function (th, col) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(col); }); }
  });
  filter.addEventListener("input", applyFilter);
  coveredOnly.addEventListener("change", applyFilter);
  if (reviewOnly) { reviewOnly.addEventListener("change", applyFilter); }
  if (prev) { prev.addEventListener("click", function () { page -= 1; show(); }); }
  if (next) { next.addEventListener("click", function () { page += 1; show(); }); }
  applyFilter();
})();
"""


def _hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


_CSP = (
    "default-src 'none'; "
    f"style-src '{_hash(_CSS)}'; "
    f"script-src '{_hash(_JS)}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)

# Device table columns
_COLUMNS = (
    "Address",
    "Device id",
    "Manufacturer",
    "Brand",
    "Model",
    "Firmware",
    "Type",
    "Site",
    "Confidence",
    "Status",
    "Findings",
    "Remediation",
)
CONFIDENCE_COLUMN = _COLUMNS.index("Confidence")


def _h(value: object, limit: int = NAME_LIMIT, *, newlines: bool = False) -> str:
    """Escaped, visible, bounded text for element content or a quoted attribute value."""
    text = "" if value is None else str(value)
    return html.escape(excerpt(text, limit, newlines=newlines), quote=True)


def _badge(severity: str) -> str:
    kind = (
        severity
        if severity in ("exploited", "covered", "verify", "advisory", "watch", "waived", "open", "review")
        else "watch"
    )
    return f'<span class="badge {kind}">{_h(severity, 40)}</span>'


def _status_badge(device: Device) -> str:
    if device.covered:
        return '<span class="badge covered">covered</span>'
    if device.review:
        return '<span class="badge review">needs review</span>'
    return ""


def _priority(device: Device) -> tuple[bool, bool, float, str]:
    return (not device.covered, not device.review, -device.identity.confidence, device.id)


def render_html(run: RunReport, *, max_rows: int = MAX_ROWS, max_detail: int = MAX_DETAIL) -> str:
    """The whole report as one HTML document (a str; write it as UTF-8)."""
    by_device = digest.findings_by_device(run.findings)
    calls = digest.phone_home_by_device(run.phone_home)
    if len(run.devices) <= max_rows:
        shown: Sequence[Device] = run.devices
    else:
        shown = sorted(run.devices, key=_priority)[:max_rows]
    detailed = {d.id for d in sorted(shown, key=_priority)[:max_detail]}
    anchors = {device.id: f"dev-{i}" for i, device in enumerate(shown)}
    covered, review = digest.status_counts(run.devices)
    title = f"custodiet run {run.run_id}"
    out: list[str] = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{_h(title)}</h1>\n",
        f'<p class="meta">{_h(run.started)} → {_h(run.finished)} · profile {_h(run.profile or "-")}'
        f" · content {_h(run.content_version)}</p>\n",
        '<p class="stats">',
        f"<span>{len(run.inputs):,} inputs</span>",
        f"<span>{len(run.devices):,} devices</span>",
        f'<span class="{"bad" if covered else ""}">{covered:,} covered</span>',
        f'<span class="{"warn" if review else ""}">{review:,} need review</span>',
        f"<span>{len(run.findings):,} findings</span></p>\n",
    ]
    out.extend(_summary(run, covered, review))
    out.extend(_devices(run, shown, detailed, by_device, anchors, calls))
    out.extend(_counts("Devices by manufacturer", "Manufacturer", digest.by_manufacturer(run.devices)))
    if any(d.site for d in run.devices):
        out.extend(_counts("Devices by site", "Site", digest.by_site(run.devices)))
    out.extend(_rules(run.findings))
    out.extend(_findings(run, anchors))
    if run.phone_home:
        out.extend(_phone_home(run, calls, anchors))
    out.extend(_inputs(run.inputs, run))
    out.extend(_lists(run.lists))
    out.extend(_decisions(run, anchors))
    out.append(f"<script>{_JS}</script>\n</body>\n</html>\n")
    return "".join(out)


# Summary ---------------------------------------------------------------------------------------


def _summary(run: RunReport, covered: int, review: int) -> list[str]:
    """What an auditor reads first: what was examined, what was found, what was decided."""
    items: list[str] = []
    files = [i for i in run.inputs if i.format not in ("-", "?")]
    scope = sum(s.addresses for s in run.scope if s.kind != "nmap targets")
    targets = sum(s.addresses for s in run.scope if s.kind == "nmap targets")
    examined = f"{len(files):,} input file(s)"
    if run.scope:
        examined += f", covering {scope:,} addresses"
        if targets:
            examined += f" and {targets:,} scan targets"
    errors = [i for i in run.inputs if i.error]
    if errors:
        examined += f"; <span class='error'>{len(errors)} could not be read to the end</span>"
    items.append(f"<li><b>Examined</b>: {examined} (see Inputs and scope).</li>")
    makers = Counter(d.identity.manufacturer or digest.UNIDENTIFIED for d in run.devices if d.covered)
    found = f"{len(run.devices):,} devices; <b>{covered:,} covered</b>"
    if makers:
        found += " (" + ", ".join(f"{_h(m)} {n:,}" for m, n in makers.most_common(6)) + ")"
    found += f"; {review:,} need review (a finding a human must settle)."
    items.append(f"<li><b>Found</b>: {found}</li>")
    sites = Counter(d.site for d in run.devices if d.covered and d.site)
    if sites:
        items.append(
            "<li><b>Covered devices by site</b>: "
            + ", ".join(f"{_h(s)} {n:,}" for s, n in sites.most_common(8))
            + (" …" if len(sites) > 8 else "")
            + "</li>"
        )
    decisions = digest.decision_counts(run)
    line = f"{len(run.findings):,} findings: {decisions.open:,} open, {decisions.waived:,} waived"
    if decisions.reopened:
        line += f" ({decisions.reopened:,} open again: their waiver ended)"
    items.append(f"<li><b>Findings</b>: {line}.</li>")
    if run.remediation:
        states = Counter(step.state for step in run.remediation)
        items.append(
            "<li><b>Remediation</b>: "
            + ", ".join(f"{n:,} {_h(s)}" for s, n in sorted(states.items()))
            + f" (of {covered + review:,} flagged devices).</li>"
        )
    if run.lists:
        lists = "; ".join(
            f"{_h(item.name)} ({_h(item.severity)}, as of {_h(item.as_of or '?')})" for item in run.lists
        )
        items.append(f"<li><b>Lists applied</b>: {lists}.</li>")
    return ['<h2 id="summary">Summary</h2>\n<ul class="summary">\n', "\n".join(items), "\n</ul>\n"]


# Devices ---------------------------------------------------------------------------------------


def _devices(
    run: RunReport,
    shown: Sequence[Device],
    detailed: set[str],
    by_device: dict[str, list[Finding]],
    anchors: dict[str, str],
    calls: dict[str, list[PhoneHome]],
) -> list[str]:
    steps = digest.remediation_by_device(run)
    seen = digest.seen_by_device(run)
    today = run.as_of or run.finished[:10]
    out = [
        '<h2 id="devices-section">Devices</h2>\n',
        '<div class="controls"><input type="search" id="filter" placeholder="Filter devices (address, maker, model, site…)"'
        ' aria-label="Filter devices">',
        '<label><input type="checkbox" id="covered-only"> covered only</label>',
        '<label><input type="checkbox" id="review-only"> needs review only</label>',
        f'<span class="muted"><span id="shown">{len(shown):,}</span> shown · click a column to sort</span>',
        '<span class="pager"><button type="button" id="page-prev">‹ previous</button> '
        '<span id="page-info"></span> <button type="button" id="page-next">next ›</button></span></div>\n',
    ]
    left = len(run.devices) - len(shown)
    if left > 0:
        out.append(
            f'<p class="note">This file lists {len(shown):,} of {len(run.devices):,} devices (covered first, then '
            f"those that need review, then the most confident); {left:,} more are in the JSON and CSV reports "
            "and in the dashboard (custodiet serve).</p>\n"
        )
    if len(detailed) < len(shown):
        out.append(
            f'<p class="note">Evidence and findings are shown for {len(detailed):,} devices (covered and needs '
            "review first); `custodiet explain HOST` shows any device's.</p>\n"
        )
    out.append(f'<table id="devices" data-page-size="{PAGE_SIZE}">\n<thead><tr>')
    out.extend(f'<th scope="col"><button type="button">{name}</button></th>' for name in _COLUMNS)
    out.append("</tr></thead>\n")
    for device in shown:
        out.extend(
            _device(
                device,
                by_device.get(device.id, []),
                anchors[device.id],
                calls.get(device.id, []),
                steps.get(device.id),
                seen.get(device.id),
                run,
                today,
                detail=device.id in detailed,
            )
        )
    out.append("</table>\n")
    return out


def _device(
    device: Device,
    findings: list[Finding],
    anchor: str,
    calls: list[PhoneHome],
    step: Remediation | None,
    seen: digest.DeviceSeen | None,
    run: RunReport,
    today: str,
    *,
    detail: bool = True,
) -> list[str]:
    ident = device.identity
    cls = "device covered" if device.covered else "device review" if device.review else "device"
    rules = ", ".join(sorted({f.rule for f in findings}))
    rank = 2 if device.covered else 1 if device.review else 0
    main = (
        f'<tbody class="{cls}" id="{anchor}"><tr class="main">'
        f'<td data-sort="{_h(digest.address_sort_key(device))}">{_h(digest.address(device))}</td>'
        f"<td><code>{_h(device.id)}</code></td>"
        f"<td>{_h(ident.manufacturer)}</td><td>{_h(ident.brand)}</td><td>{_h(ident.model)}</td>"
        f"<td>{_h(ident.firmware)}</td><td>{_h(ident.device_type)}</td><td>{_h(device.site)}</td>"
        f'<td class="num" data-sort="{ident.confidence:.6f}">{percent(ident.confidence)}</td>'
        f'<td data-sort="{rank}">{_status_badge(device)}</td>'
        f"<td>{_h(rules, TEXT_LIMIT)}</td><td>{_h(digest.remediation_line(step))}</td></tr>\n"
    )
    if not detail:
        return [main, "</tbody>\n"]
    summary = f"Evidence ({len(ident.evidence)})"
    if ident.conflicts:
        summary += f", conflicts ({len(ident.conflicts)})"
    if findings:
        summary += f", findings ({len(findings)})"
    if calls:
        summary += f", phone home ({len(calls)})"
    parts = [
        f'<tr class="detail"><td colspan="{len(_COLUMNS)}"><details><summary>{summary}</summary>\n',
        _identity(device, seen, step),
        _evidence(ident.evidence),
    ]
    if ident.conflicts:
        items = "".join(
            f"<li>{_h(c.attribute)}: "
            + "; ".join(f"{_h(value)} ({score:.2f})" for value, score in c.values)
            + "</li>"
            for c in ident.conflicts
        )
        parts.append(f"<h3>Conflicts</h3>\n<ul>{items}</ul>\n")
    if ident.explanation:
        steps = "".join(f"<li>{_h(line, TEXT_LIMIT)}</li>" for line in ident.explanation)
        parts.append(
            f"<h3>Confidence {percent(ident.confidence)}: how it was computed</h3>\n<ol>{steps}</ol>\n"
        )
    if findings:
        rows = "".join(f"<tr>{_finding_cells(f, run, today)}</tr>\n" for f in findings)
        parts.append(
            f'<h3>Findings</h3>\n<table class="inner"><thead><tr>{_FINDING_HEAD}</tr></thead>\n<tbody>\n{rows}</tbody></table>\n'
        )
    if calls:
        parts.append(f"<h3>Phone home</h3>\n{_phone_home_table(calls)}")
    parts.append("</details></td></tr></tbody>\n")
    return [main, *parts]


def _identity(device: Device, seen: digest.DeviceSeen | None, step: Remediation | None) -> str:
    ident = device.identity
    facts = [
        ("Status", status_word(device.covered, device.review)),
        ("Addresses", ", ".join(device.addresses)),
        ("MAC", device.mac or ""),
        ("Hostnames", ", ".join(device.hostnames)),
        ("Product", ident.product or ""),
        ("Site", device.site or ""),
        ("Serial number", device.serial or ""),
        ("Owner", device.owner or ""),
        (
            "Seen",
            f"first {seen.first_seen} (run {seen.first_run}), last {seen.last_seen} (run {seen.last_run})"
            if seen
            else "",
        ),
        (
            "Remediation",
            f"{digest.remediation_line(step)} by {step.who}" + (f": {step.note}" if step.note else "")
            if step
            else "",
        ),
        (
            "Services",
            ", ".join(" ".join(p for p in (s.port, s.name, s.product) if p) for s in device.services),
        ),
    ]
    items = "".join(f"<li>{name}: {_h(value, TEXT_LIMIT)}</li>" for name, value in facts if value)
    return f"<ul>{items}</ul>\n" if items else ""


def _evidence(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return '<p class="muted">No signature matched this device\'s observations.</p>\n'
    rows = []
    for e in sorted(evidence, key=lambda e: -e.strength):
        sets = ", ".join(f"{k}={v}" for k, v in e.sets.items())
        if e.relabel:
            sets += f" (relabel of {e.relabel})"
        rows.append(
            f'<tr><td class="num">{e.strength:.2f}</td><td><code>{_h(e.field)}</code>'
            f"{' ' + _h(e.port) if e.port else ''}</td>"
            f"<td><pre>{_h(e.text, TEXT_LIMIT, newlines=True)}</pre></td>"
            f"<td><code>{_h(e.signature)}</code></td><td>{_h(sets)}</td>"
            f"<td><code>{_h(e.provenance.file)}</code><br>{_h(e.provenance.place)}</td></tr>\n"
        )
    return (
        '<table class="inner"><thead><tr><th>Strength</th><th>Field</th><th>Observed text</th><th>Signature</th>'
        "<th>Sets</th><th>File and place</th></tr></thead>\n<tbody>\n" + "".join(rows) + "</tbody></table>\n"
    )


def _counts(title: str, label: str, rows: list[digest.MakerCount]) -> list[str]:
    out = [
        f"<h2>{_h(title)}</h2>\n<table>\n<thead><tr><th>{_h(label)}</th><th>Devices</th>"
        "<th>Covered</th><th>Needs review</th></tr></thead>\n<tbody>\n"
    ]
    for row in rows:
        cls = ' class="error"' if row.covered else ""
        out.append(
            f'<tr><td{cls}>{_h(row.manufacturer)}</td><td class="num">{row.devices:,}</td>'
            f'<td class="num"><span{cls}>{row.covered:,}</span></td><td class="num">{row.review:,}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return out


# Findings --------------------------------------------------------------------------------------

_FINDING_HEAD = (
    "<th>Severity</th><th>Status</th><th>List</th><th>Rule</th><th>Entity</th><th>Reason</th>"
    "<th>Scope caveat</th><th>Sources</th>"
)


def _finding_cells(finding: Finding, run: RunReport, today: str) -> str:
    sources = ", ".join(finding.sources)
    status = digest.finding_status(finding.device, finding.rule, finding.list, run.waivers, today)
    return (
        f"<td>{_badge(finding.severity)}</td>"
        f'<td>{_badge(status.status)}<br><span class="muted">{_h(digest.status_line(status))}</span></td>'
        f"<td>{_h(finding.list)}</td><td><code>{_h(finding.rule)}</code></td>"
        f"<td>{_h(finding.entity)}</td><td>{_h(finding.reason, TEXT_LIMIT)}</td>"
        f"<td>{_h(finding.scope, TEXT_LIMIT)}</td><td>{_h(sources, TEXT_LIMIT)}</td>"
    )


def _rules(findings: tuple[Finding, ...]) -> list[str]:
    out = ["<h2>Findings by list and rule</h2>\n"]
    rows = digest.by_rule(findings)
    if not rows:
        return [*out, '<p class="muted">No finding.</p>\n']
    out.append(
        "<table>\n<thead><tr><th>List</th><th>Rule</th><th>Entity</th><th>Devices</th><th>Severity</th></tr>"
        "</thead>\n<tbody>\n"
    )
    for row in rows:
        severities = " ".join(f"{_badge(name)} {count:,}" for name, count in row.severities)
        out.append(
            f"<tr><td>{_h(row.list)}</td><td><code>{_h(row.rule)}</code></td><td>{_h(row.entity)}</td>"
            f'<td class="num">{row.devices:,}</td><td>{severities}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return out


def _findings(run: RunReport, anchors: dict[str, str]) -> list[str]:
    out = ["<h2>Findings</h2>\n"]
    if not run.findings:
        return [*out, '<p class="muted">No finding.</p>\n']
    names = {d.id: digest.address(d) for d in run.devices}
    today = run.as_of or run.finished[:10]
    order = sorted(
        run.findings, key=lambda f: (digest.SEVERITY_ORDER.get(f.severity, 9), f.list, f.device, f.rule)
    )
    if len(order) > MAX_FINDING_ROWS:
        out.append(
            f'<p class="note">The {MAX_FINDING_ROWS:,} most severe of {len(order):,} findings; the JSON report '
            "and `custodiet export` have them all.</p>\n"
        )
    out.append(f"<table>\n<thead><tr><th>Device</th>{_FINDING_HEAD}</tr></thead>\n<tbody>\n")
    for finding in order[:MAX_FINDING_ROWS]:
        name = _h(names.get(finding.device, finding.device))
        anchor = anchors.get(finding.device)
        device = f'<a href="#{anchor}">{name}</a>' if anchor else name
        out.append(f"<tr><td>{device}</td>{_finding_cells(finding, run, today)}</tr>\n")
    out.append("</tbody>\n</table>\n")
    return out


# Inputs, lists, decisions ---------------------------------------------------------------------


def _inputs(inputs: Iterable[InputSummary], run: RunReport) -> list[str]:
    out = [
        "<h2>Inputs and scope</h2>\n<table>\n<thead><tr><th>File</th><th>Format</th><th>Taken</th><th>SHA-256</th>"
        "<th>Records</th><th>Observations</th><th>Skipped</th><th>Problems</th></tr></thead>\n<tbody>\n"
    ]
    for item in inputs:
        reasons = ", ".join(f"{reason} ({count:,})" for reason, count in item.skip_reasons)
        problem = f'<span class="error">error: {_h(item.error)}</span>' if item.error else _h(reasons)
        out.append(
            f"<tr><td><code>{_h(item.path)}</code></td><td>{_h(item.format)}</td><td>{_h(item.taken or '')}</td>"
            f'<td><code title="{_h(item.sha256)}">{_h(item.sha256[:16])}…</code></td>'
            f'<td class="num">{item.records:,}</td><td class="num">{item.observations:,}</td>'
            f'<td class="num">{item.skipped:,}</td><td>{problem}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    if run.scope:
        out.append(
            '<h3>What each input examined</h3>\n<p class="muted">A device missing from a later run is called gone only '
            "where that run looked (custodiet diff).</p>\n<table>\n<thead><tr><th>Input</th><th>Kind</th>"
            "<th>Addresses</th><th>Ranges</th></tr></thead>\n<tbody>\n"
        )
        out.extend(digest.scope_rows(run, _h, TEXT_LIMIT))
        out.append("</tbody>\n</table>\n")
    if run.options:
        options = ", ".join(f"{k}={v}" for k, v in run.options)
        out.append(f'<p class="muted">Options: {_h(options, TEXT_LIMIT)}</p>\n')
    return out


def _lists(lists: tuple[ListVersion, ...]) -> list[str]:
    if not lists:
        return []
    out = [
        '<h2 id="lists">Lists applied</h2>\n<p class="muted">Each list as custodiet carried it for this run: the date '
        "it was last checked against its sources, its newest entry, and its sources (official texts first).</p>\n"
        "<table>\n<thead><tr><th>List</th><th>Applied as</th><th>Jurisdiction</th><th>As of</th>"
        "<th>First published</th><th>Newest entry</th><th>Entries</th><th>Sources</th></tr></thead>\n<tbody>\n"
    ]
    for item in lists:
        sources = "".join(
            f"<li>{'<b>official</b> ' if s.rank <= 2 else ''}{_h(s.title)}"
            + (f" ({_h(s.publisher)}" + (f", {_h(s.date)}" if s.date else "") + ")" if s.publisher else "")
            + (f"<br><code>{_h(s.url)}</code>" if s.url else "")
            + "</li>"
            for s in item.sources
        )
        out.append(
            f"<tr><td>{_h(item.name)}<br><code>{_h(item.id)}</code></td><td>{_h(item.severity)}</td>"
            f"<td>{_h(item.jurisdiction)}</td><td>{_h(item.as_of or '')}</td><td>{_h(item.first_published or '')}</td>"
            f'<td>{_h(item.latest_entry or "")}</td><td class="num">{item.entries}</td><td><ol>{sources}</ol></td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return out


def _decisions(run: RunReport, anchors: dict[str, str]) -> list[str]:
    if not run.waivers and not run.remediation:
        return []
    today = run.as_of or run.finished[:10]
    out = ['<h2 id="decisions">Decisions</h2>\n']
    if run.waivers:
        out.append(
            "<h3>Waivers</h3>\n<table>\n<thead><tr><th>#</th><th>Device</th><th>Rule</th><th>Until</th>"
            "<th>State</th><th>Who</th><th>Why</th></tr></thead>\n<tbody>\n"
        )
        for w in run.waivers:
            state = "revoked" if w.revoked else "expired" if today > w.until else "active"
            device = _h(w.device or "(every device)")
            if w.device in anchors:
                device = f'<a href="#{anchors[w.device]}">{device}</a>'
            out.append(
                f"<tr><td>{w.id}</td><td>{device}</td><td><code>{_h(w.rule or '(every rule)')}</code></td>"
                f"<td>{_h(w.until)}</td><td>{_h(state)}</td><td>{_h(w.who)}</td><td>{_h(w.why, TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    if run.remediation:
        out.append(
            "<h3>Remediation (each device's latest step)</h3>\n<table>\n<thead><tr><th>Device</th><th>State</th>"
            "<th>Since</th><th>Who</th><th>Ticket</th><th>Note</th></tr></thead>\n<tbody>\n"
        )
        for step in run.remediation:
            device = _h(step.device)
            if step.device in anchors:
                device = f'<a href="#{anchors[step.device]}">{device}</a>'
            out.append(
                f"<tr><td>{device}</td><td>{_h(step.state)}</td><td>{_h(step.at)}</td><td>{_h(step.who)}</td>"
                f"<td>{_h(step.ticket or '')}</td><td>{_h(step.note or '', TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    return out


# Phone home ------------------------------------------------------------------------------------

_PHONE_HOME_HEAD = (
    "<th>Endpoint</th><th>Owner</th><th>Role</th><th>Confidence</th><th>Country / AS</th>"
    "<th>First seen</th><th>Last seen</th><th>Contacts</th><th>Bytes out</th><th>Bytes in</th>"
    "<th>Evidence</th><th>Sources</th>"
)


def _phone_home(run: RunReport, calls: dict[str, list[PhoneHome]], anchors: dict[str, str]) -> list[str]:
    """What devices' traffic reached: vendor infrastructure and foreign networks, per device."""
    out = ["<h2>Phone home</h2>\n"]
    vendor = digest.phone_home_by_owner(run.phone_home)
    if vendor:
        out.append(
            "<table>\n<thead><tr><th>Owner</th><th>Role</th><th>Confidence</th><th>Devices</th>"
            "<th>Contacts</th><th>Endpoints</th></tr></thead>\n<tbody>\n"
        )
        for row in vendor:
            out.append(
                f'<tr><td class="error">{_h(row.owner)}</td><td>{_h(row.role)}</td><td>{_h(row.confidence)}</td>'
                f'<td class="num">{row.devices:,}</td><td class="num">{row.contacts:,}</td>'
                f"<td>{_h(', '.join(row.endpoints), TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    foreign = digest.foreign_by_country(run.phone_home)
    if foreign:
        out.append(
            "<h3>Foreign networks</h3>\n<table>\n<thead><tr><th>Country</th><th>Devices</th>"
            "<th>Addresses</th><th>Bytes sent</th><th>Busiest networks</th></tr></thead>\n<tbody>\n"
        )
        for country in foreign:
            out.append(
                f'<tr><td>{_h(country.country)}</td><td class="num">{country.devices:,}</td>'
                f'<td class="num">{country.addresses:,}</td><td class="num">{country.bytes_out:,}</td>'
                f"<td>{_h('; '.join(country.networks), TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    names = {d.id: digest.address(d) for d in run.devices}
    for count, (device_id, facts) in enumerate(calls.items()):
        if count >= MAX_DETAIL:
            out.append(
                f'<p class="note">{len(calls) - MAX_DETAIL:,} more devices: see the JSON report.</p>\n'
            )
            break
        name = _h(names.get(device_id, device_id))
        anchor = anchors.get(device_id)
        label = f'<a href="#{anchor}">{name}</a>' if anchor else name
        out.append(f"<h3>{label} <code>{_h(device_id)}</code></h3>\n{_phone_home_table(facts)}")
    return out


def _phone_home_table(facts: list[PhoneHome]) -> str:
    rows = []
    for fact in facts:
        where = " ".join(v for v in (fact.country, fact.asn) if v)
        evidence = "<br>".join(f"<code>{_h(e.file)}</code> {_h(e.place)}" for e in fact.evidence)
        rows.append(
            f"<tr><td><code>{_h(fact.endpoint)}</code></td><td>{_h(fact.owner)}</td><td>{_h(fact.role)}</td>"
            f"<td>{_h(fact.confidence)}</td><td>{_h(where)}</td><td>{_h(fact.first_seen)}</td>"
            f'<td>{_h(fact.last_seen)}</td><td class="num">{fact.count:,}</td>'
            f'<td class="num">{fact.bytes_out:,}</td><td class="num">{fact.bytes_in:,}</td>'
            f"<td>{evidence}</td><td>{_h(', '.join(fact.sources), TEXT_LIMIT)}</td></tr>\n"
        )
    return (
        f'<table class="inner"><thead><tr>{_PHONE_HOME_HEAD}</tr></thead>\n<tbody>\n'
        + "".join(rows)
        + "</tbody></table>\n"
    )
