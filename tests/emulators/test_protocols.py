"""Each protocol of each emulated device answers exactly as its profile says.

Real sockets on loopback; the expected values are read from the profiles, and a few
key identity strings are also spelled out literally so a profile edit that loses them
fails here.
"""

from __future__ import annotations

import defusedxml.ElementTree as DET
import pytest

from . import ber
from .client import http, peer_certificate, read_banner, snmp_get, tcp_exchange, udp_exchange
from .network import EmulatedNetwork
from .profiles import load_profiles
from .servers import as_bytes
from .tlsutil import available as tls_available

PROFILES = load_profiles()


def _http_cases() -> list[tuple[str, str, str, dict]]:
    cases = []
    for prof in PROFILES:
        for svc in prof.services:
            if svc.kind != "http":
                continue
            for route in svc.spec.get("routes", []):
                method, _, path = route["match"].partition(" ")
                if method in ("GET", "POST") and path != "*":
                    cases.append((prof.name, svc.name, route["match"], route))
    return cases


def _no_templates(value: bytes) -> bool:
    return b"${" not in value


@pytest.mark.parametrize(("device", "service", "match", "route"), _http_cases(), ids=lambda v: str(v)[:40])
def test_http_route_answers_as_profile(
    net: EmulatedNetwork, device: str, service: str, match: str, route: dict
) -> None:
    dev = net.device(device)
    method, _, path = match.partition(" ")
    auth = {"Authorization": "Basic dGVzdDp0ZXN0"} if "auth" in route else {}
    status, headers, body = http(dev.address, dev.port(service), method, path, headers=auth)
    assert status.split(b" ", 1)[1] == as_bytes(route.get("status", "200 OK"))
    for name, value in route.get("headers", []):
        rendered = as_bytes(value)
        if _no_templates(rendered):
            assert rendered in headers[as_bytes(name).lower()], (name, headers)
    expected_body = as_bytes(route.get("body", b""))
    if _no_templates(expected_body):
        assert body == expected_body
    if "auth" in route:
        status, headers, _ = http(dev.address, dev.port(service), method, path)
        assert status.split(b" ", 1)[1] == as_bytes(route["auth"]["status"])
        challenge = [as_bytes(v) for n, v in route["auth"]["headers"] if n == "WWW-Authenticate"]
        got = headers[b"www-authenticate"][0]
        assert got.split(b'"')[:2] == challenge[0].split(b'"')[:2]


def test_identity_strings_literally(net: EmulatedNetwork) -> None:
    hik = net.device("hikvision-ipc")
    _, headers, body = http(hik.address, hik.port("http"), "GET", "/")
    assert headers[b"server"] == [b"App-webs/"]
    assert b"<title>index</title>" in body
    _, _, info = http(
        hik.address, hik.port("http"), "GET", "/ISAPI/System/deviceInfo", {"Authorization": "x"}
    )
    root = DET.fromstring(info)
    ns = "{http://www.hikvision.com/ver20/XMLSchema}"
    assert root.findtext(f"{ns}model") == "DS-2CD2386G2-IU"
    assert root.findtext(f"{ns}firmwareVersion") == "V5.7.13"
    nvr = net.device("hikvision-nvr")
    _, headers, _ = http(nvr.address, nvr.port("http"), "GET", "/ISAPI/System/deviceInfo")
    assert headers[b"server"] == [b"DNVRS-Webs"]
    assert headers[b"www-authenticate"][0].startswith(b'Digest realm="')
    xvr = net.device("dahua-xvr")
    _, _, sysinfo = http(
        xvr.address,
        xvr.port("http"),
        "GET",
        "/cgi-bin/magicBox.cgi?action=getSystemInfo",
        {"Authorization": "x"},
    )
    assert b"updateSerial=XVR5108C-X" in sysinfo
    xm = net.device("xiongmai-dvr")
    status, headers, body = http(xm.address, xm.port("http"), "GET", "/")
    assert status == b"HTTP/1.0 200 OK" and headers[b"server"] == [b"uc-httpd 1.0.0"]
    assert b"NETSuveillance WEB" in body


def test_head_has_headers_but_no_body(net: EmulatedNetwork) -> None:
    nvr = net.device("hikvision-nvr")
    status, headers, body = http(nvr.address, nvr.port("http"), "HEAD", "/")
    assert status == b"HTTP/1.1 200 OK"
    assert headers[b"server"] == [b"DNVRS-Webs"]
    assert int(headers[b"content-length"][0]) > 100
    assert body == b""


