"""Contacts -> phone-home facts: is this device talking to its maker's infrastructure, or to
networks abroad? Pure functions of the contacts, the endpoint facts and an address -> country/AS
lookup that the caller passes in (geo), so that they test without any data package.

Two kinds of facts come out, as model.PhoneHome:
(a) a contact whose name (DNS query, TLS SNI, HTTP Host) is an endpoint host or a subdomain of
    one, or whose remote address is an endpoint address or was the answer to a DNS query for an
    endpoint name in the same data: role, owner, confidence and sources are the endpoint fact's;
(b) traffic (flow, TLS, HTTP) to a public address registered in a foreign country: with
    --home-country every other country counts; without it only the watch countries do (the
    covered manufacturers' home country and content's `watch_countries`), since "foreign" means
    nothing without a home. Role "foreign network", owner the AS that routes the address.

Names are compared case-insensitively without a trailing dot, with plain string operations: a name
is split into labels and each suffix looked up in a dict (no regex on untrusted text).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodiet.catalog import Catalog
from custodiet.datafile import line_of, load_yaml
from custodiet.errors import ContentError
from custodiet.model import Contact, ContactSummary, PhoneHome, Provenance
from custodiet.numbers import whole_number

SIDES = ("device", "app")
ROLES = (
    "P2P",
    "DDNS",
    "cloud API",
    "platform registration",
    "firmware update",
    "NTP",
    "developer portal",
    "other",
)
CONFIDENCES = ("low", "medium", "high")
FOREIGN_ROLE = "foreign network"
FOREIGN_CONFIDENCE = "medium"  # registered country of the block, not where the server stands
TRAFFIC_KINDS = frozenset({"flow", "tls", "http"})

MAX_EVIDENCE = 20  # provenances kept per fact; the rest is counted
MAX_FOREIGN = 100  # foreign addresses reported one by one per device; the rest summed per country
MAX_NAME = 253
MAX_LABELS = 127
MAX_NAMES_PER_ADDRESS = 8

# When evidence was cut, the last provenance says how much was left out (PhoneHome has no count).
MORE_FILE = "…"


def more_evidence(left_out: int) -> Provenance:
    return Provenance(file=MORE_FILE, place=f"{left_out:,} more not kept")


# Endpoint facts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint fact of endpoints.yaml (or a user file)."""

    host: str | None  # normalised DNS name, or None for an address endpoint
    network: str | None  # CIDR text of an address endpoint
    owner: str  # canonical vendor name (or the operator a user file names)
    owner_id: str | None  # vendor id when the catalogue knows the owner
    side: str
    role: str
    confidence: str
    sources: tuple[str, ...]
    brand: str | None = None
    port: str | None = None
    why: str = ""
    note: str = ""
    file: str = ""

    @property
    def indicator(self) -> str:
        return self.host or self.network or ""

    @property
    def role_label(self) -> str:
        """'P2P (device-side)': what reports show as the role."""
        return f"{self.role} ({self.side}-side)"


