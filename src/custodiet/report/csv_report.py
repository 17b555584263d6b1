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
"""

from __future__ import annotations

import csv
from typing import TextIO

from custodiet.model import Device, RunReport
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


def _row(device: Device, rules: str, phone_home: str = "") -> list[str]:
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
        phone_home,
    ]
    return [cell(v) for v in values]


def write_csv(run: RunReport, out: TextIO) -> None:
    """Write the devices of a run as CSV (open `out` with newline="" as the csv module asks)."""
    by_device = digest.findings_by_device(run.findings)
    calls = digest.phone_home_by_device(run.phone_home)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    for device in run.devices:
        rules = "; ".join(sorted({f.rule for f in by_device.get(device.id, [])}))
        phone_home = "; ".join(digest.phone_home_line(p) for p in calls.get(device.id, []))
        writer.writerow(_row(device, rules, phone_home))
