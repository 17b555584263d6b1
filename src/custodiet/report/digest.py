"""Summaries every human-facing report shows the same way (terminal, HTML, CSV)."""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from custodiet.model import (
    Device,
    DeviceSeen,
    Evidence,
    Finding,
    FindingStatus,
    PhoneHome,
    Remediation,
    RunReport,
    Waiver,
)
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
    review: int = 0


def by_manufacturer(devices: Iterable[Device]) -> list[MakerCount]:
    """Devices per manufacturer: makers with covered devices first, then by number of devices."""
    return _count_by(devices, lambda d: d.identity.manufacturer or UNIDENTIFIED, UNIDENTIFIED)


NO_SITE = "(no site)"


def by_site(devices: Iterable[Device]) -> list[MakerCount]:
    """Devices per site (from the asset inventory), as by_manufacturer (manufacturer holds the site)."""
    return _count_by(devices, lambda d: d.site or NO_SITE, NO_SITE)


def _count_by(devices: Iterable[Device], key: Callable[[Device], str], unknown: str) -> list[MakerCount]:
    total: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    review: Counter[str] = Counter()
    for device in devices:
        name = key(device)
        total[name] += 1
        covered[name] += device.covered
        review[name] += device.review
    rows = [MakerCount(name, count, covered[name], review[name]) for name, count in total.items()]
    rows.sort(
        key=lambda r: (
            r.covered == 0,
            -r.covered,
            -r.review,
            r.manufacturer == unknown,
            -r.devices,
            r.manufacturer,
        )
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


# Phone-home ------------------------------------------------------------------------------------

FOREIGN_ROLE = "foreign network"  # policy.phonehome.FOREIGN_ROLE (reports do not import policy)


def is_foreign(fact: PhoneHome) -> bool:
    return fact.role == FOREIGN_ROLE


@dataclass(frozen=True, slots=True)
class EndpointCount:
    """Vendor endpoints of one owner and role, with how many devices reached them."""

    owner: str
    role: str
    confidence: str
    endpoints: tuple[str, ...]
    devices: int
    contacts: int


def phone_home_by_owner(facts: Iterable[PhoneHome]) -> list[EndpointCount]:
    """Vendor-endpoint facts per (owner, role, confidence): most devices first."""
    devices: dict[tuple[str, str, str], set[str]] = {}
    endpoints: dict[tuple[str, str, str], set[str]] = {}
    contacts: Counter[tuple[str, str, str]] = Counter()
    for fact in facts:
        if is_foreign(fact):
            continue
        key = (fact.owner, fact.role, fact.confidence)
        devices.setdefault(key, set()).add(fact.device)
        endpoints.setdefault(key, set()).add(fact.endpoint)
        contacts[key] += fact.count
    rows = [
        EndpointCount(key[0], key[1], key[2], tuple(sorted(endpoints[key])), len(devices[key]), contacts[key])
        for key in devices
    ]
    rows.sort(key=lambda r: (-r.devices, r.owner, r.role))
    return rows


@dataclass(frozen=True, slots=True)
class CountryCount:
    """Foreign-network facts of one country: devices, addresses and the busiest networks."""

    country: str
    devices: int
    addresses: int
    networks: tuple[str, ...]
    bytes_out: int


def foreign_by_country(facts: Iterable[PhoneHome], networks: int = 3) -> list[CountryCount]:
    devices: dict[str, set[str]] = {}
    addresses: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {}
    sent: Counter[str] = Counter()
    for fact in facts:
        if not is_foreign(fact):
            continue
        country = fact.country or "?"
        devices.setdefault(country, set()).add(fact.device)
        addresses[country] += 1
        names.setdefault(country, Counter())[fact.owner] += fact.count
        sent[country] += fact.bytes_out
    rows = [
        CountryCount(
            country,
            len(devices[country]),
            addresses[country],
            tuple(name for name, _ in names[country].most_common(networks)),
            sent[country],
        )
        for country in devices
    ]
    rows.sort(key=lambda r: (-r.devices, r.country))
    return rows


def phone_home_by_device(facts: Iterable[PhoneHome]) -> dict[str, list[PhoneHome]]:
    out: dict[str, list[PhoneHome]] = {}
    for fact in facts:
        out.setdefault(fact.device, []).append(fact)
    return out


def phone_home_line(fact: PhoneHome) -> str:
    """'Dahua P2P (device-side) www.easy4ipcloud.com, 61 contacts': one line of a cell."""
    where = f" [{fact.country}{' ' + fact.asn if fact.asn else ''}]" if fact.country or fact.asn else ""
    return f"{fact.owner} {fact.role} {fact.endpoint}{where}, {fact.count:,} contacts"


def places(fact: PhoneHome, limit: int = 5) -> str:
    """'file packet 1; file packet 2; ...': where the traffic shows, for a table cell."""
    shown = [f"{p.file} {p.place}" for p in fact.evidence[:limit]]
    if len(fact.evidence) > limit:
        shown.append(f"and {len(fact.evidence) - limit} more listed")
    return "; ".join(shown)


# Decisions -------------------------------------------------------------------------------------


def finding_status(
    device: str, rule: str, list_id: str, waivers: Iterable[Waiver], today: str
) -> FindingStatus:
    """Whether a finding is open or waived on `today`; a waiver that would cover it but has
    ended is named (the finding is open again)."""
    active: Waiver | None = None
    expired: Waiver | None = None
    for waiver in waivers:
        if waiver.applies(device, rule, list_id, today):
            if active is None or waiver.until > active.until:
                active = waiver
        elif (
            waiver.expired(today)
            and (waiver.device is None or waiver.device == device)
            and (waiver.rule is None or waiver.rule in (rule, list_id))
            and (expired is None or waiver.until > expired.until)
        ):
            expired = waiver
    if active is not None:
        return FindingStatus("waived", waiver=active)
    return FindingStatus("open", expired=expired)


def status_line(status: FindingStatus) -> str:
    """'waived until 2026-06-30 by alice (#3): reason' / 'open (waiver #2 ended 2026-01-31)' / 'open'."""
    if status.waiver is not None:
        w = status.waiver
        return f"waived until {w.until} by {w.who} (#{w.id}): {w.why}"
    if status.expired is not None:
        return f"open (waiver #{status.expired.id} ended {status.expired.until})"
    return "open"


def remediation_by_device(run: RunReport) -> dict[str, Remediation]:
    return {step.device: step for step in run.remediation}


def remediation_line(step: Remediation | None) -> str:
    """'ticketed 2026-05-02 (INC-1234)' : a device's remediation state for a table cell."""
    if step is None:
        return ""
    text = f"{step.state} {step.at[:10]}"
    if step.ticket:
        text += f" ({step.ticket})"
    return text


def seen_by_device(run: RunReport) -> dict[str, DeviceSeen]:
    return {item.device: item for item in run.seen}


@dataclass(frozen=True, slots=True)
class DecisionCounts:
    open: int
    waived: int
    reopened: int  # open again because a waiver ended


def decision_counts(run: RunReport) -> DecisionCounts:
    today = run.as_of or "9999-12-31"
    counts = Counter(
        "waived" if s.status == "waived" else "reopened" if s.expired else "open"
        for s in (finding_status(f.device, f.rule, f.list, run.waivers, today) for f in run.findings)
    )
    return DecisionCounts(counts["open"] + counts["reopened"], counts["waived"], counts["reopened"])


def status_counts(devices: Iterable[Device]) -> tuple[int, int]:
    """(covered, needs review) devices."""
    covered = review = 0
    for device in devices:
        covered += device.covered
        review += device.review
    return covered, review


def scope_rows(run: RunReport, escape: Callable[..., str], text_limit: int) -> list[str]:
    """The <tr> rows of what each input of a run examined (input, kind, addresses, ranges), for
    the HTML and compliance reports alike; `escape` is the renderer's own HTML escaping."""
    rows = []
    for scoped in run.scope:
        ranges = ", ".join(first if first == last else f"{first}–{last}" for first, last in scoped.ranges)
        rows.append(
            f"<tr><td><code>{escape(scoped.input)}</code></td><td>{escape(scoped.kind)}</td>"
            f'<td class="num">{scoped.addresses:,}</td><td>{escape(ranges, text_limit)}</td></tr>\n'
        )
    return rows
