"""`custodiet scan` against every emulated device on loopback, with decoys and misbehaving hosts.

One scan of a /24 (127.N.40.0/24) runs once for the module: the 18 device profiles on .20-.37,
baits on .100-.130, an excluded address (.50) with decoy listeners on every port, and decoys
outside the scope (127.N.41.5) that redirects, SSDP LOCATIONs and WS-Discovery XAddrs point to.
A decoy that records any contact fails the scope tests.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
import pytest
from tests.emulators.network import start_network, worker_index
from tests.emulators.profiles import load_profiles
from tests.emulators.scanbait import Bait, http_reply

from custodiet.model.probe import HEADER_KEY, ProbeRecord
from custodiet.pipeline.context import load_context
from custodiet.pipeline.scan import ScanRequest, scan
from custodiet.scan.engine import ScanPlan
from custodiet.scan.probes import DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS
from custodiet.scan.scope import Scope
from custodiet.scan.wire import MAX_REPLY
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.registry import READERS
from custodiet.store import Store

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="emulators need ports below 1024 (root)")

NET = f"127.{worker_index()}.40."
OUTSIDE = f"127.{worker_index()}.41.5"
EXCLUDED = NET + "50"
TIMEOUT = 2.0  # generous: the devices share this process and a busy 2-core machine
DECOY_TCP = sorted({*DEFAULT_TCP_PORTS, 161})
DECOY_UDP = [*DEFAULT_UDP_PORTS, 161, 37020]

# The covered devices among the profiles and the maker each must be identified as.
COVERED = {p.name: p for p in load_profiles() if p.covered}


class Scanned:
    """What the module's one scan produced."""

    def __init__(self, tmp: Path, bait: Bait, net) -> None:  # type: ignore[no-untyped-def]
        self.bait = bait
        self.net = net
        self.replies = tmp / "replies.jsonl"
        self.db = tmp / "inventory.sqlite"
        plan = ScanPlan(
            scope=Scope.parse([NET + "0/24"], [EXCLUDED]),
            timeout=TIMEOUT,
            rate=2000,
        )
        started = time.monotonic()
        self.result = scan(ScanRequest(plan=plan, db=self.db, replies=self.replies), load_context())
        self.seconds = time.monotonic() - started
        with Store(self.db) as store:
            self.report = store.load_run(self.result.audit.run_id)
        self.records = [
            ProbeRecord.from_json(r)
            for r in map(orjson.loads, self.replies.read_bytes().splitlines())
            if "target" in r
        ]

    def device(self, address: str):  # type: ignore[no-untyped-def]
        return next((d for d in self.report.devices if address in d.addresses), None)

    def of(self, address: str, port: int | None = None, protocol: str | None = None) -> list[ProbeRecord]:
        return [
            r
            for r in self.records
            if r.target == address
            and (port is None or r.port == port)
            and (protocol is None or r.protocol == protocol)
        ]


