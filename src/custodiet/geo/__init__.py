"""Offline IP address -> registered country and autonomous system, for "does this device talk to
networks abroad?". Nothing here sends a packet: both data sets ship inside Python packages.

- Country: `iptocc` (MIT OR Apache-2.0), built from the five RIRs' delegated statistics and
  refreshed nightly upstream. It is the country a registry *assigned* the block to, not where the
  server stands; for "whose network is this?" that is the right question, and it is open data.
- AS number and name: `plevin` with its `plevin-db-network` database (Apache-2.0 reader; data
  from RIPE RIS routing tables, NRO statistics, RIR whois, CAIDA AS-to-organisation and PeeringDB,
  see the package). Optional: without it, lookups answer the country and no AS.

Private, loopback, link-local, multicast, documentation and other reserved addresses answer
(None, None, None) without touching either data set. Answers are cached (bounded LRU): a capture
talks to the same few servers again and again.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_CACHE = 65536
_AS_NAME_LIMIT = 120


@dataclass(frozen=True, slots=True)
class GeoInfo:
    """What the offline data says about one public address."""

    country: str | None  # ISO 3166-1 alpha-2 as registered, upper case
    asn: int | None
    as_name: str | None

    def __iter__(self) -> Iterator[str | int | None]:
        """Unpacks as (country, asn, as_name)."""
        return iter((self.country, self.asn, self.as_name))


NOTHING = GeoInfo(None, None, None)


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (not private, reserved, documentation...)."""
    ip = _parse(address)
    return ip is not None and _public(ip)


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except (ValueError, AttributeError):
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


@lru_cache(maxsize=1)
def _country_backend() -> Any:
    try:
        import iptocc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return iptocc.country_code


@lru_cache(maxsize=1)
def _as_backend() -> Any:
    try:
        import plevin
    except ImportError:
        return None
    return plevin.lookup


def backends() -> dict[str, str | None]:
    """Which data sets answer, with their versions (for `custodiet endpoints list` and reports)."""
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "country": f"iptocc {version('iptocc')}" if _country_backend() else None,
        "asn": f"plevin-db-network {version('plevin-db-network')}"
        if _as_backend() and version("plevin-db-network")
        else None,
    }


@lru_cache(maxsize=_CACHE)
def country(address: str) -> str | None:
    """The registered country of a public address alone: fast (the AS data is not touched), for
    deciding whether an address matters before asking lookup() for its AS."""
    ip = _parse(address)
    if ip is None or not _public(ip):
        return None
    return _country_of(ip.compressed)


def _country_of(text: str) -> str | None:
    country_code = _country_backend()
    if country_code is None:
        return None
    try:
        found = country_code(text)
    except (ValueError, TypeError):
        return None
    if isinstance(found, str) and len(found) == 2 and found.isascii() and found.isalpha():
        return found.upper()
    return None


@lru_cache(maxsize=_CACHE)
def lookup(address: str) -> GeoInfo:
    """(country, asn, as_name) of a public address; NOTHING for a private or reserved one, for text
    that is not an address, and for what the data does not know."""
    ip = _parse(address)
    if ip is None or not _public(ip):
        return NOTHING
    text = ip.compressed
    asn, as_name = _as_of(text)
    return GeoInfo(_country_of(text), asn, as_name)


def _as_of(text: str) -> tuple[int | None, str | None]:
    as_lookup = _as_backend()
    if as_lookup is None:
        return None, None
    try:
        network = as_lookup(text).network
    except Exception:
        return None, None
    if network is None:
        return None, None
    asn = network.asn if isinstance(network.asn, int) and network.asn > 0 else None
    operator = getattr(network, "operator", None)
    company = getattr(operator, "company", None) if operator is not None else None
    handle = getattr(network, "handle", None)
    name = company or handle
    if company and handle and handle.casefold() not in company.casefold():
        name = f"{company} ({handle})"
    if asn is None:
        return None, None  # unannounced space: the registry holder is not who routes it
    return asn, (" ".join(str(name).split())[:_AS_NAME_LIMIT] if name else None)
