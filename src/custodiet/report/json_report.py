"""The run as JSON, for other tools (SIEM, ticketing, jq).

Shape (keys beyond these may be added, never removed or renamed):

    {"run": {"id", "started", "finished", "content_version"},
     "inputs": [{"path", "format", "sha256", "records", "observations", "skipped",
                 "skip_reasons": {reason: count}, "error"}],
     "devices": [{"id", "addresses", "mac", "hostnames", "services": [{"port", "name", "product"}],
                  "manufacturer", "brand", "product", "model", "firmware", "device_type",
                  "covered", "confidence",
                  "evidence": [{"field", "text", "signature", "sets", "strength", "file", "place",
                                "port", "relabel", "text_truncated"}],
                  "conflicts": [{"attribute", "values": [{"value", "score"}]}],
                  "explanation": [str]}],
     "findings": [{"device", "rule", "list", "entity", "reason", "scope", "severity", "sources"}],
     "phone_home": [{"device", "endpoint", "owner", "role", "confidence", "first_seen", "last_seen",
                     "count", "bytes_out", "bytes_in", "country", "asn", "sources",
                     "evidence": [{"file", "place"}]}]}

Inputs also carry "contacts" (traffic facts read). phone_home lists what each device's traffic
reached: vendor infrastructure (role "P2P (device-side)", ...; owner the vendor) or a network in a
foreign country (role "foreign network"; owner the AS name). Evidence keeps the first places; a
last entry {"file": "…", "place": "N more not kept"} says how many were left out.

Since schema 4 (issue 10) also: "run" has "profile" and "options"; "summary" counts devices,
covered, needs_review, findings, open and waived; devices have "status" ("covered", "needs
review", "not covered": one meaning everywhere), "needs_review", "site", "serial", "owner",
"first_seen", "last_seen" and "remediation" ({"state", "at", "who", "ticket", "note"} or null);
findings have "status" ("open" or "waived"), "waiver" ({"id", "until", "who", "why"} or null) and
"waiver_ended" (the end of a waiver that no longer covers it); "lists" gives the lists applied
with their versions and sources (official first), "scope" what each input examined, "waivers"
every waiver on record.

Strings are exact (JSON escapes control characters itself), except that evidence texts are cut
at TEXT_LIMIT characters (then "text_truncated" is true) and any string at MAX_STRING, so a
hostile banner cannot blow up the file. The document can be embedded in an HTML <script> element
as it is: "</" is written "<\\/" and "<!--" as "\\u003c!--" (both valid JSON escapes of the same
text), so a device's "</script>" cannot end the element. The document is written device by device: memory stays
at one device's JSON beyond the RunReport itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import orjson

from custodiet.model import (
    Device,
    DeviceSeen,
    Finding,
    FindingStatus,
    InputSummary,
    ListVersion,
    PhoneHome,
    Remediation,
    RunReport,
    Waiver,
    status_word,
)
from custodiet.report.digest import finding_status

TEXT_LIMIT = 8192
MAX_STRING = 65536


def _s(value: str | None, limit: int = MAX_STRING) -> str | None:
    return value if value is None or len(value) <= limit else value[:limit]


def _dumps(value: Any) -> bytes:
    """orjson, falling back to escaping strings that are not valid Unicode (lone surrogates);
    then made safe to embed in HTML (see the module doc). "<" occurs in JSON only inside
    strings, so the replacements never touch the structure."""
    try:
        data = orjson.dumps(value)
    except orjson.JSONEncodeError:
        data = orjson.dumps(_clean(value))
    if b"<" in data:
        data = data.replace(b"</", b"<\\/").replace(b"<!--", b"\\u003c!--")
    return data


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _input(item: InputSummary) -> dict[str, Any]:
    return {
        "path": _s(item.path),
        "format": _s(item.format),
        "sha256": _s(item.sha256),
        "records": item.records,
        "observations": item.observations,
        "skipped": item.skipped,
        "skip_reasons": {_s(reason): count for reason, count in item.skip_reasons},
        "error": _s(item.error),
        "contacts": item.contacts,
        "taken": item.taken,
    }


def device_json(
    device: Device, seen: DeviceSeen | None = None, step: Remediation | None = None
) -> dict[str, Any]:
    """One device as the JSON report shows it."""
    ident = device.identity
    return {
        "id": _s(device.id),
        "addresses": [_s(a) for a in device.addresses],
        "mac": _s(device.mac),
        "hostnames": [_s(h) for h in device.hostnames],
        "services": [
            {"port": _s(s.port), "name": _s(s.name), "product": _s(s.product)} for s in device.services
        ],
        "manufacturer": _s(ident.manufacturer),
        "brand": _s(ident.brand),
        "product": _s(ident.product),
        "model": _s(ident.model),
        "firmware": _s(ident.firmware),
        "device_type": _s(ident.device_type),
        "covered": device.covered,
        "confidence": ident.confidence,
        "evidence": [
            {
                "field": _s(e.field),
                "text": _s(e.text, TEXT_LIMIT),
                "signature": _s(e.signature),
                "sets": {_s(k): _s(v) for k, v in e.sets.items()},
                "strength": e.strength,
                "file": _s(e.provenance.file),
                "place": _s(e.provenance.place),
                "port": _s(e.port),
                "relabel": _s(e.relabel),
                "text_truncated": len(e.text) > TEXT_LIMIT,
            }
            for e in ident.evidence
        ],
        "conflicts": [
            {
                "attribute": _s(c.attribute),
                "values": [{"value": _s(v), "score": score} for v, score in c.values],
            }
            for c in ident.conflicts
        ],
        "explanation": [_s(line) for line in ident.explanation],
        "status": status_word(device.covered, device.review),
        "needs_review": device.review,
        "site": _s(device.site),
        "serial": _s(device.serial),
        "owner": _s(device.owner),
        "first_seen": seen.first_seen if seen else None,
        "last_seen": seen.last_seen if seen else None,
        "remediation": _step(step),
    }


def _step(step: Remediation | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "state": step.state,
        "at": step.at,
        "who": _s(step.who),
        "ticket": _s(step.ticket),
        "note": _s(step.note),
    }


def _waiver(waiver: Waiver) -> dict[str, Any]:
    return {
        "id": waiver.id,
        "device": _s(waiver.device),
        "rule": _s(waiver.rule),
        "who": _s(waiver.who),
        "why": _s(waiver.why),
        "created": waiver.created,
        "until": waiver.until,
        "revoked": waiver.revoked,
        "revoked_by": _s(waiver.revoked_by),
        "revoked_why": _s(waiver.revoked_why),
    }


def _list(item: ListVersion) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": _s(item.name),
        "jurisdiction": item.jurisdiction,
        "applied_as": item.severity,
        "as_of": item.as_of,
        "first_published": item.first_published,
        "latest_entry": item.latest_entry,
        "entries": item.entries,
        "url": item.url,
        "authority": item.authority,
        "sources": [
            {
                "id": s.id,
                "title": _s(s.title),
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
                "official": s.rank <= 2,
            }
            for s in item.sources
        ],
    }


def _finding(finding: Finding, status: FindingStatus | None = None) -> dict[str, Any]:
    waiver = status.waiver if status else None
    return {
        "device": _s(finding.device),
        "rule": _s(finding.rule),
        "list": _s(finding.list),
        "entity": _s(finding.entity),
        "reason": _s(finding.reason),
        "scope": _s(finding.scope),
        "severity": _s(finding.severity),
        "sources": [_s(s) for s in finding.sources],
        "status": status.status if status else "open",
        "waiver": {"id": waiver.id, "until": waiver.until, "who": _s(waiver.who), "why": _s(waiver.why)}
        if waiver
        else None,
        "waiver_ended": status.expired.until if status and status.expired else None,
    }


def phone_home_json(fact: PhoneHome) -> dict[str, Any]:
    return {
        "device": _s(fact.device),
        "endpoint": _s(fact.endpoint),
        "owner": _s(fact.owner),
        "role": _s(fact.role),
        "confidence": _s(fact.confidence),
        "first_seen": _s(fact.first_seen),
        "last_seen": _s(fact.last_seen),
        "count": fact.count,
        "bytes_out": fact.bytes_out,
        "bytes_in": fact.bytes_in,
        "country": _s(fact.country),
        "asn": _s(fact.asn),
        "sources": [_s(s) for s in fact.sources],
        "evidence": [{"file": _s(e.file), "place": _s(e.place)} for e in fact.evidence],
    }


def _array(out: BinaryIO, items: Iterable[bytes]) -> None:
    """Write a JSON array one element per line (valid JSON, and greppable)."""
    out.write(b"[")
    first = True
    for item in items:
        out.write(b"\n" if first else b",\n")
        out.write(item)
        first = False
    out.write(b"\n]" if not first else b"]")


def write_json(run: RunReport, out: BinaryIO) -> None:
    """Write the run as one JSON document (UTF-8 bytes) to a binary stream."""
    meta = {
        "id": run.run_id,
        "started": run.started,
        "finished": run.finished,
        "content_version": run.content_version,
        "profile": run.profile,
        "options": dict(run.options),
    }
    today = run.as_of or run.finished[:10]
    statuses = [finding_status(f.device, f.rule, f.list, run.waivers, today) for f in run.findings]
    waived = sum(s.status == "waived" for s in statuses)
    summary = {
        "devices": len(run.devices),
        "covered": sum(d.covered for d in run.devices),
        "needs_review": sum(d.review for d in run.devices),
        "findings": len(run.findings),
        "open": len(run.findings) - waived,
        "waived": waived,
        "as_of": today,
    }
    seen = {s.device: s for s in run.seen}
    steps = {s.device: s for s in run.remediation}
    out.write(b'{"run":' + _dumps(meta) + b',\n"summary":' + _dumps(summary) + b',\n"inputs":')
    _array(out, (_dumps(_input(i)) for i in run.inputs))
    out.write(b',\n"devices":')
    _array(out, (_dumps(device_json(d, seen.get(d.id), steps.get(d.id))) for d in run.devices))
    out.write(b',\n"findings":')
    _array(out, (_dumps(_finding(f, s)) for f, s in zip(run.findings, statuses, strict=True)))
    out.write(b',\n"phone_home":')
    _array(out, (_dumps(phone_home_json(p)) for p in run.phone_home))
    out.write(b',\n"lists":')
    _array(out, (_dumps(_list(item)) for item in run.lists))
    out.write(b',\n"scope":')
    _array(
        out,
        (
            _dumps(
                {
                    "input": _s(s.input),
                    "kind": s.kind,
                    "addresses": s.addresses,
                    "ranges_preview": list(s.ranges),
                }
            )
            for s in run.scope
        ),
    )
    out.write(b',\n"waivers":')
    _array(out, (_dumps(_waiver(w)) for w in run.waivers))
    out.write(b"}\n")
