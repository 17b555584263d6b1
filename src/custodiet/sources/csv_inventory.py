"""Asset inventories exported as delimited text (CSV, semicolon, tab or pipe separated).

Inventories come from spreadsheets, CMDBs and procurement systems, each with its own column
names and conventions, so headers are matched loosely (case, spaces, underscores and
punctuation ignored) against the usual names of each role ("IP Address", "Ethernet Addr",
"Vendor Name", "Part No.", "Site Code", ...), and the user can name columns with
`--map role=HEADER`. Every column that is not read is listed in the file's summary, so that a
header this reader does not know is never ignored silently. Every row needs a usable IP address:
it is what ties the row to the hosts other sources see (a cell may hold several, as custodiet's
own CSV report writes them: that report reads back as an inventory).

Reading. Spreadsheets write UTF-8 (with or without a byte-order mark), UTF-16 ("Unicode text",
with its mark) or a legacy code page. The byte-order mark decides; a line that is not UTF-8 is
decoded as Shift_JIS when it reads as Japanese text, else as Windows-1252 (Latin-1 for the five
bytes 1252 leaves undefined), and the summary says how many lines were. One bad record never
stops the file: a line over MAX_LINE bytes, a quote that is never closed (a record may span at
most MAX_SPAN lines and MAX_RECORD characters) or a malformed record is skipped and counted with
the line it starts on, and reading goes on with the line after it.
"""

from __future__ import annotations

import codecs
import csv
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from custodiet.errors import InputError, UsageError
from custodiet.model import Observation, Provenance, Subject
from custodiet.sources.base import ReadStats, SourceOptions, check_something_read
from custodiet.sources.detect import CSV_DELIMITERS
from custodiet.sources.paths import open_input
from custodiet.sources.text import bound, normalise_ip, normalise_mac

# Longest physical line read (bytes); a longer one is skipped and counted.
MAX_LINE = 1 << 20
# A record (quoted fields may hold newlines) spans at most this many lines and characters;
# beyond, its opening quote is taken as never closed.
MAX_SPAN = 256
MAX_RECORD = 1 << 20
# Addresses and hostnames one cell may list.
MAX_PER_CELL = 64

_CHUNK = 1 << 20
_HEAD = 1 << 16

ROLES: tuple[str, ...] = ("address", "mac", "hostname", "vendor", "model", "serial", "site", "owner", "name")


