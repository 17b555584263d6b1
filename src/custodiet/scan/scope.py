"""The scope of a scan, and the one guard every connection and datagram goes through.

Scope: the targets the user named (addresses, CIDR ranges, address ranges, host names, files of
them) minus what they excluded. Addresses are held as merged integer ranges, so a /16 costs a
few bytes and a membership test is one bisect.

ScopeGuard: the only way the scan package opens a connection or sends a datagram. A destination
outside the scope, or excluded, is refused before any socket exists for it, whatever asked for it
(a redirect, an SSDP LOCATION, a discovery reply, a DNS answer). Multicast goes out only with
--local-discovery, only on an interface whose whole network is in scope, with TTL 1. Refusals are
counted, and the scan reports them.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import ipaddress
import socket
import ssl as ssl_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from custodiet.errors import UsageError
from custodiet.numbers import whole_number

# A scan larger than this (a /8 of IPv4) is refused: it is not "your own network" any more.
MAX_HOSTS = 1 << 24
MAX_TARGET_FILE = 1 << 20  # bytes of one targets file

Resolver = Callable[[str], list[str]]


class OutOfScope(Exception):
    """A destination the guard refused (outside the targets, or excluded)."""


def resolve_name(name: str) -> list[str]:
    """Addresses of a host name, through the system resolver (done once, when the scope is
    built: a scan never resolves names that devices hand it)."""
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot resolve target {name!r}: {exc}") from None
    out: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]
        if address not in out:
            out.append(address)
    return out


def _ranges_of(text: str, resolve: Resolver, where: str) -> list[tuple[int, int, int]]:
    """(version, first, last) ranges of one target text."""
    item = text.strip()
    if not item:
        return []
    if "/" in item:
        try:
            net = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise UsageError(f"{where}not a network: {item!r}") from None
        return [(net.version, int(net.network_address), int(net.broadcast_address))]
    if "-" in item:
        first_text, _, last_text = item.partition("-")
        try:
            first = ipaddress.ip_address(first_text.strip())
        except ValueError:
            first = None
        if first is not None:
            last_text = last_text.strip()
            try:
                last = ipaddress.ip_address(last_text)
            except ValueError:
                # "10.0.0.5-40": the last octet (IPv4) or group (IPv6) of the first address
                octet = whole_number(last_text)
                if first.version == 4 and octet is not None and octet < 256:
                    last = ipaddress.ip_address((int(first) & ~0xFF) | octet)
                else:
                    raise UsageError(f"{where}not an address range: {item!r}") from None
            if last.version != first.version or int(last) < int(first):
                raise UsageError(f"{where}not an address range: {item!r}")
            return [(first.version, int(first), int(last))]
    try:
        address = ipaddress.ip_address(item.split("%", 1)[0])
        return [(address.version, int(address), int(address))]
    except ValueError:
        pass
    if not all(c.isalnum() or c in "-._" for c in item):
        raise UsageError(f"{where}not an address, network, range or host name: {item!r}")
    out: list[tuple[int, int, int]] = []
    for address_text in resolve(item):
        address = ipaddress.ip_address(address_text)
        out.append((address.version, int(address), int(address)))
    return out


def _expand(items: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(text, where) of every target, files read: an item naming an existing file (or "@file")
    is a file of targets, one or more per line, "#" starting a comment."""
    for item in items:
        path_text = item[1:] if item.startswith("@") else item
        path = Path(path_text)
        if item.startswith("@") or (("/" in item or "." in item) and path.is_file()):
            try:
                with path.open("rb") as handle:
                    data = handle.read(MAX_TARGET_FILE + 1)
            except OSError as exc:
                raise UsageError(f"cannot read targets file {path_text!r}: {exc.strerror}") from None
            if len(data) > MAX_TARGET_FILE:
                raise UsageError(f"targets file {path_text!r} is larger than {MAX_TARGET_FILE} bytes")
            for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
                for word in line.split("#", 1)[0].replace(",", " ").split():
                    yield word, f"{path_text}: line {number}: "
        else:
            yield item, ""


