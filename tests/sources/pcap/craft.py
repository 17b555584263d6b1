"""Handwritten captures for the pcap tests: packets built with dpkt, files written here (so that
byte order, timestamp resolution, snap lengths and damage are under the test's control)."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

import dpkt

MAC_A = bytes.fromhex("0200000000aa")  # a local client
MAC_B = bytes.fromhex("44a6425b1020")  # a camera (Hikvision OUI)
MAC_R = bytes.fromhex("00005e000101")  # a router


def ip4(text: str) -> bytes:
    return socket.inet_aton(text)


def ip6(text: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6, text)


def tcp(
    sport: int, dport: int, seq: int = 1000, flags: int = 0x18, data: bytes = b"", ack: int = 0
) -> dpkt.tcp.TCP:
    return dpkt.tcp.TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, data=data)


def udp(sport: int, dport: int, data: bytes) -> dpkt.udp.UDP:
    return dpkt.udp.UDP(sport=sport, dport=dport, data=data, ulen=8 + len(data))


def ip(src: str, dst: str, l4) -> bytes:
    """An IPv4 or IPv6 packet (by the address form) around a TCP or UDP segment."""
    proto = 6 if isinstance(l4, dpkt.tcp.TCP) else 17
    if ":" in src:
        packet = dpkt.ip6.IP6(src=ip6(src), dst=ip6(dst), nxt=proto, hlim=64, data=l4)
        packet.plen = len(bytes(l4))
        l4.sum = 0
        return bytes(packet)
    return bytes(dpkt.ip.IP(src=ip4(src), dst=ip4(dst), p=proto, data=l4))


def eth(
    payload: bytes,
    src: bytes = MAC_A,
    dst: bytes = MAC_B,
    etype: int | None = None,
    vlans: tuple[int, ...] = (),
) -> bytes:
    if etype is None:
        etype = 0x86DD if payload[:1] and payload[0] >> 4 == 6 else 0x0800
    # Each tag's TPID is written before it, the EtherType after the last one.
    if vlans:
        first = struct.pack("!H", 0x88A8 if len(vlans) > 1 else 0x8100)
        rest = b""
        for i, vid in enumerate(vlans):
            nxt = 0x8100 if i + 1 < len(vlans) else etype
            rest += struct.pack("!HH", vid, nxt)
        return dst + src + first + rest + payload
    return dst + src + struct.pack("!H", etype) + payload


def arp_reply(mac: bytes, address: str, to_mac: bytes = MAC_R, to: str = "10.0.0.1") -> bytes:
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + ip4(address) + to_mac + ip4(to)
    return eth(body, src=mac, dst=to_mac, etype=0x0806)


def write_pcap(
    path: Path,
    frames: list[bytes],
    linktype: int = 1,
    nano: bool = False,
    big: bool = False,
    caplens: dict[int, int] | None = None,
    start: float = 1_700_000_000.0,
) -> Path:
    """A classic pcap; caplens cuts frame i (0-based) to that many bytes, as a snaplen would."""
    order = ">" if big else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)]
    for i, frame in enumerate(frames):
        ts = start + i * 0.001
        sec = int(ts)
        frac = round((ts - sec) * (1e9 if nano else 1e6))
        data = frame[: caplens[i]] if caplens and i in caplens else frame
        out.append(struct.pack(order + "IIII", sec, frac, len(data), len(frame)) + data)
    path.write_bytes(b"".join(out))
    return path


def _block(order: str, btype: int, body: bytes) -> bytes:
    body += b"\x00" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack(order + "II", btype, length) + body + struct.pack(order + "I", length)


def shb(big: bool = False) -> bytes:
    order = ">" if big else "<"
    return _block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(linktype: int = 1, big: bool = False, tsresol: int | None = None) -> bytes:
    order = ">" if big else "<"
    options = b""
    if tsresol is not None:
        options = (
            struct.pack(order + "HH", 9, 1) + bytes([tsresol]) + b"\x00" * 3 + struct.pack(order + "HH", 0, 0)
        )
    return _block(order, 1, struct.pack(order + "HHI", linktype, 0, 262144) + options)


def epb(frame: bytes, ticks: int, iface: int = 0, big: bool = False) -> bytes:
    order = ">" if big else "<"
    head = struct.pack(order + "IIIII", iface, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), len(frame))
    return _block(order, 6, head + frame)


def spb(frame: bytes, big: bool = False) -> bytes:
    order = ">" if big else "<"
    return _block(order, 3, struct.pack(order + "I", len(frame)) + frame)


def http_exchange(client: str, server: str, request: bytes, response: bytes, sport: int = 40000, dport: int = 80,
                  src_mac: bytes = MAC_A, dst_mac: bytes = MAC_B) -> list[bytes]:  # fmt: skip
    """Handshake, one request, one response (one segment each), FIN both ways."""
    c, s = 1000, 5000
    return [
        eth(ip(client, server, tcp(sport, dport, c, 0x02)), src_mac, dst_mac),
        eth(ip(server, client, tcp(dport, sport, s, 0x12, ack=c + 1)), dst_mac, src_mac),
        eth(ip(client, server, tcp(sport, dport, c + 1, 0x18, request)), src_mac, dst_mac),
        eth(ip(server, client, tcp(dport, sport, s + 1, 0x18, response)), dst_mac, src_mac),
        eth(ip(client, server, tcp(sport, dport, c + 1 + len(request), 0x11)), src_mac, dst_mac),
        eth(ip(server, client, tcp(dport, sport, s + 1 + len(response), 0x11)), dst_mac, src_mac),
    ]


RESPONSE = (
    b"HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\n"
    b'WWW-Authenticate: Digest realm="abc", nonce="1"\r\nSet-Cookie: lang=en\r\n'
    b"Content-Type: text/html\r\nContent-Length: 44\r\n\r\n<html><title> Login  page </title></html>\r\n\r\n"
)
REQUEST = b"GET / HTTP/1.1\r\nHost: Camera.Example.:8080\r\nUser-Agent: t\r\n\r\n"