def _with_prefixes(bases: set[str], prefixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(prefix + base for base in bases for prefix in ("", *prefixes))


_DEVICE = ("device", "asset", "host", "node", "system", "equipment", "primary", "main")

# Header synonyms per role, in normalised form (see normalise_header).
# fmt: off
SYNONYMS: dict[str, frozenset[str]] = {
    "address": _with_prefixes(
        {"ip", "ips", "ipaddress", "ipaddresses", "ipaddr", "ipv4", "ipv4address", "ipv4addr", "ipv6",
         "ipv6address", "ipv6addr", "address", "addresses", "ipadres", "adresseip", "direccionip"},
        (*_DEVICE, "management", "mgmt", "lan", "network", "net", "client", "endpoint", "current", "last", "static"),
    ),
    "mac": _with_prefixes(
        {"mac", "macs", "macaddress", "macaddresses", "macaddr", "macid", "hwaddress", "hwaddr", "hardwareaddress",
         "hardwareaddr", "ethernetaddress", "ethernetaddr", "ethernet", "ethernetmac", "ethmac", "physicaladdress",
         "physaddr", "physicaladdr", "nicmac", "lanmac", "wiredmac", "wifimac", "wlanmac", "burnedinaddress", "bia"},
        (*_DEVICE, "lan", "nic", "eth0", "wired"),
    ),
    "hostname": _with_prefixes(
        {"hostname", "hostnames", "dnsname", "dnsnames", "fqdn", "computername", "netbiosname", "nodename",
         "machinename", "systemname"},
        ("device", "asset", "primary"),
    ) | {"host", "name", "dns"},
    "vendor": _with_prefixes(
        {"vendor", "vendorname", "manufacturer", "manufacturername", "manufacturedby", "make", "brand", "brandname",
         "oem", "oemname", "mfr", "mfrname", "mfg", "mfgname", "maker", "producer", "fabricant", "hersteller"},
        ("device", "asset", "hardware", "hw", "equipment", "product"),
    ),
    "model": _with_prefixes(
        {"model", "models", "modelnumber", "modelno", "modelnum", "modelname", "modelid", "modelcode", "product",
         "productname", "productmodel", "productnumber", "productno", "productcode", "partno", "partnumber",
         "partnum", "pn", "sku", "typenumber", "modele", "modell"},
        ("device", "asset", "hardware", "hw", "equipment"),
    ),
    "serial": _with_prefixes(
        {"serial", "serialnumber", "serialno", "serialnum", "sn", "servicetag", "seriennummer", "numerodeserie"},
        ("device", "asset", "hardware", "hw", "equipment", "chassis"),
    ),
    "site": _with_prefixes(
        {"site", "sitecode", "siteid", "sitename", "location", "locationname", "locationcode", "building",
         "buildingname", "facility", "facilityname", "campus", "branch", "office", "room", "standort", "ubicacion"},
        ("device", "asset", "physical", "install", "installation"),
    ),
    "name": frozenset(
        {"assetname", "description", "asset", "devicename", "assetdescription", "devicedescription", "displayname",
         "friendlyname", "label", "assetlabel", "equipmentname", "systemdescription"}
    ),
    "owner": _with_prefixes(
        {"owner", "ownername", "ownedby", "responsible", "responsibleteam", "custodian", "department", "team",
         "businessunit", "costcenter", "costcentre", "assignedto", "responsibleparty"},
        ("asset", "device", "business", "technical", "system"),
    ),
}
# fmt: on

# Role -> observation field (address has none: it is the subject).
FIELDS: dict[str, str] = {
    "mac": "mac",
    "hostname": "hostname",
    "vendor": "inventory.vendor",
    "model": "inventory.model",
    "serial": "inventory.serial",
    "site": "inventory.site",
    "owner": "inventory.owner",
    "name": "inventory.name",
}

# custodiet's own CSV report (report/csv_report.py): read back as an inventory. Its cells that
# could start a spreadsheet formula were written with a leading "'": the mark is taken off.
_REPORT_COLUMNS = ("id", "addresses", "mac", "hostnames", "manufacturer")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SPLIT = str.maketrans({",": " ", ";": " ", "|": " "})

_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip
_LEGACY_NAMES = {"cp932": "Shift_JIS", "cp1252": "Windows-1252", "latin-1": "Latin-1"}

SKIP_LONG_LINE = f"line over {MAX_LINE >> 20} MiB (skipped)"
SKIP_UNCLOSED = "quote never closed (record skipped, reading goes on after its first line)"


def normalise_header(header: str) -> str:
    """Header names compare loosely: "Host IP", "host_ip" and "HOST-IP" all become "hostip"."""
    return "".join(c for c in header.casefold() if c.isalnum())


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from one delimited inventory file (see the module docstring)."""
    with open_input(path, label) as handle:
        yield from _read_lines(_Lines(handle, label, stats, options), label, stats, options)
    check_something_read(stats, label, "a CSV inventory")


def sniff_delimiter(header_line: str) -> str:
    """The candidate delimiter that splits the header line most often (',' on a tie or none)."""
    counts = [(header_line.count(d), -i, d) for i, d in enumerate(CSV_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


# --------------------------------------------------------------------------- bytes to lines


class _Utf8Stream:
    """A UTF-16 or UTF-32 file as UTF-8 bytes (its byte-order mark consumed by the decoder)."""

    def __init__(self, handle: BinaryIO, codec: str) -> None:
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder(codec)("replace")
        self.done = False

    def read(self, size: int) -> bytes:
        while not self.done:
            data = self.handle.read(size)
            self.done = not data
            text = self.decoder.decode(data, final=self.done)
            if text:
                return text.encode("utf-8", "replace")
        return b""


def _legacy_codec(sample: bytes) -> str:
    """Shift_JIS (cp932) when the bytes read as Japanese text, else Windows-1252. Latin-1 bytes
    often decode as Shift_JIS too, but then mostly to half-width katakana or errors: only
    full-width kana, kanji and punctuation count for it."""
    try:
        text = sample.decode("cp932")
    except UnicodeDecodeError:
        return "cp1252"
    wide = [ord(c) for c in text if ord(c) > 0x7F]
    japanese = sum(1 for o in wide if 0x3000 <= o <= 0x9FFF or 0xFF01 <= o <= 0xFF5E)
    return "cp932" if wide and japanese * 10 >= len(wide) * 8 else "cp1252"


class _Lines:
    """Numbered text lines of a file: bounded, decoded, with a push-back for re-reading the lines
    of a record found bad (the csv module reads from this object)."""

    def __init__(self, handle: BinaryIO, label: str, stats: ReadStats, options: SourceOptions) -> None:
        self.label = label
        self.stats = stats
        self.strict = options.strict
        head = handle.read(_HEAD)
        self.stream: BinaryIO | _Utf8Stream = handle
        for bom, codec in _WIDE_BOMS:
            if head.startswith(bom):
                self.stream = _Utf8Stream(handle, codec)
                head = self.stream.decoder.decode(head).encode("utf-8", "replace")
                break
        else:
            if head.startswith(codecs.BOM_UTF8):
                head = head[3:]
        # Old Mac spreadsheets end lines with a lone CR.
        self.newline = b"\r" if b"\n" not in head and b"\r" in head else b"\n"
        self.pending = head
        self.legacy: str | None = None
        self.number = 0
        self.source = self._physical()
        self.pushback: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []
        self.size = 0
        self.ended = False

    def _physical(self) -> Iterator[tuple[int, str]]:
        newline = self.newline
        buf = self.pending
        self.pending = b""
        pos = 0
        eof = False
        skipping = False  # inside a line over MAX_LINE, already counted: dropped up to its end
        while True:
            end = buf.find(newline, pos)
            if end < 0:
                if skipping:
                    buf, pos = b"", 0
                elif len(buf) - pos > MAX_LINE:
                    self.number += 1
                    self._bad(SKIP_LONG_LINE, self.number, f"over {MAX_LINE:,} bytes")
                    skipping = True
                    buf, pos = b"", 0
                if eof:
                    if pos < len(buf):
                        self.number += 1
                        yield self.number, self._decode(buf[pos:])
                    return
                more = self.stream.read(_CHUNK)
                eof = not more
                buf = buf[pos:] + more
                pos = 0
                continue
            if skipping:
                skipping = False
            else:
                self.number += 1
                if end - pos > MAX_LINE:
                    self._bad(SKIP_LONG_LINE, self.number, f"{end - pos:,} bytes")
                else:
                    yield self.number, self._decode(buf[pos : end + 1])
            pos = end + 1

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if self.legacy is None:
            self.legacy = _legacy_codec(raw)
        codec = self.legacy
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            codec = "latin-1"
            text = raw.decode(codec)
        self.stats.notices[f"lines not in UTF-8, read as {_LEGACY_NAMES[codec]}"] += 1
        return text

    def _bad(self, reason: str, number: int, detail: str | None = None) -> None:
        if self.strict:
            raise InputError(
                f"{reason}: {detail}" if detail else reason, file=self.label, place=f"line {number}"
            )
        self.stats.skipped[reason] += 1
        self.stats.first_bad.setdefault(reason, f"line {number}")

    # The csv module's view: one text line at a time, counted into the record being read.

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pushback:
            item = self.pushback.popleft()
        else:
            try:
                item = next(self.source)
            except StopIteration:
                self.ended = True  # only a record still open (a quote not closed) asks again at the end
                raise
        self.taken.append(item)
        self.size += len(item[1])
        if len(self.taken) > MAX_SPAN or self.size > MAX_RECORD:
            raise _Runaway
        return item[1]

    def start_record(self) -> None:
        self.taken = []
        self.size = 0
        self.ended = False

    def replay_after_first(self) -> None:
        """The record's first line is bad: read again from its second line."""
        self.pushback.extendleft(reversed(self.taken[1:]))
        self.taken = []
        self.size = 0


class _Runaway(Exception):
    """A record grew past MAX_SPAN lines or MAX_RECORD characters: a quote never closed."""


# --------------------------------------------------------------------------- lines to rows


def _read_lines(lines: _Lines, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    header_line = ""
    header_number = 0
    for number, line in lines.source:
        if line.strip():
            header_line, header_number = line, number
            break
    if not header_line:
        raise InputError("empty file", file=label)
    delimiter = sniff_delimiter(header_line)
    try:
        headers = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter), [])]
    except csv.Error as exc:
        raise InputError(f"malformed CSV header: {exc}", file=label, place=f"line {header_number}") from None
    report = _is_report(headers)
    columns = map_columns(headers, options.column_map, label)
    unused = [h for i, h in enumerate(headers) if i not in columns.values() and h]
    if unused:
        stats.notices[f"columns not read: {_header_list(unused, 12)}"] += len(unused)
    if report:
        stats.notices["custodiet CSV report read as an inventory"] += 1
    rows = _Rows(columns, label, stats, options, report)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return
        except (_Runaway, csv.Error) as exc:
            first = lines.taken[0][0] if lines.taken else lines.number
            if isinstance(exc, _Runaway):
                lines._bad(SKIP_UNCLOSED, first, f"over {MAX_SPAN} lines or {MAX_RECORD:,} characters")
            else:
                lines._bad("malformed CSV record", first, str(exc))
            lines.replay_after_first()
            reader = csv.reader(lines, delimiter=delimiter)
            continue
        if not lines.taken:
            continue
        first = lines.taken[0][0]
        if lines.ended:
            # The csv module asked for a line past the end: the file ended inside a quoted field
            # (its record reaches the end of the file).
            lines._bad(SKIP_UNCLOSED, first, "the file ends inside it")
            lines.replay_after_first()
            reader = csv.reader(lines, delimiter=delimiter)
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield from rows.read(row, f"line {first}")