def _merge(ranges: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for version, first, last in sorted(ranges):
        if out and out[-1][0] == version and first <= out[-1][2] + 1:
            if last > out[-1][2]:
                out[-1] = (version, out[-1][1], last)
        else:
            out.append((version, first, last))
    return out


def _contains(ranges: Sequence[tuple[int, int, int]], version: int, value: int) -> bool:
    index = bisect.bisect_right(ranges, (version, value, 1 << 129)) - 1
    return index >= 0 and ranges[index][0] == version and ranges[index][1] <= value <= ranges[index][2]


@dataclass(frozen=True)
class Scope:
    """Targets minus exclusions, as merged (version, first, last) integer ranges."""

    include: tuple[tuple[int, int, int], ...]
    exclude: tuple[tuple[int, int, int], ...] = ()
    texts: tuple[str, ...] = ()  # what the user gave, for the replies file header
    exclude_texts: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, targets: Sequence[str], exclude: Sequence[str] = (), resolve: Resolver = resolve_name
    ) -> Scope:
        if not targets:
            raise UsageError("no targets: name addresses, networks, ranges, host names or a file of them")
        include: list[tuple[int, int, int]] = []
        for text, where in _expand(targets):
            include.extend(_ranges_of(text, resolve, where))
        excluded: list[tuple[int, int, int]] = []
        for text, where in _expand(exclude):
            excluded.extend(_ranges_of(text, resolve, where))
        scope = cls(tuple(_merge(include)), tuple(_merge(excluded)), tuple(targets), tuple(exclude))
        if scope.size() > MAX_HOSTS:
            raise UsageError(f"{scope.size()} addresses in scope: more than {MAX_HOSTS} (a /8) is refused")
        if scope.size() == 0:
            raise UsageError("every target is excluded: nothing to scan")
        return scope

    def allows(self, address: str) -> bool:
        """Whether this address may be contacted: in a target and in no exclusion."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        value = int(ip)
        return _contains(self.include, ip.version, value) and not _contains(self.exclude, ip.version, value)

    def size(self) -> int:
        """Number of addresses in scope (targets minus exclusions)."""
        total = sum(last - first + 1 for _, first, last in self.include)
        for version, first, last in self.exclude:
            for iv, ifirst, ilast in self.include:
                if iv == version:
                    overlap = min(last, ilast) - max(first, ifirst) + 1
                    if overlap > 0:
                        total -= overlap
        return total

    def addresses(self) -> Iterator[str]:
        """Every address in scope, in order, exclusions skipped (lazily: a /16 is not a list)."""
        excluded = self.exclude
        for version, first, last in self.include:
            make = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
            value = first
            while value <= last:
                index = bisect.bisect_right(excluded, (version, value, 1 << 129)) - 1
                if (
                    index >= 0
                    and excluded[index][0] == version
                    and excluded[index][1] <= value <= excluded[index][2]
                ):
                    value = excluded[index][2] + 1
                    continue
                yield str(make(value))
                value += 1

    def covers_network(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
        """Whether a whole network is inside the targets (multicast reaches all of it).

        Exclusions inside it do not forbid multicast (the guard still drops what excluded
        addresses answer), but the network itself must be named.
        """
        first, last = int(network.network_address), int(network.broadcast_address)
        index = bisect.bisect_right(self.include, (network.version, first, 1 << 129)) - 1
        if index < 0:
            return False
        version, rfirst, rlast = self.include[index]
        return version == network.version and rfirst <= first and last <= rlast


@dataclass
class GuardCounts:
    """What the guard let through and what it refused (destinations, not packets)."""

    connections: int = 0
    datagrams: int = 0
    refused: int = 0
    refused_examples: list[str] = field(default_factory=list)


class ScopeGuard:
    """The single gate of the scan's network I/O: open_connection, sendto and multicast.

    Every function that touches the network takes the guard and calls it; nothing in the scan
    package creates a socket to a destination any other way.
    """

    def __init__(self, scope: Scope, multicast_interfaces: Sequence[tuple[str, str]] = ()) -> None:
        self.scope = scope
        # (interface name, its address) on which multicast discovery may go out
        self.multicast_interfaces = list(multicast_interfaces)
        self.counts = GuardCounts()
        self._multicast: dict[int, str] = {}  # socket fd -> the interface it may send on

    def check(self, address: str, port: int, why: str = "") -> None:
        """Raise OutOfScope unless the address may be contacted."""
        if not self.scope.allows(address):
            self.counts.refused += 1
            if len(self.counts.refused_examples) < 20:
                self.counts.refused_examples.append(f"{address}:{port}{' (' + why + ')' if why else ''}")
            raise OutOfScope(f"{address} is not in scope")

    def believes(self, address: str) -> bool:
        """Whether a reply from this address may be read (discovery answers from elsewhere are
        dropped, not followed)."""
        return self.scope.allows(address)

    async def open_connection(
        self,
        address: str,
        port: int,
        *,
        timeout: float,
        ssl: ssl_module.SSLContext | None = None,
        limit: int = 65536,
        why: str = "",
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A TCP (or TLS) connection to an in-scope address; raises OutOfScope, OSError or
        TimeoutError. The connect runs on a bare socket (no streams, no extra task) because most
        connects of a sweep go nowhere; streams are made only for the ones that succeed."""
        self.check(address, port, why)
        self.counts.connections += 1
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (address, port))
                return await asyncio.open_connection(
                    sock=sock, ssl=ssl, server_hostname="" if ssl else None, limit=limit
                )
        except BaseException:
            sock.close()
            raise

    def connect_udp(self, sock: socket.socket, address: str, port: int, why: str = "") -> None:
        """Fix a UDP socket's peer to an in-scope address (sends nothing; the kernel then drops
        datagrams from anyone else and reports ICMP unreachable at once)."""
        self.check(address, port, why)
        sock.connect((address, port))

    def send(self, sock: socket.socket, data: bytes) -> None:
        """One datagram on a socket from connect_udp, its peer checked again."""
        peer = sock.getpeername()
        self.check(str(peer[0]), int(peer[1]))
        self.counts.datagrams += 1
        sock.send(data)

    def multicast_socket(
        self, interface_address: str, listen: tuple[str, int] | None = None
    ) -> socket.socket:
        """A UDP socket for one allowed interface: multicast TTL 1, sent on that interface only,
        bound to its address (or, with `listen`, to a group and port, joined on that interface,
        for protocols that answer to the group). Raises OutOfScope for any other interface."""
        if not any(address == interface_address for _, address in self.multicast_interfaces):
            self.counts.refused += 1
            raise OutOfScope(f"multicast on {interface_address} is not allowed")
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface_address))
            if listen is None:
                sock.bind((interface_address, 0))
            else:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(listen)
                mreq = socket.inet_aton(listen[0]) + socket.inet_aton(interface_address)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        except OSError:
            sock.close()
            raise
        self._multicast[sock.fileno()] = interface_address
        return sock

    def release(self, sock: socket.socket) -> None:
        """Forget a multicast socket (before it is closed: its descriptor may be reused)."""
        self._multicast.pop(sock.fileno(), None)

    def send_multicast(self, sock: socket.socket, data: bytes, group: str, port: int) -> None:
        """One datagram to a link-local multicast group, on a socket from multicast_socket."""
        if not ipaddress.ip_address(group).is_multicast:
            self.counts.refused += 1
            raise OutOfScope(f"{group} is not a multicast group")
        if self._multicast.get(sock.fileno()) is None:
            self.counts.refused += 1
            raise OutOfScope("multicast on a socket the guard did not make")
        self.counts.datagrams += 1
        sock.sendto(data, (group, port))