def _baits(bait: Bait) -> None:
    # Scope guard: an excluded address inside the scope and an address outside it, both decoys.
    bait.decoy(EXCLUDED, DECOY_TCP, DECOY_UDP)
    bait.decoy(OUTSIDE, DECOY_TCP, DECOY_UDP)
    # Redirects: one within scope (followed), three out of it (never followed).
    bait.redirector(NET + "100", 80, {"/": "/landing"})
    bait.redirector(NET + "101", 80, {"/": f"http://{OUTSIDE}/stolen"})
    bait.redirector(NET + "102", 80, {"/": f"http://{EXCLUDED}:8080/"})
    bait.redirector(NET + "103", 80, {"/": "http://localhost/"})
    # Discovery answers pointing out of scope.
    ssdp_out = (
        "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
        f"LOCATION: http://{OUTSIDE}:80/desc.xml\r\nSERVER: bait/1.0 UPnP/1.0 bait/1.0\r\n"
        "ST: upnp:rootdevice\r\nUSN: uuid:bait::upnp:rootdevice\r\n\r\n"
    ).encode()
    bait.udp_answer(NET + "110", 1900, lambda data: ssdp_out if data.startswith(b"M-SEARCH") else None)
    wsd_out = (
        '<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Body><d:ProbeMatches><d:ProbeMatch>'
        "<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/name/bait</d:Scopes>"
        f"<d:XAddrs>http://{OUTSIDE}/onvif/device_service http://{EXCLUDED}/onvif/device_service</d:XAddrs>"
        "</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
    ).encode()
    bait.udp_answer(NET + "110", 3702, lambda data: wsd_out if b"Probe" in data else None)
    # Slowloris: a head that never ends, a greeting that never ends.
    bait.slowloris(NET + "120", 80, b"HTTP/1.1 200 OK\r\nServer: slow\r\n")
    bait.slowloris(NET + "120", 22, b"SSH-2.0-")
    # Huge replies: a 200 MB body, an endless RTSP header.
    bait.flood(NET + "121", 80, b"HTTP/1.1 200 OK\r\nContent-Length: 209715200\r\n\r\n", 200 << 20)
    bait.flood(NET + "121", 554, b"RTSP/1.0 200 OK\r\nServer: ", 50 << 20)
    # Malformed replies.
    bait.recorder(NET + "122", 80, b"\x00\xff\xfe garbage without a status line\r\n\r\n\xc3\x28")
    bait.speaks_first(NET + "122", 23, b"\xff\xfb\x01" * 2000)
    bait.speaks_first(NET + "122", 21, b"220 \xff\xfe\xc3\x28 ftp\r\n")
    bait.recorder(NET + "122", 554, b"RTSP/1.0 200 OK\r\nthis line has no colon\r\nCSeq 1\r\n\r\n")
    bait.recorder(
        NET + "122", 8080, http_reply("200 OK", [("Transfer-Encoding", "chunked")], b"zz\r\nnot hex\r\n")
    )
    bait.udp_answer(NET + "123", 3702, lambda data: b"<d:ProbeMatch><<<not xml")
    bait.udp_answer(NET + "123", 5060, lambda data: b"\x00\x01garbage")
    bait.udp_answer(NET + "123", 5353, lambda data: b"\x00\x00\x84\x00\x00\x00\x00\x05\x00\x00")
    # SNMP: in scope, but no community was given: it must never get a datagram.
    bait.decoy(NET + "130", [], [161])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with Bait() as bait:
        _baits(bait)
        with start_network(base=NET, first=20, port_offset=0) as net:
            yield Scanned(tmp_path_factory.mktemp("scan"), bait, net)


# --------------------------------------------------------------------------- scope


def test_no_decoy_was_contacted(scanned: Scanned) -> None:
    assert scanned.bait.contacts == []
    assert not any(r.target in (EXCLUDED, OUTSIDE) for r in scanned.records)


def test_out_of_scope_destinations_were_refused_and_counted(scanned: Scanned) -> None:
    summary = scanned.result.summary
    # 101 (outside), 102 (excluded), 103 (localhost = 127.0.0.1, outside), the SSDP LOCATION and
    # the two XAddrs of .110
    assert summary.refused >= 6, summary.refused_examples
    refused = " ".join(summary.refused_examples)
    assert OUTSIDE in refused and EXCLUDED in refused and "127.0.0.1" in refused


def test_a_redirect_within_scope_is_followed(scanned: Scanned) -> None:
    urls = [r.url for r in scanned.of(NET + "100", 80, "http")]
    assert "/" in urls and "/landing" in urls
    landing = next(r for r in scanned.of(NET + "100", 80, "http") if r.url == "/landing")
    assert b"bait landing /landing" in landing.reply


def test_snmp_is_never_sent_without_credentials(scanned: Scanned) -> None:
    assert not [r for r in scanned.records if r.protocol == "snmp"]
    assert not any(c.address == NET + "130" for c in scanned.bait.contacts)


def test_no_credentials_video_or_state_changing_requests(scanned: Scanned) -> None:
    requests = b"\n".join(r.request for r in scanned.records)
    for word in (
        b"Authorization:",
        b"SETUP ",
        b"PLAY ",
        b"/Streaming/",
        b"snapshot",
        b"picture",
        b"PUT ",
        b"DELETE ",
    ):
        assert word not in requests
    methods = {r.request.split(b" ", 1)[0] for r in scanned.records if r.request}
    assert methods <= {b"GET", b"POST", b"OPTIONS", b"DESCRIBE", b"M-SEARCH"} | {
        r.request.split(b" ", 1)[0] for r in scanned.records if r.protocol in ("wsd", "mdns", "snmp")
    }
    posts = {r.url for r in scanned.records if r.request.startswith(b"POST")}
    assert posts <= {"/onvif/device_service", "/axis-cgi/basicdeviceinfo.cgi"}


# --------------------------------------------------------------------------- misbehaving devices