def _is_report(headers: list[str]) -> bool:
    return (
        tuple(h.casefold() for h in headers[: len(_REPORT_COLUMNS)]) == _REPORT_COLUMNS
        and "covered" in headers
    )


def map_columns(headers: list[str], column_map: dict[str, str], label: str) -> dict[str, int]:
    """Role -> column index, from the user's --map first, then header synonyms."""
    columns: dict[str, int] = {}
    for role, wanted in column_map.items():
        if role not in ROLES:
            raise UsageError(f"--map {role}=...: unknown role (roles: {', '.join(ROLES)})")
        index = _find_header(headers, wanted)
        if index is None:
            raise InputError(
                f"--map {role}={wanted}: no such column (headers: {_header_list(headers)})",
                file=label,
                place="line 1",
            )
        columns[role] = index
    taken = set(columns.values())
    for index, header in enumerate(headers):
        if index in taken:
            continue
        key = normalise_header(header)
        for role in ROLES:
            if role not in columns and key in SYNONYMS[role]:
                columns[role] = index
                taken.add(index)
                break
    if "address" not in columns:
        raise InputError(
            f"no IP address column among headers {_header_list(headers)}; name it with --map address=HEADER",
            file=label,
            place="line 1",
        )
    return columns


def _find_header(headers: list[str], wanted: str) -> int | None:
    if wanted in headers:
        return headers.index(wanted)
    key = normalise_header(wanted)
    for index, header in enumerate(headers):
        if normalise_header(header) == key:
            return index
    return None