def test_not_http_gets_nothing_or_bad_request(net: EmulatedNetwork) -> None:
    hik = net.device("hikvision-ipc")
    assert tcp_exchange(hik.address, hik.port("http"), b"\x16\x03\x01\x00\x05hello\r\n\r\n") == b""


def _rtsp_cases() -> list[tuple[str, str, str, dict]]:
    cases = []
    for prof in PROFILES:
        for svc in prof.services:
            if svc.kind == "rtsp":
                for method, reply in svc.spec["replies"].items():
                    cases.append((prof.name, svc.name, method if method != "*" else "SETUP", reply))
    return cases


@pytest.mark.parametrize(("device", "service", "method", "reply"), _rtsp_cases())
def test_rtsp_reply(net: EmulatedNetwork, device: str, service: str, method: str, reply: dict) -> None:
    dev = net.device(device)
    raw = tcp_exchange(
        dev.address, dev.port(service), f"{method} rtsp://{dev.address}/ RTSP/1.0\r\nCSeq: 7\r\n\r\n".encode()
    )
    head = raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert head[0] == b"RTSP/1.0 " + as_bytes(reply["status"])
    names = [line.split(b":")[0] for line in head[1:]]
    assert names == [as_bytes(n) for n, _ in reply.get("headers", [])]
    if any(v == "${cseq}" for _, v in reply.get("headers", [])):
        assert b"CSeq: 7" in head


def test_rtsp_without_cseq_drops_the_header(net: EmulatedNetwork) -> None:
    dev = net.device("dahua-ipc")
    raw = tcp_exchange(dev.address, dev.port("rtsp"), b"OPTIONS * RTSP/1.0\r\n\r\n")
    assert raw == (
        b'RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic realm="device"\r\n'
        b"Server: Dahua Rtsp Server\r\nContent-Length: 0\r\n\r\n"
    )


def _banner_cases() -> list[tuple[str, str, bytes]]:
    return [
        (p.name, s.name, as_bytes(s.spec["banner"]))
        for p in PROFILES
        for s in p.services
        if s.kind == "banner"
    ]


@pytest.mark.parametrize(("device", "service", "banner"), _banner_cases())
def test_banner(net: EmulatedNetwork, device: str, service: str, banner: bytes) -> None:
    dev = net.device(device)
    assert read_banner(dev.address, dev.port(service), len(banner)) == banner


def test_banner_literals(net: EmulatedNetwork) -> None:
    hw = net.device("huawei-switch")
    assert read_banner(hw.address, hw.port("ssh"), 20) == b"SSH-2.0-HUAWEI-1.5\r\n"
    zte = net.device("zte-ont")
    telnet = read_banner(zte.address, zte.port("telnet"), 28)
    assert telnet[:12] == bytes([255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3])  # IAC DO/WILL
    assert telnet.endswith(b"F6600P login: ")


def test_silent_port_accepts_and_says_nothing(net: EmulatedNetwork) -> None:
    dev = net.device("dahua-xvr")
    assert read_banner(dev.address, dev.port("dvrip"), 16, timeout=0.5) == b""


def _snmp_devices() -> list[tuple[str, dict]]:
    return [(p.name, s.spec) for p in PROFILES for s in p.services if s.kind == "snmp"]


@pytest.mark.parametrize(("device", "spec"), _snmp_devices())
@pytest.mark.parametrize("version", [0, 1])
def test_snmp_get_system(net: EmulatedNetwork, device: str, spec: dict, version: int) -> None:
    dev = net.device(device)
    oids = ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.5.0"]
    msg = snmp_get(dev.address, dev.port("snmp"), oids, version=version)
    assert msg is not None and msg.pdu_type == ber.GET_RESPONSE and msg.error_status == 0
    assert msg.request_id == 4242 and msg.version == version
    values = dict(msg.varbinds)
    assert values["1.3.6.1.2.1.1.1.0"].value == as_bytes(spec["sysDescr"])
    assert ber.dec_oid(values["1.3.6.1.2.1.1.2.0"]) == spec["sysObjectID"]
    assert values["1.3.6.1.2.1.1.5.0"].value == as_bytes(spec["sysName"])


