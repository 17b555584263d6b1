"""Markup read the same way by every stage that needs it (sources extract a page's title, the
matcher finds the title inside a page it is given whole): plain byte search, no regex, because
the page comes from a device."""

from __future__ import annotations

HEAD_LIMIT = 16384  # bytes searched for the end of an HTTP/RTSP/SIP head


def head_end(data: bytes) -> int:
    """Offset just past the blank line that ends an HTTP/RTSP/SIP head (CRLF or bare LF lines)
    within HEAD_LIMIT bytes, or -1. The scan reads device replies and the capture reader reads
    the same protocols from packets: both cut heads here."""
    end = data.find(b"\r\n\r\n", 0, HEAD_LIMIT)
    if end >= 0:
        return end + 4
    end = data.find(b"\n\n", 0, HEAD_LIMIT)
    return end + 2 if end >= 0 else -1


def title_bytes(page: bytes, unclosed: int = 0) -> bytes | None:
    """The raw content of a page's first <title> element; None when it has none.

    bytes.lower() changes ASCII letters only, so its offsets are the page's own. A title left
    open yields up to `unclosed` bytes (0: an open title is no title)."""
    lower = page.lower()
    start = lower.find(b"<title")
    if start < 0:
        return None
    open_end = lower.find(b">", start)
    if open_end < 0:
        return None
    close = lower.find(b"</title", open_end)
    if close < 0:
        if not unclosed:
            return None
        close = open_end + 1 + unclosed
    return page[open_end + 1 : close]
