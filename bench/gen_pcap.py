"""Generate a large, realistic packet capture for bench/pcap_vs_tshark.py.

    python bench/gen_pcap.py OUT.pcap --size-mb 1100 [--hosts 600 --servers 3000 --seed 1]

A site network (10.20.0.0/16, one MAC per host) talking to many remote servers: DNS queries and
answers, HTTP requests with Host headers and responses with Server headers and bodies, TLS
ClientHellos with SNI (1.2 sessions with a certificate, 1.3 without), bulk TCP transfers of
1448-byte segments, QUIC-like and RTP-like UDP, some DHCP, ARP, SSDP and SNMP, a few
retransmissions and reordered segments. Many conversations run at once, interleaved, with
increasing timestamps. Nothing is sent anywhere: the bytes are written to the file.
"""

from __future__ import annotations

import argparse
import os
import random
import struct
import sys
import time
from collections.abc import Iterator

ROUTER_MAC = bytes.fromhex("00005e000101")
MSS = 1448
_ETH = struct.Struct("!6s6sH")
_IP4 = struct.Struct("!BBHHHBBH4s4s")
_TCP = struct.Struct("!HHIIBBHHH")
_UDP = struct.Struct("!HHHH")
_REC = struct.Struct("<IIII")

SERVER_NAMES = [
    "api.example-cloud.test", "cdn.example-media.test", "update.vendor-one.test", "p2p.camera-cloud.test",
    "telemetry.vendor-two.test", "www.example.org", "mail.example.net", "time.example.com",
    "push.example-phone.test", "storage.example-backup.test",
]  # fmt: skip
SERVERS = [b"nginx/1.22.1", b"Apache/2.4.57 (Debian)", b"App-webs/", b"Microsoft-IIS/10.0", b"cloudflare"]


