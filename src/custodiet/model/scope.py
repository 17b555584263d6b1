"""What a run examined: sets of IP addresses as sorted, merged ranges.

A device missing from a later run is only "gone" if that run looked where it was (see
pipeline.scope for how a run's scope is read from its inputs). Ranges are kept as integers per IP
version; a scan of a /16 is one range, a CMDB of 100,000 scattered rows at most that many.
"""

from __future__ import annotations

import ipaddress
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

Range = tuple[int, int, int]  # (IP version, first, last) as integers


def merge(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted ranges with overlapping and adjacent ones joined."""
    out: list[list[int]] = []
    for version, first, last in sorted(ranges):
        if out and out[-1][0] == version and first <= out[-1][2] + 1:
            if last > out[-1][2]:
                out[-1][2] = last
        else:
            out.append([version, first, last])
    return tuple((v, f, lst) for v, f, lst in out)


def address_key(address: str) -> tuple[int, int] | None:
    """(version, integer) of an IP address text, None when it is not one."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    return ip.version, int(ip)


@dataclass(frozen=True)
class AddressRanges:
    """An immutable set of addresses; `in` answers membership in O(log n)."""

    ranges: tuple[Range, ...] = ()
    _starts: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple((v, f) for v, f, _ in self.ranges))

    @classmethod
    def of(cls, ranges: Iterable[Range]) -> AddressRanges:
        return cls(merge(ranges))

    def __contains__(self, address: object) -> bool:
        key = address_key(address) if isinstance(address, str) else None
        if key is None:
            return False
        index = bisect_right(self._starts, key) - 1
        if index < 0:
            return False
        version, _, last = self.ranges[index]
        return version == key[0] and key[1] <= last

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def size(self) -> int:
        """How many addresses (an IPv6 /64 counts 2**64)."""
        return sum(last - first + 1 for _, first, last in self.ranges)

    def union(self, other: AddressRanges) -> AddressRanges:
        return AddressRanges.of((*self.ranges, *other.ranges))

    def as_text(self) -> list[tuple[str, str]]:
        """[("10.0.0.0", "10.0.0.255"), ...]: how reports and the store write them."""
        return [(_text(v, f), _text(v, lst)) for v, f, lst in self.ranges]

    @classmethod
    def from_text(cls, pairs: Iterable[Iterable[str]]) -> AddressRanges:
        ranges: list[Range] = []
        for first_text, last_text in pairs:
            first, last = address_key(first_text), address_key(last_text)
            if first is not None and last is not None and first[0] == last[0] and first[1] <= last[1]:
                ranges.append((first[0], first[1], last[1]))
        return cls.of(ranges)


def _text(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))
