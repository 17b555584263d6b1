"""Summaries every human-facing report shows the same way (terminal, HTML, CSV)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from custodiet.model import Device, Evidence, Finding
from custodiet.report.text import excerpt

UNIDENTIFIED = "(unidentified)"


def strongest(device: Device) -> Evidence | None:
    """The evidence that weighs most for this device (first of equals), if any."""
    best: Evidence | None = None
    for evidence in device.identity.evidence:
        if best is None or evidence.strength > best.strength:
            best = evidence
    return best


def evidence_line(evidence: Evidence | None, text_limit: int = 60) -> str:
    """'http.server 80/tcp "Hikvision-Webs" (http.server/hikvision-webs, 0.85)': one table line.

    The observed text is cut (and made visible) on its own, so a long banner cannot push the
    signature name out of the line.
    """
    if evidence is None:
        return ""
    port = f" {evidence.port}" if evidence.port else ""
    text = excerpt(evidence.text, text_limit)
    return f'{evidence.field}{port} "{text}" ({evidence.signature}, {evidence.strength:.2f})'


def address(device: Device) -> str:
    """What to call a device in a table: its first address, else its MAC, else its id."""
    if device.addresses:
        return device.addresses[0]
    return device.mac or device.id


def address_sort_key(device: Device) -> str:
    """Sorts addresses numerically as text ("10.0.0.9" before "10.0.0.10"), IPv4 before IPv6."""
    text = address(device)
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return f"9:{text.lower()}"
    return f"{ip.version}:{int(ip):039d}"


def maker(device: Device) -> str:
    """'Dahua / Amcrest' when the label differs from the maker; the maker alone otherwise."""
    ident = device.identity
    name = ident.manufacturer or UNIDENTIFIED
    if ident.brand and ident.brand != ident.manufacturer:
        return f"{name} / {ident.brand}"
    return name


@dataclass(frozen=True, slots=True)
class MakerCount:
    manufacturer: str
    devices: int
    covered: int


def by_manufacturer(devices: Iterable[Device]) -> list[MakerCount]:
    """Devices per manufacturer: makers with covered devices first, then by number of devices."""
    total: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for device in devices:
        name = device.identity.manufacturer or UNIDENTIFIED
        total[name] += 1
        covered[name] += device.covered
    rows = [MakerCount(name, count, covered[name]) for name, count in total.items()]
    rows.sort(
        key=lambda r: (r.covered == 0, -r.covered, r.manufacturer == UNIDENTIFIED, -r.devices, r.manufacturer)
    )
    return rows


@dataclass(frozen=True, slots=True)
class RuleCount:
    list: str
    rule: str
    entity: str
    devices: int
    severities: tuple[tuple[str, int], ...]


SEVERITY_ORDER = {"exploited": 0, "covered": 1, "verify": 2, "advisory": 3, "watch": 4}


def by_rule(findings: Iterable[Finding]) -> list[RuleCount]:
    """Findings per (list, rule), with how many devices and which severities."""
    devices: dict[tuple[str, str], set[str]] = {}
    entities: dict[tuple[str, str], str] = {}
    severities: dict[tuple[str, str], Counter[str]] = {}
    for finding in findings:
        key = (finding.list, finding.rule)
        devices.setdefault(key, set()).add(finding.device)
        entities.setdefault(key, finding.entity)
        severities.setdefault(key, Counter())[finding.severity] += 1
    rows = [
        RuleCount(
            list=key[0],
            rule=key[1],
            entity=entities[key],
            devices=len(devices[key]),
            severities=tuple(
                sorted(severities[key].items(), key=lambda s: (SEVERITY_ORDER.get(s[0], 9), s[0]))
            ),
        )
        for key in devices
    ]
    rows.sort(key=lambda r: (-r.devices, r.list, r.rule))
    return rows


def findings_by_device(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for finding in findings:
        out.setdefault(finding.device, []).append(finding)
    return out
