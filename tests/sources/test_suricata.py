"""The Suricata EVE reader: the real Suricata reading a capture of real loopback sessions (when
installed), the EVE variants (DNS v1/v2/v3, custom HTTP fields, time zones), bad lines and
--strict; and how captures are delegated to the capture package."""

from __future__ import annotations

import shutil
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model import Contact, Observation, Subject
from custodiet.sources import detect, registry, suricata_eve
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import SNIFFERS, detect_format
from custodiet.sources.registry import READERS

from . import log_sessions as ls
from .helpers import DATA

LOGS = DATA / "logs"

SURICATA_YAML = """%YAML 1.1
---
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - flow
        - dns
        - http:
            extended: yes
            dump-all-headers: both
        - tls:
            extended: yes
        - ssh
        - dhcp:
            extended: yes
        - anomaly
logging:
  outputs:
    - console:
        enabled: no
app-layer:
  protocols:
    http:
      enabled: yes
    tls:
      enabled: yes
      detection-ports:
        dp: 443, 8443
    dns:
      tcp:
        enabled: yes
      udp:
        enabled: yes
    ssh:
      enabled: yes
    dhcp:
      enabled: yes
"""


def read_all(path: Path, options: SourceOptions | None = None, label: str | None = None):  # type: ignore[no-untyped-def]
    stats = ReadStats()
    items = list(suricata_eve.read(path, label or path.name, stats, options or SourceOptions()))
    observations = [i for i in items if isinstance(i, Observation)]
    contacts = [i for i in items if isinstance(i, Contact)]
    assert stats.observations == len(observations) and stats.contacts == len(contacts)
    return observations, contacts, stats


def seconds(iso: str | None) -> float:
    assert iso is not None and iso.endswith("Z")
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


