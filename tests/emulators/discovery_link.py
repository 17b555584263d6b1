"""Two network namespaces joined by a veth pair: a scanner's side and a link full of devices that
answer local-link discovery (SSDP, WS-Discovery, mDNS, Hikvision SADP) by multicast.

    scanner ns  cdsc-<tag>:  veth sc<tag>a  198.18.N.1/24   (+ route to 198.19.N.0/24 over the link)
    devices ns  cddv-<tag>:  veth sc<tag>b  198.18.N.2/24, one address per device (.20, .21, ...),
                             198.18.N.50 (a decoy to be excluded), 198.18.N.60 (a device whose
                             answers point out of scope), 198.19.N.66 (a decoy outside the scope)

The devices side runs one process (`python -m tests.emulators.discovery_link serve ...`): the
profiles' TCP services (HTTP, RTSP, banners) through tests.emulators.network, per device a UDP
socket on 1900, 3702, 5353 and 37020 that answers unicast questions and sends its answers to
multicast ones, and one listener per multicast group that hands each question to every device.
Decoys (.50, 198.19.N.66) answer discovery too, claiming to be a Hikvision camera, and record
every TCP connection or unicast datagram they get to a file: a scanner that believed or
followed them fails the test. Traffic never leaves the namespace pair.

Answers: SSDP and WS-Discovery from each profile (servers.SsdpResponder / WsdResponder); SADP
ProbeMatch for the Hikvision profiles, element names and order as in the public SADP protocol
write-up https://www.mhzhuji.com/zhuji_info_958/ (values from the profile: model, serial, MAC,
firmware, address; DeviceType is ours: confidence low); mDNS for the Synology profile: the
service types a Synology NAS advertises (_http._tcp, _smb._tcp, _device-info._tcp: home-assistant
core issue 27371, a DS918+), instance and host name ours (confidence low).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from tests.processes import stop_process

from .netns import TEST_NET as TEST_NET_ALLOW
from .netns import _in_child_namespace, _ip, serve_in_namespace
from .network import EmulatedNetwork, plan
from .profiles import Profile, load_profiles
from .servers import Context, SsdpResponder, WsdResponder

REPO = Path(__file__).resolve().parents[2]
GROUPS = {
    "ssdp": ("239.255.255.250", 1900),
    "wsd": ("239.255.255.250", 3702),
    "mdns": ("224.0.0.251", 5353),
    "sadp": ("239.255.255.250", 37020),
}
MDNS_SERVICES = {"synology-nas": ["_http._tcp", "_smb._tcp", "_device-info._tcp"]}
SADP_PROFILES = ("hikvision-ipc", "hikvision-nvr")


class DiscoveryLink:
    """The namespace pair and the devices process; a context manager that removes them."""

    def __init__(self, profiles: list[Profile], subnet: int, contacts: Path) -> None:
        tag = f"{os.getpid() % 10000}{subnet}"
        self.scanner_ns = f"cdsc-{tag}"
        self.devices_ns = f"cddv-{tag}"
        self.a = f"sc{tag}a"[:15]
        self.b = f"sc{tag}b"[:15]
        self.subnet = subnet
        self.base = f"198.18.{subnet}."
        self.network = f"198.18.{subnet}.0/24"
        self.outside = f"198.19.{subnet}.66"
        self.excluded = self.base + "50"
        self.pointer = self.base + "60"
        self.profiles = profiles
        self.contacts = contacts
        self.devices = plan(profiles, base=self.base, first=20, port_offset=0, allow=TEST_NET_ALLOW)
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DiscoveryLink:
        try:
            self._setup()
            self._serve()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_in_scanner(self, argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        """Run a command in the scanner's namespace."""
        return subprocess.run(
            ["ip", "netns", "exec", self.scanner_ns, *argv], capture_output=True, timeout=timeout, cwd=REPO
        )

    def _setup(self) -> None:
        sc, dv = self.scanner_ns, self.devices_ns
        _ip("netns", "add", sc)
        _ip("netns", "add", dv)
        _ip("link", "add", self.a, "type", "veth", "peer", "name", self.b)
        _ip("link", "set", self.a, "netns", sc)
        _ip("link", "set", self.b, "netns", dv)
        in_sc = ["netns", "exec", sc, "ip"]
        in_dv = ["netns", "exec", dv, "ip"]
        _ip(*in_sc, "link", "set", "lo", "up")
        _ip(*in_sc, "addr", "add", f"{self.base}1/24", "dev", self.a)
        _ip(*in_sc, "link", "set", self.a, "up")
        _ip(*in_sc, "route", "add", f"198.19.{self.subnet}.0/24", "dev", self.a)
        _ip(*in_dv, "link", "set", "lo", "up")
        _ip(*in_dv, "addr", "add", f"{self.base}2/24", "dev", self.b)
        for address in [d.address for d in self.devices] + [self.excluded, self.pointer]:
            _ip(*in_dv, "addr", "add", f"{address}/32", "dev", self.b)
        _ip(*in_dv, "addr", "add", f"{self.outside}/24", "dev", self.b)
        _ip(*in_dv, "link", "set", self.b, "up")
        for ns in (sc, dv):
            subprocess.run(
                ["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"],
                check=False,
                timeout=30,
            )
        time.sleep(0.2)

    def _serve(self) -> None:
        args = ["--base", self.base, "--profiles", ",".join(p.name for p in self.profiles),
                "--interface", self.base + "2", "--excluded", self.excluded, "--pointer", self.pointer,
                "--outside", self.outside, "--contacts", str(self.contacts)]  # fmt: skip
        self.proc = serve_in_namespace(self.devices_ns, "tests.emulators.discovery_link", args)

    def close(self) -> None:
        stop_process(self.proc)
        self.proc = None
        for ns in (self.scanner_ns, self.devices_ns):
            _ip("netns", "del", ns, check=False)


