"""One self-contained HTML file per run: sortable, filterable device table with the evidence.

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
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterable

from custodiet.model import Device, Evidence, Finding, InputSummary, PhoneHome, RunReport
from custodiet.report import digest
from custodiet.report.text import excerpt, percent

NAME_LIMIT = 200  # addresses, hostnames, makers, models, paths, reasons
TEXT_LIMIT = 2000  # observed text excerpts in the evidence table

_CSS = """
:root { --covered: #b00020; --covered-bg: #fdecee; --muted: #5f6368; --line: #dadce0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; color: #202124; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.8rem 0 .5rem; }
h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.stats span { display: inline-block; margin-right: 1.2rem; }
.stats .bad { color: var(--covered); font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #f1f3f4; position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num { text-align: right; white-space: nowrap; }
tbody.device.covered > tr.main { background: var(--covered-bg); }
tbody.device.covered > tr.main > td:first-child { border-left: 4px solid var(--covered); }
tr.detail > td { padding: 0 .5rem .4rem 1.5rem; border-bottom: 1px solid var(--line); }
tr.main > td { border-bottom: 0; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .6rem; font-size: .8rem; font-weight: 600; }
.badge.covered { background: var(--covered); color: #fff; }
.badge.verify { background: #f9ab00; color: #202124; }
.badge.watch { background: #e8eaed; color: #202124; }
.badge.exploited { background: #7b1fa2; color: #fff; }
.badge.advisory { background: #d2e3fc; color: #202124; }
.error { color: var(--covered); font-weight: 600; }
.muted { color: var(--muted); }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace;
      max-height: 18rem; overflow: auto; background: #f8f9fa; padding: .2rem .3rem; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
details > summary { cursor: pointer; color: #1a73e8; }
.controls { margin: .5rem 0; display: flex; gap: 1rem; align-items: center; }
.controls input[type=search] { padding: .3rem .5rem; min-width: 20rem; }
table.inner { margin: .3rem 0 .6rem; }
table.inner th { position: static; }
ol { margin: .2rem 0; padding-left: 1.4rem; }
"""

_JS = """
(function () {
  "use strict";
  var table = document.getElementById("devices");
  if (!table) { return; }
  var headers = table.tHead.rows[0].cells;
  var filter = document.getElementById("filter");
  var coveredOnly = document.getElementById("covered-only");
  var count = document.getElementById("shown");
  var sorted = { col: -1, dir: 1 };

  function key(body, col) {
    var cell = body.rows[0].cells[col];
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent; }
    var number = Number(value);
    return value !== "" && !isNaN(number) ? number : value.toLowerCase();
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
  }

  function applyFilter() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var text = body.rows[0].textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      if (coveredOnly.checked && !body.classList.contains("covered")) { ok = false; }
      body.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = String(shown);
  }

  Array.prototype.forEach.call(headers, function (th, col) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(col); }); }
  });
  filter.addEventListener("input", applyFilter);
  coveredOnly.addEventListener("change", applyFilter);
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

# Device table columns: (header, sortable)
_COLUMNS = (
    "Address",
    "Device id",
    "Manufacturer",
    "Brand",
    "Model",
    "Firmware",
    "Type",
    "Confidence",
    "Covered",
    "Findings",
)


def _h(value: object, limit: int = NAME_LIMIT, *, newlines: bool = False) -> str:
    """Escaped, visible, bounded text for element content or a quoted attribute value."""
    text = "" if value is None else str(value)
    return html.escape(excerpt(text, limit, newlines=newlines), quote=True)


def _badge(severity: str) -> str:
    kind = severity if severity in ("exploited", "covered", "verify", "advisory", "watch") else "watch"
    return f'<span class="badge {kind}">{_h(severity, 40)}</span>'


def render_html(run: RunReport) -> str:
    """The whole report as one HTML document (a str; write it as UTF-8)."""
    by_device = digest.findings_by_device(run.findings)
    calls = digest.phone_home_by_device(run.phone_home)
    anchors = {device.id: f"dev-{i}" for i, device in enumerate(run.devices)}
    covered = sum(1 for d in run.devices if d.covered)
    title = f"custodiet run {run.run_id}"
    out: list[str] = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{_h(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{_h(title)}</h1>\n",
        f'<p class="meta">{_h(run.started)} → {_h(run.finished)} · content {_h(run.content_version)}</p>\n',
        '<p class="stats">',
        f"<span>{len(run.inputs):,} inputs</span>",
        f"<span>{len(run.devices):,} devices</span>",
        f'<span class="{"bad" if covered else ""}">{covered:,} covered</span>',
        f"<span>{len(run.findings):,} findings</span></p>\n",
    ]
    out.extend(_inputs(run.inputs))
    out.extend(_manufacturers(run.devices))
    out.extend(_findings(run.findings, run.devices, anchors))
    if run.phone_home:
        out.extend(_phone_home(run, calls, anchors))
    out.extend(_devices(run.devices, by_device, anchors, calls))
    out.append(f"<script>{_JS}</script>\n</body>\n</html>\n")
    return "".join(out)


def _inputs(inputs: Iterable[InputSummary]) -> list[str]:
    out = [
        "<h2>Inputs</h2>\n<table>\n<thead><tr><th>File</th><th>Format</th><th>SHA-256</th><th>Records</th>"
        "<th>Observations</th><th>Skipped</th><th>Problems</th></tr></thead>\n<tbody>\n"
    ]
    for item in inputs:
        reasons = ", ".join(f"{reason} ({count:,})" for reason, count in item.skip_reasons)
        problem = f'<span class="error">error: {_h(item.error)}</span>' if item.error else _h(reasons)
        out.append(
            f"<tr><td><code>{_h(item.path)}</code></td><td>{_h(item.format)}</td>"
            f'<td><code title="{_h(item.sha256)}">{_h(item.sha256[:16])}…</code></td>'
            f'<td class="num">{item.records:,}</td><td class="num">{item.observations:,}</td>'
            f'<td class="num">{item.skipped:,}</td><td>{problem}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return out


def _manufacturers(devices: tuple[Device, ...]) -> list[str]:
    out = [
        "<h2>Devices by manufacturer</h2>\n<table>\n<thead><tr><th>Manufacturer</th><th>Devices</th>"
        "<th>Covered</th></tr></thead>\n<tbody>\n"
    ]
    for row in digest.by_manufacturer(devices):
        cls = ' class="error"' if row.covered else ""
        out.append(
            f'<tr><td{cls}>{_h(row.manufacturer)}</td><td class="num">{row.devices:,}</td>'
            f'<td class="num"><span{cls}>{row.covered:,}</span></td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    return out


def _finding_cells(finding: Finding) -> str:
    sources = ", ".join(finding.sources)
    return (
        f"<td>{_badge(finding.severity)}</td><td>{_h(finding.list)}</td><td><code>{_h(finding.rule)}</code></td>"
        f"<td>{_h(finding.entity)}</td><td>{_h(finding.reason, TEXT_LIMIT)}</td>"
        f"<td>{_h(finding.scope, TEXT_LIMIT)}</td><td>{_h(sources, TEXT_LIMIT)}</td>"
    )


_FINDING_HEAD = "<th>Severity</th><th>List</th><th>Rule</th><th>Entity</th><th>Reason</th><th>Scope caveat</th><th>Sources</th>"


def _findings(
    findings: tuple[Finding, ...], devices: tuple[Device, ...], anchors: dict[str, str]
) -> list[str]:
    out = ["<h2>Findings</h2>\n"]
    if not findings:
        return [*out, '<p class="muted">No finding.</p>\n']
    names = {d.id: digest.address(d) for d in devices}
    out.append(f"<table>\n<thead><tr><th>Device</th>{_FINDING_HEAD}</tr></thead>\n<tbody>\n")
    order = sorted(findings, key=lambda f: (digest.SEVERITY_ORDER.get(f.severity, 9), f.list, f.device))
    for finding in order:
        name = _h(names.get(finding.device, finding.device))
        anchor = anchors.get(finding.device)
        device = f'<a href="#{anchor}">{name}</a>' if anchor else name
        out.append(f"<tr><td>{device}</td>{_finding_cells(finding)}</tr>\n")
    out.append("</tbody>\n</table>\n")
    return out


def _devices(
    devices: tuple[Device, ...],
    by_device: dict[str, list[Finding]],
    anchors: dict[str, str],
    calls: dict[str, list[PhoneHome]] | None = None,
) -> list[str]:
    out = [
        "<h2>Devices</h2>\n",
        '<div class="controls"><input type="search" id="filter" placeholder="Filter devices (address, maker, model…)"'
        ' aria-label="Filter devices">',
        '<label><input type="checkbox" id="covered-only"> covered only</label>',
        f'<span class="muted"><span id="shown">{len(devices):,}</span> shown · click a column to sort</span></div>\n',
        '<table id="devices">\n<thead><tr>',
    ]
    out.extend(f'<th scope="col"><button type="button">{name}</button></th>' for name in _COLUMNS)
    out.append("</tr></thead>\n")
    for device in devices:
        out.extend(
            _device(
                device, by_device.get(device.id, []), anchors[device.id], (calls or {}).get(device.id, [])
            )
        )
    out.append("</table>\n")
    return out


def _device(
    device: Device, findings: list[Finding], anchor: str, calls: list[PhoneHome] | None = None
) -> list[str]:
    ident = device.identity
    cls = "device covered" if device.covered else "device"
    rules = ", ".join(sorted({f.rule for f in findings}))
    covered = '<span class="badge covered">covered</span>' if device.covered else ""
    main = (
        f'<tbody class="{cls}" id="{anchor}"><tr class="main">'
        f'<td data-sort="{_h(digest.address_sort_key(device))}">{_h(digest.address(device))}</td>'
        f"<td><code>{_h(device.id)}</code></td>"
        f"<td>{_h(ident.manufacturer)}</td><td>{_h(ident.brand)}</td><td>{_h(ident.model)}</td>"
        f"<td>{_h(ident.firmware)}</td><td>{_h(ident.device_type)}</td>"
        f'<td class="num" data-sort="{ident.confidence:.6f}">{percent(ident.confidence)}</td>'
        f'<td data-sort="{int(device.covered)}">{covered}</td>'
        f"<td>{_h(rules, TEXT_LIMIT)}</td></tr>\n"
    )
    summary = f"Evidence ({len(ident.evidence)})"
    if ident.conflicts:
        summary += f", conflicts ({len(ident.conflicts)})"
    if findings:
        summary += f", findings ({len(findings)})"
    if calls:
        summary += f", phone home ({len(calls)})"
    detail = [
        f'<tr class="detail"><td colspan="{len(_COLUMNS)}"><details><summary>{summary}</summary>\n',
        _identity(device),
        _evidence(ident.evidence),
    ]
    if ident.conflicts:
        items = "".join(
            f"<li>{_h(c.attribute)}: "
            + "; ".join(f"{_h(value)} ({score:.2f})" for value, score in c.values)
            + "</li>"
            for c in ident.conflicts
        )
        detail.append(f"<h3>Conflicts</h3>\n<ul>{items}</ul>\n")
    if ident.explanation:
        steps = "".join(f"<li>{_h(step, TEXT_LIMIT)}</li>" for step in ident.explanation)
        detail.append(
            f"<h3>Confidence {percent(ident.confidence)}: how it was computed</h3>\n<ol>{steps}</ol>\n"
        )
    if findings:
        rows = "".join(f"<tr>{_finding_cells(f)}</tr>\n" for f in findings)
        detail.append(
            f'<h3>Findings</h3>\n<table class="inner"><thead><tr>{_FINDING_HEAD}</tr></thead>\n<tbody>\n{rows}</tbody></table>\n'
        )
    if calls:
        detail.append(f"<h3>Phone home</h3>\n{_phone_home_table(calls)}")
    detail.append("</details></td></tr></tbody>\n")
    return [main, *detail]


def _identity(device: Device) -> str:
    ident = device.identity
    facts = [
        ("Addresses", ", ".join(device.addresses)),
        ("MAC", device.mac or ""),
        ("Hostnames", ", ".join(device.hostnames)),
        ("Product", ident.product or ""),
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
    for device_id, facts in calls.items():
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