def test_slowloris_replies_are_cut_at_the_deadline(scanned: Scanned) -> None:
    deadline = max(3 * TIMEOUT, TIMEOUT + 2.0)
    (slow_http,) = scanned.of(NET + "120", 80, "http")  # after one dribbled answer, nothing more is asked
    assert slow_http.error == "deadline"
    assert slow_http.reply.startswith(b"HTTP/1.1 200 OK\r\nServer: slow\r\nx")
    assert deadline - 0.5 <= slow_http.elapsed <= deadline + 1.0
    slow_ssh = scanned.of(NET + "120", 22)
    assert [r.error for r in slow_ssh if r.protocol == "ssh"] == ["deadline"]


def test_huge_replies_are_truncated(scanned: Scanned) -> None:
    http = scanned.of(NET + "121", 80, "http")[0]
    assert http.error == "truncated" and len(http.reply) == MAX_REPLY
    rtsp = scanned.of(NET + "121", 554, "rtsp")[0]
    assert rtsp.error == "truncated" and len(rtsp.reply) == MAX_REPLY


def test_malformed_replies_are_kept_raw_and_do_not_stop_the_scan(scanned: Scanned) -> None:
    http = scanned.of(NET + "122", 80, "http")[0]
    assert http.reply.startswith(b"\x00\xff\xfe garbage")
    telnet = scanned.of(NET + "122", 23)
    assert any(r.reply.startswith(b"\xff\xfb\x01") for r in telnet)
    ftp = scanned.of(NET + "122", 21, "ftp")[0]
    assert ftp.reply == b"220 \xff\xfe\xc3\x28 ftp\r\n"
    assert scanned.of(NET + "123", 3702, "wsd")[0].reply == b"<d:ProbeMatch><<<not xml"
    # The malformed hosts are still devices of the run, and the hosts after them were scanned.
    assert scanned.device(NET + "122") is not None
    assert scanned.result.summary.hosts_done == 255


def test_the_replies_file_round_trips_bytes_exactly(scanned: Scanned) -> None:
    lines = scanned.replies.read_bytes().splitlines()
    assert orjson.loads(lines[0])[HEADER_KEY] == 1
    assert orjson.loads(lines[-1])["custodiet_scan_end"]["interrupted"] is False
    binary = [orjson.loads(x) for x in lines if b'"reply_b64"' in x]
    assert binary, "binary replies are stored as base64"
    again = ProbeRecord.from_json(binary[0])
    assert ProbeRecord.from_json(again.to_json()) == again


# --------------------------------------------------------------------------- identification


def test_covered_devices_identified_and_nothing_else_covered(scanned: Scanned) -> None:
    by_address = {d.address: d for d in scanned.net.devices}
    identified = {}
    for dev in scanned.net.devices:
        found = scanned.device(dev.address)
        assert found is not None, dev.name
        if found.covered:
            identified[dev.name] = found.identity.manufacturer
    false_covered = [
        d.addresses
        for d in scanned.report.devices
        if d.covered and (d.addresses[0] not in by_address or not by_address[d.addresses[0]].profile.covered)
    ]
    assert false_covered == []
    # EZVIZ's identity on its open ports is its certificate alone ("CN=EZVIZ Device").
    expected = set(COVERED)
    assert expected <= set(identified), sorted(expected - set(identified))
    makers = {"Lorex": "Dahua", "EZVIZ": "Hikvision"}  # an OEM relabel, an own brand: the maker is named
    for name in expected:
        vendor = COVERED[name].vendor
        assert identified[name] in (vendor, makers.get(vendor)), (name, identified[name])


def test_observations_of_every_probe_kind(scanned: Scanned) -> None:
    stats = ReadStats()
    observed: dict[str, set[str]] = {}
    for obs in READERS["scan-replies"](scanned.replies, "replies.jsonl", stats, SourceOptions()):
        observed.setdefault(obs.subject.address, set()).add(obs.field)
    hik = scanned.net.device("hikvision-ipc").address
    assert {"http.server", "http.headers", "http.title", "http.www_authenticate", "http.body",
            "rtsp.response", "onvif.device_information", "upnp.server", "upnp.description",
            "wsd.scopes", "port"} <= observed[hik]  # fmt: skip
    assert {"tls.subject", "tls.issuer"} <= observed[scanned.net.device("ezviz-camera").address]
    assert "ssh.banner" in observed[scanned.net.device("huawei-switch").address]
    assert "telnet.banner" in observed[scanned.net.device("zte-ont").address]
    linux = observed[scanned.net.device("linux-server").address]
    assert {"ftp.banner", "ssh.banner"} <= linux and ({"sip.server", "sip.user_agent"} & linux)
