"""Build a Device from the observations of one host and their matches."""

from __future__ import annotations

from collections.abc import Sequence

from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import REPORT_FLOOR, fuse
from custodiet.model import Device, Evidence, Match, Observation, Service

MAX_HOSTNAMES = 16
MAX_SERVICES = 256


def build_device(
    rows: Sequence[tuple[Observation, tuple[Match, ...]]],
    identifier: Identifier,
    covered,
    device_id: str | None = None,
) -> Device:  # type: ignore[no-untyped-def]
    """`covered(manufacturer) -> bool` comes from the policy; the identity from fusion."""
    addresses: list[str] = []
    mac: str | None = None
    hostnames: list[str] = []
    ports: dict[str, Service] = {}
    products: dict[str, str] = {}
    evidence: list[Evidence] = []
    for obs, matches in rows:
        subject = obs.subject
        if subject.address and subject.address not in addresses:
            addresses.append(subject.address)
        if subject.mac and mac is None:
            mac = subject.mac
        field = obs.field
        if field == "hostname" and obs.text not in hostnames and len(hostnames) < MAX_HOSTNAMES:
            hostnames.append(obs.text)
        elif field == "port" and obs.port and len(ports) < MAX_SERVICES:
            name = obs.text.split(" ", 1)[1] if " " in obs.text else ""
            ports.setdefault(obs.port, Service(port=obs.port, name=name))
        elif field == "nmap.service" and obs.port:
            products.setdefault(obs.port, obs.text)
        elif field == "mac" and mac is None:
            mac = obs.text
        for match in matches:
            evidence.append(
                Evidence(
                    field=field,
                    text=identifier.excerpt(field, match.signature, obs.text),
                    provenance=obs.provenance,
                    signature=match.signature,
                    sets=match.sets,
                    strength=match.strength,
                    port=obs.port,
                    relabel=match.relabel,
                )
            )
    services = tuple(
        Service(port=s.port, name=s.name, product=products.get(s.port, ""))
        for s in sorted(ports.values(), key=_port_key)
    )
    identity = fuse(_dedupe(evidence))
    addresses.sort(key=_address_key)
    if device_id is None:
        device_id = f"mac:{mac}" if mac else f"ip:{addresses[0]}" if addresses else "unknown"
    return Device(
        id=device_id,
        addresses=tuple(addresses),
        mac=mac,
        hostnames=tuple(hostnames),
        services=services,
        identity=identity,
        covered=bool(covered(identity.manufacturer)) and identity.confidence >= REPORT_FLOOR,
    )


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    """The same signature on the same text seen twice (two scans of one host) is one fact."""
    seen: set[tuple[str, str, str | None]] = set()
    unique = []
    for item in evidence:
        key = (item.signature, item.text, item.port)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _port_key(service: Service) -> tuple[int, str]:
    number, _, proto = service.port.partition("/")
    return (int(number) if number.isdigit() else 0, proto)


def _address_key(address: str) -> tuple[int, str]:
    return (1 if ":" in address else 0, address)
