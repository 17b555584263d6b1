"""Pure phone-home matching: names and subdomains, case and trailing dots, address endpoints,
DNS-answer joins, foreign networks, bounded evidence."""

from __future__ import annotations

import pytest
from phonehome_builders import CAMERA, contact, endpoint, endpoint_set, fake_geo

from custodiet.model import Provenance
from custodiet.policy import phonehome as ph
from custodiet.policy.phonehome import device_phone_home, group_contacts, normalise_name, resolve_names

P2P = endpoint("www.easy4ipcloud.com", port="8800/udp")
DDNS = endpoint("www.dahuaddns.com", role="DDNS", confidence="medium")
APP = endpoint("api.hik-connect.com", owner="Hikvision", owner_id="hikvision", side="app", role="cloud API")


def facts(contacts, endpoints=None, **kw):  # type: ignore[no-untyped-def]
    endpoints = endpoints or endpoint_set(P2P, DDNS, APP)
    return device_phone_home("dev", group_contacts(contacts), endpoints, fake_geo, **kw)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("www.easy4ipcloud.com", "www.easy4ipcloud.com"),
        ("WWW.Easy4IPCloud.COM", "www.easy4ipcloud.com"),
        ("www.easy4ipcloud.com.", "www.easy4ipcloud.com"),
        ("p2p-eu.www.easy4ipcloud.com", "www.easy4ipcloud.com"),
        ("a.b.c.www.easy4ipcloud.com.", "www.easy4ipcloud.com"),
        ("  api.hik-connect.com ", "api.hik-connect.com"),
    ],
)
def test_names_match_the_host_and_its_subdomains(name: str, expected: str) -> None:
    assert endpoint_set(P2P, APP).match_name(name).host == expected


@pytest.mark.parametrize(
    "name",
    [
        "easy4ipcloud.com",  # the parent domain is not the endpoint
        "xwww.easy4ipcloud.com",  # a longer label is another name
        "www.easy4ipcloud.com.evil.example",  # the endpoint as a prefix of another domain
        "www.easy4ipcloud.co",
        "www easy4ipcloud.com",
        "www..easy4ipcloud.com",
        "",
        None,
        "a" * 300 + ".www.easy4ipcloud.com",
        "www.easy4ipcloud.com\x00",
    ],
)
def test_other_names_do_not_match(name: str | None) -> None:
    assert endpoint_set(P2P).match_name(name) is None


def test_the_most_specific_host_wins() -> None:
    parent = endpoint("easy4ipcloud.com", confidence="low", role="other")
    endpoints = endpoint_set(parent, P2P)
    assert endpoints.match_name("x.www.easy4ipcloud.com") is P2P
    assert endpoints.match_name("other.easy4ipcloud.com") is parent


def test_address_endpoints_match_by_block_most_specific_first() -> None:
    wide = endpoint(network="198.18.0.0/15", role="other", confidence="low")
    narrow = endpoint(network="198.18.7.0/24")
    endpoints = endpoint_set(wide, narrow)
    assert endpoints.match_address("198.18.7.9") is narrow
    assert endpoints.match_address("198.19.0.1") is wide
    assert endpoints.match_address("198.20.0.1") is None
    assert endpoints.match_address("2001:db8::1") is None
    assert endpoints.match_address("not an address") is None


def test_normalise_name() -> None:
    assert normalise_name("Host.Example.") == "host.example"
    assert normalise_name("bad\tname") is None
    assert normalise_name(".") is None


def test_a_named_contact_reaches_the_endpoint_with_its_facts() -> None:
    found = facts(
        [
            contact(
                "dns",
                remote="47.91.1.2",
                name="WWW.EASY4IPCLOUD.COM.",
                place="packet 3",
                first_seen="2026-01-01T00:00:03Z",
            ),
            contact(
                "tls",
                remote="47.91.1.2",
                name="www.easy4ipcloud.com",
                place="packet 9",
                last_seen="2026-01-01T00:09:00Z",
            ),
        ]
    )
    assert len(found) == 1
    fact = found[0]
    assert (fact.device, fact.endpoint, fact.owner) == ("dev", "www.easy4ipcloud.com", "Dahua")
    assert (fact.role, fact.confidence, fact.sources) == ("P2P (device-side)", "high", ("gh-dh-p2p",))
    assert (fact.first_seen, fact.last_seen, fact.count) == (
        "2026-01-01T00:00:03Z",
        "2026-01-01T00:09:00Z",
        2,
    )
    assert [e.place for e in fact.evidence] == ["packet 3", "packet 9"]
    assert (fact.country, fact.asn) == ("US", "AS45102")


def test_a_flow_to_an_address_a_dns_answer_gave_for_an_endpoint_reaches_it() -> None:
    dns = [("www.easy4ipcloud.com.", "47.91.1.2", (Provenance("cap.pcap", "packet 1"),))]
    resolved = resolve_names(dns, endpoint_set(P2P))
    flow = contact(
        "flow", remote="47.91.1.2", port="8800/udp", place="packet 2", count=5, bytes_out=700, bytes_in=300
    )
    found = facts([flow], endpoint_set(P2P), resolved=resolved)
    assert [(f.endpoint, f.count, f.bytes_out, f.bytes_in) for f in found] == [
        ("www.easy4ipcloud.com", 5, 700, 300)
    ]
    # the flow's place and the DNS answer's place are both evidence
    assert [e.place for e in found[0].evidence] == ["packet 2", "packet 1"]


