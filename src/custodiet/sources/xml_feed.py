"""Feeding expat whole markup tokens, in bounded memory.

Why. The expat in Python 3.11 (before expat 2.6's "reparse deferral") re-scans a markup token that
a `feed` call leaves unfinished from its first byte at every later `feed`: one start tag with a
64 MB attribute, fed in 64 KiB chunks, is scanned a thousand times (21 s; 200 MB never ends).
Character data is not affected (expat hands it on in pieces), nor are CDATA sections.

How. The stream is cut just before its last "<" (a tag cannot contain "<": XML forbids it in
attribute values), and what follows is held until a later "<" shows that it is complete. Comments
and processing instructions may contain "<", so a scan (by `bytes.find` jumps, in order) finds one
left open, and it is held until its terminator arrives. Each byte is then scanned by expat once,
and by this class a constant number of times: linear.

Bounds. What is held is bounded by MAX_TOKEN:
- an attribute value longer than that keeps its first KEEP bytes and the rest is dropped up to
  its closing quote (the reader cuts such texts far shorter anyway);
- character data longer than that is cut there, the rest is dropped up to the next "<";
- a comment or processing instruction longer than that is left out whole (neither carries data);
- anything else (a tag name, thousands of attributes, a declaration, a CDATA section) is refused
  with TokenRefused, naming the line where it starts.
Each cut is counted by reason in `cuts`, for the reader's per-file summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

MAX_TOKEN = 8 << 20
KEEP = 2 << 20
_MAX_NAME = 1024
_MAX_ATTRIBUTES = 1024

_TAG, _TEXT, _COMMENT, _PI, _CDATA = range(5)
_OPENERS = ((b"<!--", b"-->", _COMMENT), (b"<?", b"?>", _PI), (b"<![CDATA[", b"]]>", _CDATA))
_NAME_ENDS = frozenset(b" \t\r\n/>")
_BLANKS = frozenset(b" \t\r\n")
_MIB = MAX_TOKEN >> 20

CUT_VALUE = f"XML attribute value over {_MIB} MiB cut to its first {KEEP >> 20} MiB"
CUT_TEXT = f"XML text over {_MIB} MiB cut there"
CUT_COMMENT = f"XML comment or processing instruction over {_MIB} MiB left out"


class TokenRefused(Exception):
    """A token too large to buffer that cannot be cut without changing the document."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _safe_end(buf: bytearray, start: int, end: int) -> int:
    """An offset at or before end where buf[start:offset] can be cut: not inside a UTF-8
    sequence nor inside an entity or character reference."""
    end = min(end, len(buf))
    steps = 0
    while end > start and steps < 4 and end < len(buf) and 0x80 <= buf[end] < 0xC0:
        end -= 1
        steps += 1
    amp = buf.rfind(b"&", max(start, end - 64), end)
    if amp >= 0 and buf.find(b";", amp, end) < 0:
        end = amp
    return end


