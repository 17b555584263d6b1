"""Tiny UDP responders on one loopback address, for real nmap UDP scripts (SNMP, SSDP, WS-Discovery).

Each answers just enough for nmap's snmp-sysdescr, upnp-info and wsdd-discover to report:
an SNMP v1/v2c GetResponse for sysDescr.0 and sysUpTime.0 (BER written here), an SSDP
M-SEARCH reply, a WS-Discovery ProbeMatch. Anything unparsable is ignored.
"""

from __future__ import annotations

import socket
import threading

SYSDESCR = b"Example Camera X-100\nFirmware V5.5.0 \xe6\x97\xa5"
SSDP_SERVER = b"Linux/3.10 UPnP/1.0 ExampleCam/1.0"
WSD_TYPES = b"dn:NetworkVideoTransmitter tds:Device"


def _length(n: int) -> bytes:
    if n < 128:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _read(data: bytes, pos: int) -> tuple[int, bytes, int]:
    tag, size = data[pos], data[pos + 1]
    pos += 2
    if size & 0x80:
        count = size & 0x7F
        size = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + size > len(data):
        raise ValueError("truncated")
    return tag, data[pos : pos + size], pos + size


def snmp_answer(data: bytes) -> bytes | None:
    """GetResponse to a v1/v2c GetRequest for sysDescr.0 or sysUpTime.0."""
    _, message, _ = _read(data, 0)
    _, version, pos = _read(message, 0)
    _, community, pos = _read(message, pos)
    tag, pdu, _ = _read(message, pos)
    if tag != 0xA0:  # GetRequest only
        return None
    _, request_id, pos = _read(pdu, 0)
    _, _, pos = _read(pdu, pos)
    _, _, pos = _read(pdu, pos)
    _, varbinds, _ = _read(pdu, pos)
    _, varbind, _ = _read(varbinds, 0)
    _, oid, _ = _read(varbind, 0)
    if oid == bytes.fromhex("2b06010201010100"):  # 1.3.6.1.2.1.1.1.0
        value = tlv(0x04, SYSDESCR)
    elif oid == bytes.fromhex("2b06010201010300"):  # 1.3.6.1.2.1.1.3.0
        value = tlv(0x43, (18360000).to_bytes(4, "big"))
    else:
        return None
    answer = tlv(0x30, tlv(0x06, oid) + value)
    pdu = tlv(0xA2, tlv(0x02, request_id) + tlv(0x02, b"\x00") + tlv(0x02, b"\x00") + tlv(0x30, answer))
    return tlv(0x30, tlv(0x02, version) + tlv(0x04, community) + pdu)


def ssdp_answer(address: str) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\n"
        b"LOCATION: http://" + address.encode() + b":49152/rootDesc.xml\r\n"
        b"SERVER: " + SSDP_SERVER + b"\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\n\r\n"
    )


def wsd_answer(data: bytes, address: str) -> bytes:
    start = data.find(b"MessageID>")
    relates = data[start + 10 : data.find(b"<", start)] if start >= 0 else b""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"'
        b' xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"'
        b' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header>'
        b"<a:MessageID>urn:uuid:9ea97e41-e874-faa7-fe28-deadbeefceb3</a:MessageID>"
        b"<a:RelatesTo>" + relates + b"</a:RelatesTo>"
        b"<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></e:Header>"
        b"<e:Body><d:ProbeMatches><d:ProbeMatch><d:Types>" + WSD_TYPES + b"</d:Types>"
        b"<d:Scopes>onvif://www.onvif.org/name/EXAMPLE</d:Scopes>"
        b"<d:XAddrs>http://" + address.encode() + b"/onvif/device_service</d:XAddrs>"
        b"</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
    )


class UdpAgents:
    """SNMP on 161, SSDP on 1900 and WS-Discovery on 3702 of one 127.x.y.z address (needs root)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        for port, answer in (
            (161, snmp_answer),
            (1900, lambda data: ssdp_answer(address)),
            (3702, lambda data: wsd_answer(data, address)),
        ):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((address, port))
            sock.settimeout(0.2)
            self._sockets.append(sock)
            threading.Thread(target=self._serve, args=(sock, answer), daemon=True).start()

    def _serve(self, sock: socket.socket, answer) -> None:
        while not self._stop.is_set():
            try:
                data, peer = sock.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                reply = answer(data)
            except (ValueError, IndexError):
                continue
            if reply:
                sock.sendto(reply, peer)

    def close(self) -> None:
        self._stop.set()
        for sock in self._sockets:
            sock.close()