def test_a_dns_answer_for_another_name_joins_nothing() -> None:
    resolved = resolve_names([("cdn.example", "47.91.1.2", ())], endpoint_set(P2P))
    assert resolved == {}
    assert facts([contact("flow", remote="47.91.1.2")], endpoint_set(P2P), resolved=resolved) == []


def test_a_dns_contact_is_not_traffic_to_the_address_it_got() -> None:
    resolved = resolve_names([("www.easy4ipcloud.com", "47.91.1.2", ())], endpoint_set(P2P))
    # another name's DNS answer with the same address must not count as reaching the endpoint
    found = facts(
        [contact("dns", remote="47.91.1.2", name="cdn.example")], endpoint_set(P2P), resolved=resolved
    )
    assert found == []


def test_an_address_endpoint_is_reached_by_a_flow() -> None:
    block = endpoint(network="203.0.113.0/24", owner="Example Cloud", owner_id=None, role="cloud API")
    found = facts([contact("flow", remote="203.0.113.7", port="443/tcp")], endpoint_set(block))
    assert [(f.endpoint, f.owner, f.role) for f in found] == [
        ("203.0.113.7", "Example Cloud", "cloud API (device-side)")
    ]


def test_foreign_networks_without_home_country_are_the_watch_countries_only() -> None:
    contacts = [
        contact("flow", remote="223.5.5.5", port="443/tcp", bytes_out=10),
        contact("flow", remote="1.0.16.1", port="443/tcp"),
        contact("flow", remote="10.0.0.1", port="443/tcp"),
    ]
    found = facts(contacts, watch_countries=frozenset({"CN"}))
    assert [(f.endpoint, f.country, f.asn, f.role) for f in found] == [
        ("223.5.5.5", "CN", "AS45102", "foreign network")
    ]
    assert found[0].owner == "Hangzhou Alibaba Advertising Co.,Ltd."
    assert found[0].confidence == ph.FOREIGN_CONFIDENCE


def test_foreign_networks_with_a_home_country_are_every_other_country() -> None:
    contacts = [
        contact("flow", remote="223.5.5.5"),
        contact("flow", remote="1.0.16.1"),
        contact("flow", remote="8.8.8.8"),
        contact("dns", remote="5.5.5.5", name="cdn.example"),  # an answer is not traffic
    ]
    found = facts(contacts, home_country="us", watch_countries=frozenset({"CN"}))
    assert sorted(f.country for f in found) == ["CN", "JP"]


def test_watch_countries_of_the_endpoints_file_count_too() -> None:
    endpoints = endpoint_set(P2P, watch=frozenset({"DE"}))
    found = facts([contact("flow", remote="5.5.5.5")], endpoints)
    assert [f.country for f in found] == ["DE"]


def test_a_vendor_endpoint_is_not_reported_again_as_a_foreign_network() -> None:
    found = facts(
        [contact("tls", remote="223.5.5.5", name="www.easy4ipcloud.com")],
        watch_countries=frozenset({"CN"}),
    )
    assert [(f.role, f.country) for f in found] == [("P2P (device-side)", "CN")]


def test_evidence_is_bounded_and_says_how_much_was_left_out() -> None:
    contacts = [contact("tls", name="www.easy4ipcloud.com", place=f"packet {i}") for i in range(55)]
    (fact,) = facts(contacts)
    assert fact.count == 55
    assert len(fact.evidence) == ph.MAX_EVIDENCE + 1
    assert fact.evidence[-1] == Provenance(ph.MORE_FILE, "35 more not kept")


def test_many_foreign_addresses_are_summed_per_country_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ph, "MAX_FOREIGN", 2)
    geo = {f"100.{i}.0.1": ("CN", 4134, "CHINANET") for i in range(5)}
    contacts = [contact("flow", remote=a, bytes_out=100 - i) for i, a in enumerate(geo)]
    found = device_phone_home(
        "dev", group_contacts(contacts), endpoint_set(), geo.__getitem__, watch_countries=frozenset({"CN"})
    )
    assert [f.endpoint for f in found] == ["100.0.0.1", "100.1.0.1", "3 more addresses in CN"]
    assert found[-1].bytes_out == 98 + 97 + 96


def test_group_contacts_sums_by_kind_name_remote_port() -> None:
    groups = group_contacts(
        [
            contact(
                "flow",
                remote="47.91.1.2",
                port="8800/udp",
                count=2,
                bytes_out=5,
                first_seen="2026-01-02T00:00:00Z",
            ),
            contact(
                "flow",
                remote="47.91.1.2",
                port="8800/udp",
                count=3,
                bytes_in=7,
                first_seen="2026-01-01T00:00:00Z",
            ),
            contact("flow", remote="47.91.1.2", port="443/tcp"),
        ]
    )
    summed = next(g for g in groups if g.port == "8800/udp")
    assert (summed.count, summed.bytes_out, summed.bytes_in, summed.first_seen) == (
        5,
        5,
        7,
        "2026-01-01T00:00:00Z",
    )
    assert len(groups) == 2


def test_negative_or_garbage_counts_do_not_subtract() -> None:
    (group,) = group_contacts([contact("flow", remote="8.8.8.8", count=-5, bytes_out=-1)])
    assert (group.count, group.bytes_out) == (0, 0)


def test_the_subject_is_not_part_of_matching() -> None:
    assert CAMERA.address == "10.0.0.9"  # the builders' device; phone-home is per device already