def test_snmp_literals_and_walk(net: EmulatedNetwork) -> None:
    hw = net.device("huawei-switch")
    msg = snmp_get(hw.address, hw.port("snmp"), ["1.3.6.1.2.1.1.1.0"])
    assert msg is not None
    assert b"VRP (R) software,Version 5.170 (S5720 V200R010C00SPC600)" in msg.varbinds[0][1].value
    # GETNEXT walk of the system group, in OID order, ending with endOfMibView (v2c)
    seen, oid = [], "1.3.6.1.2.1.1"
    for _ in range(10):
        reply = snmp_get(hw.address, hw.port("snmp"), [oid], version=1, pdu=ber.GET_NEXT_REQUEST)
        assert reply is not None
        oid, value = reply.varbinds[0]
        if value.tag == ber.END_OF_MIB_VIEW:
            break
        seen.append(oid)
    assert seen[:3] == ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0"]
    assert seen == sorted(seen, key=ber.oid_key) and len(seen) == 7


def test_snmp_errors(net: EmulatedNetwork) -> None:
    dev = net.device("cisco-switch")
    assert snmp_get(dev.address, dev.port("snmp"), ["1.3.6.1.2.1.1.1.0"], community=b"private") is None
    v1 = snmp_get(dev.address, dev.port("snmp"), ["1.3.6.1.2.1.2.1.0"], version=0)
    assert v1 is not None and (v1.error_status, v1.error_index) == (2, 1)  # noSuchName
    v2 = snmp_get(dev.address, dev.port("snmp"), ["1.3.6.1.2.1.2.1.0"], version=1)
    assert v2 is not None and v2.varbinds[0][1].tag == ber.NO_SUCH_OBJECT
    assert udp_exchange(dev.address, dev.port("snmp"), b"\x30\x03\x02\x01\x03") is None  # not v1/v2c