def _header_list(headers: list[str], limit: int = 20) -> str:
    shown = ", ".join(repr(bound(h)[:40]) for h in headers[:limit])
    return shown + (", ..." if len(headers) > limit else "") if headers else "(none)"


def _split(text: str) -> list[str]:
    """The items of a cell listing several (spaces, commas, semicolons or bars between them)."""
    return text.translate(_SPLIT).split(None, MAX_PER_CELL)[:MAX_PER_CELL]


class _Rows:
    """Rows to observations for one file: the columns looked up once (a row is a few cells, and
    a file can have millions of rows)."""

    def __init__(
        self, columns: dict[str, int], label: str, stats: ReadStats, options: SourceOptions, report: bool
    ) -> None:
        self.label = label
        self.stats = stats
        self.strict = options.strict
        self.report = report
        self.address = columns["address"]
        self.mac = columns.get("mac")
        # (field, column, hostname: a cell that may list several) in FIELDS order, mac first.
        self.fields = [
            (FIELDS[role], columns[role], role == "hostname")
            for role in FIELDS
            if role != "mac" and role in columns
        ]

    def cell(self, row: list[str], index: int) -> str:
        if index >= len(row):
            return ""
        value = row[index].strip()
        if self.report and value[:1] == "'" and value[1:2] in _FORMULA_START:
            value = value[1:]
        return value

    def read(self, row: list[str], place: str) -> list[Observation]:
        stats = self.stats
        stats.records += 1
        cell = self.cell
        address_text = cell(row, self.address)
        address = normalise_ip(address_text)
        if address is not None:
            addresses = [address]
        else:
            addresses = list(
                dict.fromkeys(a for a in map(normalise_ip, _split(address_text)) if a is not None)
            )
            if not addresses:
                if self.strict:
                    shown = repr(address_text[:60]) if address_text else "missing"
                    raise InputError(f"bad address: {shown}", file=self.label, place=place)
                stats.skipped["bad address"] += 1
                return []
        mac = None
        if self.mac is not None:
            mac_text = cell(row, self.mac)
            if mac_text:
                mac = normalise_mac(mac_text)
                if mac is None:
                    if self.strict:
                        raise InputError(f"bad MAC address: {mac_text[:60]!r}", file=self.label, place=place)
                    stats.skipped["bad MAC (cell ignored)"] += 1
        values: list[tuple[str, str]] = [("mac", mac)] if mac else []
        for name, index, several in self.fields:
            value = cell(row, index)
            if not value:
                continue
            if several and (" " in value or "," in value or ";" in value):
                values.extend((name, bound(h)) for h in _split(value))
            else:
                values.append((name, bound(value)))
        provenance = Provenance(self.label, place)
        if len(addresses) == 1:
            subject = Subject(address=addresses[0], mac=mac)
            out = [Observation(subject, name, value, provenance) for name, value in values]
        else:
            subjects = [Subject(address=a, mac=mac) for a in addresses]
            out = [
                Observation(subject, name, value, provenance)
                for subject in subjects
                for name, value in values
            ]
        stats.observations += len(out)
        return out
