"""The Zeek reader: logs written in Zeek's formats from real loopback sessions, format details
(escapes, sets, unset and empty fields, concatenated headers, JSON variants, gzip), the local
side of connections, bad lines and --strict."""

from __future__ import annotations

import gzip
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model import Contact, Observation, Subject
from custodiet.sources import logs, zeek
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.registry import READERS

from . import log_sessions as ls
from .helpers import DATA
from .zeek_writer import SCHEMAS, write_json, write_session_logs, write_tsv, zeek_rfc2253

LOGS = DATA / "logs"


def read_all(path: Path, options: SourceOptions | None = None, label: str | None = None):  # type: ignore[no-untyped-def]
    stats = ReadStats()
    items = list(zeek.read(path, label or path.name, stats, options or SourceOptions()))
    observations = [i for i in items if isinstance(i, Observation)]
    contacts = [i for i in items if isinstance(i, Contact)]
    assert stats.observations == len(observations) and stats.contacts == len(contacts)
    return observations, contacts, stats


def iso(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> ls.Sessions:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return ls.run_sessions(tmp_path_factory.mktemp("zeek-sessions"))


@pytest.mark.parametrize("mode", ["tsv", "json"])
def test_session_logs(sessions: ls.Sessions, tmp_path: Path, mode: str) -> None:
    files = write_session_logs(tmp_path / mode, sessions, mode)
    for path in files.values():
        assert detect_format(path, path.name) == "zeek"
    server, client = sessions.server, sessions.client

    # conn.log: one flow contact per connection, bytes as each side sent them
    _, flows, stats = read_all(files["conn"])
    assert stats.records == len(sessions.conns) - sessions.dhcp and not stats.skipped
    by_port = {c.port: c for c in flows}
    http = sessions.conns["http"]
    flow = by_port["8080/tcp"]
    assert (flow.kind, flow.subject, flow.remote) == ("flow", Subject(client), server)
    assert (flow.bytes_out, flow.bytes_in, flow.count) == (http.orig_bytes, http.resp_bytes, 1)
    assert flow.first_seen == flow.last_seen == iso(http.start)
    assert flow.provenance.place.startswith("line ") and flow.provenance.file == files["conn"].name
    tls = by_port["8443/tcp"]
    assert (tls.bytes_out, tls.bytes_in) == (
        sessions.conns["ssl"].orig_bytes,
        sessions.conns["ssl"].resp_bytes,
    )
    assert tls.bytes_out > 100 and tls.bytes_in > 500  # a real handshake with a certificate

    # http.log: a contact for the Host (lower case, port dropped); the client's User-Agent
    observations, contacts, _ = read_all(files["http"])
    assert [(c.kind, c.name, c.remote, c.port, c.subject) for c in contacts] == [
        ("http", "cam.example.test", server, "8080/tcp", Subject(client))
    ]
    if zeek.USER_AGENT:
        assert [(o.subject.address, o.text) for o in observations] == [(client, ls.USER_AGENT)]

    # ssl.log (Zeek 6: fingerprints only) + the x509.log beside it
    observations, contacts, _ = read_all(files["ssl"])
    assert [(c.kind, c.name, c.remote, c.port) for c in contacts] == [
        ("tls", "cloud.vendor.example.test", server, "8443/tcp")
    ]
    subject = zeek_rfc2253(ls.TLS_SUBJECT)
    assert {(o.field, o.text, o.subject.address, o.port) for o in observations} == {
        ("tls.subject", subject, server, "8443/tcp"),
        ("tls.issuer", subject, server, "8443/tcp"),
    }
    assert {o.provenance.file for o in observations} == {files["x509"].name}
    assert "O=Example Vision" in subject and subject.startswith("CN=cam.example.test,")
    _, _, x509_stats = read_all(files["x509"])
    assert x509_stats.skipped == {"x509.log certificate (tied to servers through ssl.log)": 1}

    # software.log, known_services.log, weird.log
    observations, _, _ = read_all(files["software"])
    texts = {(o.field, o.subject.address, o.port): o.text for o in observations}
    assert texts[("http.server", server, "8080/tcp")] == ls.SERVER_HEADER
    observations, _, _ = read_all(files["known_services"])
    assert [(o.field, o.text, o.port) for o in observations] == [("port", "8080/tcp http", "8080/tcp")]
    observations, contacts, stats = read_all(files["weird"])
    assert not observations and not contacts
    assert stats.skipped == {"Zeek weird.log entry (counted, not read)": 1}

    if not ls.privileged():
        return
    # dns.log: the query name and the address answered
    _, contacts, _ = read_all(files["dns"])
    assert [(c.kind, c.subject, c.name, c.remote, c.port) for c in contacts] == [
        ("dns", Subject(client), ls.DNS_NAME, ls.DNS_ANSWER, None)
    ]
    dns = by_port["53/udp"]
    assert (dns.bytes_out, dns.bytes_in) == (
        sessions.conns["dns"].orig_bytes,
        sessions.conns["dns"].resp_bytes,
    )
    # ssh.log and SSH::SERVER software
    observations, _, _ = read_all(files["ssh"])
    assert {(o.subject.address, o.text, o.port) for o in observations} == {
        (server, ls.SSH_SERVER, "22/tcp"),
        (client, ls.SSH_CLIENT, None),
    }
    observations, _, _ = read_all(files["software"])
    assert ("ssh.banner", server, "22/tcp", "ExampleSSH_1.5") in {
        (o.field, o.subject.address, o.port, o.text) for o in observations
    }
    # dhcp.log: the MAC behind the assigned address, its name and vendor class
    observations, _, _ = read_all(files["dhcp"])
    assert {o.subject for o in observations} == {Subject(ls.DHCP_ADDRESS, ls.DHCP_MAC.upper())}
    assert {o.field: o.text for o in observations} == {
        "mac": ls.DHCP_MAC.upper(),
        "hostname": ls.DHCP_HOSTNAME,
        "dhcp.vendor_class": ls.DHCP_VENDOR,
    }


def test_tsv_and_json_agree(sessions: ls.Sessions, tmp_path: Path) -> None:
    tsv = write_session_logs(tmp_path / "tsv", sessions, "tsv")
    js = write_session_logs(tmp_path / "json", sessions, "json")
    for log in tsv:

        def facts(path: Path) -> set:
            observations, contacts, _ = read_all(path)
            return {(o.subject, o.field, o.text, o.port) for o in observations} | {
                (c.subject, c.kind, c.name, c.remote, c.port, c.count, c.bytes_out, c.bytes_in, c.first_seen)
                for c in contacts
            }

        assert facts(tsv[log]) == facts(js[log]), log


def conn_rows(rows: list[tuple]) -> list[dict]:
    return [
        {"ts": ts, "uid": "C1", "id.orig_h": o, "id.orig_p": 40000 + i, "id.resp_h": r, "id.resp_p": p,
         "proto": "tcp", "orig_bytes": ob, "resp_bytes": rb, "local_orig": lo, "local_resp": None}
        for i, (ts, o, r, p, ob, rb, lo) in enumerate(rows)
    ]  # fmt: skip


def test_flows_aggregate_and_find_the_local_side(tmp_path: Path) -> None:
    rows = conn_rows(
        [
            (1700000003.0, "192.168.1.20", "203.0.113.9", 443, 10, 100, None),
            (1700000001.5, "192.168.1.20", "203.0.113.9", 443, 20, 200, None),
            (1700000009.0, "192.168.1.20", "203.0.113.9", 443, None, None, None),  # unset byte counts
            (1700000004.0, "198.51.100.50", "10.1.2.3", 8000, 7, 70, None),  # inbound to a private device
            (1700000005.0, "198.51.100.50", "198.51.100.60", 80, 1, 2, None),  # both public: originator
            (1700000006.0, "192.0.2.1", "10.9.9.9", 22, 3, 30, True),  # Zeek says the originator is local
        ]
    )
    path = write_tsv(tmp_path / "conn.log", "conn", rows)
    _, contacts, stats = read_all(path)
    assert stats.records == 6
    got = {(c.subject.address, c.remote, c.port): c for c in contacts}
    out = got[("192.168.1.20", "203.0.113.9", "443/tcp")]
    assert (out.count, out.bytes_out, out.bytes_in) == (3, 30, 300)
    assert (out.first_seen, out.last_seen) == (iso(1700000001.5), iso(1700000009.0))
    assert out.provenance.place == "line 9"  # the first row of the key; 8 header lines before it
    inbound = got[("10.1.2.3", "198.51.100.50", "8000/tcp")]
    assert (inbound.bytes_out, inbound.bytes_in) == (70, 7)  # what the local device sent
    assert ("198.51.100.50", "198.51.100.60", "80/tcp") in got
    assert ("192.0.2.1", "10.9.9.9", "22/tcp") in got
    # the same rows as JSON give the same contacts
    _, again, _ = read_all(write_json(tmp_path / "conn.json", "conn", rows))
    assert {(c.subject, c.remote, c.port, c.count, c.bytes_out, c.first_seen) for c in again} == {
        (c.subject, c.remote, c.port, c.count, c.bytes_out, c.first_seen) for c in contacts
    }


def test_contact_table_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_CONTACT_KEYS", 2)
    rows = conn_rows(
        [(1700000000.0 + i, "10.0.0.1", f"203.0.113.{i % 3}", 443, 1, 1, None) for i in range(7)]
    )
    _, contacts, _ = read_all(write_tsv(tmp_path / "conn.log", "conn", rows))
    assert sum(c.count for c in contacts) == 7
    assert {c.remote for c in contacts} == {"203.0.113.0", "203.0.113.1", "203.0.113.2"}
    assert len(contacts) > 3  # the table was emptied on the way, keys emitted more than once


def test_tsv_format_details() -> None:
    """tests/sources/data/logs/zeek_features.log: two header blocks (http then dns, as
    concatenated rotated logs are), escapes, sets, unset and empty values, bad lines."""
    observations, contacts, stats = read_all(LOGS / "zeek_features.log")
    assert stats.records == 4
    assert stats.skipped == {"wrong number of fields": 1, "bad address": 1}
    http = [c for c in contacts if c.kind == "http"]
    assert [(c.name, c.port, c.bytes_out, c.bytes_in) for c in http] == [
        ("cam.example.test", "80/tcp", 0, 1234)
    ]
    if zeek.USER_AGENT:
        # \x09 is an escaped tab inside the value, \xe6\x97\xa5 a UTF-8 character Zeek escaped
        assert [o.text for o in observations] == ["Agent\twith tab \u65e5"]
    dns = sorted((c.name, c.remote) for c in contacts if c.kind == "dns")
    # a set of answers split on the set separator; "(empty)" answers give the name alone
    assert dns == [
        ("a.example.test", "192.0.2.80"),
        ("a.example.test", "2001:db8::80"),
        ("b.example.test", None),
    ]


def test_strict_names_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        read_all(LOGS / "zeek_features.log", SourceOptions(strict=True), label="logs/zeek_features.log")
    assert caught.value.file == "logs/zeek_features.log"
    assert caught.value.place == "line 11"
    assert "wrong number of fields" in caught.value.message


def test_headerless_tsv_and_data_before_header(tmp_path: Path) -> None:
    path = tmp_path / "conn.log"
    path.write_text("ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\torig_bytes\tresp_bytes\n"
                    "1700000000.0\tC1\t10.0.0.5\t5000\t203.0.113.5\t8800\tudp\t5\t-\n")  # fmt: skip
    assert detect_format(path, "conn.log") == "zeek"
    _, contacts, _ = read_all(path)
    assert [(c.subject.address, c.remote, c.port, c.bytes_out, c.bytes_in) for c in contacts] == [
        ("10.0.0.5", "203.0.113.5", "8800/udp", 5, 0)
    ]
    bad = tmp_path / "x.log"
    bad.write_text("1700000000.0\tC1\t10.0.0.5\n")
    # Only that line, nothing read: an error naming it (issue 12, row 14), after the count.
    stats = ReadStats()
    with pytest.raises(InputError, match="nothing could be read as a Zeek log") as caught:
        list(zeek.read(bad, bad.name, stats, SourceOptions()))
    assert caught.value.place == "line 1"
    assert stats.skipped == {"data line before a #fields header": 1}


def test_json_variants(tmp_path: Path) -> None:
    """A mixed stream with _path, ISO time stamps, a nested id record, escaped bytes, bad lines."""
    path = tmp_path / "zeek-stream.json"
    path.write_text(
        '{"_path":"conn","ts":"2024-05-01T12:00:00.250000Z","uid":"C1","id.orig_h":"10.0.0.7","id.orig_p":1,'
        '"id.resp_h":"203.0.113.7","id.resp_p":443,"proto":"tcp","orig_bytes":9,"resp_bytes":90}\n'
        '{"_path":"ssl","ts":1714564800.5,"uid":"C2","id":{"orig_h":"10.0.0.7","orig_p":2,"resp_h":"203.0.113.7",'
        '"resp_p":443},"server_name":"API.Vendor.example.","subject":"CN=dev\\\\xe6\\\\x97\\\\xa5,O=Example"}\n'
        '{"_path":"files","ts":1714564800.5,"fuid":"F1"}\n'
        "not json\n"
        "[1, 2]\n"
    )
    observations, contacts, stats = read_all(path)
    assert stats.skipped == {
        "Zeek files.log entry (not read)": 1,
        "malformed JSON": 1,
        "not a JSON object": 1,
    }
    flow = next(c for c in contacts if c.kind == "flow")
    assert flow.first_seen == "2024-05-01T12:00:00.250000Z"
    tls = next(c for c in contacts if c.kind == "tls")
    assert (tls.subject, tls.name, tls.port) == (Subject("10.0.0.7"), "api.vendor.example", "443/tcp")
    assert [(o.field, o.text) for o in observations] == [("tls.subject", "CN=dev\u65e5,O=Example")]


def test_ssl_log_with_subjects_and_dhcp_software(tmp_path: Path) -> None:
    """Older Zeek (or log_include_server_certificate_subject_issuer) logs subject and issuer in
    ssl.log itself; dhcp.log without the software policy has no vendor class."""
    ssl_path = tmp_path / "ssl.log"
    ssl_path.write_text(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tssl\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tserver_name\tsubject\tissuer\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\n"
        "1700000000.0\tC1\t10.0.0.9\t5000\t10.0.0.10\t443\tTLSv12\t-\t"
        "OU=DAHUATECH,O=DAHUA,L=HANGZHOU,ST=ZHEJIANG,C=CN,CN=192.168.1.108\tO=DahuaTech\\x2c Inc,CN=Root\n"
    )
    observations, contacts, _ = read_all(ssl_path)
    assert not contacts  # no server_name, no tls contact (conn.log has the flow)
    assert {(o.field, o.text, o.port) for o in observations} == {
        ("tls.subject", "OU=DAHUATECH,O=DAHUA,L=HANGZHOU,ST=ZHEJIANG,C=CN,CN=192.168.1.108", "443/tcp"),
        ("tls.issuer", "O=DahuaTech, Inc,CN=Root", "443/tcp"),
    }
    rows = [
        {"ts": 1.0, "uids": {"C1"}, "mac": "00:11:22:aa:bb:cc", "host_name": "printer", "msg_types": ["ACK"]}
    ]
    observations, _, _ = read_all(write_tsv(tmp_path / "dhcp.log", "dhcp", rows))
    assert {(o.subject, o.field, o.text) for o in observations} == {
        (Subject(None, "00:11:22:AA:BB:CC"), "mac", "00:11:22:AA:BB:CC"),
        (Subject(None, "00:11:22:AA:BB:CC"), "hostname", "printer"),
    }


def test_gzip_logs_are_read_and_detected(sessions: ls.Sessions, tmp_path: Path) -> None:
    files = write_session_logs(tmp_path / "plain", sessions, "tsv")
    packed = tmp_path / "conn.00:00:00-01:00:00.log.gz"
    packed.write_bytes(gzip.compress(files["conn"].read_bytes()))
    assert detect_format(packed, packed.name) == "zeek"
    _, plain, _ = read_all(files["conn"])
    _, unpacked, _ = read_all(packed)
    assert {(c.remote, c.port, c.bytes_out) for c in plain} == {
        (c.remote, c.port, c.bytes_out) for c in unpacked
    }
    broken = tmp_path / "broken.log.gz"
    broken.write_bytes(gzip.compress(files["conn"].read_bytes())[:-40])
    with pytest.raises(InputError, match="read failed"):
        read_all(broken)


def test_long_lines_are_dropped_not_buffered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zeek, "MAX_LOG_LINE", 1000)
    monkeypatch.setattr(logs, "_CHUNK", 256)
    rows = conn_rows([(1.0, "10.0.0.1", "203.0.113.1", 80, 1, 1, None)] * 2)
    path = write_tsv(tmp_path / "conn.log", "conn", rows)
    text = path.read_text().splitlines()
    text.insert(9, "x" * 5000)  # between the two rows
    path.write_text("\n".join(text) + "\n")
    _, contacts, stats = read_all(path)
    assert stats.skipped == {"line too long": 1}
    assert contacts[0].count == 2
    with pytest.raises(InputError) as caught:
        read_all(path, SourceOptions(strict=True))
    assert caught.value.place == "line 10"