class TokenFeeder:
    """Cuts a byte stream of XML into segments that end between tokens (see the module
    docstring). push() each chunk read, then finish(); feed every segment returned, in order."""

    def __init__(self) -> None:
        self.held = bytearray()
        self.mode = _TAG  # _TAG: held is "<..." with no other "<" (or text before the first tag)
        self.text_run = 0  # in _TEXT: bytes of character data fed since the last "<"
        self.dropping: bytes | None = None  # dropping input up to (not including) this delimiter
        self.drop_tail = b""  # last bytes dropped, for a delimiter split across chunks
        self.lines = 0  # newlines in the segments handed out (a refused token's line is next)
        self.cuts: Counter[str] = Counter()

    # ------------------------------------------------------------------------- public

    def push(self, chunk: bytes) -> list[bytes]:
        out: list[bytes] = []
        while chunk:
            if self.dropping is not None:
                chunk = self._drop(chunk)
            elif self.mode in (_COMMENT, _PI, _CDATA):
                chunk = self._closing(chunk, out)
            elif self.mode == _TEXT:
                chunk = self._text(chunk, out)
            else:
                chunk = self._tag(chunk, out)
        return out

    def finish(self) -> list[bytes]:
        """What is still held (the parser reports it if it is incomplete)."""
        out = [bytes(self.held)] if self.held else []
        self.held = bytearray()
        return out

    # ------------------------------------------------------------------------- modes

    def _emit(self, out: list[bytes], segment: bytes) -> None:
        if segment:
            self.lines += segment.count(b"\n")
            out.append(segment)

    def _tag(self, chunk: bytes, out: list[bytes]) -> bytes:
        last = chunk.rfind(b"<")
        if last < 0:
            self.held += chunk
            if len(self.held) > MAX_TOKEN:
                self._oversized(out)
            return b""
        segment = bytes(self.held) + chunk[:last] if self.held else chunk[:last]
        self.held = bytearray()
        opened = _open_at_end(segment)
        if opened is None:
            self._emit(out, segment)
            self.held = bytearray(chunk[last:])
            return b""
        at, mode = opened
        self._emit(out, segment[:at])
        self.held = bytearray(segment[at:])
        self.mode = mode
        return chunk[last:]

    def _closing(self, chunk: bytes, out: list[bytes]) -> bytes:
        """A comment, PI or CDATA section is held: wait for its terminator."""
        closer = _OPENERS[self.mode - _COMMENT][1]
        overlap = bytes(self.held[-(len(closer) - 1) :])
        found = (overlap + chunk).find(closer)
        if found < 0:
            self.held += chunk
            if len(self.held) > MAX_TOKEN:
                if self.mode == _CDATA:
                    raise TokenRefused(f"a CDATA section of more than {_MIB} MiB", self.lines + 1)
                self.cuts[CUT_COMMENT] += 1
                self.lines += self.held.count(b"\n")
                self._start_drop(closer, bytes(self.held[-(len(closer) - 1) :]))
                self.held = bytearray()
                self.mode = _TAG
            return b""
        end = found + len(closer) - len(overlap)
        self.held += chunk[:end]
        self._emit(out, bytes(self.held))  # whole: expat reads it in one scan
        self.held = bytearray()
        self.mode = _TAG
        return chunk[end:]

    def _text(self, chunk: bytes, out: list[bytes]) -> bytes:
        """Character data after a tag that was too long to hold with it: fed as it comes."""
        first = chunk.find(b"<")
        if first >= 0:
            self.mode = _TAG
            return chunk
        self.text_run += len(chunk)
        if self.text_run <= MAX_TOKEN:
            self._emit(out, chunk)
            return b""
        keep = max(len(chunk) - (self.text_run - MAX_TOKEN), 0)  # bytes of this chunk within MAX_TOKEN
        cut = _safe_end(bytearray(chunk), 0, keep)
        self._emit(out, chunk[:cut])
        self.lines += chunk.count(b"\n", cut)
        self.cuts[CUT_TEXT] += 1
        self._start_drop(b"<", b"")
        self.mode = _TAG
        return b""

    def _drop(self, chunk: bytes) -> bytes:
        delimiter = self.dropping
        assert delimiter is not None
        window = self.drop_tail + chunk
        found = window.find(delimiter)
        if found < 0:
            self.lines += chunk.count(b"\n")
            self.drop_tail = window[-(len(delimiter) - 1) :] if len(delimiter) > 1 else b""
            return b""
        resume = found - len(self.drop_tail)
        self.lines += chunk.count(b"\n", 0, max(resume, 0))
        self.dropping = None
        self.drop_tail = b""
        if delimiter in (b"-->", b"?>"):
            return chunk[resume + len(delimiter) :]  # the whole comment or PI is left out
        return chunk[resume:]  # the quote or "<" that ends what was dropped is read

    def _start_drop(self, delimiter: bytes, tail: bytes) -> None:
        self.dropping = delimiter
        self.drop_tail = tail if len(delimiter) > 1 else b""

    # ------------------------------------------------------------------------- oversized

    def _oversized(self, out: list[bytes]) -> None:
        """held (no "<" after its first byte) passed MAX_TOKEN: decide what it is."""
        held = self.held
        line = self.lines + 1
        if held[:1] != b"<":  # character data (before the first tag, or after a comment)
            self._to_text(out, 0)
            return
        second = held[1:2]
        if second == b"/":
            end = held.find(b">")
            if end < 0:
                raise TokenRefused(f"an end tag of more than {_MIB} MiB", line)
            self._to_text(out, end + 1)
            return
        if second == b"!":
            raise TokenRefused(f"a markup declaration of more than {_MIB} MiB", line)
        pos = 1
        while pos < len(held) and held[pos] not in _NAME_ENDS:
            pos += 1
            if pos > _MAX_NAME:
                raise TokenRefused(f"a tag name of more than {_MAX_NAME} bytes", line)
        for _ in range(_MAX_ATTRIBUTES):
            end = held.find(b">", pos)
            equals = held.find(b"=", pos)
            if end >= 0 and (equals < 0 or end < equals):
                self._to_text(out, end + 1)
                return
            if equals < 0:
                raise TokenRefused(f"a tag of more than {_MIB} MiB", line)
            quote_at = equals + 1
            while quote_at < len(held) and held[quote_at] in _BLANKS and quote_at - equals < 64:
                quote_at += 1
            quote = held[quote_at : quote_at + 1]
            if quote not in (b'"', b"'"):
                raise TokenRefused(f"a tag of more than {_MIB} MiB", line)
            close = held.find(quote, quote_at + 1)
            if close < 0:
                start = quote_at + 1
                del held[_safe_end(held, start, start + KEEP) :]
                self.cuts[CUT_VALUE] += 1
                self._start_drop(bytes(quote), b"")
                return
            pos = close + 1
        raise TokenRefused(f"a tag with more than {_MAX_ATTRIBUTES} attributes", line)

    def _to_text(self, out: list[bytes], text_start: int) -> None:
        """held is a complete tag (ending before text_start) and character data: hand it all out
        and read on as text."""
        segment = bytes(self.held)
        self.held = bytearray()
        self._emit(out, segment)
        self.mode = _TEXT
        self.text_run = len(segment) - text_start


