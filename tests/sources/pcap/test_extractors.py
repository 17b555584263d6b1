"""What each protocol extractor emits, on handwritten packets (the live recordings cover the
common paths; these cover the rest: TLS in pieces and 1.3, mDNS/DNS-SD, NetBIOS, DHCP leases,
SNMP traps, SSDP NOTIFY, WS-Discovery Hello, SIP over TCP, chunked and gzip HTTP, UPnP XML)."""

from __future__ import annotations

import gzip
import ssl
import struct
from pathlib import Path

import pytest
from tests.emulators import ber, tlsutil

from custodiet.sources.pcap import tls as tls_mod

from .craft import MAC_A, MAC_B, MAC_R, eth, http_exchange, ip, tcp, udp, write_pcap
from .helpers import contact_keys, facts, run

CAMERA = "10.0.0.64"
CLIENT = "10.0.0.5"


def _u8(n: int) -> bytes:
    return bytes([n])


def client_hello(name: str) -> bytes:
    sni = name.encode()
    ext = struct.pack("!HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni
    ext += struct.pack("!HH", 21, 1200) + b"\x00" * 1200  # padding: the hello needs two segments
    body = (
        b"\x03\x03"
        + b"\x11" * 32
        + b"\x00"
        + b"\x00\x02\x13\x01"
        + b"\x01\x00"
        + struct.pack("!H", len(ext))
        + ext
    )
    hs = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def server_flight(cert: bytes | None, tls13: bool = False) -> bytes:
    ext = struct.pack("!HHH", 43, 2, 0x0304) if tls13 else b""
    hello = b"\x03\x03" + b"\x22" * 32 + b"\x00" + b"\x13\x01" + b"\x00" + struct.pack("!H", len(ext)) + ext
    msgs = b"\x02" + len(hello).to_bytes(3, "big") + hello
    if cert is not None:
        certs = len(cert).to_bytes(3, "big") + cert
        body = len(certs).to_bytes(3, "big") + certs
        msgs += b"\x0b" + len(body).to_bytes(3, "big") + body
        msgs += b"\x0e\x00\x00\x00"
    records = b""
    for pos in range(0, len(msgs), 1000):  # several records, as servers split big flights
        piece = msgs[pos : pos + 1000]
        records += b"\x16\x03\x03" + struct.pack("!H", len(piece)) + piece
    return records + (b"\x17\x03\x03\x00\x10" + b"\x00" * 16 if tls13 else b"")


def tcp_session(client_bytes: bytes, server_bytes: bytes, dport: int = 443, mss: int = 700) -> list[bytes]:
    c, s = 1000, 9000
    out = [
        eth(ip(CLIENT, CAMERA, tcp(40000, dport, c, 0x02))),
        eth(ip(CAMERA, CLIENT, tcp(dport, 40000, s, 0x12)), MAC_B, MAC_A),
    ]
    for pos in range(0, len(client_bytes), mss):
        out.append(
            eth(ip(CLIENT, CAMERA, tcp(40000, dport, c + 1 + pos, 0x18, client_bytes[pos : pos + mss])))
        )
    for pos in range(0, len(server_bytes), mss):
        out.append(
            eth(
                ip(CAMERA, CLIENT, tcp(dport, 40000, s + 1 + pos, 0x18, server_bytes[pos : pos + mss])),
                MAC_B,
                MAC_A,
            )
        )
    return out


@pytest.fixture(scope="module")
def vendor_cert() -> bytes:
    if not tlsutil.available():
        pytest.skip("openssl is not installed")
    chain, _key = tlsutil.make_cert(
        {"subject": [["CN", "hikvision.com"], ["O", "HIKVISION"], ["OU", "HZ"], ["C", "CN"]]}
    )
    return ssl.PEM_cert_to_DER_cert(
        chain.read_text().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    )


def test_tls12_certificate_and_sni_across_segments(tmp_path: Path, vendor_cert: bytes) -> None:
    frames = tcp_session(client_hello("P2P.Camera-Cloud.example."), server_flight(vendor_cert))
    observations, contacts, stats = run(write_pcap(tmp_path / "tls.pcap", frames))
    assert not stats.skipped
    assert facts(observations, CAMERA) >= {
        ("tls.subject", "CN=hikvision.com,OU=HZ,O=HIKVISION,C=CN", "443/tcp"),
        ("tls.issuer", "CN=hikvision.com,OU=HZ,O=HIKVISION,C=CN", "443/tcp"),
    }
    assert contact_keys(contacts, "tls") == {("tls", CLIENT, CAMERA, "p2p.camera-cloud.example", "443/tcp")}


def test_tls13_certificates_are_encrypted(tmp_path: Path) -> None:
    frames = tcp_session(client_hello("a.example"), server_flight(None, tls13=True))
    observations, contacts, stats = run(write_pcap(tmp_path / "tls13.pcap", frames))
    assert not stats.skipped
    assert not [o for o in observations if o.field.startswith("tls.")]
    assert contact_keys(contacts, "tls") == {("tls", CLIENT, CAMERA, "a.example", "443/tcp")}


def test_certificate_names_escape_and_decode() -> None:
    def name(*pairs: tuple[str, int, bytes]) -> bytes:
        rdns = b""
        for oid, tag, value in pairs:
            rdns += ber.tlv(0x31, ber.seq(ber.enc_oid(oid), ber.tlv(tag, value)))
        return ber.seq(rdns)

    subject = name(
        ("2.5.4.3", 0x0C, "Café, Inc".encode()),
        ("2.5.4.10", 0x1E, "华为".encode("utf-16-be")),
        ("1.2.3.4", 0x13, b"x"),
    )
    tbs = ber.seq(ber.tlv(0xA0, ber.enc_int(2)), ber.enc_int(7), ber.seq(ber.enc_oid("1.2.840.113549.1.1.11")),
                  name(("2.5.4.6", 0x13, b"CN")), ber.seq(), subject)  # fmt: skip
    cert = ber.seq(tbs, ber.seq(), ber.tlv(0x03, b"\x00"))
    assert tls_mod.certificate_names(cert) == ("CN=Café\\, Inc,O=华为,1.2.3.4=x", "C=CN")


def _dns_name(name: str) -> bytes:
    return b"".join(_u8(len(p)) + p.encode() for p in name.split(".")) + b"\x00"


def mdns_response() -> bytes:
    """An announcement: PTR service -> instance, SRV instance -> host, A host -> address, NSEC."""
    header = struct.pack("!HHHHHH", 0, 0x8400, 0, 4, 0, 0)
    ptr = _dns_name("_http._tcp.local") + struct.pack("!HHIH", 12, 1, 120, 0)
    instance = _dns_name("HIKVISION DS-2CD2386G2._http._tcp.local")
    ptr = ptr[:-2] + struct.pack("!H", len(instance)) + instance
    srv_rdata = struct.pack("!HHH", 0, 0, 80) + _dns_name("DS-2CD2386G2-ABC.local")
    srv = instance + struct.pack("!HHIH", 33, 0x8001, 120, len(srv_rdata)) + srv_rdata
    a = _dns_name("DS-2CD2386G2-ABC.local") + struct.pack("!HHIH", 1, 0x8001, 120, 4) + bytes([10, 0, 0, 64])
    nsec = _dns_name("DS-2CD2386G2-ABC.local") + struct.pack("!HHIH", 47, 0x8001, 120, 2) + b"\xc0\x0c"
    return header + ptr + srv + a + nsec


def test_mdns_and_dns_sd_names(tmp_path: Path) -> None:
    frame = eth(
        ip(CAMERA, "224.0.0.251", udp(5353, 5353, mdns_response())), MAC_B, bytes.fromhex("01005e0000fb")
    )
    observations, contacts, stats = run(write_pcap(tmp_path / "mdns.pcap", [frame]))
    assert not stats.skipped
    assert facts(observations, CAMERA) == {
        ("hostname", "HIKVISION DS-2CD2386G2", None),
        ("hostname", "DS-2CD2386G2-ABC", None),
        ("mac", "44:A6:42:5B:10:20", None),
    }
    assert not contacts  # multicast is not a contact


def _netbios(name: str, suffix: int) -> bytes:
    raw = name.upper().ljust(15).encode() + bytes([suffix])
    return b"\x20" + bytes(c for b in raw for c in (0x41 + (b >> 4), 0x41 + (b & 15))) + b"\x00"


def test_netbios_registration(tmp_path: Path) -> None:
    question = _netbios("NVR-LOBBY", 0x00) + b"\x00\x20\x00\x01"
    record = b"\xc0\x0c\x00\x20\x00\x01\x00\x04\x93\xe0\x00\x06\x00\x00" + bytes([10, 0, 0, 64])
    packet = struct.pack("!HHHHHH", 1, 0x2910, 1, 0, 0, 1) + question + record
    group = struct.pack("!HHHHHH", 2, 0x2910, 1, 0, 0, 1) + _netbios("WORKGROUP", 0x00) + b"\x00\x20\x00\x01"
    group += b"\xc0\x0c\x00\x20\x00\x01\x00\x04\x93\xe0\x00\x06\x80\x00" + bytes([10, 0, 0, 64])
    frames = [eth(ip(CAMERA, "10.0.0.255", udp(137, 137, p)), MAC_B, b"\xff" * 6) for p in (packet, group)]
    observations, _contacts, _ = run(write_pcap(tmp_path / "nb.pcap", frames))
    assert ("hostname", "NVR-LOBBY", None) in facts(observations, CAMERA)
    assert "WORKGROUP" not in {o.text for o in observations}


def _dhcp(op: int, msgtype: int, yiaddr: bytes = b"\0\0\0\0", options: bytes = b"") -> bytes:
    fixed = struct.pack("!BBBBIHHI4s4s4s", op, 1, 6, 0, 77, 0, 0, 0, yiaddr, b"\0" * 4, b"\0" * 4)
    fixed += MAC_B + b"\x00" * 10 + b"\x00" * 192 + b"\x63\x82\x53\x63"
    return fixed + bytes([53, 1, msgtype]) + options + b"\xff"


def test_dhcp_request_then_ack_binds_the_address(tmp_path: Path) -> None:
    fqdn = b"\x05\x00\x00" + _dns_name("cam-17.site.example")
    request = _dhcp(
        1,
        3,
        options=b"\x0c\x06cam-17"
        + b"\x3c\x08MSFT 5.0"
        + b"\x37\x03\x01\x03\x06"
        + b"\x51"
        + _u8(len(fqdn))
        + fqdn,
    )
    ack = _dhcp(2, 5, yiaddr=bytes([10, 0, 0, 64]))
    frames = [
        eth(ip("0.0.0.0", "255.255.255.255", udp(68, 67, request)), MAC_B, b"\xff" * 6),
        eth(ip("10.0.0.1", "255.255.255.255", udp(67, 68, ack)), MAC_R, b"\xff" * 6),
    ]
    observations, contacts, stats = run(write_pcap(tmp_path / "dhcp.pcap", frames))
    assert not stats.skipped
    assert facts(observations, CAMERA) == {
        ("hostname", "cam-17", None),
        ("hostname", "cam-17.site.example", None),
        ("dhcp.vendor_class", "MSFT 5.0", None),
        ("dhcp.parameter_list", "1,3,6", None),
        ("mac", "44:A6:42:5B:10:20", None),
    }
    assert {o.subject.mac for o in observations if o.subject.address == CAMERA} == {"44:A6:42:5B:10:20"}
    assert not contacts


def test_snmp_v1_trap_and_sysname(tmp_path: Path) -> None:
    trap_pdu = ber.seq(ber.enc_oid("1.3.6.1.4.1.39165.1.1"), ber.tlv(0x40, bytes([10, 0, 0, 64])), ber.enc_int(6),
                       ber.enc_int(1), ber.enc_unsigned(5, 0x43), ber.seq(), tag=0xA4)  # fmt: skip
    trap = ber.seq(ber.enc_int(0), ber.enc_str(b"public"), trap_pdu)
    response = ber.encode_snmp(
        1, b"public", ber.GET_RESPONSE, 5, [("1.3.6.1.2.1.1.5.0", ber.enc_str(b"core-sw-1"))]
    )
    v3 = ber.seq(ber.enc_int(3), ber.seq(), ber.enc_str(b""), ber.seq())
    frames = [
        eth(ip(CAMERA, "10.0.0.9", udp(40000, 162, trap)), MAC_B, MAC_A),
        eth(ip(CAMERA, "10.0.0.9", udp(161, 40001, response)), MAC_B, MAC_A),
        eth(ip(CAMERA, "10.0.0.9", udp(161, 40002, v3)), MAC_B, MAC_A),
    ]
    observations, _contacts, stats = run(write_pcap(tmp_path / "snmp.pcap", frames))
    assert not stats.skipped
    assert facts(observations, CAMERA) >= {
        ("snmp.sysobjectid", "1.3.6.1.4.1.39165.1.1", "40000/udp"),
        ("hostname", "core-sw-1", "161/udp"),
    }


def test_ssdp_notify_and_wsd_hello(tmp_path: Path) -> None:
    notify = (
        b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
        b"LOCATION: http://10.0.0.64:8000/desc.xml\r\nSERVER: Linux/4.9, UPnP/1.0, Vendor DVR/2.0\r\n\r\n"
    )
    search = (
        b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n'
    )
    hello = (
        b'<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:Hello>'
        b"<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes> onvif://www.onvif.org/name/Dahua\n"
        b"onvif://www.onvif.org/hardware/IPC-X </d:Scopes><d:XAddrs>http://10.0.0.64/onvif/device_service</d:XAddrs>"
        b"</d:Hello></s:Body></s:Envelope>"
    )
    probe = b'<s:Envelope xmlns:s="x" xmlns:d="y"><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>'
    frames = [
        eth(ip(CAMERA, "239.255.255.250", udp(1900, 1900, notify)), MAC_B, bytes.fromhex("01005e7ffffa")),
        eth(ip(CLIENT, "239.255.255.250", udp(50000, 1900, search)), MAC_A, bytes.fromhex("01005e7ffffa")),
        eth(ip(CAMERA, "239.255.255.250", udp(3702, 3702, hello)), MAC_B, bytes.fromhex("01005e7ffffa")),
        eth(ip(CLIENT, "239.255.255.250", udp(50001, 3702, probe)), MAC_A, bytes.fromhex("01005e7ffffa")),
    ]
    observations, _contacts, stats = run(write_pcap(tmp_path / "disc.pcap", frames))
    assert not stats.skipped
    assert facts(observations, CAMERA) == {
        ("upnp.server", "Linux/4.9, UPnP/1.0, Vendor DVR/2.0", "1900/udp"),
        ("upnp.description", "Location: http://10.0.0.64:8000/desc.xml", "1900/udp"),
        ("wsd.scopes", "dn:NetworkVideoTransmitter onvif://www.onvif.org/name/Dahua onvif://www.onvif.org/hardware/IPC-X "
         "http://10.0.0.64/onvif/device_service", "3702/udp"),
        ("mac", "44:A6:42:5B:10:20", None),
    }  # fmt: skip
    assert facts(observations, CLIENT) == {("mac", "02:00:00:00:00:AA", None)}


def test_sip_rtsp_and_banners_over_tcp(tmp_path: Path) -> None:
    sip_request = b"OPTIONS sip:x@10.0.0.64 SIP/2.0\r\nUser-Agent: Zoiper 5\r\nContent-Length: 0\r\n\r\n"
    sip_reply = b"SIP/2.0 200 OK\r\nServer: Yealink SIP-T46S 66.86.0.15\r\nContent-Length: 0\r\n\r\n"
    rtsp = b'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nServer: Rtsp Server/3.0\r\nWWW-Authenticate: Basic realm="x"\r\n\r\n'
    ftp = b"220-Welcome to the\r\n220-DVR file server\r\n220 ready.\r\n"
    telnet = b"\xff\xfb\x01\xff\xfb\x03\r\nZXR10 5250-52TM-H\r\nUsername:"
    frames = tcp_session(sip_request, sip_reply, dport=5060)
    frames += tcp_session(b"OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n", rtsp, dport=554)
    frames += tcp_session(b"", ftp, dport=21)
    frames += tcp_session(b"", telnet, dport=23, mss=10)
    frames.append(
        eth(ip(CLIENT, CAMERA, tcp(40000, 23, 1001, 0x18, b"\xff\xfd\x01")), MAC_A, MAC_B)
    )  # the client's turn
    observations, _contacts, _stats = run(write_pcap(tmp_path / "tcp.pcap", frames))
    assert facts(observations, CAMERA) == {
        ("sip.server", "Yealink SIP-T46S 66.86.0.15", "5060/tcp"),
        ("rtsp.response", rtsp.decode().strip(), "554/tcp"),
        ("rtsp.server", "Rtsp Server/3.0", "554/tcp"),
        ("ftp.banner", ftp.decode().strip(), "21/tcp"),
        ("telnet.banner", telnet.decode("utf-8", "backslashreplace"), "23/tcp"),
        ("mac", "44:A6:42:5B:10:20", None),
    }
    assert ("sip.user_agent", "Zoiper 5", None) in facts(observations, CLIENT)


def test_chunked_gzip_page_and_upnp_description(tmp_path: Path) -> None:
    page = b"<html><head><title>NVR\n  Login</title></head><body>" + b"x" * 2000 + b"</body></html>"
    packed = gzip.compress(page)
    chunked = (
        b"%x\r\n" % 100
        + packed[:100]
        + b"\r\n"
        + b"%x\r\n" % (len(packed) - 100)
        + packed[100:]
        + b"\r\n0\r\n\r\n"
    )
    response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked
    desc = (
        b'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device>'
        b"<deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>Cam</friendlyName>"
        b"<manufacturer>Hikvision</manufacturer><modelName>DS-2CD2143G2-I</modelName>"
        b"<serviceList><service/></serviceList></device></root>"
    )
    xml_response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(desc) + desc
    )
    frames = http_exchange(CLIENT, CAMERA, b"GET / HTTP/1.1\r\nHost: cam\r\n\r\n", response)
    frames += http_exchange(
        CLIENT, CAMERA, b"GET /desc.xml HTTP/1.1\r\nHost: cam\r\n\r\n", xml_response, sport=40001, dport=49152
    )
    observations, _contacts, _ = run(write_pcap(tmp_path / "gz.pcap", frames))
    found = facts(observations, CAMERA)
    assert ("http.title", "NVR Login", "80/tcp") in found
    body = next(o.text for o in observations if o.field == "http.body" and o.port == "80/tcp")
    assert body == page[:1024].decode()
    assert (
        "upnp.description",
        "<device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>Cam</friendlyName>"
        "<manufacturer>Hikvision</manufacturer><modelName>DS-2CD2143G2-I</modelName>\n</device>",
        "49152/tcp",
    ) in found