@pytest.mark.slow
def test_real_suricata_on_a_capture_of_real_sessions(tmp_path: Path) -> None:
    if shutil.which("suricata") is None:
        pytest.skip("suricata is not installed (Debian: bookworm-backports or trixie)")
    if not ls.Capture.available() or shutil.which("openssl") is None:
        pytest.skip("needs tcpdump and openssl, as root")
    server, client = ls.random_pair()
    pcap = tmp_path / "sessions.pcap"
    with ls.Capture(pcap, server.rsplit(".", 1)[0] + ".0/24"):
        sessions = ls.run_sessions(tmp_path, server, client)
    config = tmp_path / "suricata.yaml"
    config.write_text(SURICATA_YAML)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [
            "suricata",
            "-r",
            str(pcap),
            "-l",
            str(out),
            "-c",
            str(config),
            "-k",
            "none",
            "-S",
            "/dev/null",
            "--runmode",
            "single",
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    eve = out / "eve.json"
    assert detect_format(eve, "eve.json") == "suricata-eve"
    observations, contacts, stats = read_all(eve)
    assert not {k: v for k, v in stats.skipped.items() if "not read" not in k}

    def texts(field: str, address: str) -> set[str]:
        return {o.text for o in observations if o.field == field and o.subject.address == address}

    # HTTP: the server's headers, the client's Host as a contact
    assert texts("http.server", server) == {ls.SERVER_HEADER}
    assert texts("http.www_authenticate", server) == {ls.WWW_AUTHENTICATE}
    assert any(f"Server: {ls.SERVER_HEADER}" in t for t in texts("http.headers", server))
    named = {(c.kind, c.name): c for c in contacts if c.kind != "flow"}
    http = named[("http", "cam.example.test")]
    assert (http.subject, http.remote, http.port) == (Subject(client), server, "8080/tcp")
    if suricata_eve.USER_AGENT:
        assert texts(suricata_eve.USER_AGENT, client) == {ls.USER_AGENT}
    # TLS: the certificate's names in Suricata's spelling, the SNI as a contact
    expected = ", ".join(f"{k}={v}" for k, v in ls.TLS_SUBJECT)
    assert texts("tls.subject", server) == {expected} == texts("tls.issuer", server)
    tls = named[("tls", "cloud.vendor.example.test")]
    assert (tls.subject, tls.remote, tls.port) == (Subject(client), server, "8443/tcp")
    # flows: bytes as Suricata counts them (whole packets), so at least the payloads
    flows = {c.port: c for c in contacts if c.kind == "flow"}
    for port, service in (("8080/tcp", "http"), ("8443/tcp", "ssl")):
        conn = sessions.conns[service]
        flow = flows[port]
        assert (flow.subject, flow.remote, flow.count) == (Subject(client), server, 1)
        assert flow.bytes_out > conn.orig_bytes and flow.bytes_in > conn.resp_bytes
        assert abs(seconds(flow.first_seen) - conn.start) < 2 and seconds(flow.last_seen) >= seconds(
            flow.first_seen
        )
    if not ls.privileged():
        return
    # DNS: the query and its answer
    assert ("dns", ls.DNS_NAME) in named
    assert {c.remote for c in contacts if c.kind == "dns"} == {None, ls.DNS_ANSWER}
    # SSH: both identification lines (Suricata keeps the software part, without comments)
    assert texts("ssh.banner", server) == {ls.SSH_SERVER}
    assert texts("ssh.banner", client) == {"SSH-2.0-OpenSSH_9.2p1"}
    # DHCP: the request's client facts (extended logging), the reply's address for the MAC
    mac = ls.DHCP_MAC.upper()
    dhcp = {(o.subject, o.field, o.text) for o in observations if o.subject.mac}
    assert (Subject(None, mac), "hostname", ls.DHCP_HOSTNAME) in dhcp
    assert (Subject(ls.DHCP_ADDRESS, mac), "mac", mac) in dhcp
    if any(f == "dhcp.vendor_class" for _, f, _ in dhcp):  # Suricata 7+
        assert (Subject(None, mac), "dhcp.vendor_class", ls.DHCP_VENDOR) in dhcp


def test_eve_formats() -> None:
    observations, contacts, stats = read_all(LOGS / "eve_formats.json")
    assert stats.records == 13
    assert stats.skipped == {
        "alert event (not read)": 1,
        "anomaly event (counted, not read)": 1,
        "stats event (not read)": 1,
        "other event type (not read)": 1,
        "malformed JSON": 1,
        "not a JSON object": 1,
        "no event_type": 1,
        "flow event without its 'flow' object": 1,
        "bad address": 1,
    }
    client = Subject("192.168.10.20")
    dns = sorted((c.name, c.remote or "") for c in contacts if c.kind == "dns")
    assert dns == [
        ("grouped.vendor.example", "198.51.100.22"),
        ("grouped.vendor.example", "198.51.100.23"),
        ("old.vendor.example", ""),  # the query event
        ("old.vendor.example", "198.51.100.21"),  # v1 answer logged server -> client
        ("v3.vendor.example", "2001:db8::23"),
    ]
    assert {c.subject for c in contacts if c.kind == "dns"} == {client}
    http = [c for c in contacts if c.kind == "http"]
    assert [(c.subject, c.name, c.remote, c.port) for c in http] == [
        (client, None, "192.168.10.30", "80/tcp")
    ]
    got = {(o.field, o.text, o.port) for o in observations if o.subject.address == "192.168.10.30"}
    assert got == {
        ("http.server", "uc-httpd 1.0.0", "80/tcp"),
        ("http.www_authenticate", 'Basic realm="DVR"', "80/tcp"),
        ("http.cookie", "DhWebClientSessionID=1", "80/tcp"),
        ("tls.subject", "CN=192.168.1.108, C=CN, ST=ZHEJIANG, L=HANGZHOU, O=DAHUA, OU=DAHUATECH", "443/tcp"),
        ("tls.issuer", "CN=Product Root CA, C=CN, ST=ZheJiang, L=HangZhou, O=DahuaTech", "443/tcp"),
    }
    flows = {(c.subject.address, c.remote, c.port): c for c in contacts if c.kind == "flow"}
    out = flows[("192.168.10.20", "203.0.113.50", "443/tcp")]
    assert (out.count, out.bytes_out, out.bytes_in) == (3, 111, 1022)
    # three time zones in one file: first and last in real time
    assert (out.first_seen, out.last_seen) == ("2024-05-01T12:00:05.000000Z", "2024-05-01T12:00:31.000000Z")
    assert out.provenance.place == "line 15"
    inbound = flows[("192.168.10.30", "203.0.113.60", "8000/tcp")]
    assert (inbound.bytes_out, inbound.bytes_in) == (70, 7)


def test_strict_and_place() -> None:
    with pytest.raises(InputError) as caught:
        read_all(LOGS / "eve_formats.json", SourceOptions(strict=True), label="logs/eve.json")
    assert (caught.value.file, caught.value.place) == ("logs/eve.json", "line 11")
    assert "malformed JSON" in caught.value.message


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2024-05-01T12:34:56.789012+0000", 1714566896.789012),
        ("2024-05-01T14:34:56.789012+0200", 1714566896.789012),
        ("2024-05-01T07:34:56.789012-0500", 1714566896.789012),
        ("2024-05-01T12:34:56+0000", 1714566896.0),
        ("2024-05-01T12:34:56.789012", 1714566896.789012),  # no zone: UTC
        ("not a time", None),
        (None, None),
    ],
)
def test_eve_time(stamp: str | None, expected: float | None) -> None:
    got = suricata_eve.eve_time(stamp)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_detection_and_gzip(tmp_path: Path) -> None:
    import gzip

    assert detect_format(LOGS / "eve_formats.json", "eve") == "suricata-eve"
    packed = tmp_path / "eve.json.1.gz"
    packed.write_bytes(gzip.compress((LOGS / "eve_formats.json").read_bytes()))
    assert detect_format(packed, "eve") == "suricata-eve"
    _, contacts, _ = read_all(packed)
    assert len(contacts) == 8
    # one huge first event (a stats event longer than the sniffed head) is still EVE
    huge = tmp_path / "big.json"
    huge.write_text('{"timestamp":"2024-05-01T12:00:00.000000+0000","event_type":"stats","stats":{"x":"'
                    + "y" * 100_000 + '"}}\n')  # fmt: skip
    assert detect_format(huge, "big.json") == "suricata-eve"