# --------------------------------------------------------------------------- answers


def sadp_match(profile: Profile, address: str, question: bytes) -> bytes:
    """A SADP ProbeMatch (element order of the public write-up) for a Hikvision profile."""
    uuid = b""
    start = question.find(b"<Uuid>")
    end = question.find(b"</Uuid>")
    if 0 <= start < end:
        uuid = question[start + 6 : end]
    mac = (profile.mac or "").lower().replace(":", "-")
    firmware = (profile.firmware or "").replace(" build", "build")
    fields = [
        ("Uuid", uuid.decode("latin-1")), ("Types", "inquiry"), ("DeviceType", "31"),
        ("DeviceDescription", profile.model or ""), ("DeviceSN", profile.serial or ""),
        ("CommandPort", "8000"), ("HttpPort", "80"), ("MAC", mac), ("IPv4Address", address),
        ("IPv4SubnetMask", "255.255.255.0"), ("DHCP", "false"), ("SoftwareVersion", firmware),
        ("Activated", "true"),
    ]  # fmt: skip
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields)
    return f'<?xml version="1.0" encoding="UTF-8" ?><ProbeMatch>{body}</ProbeMatch>'.encode()


def _name(name: str) -> bytes:
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".") if x) + b"\x00"


def mdns_answer(question: bytes, host: str, address: str, services: list[str]) -> bytes | None:
    """A legacy unicast answer (RFC 6762 6.7): the service types and the host's address."""
    if len(question) < 12 or b"_services" not in question:
        return None
    records = []
    for service in services:
        rdata = _name(f"{service}.local")
        records.append(
            _name("_services._dns-sd._udp.local") + struct.pack(">HHIH", 12, 1, 10, len(rdata)) + rdata
        )
        instance = _name(f"{host}.{service}.local")
        records.append(_name(f"{service}.local") + struct.pack(">HHIH", 12, 1, 10, len(instance)) + instance)
    records.append(_name(f"{host}.local") + struct.pack(">HHIH", 1, 1, 10, 4) + socket.inet_aton(address))
    qend = 12
    while qend < len(question) and question[qend] != 0:
        qend += question[qend] + 1
    qsection = question[12 : qend + 5]
    header = question[:2] + struct.pack(">HHHHH", 0x8400, 1, len(records), 0, 0)
    return header + qsection + b"".join(records)


