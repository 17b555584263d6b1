"""What each input examined: the addresses a run looked at, so that a device it did not see there
can be called gone (store.history), and one it could not have seen is not.

- nmap XML: the targets on nmap's command line (nmaprun@args: addresses, CIDR blocks, octet
  ranges such as 10.0.0.1-254; --exclude taken out; host names and -iL files cannot be read back)
  and every host the file lists, down hosts included (nmap writes those with -v);
- asset inventories (CSV) and banner exports: the addresses they list;
- traffic (pcap, Zeek, Suricata, DHCP logs): the local subnets seen, a /24 around each IPv4
  device and a /64 around each IPv6 one: a capture sees a segment, not single hosts.

Collecting is cheap and bounded: consecutive addresses extend one range (scans list hosts in
order), scattered ones are kept as integers in an array and merged at the end.
"""

from __future__ import annotations

import html
import ipaddress
from array import array
from datetime import UTC, datetime
from pathlib import Path

from custodiet.model.scope import AddressRanges, Range, merge
from custodiet.numbers import whole_number

TRAFFIC_FORMATS = frozenset(
    {"pcap", "pcapng", "zeek", "suricata-eve", "dhcpd-leases", "dnsmasq", "kea-leases"}
)
LISTING_KIND = {"nmap-xml": "hosts listed", "csv": "inventory rows"}
HEAD_BYTES = 1 << 16  # nmaprun's start tag is at the top of the file
MAX_TARGET_ADDRESSES = 1 << 24  # an octet range expanding beyond a /8 is not taken as a target


class ScopeCollector:
    """Addresses of one input, as merged ranges. subnets: widen each to its /24 or /64."""

    def __init__(self, subnets: bool = False) -> None:
        self.subnets = subnets
        self._starts = array("Q")
        self._ends = array("Q")
        self._v6: set[tuple[int, int]] = set()
        self._last = ""

    def add(self, address: str | None) -> None:
        if not address or address == self._last:
            return
        self._last = address
        value = _ipv4(address)
        if value is None:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                return
            if ip.version == 4:
                value = int(ip)
            else:
                number = int(ip)
                if self.subnets:
                    number &= ~((1 << 64) - 1)
                    self._v6.add((number, number | ((1 << 64) - 1)))
                else:
                    self._v6.add((number, number))
                return
        if self.subnets:
            first, last = value & ~0xFF, value | 0xFF
        else:
            first = last = value
        ends = self._ends
        if ends and self._starts[-1] <= first <= ends[-1] + 1:
            if last > ends[-1]:
                ends[-1] = last
            return
        self._starts.append(first)
        ends.append(last)
        if len(ends) >= 1 << 20:  # scattered addresses: merge what there is to stay small
            self._compact()

    def _compact(self) -> None:
        merged = merge((4, f, lst) for f, lst in zip(self._starts, self._ends, strict=True))
        self._starts = array("Q", (f for _, f, _ in merged))
        self._ends = array("Q", (lst for _, _, lst in merged))

    def ranges(self) -> AddressRanges:
        v4: list[Range] = [(4, f, lst) for f, lst in zip(self._starts, self._ends, strict=True)]
        v6: list[Range] = [(6, f, lst) for f, lst in self._v6]
        return AddressRanges.of(v4 + v6)


def _ipv4(text: str) -> int | None:
    """A plain dotted quad as an integer, without ipaddress (most addresses are one)."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        octet = whole_number(part) if len(part) <= 3 else None
        if octet is None or octet > 255:
            return None
        value = value << 8 | octet
    return value


# nmap command lines -----------------------------------------------------------------------------

# Options whose next word is their value (not a target). Options written with their value attached
# (-p80, -T4, -PS22) need no entry.
_TAKES_VALUE = frozenset(
    [
        "-p",
        "-e",
        "-S",
        "-D",
        "-g",
        "-iL",
        "-iR",
        "-oX",
        "-oN",
        "-oG",
        "-oA",
        "-oS",
        "-b",
        "--exclude",
        "--excludefile",
        "--dns-servers",
        "--script",
        "--script-args",
        "--script-args-file",
        "--script-timeout",
        "--top-ports",
        "--port-ratio",
        "--version-intensity",
        "--max-retries",
        "--min-rate",
        "--max-rate",
        "--host-timeout",
        "--scan-delay",
        "--max-scan-delay",
        "--min-rtt-timeout",
        "--max-rtt-timeout",
        "--initial-rtt-timeout",
        "--min-hostgroup",
        "--max-hostgroup",
        "--min-parallelism",
        "--max-parallelism",
        "--source-port",
        "--data",
        "--data-string",
        "--data-length",
        "--ttl",
        "--spoof-mac",
        "--proxies",
        "--mtu",
        "--datadir",
        "--servicedb",
        "--versiondb",
        "--stylesheet",
        "--resume",
        "--exclude-ports",
        "--ip-options",
        "--osscan-limit",
        "--max-os-tries",
        "--stats-every",
        "--append-output",
        "--send-eth",
    ]
) - {"--osscan-limit", "--append-output", "--send-eth"}


def _nmaprun_attribute(path: Path, name: str) -> str | None:
    """An attribute of nmaprun's start tag, read from the head of the file (unescaped)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    start = head.find("<nmaprun")
    if start < 0:
        return None
    end = head.find(">", start)
    if end < 0:
        return None
    tag = head[start:end]
    at = tag.find(f' {name}="')
    if at < 0:
        return None
    begin = at + len(name) + 3
    close = tag.find('"', begin)
    if close < 0:
        return None
    return html.unescape(tag[begin:close])


