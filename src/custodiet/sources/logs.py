"""Plumbing the line-oriented readers share (Zeek, Suricata EVE, banner exports, DHCP logs).

Why one module: every log reader needs the same five things, and each of them is easy to get
subtly wrong in a hot loop:

- bounded lines: files are read in large chunks and split on newlines, so that one line costs
  a slice rather than a method call, and a line longer than MAX_LINE is dropped (and counted)
  instead of growing memory; gzip-compressed files (rotated Zeek and EVE logs, Shodan
  downloads) are read through the same path;
- skips: a bad line is counted per reason, and with `--strict` it is an InputError that names
  the file and "line N"; lines that are fine but carry nothing (a weird.log entry, an event
  type we do not read) are counted too but never raise;
- contacts: traffic logs repeat the same (device, remote, port) millions of times, so
  contacts are aggregated in a bounded table and emitted as one Contact per key with counts,
  bytes and first/last times;
- observations: the same (host, field, port, text) recurs on every request; a bounded seen-set
  emits each once;
- the local side of a connection, time stamps and names, normalised once for all readers.
"""

from __future__ import annotations

import gzip
import io
import ipaddress
import math
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Generic, TypeVar

import orjson

try:  # an accelerator of the JSON traffic logs (Zeek, EVE): lines decoded into the fields read
    import msgspec
except ImportError:  # pragma: no cover - without it, every JSON line goes through orjson
    # mypy types the name as the module; the readers test it for None before any use
    msgspec = None  # type: ignore[assignment]

from custodiet.errors import InputError
from custodiet.model import Contact, Observation, Provenance, Subject
from custodiet.model.observation import MAX_TEXT
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.paths import open_input
from custodiet.sources.text import decode, normalise_ip

# Longest line read. Shodan and Censys host records carry whole HTML pages and certificate
# chains, so the bound is generous; it only has to keep one hostile line from taking memory.
MAX_LINE = 8 << 20
# Traffic logs (Zeek, EVE) have short lines; a longer one is hostile or broken.
MAX_LOG_LINE = 1 << 20

_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"

# Distinct contact keys held before the table is emitted and emptied; bounds memory on logs
# with millions of distinct flows (the same key may then be emitted twice, with its counts split).
MAX_CONTACT_KEYS = 200_000
# Distinct observations remembered for de-duplication before the memory is cleared (as 64-bit
# hashes: a long text costs no more than a short one).
MAX_SEEN = 500_000
# Raw text a contact key may hold (addresses, names, ports): a longer value is no name or
# address, and keeping it would let a hostile log fill the table with megabytes per key.
MAX_KEY_BYTES = 2048


# --------------------------------------------------------------------------- files and lines


def open_binary(path: Path, label: str) -> BinaryIO:
    """The file as a binary stream, transparently decompressed when it is gzip."""
    handle = open_input(path, label)
    try:
        magic = handle.read(2)
        handle.seek(0)
    except OSError as exc:
        handle.close()
        raise InputError(f"cannot read: {exc.strerror or exc}", file=label) from exc
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


def gunzip_head(head: bytes, size: int) -> bytes:
    """The first `size` bytes of a gzip stream of which only `head` is at hand (for sniffing)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, size)
    except zlib.error:
        return b""


def line_batches(
    handle: BinaryIO, skips: Skips, max_line: int | None = None
) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines) per chunk read, each line without its end-of-line.

    Batches rather than single lines because the hot loops of the log readers then count lines
    themselves and the generator resumes once per megabyte, not once per line. A line longer
    than MAX_LINE is dropped through to its newline and counted as a bad line; its number is
    skipped in the numbering of the batches.
    """
    return _batches(handle, skips, max_line or MAX_LINE, _split_chunk, strip_line)


