"""The replies file of `custodiet scan` (model.probe) to observations.

Each record holds the bytes a device sent to one probe; they are read by the same parsers that
read those protocols in a packet capture (sources.pcap: HTTP heads and bodies, RTSP, SIP,
greetings, SSDP, WS-Discovery, DNS/mDNS, SNMP, certificates), so a scan and a capture of the same
device give the same observations. Re-reading an old replies file with newer content identifies
the devices again without sending anything.

Fields: http.headers/server/www_authenticate/cookie/title/body and upnp.description (HTTP and
HTTPS replies), onvif.device_information (a GetDeviceInformationResponse), tls.subject/issuer,
rtsp.response/server, sip.server/user_agent, ssh/ftp/telnet.banner, upnp.server (SSDP),
wsd.scopes, hostname (mDNS names, SNMP sysName), snmp.sysdescr/sysobjectid, mac and
device_search.reply (Hikvision SADP ProbeMatch), and a "port" observation per open port.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from custodiet.model import Observation, Subject
from custodiet.model.probe import HEADER_KEY, ProbeRecord
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.logs import Emitter, Skips, lines, open_binary
from custodiet.sources.pcap import banners, ber, dns, snmp, ssdp, wsd
from custodiet.sources.pcap import http as http_wire
from custodiet.sources.pcap.tls import certificate_names
from custodiet.sources.text import decode, normalise_ip, normalise_mac

FORMAT = "scan-replies"
_TRAILER_KEY = "custodiet_scan_end"


def is_scan_replies(head: bytes) -> bool:
    """The first line of a replies file is its header record {"custodiet_scan": N, ...}."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    line = start.split(b"\n", 1)[0]
    if not line.startswith(b"{") or HEADER_KEY.encode() not in line[:64]:
        return False
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return isinstance(record, dict) and isinstance(record.get(HEADER_KEY), int)


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from one replies file (a sources.base.Reader)."""
    skips = Skips(stats, label, options)
    emit = Emitter(label, stats)
    with open_binary(path, label) as handle:
        for number, line in lines(handle, skips):
            text = line.strip()
            if not text:
                continue
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                skips.bad("malformed JSON", number, str(exc)[:80])
                continue
            if not isinstance(data, dict):
                skips.bad("not a JSON object", number)
                continue
            if HEADER_KEY in data or _TRAILER_KEY in data:
                continue
            try:
                record = ProbeRecord.from_json(data)
            except (ValueError, TypeError) as exc:
                skips.bad("bad probe record", number, str(exc))
                continue
            address = normalise_ip(record.target)
            if address is None:
                skips.bad("bad address", number, record.target[:60])
                continue
            stats.records += 1
            out: list[Observation] = []
            _observe(emit, skips, out, Subject(address), record, number)
            yield from out


def _observe(
    emit: Emitter, skips: Skips, out: list[Observation], subject: Subject, record: ProbeRecord, number: int
) -> None:
    port = f"{record.port}/{record.transport}"
    protocol = record.protocol
    place = f"line {number} {protocol}" + (f" {record.url}" if record.url else "")
    make = emit.make
    reply = record.reply
    if protocol == "connect":
        make(out, subject, "port", port, place, port)
        return
    if record.via != "multicast" and (reply or record.cert):
        make(out, subject, "port", f"{port} {protocol}", place, port)
    if protocol in ("http", "https") or (protocol == "banner" and reply.startswith(b"HTTP/")):
        if reply.startswith(b"HTTP/"):
            for field, text in http_wire.response(reply):
                make(out, subject, field, text, place, port)
            _onvif(emit, out, subject, reply, place, port)
    elif protocol == "tls":
        if record.cert:
            try:
                cert_subject, cert_issuer = certificate_names(record.cert)
            except ber.BerError:
                skips.note("unreadable certificate")
                return
            make(out, subject, "tls.subject", cert_subject, place, port)
            make(out, subject, "tls.issuer", cert_issuer, place, port)
    elif protocol == "rtsp":
        if reply.startswith(b"RTSP/"):
            for field, text in http_wire.rtsp_response(reply):
                make(out, subject, field, text, place, port)
    elif protocol == "sip":
        if http_wire.is_sip(reply):
            for field, text in http_wire.sip_message(reply):
                make(out, subject, field, text, place, port)
    elif protocol in ("ssh", "ftp", "telnet", "banner"):
        kind = banners.kind(reply, record.port) or (protocol if protocol != "banner" else None)
        if kind is not None:
            fact = banners.text(kind, reply)
            if fact:
                make(out, subject, fact[0], fact[1], place, port)
    elif protocol == "ssdp":
        for field, text in ssdp.extract(reply):
            make(out, subject, field, text, place, port)
    elif protocol == "wsd":
        try:
            facts = wsd.extract(reply)
        except wsd.WsdError:
            skips.note("malformed WS-Discovery reply")
            return
        for field, text in facts:
            make(out, subject, field, text, place, port)
    elif protocol == "mdns":
        try:
            message = dns.parse(reply, mdns=True)
        except dns.DnsError:
            skips.note("malformed mDNS reply")
            return
        for name in message.names:
            make(out, subject, "hostname", name, place, port)
    elif protocol == "snmp":
        try:
            facts = snmp.extract(_v2c_form(record.decoded) if record.decoded else reply)
        except ber.BerError:
            skips.note("malformed SNMP reply")
            return
        for field, text in facts:
            make(out, subject, field, text, place, port)
    elif protocol == "sadp":
        _sadp(emit, out, subject, reply, place, port)


def _onvif(
    emit: Emitter, out: list[Observation], subject: Subject, reply: bytes, place: str, port: str
) -> None:
    """A GetDeviceInformationResponse body is the device's own statement of make and model."""
    end = http_wire.head_end(reply)
    if end < 0 or b"GetDeviceInformationResponse" not in reply[end : end + 65536]:
        return
    emit.make(out, subject, "onvif.device_information", decode(reply[end:]), place, port)


def _tlv(tag: int, value: bytes) -> bytes:
    n = len(value)
    length = (
        bytes([n])
        if n < 0x80
        else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    )
    return bytes([tag]) + length + value


def _v2c_form(scoped: bytes) -> bytes:
    """An SNMPv3 scoped PDU (contextEngineID, contextName, PDU) as a v2c message carrying the same
    PDU, so that one parser reads both. Raises ber.BerError."""
    start, stop = ber.expect(scoped, 0, len(scoped), ber.SEQUENCE)
    items = list(ber.children(scoped, start, stop))
    if len(items) != 3:
        raise ber.BerError("scoped PDU without a PDU")
    tag, vs, ve = items[2]
    return _tlv(0x30, b"\x02\x01\x01" + b"\x04\x00" + _tlv(tag, scoped[vs:ve]))


def _element(data: bytes, name: bytes) -> bytes | None:
    start = data.find(b"<" + name + b">")
    if start < 0:
        return None
    start += len(name) + 2
    end = data.find(b"</" + name + b">", start)
    return data[start:end].strip() if 0 <= end - start <= 256 else None


def _sadp(
    emit: Emitter, out: list[Observation], subject: Subject, reply: bytes, place: str, port: str
) -> None:
    """A Hikvision SADP ProbeMatch: the whole answer, and the MAC the device reports."""
    data = reply[:65536]
    if b"<ProbeMatch" not in data:
        return
    emit.make(out, subject, "device_search.reply", decode(data), place, port)
    mac = _element(data, b"MAC")
    if mac:
        normal = normalise_mac(mac.decode("latin-1").replace("-", ":"))
        emit.make(out, subject, "mac", normal, place, port)
