"""Which encoding a piece of XML is in, decided by us rather than by the XML itself.

An XML declaration names its encoding, and Python's expat hands any name it does not know
itself (it knows UTF-8, UTF-16, ISO-8859-1 and US-ASCII) to Python's codec registry. There a
hostile name fails in ways the XML parser's callers do not expect: "x-klingon" is a
LookupError, "rot13" or "base64" a LookupError too (not text encodings), "idna" a
UnicodeError, "shift_jis" a ValueError (expat takes single-byte encodings only). Any device
that can put bytes into a capture or an nmap scan can write such a declaration.

So the readers look at the start of the XML themselves (byte-order mark, declaration), and give
the parser either UTF-8 bytes with the encoding forced to UTF-8, or nothing at all:

- UTF-8, US-ASCII or no declaration: the bytes as they are;
- another text encoding Python has a codec for (UTF-16 and UTF-32 by their byte-order mark or
  their zero bytes, ISO-8859-x, Windows code pages, Shift_JIS, EUC-JP, GB18030, Big5, UTF-7, ...):
  transcoded to UTF-8 by that codec (undecodable bytes become U+FFFD);
- anything else: refused with the (bounded, printable) name, for the reader to report.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Codecs that are registered as text encodings but are not character encodings a document can
# be written in (or that cannot decode arbitrary bytes with errors="replace").
_NOT_DOCUMENT_ENCODINGS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem", "charmap"}
)
_UTF8_NAMES = frozenset({"utf-8", "utf_8", "utf8", "us-ascii", "ascii", "utf-8-sig"})
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_MAX_NAME = 40
_DECL_LIMIT = 1024  # an XML declaration longer than this is not one a tool wrote


@dataclass(frozen=True)
class XmlEncoding:
    """What to do with the bytes: `codec` None means they are UTF-8 already; a codec name means
    transcode with it; `refused` (a printable description) means they cannot be read."""

    codec: str | None = None
    declared: str | None = None
    refused: str | None = None


UTF8 = XmlEncoding()


def _shown(name: bytes) -> str:
    """A declared name as safe text for a message (bounded, non-printables escaped)."""
    return repr(name[:_MAX_NAME].decode("ascii", "backslashreplace"))[1:-1]


def declared_name(head: bytes) -> bytes | None:
    """The encoding named by an XML declaration at the start of head (ASCII-compatible bytes,
    after any UTF-8 byte-order mark), else None. A plain scan, no regular expression: the head
    is hostile."""
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    if not head.startswith(b"<?xml"):
        return None
    end = head.find(b"?>", 5, _DECL_LIMIT)
    decl = head[5:end] if end >= 0 else head[5:_DECL_LIMIT]
    at = decl.find(b"encoding")
    if at < 0:
        return None
    pos = at + 8
    size = len(decl)
    while pos < size and decl[pos] in b" \t\r\n":
        pos += 1
    if pos >= size or decl[pos] != 0x3D:  # "="
        return None
    pos += 1
    while pos < size and decl[pos] in b" \t\r\n":
        pos += 1
    if pos >= size or decl[pos] not in b"\"'":
        return None
    close = decl.find(decl[pos : pos + 1], pos + 1)
    return decl[pos + 1 : close if close >= 0 else size]


def _wide(head: bytes) -> str | None:
    """UTF-16 or UTF-32 from a byte-order mark or the zero bytes around "<", else None."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith((b"<\x00\x00\x00", b"\x00\x00\x00<")):
        return "utf-32-le" if head[0] == 0x3C else "utf-32-be"
    if head.startswith((b"<\x00", b"\x00<")):
        return "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    return None


def text_codec(name: bytes) -> str | None:
    """The Python codec for a declared encoding name when it is a document encoding, else None."""
    if not name or len(name) > _MAX_NAME:
        return None
    text = name.decode("ascii", "replace")
    if not _NAME_CHARS.issuperset(text):
        return None
    try:
        info = codecs.lookup(text)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_DOCUMENT_ENCODINGS:
        return None
    return info.name


def choose(head: bytes) -> XmlEncoding:
    """How to read XML that starts with head (see the module docstring)."""
    wide = _wide(head)
    if wide is not None:
        return XmlEncoding(codec=wide, declared=wide)
    name = declared_name(head)
    if name is None:
        return UTF8
    if name.lower().decode("ascii", "replace") in _UTF8_NAMES:
        return XmlEncoding(declared=name.decode("ascii"))
    codec = text_codec(name)
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        # The bytes are not wide (that was checked above): the declaration lies, and the
        # decoder would want a byte-order mark that is not there.
        return XmlEncoding(
            declared=_shown(name),
            refused=f"the XML declares the encoding '{_shown(name)}' but its bytes are not in it",
        )
    if codec is None:
        return XmlEncoding(
            declared=_shown(name),
            refused=f"the XML declares the encoding '{_shown(name)}', which is not one custodiet can read",
        )
    if codec == "utf-8":
        return XmlEncoding(declared=_shown(name))
    return XmlEncoding(codec=codec, declared=_shown(name))


class XmlEncodingError(ValueError):
    """Bytes the chosen codec cannot decode even with replacement (a codec's own refusal)."""


def transcode(data: bytes, codec: str) -> bytes:
    """A whole piece of XML (a datagram) as UTF-8."""
    try:
        return data.decode(codec, "replace").encode("utf-8", "replace")
    except UnicodeError as exc:
        raise XmlEncodingError(f"cannot be decoded as {codec}: {exc}") from None


class Transcoder:
    """A stream of XML in `codec`, chunk by chunk, as UTF-8 (bytes split across chunks are held by
    the incremental decoder)."""

    def __init__(self, codec: str) -> None:
        self.codec = codec
        self.decoder = codecs.getincrementaldecoder(codec)("replace")

    def feed(self, data: bytes, final: bool = False) -> bytes:
        try:
            return self.decoder.decode(data, final).encode("utf-8", "replace")
        except UnicodeError as exc:
            raise XmlEncodingError(f"cannot be decoded as {self.codec}: {exc}") from None
