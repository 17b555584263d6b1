"""Model values to and from the JSON the inventory keeps in TEXT columns.

orjson refuses strings that are not valid Unicode (lone surrogates), and so does SQLite's UTF-8
binding. Sources never produce them (undecodable bytes become \\xNN text), but a store must not
lose a run over one bad string: `clean` rewrites such strings with backslash escapes, and is only
called after a fast path failed, so ordinary data pays nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from custodiet.model import (
    Conflict,
    ContactSummary,
    Device,
    Evidence,
    Finding,
    Identity,
    InputSummary,
    ListVersion,
    Match,
    PhoneHome,
    Provenance,
    Service,
    SourceRef,
)


def clean(value: Any) -> Any:
    """Make every string inside value encodable as UTF-8 (surrogates become \\udcXX text)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, tuple | list):
        return type(value)(clean(item) for item in value)
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    return value


def dumps(value: Any) -> str:
    """JSON text of value; strings that are not valid Unicode are escaped instead of failing."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return orjson.dumps(clean(value)).decode("utf-8")


def loads(text: str | None) -> Any:
    return orjson.loads(text) if text else None


# Matches ---------------------------------------------------------------------------------------


def dump_matches(matches: tuple[Match, ...]) -> str:
    return dumps(
        [
            {
                "signature": m.signature,
                "field": m.field,
                "sets": dict(m.sets),
                "strength": m.strength,
                "relabel": m.relabel,
            }
            for m in matches
        ]
    )


def load_matches(text: str | None) -> tuple[Match, ...]:
    if not text:
        return ()
    return tuple(
        Match(
            signature=m["signature"],
            field=m["field"],
            sets=m["sets"],
            strength=m["strength"],
            relabel=m.get("relabel"),
        )
        for m in orjson.loads(text)
    )


# Devices ---------------------------------------------------------------------------------------

# A file named by a number is the run's own file of that number (run_file): a state shared by
# several runs names each run's file. Older rows (schema 3) name it by path.
FileNumber = Callable[[str], int]
Paths = Mapping[int, str]


def _evidence(items: Iterable[Evidence], number: FileNumber | None) -> list[dict[str, Any]]:
    return [
        {
            "field": e.field,
            "text": e.text,
            "file": number(e.provenance.file) if number is not None else e.provenance.file,
            "place": e.provenance.place,
            "signature": e.signature,
            "sets": e.sets if type(e.sets) is dict else dict(e.sets),
            "strength": e.strength,
            "port": e.port,
            "relabel": e.relabel,
        }
        for e in items
    ]


def _file(value: Any, paths: Paths | None) -> str:
    if isinstance(value, int) and paths is not None:
        return paths.get(value, f"input {value}")
    return str(value)


def _load_evidence(items: list[dict[str, Any]], paths: Paths | None) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            field=e["field"],
            text=e["text"],
            provenance=Provenance(file=_file(e["file"], paths), place=e["place"]),
            signature=e["signature"],
            sets=e["sets"],
            strength=e["strength"],
            port=e.get("port"),
            relabel=e.get("relabel"),
        )
        for e in items
    )


def device_values(device: Device, number: FileNumber | None = None) -> tuple[Any, ...]:
    """The columns that describe the device itself (STAGE_VALUES order: STATE_VALUES, then
    DETAIL_VALUES). number maps an evidence file path to the run's number for it."""
    ident = device.identity
    # (orjson writes tuples as arrays: the same JSON as lists, without copying them first.)
    return (
        dumps(device.addresses),
        device.mac,
        dumps(device.hostnames),
        dumps([(s.port, s.name, s.product) for s in device.services]),
        ident.manufacturer,
        ident.brand,
        ident.product,
        ident.model,
        ident.firmware,
        ident.device_type,
        int(device.covered),
        int(device.review),
        float(ident.confidence),
        device.site,
        device.serial,
        device.owner,
        dumps(_evidence(ident.evidence, number)),
        _shared(ident.conflicts, _conflicts_json),
        _shared(ident.explanation, dumps),
    )


def _conflicts_json(conflicts: tuple[Conflict, ...]) -> str:
    return dumps([(c.attribute, c.values) for c in conflicts]) if conflicts else "[]"


# JSON of values that many devices share: hosts of one kind get one fused identity, whose
# conflicts and explanation are the same (immutable) tuples. Remembered by identity; each entry
# keeps its value alive, so an id cannot be reused meanwhile.
_SHARED: dict[int, tuple[object, str]] = {}


