"""Findings for ticketing systems and SIEMs: one record per finding, with its device, its status
(open or waived, and by which waiver) and the device's remediation state.

`key` is stable across runs (a digest of device id and rule), so that a ticketing integration can
open one ticket per key and update it run after run; `timestamp` is the run's end. JSON Lines keep
strings exact (JSON escapes them); CSV cells go through csv_report.cell (formula-neutralised,
control characters visible, bounded), like the device CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from custodiet.model import RunReport, status_word
from custodiet.report import digest
from custodiet.report.csv_report import cell

FIELDS = (
    "key",
    "timestamp",
    "run",
    "device",
    "addresses",
    "mac",
    "hostnames",
    "manufacturer",
    "brand",
    "model",
    "firmware",
    "device_type",
    "site",
    "serial",
    "owner",
    "device_status",
    "first_seen",
    "last_seen",
    "rule",
    "list",
    "entity",
    "severity",
    "status",
    "waiver",
    "waiver_until",
    "waiver_by",
    "waiver_reason",
    "waiver_ended",
    "remediation",
    "remediation_at",
    "ticket",
    "reason",
    "scope",
    "sources",
)


def finding_key(device: str, rule: str) -> str:
    return hashlib.sha256(f"{device}\x00{rule}".encode()).hexdigest()[:20]


def records(run: RunReport, open_only: bool = False) -> Iterator[dict[str, Any]]:
    devices = {d.id: d for d in run.devices}
    seen = digest.seen_by_device(run)
    steps = digest.remediation_by_device(run)
    today = run.as_of or run.finished[:10]
    for finding in run.findings:
        status = digest.finding_status(finding.device, finding.rule, finding.list, run.waivers, today)
        if open_only and status.status != "open":
            continue
        device = devices.get(finding.device)
        ident = device.identity if device else None
        first = seen.get(finding.device)
        step = steps.get(finding.device)
        waiver = status.waiver
        yield {
            "key": finding_key(finding.device, finding.rule),
            "timestamp": run.finished,
            "run": run.run_id,
            "device": finding.device,
            "addresses": list(device.addresses) if device else [],
            "mac": device.mac if device else None,
            "hostnames": list(device.hostnames) if device else [],
            "manufacturer": ident.manufacturer if ident else None,
            "brand": ident.brand if ident else None,
            "model": ident.model if ident else None,
            "firmware": ident.firmware if ident else None,
            "device_type": ident.device_type if ident else None,
            "site": device.site if device else None,
            "serial": device.serial if device else None,
            "owner": device.owner if device else None,
            "device_status": status_word(device.covered, device.review) if device else None,
            "first_seen": first.first_seen if first else None,
            "last_seen": first.last_seen if first else None,
            "rule": finding.rule,
            "list": finding.list,
            "entity": finding.entity,
            "severity": finding.severity,
            "status": status.status,
            "waiver": waiver.id if waiver else None,
            "waiver_until": waiver.until if waiver else None,
            "waiver_by": waiver.who if waiver else None,
            "waiver_reason": waiver.why if waiver else None,
            "waiver_ended": status.expired.until if status.expired else None,
            "remediation": step.state if step else None,
            "remediation_at": step.at if step else None,
            "ticket": step.ticket if step else None,
            "reason": finding.reason,
            "scope": finding.scope,
            "sources": list(finding.sources),
        }


def _json_line(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record) + b"\n"
    except orjson.JSONEncodeError:  # a lone surrogate: escaped rather than lost
        text = orjson.dumps(record, default=str).decode("utf-8", "backslashreplace")
        return text.encode("utf-8", "backslashreplace") + b"\n"


def write_export(run: RunReport, out: BinaryIO, fmt: str, *, open_only: bool = False) -> int:
    """Write the run's findings as "jsonl" or "csv"; returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for record in records(run, open_only):
            out.write(_json_line(record))
            count += 1
        return count
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(FIELDS)
        for record in records(run, open_only):
            writer.writerow(
                [
                    cell(" ".join(v) if isinstance(v, list) else "" if v is None else v)
                    for v in record.values()
                ]
            )
            count += 1
    finally:
        text.detach()
    return count
