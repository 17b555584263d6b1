"""Connections and bounded TCP reassembly.

A connection is what one 5-tuple carries; it counts packets and bytes each way and, while
something in it is still worth reading, keeps the start of each direction's byte stream.

Reassembly is deliberately partial: per direction at most STREAM_LIMIT bytes, in sequence order,
from the first byte seen. Retransmitted and overlapping segments are trimmed to what is new;
segments that arrive early wait (at most MAX_PENDING of them, inside the window) until the gap
is filled; anything past the window is dropped. Once a direction has given what its protocol
needs (a banner, a head, a certificate) its buffer is released, and a connection with nothing
left to read costs a few counters per packet.
"""

from __future__ import annotations

STREAM_LIMIT = 16384
MAX_PENDING = 64
_MASK = 0xFFFFFFFF
_HALF = 0x80000000


class Stream:
    """The start of one direction of a TCP connection, in order, bounded."""

    __slots__ = (
        "cut",
        "data",
        "done",
        "dropped",
        "frame",
        "kind",
        "next",
        "pending",
        "pending_bytes",
        "turned",
    )

    def __init__(self, seq: int, frame: int) -> None:
        self.next = seq  # sequence number of the next byte expected
        self.data = bytearray()
        self.pending: dict[int, bytes] | None = None
        self.pending_bytes = 0
        self.frame = frame  # frame that carried the first byte
        self.kind: str | None = None
        self.done = False
        self.cut = False  # a hole (snaplen) ended the stream early
        self.turned = False  # the peer has spoken since this side started
        self.dropped = 0  # early segments inside the window dropped because the queue was full

    def add(self, seq: int, payload: bytes) -> bool:
        """Take one segment; True when the in-order data grew."""
        offset = (seq - self.next) & _MASK
        if offset >= _HALF:  # starts before what we have: retransmission or overlap
            back = (_MASK + 1) - offset
            if back >= len(payload):
                return False
            payload = payload[back:]
            offset = 0
        if offset:
            self._hold(seq, offset, payload)
            return False
        self._append(payload)
        if self.pending:
            self._drain()
        return True

    def _append(self, payload: bytes) -> None:
        room = STREAM_LIMIT - len(self.data)
        self.data += payload[:room] if len(payload) > room else payload
        self.next = (self.next + len(payload)) & _MASK

    def _hold(self, seq: int, offset: int, payload: bytes) -> None:
        """Keep an early segment if it falls inside the window and the queue has room."""
        if offset >= STREAM_LIMIT - len(self.data):
            return
        if self.pending is None:
            self.pending = {}
        if len(self.pending) >= MAX_PENDING or self.pending_bytes + len(payload) > STREAM_LIMIT:
            if seq not in self.pending:
                self.dropped += 1  # counted by the capture: a hole the stream may never fill
            return
        old = self.pending.get(seq)
        if old is None or len(old) < len(payload):
            self.pending_bytes += len(payload) - (len(old) if old else 0)
            self.pending[seq] = payload

    def _drain(self) -> None:
        pending = self.pending
        assert pending is not None
        progressed = True
        while pending and progressed:
            progressed = False
            for seq in list(pending):
                offset = (seq - self.next) & _MASK
                if offset and offset < _HALF:
                    continue
                segment = pending.pop(seq)
                self.pending_bytes -= len(segment)
                back = ((_MASK + 1) - offset) if offset else 0
                if back < len(segment):
                    self._append(segment[back:])
                    progressed = True
        if not pending:
            self.pending = None
            self.pending_bytes = 0

    @property
    def full(self) -> bool:
        return len(self.data) >= STREAM_LIMIT

    def release(self) -> int:
        """Drop the buffers; the number of bytes freed."""
        freed = len(self.data) + self.pending_bytes
        self.data = bytearray()
        self.pending = None
        self.pending_bytes = 0
        self.done = True
        return freed


class Conn:
    """One connection (or UDP conversation): a is the side taken as initiator, b the responder."""

    __slots__ = (
        "a_ip",
        "a_port",
        "b_ip",
        "b_port",
        "ba",
        "bb",
        "first",
        "frame",
        "inspect",
        "isn_a",
        "isn_b",
        "last",
        "pa",
        "pb",
        "proto",
        "sa",
        "sb",
        "touched",
    )  # fmt: skip

    def __init__(
        self, a_ip: bytes, b_ip: bytes, a_port: int, b_port: int, proto: int, ts: float, frame: int
    ) -> None:
        self.a_ip = a_ip
        self.b_ip = b_ip
        self.a_port = a_port
        self.b_port = b_port
        self.proto = proto
        self.first = ts
        self.last = ts
        self.frame = frame
        self.pa = 0  # packets and bytes sent by a
        self.ba = 0
        self.pb = 0
        self.bb = 0
        self.sa: Stream | None = None
        self.sb: Stream | None = None
        self.isn_a: int | None = None  # next sequence number after a's SYN
        self.isn_b: int | None = None
        self.inspect = proto == 6  # TCP streams are read until there is nothing left to read
        self.touched = False

    @property
    def key(self) -> tuple[bytes, bytes, int, int, int]:
        return (self.a_ip, self.b_ip, self.a_port, self.b_port, self.proto)


# Ports a server listens on: when a conversation is first seen mid-way, the side holding one of
# them is taken as the responder.
SERVICE_PORTS = frozenset(
    {
        20, 21, 22, 23, 25, 53, 67, 68, 69, 80, 88, 110, 123, 135, 137, 138, 139, 143, 161, 162, 389,
        443, 445, 465, 500, 514, 554, 587, 636, 993, 995, 1194, 1433, 1521, 1883, 1900, 2323, 3306,
        3389, 3702, 5060, 5061, 5353, 5355, 5432, 5683, 8000, 8080, 8443, 8554, 8883, 9000, 37777,
    }
)  # fmt: skip


def responder_first(sport: int, dport: int) -> bool:
    """For a conversation seen mid-way: whether the first packet's sender is the server."""
    s_service = sport in SERVICE_PORTS
    d_service = dport in SERVICE_PORTS
    if s_service != d_service:
        return s_service
    return sport < 1024 <= dport