@dataclass
class EndpointSet:
    """Every endpoint fact, indexed for matching names and addresses."""

    endpoints: tuple[Endpoint, ...] = ()
    watch_countries: frozenset[str] = frozenset()
    sources: dict[str, Any] = field(default_factory=dict)  # ids defined by the files themselves
    _by_host: dict[str, Endpoint] = field(default_factory=dict)
    _networks: list[tuple[Any, Endpoint]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for endpoint in self.endpoints:
            if endpoint.host:
                self._by_host[endpoint.host] = endpoint  # a later file (the user's) wins
            elif endpoint.network:
                self._networks.append((ipaddress.ip_network(endpoint.network), endpoint))

    def match_name(self, name: str | None) -> Endpoint | None:
        """The most specific endpoint whose host is `name` or a parent domain of it."""
        host = normalise_name(name)
        if not host:
            return None
        by_host = self._by_host
        if host in by_host:
            return by_host[host]
        labels = host.split(".")
        if len(labels) > MAX_LABELS:
            return None
        for start in range(1, len(labels)):
            found = by_host.get(".".join(labels[start:]))
            if found is not None:
                return found
        return None

    def match_address(self, address: str | None) -> Endpoint | None:
        """The most specific address endpoint that contains `address`."""
        if not address or not self._networks:
            return None
        try:
            ip = ipaddress.ip_address(address.strip().strip("[]"))
        except ValueError:
            return None
        best: tuple[int, Endpoint] | None = None
        for network, endpoint in self._networks:
            inside = ip.version == network.version and ip in network
            if inside and (best is None or network.prefixlen > best[0]):
                best = (network.prefixlen, endpoint)
        return best[1] if best else None


def normalise_name(name: str | None) -> str | None:
    """Lower case, no surrounding space, no trailing dot; None when it cannot be a DNS name."""
    if not name:
        return None
    host = name.strip().rstrip(".").lower()
    if not host or len(host) > MAX_NAME or ".." in host:
        return None
    if not host.isprintable() or any(ch.isspace() for ch in host):
        return None
    return host


def load_endpoints(
    content_dir: Path,
    extra: Sequence[Path] = (),
    catalog: Catalog | None = None,
    known_sources: Iterable[str] | None = None,
) -> EndpointSet:
    """content_dir/endpoints.yaml plus user files (same schema); ContentError names file and line.

    known_sources: source ids that resolve (content/sources.yaml and the vendor files'); when
    given, every endpoint of the content file must cite one, and a user file's citations must
    resolve to those or to its own `sources:`.
    """
    base = read_endpoint_file(
        content_dir / "endpoints.yaml", "content/endpoints.yaml", catalog, known_sources, builtin=True
    )
    return extend_endpoints(base, extra, catalog, known_sources)


def extend_endpoints(
    base: EndpointSet, extra: Sequence[Path], catalog: Catalog | None, known_sources: Iterable[str] | None
) -> EndpointSet:
    """The content's endpoint set with the user's files added (a later file wins a host)."""
    if not extra:
        return base
    endpoints = list(base.endpoints)
    watch = set(base.watch_countries)
    defined = dict(base.sources)
    for path in extra:
        more = read_endpoint_file(path, str(path), catalog, known_sources, builtin=False)
        endpoints.extend(more.endpoints)
        watch |= more.watch_countries
        defined.update(more.sources)
    return EndpointSet(endpoints=tuple(endpoints), watch_countries=frozenset(watch), sources=defined)


def read_endpoint_file(
    path: Path, label: str, catalog: Catalog | None, known_sources: Iterable[str] | None, *, builtin: bool
) -> EndpointSet:
    """One endpoints file: content's (every endpoint must cite a source) or a user's."""
    doc = load_yaml(path, label)
    if doc is None:
        return EndpointSet()
    if not isinstance(doc, dict):
        raise ContentError("an endpoints file is a mapping with 'endpoints'", file=label)
    own = doc.get("sources") or {}
    if not isinstance(own, dict):
        raise ContentError("'sources' must map id -> {title, url}", file=label, place=line_of(doc))
    resolvable = None if known_sources is None else set(known_sources) | set(own)
    watch = {_country(node, label) for node in doc.get("watch_countries") or []}
    raw = doc.get("endpoints") or []
    if not isinstance(raw, list):
        raise ContentError("'endpoints' must be a list", file=label, place=line_of(doc))
    endpoints = tuple(_endpoint(node, label, catalog, resolvable, require_sources=builtin) for node in raw)
    return EndpointSet(endpoints=endpoints, watch_countries=frozenset(watch), sources=dict(own))


def _country(node: Any, label: str) -> str:
    code = node.get("country") if isinstance(node, dict) else node
    if not isinstance(code, str) or len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ContentError("a watch country is an ISO 3166-1 alpha-2 code", file=label, place=line_of(node))
    return code.upper()


def _endpoint(
    node: Any, label: str, catalog: Catalog | None, sources: set[str] | None, *, require_sources: bool
) -> Endpoint:
    where = line_of(node)
    if not isinstance(node, dict):
        raise ContentError("an endpoint must be a mapping", file=label, place=where)

    def text(key: str, required: bool = True) -> str:
        value = node.get(key)
        if value in (None, ""):
            if required:
                raise ContentError(f"endpoint lacks '{key}'", file=label, place=where)
            return ""
        if not isinstance(value, str | int):
            raise ContentError(f"endpoint '{key}' must be text", file=label, place=where)
        return str(value).strip()

    host, network = _indicator(node, label, where)
    side = text("side")
    if side not in SIDES:
        raise ContentError(f"side must be one of {', '.join(SIDES)}", file=label, place=where)
    role = text("role")
    if role not in ROLES:
        raise ContentError(f"role must be one of: {', '.join(ROLES)}", file=label, place=where)
    confidence = text("confidence")
    if confidence not in CONFIDENCES:
        raise ContentError(f"confidence must be one of {', '.join(CONFIDENCES)}", file=label, place=where)
    why = text("why", required=False)
    if confidence != "high" and not why and require_sources:
        raise ContentError("a low or medium confidence needs 'why'", file=label, place=where)
    port = text("port", required=False) or None
    if port is not None and not _valid_port(port):
        raise ContentError(f"port must look like '443/tcp', not {port!r}", file=label, place=where)
    cited = node.get("sources") or []
    if isinstance(cited, str):
        cited = [cited]
    if not isinstance(cited, list) or not all(isinstance(s, str) for s in cited):
        raise ContentError("'sources' must be a list of source ids", file=label, place=where)
    if require_sources and not cited:
        raise ContentError("endpoint lacks 'sources'", file=label, place=where)
    if sources is not None:
        for source in cited:
            if source not in sources:
                raise ContentError(f"unknown source '{source}'", file=label, place=where)
    owner_text = text("owner")
    owner, owner_id = _owner(owner_text, catalog, label, where, strict=require_sources)
    return Endpoint(
        host=host,
        network=network,
        owner=owner,
        owner_id=owner_id,
        side=side,
        role=role,
        confidence=confidence,
        sources=tuple(cited),
        brand=text("brand", required=False) or None,
        port=port,
        why=why,
        note=text("note", required=False),
        file=label,
    )


def _indicator(node: dict, label: str, where: str | None) -> tuple[str | None, str | None]:
    host, address = node.get("host"), node.get("address")
    if (host is None) == (address is None):
        raise ContentError("an endpoint has exactly one of 'host' and 'address'", file=label, place=where)
    if host is not None:
        name = normalise_name(host) if isinstance(host, str) else None
        if name is None or "/" in name or ":" in name or "." not in name:
            raise ContentError(f"'host' must be a DNS name, not {host!r}", file=label, place=where)
        return name, None
    try:
        return None, str(ipaddress.ip_network(str(address).strip(), strict=False))
    except ValueError:
        raise ContentError(
            f"'address' must be an IP address or CIDR block, not {address!r}", file=label, place=where
        ) from None


def _valid_port(port: str) -> bool:
    number, sep, proto = port.partition("/")
    value = whole_number(number)
    return bool(sep) and value is not None and 0 < value < 65536 and proto in ("tcp", "udp", "sctp")


def _owner(
    text: str, catalog: Catalog | None, label: str, where: str | None, *, strict: bool
) -> tuple[str, str | None]:
    if catalog is None:
        return text, None
    vendor = catalog.vendors.get(text) or catalog.vendor_by_name(text)
    if vendor is not None:
        return vendor.name, vendor.id
    if strict:
        raise ContentError(f"unknown owner '{text}' (a vendor id of vendors/*.yaml)", file=label, place=where)
    return text, None


# Contacts, aggregated ---------------------------------------------------------------------------


def group_contacts(contacts: Iterable[Contact]) -> list[ContactSummary]:
    """Sum contacts of one device by (kind, name, remote, port), keeping MAX_EVIDENCE places.

    The store does the same in SQL for a whole run; this is the in-memory form (tests, tools)."""
    groups: dict[tuple, _Acc] = {}
    for contact in contacts:
        key = (contact.kind, normalise_name(contact.name), contact.remote, contact.port)
        acc = groups.get(key)
        if acc is None:
            acc = groups[key] = _Acc()
        acc.add(contact, (contact.provenance,), 1)
    return [
        ContactSummary(
            kind=kind,
            name=name,
            remote=remote,
            port=port,
            first_seen=acc.first_seen,
            last_seen=acc.last_seen,
            count=acc.count,
            bytes_out=acc.bytes_out,
            bytes_in=acc.bytes_in,
            evidence=tuple(acc.evidence),
            evidence_count=acc.evidence_count,
        )
        for (kind, name, remote, port), acc in groups.items()
    ]


@dataclass
class _Acc:
    """Running totals of contacts (or of other totals): the same five facts as theirs."""

    first_seen: str | None = None
    last_seen: str | None = None
    count: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    evidence: list[Provenance] = field(default_factory=list)
    evidence_count: int = 0
    seen: set[Provenance] = field(default_factory=set)

    def add(self, totals: _Totals, evidence: Iterable[Provenance], evidence_count: int) -> None:
        """Add totals' times, count and bytes, and the places that show it (evidence_count: how
        many there were in all, when more than listed)."""
        first, last = totals.first_seen, totals.last_seen
        if first and (self.first_seen is None or first < self.first_seen):
            self.first_seen = first
        if last and (self.last_seen is None or last > self.last_seen):
            self.last_seen = last
        self.count += max(int(totals.count or 0), 0)
        self.bytes_out += max(int(totals.bytes_out or 0), 0)
        self.bytes_in += max(int(totals.bytes_in or 0), 0)
        listed = repeated = 0
        for place in evidence:
            listed += 1
            if place in self.seen:
                repeated += 1  # the same packet seen twice (a DNS answer joined twice) is one place
            elif len(self.evidence) < MAX_EVIDENCE:
                self.evidence.append(place)
                self.seen.add(place)
        self.evidence_count += max(evidence_count, listed) - repeated

    def places(self) -> tuple[Provenance, ...]:
        left_out = self.evidence_count - len(self.evidence)
        return (*self.evidence, more_evidence(left_out)) if left_out > 0 else tuple(self.evidence)


# What _Acc.add sums: a contact, a contact summary, or another accumulator (all name the facts alike).
_Totals = Contact | ContactSummary | _Acc


# Names resolved in the same data ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolution:
    """A DNS answer in the data that gave `address` for a name of `endpoint`."""

    name: str
    endpoint: Endpoint
    evidence: tuple[Provenance, ...]


def resolve_names(
    answers: Iterable[tuple[str | None, str | None, tuple[Provenance, ...]]], endpoints: EndpointSet
) -> dict[str, tuple[Resolution, ...]]:
    """address -> the endpoint names DNS answered it for, from (name, address, places) triples
    (the run's dns contacts). Only answers for endpoint names are kept, so memory follows the
    endpoints, not the capture."""
    found: dict[str, list[Resolution]] = {}
    for name, address, places in answers:
        if not name or not address:
            continue
        endpoint = endpoints.match_name(name)
        if endpoint is None:
            continue
        known = found.setdefault(address, [])
        host = normalise_name(name) or name
        if len(known) < MAX_NAMES_PER_ADDRESS and all(r.name != host for r in known):
            known.append(Resolution(host, endpoint, tuple(places[:MAX_EVIDENCE])))
    return {address: tuple(items) for address, items in found.items()}


# Phone-home of one device ----------------------------------------------------------------------

Geo = Callable[[str], Any]  # address -> (country, asn, as_name), e.g. custodiet.geo.lookup


@dataclass
class _Fact:
    endpoint: str
    owner: str
    role: str
    confidence: str
    sources: tuple[str, ...]
    acc: _Acc = field(default_factory=_Acc)
    country: str | None = None
    asn: str | None = None


def device_phone_home(
    device: str,
    contacts: Iterable[ContactSummary],
    endpoints: EndpointSet,
    geo: Geo,
    *,
    resolved: Mapping[str, Sequence[Resolution]] | None = None,
    home_country: str | None = None,
    watch_countries: frozenset[str] = frozenset(),
    country_of: Callable[[str], str | None] | None = None,
) -> list[PhoneHome]:
    """The phone-home facts of one device from its contacts (see the module doc).

    country_of, when given, answers the country alone and cheaply: geo (country and AS) is then
    asked only about addresses that are reported."""
    resolved = resolved or {}
    home = home_country.upper() if home_country else None
    watch = watch_countries | endpoints.watch_countries
    vendor: dict[tuple[str, str], _Fact] = {}
    foreign: dict[str, _Fact] = {}
    for contact in contacts:
        hits = _endpoint_hits(contact, endpoints, resolved)
        for reached, endpoint, extra in hits:
            key = (endpoint.indicator, reached)
            fact = vendor.get(key)
            if fact is None:
                fact = vendor[key] = _Fact(
                    endpoint=reached,
                    owner=endpoint.owner,
                    role=endpoint.role_label,
                    confidence=endpoint.confidence,
                    sources=endpoint.sources,
                )
            _add(fact.acc, contact, extra)
            if contact.remote and fact.country is None:
                fact.country, fact.asn = _where(geo, contact.remote)
        if hits or contact.kind not in TRAFFIC_KINDS or not contact.remote:
            continue
        fact = foreign.get(contact.remote)
        if fact is None:
            if country_of is not None:
                country = country_of(contact.remote)
                if country is None or country == home or (home is None and country not in watch):
                    continue
            country, asn, as_name = _geo(geo, contact.remote)
            if country is None or country == home or (home is None and country not in watch):
                continue
            fact = foreign[contact.remote] = _Fact(
                endpoint=contact.remote,
                owner=as_name or (f"AS{asn}" if asn else "unknown network"),
                role=FOREIGN_ROLE,
                confidence=FOREIGN_CONFIDENCE,
                sources=(),
                country=country,
                asn=f"AS{asn}" if asn else None,
            )
        _add(fact.acc, contact, ())
    ordered = sorted(vendor.values(), key=_vendor_order)
    return [_phone_home(device, f) for f in ordered] + _foreign(device, list(foreign.values()))


def _endpoint_hits(
    contact: ContactSummary, endpoints: EndpointSet, resolved: Mapping[str, Sequence[Resolution]]
) -> list[tuple[str, Endpoint, tuple[Provenance, ...]]]:
    """(name or address reached, endpoint, extra evidence) for each endpoint the contact reached."""
    hits: list[tuple[str, Endpoint, tuple[Provenance, ...]]] = []
    name = normalise_name(contact.name)
    if name:
        endpoint = endpoints.match_name(name)
        if endpoint is not None:
            hits.append((name, endpoint, ()))
    remote = contact.remote
    if remote and not hits:
        endpoint = endpoints.match_address(remote)
        if endpoint is not None:
            hits.append((remote, endpoint, ()))
        if contact.kind in TRAFFIC_KINDS:  # a DNS answer is not traffic to the address it names
            for resolution in resolved.get(remote, ()):
                hits.append((resolution.name, resolution.endpoint, resolution.evidence))
    return hits


def _add(acc: _Acc, contact: ContactSummary, extra: tuple[Provenance, ...]) -> None:
    evidence = tuple(contact.evidence) + extra
    acc.add(contact, evidence, max(int(contact.evidence_count or 0), len(contact.evidence)) + len(extra))


def _geo(geo: Geo, address: str) -> tuple[str | None, int | None, str | None]:
    try:
        country, asn, as_name = geo(address)
    except (TypeError, ValueError):
        return None, None, None
    return country, asn, as_name


def _where(geo: Geo, address: str) -> tuple[str | None, str | None]:
    country, asn, _ = _geo(geo, address)
    return country, (f"AS{asn}" if asn else None)


_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}


