"""A host's identity and its supporting services: a census fuses all the evidence of a host's
services, and counts as the identity's services only the ports whose own evidence names the
identified maker (a generic SSH server or another maker's answer on the same address is a
service of the host, not of its identified maker)."""

from __future__ import annotations

from pathlib import Path

import orjson

from .banners import EXTRA, GENERIC
from .conftest import run_census

HIK_HTTP = EXTRA[0][3] + "\r\n\r\n"
HIK_HTTP_404 = EXTRA[1][3] + "\r\n\r\n"
DAHUA_RTSP = EXTRA[2][3] + "\r\n\r\n"
NGINX = GENERIC[0][1] + "\r\n\r\n"


def record(address: str, port: int, module: str, data: str) -> dict:
    return {
        "ip_str": address,
        "port": port,
        "_shodan": {"module": module},
        "data": data,
        "location": {"country_code": "BR"},
    }


SERVICES = [
    (80, "http", HIK_HTTP),
    (8080, "http", HIK_HTTP_404),
    (554, "rtsp", DAHUA_RTSP),
    (443, "https", NGINX),
]


def census_of(context, records: list[dict], out: Path) -> list[dict]:  # type: ignore[no-untyped-def]
    out.mkdir(parents=True)
    path = out / "records.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    _, _, hosts = run_census(context, [path], out / "census")
    return hosts


def test_only_the_ports_naming_the_identified_maker_count_as_its_services(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Each service alone, on an address of its own: which maker does its own evidence name?
    alone = census_of(
        context,
        [record(f"198.51.100.{i}", p, m, d) for i, (p, m, d) in enumerate(SERVICES, 1)],
        tmp_path / "a",
    )
    named = {h["address"]: h["manufacturer"] for h in alone}
    makers = [named.get(f"198.51.100.{i}") for i in range(1, len(SERVICES) + 1)]
    assert makers[:2] == ["Hikvision", "Hikvision"] and makers[3] is None
    # All four on one address, with a Hikvision host of one service beside it, and one that
    # shows the same reply on two ports.
    together = census_of(
        context,
        [record("203.0.113.9", p, m, d) for p, m, d in SERVICES]
        + [record("203.0.113.10", 80, "http", HIK_HTTP)]
        + [
            record("203.0.113.11", port, "http", HIK_HTTP_404) for port in (80, 8080)
        ],  # one answer, two ports
        tmp_path / "b",
    )
    by_address = {h["address"]: h for h in together}
    host = by_address["203.0.113.9"]
    assert host["manufacturer"] == "Hikvision"
    assert host["services"] == sum(1 for maker in makers if maker == "Hikvision") == 2
    assert by_address["203.0.113.10"]["services"] == 1
    assert (by_address["203.0.113.11"]["manufacturer"], by_address["203.0.113.11"]["services"]) == (
        "Hikvision",
        2,
    )


def test_pieces_that_derive_alike_are_matched_once_for_all_their_hosts(
    context, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Banners that differ only beyond what their derivation reads (a body after the headers,
    an SSH host key after the banner line, a SIP reply's lines other than those of the fields
    derived from it) or only by their Date values (which the matcher does not read) are matched once, and every host showing one of them gets the answer."""
    from custodiet.census.evidence import Matcher
    from custodiet.identify.components import without_date_values

    seen: list[str] = []
    real = Matcher.items

    def items(self, kinds, raws):  # type: ignore[no-untyped-def]
        seen.extend(raws)
        return real(self, kinds, raws)

    monkeypatch.setattr(Matcher, "items", items)
    at = "Thu, 08 Apr 2021 22:15:21"
    assert at in HIK_HTTP
    records = [
        record(
            f"192.0.2.{i}",
            80,
            "http",
            f"{HIK_HTTP.replace(at, f'Fri, {i:02d} Apr 2021')}<html>page {i}</html>",
        )
        for i in range(1, 21)
    ]
    records += [
        record(f"192.0.2.{i}", 22, "ssh", f"SSH-2.0-OpenSSH_7.4\nKey type: ssh-rsa\nKey: AAAA{i:04d}")
        for i in range(1, 21)
    ]
    records += [  # a SIP reply echoes the scanner's branch and Call-ID: only its User-Agent is read
        record(
            f"192.0.2.{i}",
            5060,
            "sip",
            f"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bK{i}\r\n"
            f"Call-ID: {i}@198.51.100.7\r\nUser-Agent: Hytera SIP\r\n\r\n",
        )
        for i in range(1, 21)
    ]
    hosts = census_of(context, records, tmp_path / "alike")
    assert sorted(h["address"] for h in hosts if h["manufacturer"] == "Hikvision") == sorted(
        f"192.0.2.{i}" for i in range(1, 21)
    )
    assert sorted(seen) == sorted(
        ["SSH-2.0-OpenSSH_7.4", without_date_values(HIK_HTTP), "User-Agent: Hytera SIP\r"]
    )
