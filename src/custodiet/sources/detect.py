"""Tell a file's format from its first bytes, so users need not say it.

Detection is an ordered list of sniffers, most specific first: each looks at the head of the
file (HEAD_BYTES, already read) and says yes or no. A new source adds its sniffer to SNIFFERS
before the catch-all CSV one, e.g. `("pcap", _is_pcap)` checking the magic number; keep each
sniffer cheap and sure (a false yes sends a file to the wrong reader).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from custodiet.errors import InputError

# Enough for nmap's prolog even when its command-line comment is long.
HEAD_BYTES = 65536

Sniffer = Callable[[bytes], bool]

_BOMS = (b"\xef\xbb\xbf",)


def _text_head(head: bytes) -> str:
    """The head as text, without a UTF-8 byte-order mark; undecodable bytes replaced."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
    return head.decode("utf-8", "replace")


def _skip_prolog(text: str) -> str | None:
    """The text after an XML prolog (declaration, comments, PIs, DOCTYPE), or None if the head
    ends inside it."""
    pos = 0
    size = len(text)
    while True:
        while pos < size and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            if end < 0:
                return None
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            if end < 0:
                return None
            pos = end + 3
        elif text.startswith("<!DOCTYPE", pos):
            bracket = text.find("[", pos)
            close = text.find(">", pos)
            if close < 0:
                return None
            if 0 <= bracket < close:  # internal subset: ends with "]>"
                close = text.find("]", bracket)
                close = text.find(">", close) if close >= 0 else -1
                if close < 0:
                    return None
            pos = close + 1
        else:
            return text[pos:]


def is_nmap_xml(head: bytes) -> bool:
    """nmap -oX output: the root element, after the prolog, is <nmaprun>."""
    rest = _skip_prolog(_text_head(head))
    if rest is None:
        # A prolog longer than the head: still nmap if its doctype says so.
        return "<!DOCTYPE nmaprun" in _text_head(head)
    return rest.startswith("<nmaprun") and rest[8:9] in (" ", ">", "\t", "\r", "\n", "/")


CSV_DELIMITERS = (",", ";", "\t", "|")


def is_csv(head: bytes) -> bool:
    """A delimited text table: its first non-blank line is a header with a delimiter.

    Text only (no NUL byte), and the line must not look like markup or JSON, so that this
    catch-all does not claim files meant for other readers.
    """
    if b"\x00" in head:
        return False
    for line in _text_head(head).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped[0] in "<{[#":
            return False
        return any(d in stripped for d in CSV_DELIMITERS)
    return False


# Most specific first; CSV, the most permissive, last.
SNIFFERS: list[tuple[str, Sniffer]] = [
    ("nmap-xml", is_nmap_xml),
    ("csv", is_csv),
]


def detect_format(path: Path, label: str) -> str:
    """The format name (a key of registry.READERS) of the file at path."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=label) from exc
    if not head.strip():
        raise InputError("empty file", file=label)
    for name, sniff in SNIFFERS:
        if sniff(head):
            return name
    known = ", ".join(name for name, _ in SNIFFERS)
    raise InputError(f"unknown format: not one of {known} (use --format)", file=label)
