"""One row per device, for spreadsheets and asset registers.

CSV files end up in Excel and LibreOffice, where a cell that starts with = + - @ (or a tab or
carriage return, which some importers strip before evaluating) is read as a formula: a hostile
hostname like "=HYPERLINK(...)" would run when an analyst opens the file. Following OWASP's
CSV-injection guidance, such cells are prefixed with a single quote. A spreadsheet may also split
the file on another separator than the comma (";" in many European locales, or whatever the user
picks on import), so a text after a "," or ";" inside a cell is a cell start too: a formula
character there (after any spaces) gets the same quote ("x;=cmd" is written "x;'=cmd"). Every
cell is quoted (QUOTE_ALL). Control characters (tab, CR, LF included) are shown as \\xNN, as in
the other human-facing reports, and long values are cut.

The last column, phone_home, lists what the device's traffic reached, one fact per "; "-separated
item: '<owner> <role> <endpoint> [<country> <AS>], <n> contacts' (vendor infrastructure first,
then foreign networks); the JSON report has every fact with its evidence.

status is the one word for the device under the run's profile: "covered" (a covered finding),
"needs review" (only verify findings) or "not covered"; covered and needs_review say the same as
yes/no. site, serial and owner come from an asset inventory; first_seen and last_seen from the
inventory's history; remediation is the device's latest remediation step; open_findings and
waived_findings count its findings by their status on the day of the report.
"""

from __future__ import annotations

import csv
from typing import TextIO

from custodiet.model import Device, RunReport, status_word
from custodiet.report import digest
from custodiet.report.text import excerpt

HEADER = (
    "id",
    "addresses",
    "mac",
    "hostnames",
    "manufacturer",
    "brand",
    "model",
    "firmware",
    "device_type",
    "covered",
    "confidence",
    "findings",
    "top_evidence",
    "status",
    "needs_review",
    "site",
    "serial",
    "owner",
    "first_seen",
    "last_seen",
    "remediation",
    "ticket",
    "open_findings",
    "waived_findings",
    "phone_home",
)

CELL_LIMIT = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Where a spreadsheet importer may start a cell inside ours (tab, CR and LF are already \xNN).
_SEPARATORS = (",", ";")


def cell(value: object, limit: int = CELL_LIMIT) -> str:
    """A safe cell: visible control characters, bounded, formula-neutralised at its start and
    after every separator a spreadsheet may split on."""
    text = excerpt("" if value is None else str(value), limit)
    # excerpt already wrote TAB/CR/LF as \xNN; the check stays for the OWASP list as a whole.
    for separator in _SEPARATORS:
        if separator in text:
            text = separator.join(
                _defused(part) if i else part for i, part in enumerate(text.split(separator))
            )
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _defused(part: str) -> str:
    """A piece after a separator, with a quote before a formula start (after leading spaces)."""
    body = part.lstrip(" ")
    if body.startswith(_FORMULA_START):
        return part[: len(part) - len(body)] + "'" + body
    return part


def _row(device: Device, rules: str, phone_home: str = "", extra: tuple[object, ...] = ()) -> list[str]:
    ident = device.identity
    values: list[object] = [
        device.id,
        " ".join(device.addresses),
        device.mac,
        " ".join(device.hostnames),
        ident.manufacturer,
        ident.brand,
        ident.model,
        ident.firmware,
        ident.device_type,
        "yes" if device.covered else "no",
        f"{ident.confidence:.4f}",
        rules,
        digest.evidence_line(digest.strongest(device), 200),
        status_word(device.covered, device.review),
        "yes" if device.review else "no",
        device.site,
        device.serial,
        device.owner,
        *(extra or ("", "", "", "", "", "")),
        phone_home,
    ]
    return [cell(v) for v in values]


def write_csv(run: RunReport, out: TextIO) -> None:
    """Write the devices of a run as CSV (open `out` with newline="" as the csv module asks)."""
    by_device = digest.findings_by_device(run.findings)
    calls = digest.phone_home_by_device(run.phone_home)
    seen = digest.seen_by_device(run)
    steps = digest.remediation_by_device(run)
    today = run.as_of or run.finished[:10]
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    for device in run.devices:
        findings = by_device.get(device.id, [])
        rules = "; ".join(sorted({f.rule for f in findings}))
        phone_home = "; ".join(digest.phone_home_line(p) for p in calls.get(device.id, []))
        waived = sum(
            digest.finding_status(f.device, f.rule, f.list, run.waivers, today).status == "waived"
            for f in findings
        )
        first = seen.get(device.id)
        step = steps.get(device.id)
        extra = (
            first.first_seen if first else "",
            first.last_seen if first else "",
            digest.remediation_line(step).split(" (")[0] if step else "",
            step.ticket if step else "",
            len(findings) - waived,
            waived,
        )
        writer.writerow(_row(device, rules, phone_home, extra))