def _shared(value: Any, encode: Any) -> str:
    found = _SHARED.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    text = encode(value)
    if len(_SHARED) >= 4096:
        _SHARED.clear()
    _SHARED[id(value)] = (value, text)
    return text


# The columns of a state (what lists, filters and counts read) and of its detail (what one
# device's page reads), in device_values() order.
STATE_VALUES = (
    "addresses, mac, hostnames, services, manufacturer, brand, product, model, firmware, device_type, "
    "covered, review, confidence, site, serial, owner"
)
DETAIL_VALUES = "evidence, conflicts, explanation"
STAGE_VALUES = STATE_VALUES + ", " + DETAIL_VALUES
N_STAGE_VALUES = STAGE_VALUES.count(",") + 1

# load_device() reads these, from run_device r JOIN state s JOIN state_detail d.
STATE_SELECT = (
    "r.device_id, "
    + ", ".join(f"s.{c.strip()}" for c in STATE_VALUES.split(","))
    + (", d.evidence, d.conflicts, d.explanation")
)
STATE_FROM = "run_device r JOIN state s ON s.id = r.state_id JOIN state_detail d ON d.state_id = r.state_id"
COVERED_COLUMN = 11  # index of s.covered in a STATE_SELECT row


def load_device(row: tuple[Any, ...], with_evidence: bool = True, paths: Paths | None = None) -> Device:
    """A Device from a row selected with STATE_SELECT (evidence left empty when not wanted:
    decoding it is most of the cost and memory of a large run). paths: the run's file numbers."""
    (
        device_id,
        addresses,
        mac,
        hostnames,
        services,
        manufacturer,
        brand,
        product,
        model,
        firmware,
        device_type,
        covered,
        review,
        confidence,
        site,
        serial,
        owner,
        evidence,
        conflicts,
        explanation,
    ) = row
    identity = Identity(
        manufacturer=manufacturer,
        brand=brand,
        product=product,
        model=model,
        firmware=firmware,
        device_type=device_type,
        confidence=confidence,
        evidence=_load_evidence(orjson.loads(evidence), paths) if with_evidence else (),
        conflicts=tuple(
            Conflict(attribute=attr, values=tuple((v, s) for v, s in values))
            for attr, values in orjson.loads(conflicts)
        ),
        explanation=tuple(orjson.loads(explanation)),
    )
    return Device(
        id=device_id,
        addresses=tuple(orjson.loads(addresses)),
        mac=mac,
        hostnames=tuple(orjson.loads(hostnames)),
        services=tuple(Service(port=p, name=n, product=pr) for p, n, pr in orjson.loads(services)),
        identity=identity,
        covered=bool(covered),
        review=bool(review),
        site=site,
        serial=serial,
        owner=owner,
    )


# Inputs and findings ---------------------------------------------------------------------------


def input_row(run_id: int, s: InputSummary) -> tuple[Any, ...]:
    return (
        run_id,
        s.path,
        s.format,
        s.sha256,
        s.records,
        s.observations,
        s.skipped,
        dumps([list(r) for r in s.skip_reasons]),
        s.error,
        s.contacts,
        s.taken,
    )


INPUT_SELECT = "path, format, sha256, records, observations, skipped, skip_reasons, error, contacts, taken"


def load_input(row: tuple[Any, ...]) -> InputSummary:
    path, fmt, sha256, records, observations, skipped, reasons, error, contacts, taken = row
    return InputSummary(
        path=path,
        format=fmt,
        sha256=sha256,
        records=records,
        observations=observations,
        skipped=skipped,
        skip_reasons=tuple((r, n) for r, n in orjson.loads(reasons)),
        error=error,
        contacts=contacts or 0,
        taken=taken,
    )


def finding_row(f: Finding) -> tuple[Any, ...]:
    """(device, rule, list, entity, reason, scope, severity, sources) of one finding."""
    return (f.device, f.rule, f.list, f.entity, f.reason, f.scope, f.severity, dumps(list(f.sources)))


# From run_device r JOIN state_finding f: the device is the run's.
FINDING_SELECT = "r.device_id, f.rule, f.list, f.entity, f.reason, f.scope, f.severity, f.sources"