def interfaces_in_scope(scope: Scope) -> list[tuple[str, str, str]]:
    """(name, address, network) of this machine's IPv4 interfaces whose whole network is in
    scope (read from `ip -j addr`); loopback never counts."""
    import json
    import subprocess

    try:
        out = subprocess.run(["ip", "-j", "-4", "addr"], capture_output=True, timeout=10, check=True).stdout
        links = json.loads(out or b"[]")
    except (OSError, subprocess.SubprocessError, ValueError):
        return []
    found: list[tuple[str, str, str]] = []
    for link in links:
        if "LOOPBACK" in (link.get("flags") or []):
            continue
        for info in link.get("addr_info") or []:
            if info.get("family") != "inet":
                continue
            with contextlib.suppress(ValueError, KeyError):
                net = ipaddress.ip_interface(f"{info['local']}/{info['prefixlen']}").network
                if net.prefixlen < 31 and scope.covers_network(net):
                    found.append((str(link.get("ifname")), str(info["local"]), str(net)))
    return found


def parse_ports(
    text: str | None, default_tcp: Sequence[int], default_udp: Sequence[int]
) -> tuple[list[int], list[int]]:
    """ "80,443,8000-8010,U:161,T:22" -> (tcp ports, udp ports). Without U: entries a --ports
    list has no UDP ports (the user named what may be contacted)."""
    if not text:
        return list(default_tcp), list(default_udp)
    tcp: list[int] = []
    udp: list[int] = []
    target = tcp
    for raw in text.replace(" ", "").split(","):
        item = raw
        if not item:
            continue
        if item[:2].upper() in ("T:", "U:"):
            target = tcp if item[0].upper() == "T" else udp
            item = item[2:]
        first, sep, last = item.partition("-")
        try:
            start = int(first)
            end = int(last) if sep else start
        except ValueError:
            raise UsageError(f"--ports: not a port or range: {raw!r}") from None
        if not 0 < start <= end < 65536:
            raise UsageError(f"--ports: out of range: {raw!r}")
        for port in range(start, end + 1):
            if port not in target:
                target.append(port)
    return tcp, udp