# --------------------------------------------------------------------------- registry and captures

FORMATS = {
    "nmap-xml", "csv", "pcap", "pcapng", "zeek", "suricata-eve", "masscan", "zgrab2", "shodan", "censys",
    "dhcpd-leases", "dnsmasq", "kea-leases", "scan-replies",
}  # fmt: skip


def test_every_format_has_a_reader_and_a_sniffer() -> None:
    assert set(READERS) == FORMATS
    names = [name for name, _ in SNIFFERS]
    assert set(names) == FORMATS
    assert names[-1] == "csv"  # the catch-all last
    assert names.index("kea-leases") < names.index("csv")  # Kea lease files are CSV too
    assert names.index("dnsmasq") < names.index("csv")  # syslog lines often hold a comma


def empty_pcap(path: Path) -> Path:
    """A libpcap file with its global header (v2.4, Ethernet) and no packet."""
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    return path


def test_captures_go_to_the_capture_package(tmp_path: Path) -> None:
    pytest.importorskip("custodiet.sources.pcap")
    path = empty_pcap(tmp_path / "empty.pcap")
    assert detect_format(path, "empty.pcap") == "pcap"
    stats = ReadStats()
    assert list(READERS["pcap"](path, "empty.pcap", stats, SourceOptions())) == []
    assert stats.observations == 0


def test_without_the_capture_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> str:
        return "No module named 'custodiet.sources.pcap'"

    monkeypatch.setattr(detect, "pcap_module", missing)
    monkeypatch.setattr(registry, "pcap_module", missing)
    path = empty_pcap(tmp_path / "empty.pcap")
    with pytest.raises(InputError, match="unknown format"):
        detect_format(path, "empty.pcap")
    with pytest.raises(InputError, match="capture reader is missing") as caught:
        list(READERS["pcapng"](path, "empty.pcap", ReadStats(), SourceOptions()))
    assert caught.value.file == "empty.pcap"
    assert detect_format(LOGS / "eve_formats.json", "eve") == "suricata-eve"  # the rest still works


def test_hostile_values_stay_out_of_memory(tmp_path: Path) -> None:
    """A megabyte-long address or name is a bad line, not a contact key kept until the end."""
    path = tmp_path / "eve.json"
    flow = ('{"timestamp":"2024-05-01T12:00:00.000000+0000","event_type":"flow","src_ip":"%s","dest_ip":"203.0.113.1",'
            '"dest_port":443,"proto":"TCP","flow":{"bytes_toserver":1,"bytes_toclient":1,'
            '"start":"2024-05-01T12:00:00.000000+0000","end":"2024-05-01T12:00:01.000000+0000"}}')  # fmt: skip
    tls = ('{"timestamp":"2024-05-01T12:00:00.000000+0000","event_type":"tls","src_ip":"10.0.0.1",'
           '"dest_ip":"203.0.113.1","dest_port":443,"proto":"TCP","tls":{"sni":"%s"}}')  # fmt: skip
    path.write_text("\n".join([flow % ("x" * 500_000), tls % ("a" * 500_000), flow % "10.0.0.1"]) + "\n")
    _, contacts, stats = read_all(path)
    assert stats.skipped == {"value too long": 2}
    assert [(c.kind, c.subject.address) for c in contacts] == [("flow", "10.0.0.1")]


def test_lists_and_objects_where_values_belong(tmp_path: Path) -> None:
    """Unhashable JSON values in ports and addresses are skipped lines, never a crash."""
    head = '{"timestamp":"2024-05-01T12:00:00.000000+0000","event_type":'
    path = tmp_path / "eve.json"
    path.write_text(
        head + '"dns","src_ip":"10.0.0.1","src_port":[5000],"dest_ip":"10.0.0.53","dest_port":53,'
        '"proto":"UDP","dns":{"type":"query","rrname":"a.example"}}\n'
        + head
        + '"http","src_ip":{"ip":"10.0.0.1"},"src_port":5000,"dest_ip":"203.0.113.1","dest_port":80,'
        '"proto":"TCP","http":{"hostname":"h.example","http_user_agent":"UA/1"}}\n'
        + head
        + '"http","src_ip":"10.0.0.1","src_port":5000,"dest_ip":"203.0.113.1","dest_port":[80],'
        '"proto":"TCP","http":{"hostname":"h.example","server":"srv/1"}}\n'
        + head
        + '"dhcp","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","dhcp":{"type":"reply",'
        '"client_mac":"00:11:22:aa:bb:cc","assigned_ip":["x"],"client_ip":"10.0.0.7"}}\n'
    )
    observations, contacts, stats = read_all(path)
    assert stats.skipped == {"malformed values": 2, "bad address": 1}
    assert [(c.kind, c.subject.address, c.name) for c in contacts] == [("dns", "10.0.0.1", "a.example")]
    assert [(o.subject, o.field, o.text, o.port) for o in observations] == [
        (Subject("203.0.113.1"), "http.server", "srv/1", None),
        (Subject("10.0.0.7", "00:11:22:AA:BB:CC"), "mac", "00:11:22:AA:BB:CC", None),
    ]