def nmap_args(path: Path) -> str | None:
    """nmaprun@args from the head of an nmap XML file, None if it is not there."""
    return _nmaprun_attribute(path, "args")


def taken(path: Path, fmt: str) -> str | None:
    """When an input's data was taken (ISO 8601 UTC): an nmap scan's start time (nmaprun@start),
    else the file's modification time (when it was written: the end of a capture or an export)."""
    if fmt == "nmap-xml":
        start = _nmaprun_attribute(path, "start")
        seconds = whole_number(start) if start else None
        if seconds is not None and seconds < 1 << 40:
            return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OSError, OverflowError, ValueError):
        return None


def nmap_targets(args: str) -> AddressRanges:
    """The address targets of an nmap command line (see the module doc)."""
    words = args.split()
    targets: list[Range] = []
    excluded: list[Range] = []
    skip = False
    exclude_next = False
    for word in words[1:]:
        if skip:
            skip = False
            if exclude_next:
                for item in word.split(","):
                    excluded.extend(target_ranges(item))
                exclude_next = False
            continue
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            if name in _TAKES_VALUE and "=" not in word:
                skip = True
                exclude_next = name == "--exclude"
            elif name == "--exclude":
                for item in word.split("=", 1)[1].split(","):
                    excluded.extend(target_ranges(item))
            continue
        targets.extend(target_ranges(word))
    return subtract(AddressRanges.of(targets), AddressRanges.of(excluded))


def target_ranges(word: str) -> list[Range]:
    """One nmap target: an address, a CIDR block, or IPv4 octet ranges ("10.0.1-3.1-254", "*")."""
    word = word.strip()
    if not word:
        return []
    try:
        network = ipaddress.ip_network(word, strict=False)
    except ValueError:
        network = None
    if network is not None:
        return [(network.version, int(network.network_address), int(network.broadcast_address))]
    parts = word.split(".")
    if len(parts) != 4:
        return []
    octets: list[list[tuple[int, int]]] = []
    for part in parts:
        spans = []
        for piece in part.split(","):
            if piece == "*":
                spans.append((0, 255))
                continue
            low, sep, high = piece.partition("-")
            low_number = whole_number(low) if low else 0
            high_number = whole_number(high) if high else (255 if sep else low_number)
            if not (low or sep) or low_number is None or high_number is None:
                return []
            first, last = low_number, high_number
            if first > last or last > 255:
                return []
            spans.append((first, last))
        octets.append(spans)
    count = 1
    for spans in octets[:3]:
        count *= sum(b - a + 1 for a, b in spans)
    if count * 256 > MAX_TARGET_ADDRESSES:
        return []
    out: list[Range] = []
    prefixes = [0]
    for spans in octets[:3]:
        prefixes = [p << 8 | value for p in prefixes for a, b in spans for value in range(a, b + 1)]
    for prefix in prefixes:
        out.extend((4, prefix << 8 | a, prefix << 8 | b) for a, b in octets[3])
    return out


def subtract(ranges: AddressRanges, removed: AddressRanges) -> AddressRanges:
    if not removed:
        return ranges
    out: list[Range] = []
    for version, first, last in ranges.ranges:
        pieces = [(first, last)]
        for v, a, b in removed.ranges:
            if v != version:
                continue
            next_pieces = []
            for f, lst in pieces:
                if b < f or a > lst:
                    next_pieces.append((f, lst))
                    continue
                if f < a:
                    next_pieces.append((f, a - 1))
                if lst > b:
                    next_pieces.append((b + 1, lst))
            pieces = next_pieces
        out.extend((version, f, lst) for f, lst in pieces)
    return AddressRanges.of(out)


def collector_for(fmt: str) -> ScopeCollector:
    return ScopeCollector(subnets=fmt in TRAFFIC_FORMATS)


def kind_of(fmt: str) -> str:
    if fmt in TRAFFIC_FORMATS:
        return "capture subnets"
    return LISTING_KIND.get(fmt, "hosts listed")