def _open_at_end(segment: bytes) -> tuple[int, int] | None:
    """(offset, mode) of a comment, PI or CDATA section that starts in segment and is not closed
    in it, else None."""
    for start, end, mode in _constructs(segment):
        if end < 0:
            return start, mode
    return None


def lt_in_markup(segment: bytes) -> int:
    """The "<" inside the comments, PIs and CDATA sections of a segment (which holds them whole:
    TokenFeeder hands out no other kind), for a caller that counts start tags by their "<"."""
    return sum(segment.count(b"<", start + 1, end) for start, end, _mode in _constructs(segment) if end >= 0)


def _constructs(segment: bytes) -> Iterator[tuple[int, int, int]]:
    """(start, end or -1 when not closed, mode) of each comment, PI and CDATA section, in order.
    Walks the openers with find() jumps, each pattern's next place found once, so that the cost
    is linear in the segment whatever it holds."""
    if b"<!" not in segment and b"<?" not in segment:
        return
    nexts = [segment.find(opener) for opener, _closer, _mode in _OPENERS]
    while True:
        best = -1
        which = -1
        for i, at in enumerate(nexts):
            if at >= 0 and (best < 0 or at < best):
                best, which = at, i
        if best < 0:
            return
        opener, closer, mode = _OPENERS[which]
        end = segment.find(closer, best + len(opener))
        if end < 0:
            yield best, -1, mode
            return
        yield best, end, mode
        pos = end + len(closer)
        for i, at in enumerate(nexts):
            if 0 <= at < pos:
                nexts[i] = segment.find(_OPENERS[i][0], pos)