def _decoy_answers(address: str, location_to: str, claim: bool) -> dict[str, bytes]:
    """Discovery answers of a decoy pointing at `location_to`; with `claim`, they say "Hikvision"
    (a decoy whose claims a scanner must not believe)."""
    name = "HIKVISION%20DECOY" if claim else "pointer"
    server = "Portable SDK for UPnP devices/1.6.18" if claim else "pointer/1.0"
    return {
        "ssdp": (
            "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
            f"LOCATION: http://{location_to}:80/upnp/desc.xml\r\n"
            f"SERVER: Linux/3.10.0, UPnP/1.0, {server}\r\n"
            "ST: upnp:rootdevice\r\nUSN: uuid:decoy::upnp:rootdevice\r\n\r\n"
        ).encode(),
        "wsd": (
            '<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Body><d:ProbeMatches><d:ProbeMatch>'
            "<d:Types>dn:NetworkVideoTransmitter</d:Types>"
            f"<d:Scopes>onvif://www.onvif.org/name/{name}</d:Scopes>"
            f"<d:XAddrs>http://{location_to}/onvif/device_service</d:XAddrs>"
            "</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"
        ).encode(),
        "sadp": (
            '<?xml version="1.0" encoding="UTF-8" ?><ProbeMatch><Types>inquiry</Types>'
            f"<DeviceDescription>{name}</DeviceDescription><MAC>02-00-00-00-00-66</MAC><IPv4Address>{address}"
            "</IPv4Address></ProbeMatch>"
        ).encode(),
    }