def _vendor_order(fact: _Fact) -> tuple:
    return (_CONFIDENCE_ORDER.get(fact.confidence, 3), fact.owner, fact.endpoint)


def _phone_home(device: str, fact: _Fact) -> PhoneHome:
    acc = fact.acc
    return PhoneHome(
        device=device,
        endpoint=fact.endpoint,
        owner=fact.owner,
        role=fact.role,
        confidence=fact.confidence,
        first_seen=acc.first_seen,
        last_seen=acc.last_seen,
        count=acc.count,
        bytes_out=acc.bytes_out,
        bytes_in=acc.bytes_in,
        evidence=acc.places(),
        country=fact.country,
        asn=fact.asn,
        sources=fact.sources,
    )


def _foreign(device: str, facts: list[_Fact]) -> list[PhoneHome]:
    """One fact per address for the MAX_FOREIGN busiest; the others summed per country."""
    facts.sort(key=lambda f: (-(f.acc.bytes_out + f.acc.bytes_in), -f.acc.count, f.endpoint))
    out = [_phone_home(device, f) for f in facts[:MAX_FOREIGN]]
    rest: dict[str, tuple[_Fact, int]] = {}
    for fact in facts[MAX_FOREIGN:]:
        country = fact.country or "?"
        summary, addresses = rest.get(country) or (
            _Fact(
                endpoint="",
                owner="several networks",
                role=FOREIGN_ROLE,
                confidence=FOREIGN_CONFIDENCE,
                sources=(),
                country=fact.country,
            ),
            0,
        )
        summary.acc.add(fact.acc, fact.acc.evidence, fact.acc.evidence_count)
        rest[country] = (summary, addresses + 1)
    for country, (summary, addresses) in sorted(rest.items()):
        summary.endpoint = f"{addresses:,} more addresses in {country}"
        out.append(_phone_home(device, summary))
    return out
