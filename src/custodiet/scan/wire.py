"""Bounded reads of untrusted replies, and when a reply is whole.

Every read has three limits: a byte cap (a huge reply is cut and marked "truncated"), an idle
timeout (a silent device), and an overall deadline (a slowloris device that sends a byte a second
forever is cut off all the same). Plain string operations only: replies are hostile input.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from custodiet.markup import HEAD_LIMIT, head_end

MAX_REPLY = 65536  # bytes kept of one reply


def header(head: bytes, name: bytes) -> bytes | None:
    """The first value of a header (case-insensitive) in a head."""
    wanted = name.lower() + b":"
    for line in head[:HEAD_LIMIT].split(b"\n")[1:200]:
        line = line.rstrip(b"\r")
        if line[: len(wanted)].lower() == wanted:
            return line[len(wanted) :].strip()
    return None


def status_code(data: bytes) -> int | None:
    """The status code of an HTTP/RTSP/SIP status line."""
    line = data[: data.find(b"\n")] if b"\n" in data[:1024] else data[:1024]
    parts = line.split(None, 2)
    if len(parts) >= 2 and parts[0][:5] in (b"HTTP/", b"RTSP/", b"SIP/2") and parts[1].isdigit():
        return int(parts[1])
    return None


def message_complete(data: bytes, head_only: bool = False) -> bool:
    """An HTTP-style message is whole: its head ended and its body (by Content-Length, or the
    end of a chunked body) is in. A body of unknown length ends with the connection."""
    end = head_end(data)
    if end < 0:
        return False
    if head_only:
        return True
    head = data[:end]
    length = header(head, b"content-length")
    if length is not None:
        if length.isdigit() and len(length) < 12:
            return len(data) - end >= int(length)
        return True  # nonsense length: take what came with the head
    encoding = header(head, b"transfer-encoding")
    if encoding is not None and b"chunked" in encoding.lower():
        return data.endswith(b"0\r\n\r\n") or b"\r\n0\r\n\r\n" in data[end - 2 :]
    code = status_code(data)
    if code is not None and (code in (204, 304) or 100 <= code < 200):
        return True
    return data[:5] in (b"RTSP/", b"SIP/2")  # RTSP and SIP without Content-Length have no body


async def read_reply(
    reader: asyncio.StreamReader,
    complete: Callable[[bytes], bool],
    *,
    idle: float,
    deadline: float,
    limit: int = MAX_REPLY,
) -> tuple[bytes, str | None]:
    """Read until complete(data), end of stream, the byte cap, silence or the deadline.

    Returns (data, error): error None when the reply ended normally, else "timeout" (nothing
    or only part came before silence), "deadline" (still dribbling at the deadline),
    "truncated" (the cap was reached) or "reset".
    """
    data = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return data, "deadline"
        try:
            async with asyncio.timeout(min(idle, remaining)):
                chunk = await reader.read(min(16384, limit - len(data)))
        except TimeoutError:
            return data, ("deadline" if time.monotonic() >= deadline else "timeout")
        except (ConnectionError, OSError):
            return data, "reset"
        if not chunk:
            return data, None
        data += chunk
        if complete(data):
            return data, None
        if len(data) >= limit:
            return data, "truncated"