class _Answerer(asyncio.DatagramProtocol):
    """One address's socket on one discovery port: answers unicast questions, and sends the
    answers to multicast questions the group listener hands it."""

    def __init__(self, answer, record=None) -> None:  # type: ignore[no-untyped-def]
        self.answer = answer
        self.record = record
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.record is not None:
            self.record("udp", addr)
        self.reply(data, addr)

    def reply(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            out = self.answer(data)
        except Exception:
            out = None
        if out and self.transport is not None:
            self.transport.sendto(out, addr)


class _Group(asyncio.DatagramProtocol):
    def __init__(self, protocol: str, answerers: list[_Answerer]) -> None:
        self.protocol = protocol
        self.answerers = answerers

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        target = GROUPS["sadp"] if self.protocol == "sadp" else addr  # SADP answers to the group
        if self.protocol == "sadp" and b"<ProbeMatch" in data:
            return
        for answerer in self.answerers:
            answerer.reply(data, target)


async def _serve_async(args: argparse.Namespace, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    by_name = {p.name: p for p in load_profiles()}
    profiles = [by_name[n] for n in args.profiles.split(",")]
    # The profiles' unicast UDP discovery services are served below, on the same sockets that
    # answer the multicast questions; every other service runs as usual.
    tcp_only = [
        replace(p, services=tuple(s for s in p.services if s.kind not in ("ssdp", "wsd"))) for p in profiles
    ]
    net = EmulatedNetwork(plan(tcp_only, base=args.base, first=20, port_offset=0, allow=TEST_NET_ALLOW))
    await net._start_all()
    contacts = open(args.contacts, "a", buffering=1)  # noqa: SIM115 - closed at the end

    def recorder(address: str, port: int):  # type: ignore[no-untyped-def]
        def record(kind: str, addr: tuple[str, int]) -> None:
            contacts.write(f"{address} {port} {kind} {addr[0]}\n")

        return record

    answerers: dict[str, list[_Answerer]] = {k: [] for k in GROUPS}
    closers = []

    async def bind(address: str, protocol: str, answer, record=None) -> None:  # type: ignore[no-untyped-def]
        port = GROUPS[protocol][1]
        answerer = _Answerer(answer, record)
        transport, _ = await loop.create_datagram_endpoint(lambda: answerer, local_addr=(address, port))
        closers.append(transport)
        answerers[protocol].append(answerer)

    for dev in net.devices:
        ctx = Context(address=dev.address, ports=dev.ports, profile=dev.profile)
        # Real ports of the unicast services the original profile had (for ${port:...} templates).
        for svc in dev.profile.services:
            ctx.ports.setdefault(svc.name, svc.port)
        original = by_name[dev.profile.name]
        for svc in original.services:
            if svc.kind == "ssdp":
                await bind(dev.address, "ssdp", SsdpResponder(ctx, svc.spec).answer)
            elif svc.kind == "wsd":
                await bind(dev.address, "wsd", WsdResponder(ctx, svc.spec).answer)
        if dev.profile.name in MDNS_SERVICES:
            services = MDNS_SERVICES[dev.profile.name]
            await bind(
                dev.address,
                "mdns",
                lambda q, a=dev.address, n=dev.profile.name, s=services: mdns_answer(q, n, a, s),
            )
        if dev.profile.name in SADP_PROFILES:
            await bind(
                dev.address,
                "sadp",
                lambda q, p=original, a=dev.address: sadp_match(p, a, q) if b"inquiry" in q else None,
            )
    # Decoys: the excluded address and the out-of-scope one claim to be cameras; the pointer
    # (in scope) sends the scanner towards the out-of-scope decoy.
    for address, location_to, decoy in ((args.excluded, args.excluded, True), (args.outside, args.outside, True),
                                         (args.pointer, args.outside, False)):  # fmt: skip
        answers = _decoy_answers(address, location_to, claim=decoy)
        for protocol in ("ssdp", "wsd", "sadp"):
            record = recorder(address, GROUPS[protocol][1]) if decoy else None
            await bind(
                address,
                protocol,
                lambda q, a=answers[protocol], p=protocol: a if p != "sadp" or b"inquiry" in q else None,
                record,
            )
        if decoy:
            for port in (21, 22, 23, 80, 443, 554, 5000, 8000, 8080, 8443, 37777):

                async def hit(reader, writer, address=address, port=port) -> None:  # type: ignore[no-untyped-def]
                    peer = writer.get_extra_info("peername")
                    contacts.write(f"{address} {port} tcp {peer[0] if peer else '?'}\n")
                    writer.close()

                closers.append(await asyncio.start_server(hit, address, port, reuse_address=True))
    for protocol, (group, port) in GROUPS.items():
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((group, port))
        sock.setsockopt(
            socket.IPPROTO_IP,
            socket.IP_ADD_MEMBERSHIP,
            socket.inet_aton(group) + socket.inet_aton(args.interface),
        )
        transport, _ = await loop.create_datagram_endpoint(
            lambda p=protocol: _Group(p, answerers[p]), sock=sock
        )
        closers.append(transport)
    print("ready", flush=True)
    await stop.wait()
    for item in closers:
        item.close()
    await net._stop_all()
    contacts.close()


def _serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    for name in ("--base", "--profiles", "--interface", "--excluded", "--pointer", "--outside", "--contacts"):
        parser.add_argument(name, required=True)
    parser.add_argument("--expect-ns", type=int, required=True)
    parser.add_argument("--root-ns", type=int, required=True)
    args = parser.parse_args(argv)
    if not _in_child_namespace(args.expect_ns, args.root_ns):
        print("refusing: not inside a child network namespace", file=sys.stderr)
        return 2

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await _serve_async(args, stop)

    asyncio.run(main())
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        raise SystemExit(_serve(sys.argv[2:]))
    raise SystemExit("usage: python -m tests.emulators.discovery_link serve ...")
