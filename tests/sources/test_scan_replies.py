"""The replies-file source: records of each protocol to the same observations as a capture, bad
lines skipped with a reason (errors under --strict), format detection by the header record."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest

from custodiet.errors import InputError
from custodiet.model.probe import HEADER_KEY, ProbeRecord
from custodiet.sources.base import SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.registry import READERS
from custodiet.sources.scan_replies import read

from .helpers import run_reader, texts

HEADER = {HEADER_KEY: 1, "targets": ["192.0.2.0/24"]}
HTTP_REPLY = (
    b'HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nWWW-Authenticate: Digest realm="abc"\r\n'
    b"Content-Type: text/html\r\nContent-Length: 48\r\n\r\n<html><head><title>index</title></head></html>\r\n"
)
ONVIF_REPLY = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: 200\r\n\r\n"
    b"<env:Envelope><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>Hikvision</tds:Manufacturer>"
    b"<tds:Model>DS-2CD2386G2-IU</tds:Model></tds:GetDeviceInformationResponse></env:Body></env:Envelope>"
)


def record(**fields: object) -> dict:
    base = {"target": "192.0.2.5", "port": 80, "transport": "tcp", "protocol": "http", "request": "",
            "reply": "", "time": "2026-12-07T00:00:00Z"}  # fmt: skip
    base.update(fields)
    return base


def write(tmp_path: Path, records: list[object], header: bool = True) -> Path:
    path = tmp_path / "replies.jsonl"
    lines = [orjson.dumps(HEADER)] if header else []
    lines += [r if isinstance(r, bytes) else orjson.dumps(r) for r in records]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def as_record(protocol: str, reply: bytes, **extra: object) -> dict:
    return ProbeRecord(
        target="192.0.2.5", port=int(extra.pop("port", 80)), transport=str(extra.pop("transport", "tcp")),
        protocol=protocol, request=b"", reply=reply, time="t", **extra,  # type: ignore[arg-type]
    ).to_json()  # fmt: skip


def test_detected_by_its_header(tmp_path: Path) -> None:
    path = write(tmp_path, [record()])
    assert detect_format(path, "replies.jsonl") == "scan-replies"
    assert READERS["scan-replies"] is read
    no_header = write(tmp_path, [record()], header=False)
    with pytest.raises(InputError, match="unknown format"):
        detect_format(no_header, "x")  # records without the header: not claimed


def test_http_onvif_and_port_observations(tmp_path: Path) -> None:
    path = write(tmp_path, [as_record("connect", b""), as_record("http", HTTP_REPLY, url="/"),
                            as_record("http", ONVIF_REPLY, url="/onvif/device_service")])  # fmt: skip
    obs, stats = run_reader(read, path)
    assert stats.records == 3
    assert texts(obs, "http.server") == ["App-webs/"]
    assert texts(obs, "http.www_authenticate") == ['Digest realm="abc"']
    assert texts(obs, "http.title") == ["index"]
    assert texts(obs, "port") == ["80/tcp", "80/tcp http"]
    (onvif,) = texts(obs, "onvif.device_information")
    assert onvif.startswith("<env:Envelope>") and "<tds:Manufacturer>Hikvision</tds:Manufacturer>" in onvif
    assert obs[0].provenance.place == "line 2 connect"


def test_banners_rtsp_sip_tls_ssdp_wsd_snmp_mdns_sadp(tmp_path: Path) -> None:
    der_b64 = (
        "MIIBhTCCASugAwIBAgIUMeJqsLwS0nIl5DQMNoxuHTXhX2YwCgYIKoZIzj0EAwIwGDEWMBQGA1UEAwwNRVpWSVogRGV2aWNl"
    )
    wsd = (
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        b"<e:Body><d:ProbeMatches><d:ProbeMatch><d:Types>dn:NetworkVideoTransmitter</d:Types>"
        b"<d:Scopes>onvif://www.onvif.org/name/X</d:Scopes></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
    )
    snmp = bytes.fromhex(
        "302902010104067075626c6963a21c0201010201000201003011300f06082b060102010101000403616263"
    )
    sadp = b'<?xml version="1.0"?><ProbeMatch><DeviceDescription>DS-1</DeviceDescription><MAC>44-a6-42-00-00-01</MAC></ProbeMatch>'
    path = write(
        tmp_path,
        [
            as_record("ssh", b"SSH-2.0-HUAWEI-1.5\r\n", port=22),
            as_record("telnet", b"\xff\xfb\x01\xff\xfb\x03login: ", port=23),
            as_record("ftp", b"220 (vsFTPd 3.0.3)\r\n", port=21),
            as_record("rtsp", b"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\n\r\n", port=554),
            as_record("sip", b"SIP/2.0 200 OK\r\nUser-Agent: Asterisk PBX 20\r\n\r\n", port=5060, transport="udp"),
            as_record("ssdp", b"HTTP/1.1 200 OK\r\nSERVER: Linux UPnP/1.0 X/1\r\nLOCATION: http://192.0.2.5/d.xml\r\n\r\n",
                      port=1900, transport="udp"),
            as_record("wsd", wsd, port=3702, transport="udp"),
            as_record("snmp", snmp, port=161, transport="udp"),
            as_record("sadp", sadp, port=37020, transport="udp", via="multicast"),
            {**as_record("tls", b"", port=443), "cert_b64": der_b64},
        ],
    )  # fmt: skip
    obs, stats = run_reader(read, path)
    assert texts(obs, "ssh.banner") == ["SSH-2.0-HUAWEI-1.5"]
    assert texts(obs, "telnet.banner") == ["\\xff\\xfb\x01\\xff\\xfb\x03login:"]
    assert texts(obs, "ftp.banner") == ["220 (vsFTPd 3.0.3)"]
    assert texts(obs, "rtsp.server") == ["Rtsp Server/3.0"]
    assert texts(obs, "sip.user_agent") == ["Asterisk PBX 20"]
    assert texts(obs, "upnp.server") == ["Linux UPnP/1.0 X/1"]
    assert texts(obs, "upnp.description") == ["Location: http://192.0.2.5/d.xml"]
    assert texts(obs, "wsd.scopes") == ["dn:NetworkVideoTransmitter onvif://www.onvif.org/name/X"]
    assert texts(obs, "snmp.sysdescr") == ["abc"]
    assert texts(obs, "mac") == ["44:A6:42:00:00:01"]
    assert texts(obs, "device_search.reply")[0].startswith('<?xml version="1.0"?><ProbeMatch>')
    assert "37020/udp sadp" not in texts(obs, "port")  # multicast answers name no port
    assert stats.skipped["unreadable certificate"] == 1  # the certificate above is cut short


def test_bad_lines_are_skipped_with_a_reason_and_strict_stops(tmp_path: Path) -> None:
    path = write(tmp_path, [b"{not json", record(port=70000), record(target="not-an-ip"),
                            {**record(), "reply": None, "reply_b64": "!!!"}, b"[1]", record(),
                            as_record("wsd", b"<d:ProbeMatch><<<", port=3702, transport="udp"),
                            as_record("snmp", b"\x30\x99", port=161, transport="udp")])  # fmt: skip
    obs, stats = run_reader(read, path)
    # The good record carries no reply; the malformed answers still show their ports answered.
    assert [(o.field, o.text) for o in obs] == [("port", "3702/udp wsd"), ("port", "161/udp snmp")]
    assert stats.skipped == {
        "malformed JSON": 1, "bad probe record": 2, "bad address": 1, "not a JSON object": 1,
        "malformed WS-Discovery reply": 1, "malformed SNMP reply": 1,
    }  # fmt: skip
    assert stats.records == 3
    with pytest.raises(InputError, match="line 2"):
        run_reader(read, path, SourceOptions(strict=True))


def test_bytes_round_trip_and_v3_plaintext(tmp_path: Path) -> None:
    raw = bytes(range(256))
    rec = ProbeRecord("192.0.2.5", 161, "udp", "snmp", b"\x30\x00", raw, "t", decoded=b"\x30\x03\x04\x01a")
    data = rec.to_json()
    assert "reply_b64" in data and base64.b64decode(data["reply_b64"]) == raw
    assert ProbeRecord.from_json(orjson.loads(orjson.dumps(data))) == rec
    from custodiet.scan.snmp import integer, octets, oid, tlv

    varbind = tlv(0x30, oid("1.3.6.1.2.1.1.1.0") + octets(b"X"))
    pdu = tlv(0xA2, integer(1) + integer(0) + integer(0) + tlv(0x30, varbind))
    scoped = tlv(0x30, octets(b"\x80\x00\x1f\x88") + octets(b"") + pdu)
    path = write(tmp_path, [{**as_record("snmp", b"\x00", port=161, transport="udp"),
                             "decoded_b64": base64.b64encode(scoped).decode()}])  # fmt: skip
    obs, _ = run_reader(read, path)
    assert texts(obs, "snmp.sysdescr") == ["X"]
