"""Build a Device from the observations of one host and their matches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import REPORT_FLOOR, fuse
from custodiet.model import Conflict, Device, Evidence, Identity, Match, Observation, Service
from custodiet.numbers import whole_number

MAX_HOSTNAMES = 16
MAX_SERVICES = 256
MAX_ASSET_TEXT = 200  # site, serial and owner from an inventory: a cell, not a document
# Inventory (CMDB) columns a device keeps as they are: the first value seen of each.
_ASSET_FIELDS = {"inventory.site": 0, "inventory.serial": 1, "inventory.owner": 2}


def _maker(cls: type, names: tuple[str, ...]) -> Callable[..., Any]:
    """cls(*values) for a frozen slots dataclass whose fields are exactly `names`, at about half
    the cost: the generated __init__ sets each field through object.__setattr__, this sets the
    same slots directly (no __post_init__ is involved). Any other class, or fields, get cls."""
    if tuple(f.name for f in fields(cls)) != names or hasattr(cls, "__post_init__"):
        return cls
    new = object.__new__
    setters = tuple(getattr(cls, name).__set__ for name in names)
    if len(names) == 8:
        s0, s1, s2, s3, s4, s5, s6, s7 = setters

        def make8(a: Any, b: Any, c: Any, d: Any, e: Any, f: Any, g: Any, h: Any) -> Any:
            obj: Any = new(cls)
            s0(obj, a)
            s1(obj, b)
            s2(obj, c)
            s3(obj, d)
            s4(obj, e)
            s5(obj, f)
            s6(obj, g)
            s7(obj, h)
            return obj

        return make8
    if len(names) == 3:
        t0, t1, t2 = setters

        def make3(a: Any, b: Any, c: Any) -> Any:
            obj: Any = new(cls)
            t0(obj, a)
            t1(obj, b)
            t2(obj, c)
            return obj

        return make3
    return cls


_evidence = _maker(
    Evidence, ("field", "text", "provenance", "signature", "sets", "strength", "port", "relabel")
)
_service = _maker(Service, ("port", "name", "product"))


def build_device(
    rows: Sequence[tuple[Observation, tuple[Match, ...]]],
    identifier: Identifier,
    covered: Callable[[str | None], bool],
    device_id: str | None = None,
) -> Device:
    """`covered(manufacturer) -> bool` comes from the policy; the identity from fusion.

    The same signature on the same text seen twice (two scans of one host) is one fact: evidence
    is kept once per (signature, text shown, port), first seen first.
    """
    # An ordered set: many addresses may share one MAC (a gateway, a scan of a /16 behind a
    # proxy-ARP router): a list's membership test made that quadratic (200,000 rows: minutes).
    addresses: dict[str, None] = {}
    mac: str | None = None
    hostnames: list[str] = []
    ports: dict[str, str] = {}  # port -> service name, first seen
    products: dict[str, str] = {}
    evidence: list[Evidence] = []
    shape: list[object] = []  # (field, Match) of each piece of evidence: all that fusion reads
    seen: set[tuple[str, str, str | None]] = set()
    asset: list[str | None] = [None, None, None]  # site, serial, owner
    excerpt = identifier.excerpt
    last_subject = None
    for obs, matches in rows:
        subject = obs.subject
        if subject is not last_subject:  # a host's observations mostly share one Subject
            last_subject = subject
            address = subject.address
            if address and address not in addresses:
                addresses[address] = None
            if mac is None and subject.mac:
                mac = subject.mac
        field = obs.field
        if field == "hostname":
            if obs.text not in hostnames and len(hostnames) < MAX_HOSTNAMES:
                hostnames.append(obs.text)
        elif field == "port":
            port = obs.port
            if port and len(ports) < MAX_SERVICES and port not in ports:
                text = obs.text
                ports[port] = text.split(" ", 1)[1] if " " in text else ""
        elif field == "nmap.service":
            if obs.port and obs.port not in products:
                products[obs.port] = obs.text
        elif field == "mac" and mac is None:
            mac = obs.text
        elif field in _ASSET_FIELDS:
            slot = _ASSET_FIELDS[field]
            value = obs.text.strip()
            if asset[slot] is None and value:
                asset[slot] = value[:MAX_ASSET_TEXT]
        if matches:
            text = obs.text
            port = obs.port
            provenance = obs.provenance
            for match in matches:
                signature = match.signature
                shown = excerpt(field, signature, text)
                key = (signature, shown, port)
                if key in seen:
                    continue
                seen.add(key)
                shape.append(field)
                shape.append(match)
                evidence.append(
                    _evidence(
                        field, shown, provenance, signature, match.sets, match.strength, port, match.relabel
                    )
                )
    services = tuple(
        _service(port, name, products.get(port, ""))
        for port, name in sorted(ports.items(), key=_port_item_key)
    )
    identity = _fuse(evidence, shape)
    ordered = list(addresses)
    if len(ordered) > 1:
        ordered.sort(key=_address_key)
    if device_id is None:
        device_id = f"mac:{mac}" if mac else f"ip:{ordered[0]}" if ordered else "unknown"
    return Device(
        device_id,
        tuple(ordered),
        mac,
        tuple(hostnames),
        services,
        identity,
        bool(covered(identity.manufacturer)) and identity.confidence >= REPORT_FLOOR,
        False,
        asset[0],
        asset[1],
        asset[2],
    )


# fuse() reads of each piece of evidence only what its Match and field say (maker, attributes,
# strength, signature, relabel; channel); the text, place and port are carried, not read. Hosts
# of one kind (a camera model, a printer line) give the same matches in the same order, so the
# identity computed for the first is reused for the others, with their own evidence. Keyed by
# the Match objects' identity, which the entry keeps alive (an id cannot be reused meanwhile).
# What an Identity holds besides its evidence, in its field order.
_IdentityParts = tuple[
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    float,
    tuple[Conflict, ...],
    tuple[str, ...],
]
_FUSED: dict[tuple[object, ...], tuple[list[object], _IdentityParts]] = {}
_FUSED_LIMIT = 4096


def _fuse(evidence: list[Evidence], shape: list[object]) -> Identity:
    """fuse(evidence), remembered by the evidence's shape (see _FUSED)."""
    key = tuple(id(x) if type(x) is not str else x for x in shape)
    found = _FUSED.get(key)
    if found is None:
        identity = fuse(evidence)
        if len(_FUSED) >= _FUSED_LIMIT:
            _FUSED.clear()
        _FUSED[key] = (shape, _identity_parts(identity))
        return identity
    manufacturer, brand, product, model, firmware, device_type, confidence, conflicts, explanation = found[1]
    return Identity(
        manufacturer,
        brand,
        product,
        model,
        firmware,
        device_type,
        confidence,
        tuple(evidence),
        conflicts,
        explanation,
    )


def _identity_parts(identity: Identity) -> _IdentityParts:
    return (
        identity.manufacturer,
        identity.brand,
        identity.product,
        identity.model,
        identity.firmware,
        identity.device_type,
        identity.confidence,
        identity.conflicts,
        identity.explanation,
    )


def _port_item_key(item: tuple[str, str]) -> tuple[int, str]:
    number, _, proto = item[0].partition("/")
    return (whole_number(number) or 0, proto)


def _address_key(address: str) -> tuple[int, str]:
    return (1 if ":" in address else 0, address)