def test_unknown_logs_and_registry(tmp_path: Path) -> None:
    path = tmp_path / "mystery.log"
    path.write_text("#separator \\x09\n#path\tmystery\n#fields\tts\tthing\n#types\ttime\tstring\n1.0\tx\n")
    observations, contacts, stats = read_all(path)
    assert (observations, contacts) == ([], [])
    assert stats.skipped == {"Zeek log of an unknown kind (not read)": 1}
    assert READERS["zeek"] is zeek.read
    assert zeek.kind_from_name("dns.2024-05-01-00-00-00.log.gz") == "dns"
    assert zeek.kind_from_name("known_services.log") == "known_services"
    assert zeek.kind_from_name("dnsmasq.log") is None
    assert set(SCHEMAS) <= set(zeek.COLUMNS)


def test_hostile_headers_and_rows(tmp_path: Path) -> None:
    """Too many columns in a header, a row of a million separators, an unhashable JSON value."""
    path = tmp_path / "conn.log"
    header = "#separator \\x09\n#path\tconn\n#fields\t" + "\t".join(f"c{i}" for i in range(5000)) + "\n"
    path.write_text(header + "1.0\tx\n")
    stats = ReadStats()
    with pytest.raises(InputError, match="nothing could be read") as caught:  # nothing else in it
        list(zeek.read(path, path.name, stats, SourceOptions()))
    assert caught.value.place == "line 3"
    assert stats.skipped == {"bad Zeek header": 1, "data line before a #fields header": 1}
    rows = conn_rows([(1.0, "10.0.0.1", "203.0.113.1", 80, 1, 1, None)])
    good = write_tsv(tmp_path / "conn2.log", "conn", rows).read_text()
    path.write_text(good.replace("#close", "\t" * 1_000_000 + "\n#close"))
    _, contacts, stats = read_all(path)
    assert stats.skipped == {"wrong number of fields": 1} and len(contacts) == 1
    path = tmp_path / "conn.json"
    path.write_text('{"ts": 1.0, "uid": "C1", "id.orig_h": ["10.0.0.1"], "id.resp_h": "203.0.113.1",'
                    ' "id.resp_p": 80, "proto": "tcp"}\n')  # fmt: skip
    _, contacts, stats = read_all(path)
    assert contacts == [] and stats.skipped == {"malformed values": 1}