class Gen:
    def __init__(self, hosts: int, servers: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.hosts = [
            (bytes([10, 20, i // 250, 1 + i % 250]), bytes([0x02, 0x1A, 0, 0, i >> 8, i & 255]))
            for i in range(hosts)
        ]
        self.servers = [bytes([198, 51, 100, 0]) if i == 0 else self._public(i) for i in range(servers)]
        self.names = [f"h{i}.{SERVER_NAMES[i % len(SERVER_NAMES)]}" for i in range(servers)]
        self.bulk = os.urandom(MSS)
        self.ident = 0
        self.worst = False

    def _public(self, i: int) -> bytes:
        return bytes([23 + (i * 7) % 180, (i * 13) % 256, (i * 29) % 256, 1 + i % 250])

    # ----------------------------------------------------------------------------- packets

    def ip(self, src: bytes, dst: bytes, proto: int, l4: bytes, smac: bytes, dmac: bytes) -> bytes:
        self.ident = (self.ident + 1) & 0xFFFF
        header = _IP4.pack(0x45, 0, 20 + len(l4), self.ident, 0x4000, 64, proto, 0, src, dst)
        return _ETH.pack(dmac, smac, 0x0800) + header + l4

    def tcp(self, s, d, sp, dp, seq, ack, flags, payload=b"", smac=ROUTER_MAC, dmac=ROUTER_MAC) -> bytes:
        header = _TCP.pack(sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags, 502, 0, 0)
        return self.ip(s, d, 6, header + payload, smac, dmac)

    def udp(self, s, d, sp, dp, payload, smac=ROUTER_MAC, dmac=ROUTER_MAC) -> bytes:
        return self.ip(s, d, 17, _UDP.pack(sp, dp, 8 + len(payload), 0) + payload, smac, dmac)

    # ----------------------------------------------------------------------------- conversations

    def tcp_session(
        self, host, server: bytes, dport: int, request: bytes, response: bytes, bulk: int
    ) -> list[bytes]:
        ip, mac = host
        sport = self.rng.randint(20000, 65000)
        c, s = self.rng.getrandbits(32), self.rng.getrandbits(32)
        out = [
            self.tcp(ip, server, sport, dport, c, 0, 0x02, smac=mac),
            self.tcp(server, ip, dport, sport, s, c + 1, 0x12, dmac=mac),
            self.tcp(ip, server, sport, dport, c + 1, s + 1, 0x10, smac=mac),
            self.tcp(ip, server, sport, dport, c + 1, s + 1, 0x18, request, smac=mac),
        ]
        c += 1 + len(request)
        s += 1
        for pos in range(0, len(response), MSS):
            out.append(
                self.tcp(server, ip, dport, sport, s + pos, c, 0x18, response[pos : pos + MSS], dmac=mac)
            )
        s += len(response)
        for i in range(bulk):
            segment = self.tcp(server, ip, dport, sport, s, c, 0x10, self.bulk, dmac=mac)
            out.append(segment)
            if i % 97 == 5:
                out.append(segment)  # a retransmission
            if i % 2:
                out.append(self.tcp(ip, server, sport, dport, c, s + MSS, 0x10, smac=mac))
            s += MSS
        if bulk > 10 and self.rng.random() < 0.2:
            out[-3], out[-2] = out[-2], out[-3]  # reordered near the end
        out.append(self.tcp(ip, server, sport, dport, c, s, 0x11, smac=mac))
        out.append(self.tcp(server, ip, dport, sport, s, c + 1, 0x11, dmac=mac))
        out.append(self.tcp(ip, server, sport, dport, c + 1, s + 1, 0x10, smac=mac))
        return out

    def http(self, host) -> list[bytes]:
        i = self.rng.randrange(len(self.servers))
        request = (
            b"GET /index.html HTTP/1.1\r\nHost: %s\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"
            % self.names[i].encode()
        )
        body = b"<html><head><title>Bench page %d</title></head><body>" % i + b"x" * 3000 + b"</body></html>"
        response = b"HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % (
            self.rng.choice(SERVERS), len(body),
        ) + body  # fmt: skip
        return self.tcp_session(
            host, self.servers[i], 80, request, response, self.rng.choice((0, 5, 50, 400))
        )

    def tls(self, host) -> list[bytes]:
        i = self.rng.randrange(len(self.servers))
        name = self.names[i].encode()
        sni = struct.pack("!HHHBH", 0, len(name) + 5, len(name) + 3, 0, len(name)) + name
        extensions = (
            sni + struct.pack("!HH", 43, 3) + b"\x02\x03\x04" + struct.pack("!HH", 21, 300) + b"\x00" * 300
        )
        body = b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32) + b"\x00\x04\x13\x01\x13\x02\x01\x00"
        body += struct.pack("!H", len(extensions)) + extensions
        hello = b"\x01" + len(body).to_bytes(3, "big") + body
        record = b"\x16\x03\x01" + struct.pack("!H", len(hello)) + hello
        server_hello = (
            b"\x02\x00\x00\x46\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32) + b"\x13\x01\x00\x00\x00"
        )
        response = (
            b"\x16\x03\x03"
            + struct.pack("!H", len(server_hello))
            + server_hello
            + b"\x17\x03\x03\x04\x00"
            + b"\x00" * 1024
        )
        return self.tcp_session(
            host, self.servers[i], 443, record, response, self.rng.choice((2, 20, 200, 1500))
        )

    def dns(self, host) -> list[bytes]:
        ip, mac = host
        i = self.rng.randrange(len(self.servers))
        qname = b"".join(bytes([len(p)]) + p for p in self.names[i].encode().split(b".")) + b"\x00"
        ident = self.rng.getrandbits(16)
        sport = self.rng.randint(20000, 65000)
        query = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + qname + b"\x00\x01\x00\x01"
        answer = struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + qname + b"\x00\x01\x00\x01"
        answer += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04" + self.servers[i]
        resolver = bytes([10, 20, 255, 53])
        return [
            self.udp(ip, resolver, sport, 53, query, smac=mac),
            self.udp(resolver, ip, 53, sport, answer, dmac=mac),
        ]

    def udp_stream(self, host) -> list[bytes]:
        ip, mac = host
        server = self.rng.choice(self.servers)
        sport = self.rng.randint(20000, 65000)
        port = self.rng.choice((443, 3478, 5004))
        count = self.rng.choice((10, 100, 400))
        out = []
        for n in range(count):
            if n % 3:
                out.append(self.udp(server, ip, port, sport, self.bulk[:1200], dmac=mac))
            else:
                out.append(self.udp(ip, server, sport, port, self.bulk[:160], smac=mac))
        return out

    def local(self, host) -> list[bytes]:
        ip, mac = host
        kind = self.rng.random()
        if kind < 0.3:
            arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + ip + ROUTER_MAC + bytes([10, 20, 255, 1])
            return [_ETH.pack(ROUTER_MAC, mac, 0x0806) + arp]
        if kind < 0.6:
            notify = (
                b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
                b"LOCATION: http://%s:49152/desc.xml\r\nSERVER: Linux/4.9 UPnP/1.0 BenchDevice/1.0\r\n\r\n"
            ) % ".".join(map(str, ip)).encode()
            return [
                self.udp(
                    ip,
                    bytes([239, 255, 255, 250]),
                    1900,
                    1900,
                    notify,
                    smac=mac,
                    dmac=bytes.fromhex("01005e7ffffa"),
                )
            ]
        hostname = b"bench-host-%d" % ip[3]
        options = (
            b"\x35\x01\x03\x0c"
            + bytes([len(hostname)])
            + hostname
            + b"\x3c\x0cudhcp 1.30.1\x37\x04\x01\x03\x06\x0f\xff"
        )
        dhcp = struct.pack("!BBBBIHHIIII", 1, 1, 6, 0, self.rng.getrandbits(32), 0, 0, 0, 0, 0, 0)
        dhcp += mac + b"\x00" * 10 + b"\x00" * 192 + b"\x63\x82\x53\x63" + options
        return [self.udp(b"\x00\x00\x00\x00", b"\xff\xff\xff\xff", 68, 67, dhcp, smac=mac, dmac=b"\xff" * 6)]

    def half_open(self) -> list[bytes]:
        """A connection whose request and response heads never end: both streams wait, holding
        their bytes until the connection leaves the table (the worst case for memory)."""
        host = self.rng.choice(self.hosts)
        ip, mac = host
        server = self.rng.choice(self.servers)
        sport = self.rng.randint(1024, 65535)
        c, s = self.rng.getrandbits(32), self.rng.getrandbits(32)
        head = b"HTTP/1.1 200 OK\r\nServer: half-open\r\nX-Pad: " + self.bulk[:1200]
        return [
            self.tcp(ip, server, sport, 80, c, 0, 0x02, smac=mac),
            self.tcp(server, ip, 80, sport, s, c + 1, 0x12, dmac=mac),
            self.tcp(
                ip,
                server,
                sport,
                80,
                c + 1,
                s + 1,
                0x18,
                b"GET / HTTP/1.1\r\nHost: a.test\r\nX: " + b"y" * 600,
                smac=mac,
            ),
            self.tcp(server, ip, 80, sport, s + 1, c + 1, 0x18, head, dmac=mac),
        ]

    def session(self) -> list[bytes]:
        if self.worst:
            return self.half_open()
        host = self.rng.choice(self.hosts)
        roll = self.rng.random()
        if roll < 0.35:
            return self.dns(host)
        if roll < 0.6:
            return self.tls(host)
        if roll < 0.8:
            return self.http(host)
        if roll < 0.93:
            return self.udp_stream(host)
        return self.local(host)


def frames(gen: Gen, concurrency: int) -> Iterator[bytes]:
    """Packets of many sessions at once, interleaved round-robin."""
    active: list[Iterator[bytes]] = [iter(gen.session()) for _ in range(concurrency)]
    while True:
        for i in range(len(active)):
            packet = next(active[i], None)
            if packet is None:
                active[i] = iter(gen.session())
                packet = next(active[i])
            yield packet


def write(
    path: str, size: int, hosts: int, servers: int, seed: int, concurrency: int = 256, worst: bool = False
) -> tuple[int, int]:
    gen = Gen(hosts, servers, seed)
    gen.worst = worst
    written = 0
    count = 0
    ts = 1_700_000_000.0
    chunk: list[bytes] = []
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for packet in frames(gen, concurrency):
            ts += 0.00002
            sec = int(ts)
            chunk.append(_REC.pack(sec, int((ts - sec) * 1e6), len(packet), len(packet)))
            chunk.append(packet)
            written += 16 + len(packet)
            count += 1
            if len(chunk) >= 8192:
                out.write(b"".join(chunk))
                chunk.clear()
                if written >= size:
                    break
        out.write(b"".join(chunk))
    return written, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--size-mb", type=int, default=1100)
    parser.add_argument("--hosts", type=int, default=600)
    parser.add_argument("--servers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=256, help="conversations interleaved at once")
    parser.add_argument(
        "--half-open", action="store_true",
        help="worst case for memory: only connections whose heads never end (millions of them)",
    )  # fmt: skip
    args = parser.parse_args()
    start = time.perf_counter()
    written, count = write(
        args.out, args.size_mb << 20, args.hosts, args.servers, args.seed, args.concurrency, args.half_open
    )
    took = time.perf_counter() - start
    print(f"wrote {args.out}: {written / 1e6:.0f} MB, {count:,} packets in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