def raw_line_batches(
    handle: BinaryIO, skips: Skips, max_line: int | None = None
) -> Iterator[tuple[int, list[bytes]]]:
    """(number of the first line, lines) per chunk read, as line_batches but each line still
    ending in its "\n" (a last line without one has none): see strip_line.

    Why: bytes.split looks at a chunk byte by byte, while iterating a BytesIO finds each end of
    line with memchr; on the long lines of JSON logs that is a few thousand instructions a line,
    and the JSON parsers take the end of line as whitespace, so the lines need no second copy.
    Lines longer than MAX_LINE are dropped and counted as in line_batches."""
    return _batches(handle, skips, max_line or MAX_LINE, _split_chunk_raw, bytes)


def _split_chunk(chunk: bytes) -> tuple[list[bytes], bytes]:
    """(the whole lines of a chunk without their ends of line, the unfinished rest)."""
    parts = chunk.split(b"\n")
    pending = parts.pop()
    if b"\r" in chunk:
        parts = [p[:-1] if p[-1:] == b"\r" else p for p in parts]
    return parts, pending


def _split_chunk_raw(chunk: bytes) -> tuple[list[bytes], bytes]:
    """(the whole lines of a chunk with their ends of line, the unfinished rest)."""
    parts = list(io.BytesIO(chunk))
    pending = parts.pop() if parts and parts[-1][-1:] != b"\n" else b""
    return parts, pending


def _batches(
    handle: BinaryIO,
    skips: Skips,
    limit: int,
    split: Callable[[bytes], tuple[list[bytes], bytes]],
    last: Callable[[bytes], bytes],
) -> Iterator[tuple[int, list[bytes]]]:
    """The chunk loop of line_batches and raw_line_batches: `split` cuts a chunk into its whole
    lines and the rest (called once per chunk, never per line), `last` finishes a last line
    that has no end of line."""
    pending = b""
    number = 0  # lines handed out or dropped so far
    discarding = False
    read = handle.read
    start = True
    while True:
        try:
            chunk = read(_CHUNK)
        except (OSError, EOFError, zlib.error) as exc:  # gzip: truncated or corrupt stream
            raise InputError(f"read failed after line {number}: {exc}", file=skips.label) from None
        if not chunk:
            break
        if start:
            start = False
            if chunk.startswith(UTF8_BOM):  # an editor's byte-order mark is no part of line 1
                chunk = chunk[3:]
        if discarding:
            cut = chunk.find(b"\n")
            if cut < 0:
                continue
            number += 1
            skips.bad("line too long", number, f"longer than {limit:,} bytes")
            discarding = False
            chunk = chunk[cut + 1 :]
        elif pending:
            chunk = pending + chunk
        parts, pending = split(chunk)
        if parts:
            yield number + 1, parts
            number += len(parts)
        if len(pending) > limit:
            pending = b""
            discarding = True
    if discarding:
        skips.bad("line too long", number + 1, f"longer than {limit:,} bytes")
    elif pending:
        yield number + 1, [last(pending)]


def strip_line(line: bytes) -> bytes:
    """A line of raw_line_batches as line_batches gives it: without its "\n" and one "\r"."""
    if line[-1:] == b"\n":
        line = line[:-1]
    return line[:-1] if line[-1:] == b"\r" else line


