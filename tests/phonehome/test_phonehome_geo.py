"""Offline geo: public addresses the bundled data knows, nothing for private or reserved ones."""

from __future__ import annotations

import pytest

from custodiet import geo


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "192.168.1.1",
        "172.16.0.1",
        "127.0.0.1",
        "169.254.1.1",
        "100.64.0.1",  # carrier-grade NAT
        "192.0.2.1",  # documentation (RFC 5737)
        "198.51.100.7",
        "203.0.113.5",
        "224.0.0.251",  # multicast
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fd00::1",
        "2001:db8::1",  # documentation (RFC 3849)
        "ff02::fb",
        "not an address",
        "",
    ],
)
def test_private_reserved_and_garbage_answer_nothing(address: str) -> None:
    assert geo.lookup(address) == geo.NOTHING
    assert geo.is_public(address) is False


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("8.8.8.8", "US"),  # Google Public DNS (ARIN)
        ("1.0.16.1", "JP"),  # APNIC block delegated to Japan
        ("223.5.5.5", "CN"),  # AliDNS
        ("114.114.114.114", "CN"),  # 114DNS
        ("2400:3200::1", "CN"),  # AliDNS IPv6
        ("2001:4860:4860::8888", "US"),
        ("::ffff:223.5.5.5", "CN"),  # IPv4-mapped
    ],
)
def test_public_addresses_get_their_registered_country(address: str, country: str) -> None:
    assert geo.lookup(address).country == country
    assert geo.is_public(address)


def test_as_numbers_and_names_when_the_network_data_is_installed() -> None:
    if geo.backends()["asn"] is None:
        pytest.skip("plevin-db-network is not installed")
    country, asn, name = geo.lookup("8.8.8.8")
    assert (country, asn) == ("US", 15169)
    assert name and "Google" in name
    assert geo.lookup("223.5.5.5").asn == 45102


def test_lookups_are_cached() -> None:
    geo.lookup.cache_clear()
    geo.lookup("8.8.8.8")
    geo.lookup("8.8.8.8")
    assert geo.lookup.cache_info().hits >= 1


def test_backends_name_their_data() -> None:
    assert (geo.backends()["country"] or "").startswith("iptocc ")
