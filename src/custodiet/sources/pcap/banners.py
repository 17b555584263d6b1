"""Server greetings: SSH identification line, FTP 220 reply, Telnet negotiation and prompt.

A server that speaks first identifies itself in its first bytes; these functions say when
enough of them has arrived and what text to keep (as nmap's banner script keeps it: the raw
bytes, blanks trimmed, undecodable bytes as \\xNN escapes).
"""

from __future__ import annotations

from custodiet.sources.text import decode

MAX_BANNER = 2048


def kind(data: bytes | bytearray, port: int) -> str | None:
    """ "ssh", "ftp" or "telnet" for the first bytes of a server stream, else None."""
    if data.startswith(b"SSH-"):
        return "ssh"
    if data[:1] == b"\xff" and len(data) >= 2 and data[1] >= 0xF0:
        return "telnet"
    if data[:3] == b"220" and data[3:4] in (b" ", b"-") and port not in (25, 465, 587):
        return "ftp"
    if port in (23, 2323) and data[:1].isascii():
        return "telnet"
    return None


def complete(name: str, data: bytes) -> bool:
    """Whether the greeting is whole (else the stream waits for more, the client's turn or
    its end)."""
    if len(data) >= MAX_BANNER:
        return True
    if name == "ssh":
        return b"\n" in data
    if name == "ftp":
        # A multi-line reply ends with a line that starts "220 " (RFC 959 4.2).
        return any(line.startswith(b"220 ") for line in data.split(b"\n")[:-1])
    return False  # telnet: until the client answers or the stream ends


def text(name: str, data: bytes) -> tuple[str, str] | None:
    """(field, text) of a greeting."""
    data = data[:MAX_BANNER]
    if name == "ssh":
        data = data.split(b"\n", 1)[0]
    shown = decode(data.strip())
    return (f"{name}.banner", shown) if shown else None