def lines(handle: BinaryIO, skips: Skips, max_line: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(line number, line without its end-of-line) for every line of the stream (see line_batches)."""
    for first, batch in line_batches(handle, skips, max_line):
        yield from enumerate(batch, first)


# --------------------------------------------------------------------------- skips


class Skips:
    """Counts what a reader skipped, per reason; bad lines raise under --strict."""

    __slots__ = ("counts", "first", "label", "strict")

    def __init__(self, stats: ReadStats, label: str, options: SourceOptions) -> None:
        self.counts: Counter[str] = stats.skipped
        self.first = stats.first_bad
        self.label = label
        self.strict = options.strict

    def bad(self, reason: str, number: int, detail: str | None = None, count: int = 1) -> None:
        """A line the reader cannot use because it is malformed (`count` such lines when an
        aggregated key turns out bad; `number` is then its first line)."""
        if self.strict:
            raise InputError(
                f"{reason}: {detail}" if detail else reason, file=self.label, place=f"line {number}"
            )
        self.counts[reason] += count
        if reason not in self.first:
            self.first[reason] = f"line {number}"

    def note(self, reason: str) -> None:
        """A well-formed line that carries nothing this reader uses (never an error)."""
        self.counts[reason] += 1


# --------------------------------------------------------------------------- observations


class Emitter:
    """Observations of one file, each (address, mac, field, port, text) once (bounded memory)."""

    __slots__ = ("label", "places", "seen", "stats")

    def __init__(self, label: str, stats: ReadStats) -> None:
        self.label = label
        self.stats = stats
        self.seen: set[int] = set()
        self.places: dict[str, Provenance] = {}

    def make(
        self,
        out: list[Observation] | list[Observation | Contact],
        subject: Subject,
        field: str,
        text: str | None,
        place: str,
        port: str | None = None,
        provenance: Provenance | None = None,
    ) -> None:
        """Append the observation to `out` unless it is empty or already emitted (`provenance`,
        when given, is used instead of this file's `place`)."""
        if not text:
            return
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
        key = hash((subject.address, subject.mac, field, port, text))
        if key in self.seen:
            return
        if len(self.seen) >= MAX_SEEN:
            self.seen.clear()
        self.seen.add(key)
        if provenance is None:
            provenance = self.places.get(place)
            if provenance is None:
                if len(self.places) >= 4096:
                    self.places.clear()
                provenance = self.places[place] = Provenance(self.label, place)
        out.append(Observation(subject, field, text, provenance, port))
        self.stats.observations += 1


# --------------------------------------------------------------------------- contacts

# One aggregated contact: [first time, last time, count, bytes a, bytes b, first line number].
# first/last are None when unknown; a time of None never replaces a known one. Only
# ContactTable.count changes an entry; the readers' builders read it. A list, not a typed
# record: the hot loops update its slots in place, millions of times.
Entry = list[Any]

# What a reader's line handler hands on: observations, and a full contact table's contacts.
Items = Iterable[Observation | Contact]

# A contact table's key: each reader chooses its own (raw values, as a tuple or joined bytes).
K = TypeVar("K", bound=Hashable)


class ContactTable(Generic[K]):
    """Contacts aggregated by a reader-chosen key; `builder` turns (key, entry) into a Contact
    when the table is emitted, so the hot loop never builds objects or decodes bytes.

    The one place where a contact is counted: every reader's hot loop calls `count` (one time
    per line: a Zeek row, an EVE dns/http/tls event) or `count_span` (a first and a last time:
    an EVE flow), bound to a local name, once per line. A known key (the common case) costs one
    dict lookup and the entry's update; both methods update alike (`count` is `count_span` with
    first = last, kept apart because it runs millions of times and each argument costs). The
    entry's times are epoch seconds (floats) or one reader's fixed-width strings; its two byte
    counts are in the key's own orientation (the builder decides which side is local). A key that
    cannot be held is counted on `skips` as a bad line: a JSON list or object where a value
    belongs (unhashable), a value too long (its text over MAX_KEY_BYTES: measured once per new
    key, a few percent of lines). Each returns the table's contacts only when it was full and is being emptied, else None.
    """

    __slots__ = ("builder", "entries", "skips", "stats")

    def __init__(self, builder: Callable[[K, Entry], list[Contact]], stats: ReadStats, skips: Skips) -> None:
        self.builder = builder
        self.entries: dict[K, Entry] = {}
        self.stats = stats
        self.skips = skips

    def count(
        self,
        key: K,
        when: object,
        bytes_a: int,
        bytes_b: int,
        number: int,
        size: int = MAX_KEY_BYTES + 1,
    ) -> Iterator[Contact] | None:
        """One occurrence of key at `when` (None: unknown), for the line `number`."""
        try:
            entry = self.entries.get(key)
        except TypeError:  # unhashable
            self.skips.bad("malformed values", number)
            return None
        if entry is None:
            return self._new(key, when, when, bytes_a, bytes_b, number)
        if when is not None:
            if entry[0] is None or when < entry[0]:
                entry[0] = when
            if entry[1] is None or when > entry[1]:
                entry[1] = when
        entry[2] += 1
        entry[3] += bytes_a
        entry[4] += bytes_b
        return None

    def count_span(
        self,
        key: K,
        first: object,
        last: object,
        bytes_a: int,
        bytes_b: int,
        number: int,
    ) -> Iterator[Contact] | None:
        """One occurrence of key seen from `first` to `last` (either None: unknown)."""
        try:
            entry = self.entries.get(key)
        except TypeError:  # unhashable
            self.skips.bad("malformed values", number)
            return None
        if entry is None:
            return self._new(key, first, last, bytes_a, bytes_b, number)
        if first is not None and (entry[0] is None or first < entry[0]):
            entry[0] = first
        if last is not None and (entry[1] is None or last > entry[1]):
            entry[1] = last
        entry[2] += 1
        entry[3] += bytes_a
        entry[4] += bytes_b
        return None

    def _new(
        self, key: K, first: object, last: object, bytes_a: int, bytes_b: int, number: int
    ) -> Iterator[Contact] | None:
        if key_size(key) > MAX_KEY_BYTES:
            self.skips.bad("value too long", number)
            return None
        flushed = self.drain() if len(self.entries) >= MAX_CONTACT_KEYS else None
        self.entries[key] = [first, last if last is not None else first, 1, bytes_a, bytes_b, number]
        return flushed

    def drain(self) -> Iterator[Contact]:
        """Every aggregated contact, built one at a time as the table is emptied (so that neither
        the table nor a list of contacts holds them all at once)."""
        entries, self.entries = self.entries, {}
        build = self.builder
        stats = self.stats
        while entries:
            key, entry = entries.popitem()
            for contact in build(key, entry):
                stats.contacts += 1
                yield contact


def key_size(key: object) -> int:
    """The bytes of text in a contact key (one level of nested tuples). A bytes key counts
    without its "\n": readers join a key's raw values with it (no line holds one)."""
    if isinstance(key, bytes):
        return len(key) - key.count(b"\n")
    size = 0
    for part in key if isinstance(key, tuple) else (key,):
        if isinstance(part, (str, bytes)):
            size += len(part)
        elif isinstance(part, tuple):
            size += sum(len(p) for p in part if isinstance(p, (str, bytes)))
    return size


def once(seen: set[int], key: tuple) -> bool:
    """True the first time a raw combination of values is seen; remembered as a 64-bit hash so
    that long values cost nothing (a collision would only hide a repeat). Bounded memory."""
    try:
        digest = hash(key)
    except TypeError:
        return False
    if digest in seen:
        return False
    if len(seen) >= MAX_SEEN:
        seen.clear()
    seen.add(digest)
    return True


# --------------------------------------------------------------------------- traffic logs


class TrafficFile:
    """What a traffic-log reader (Zeek, EVE) keeps for one file: its label, stats and skips,
    the emitter of its observations and the raw values already observed (see once)."""

    def __init__(self, label: str, stats: ReadStats, options: SourceOptions) -> None:
        self.label = label
        self.stats = stats
        self.skips = Skips(stats, label, options)
        self.emit = Emitter(label, stats)
        self.raw_seen: set[int] = set()

    def _once(self, key: tuple) -> bool:
        return once(self.raw_seen, key)

    def _flow_contact_of(
        self,
        entry: Entry,
        a: object,
        b: object,
        port: str | None,
        time_text: Callable[[Any], str | None],
        local_a: bool | None = None,
        local_b: bool | None = None,
    ) -> list[Contact]:
        """The "flow" Contact of an aggregated key between the addresses `a` and `b` (raw), its
        byte counts in the a -> b orientation, oriented to the local side (see orient); no
        contact, and the key's lines skipped, when an address is bad. `time_text` writes the
        entry's times as Contact times."""
        pair = entry_addresses(self.skips, a, b, entry)
        if pair is None:
            return []
        first, second = pair
        if orient(first, second, local_a, local_b):
            local, remote, sent, received = first, second, entry[3], entry[4]
        else:
            local, remote, sent, received = second, first, entry[4], entry[3]
        return [
            Contact(
                address_subject(local),
                "flow",
                Provenance(self.label, f"line {entry[5]}"),
                remote=remote,
                port=port,
                first_seen=time_text(entry[0]),
                last_seen=time_text(entry[1]),
                count=entry[2],
                bytes_out=max(sent, 0),
                bytes_in=max(received, 0),
            )
        ]


# --------------------------------------------------------------------------- JSON traffic logs

# What msgspec decoders (Zeek and EVE lines of the usual shape) raise on any other line.
MSGSPEC_ERRORS: tuple[type[Exception], ...] = (
    (msgspec.DecodeError, ValueError, RecursionError) if msgspec is not None else ()
)


def int64() -> Any:
    """The msgspec type of an integer within 64 bits (orjson makes floats of larger ones, so
    the msgspec path must refuse them for both paths to read a line alike)."""
    return Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


def json_error(line: bytes) -> str:
    """orjson's message for a line without its end of line (it counts the end as a line)."""
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return str(exc)[:80]
    return "malformed"  # pragma: no cover - a line is malformed with and without its end


# --------------------------------------------------------------------------- times


_SECONDS: dict[int, str] = {}


def iso_utc(when: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC with microseconds ("2024-05-01T12:00:00.000000Z"), the
    form the capture reader writes too, so that first/last times of all sources compare as
    strings. The date-and-second part is formatted once per second (it is the slow part), the
    microseconds rounded half-even as datetime does."""
    if when is None:
        return None
    try:
        second = math.floor(when)
        micro = round((when - second) * 1e6)
    except (OverflowError, ValueError, TypeError):
        return None
    if micro >= 1_000_000:
        second += 1
        micro -= 1_000_000
    prefix = _SECONDS.get(second)
    if prefix is None:
        try:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        except (OverflowError, OSError, ValueError):
            return None
        if len(_SECONDS) >= 65536:
            _SECONDS.clear()
        _SECONDS[second] = prefix
    return f"{prefix}{micro:06d}Z"


@lru_cache(maxsize=65536)
def address_subject(address: str) -> Subject:
    """The Subject of an address alone (shared: subjects are immutable)."""
    return Subject(address)


def epoch(value: object) -> float | None:
    """A time stamp as epoch seconds: a number (Zeek), a numeric string, or ISO 8601 with or
    without zone (Suricata's "2024-05-01T12:00:00.123456+0200"; no zone means UTC)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bytes):
        try:
            return float(value)
        except ValueError:
            value = value.decode("ascii", "replace")
    if not isinstance(value, str) or not value or len(value) > 40:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # +0200 -> +02:00 (Python 3.11 takes both, 3.10 not)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


# --------------------------------------------------------------------------- addresses and names

_LOCAL_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fc00::/7", "fe80::/10")
)


@lru_cache(maxsize=65536)
def is_local(address: str) -> bool:
    """Whether the address is in a private (RFC 1918), unique-local (RFC 4193) or link-local
    range: a device of the organisation rather than a remote party."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in net for net in _LOCAL_NETS if net.version == parsed.version)


def orient(orig: str, resp: str, local_orig: bool | None = None, local_resp: bool | None = None) -> bool:
    """True when the originator is the local side of a connection, False for the responder.

    The sensor's own verdict (Zeek's local_orig/local_resp) wins; otherwise the private side of
    a private-public pair is local; otherwise the originator is (a device reaching out).
    """
    if local_orig is not None or local_resp is not None:
        if local_orig:
            return True
        if local_resp:
            return False
    return is_local(orig) or not is_local(resp)


@lru_cache(maxsize=65536)
def normalise_name(text: str | None) -> str | None:
    """A DNS name, SNI or Host as a Contact name: lower case, no trailing dot, no port; None for
    an empty value or an address literal (the remote address says it already)."""
    if not text:
        return None
    name = text.strip()
    if name.startswith("["):  # "[2001:db8::1]:8080"
        end = name.find("]")
        name = name[1:end] if end > 0 else name[1:]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    name = name.rstrip(".").lower()
    if not name or len(name) > 253 or normalise_ip(name) is not None:
        return None
    return name


def ip_of(value: object) -> str | None:
    """A TSV (bytes) or JSON address value, normalised; None for anything else (a JSON list or
    object included: only texts reach the cache, which would fail on an unhashable value)."""
    return ip_text(value) if isinstance(value, (str, bytes)) else None


@lru_cache(maxsize=1 << 17)
def ip_text(value: str | bytes) -> str | None:
    """normalise_ip of a text or of ASCII bytes, cached (traffic logs repeat their addresses)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return normalise_ip(value)


def line_address(skips: Skips, value: object, number: int) -> str | None:
    """The address of a line's value, normalised; a bad one counted as a bad line."""
    address = ip_of(value)
    if address is None:
        skips.bad("bad address", number, repr(value)[:60])
    return address


def line_addresses(skips: Skips, a: object, b: object, number: int) -> tuple[str, str] | None:
    """Both addresses of a line (client and server), normalised; a bad one skips the line."""
    first, second = ip_of(a), ip_of(b)
    if first is None or second is None:
        skips.bad("bad address", number, repr(a if first is None else b)[:60])
        return None
    return first, second


def entry_addresses(skips: Skips, a: object, b: object, entry: Entry) -> tuple[str, str] | None:
    """Both addresses of a contact key, normalised; a bad one skips all the key's lines."""
    first, second = ip_of(a), ip_of(b)
    if first is None or second is None:
        skips.bad("bad address", entry[5], repr(a if first is None else b)[:60], count=entry[2])
        return None
    return first, second


def port_of(port: object, proto: object) -> str | None:
    """port_text, cached; a JSON list or object (unhashable) is converted uncached."""
    try:
        return _port_cached(port, proto)
    except TypeError:
        return port_text(port, proto)


@lru_cache(maxsize=4096)
def _port_cached(port: object, proto: object) -> str | None:
    return port_text(port, proto)


def port_text(port: object, proto: object) -> str | None:
    """ "443/tcp" from a port number and a protocol name in any case; None if either is missing."""
    if port is None or port == "" or proto is None:
        return None
    if isinstance(port, bytes):
        port = port.decode("ascii", "replace")
    if isinstance(proto, bytes):
        proto = proto.decode("ascii", "replace")
    if not isinstance(port, (str, int, float)):
        return None  # a JSON list or object: no port
    try:
        number = int(port)
    except ValueError:
        return None
    proto_text = str(proto).strip().lower()
    if not 0 <= number <= 65535 or not proto_text or len(proto_text) > 8:
        return None
    return f"{number}/{proto_text}"


def text_of(value: object) -> str | None:
    """A JSON value as bounded text (strings as they are, numbers as digits), else None."""
    if isinstance(value, str):
        return value[:MAX_TEXT] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    return None


def latin1_bytes(text: str) -> bytes | None:
    """Text whose characters all stand for single bytes (U+0000..U+00FF) as those bytes, else
    None: scanners that escape every byte as \\u00XX (masscan) produce such text."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def byte_text(text: str) -> str:
    """Text escaped byte by byte as \\u00XX, back to what the device sent (UTF-8 decoded, bad
    bytes as \\xNN, like every device text); text that is not such an escape stays as it is."""
    if text.isascii():
        return text
    data = latin1_bytes(text)
    return decode(data) if data is not None else text
