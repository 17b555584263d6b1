"""The BER codec, profile loading and network planning, without sockets."""

from __future__ import annotations

import pytest

from . import ber
from .network import plan, start_network, worker_index
from .profiles import KINDS, ProfileError, load_profiles, parse_profile


def test_ber_known_encodings() -> None:
    # X.690 examples and SNMP staples
    assert ber.enc_int(0) == b"\x02\x01\x00"
    assert ber.enc_int(127) == b"\x02\x01\x7f"
    assert ber.enc_int(128) == b"\x02\x02\x00\x80"
    assert ber.enc_int(-1) == b"\x02\x01\xff"
    assert ber.enc_oid("1.3.6.1.2.1.1.1.0") == b"\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00"
    assert (
        ber.enc_oid(".1.3.6.1.4.1.2011.2.23.398") == b"\x06\x0b\x2b\x06\x01\x04\x01\x8f\x5b\x02\x17\x83\x0e"
    )
    assert ber.tlv(ber.OCTET_STRING, b"x" * 200)[:3] == b"\x04\x81\xc8"
    assert ber.enc_unsigned(0x80, ber.TIMETICKS) == b"\x43\x02\x00\x80"


@pytest.mark.parametrize(
    "oid", ["1.3.6.1.2.1.1.2.0", "1.3.6.1.4.1.1004849.3.2.10", "2.25.340282366920938463", "0.0"]
)
def test_ber_oid_roundtrip(oid: str) -> None:
    item, end = ber.decode_one(ber.enc_oid(oid))
    assert ber.dec_oid(item) == oid and end == len(ber.enc_oid(oid))


def test_snmp_message_roundtrip() -> None:
    raw = ber.encode_snmp(1, b"public", ber.GET_NEXT_REQUEST, 77, [("1.3.6.1.2.1.1", ber.enc_null())])
    msg = ber.decode_snmp(raw)
    assert (msg.version, msg.community, msg.pdu_type, msg.request_id) == (
        1,
        b"public",
        ber.GET_NEXT_REQUEST,
        77,
    )
    assert msg.varbinds[0][0] == "1.3.6.1.2.1.1" and msg.varbinds[0][1].tag == ber.NULL


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x30",
        b"\x30\x05\x02\x01\x01",
        b"\x30\x84\xff\xff\xff\xff",
        b"\x04\x03abc",
        ber.encode_snmp(3, b"x", ber.GET_REQUEST, 1, []),
    ],
)
def test_ber_rejects_malformed(raw: bytes) -> None:
    with pytest.raises(ber.BerError):
        ber.decode_snmp(raw)


def test_oid_order_is_numeric() -> None:
    oids = ["1.3.6.1.2.1.1.10.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.1.0"]
    assert sorted(oids, key=ber.oid_key) == ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.10.0"]


def test_profiles_cover_the_sample_network() -> None:
    profiles = load_profiles()
    vendors = {p.vendor for p in profiles}
    for vendor in (
        "Hikvision",
        "EZVIZ",
        "Dahua",
        "Lorex",
        "Huawei",
        "ZTE",
        "Axis",
        "Cisco",
        "HP",
        "Synology",
        "Ubiquiti",
        "MikroTik",
        "Xiongmai",
        "Debian",
    ):
        assert vendor in vendors, vendor
    kinds = {s.kind for p in profiles for s in p.services}
    assert kinds == set(KINDS)
    for prof in profiles:
        assert prof.model and prof.sources, prof.name
        for svc in prof.services:
            cited = svc.spec.get("source") or all(
                "source" in r for r in svc.spec.get("routes", []) + list(svc.spec.get("replies", {}).values())
            )
            assert cited, f"{prof.name}.{svc.name} has no source"
            for key in _source_refs(svc.spec):
                assert key in prof.sources, f"{prof.name}.{svc.name}: unknown source id {key!r}"


def _source_refs(obj: object) -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "source":
                out.append(str(value))
            else:
                out.extend(_source_refs(value))
    elif isinstance(obj, list):
        for value in obj:
            out.extend(_source_refs(value))
    return out


def test_profile_errors_are_reported() -> None:
    with pytest.raises(ProfileError, match="unknown kind"):
        parse_profile(
            {"name": "x", "vendor": "v", "model": "m", "services": {"a": {"kind": "gopher", "port": 70}}}
        )
    with pytest.raises(ProfileError, match="no source"):
        parse_profile(
            {
                "name": "x",
                "vendor": "v",
                "model": "m",
                "services": {"a": {"kind": "banner", "port": 21, "banner": "220 hi"}},
            }
        )


def test_plan_offsets_and_loopback_only() -> None:
    profiles = load_profiles()[:2]
    devices = plan(profiles, base="127.0.9.", first=5, port_offset=10000)
    assert [d.address for d in devices] == ["127.0.9.5", "127.0.9.6"]
    assert devices[0].ports["http"] == 10080 and devices[0].ports["rtsp"] == 10554
    assert devices[0].protocols["wsd"] == "udp"
    with pytest.raises(ValueError, match="loopback"):
        plan(profiles, base="10.0.0.", first=1)
    with pytest.raises(ValueError, match="out of range"):
        plan(profiles, port_offset=65000)


def test_port_offset_really_shifts_listeners() -> None:
    from .client import http, snmp_get

    with start_network(
        ["hikvision-nvr", "huawei-switch"], base=f"127.{worker_index()}.4.", first=1, port_offset=20000
    ) as net:
        nvr, sw = net.devices
        assert nvr.port("http") == 20080
        status, headers, _ = http(nvr.address, 20080, "GET", "/")
        assert status == b"HTTP/1.1 200 OK" and headers[b"server"] == [b"DNVRS-Webs"]
        msg = snmp_get(sw.address, 20161, ["1.3.6.1.2.1.1.2.0"])
        assert msg is not None and ber.dec_oid(msg.varbinds[0][1]) == "1.3.6.1.4.1.2011.2.23.398"
