"""Addresses and countries of census hosts, in batches.

A record's country is used when it has one (Shodan's location.country_code, Censys'
location.country_code, IVRE's infos.country_code: the scanner's geolocation). Otherwise the
country is the one a regional internet registry assigned the address block to, from the
offline `iptocc` data (as custodiet.geo does for `audit`): that is where the block is
registered, not where the device stands, and the outputs say which of the two each host got.
"""

from __future__ import annotations

from collections.abc import Sequence

from custodiet.sources.text import normalise_ip

# A dotted quad already in canonical form: the engines take it as it is and ask Python only
# for the others (IPv6, zero-padded, bracketed...), through normalise_ip as every source does.
IPV4_SQL = (
    r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$"
)
COUNTRY_SQL = r"^[A-Za-z]{2}$"


def normalise_addresses(values: Sequence[str | None]) -> list[str | None]:
    """sources.text.normalise_ip of each value (None stays None)."""
    return [normalise_ip(v) if v else None for v in values]


def registry_countries(addresses: Sequence[str]) -> list[str | None]:
    """The registered country (ISO 3166 alpha-2, upper case) of each address, None when the
    registries assign it to nobody (private, reserved, documentation or unassigned space)."""
    if not addresses:
        return []
    try:
        import iptocc
    except ImportError:  # pragma: no cover - a declared dependency
        return [None] * len(addresses)
    found = iptocc.country_code(list(addresses))
    return [
        c.upper() if isinstance(c, str) and len(c) == 2 and c.isascii() and c.isalpha() else None
        for c in found
    ]