def test_sip_options(net: EmulatedNetwork) -> None:
    dev = net.device("linux-server")
    port = dev.port("sip")
    request = (
        f"OPTIONS sip:nm@{dev.address} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK1\r\n"
        f"From: <sip:nm@nm>;tag=1\r\nTo: <sip:nm2@nm2>\r\nCall-ID: 50000\r\nCSeq: 42 OPTIONS\r\n"
        f"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    reply = udp_exchange(dev.address, port, request)
    assert reply is not None
    lines = reply.split(b"\r\n")
    assert lines[0] == b"SIP/2.0 200 OK"
    assert b"Server: Asterisk PBX 13.9.1" in lines
    assert b"Call-ID: 50000" in lines and b"CSeq: 42 OPTIONS" in lines
    assert any(line.startswith(b"To: <sip:nm2@nm2>;tag=") for line in lines)


def test_ssdp_and_upnp_description(net: EmulatedNetwork) -> None:
    dev = net.device("hikvision-ipc")
    msearch = (
        b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n'
        b"MX: 1\r\nST: upnp:rootdevice\r\n\r\n"
    )
    reply = udp_exchange(dev.address, dev.port("ssdp"), msearch)
    assert reply is not None and reply.startswith(b"HTTP/1.1 200 OK\r\n")
    headers = dict(line.split(b": ", 1) for line in reply.split(b"\r\n")[1:] if b": " in line)
    location = headers[b"LOCATION"].decode()
    assert headers[b"ST"] == b"upnp:rootdevice"
    assert location == f"http://{dev.address}:{dev.port('http')}/upnp/desc.xml"
    assert (
        udp_exchange(dev.address, dev.port("ssdp"), msearch.replace(b"upnp:rootdevice", b"urn:x:y:1")) is None
    )
    _, _, body = http(dev.address, dev.port("http"), "GET", "/upnp/desc.xml")
    ns = "{urn:schemas-upnp-org:device-1-0}"
    device = DET.fromstring(body).find(f"{ns}device")
    assert device is not None
    assert device.findtext(f"{ns}manufacturer") == "Hikvision"
    assert device.findtext(f"{ns}modelName") == "DS-2CD2386G2-IU"
    assert device.findtext(f"{ns}serialNumber") == "DS-2CD2386G2-IU20240301AAWRJ61234567"
    assert device.findtext(f"{ns}friendlyName", "").startswith("DS-2CD2386G2-IU")
    assert device.findtext(f"{ns}modelNumber") == "DS-2CD2386G2-IU"


def test_ws_discovery_probe_matches(net: EmulatedNetwork) -> None:
    dev = net.device("hikvision-ipc")
    probe = (
        b'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        b"<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"
        b"<a:MessageID>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</a:MessageID>"
        b"<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>"
        b"<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>"
    )
    reply = udp_exchange(dev.address, dev.port("wsd"), probe)
    assert reply is not None
    root = DET.fromstring(reply)
    d = "{http://schemas.xmlsoap.org/ws/2005/04/discovery}"
    a = "{http://schemas.xmlsoap.org/ws/2004/08/addressing}"
    assert root.findtext(f".//{a}RelatesTo") == "urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a"
    scopes = (root.findtext(f".//{d}Scopes") or "").split()
    assert "onvif://www.onvif.org/hardware/DS-2CD2386G2-IU" in scopes
    assert "onvif://www.onvif.org/name/HIKVISION%20DS-2CD2386G2-IU" in scopes
    assert root.findtext(f".//{d}XAddrs") == f"http://{dev.address}:{dev.port('http')}/onvif/device_service"


def _soap(action: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
        f'<s:Body><{action} xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>'
    ).encode()


def test_onvif_device_service(net: EmulatedNetwork) -> None:
    dev = net.device("hikvision-ipc")
    ct = {"Content-Type": "application/soap+xml; charset=utf-8"}
    status, _, body = http(
        dev.address, dev.port("http"), "POST", "/onvif/device_service", ct, _soap("GetDeviceInformation")
    )
    assert status == b"HTTP/1.1 200 OK"
    tds = "{http://www.onvif.org/ver10/device/wsdl}"
    resp = DET.fromstring(body).find(f".//{tds}GetDeviceInformationResponse")
    assert resp is not None
    got = {
        k: resp.findtext(f"{tds}{k}")
        for k in ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")
    }
    assert got == {
        "Manufacturer": "HIKVISION",
        "Model": "DS-2CD2386G2-IU",
        "FirmwareVersion": "V5.7.13 build 230504",
        "SerialNumber": "DS-2CD2386G2-IU20240301AAWRJ61234567",
        "HardwareId": "88",
    }
    status, _, body = http(
        dev.address, dev.port("http"), "POST", "/onvif/device_service", ct, _soap("GetSystemDateAndTime")
    )
    tt = "{http://www.onvif.org/ver10/schema}"
    year = DET.fromstring(body).findtext(f".//{tt}UTCDateTime/{tt}Date/{tt}Year")
    assert status == b"HTTP/1.1 200 OK" and year is not None and int(year) >= 2024
    status, _, _ = http(
        dev.address, dev.port("http"), "POST", "/onvif/device_service", ct, _soap("SetHostname")
    )
    assert status == b"HTTP/1.1 400 Bad Request"


@pytest.mark.skipif(not tls_available(), reason="openssl CLI not installed")
def test_tls_certificates(net: EmulatedNetwork) -> None:
    xvr = net.device("dahua-xvr")
    cert = peer_certificate(xvr.address, xvr.port("https"))
    subject = dict(x[0] for x in cert["subject"])
    issuer = dict(x[0] for x in cert["issuer"])
    assert subject == {"commonName": xvr.address, "countryName": "CN"}
    assert issuer["commonName"] == "Dahua\u00a0Device\u00a0NVR\u00a0CA"
    assert issuer["organizationName"] == "Zhejiang\u00a0Dahua\u00a0Technology\u00a0Co.,Ltd."
    assert (issuer["stateOrProvinceName"], issuer["localityName"]) == ("Zhejiang", "Hangzhou")
    status, headers, body = http(xvr.address, xvr.port("https"), "GET", "/", tls=True)
    assert status == b"HTTP/1.1 200 OK" and b"<title>WEB</title>" in body and b"server" not in headers
    ezviz = net.device("ezviz-camera")
    cert = peer_certificate(ezviz.address, ezviz.port("https"))
    assert dict(x[0] for x in cert["subject"]) == {"commonName": "EZVIZ Device"}
    assert dict(x[0] for x in cert["issuer"]) == {"commonName": "CAServer"}


def test_hostile_device_sends_raw_bytes(net: EmulatedNetwork) -> None:
    dev = net.device("hostile-device")
    _, headers, body = http(dev.address, dev.port("http"), "GET", "/")
    server = headers[b"server"][0]
    assert server.startswith(b"<script>alert(1)</script>\x1b[31m")
    assert b"\xff\xfe" in server
    try:
        server.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover - the point of this device
        pytest.fail("hostile Server header must not be valid UTF-8")
    assert b'<title>&lt;script&gt;alert(1)&lt;/script&gt;" onmouseover="alert(2)\x00\x1b]0;pwned\x07' in body
    assert b"<script>alert(3)</script>" in body
    if tls_available():
        cert = peer_certificate(dev.address, dev.port("https"))
        assert dict(x[0] for x in cert["subject"])["commonName"] == "<script>alert(1)</script>"
    banner = read_banner(dev.address, dev.port("ssh"), 64, timeout=1)
    assert banner.startswith(b"SSH-2.0-<script>") and b"\x1b[2J" in banner