def test_json_lists_and_objects_where_values_belong(tmp_path: Path) -> None:
    """Unhashable JSON values in a log name, an address or a port are skipped, never a crash."""
    path = tmp_path / "zeek.json"
    path.write_text(
        '{"_path":["conn"],"ts":1.0,"id.orig_h":"10.0.0.1","id.resp_h":"203.0.113.1","id.resp_p":443}\n'
        '{"_path":"dhcp","ts":1.0,"assigned_addr":["10.0.0.9"],"client_addr":"10.0.0.8","mac":"00:11:22:aa:bb:cc"}\n'
        '{"_path":"known_services","ts":1.0,"host":{"a":1},"port_num":80,"port_proto":"tcp","service":["HTTP"]}\n'
        '{"_path":"snmp","ts":1.0,"id.resp_h":"10.0.0.5","id.resp_p":[161],"display_string":"Switch"}\n'
    )
    observations, contacts, stats = read_all(path)
    assert contacts == []
    assert stats.skipped == {"Zeek log of an unknown kind (not read)": 1, "bad address or port": 1}
    assert [(o.subject, o.field, o.text, o.port) for o in observations] == [
        (Subject("10.0.0.8", "00:11:22:AA:BB:CC"), "mac", "00:11:22:AA:BB:CC", None),
        (Subject("10.0.0.5"), "snmp.sysdescr", "Switch", None),
    ]
