"""The section 889 compliance report: one printable HTML document an officer can read, check and
sign. It states what was examined (every input with its SHA-256, the run's dates, the addresses
each input covered), the covered equipment found with the evidence for each identification, the
decisions taken (waivers with who, why and until when; remediation steps with dates and tickets),
the lists applied with their versions and sources (official texts first), and, per covered item,
the data FAR 52.204-25(d)(2) asks a contractor to report where the inventory has it.

FAR 52.204-25(d)(2)(i) asks, within one business day of identification: the contract number, the
order number(s), supplier name, supplier unique entity identifier, supplier CAGE code, brand,
model number (OEM number, manufacturer part number or wholesaler number), item description, and
readily available information about mitigation actions; (d)(2)(ii), within ten business days,
further mitigation information and the efforts to prevent use or submission of covered equipment
(source: https://www.acquisition.gov/far/52.204-25, and 84 FR 40216). The inventory knows brand,
model, item description and mitigation (remediation and waivers); contract and order numbers come
from the command line; supplier facts are left for the officer to complete.

Same safety as the run report (report.html): every string escaped through `_h`, a CSP that allows
this file's one stylesheet and nothing else (no script at all), no external URL loaded.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from custodiet.model import Device, Finding, Remediation, RunReport, status_word
from custodiet.report import digest
from custodiet.report.text import excerpt, percent

NAME_LIMIT = 300
TEXT_LIMIT = 600
EVIDENCE_PER_DEVICE = 3
TO_COMPLETE = "to be completed"
# Lists whose findings this report is about; other lists' findings are listed as context.
SECTION_889_LISTS = ("us-ndaa-fy2019-s889", "us-fcc-covered-list")

_CSS = """
@page { size: auto; margin: 18mm 15mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 Georgia, "Times New Roman", serif; color: #111; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 18pt; margin: 0 0 .2rem; }
h2 { font-size: 13pt; margin: 1.6rem 0 .4rem; border-bottom: 1px solid #999; padding-bottom: .1rem; }
h3 { font-size: 11pt; margin: 1rem 0 .3rem; }
p, li { margin: .25rem 0; }
.meta { color: #444; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font: 9pt/1.3 system-ui, sans-serif; }
table.fixed { table-layout: fixed; }
col.narrow { width: 15%; } col.wide { width: 36%; } col.mid { width: 19%; }
th, td { border: 1px solid #bbb; padding: .2rem .35rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
td ul { margin: .1rem 0; padding-left: 1rem; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
code { font: 8.5pt ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.covered { color: #a00; font-weight: bold; }
.review { color: #8a5a00; font-weight: bold; }
.todo { color: #666; font-style: italic; }
.box { border: 1px solid #999; padding: .5rem .8rem; margin: .5rem 0; }
.sign td { height: 2.4rem; }
.small { font-size: 9pt; color: #444; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .page { break-before: page; }
}
"""


def _hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


_CSP = f"default-src 'none'; style-src '{_hash(_CSS)}'; img-src 'none'; base-uri 'none'; form-action 'none'"


def _h(value: object, limit: int = NAME_LIMIT) -> str:
    text = "" if value is None else str(value)
    return html.escape(excerpt(text, limit), quote=True)


def _todo(value: object | None) -> str:
    return _h(value) if value else f'<span class="todo">{TO_COMPLETE}</span>'


@dataclass(frozen=True)
class ReportFacts:
    """What the officer tells the report (none of it is in the inventory)."""

    organisation: str | None = None
    contract: str | None = None
    orders: tuple[str, ...] = ()
    prepared_by: str | None = None
    prepared_on: str | None = None  # ISO date; default: the run report's as_of


def _flagged(run: RunReport, by_device: dict[str, list[Finding]]) -> list[Device]:
    """Devices with a section 889 / Covered List finding: covered ones first, then those to review."""
    out = [
        d
        for d in run.devices
        if (d.covered or d.review) and any(f.list in SECTION_889_LISTS for f in by_device.get(d.id, []))
    ]
    out.sort(key=lambda d: (not d.covered, d.site or "~", digest.address_sort_key(d)))
    return out


def _item_description(device: Device) -> str:
    ident = device.identity
    parts = [ident.device_type or "network device"]
    if ident.product:
        parts.append(f"({ident.product})")
    return " ".join(parts)


def render_compliance(
    run: RunReport, facts: ReportFacts | None = None, steps: Sequence[Remediation] = ()
) -> str:
    """The report as one HTML document. steps: the full remediation log (run.remediation holds
    only each device's latest step)."""
    facts = facts or ReportFacts()
    today = facts.prepared_on or run.as_of or run.finished[:10]
    by_device = digest.findings_by_device(run.findings)
    flagged = _flagged(run, by_device)
    covered = [d for d in flagged if d.covered]
    review = [d for d in flagged if not d.covered]
    latest = digest.remediation_by_device(run)
    seen = digest.seen_by_device(run)
    log: dict[str, list[Remediation]] = {}
    for step in steps:
        log.setdefault(step.device, []).append(step)
    title = "Section 889 compliance report"
    org = f" — {_h(facts.organisation)}" if facts.organisation else ""
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{_h(title)}{org}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>{_h(title)}{org}</h1>\n",
        f'<p class="meta">Covered telecommunications and video surveillance equipment (NDAA FY2019 section 889, '
        f"FAR 52.204-25; FCC Covered List). Prepared {_h(today)} from custodiet run {run.run_id} "
        f"({_h(run.started)} to {_h(run.finished)}), profile {_h(run.profile or '-')}, "
        f"detection content {_h(run.content_version)}.</p>\n",
    ]
    out.extend(_executive_summary(run, covered, review, latest, today))
    out.extend(_examined(run))
    out.extend(_lists(run))
    out.extend(_equipment(run, covered, "Covered equipment found", by_device, latest, seen, today))
    if review:
        out.extend(
            _equipment(
                run, review, "Equipment that needs review", by_device, latest, seen, today, review=True
            )
        )
    out.extend(_far_report(covered, facts, latest, log, run, by_device, today))
    out.extend(_decisions(run, flagged, log, today))
    out.extend(_method())
    out.extend(_sign_off(facts))
    out.append("</body>\n</html>\n")
    return "".join(out)


def _executive_summary(
    run: RunReport, covered: list[Device], review: list[Device], latest: dict[str, Remediation], today: str
) -> list[str]:
    files = [i for i in run.inputs if i.format not in ("-", "?")]
    makers = Counter(d.identity.manufacturer or digest.UNIDENTIFIED for d in covered)
    sites = Counter(d.site or "(no site recorded)" for d in covered)
    states = Counter(latest[d.id].state if d.id in latest else "no remediation recorded" for d in covered)
    statuses = Counter(
        digest.finding_status(f.device, f.rule, f.list, run.waivers, today).status
        for f in run.findings
        if f.list in SECTION_889_LISTS and f.severity in ("covered", "verify")
    )
    errors = [i for i in run.inputs if i.error]
    out = [
        '<h2>1. Executive summary</h2>\n<div class="box">\n',
        f"<p>custodiet examined <b>{len(files)} input file(s)</b> (network scans, asset inventories and traffic "
        f"records; section 2) covering {sum(s.addresses for s in run.scope if s.kind != 'nmap targets'):,} "
        f"addresses, and identified <b>{len(run.devices):,} devices</b>.</p>\n",
        f'<p><span class="covered">{len(covered):,} device(s) are covered equipment</span>: a maker named by '
        "section 889 or the FCC Covered List, identified with confidence. "
        f'<span class="review">{len(review):,} device(s) need review</span>: a finding a person must settle '
        "(a weakly identified maker, a relabelled brand with an uncertain link, or an unknown device type).</p>\n",
    ]
    if makers:
        out.append(
            "<p>Covered equipment by manufacturer: "
            + ", ".join(f"{_h(m)} {n:,}" for m, n in makers.most_common())
            + ". By site: "
            + ", ".join(f"{_h(s)} {n:,}" for s, n in sites.most_common(10))
            + (" …" if len(sites) > 10 else "")
            + ".</p>\n"
        )
        out.append(
            "<p>Remediation of covered equipment: "
            + ", ".join(f"{n:,} {_h(s)}" for s, n in states.most_common())
            + f". Findings: {statuses.get('open', 0):,} open, {statuses.get('waived', 0):,} waived"
            + f" (as of {_h(today)}).</p>\n"
        )
    else:
        out.append("<p>No covered equipment was identified in the data examined.</p>\n")
    if errors:
        out.append(
            f'<p class="covered">{len(errors)} input(s) could not be read to the end (section 2): the examination '
            "of those inputs is incomplete.</p>\n"
        )
    out.append(
        '<p class="small">Identification is from the organisation\'s own network data (section 9). Equipment '
        "that sent nothing identifying, or that no input covered, cannot appear here; section 2 says what was "
        "examined.</p>\n</div>\n"
    )
    return out


def _examined(run: RunReport) -> list[str]:
    out = [
        "<h2>2. What was examined</h2>\n",
        f"<p>Run {run.run_id}: started {_h(run.started)}, finished {_h(run.finished)}.</p>\n",
        "<table>\n<thead><tr><th>Input file</th><th>Format</th><th>Data taken</th><th>SHA-256</th><th>Records</th>"
        "<th>Observations</th><th>Skipped</th><th>Problems</th></tr></thead>\n<tbody>\n",
    ]
    for item in run.inputs:
        if item.format == "-":
            continue
        reasons = "; ".join(f"{reason} ({count:,})" for reason, count in item.skip_reasons)
        problem = f'<span class="covered">{_h(item.error)}</span>' if item.error else _h(reasons, TEXT_LIMIT)
        out.append(
            f"<tr><td><code>{_h(item.path)}</code></td><td>{_h(item.format)}</td><td>{_h(item.taken or '')}</td>"
            f"<td><code>{_h(item.sha256)}</code></td>"
            f'<td class="num">{item.records:,}</td><td class="num">{item.observations:,}</td>'
            f'<td class="num">{item.skipped:,}</td><td>{problem}</td></tr>\n'
        )
    out.append("</tbody>\n</table>\n")
    if run.scope:
        out.append(
            "<h3>Addresses each input covered</h3>\n<table>\n<thead><tr><th>Input</th><th>Kind</th>"
            "<th>Addresses</th><th>Ranges (first shown)</th></tr></thead>\n<tbody>\n"
        )
        out.extend(digest.scope_rows(run, _h, TEXT_LIMIT))
        out.append("</tbody>\n</table>\n")
    if run.options:
        out.append(f"<p>Options: {_h(', '.join(f'{k}={v}' for k, v in run.options), TEXT_LIMIT)}</p>\n")
    return out


def _lists(run: RunReport) -> list[str]:
    out = [
        "<h2>3. Lists applied, versions and sources</h2>\n",
        '<p class="small">Official texts first (the regulator, then the Federal Register, then other government '
        "sites), secondary sources after. “As of” is the date custodiet's copy of the list was last checked "
        "against its sources; a list changed since then is not reflected.</p>\n",
    ]
    if not run.lists:
        return [*out, "<p>The run recorded no list versions (it predates custodiet schema 4).</p>\n"]
    for item in run.lists:
        out.append(
            f"<h3>{_h(item.name)} <code>{_h(item.id)}</code></h3>\n<p>Applied as {_h(item.severity)}; "
            f"jurisdiction {_h(item.jurisdiction)}; as of {_h(item.as_of or '?')}; first published "
            f"{_h(item.first_published or '?')}; newest entry {_h(item.latest_entry or '?')}; {item.entries} entries"
            + (f"; authority {_h(item.authority)}" if item.authority else "")
            + ".</p>\n<ol>\n"
        )
        for source in item.sources:
            kind = "official" if source.rank <= 1 else "government" if source.rank == 2 else "secondary"
            details = ", ".join(_h(v) for v in (source.publisher, source.date) if v)
            out.append(
                f"<li>[{kind}] {_h(source.title)}{' (' + details + ')' if details else ''}"
                + (f"<br><code>{_h(source.url)}</code>" if source.url else "")
                + "</li>\n"
            )
        out.append("</ol>\n")
    return out


def _evidence_lines(device: Device) -> str:
    """The strongest evidence for the maker, one piece per field (independent channels first)."""
    ident = device.identity
    agreeing = [e for e in ident.evidence if e.sets.get("manufacturer") == ident.manufacturer] or list(
        ident.evidence
    )
    agreeing.sort(key=lambda e: -e.strength)
    picked: list = []
    for item in agreeing:
        if all(p.field != item.field for p in picked):
            picked.append(item)
        if len(picked) == EVIDENCE_PER_DEVICE:
            break
    lines = [
        f"<li><code>{_h(e.field)}</code>{' ' + _h(e.port) if e.port else ''} “{_h(e.text, 100)}” "
        f"({_h(e.signature)}, {e.strength:.2f}) — <code>{_h(e.provenance.file)}</code> {_h(e.provenance.place)}</li>"
        for e in picked
    ]
    more = len(ident.evidence) - len(lines)
    if more > 0:
        lines.append(
            f'<li class="small">{more} more piece(s) of evidence: custodiet explain {_h(device.id)}</li>'
        )
    return "<ul>" + "".join(lines) + "</ul>" if lines else '<span class="todo">no signature evidence</span>'


def _equipment(
    run: RunReport,
    devices: list[Device],
    title: str,
    by_device: dict[str, list[Finding]],
    latest: dict[str, Remediation],
    seen: dict[str, digest.DeviceSeen],
    today: str,
    *,
    review: bool = False,
) -> list[str]:
    number = "5" if review else "4"
    out = [f"<h2>{number}. {_h(title)} ({len(devices):,})</h2>\n"]
    if not devices:
        return [*out, "<p>None.</p>\n"]
    out.append(
        '<table class="fixed">\n<colgroup><col class="narrow"><col class="narrow"><col class="narrow">'
        '<col class="wide"><col class="mid"></colgroup>\n'
        "<thead><tr><th>Device</th><th>Manufacturer / brand, model, firmware</th><th>Site, serial, owner</th>"
        "<th>Identification and evidence</th><th>Findings, status, remediation</th></tr></thead>\n<tbody>\n"
    )
    for device in devices:
        ident = device.identity
        first = seen.get(device.id)
        findings = [
            f for f in by_device.get(device.id, []) if f.severity in ("covered", "verify", "exploited")
        ]
        finding_lines = []
        for finding in findings:
            status = digest.finding_status(finding.device, finding.rule, finding.list, run.waivers, today)
            line = (
                f"<code>{_h(finding.rule)}</code> ({_h(finding.severity)}): {_h(digest.status_line(status))}"
            )
            if finding.severity == "verify":
                line += f'<br><span class="small">{_h(finding.reason.split("verify: ", 1)[-1], 300)}</span>'
            finding_lines.append(f"<li>{line}</li>")
        step = latest.get(device.id)
        maker = digest.maker(device)
        out.append(
            f"<tr><td><code>{_h(device.id)}</code><br>{_h(', '.join(device.addresses))}"
            + (
                f"<br>first seen {_h(first.first_seen[:10])}, last {_h(first.last_seen[:10])}"
                if first
                else ""
            )
            + f"</td><td><b>{_h(maker)}</b><br>{_h(ident.model or 'model unknown')}<br>{_h(ident.firmware or '')}"
            f"<br>{_h(_item_description(device))}</td>"
            f"<td>{_h(device.site or '')}<br>{_h(device.serial or '')}<br>{_h(device.owner or '')}</td>"
            f"<td>{status_word(device.covered, device.review)}, confidence {percent(ident.confidence)}"
            f"{_evidence_lines(device)}</td>"
            f"<td><ul>{''.join(finding_lines)}</ul>Remediation: "
            f"{_h(digest.remediation_line(step)) if step else '<span class=todo>none recorded</span>'}"
            + (f"<br>{_h(step.note)}" if step and step.note else "")
            + "</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    return out


def _mitigation(
    device: Device, steps: list[Remediation], run: RunReport, findings: Iterable[Finding], today: str
) -> str:
    parts = [
        f"{_h(s.state)} {_h(s.at[:10])}"
        + (f" ({_h(s.ticket)})" if s.ticket else "")
        + (f": {_h(s.note)}" if s.note else "")
        for s in steps
    ]
    for finding in findings:
        status = digest.finding_status(finding.device, finding.rule, finding.list, run.waivers, today)
        if status.waiver is not None:
            w = status.waiver
            parts.append(f"waiver #{w.id} until {_h(w.until)} ({_h(w.who)}: {_h(w.why)})")
    return "; ".join(dict.fromkeys(parts)) or f'<span class="todo">{TO_COMPLETE}</span>'


def _far_report(
    covered: list[Device],
    facts: ReportFacts,
    latest: dict[str, Remediation],
    log: dict[str, list[Remediation]],
    run: RunReport,
    by_device: dict[str, list[Finding]],
    today: str,
) -> list[str]:
    out = [
        '<h2 class="page">6. FAR 52.204-25(d) report data</h2>\n',
        '<p class="small">FAR 52.204-25(d)(1): a contractor that identifies covered telecommunications equipment or '
        "services used as a substantial or essential component of any system, or as critical technology, reports it "
        "to the Contracting Officer (for the Department of Defense: https://dibnet.dod.mil). (d)(2)(i), within one "
        "business day: contract number, order number(s), supplier name, supplier unique entity identifier, supplier "
        "CAGE code, brand, model number, item description, and readily available information about mitigation "
        "actions; (d)(2)(ii), within 10 business days: further mitigation information, the efforts undertaken to "
        "prevent use or submission of covered equipment, and the efforts planned. Source: "
        "https://www.acquisition.gov/far/52.204-25 (84 FR 40216). Fields the inventory does not hold are marked "
        f"“{TO_COMPLETE}”.</p>\n",
        f"<p>Contract number: {_todo(facts.contract)}. Order number(s): {_todo(', '.join(facts.orders))}.</p>\n",
    ]
    if not covered:
        return [*out, "<p>No covered equipment identified: nothing to report under (d)(2).</p>\n"]
    out.append(
        "<table>\n<thead><tr><th>#</th><th>Identified</th><th>Brand (manufacturer)</th><th>Model number</th>"
        "<th>Item description</th><th>Serial number</th><th>Site</th><th>Supplier name, UEI, CAGE code</th>"
        "<th>Mitigation actions</th></tr></thead>\n<tbody>\n"
    )
    seen = digest.seen_by_device(run)
    for number, device in enumerate(covered, 1):
        ident = device.identity
        first = seen.get(device.id)
        steps = log.get(device.id) or ([latest[device.id]] if device.id in latest else [])
        brand = ident.brand or ident.manufacturer
        maker = f" ({_h(ident.manufacturer)})" if ident.brand and ident.brand != ident.manufacturer else ""
        out.append(
            f'<tr><td class="num">{number}</td><td>{_h(first.first_seen[:10] if first else run.started[:10])}</td>'
            f"<td>{_h(brand)}{maker}</td><td>{_todo(ident.model)}</td><td>{_h(_item_description(device))}</td>"
            f"<td>{_todo(device.serial)}</td><td>{_h(device.site or '')}</td><td>{_todo(None)}</td>"
            f"<td>{_mitigation(device, steps, run, by_device.get(device.id, []), today)}</td></tr>\n"
        )
    out.append("</tbody>\n</table>\n")
    return out


def _decisions(
    run: RunReport, flagged: list[Device], log: dict[str, list[Remediation]], today: str
) -> list[str]:
    out = ["<h2>7. Decisions</h2>\n"]
    ids = {d.id for d in flagged}
    waivers = [w for w in run.waivers if w.device is None or w.device in ids]
    if waivers:
        out.append(
            "<h3>Waivers and exceptions</h3>\n<table>\n<thead><tr><th>#</th><th>Device</th><th>Rule or list</th>"
            "<th>Granted</th><th>Until</th><th>State</th><th>Who</th><th>Why</th></tr></thead>\n<tbody>\n"
        )
        for w in waivers:
            state = (
                f"revoked {w.revoked[:10]} by {w.revoked_by}"
                if w.revoked
                else "ended"
                if today > w.until
                else "in force"
            )
            out.append(
                f"<tr><td>{w.id}</td><td><code>{_h(w.device or 'every device')}</code></td>"
                f"<td><code>{_h(w.rule or 'every rule')}</code></td><td>{_h(w.created[:10])}</td><td>{_h(w.until)}</td>"
                f"<td>{_h(state)}</td><td>{_h(w.who)}</td><td>{_h(w.why, TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    else:
        out.append("<p>No waiver or exception is recorded for these devices.</p>\n")
    steps = [s for device in flagged for s in log.get(device.id, [])]
    if steps:
        out.append(
            "<h3>Remediation log</h3>\n<table>\n<thead><tr><th>Device</th><th>Step</th><th>Date</th><th>Who</th>"
            "<th>Ticket</th><th>Note</th></tr></thead>\n<tbody>\n"
        )
        for step in steps:
            out.append(
                f"<tr><td><code>{_h(step.device)}</code></td><td>{_h(step.state)}</td><td>{_h(step.at)}</td>"
                f"<td>{_h(step.who)}</td><td>{_h(step.ticket or '')}</td><td>{_h(step.note or '', TEXT_LIMIT)}</td></tr>\n"
            )
        out.append("</tbody>\n</table>\n")
    else:
        out.append("<p>No remediation step is recorded for these devices.</p>\n")
    return out


def _method() -> list[str]:
    return [
        "<h2>8. How devices were identified</h2>\n<ul class=small>\n"
        "<li>custodiet reads the organisation's own data (scans, asset inventories, traffic records) and matches "
        "identity texts (web server names, certificates, SNMP descriptions, MAC address blocks, inventory "
        "columns, …) against signatures, each written from a cited public source.</li>\n"
        "<li>Each device's confidence (0–100%) combines the strength of independent pieces of evidence; evidence "
        "for another maker lowers it. A device is <b>covered</b> when a list applied as “covered” names its "
        "maker (or the maker of its brand) and the identification is confident; otherwise a finding asks for "
        "<b>review</b>.</li>\n"
        "<li>Hikvision, Dahua and Hytera entries are purpose-limited (public safety, government facilities, "
        "critical infrastructure, national security): whether a device's use falls under them is for the officer "
        "to judge.</li>\n"
        "<li>Every piece of evidence names the file and the place in it; `custodiet explain DEVICE` prints the "
        "whole chain.</li>\n</ul>\n"
    ]


def _sign_off(facts: ReportFacts) -> list[str]:
    return [
        "<h2>9. Review and sign-off</h2>\n",
        "<p>I have reviewed this report, the inputs listed in section 2 and the decisions in section 7.</p>\n",
        '<table class="sign">\n<thead><tr><th>Role</th><th>Name</th><th>Signature</th><th>Date</th></tr></thead>\n<tbody>\n',
        f"<tr><td>Prepared by</td><td>{_h(facts.prepared_by or '')}</td><td></td><td></td></tr>\n",
        "<tr><td>Reviewed by (compliance officer)</td><td></td><td></td><td></td></tr>\n",
        "<tr><td>Approved by</td><td></td><td></td><td></td></tr>\n",
        "</tbody>\n</table>\n",
    ]