def load_finding(row: tuple[Any, ...]) -> Finding:
    device, rule, list_id, entity, reason, scope, severity, sources = row
    return Finding(
        device=device,
        rule=rule,
        list=list_id,
        entity=entity,
        reason=reason,
        scope=scope,
        severity=severity,
        sources=tuple(orjson.loads(sources)),
    )


# Contacts and phone-home ------------------------------------------------------------------------


CONTACT_SELECT = (
    "address, mac, kind, name, remote, port, first_seen, last_seen, count, bytes_out, bytes_in, "
    "evidence, evidence_count"
)


def load_contact(row: tuple[Any, ...], paths: dict[int, str]) -> ContactSummary:
    """A ContactSummary from a contact row selected with CONTACT_SELECT (evidence holds file ids)."""
    (address, mac, kind, name, remote, port, first, last, count, out, into, evidence, total) = row
    places = tuple(
        Provenance(file=paths.get(file, "?") if isinstance(file, int) else str(file), place=str(place))
        for file, place in (orjson.loads(evidence) if evidence else ())
    )
    return ContactSummary(
        kind=kind,
        name=name,
        remote=remote,
        port=port,
        first_seen=first,
        last_seen=last,
        count=count,
        bytes_out=out,
        bytes_in=into,
        evidence=places,
        evidence_count=total,
        address=address,
        mac=mac,
    )


def phone_home_row(run_id: int, p: PhoneHome) -> tuple[Any, ...]:
    return (
        run_id,
        p.device,
        p.endpoint,
        p.owner,
        p.role,
        p.confidence,
        p.first_seen,
        p.last_seen,
        int(p.count),
        int(p.bytes_out),
        int(p.bytes_in),
        dumps([[e.file, e.place] for e in p.evidence]),
        p.country,
        p.asn,
        dumps(list(p.sources)),
    )


PHONE_HOME_COLUMNS = (
    "run_id, device_id, endpoint, owner, role, confidence, first_seen, last_seen, count, bytes_out, "
    "bytes_in, evidence, country, asn, sources"
)
PHONE_HOME_SELECT = PHONE_HOME_COLUMNS.removeprefix("run_id, ")


def load_phone_home(row: tuple[Any, ...]) -> PhoneHome:
    (
        device,
        endpoint,
        owner,
        role,
        confidence,
        first,
        last,
        count,
        out,
        into,
        evidence,
        country,
        asn,
        sources,
    ) = row
    return PhoneHome(
        device=device,
        endpoint=endpoint,
        owner=owner,
        role=role,
        confidence=confidence,
        first_seen=first,
        last_seen=last,
        count=count,
        bytes_out=out,
        bytes_in=into,
        evidence=tuple(Provenance(file=f, place=p) for f, p in orjson.loads(evidence)),
        country=country,
        asn=asn,
        sources=tuple(orjson.loads(sources)),
    )


# Lists in force for a run ------------------------------------------------------------------------


def dump_lists(lists: Iterable[ListVersion]) -> list[dict[str, Any]]:
    """The run's lists as JSON values (run.lists)."""
    return [
        {
            "id": item.id,
            "name": item.name,
            "jurisdiction": item.jurisdiction,
            "severity": item.severity,
            "as_of": item.as_of,
            "first_published": item.first_published,
            "latest_entry": item.latest_entry,
            "entries": item.entries,
            "url": item.url,
            "authority": item.authority,
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "url": s.url,
                    "publisher": s.publisher,
                    "date": s.date,
                    "rank": s.rank,
                }
                for s in item.sources
            ],
        }
        for item in lists
    ]


def load_lists(text: str | None) -> tuple[ListVersion, ...]:
    return tuple(
        ListVersion(
            id=item["id"],
            name=item["name"],
            jurisdiction=item.get("jurisdiction", ""),
            severity=item.get("severity", ""),
            as_of=item.get("as_of"),
            first_published=item.get("first_published"),
            latest_entry=item.get("latest_entry"),
            entries=item.get("entries", 0),
            url=item.get("url"),
            authority=item.get("authority"),
            sources=tuple(
                SourceRef(
                    id=s["id"],
                    title=s.get("title", s["id"]),
                    url=s.get("url"),
                    publisher=s.get("publisher"),
                    date=s.get("date"),
                    rank=s.get("rank", 3),
                )
                for s in item.get("sources", ())
            ),
        )
        for item in (loads(text) or ())
    )
