"""Capture files (pcap and pcapng) to a stream of frames, without ever holding the file.

Why our own framing rather than dpkt.pcap/dpkt.pcapng: those read each record with two small
`read` calls and build an object per block, and they raise on a short last record. Here the file is
read in large chunks, a frame is handed on as (buffer, start, end) so that the decoder can pick the
headers it needs with `struct.unpack_from` and never copy a bulk payload, and a truncated last
record ends the capture with a count instead of an exception. Protocol parsing (DNS, DHCP, ...)
uses dpkt further down.

Each frame is a tuple (linktype, timestamp in seconds, buffer, start, end, original length).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import BinaryIO

from custodiet.errors import InputError

CHUNK = 1 << 22  # bytes read at a time
# A record longer than this is a corrupt header (tcpdump's largest snaplen is 262144); reading it
# would only waste memory, so the capture is treated as unreadable from there on.
MAX_RECORD = 1 << 24

PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
_PCAPNG_BOM = {b"\x1a\x2b\x3c\x4d": ">", b"\x4d\x3c\x2b\x1a": "<"}

# Magic -> (struct byte order, seconds per fraction unit).
_PCAP_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1e-6),
    b"\xa1\xb2\xc3\xd4": (">", 1e-6),
    b"\x4d\x3c\xb2\xa1": ("<", 1e-9),
    b"\xa1\xb2\x3c\x4d": (">", 1e-9),
}

Frame = tuple[int, float, bytes, int, int, int]


def sniff(head: bytes) -> str | None:
    """ "pcap" or "pcapng" from the magic number (either byte order, micro- or nanosecond
    pcap), else None."""
    if head[:4] in _PCAP_MAGIC and len(head) >= 24:
        return "pcap"
    if head[:4] == PCAPNG_MAGIC and head[8:12] in _PCAPNG_BOM:
        return "pcapng"
    return None


class Framer:
    """Frames of one open capture file; counts problems in `problems` (reason -> count).

    `truncated` is set when the file ends inside a record; `frames` is the number handed out.
    Problems that stop the file (truncation, a corrupt record header) end the iteration.
    """

    def __init__(self, handle: BinaryIO, label: str) -> None:
        self.handle = handle
        self.label = label
        self.frames = 0
        self.problem: str | None = None  # why the file ended early, if it did
        self.problem_at = 0  # the byte offset in the file where that happened
        self.detail: str | None = None  # what was found there
        self.base = 0  # the file offset of the buffer being read
        self.problems: dict[str, int] = {}  # per-frame problems (frame skipped, file goes on)
        head = handle.read(24)
        kind = sniff(head)
        if kind is None and head[:4] in _PCAP_MAGIC:
            kind = "pcap"  # a header cut short: a truncated capture, not a wrong format
        elif kind is None and head[:4] == PCAPNG_MAGIC and len(head) < 12:
            kind = "pcapng"
        if kind is None:
            shown = head[:4].hex() or "nothing"
            raise InputError(f"not a pcap or pcapng capture (magic {shown})", file=label)
        self.kind = kind
        self.head = head

    def __iter__(self) -> Iterator[Frame]:
        if self.kind == "pcap":
            return self._pcap()
        return self._pcapng()

    def _note(self, reason: str) -> None:
        self.problems[reason] = self.problems.get(reason, 0) + 1

    # ----------------------------------------------------------------------------- pcap

    def _pcap(self) -> Iterator[Frame]:
        order, scale = _PCAP_MAGIC[self.head[:4]]
        if len(self.head) < 24:
            self.problem = "truncated capture"
            return
        self.base = 24  # records start after the file header
        (linktype,) = struct.unpack(order + "I", self.head[20:24])
        linktype &= 0x03FFFFFF  # the upper bits carry FCS information, not the type
        header = struct.Struct(order + "IIII")
        unpack = header.unpack_from
        buf = b""
        pos = 0
        size = 0
        while True:
            if size - pos < 16:
                grown = self._refill(buf, pos, CHUNK, size > pos)
                if grown is None:
                    return
                buf, pos, size = grown, 0, len(grown)
                continue
            sec, frac, caplen, wirelen = unpack(buf, pos)
            end = pos + 16 + caplen
            if caplen > MAX_RECORD:
                self._stop("corrupt record header", pos, f"record length {caplen:,}")
                return
            if end > size:
                grown = self._refill(buf, pos, max(CHUNK, end - size), True)
                if grown is None:
                    return
                buf, pos, size = grown, 0, len(grown)
                continue
            self.frames += 1
            yield linktype, sec + frac * scale, buf, pos + 16, end, wirelen
            pos = end

    def _refill(self, buf: bytes, pos: int, want: int, cut: bool) -> bytes | None:
        """The unread rest of buf with the next read appended; None at the end of the file, where
        `cut` (a record or block begun and not finished) makes the capture truncated. Called once
        per chunk, not per packet."""
        more = self.handle.read(want)
        if more:
            self.base += pos
            return buf[pos:] + more
        if cut:
            self._stop("truncated capture", pos)
        return None

    def _stop(self, problem: str, pos: int, detail: str | None = None) -> None:
        """The file cannot be read past buffer offset pos."""
        self.problem = problem
        self.problem_at = self.base + pos
        self.detail = detail

    # ----------------------------------------------------------------------------- pcapng

    def _pcapng(self) -> Iterator[Frame]:
        if len(self.head) < 12:
            self.problem = "truncated capture"
            return
        buf = self.head
        pos = 0
        size = len(buf)
        order = "<"
        interfaces: list[tuple[int, float, int]] = []  # (linktype, seconds per tick, snaplen)
        u32 = struct.Struct("<I")
        epb = struct.Struct("<IIIII")
        while True:
            if size - pos < 12:
                grown = self._refill(buf, pos, CHUNK, size > pos)
                if grown is None:
                    return
                buf, pos, size = grown, 0, len(grown)
                continue
            block = buf[pos : pos + 4]
            if block == PCAPNG_MAGIC:
                bom = buf[pos + 8 : pos + 12]
                if bom not in _PCAPNG_BOM:
                    self._stop("corrupt block header", pos, "bad byte-order magic")
                    return
                order = _PCAPNG_BOM[bom]
                u32 = struct.Struct(order + "I")
                epb = struct.Struct(order + "IIIII")
                interfaces = []  # a new section declares its own interfaces
            btype = u32.unpack_from(buf, pos)[0]
            blen = u32.unpack_from(buf, pos + 4)[0]
            if blen < 12 or blen % 4 or blen > MAX_RECORD:
                self._stop("corrupt block header", pos, f"block length {blen:,}")
                return
            end = pos + blen
            if end > size:
                grown = self._refill(buf, pos, max(CHUNK, end - size), True)
                if grown is None:
                    return
                buf, pos, size = grown, 0, len(grown)
                continue
            if btype == 6 or btype == 2:  # enhanced packet block, obsolete packet block
                if blen < 32:
                    self._note("malformed packet block")
                    pos = end
                    continue
                iface, high, low, caplen, wirelen = epb.unpack_from(buf, pos + 8)
                if btype == 2:
                    iface &= 0xFFFF  # 16-bit interface id, then 16-bit drop count
                start = pos + 28
                if start + caplen > end - 4:
                    self._note("malformed packet block")
                    pos = end
                    continue
                if iface >= len(interfaces):
                    self._note("packet on an undeclared interface")
                    pos = end
                    continue
                linktype, tick, _snap = interfaces[iface]
                self.frames += 1
                yield linktype, ((high << 32) | low) * tick, buf, start, start + caplen, wirelen
            elif btype == 3:  # simple packet block: interface 0, no timestamp
                if not interfaces or blen < 16:
                    self._note(
                        "packet on an undeclared interface" if blen >= 16 else "malformed packet block"
                    )
                    pos = end
                    continue
                linktype, _tick, snap = interfaces[0]
                wirelen = u32.unpack_from(buf, pos + 8)[0]
                caplen = min(wirelen, blen - 16, snap or wirelen)
                self.frames += 1
                yield linktype, 0.0, buf, pos + 12, pos + 12 + caplen, wirelen
            elif btype == 1:  # interface description block
                if blen < 20:
                    self._stop("corrupt block header", pos, f"interface block of {blen} bytes")
                    return
                linktype = struct.unpack_from(order + "H", buf, pos + 8)[0]
                snap = u32.unpack_from(buf, pos + 12)[0]
                tick = _tsresol(buf, pos + 16, end - 4, order)
                interfaces.append((linktype, tick, snap))
            pos = end


def _tsresol(buf: bytes, pos: int, end: int, order: str) -> float:
    """Seconds per timestamp tick from an interface block's options (if_tsresol, code 9);
    microseconds when absent."""
    option = struct.Struct(order + "HH")
    while pos + 4 <= end:
        code, length = option.unpack_from(buf, pos)
        if code == 0:
            break
        if code == 9 and length >= 1 and pos + 5 <= end:
            value = buf[pos + 4]
            exponent = value & 0x7F
            if exponent > 60:
                break
            return 2.0**-exponent if value & 0x80 else 10.0**-exponent
        pos += 4 + ((length + 3) & ~3)
    return 1e-6
