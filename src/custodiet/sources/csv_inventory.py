"""Asset inventories exported as delimited text (CSV, semicolon, tab or pipe separated).

Inventories come from spreadsheets, CMDBs and procurement systems, each with its own column
names and conventions, so headers are matched loosely (case, spaces, underscores and
punctuation ignored) against synonyms per role, and the user can name columns with
`--map role=HEADER`. Every row needs a usable IP address: it is what ties the row to the
hosts other sources see. The file is read line by line with a bound on line length.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from custodiet.errors import InputError, UsageError
from custodiet.model import Observation, Provenance, Subject
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import CSV_DELIMITERS
from custodiet.sources.text import bound, normalise_ip, normalise_mac

# Longest physical line read; a longer one is an error rather than unbounded memory.
MAX_LINE = 1 << 20

ROLES: tuple[str, ...] = ("address", "mac", "hostname", "vendor", "model", "serial", "site", "owner", "name")

# Header synonyms per role, in normalised form (see normalise_header).
SYNONYMS: dict[str, frozenset[str]] = {
    "address": frozenset(
        {
            "ip",
            "ips",
            "ipaddress",
            "ipaddr",
            "ipv4",
            "ipv4address",
            "ipv6",
            "ipv6address",
            "address",
            "hostip",
            "hostipaddress",
            "deviceip",
            "managementip",
            "mgmtip",
            "primaryip",
        }
    ),
    "mac": frozenset(
        {
            "mac",
            "macaddress",
            "macaddr",
            "hwaddress",
            "hwaddr",
            "hardwareaddress",
            "ethernetaddress",
            "physicaladdress",
            "ethernetmac",
        }
    ),
    "hostname": frozenset({"hostname", "host", "name", "dnsname", "fqdn", "computername", "devicehostname"}),
    "vendor": frozenset({"vendor", "manufacturer", "make", "brand", "oem", "mfr", "mfg", "maker"}),
    "model": frozenset({"model", "modelnumber", "modelno", "modelname", "product", "productname"}),
    "serial": frozenset({"serial", "serialnumber", "serialno", "sn", "servicetag"}),
    "site": frozenset({"site", "location", "building", "sitename", "facility", "campus"}),
    "owner": frozenset(
        {"owner", "assetowner", "ownedby", "assignedto", "custodian", "responsible", "responsibleparty"}
    ),
    "name": frozenset({"assetname", "description", "asset", "devicename", "assetdescription"}),
}

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


def normalise_header(header: str) -> str:
    """Header names compare loosely: "Host IP", "host_ip" and "HOST-IP" all become "hostip"."""
    return "".join(c for c in header.casefold() if c.isalnum())


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from one delimited inventory file (see the module docstring)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=label) from exc
    with handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="backslashreplace", newline="")
        yield from _read_text(text, label, stats, options)


def _lines(text: io.TextIOBase, label: str) -> Iterator[str]:
    """Physical lines, each at most MAX_LINE characters."""
    number = 0
    while True:
        line = text.readline(MAX_LINE)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE and not line.endswith(("\n", "\r")):
            raise InputError(f"line longer than {MAX_LINE:,} characters", file=label, place=f"line {number}")
        yield line


def sniff_delimiter(header_line: str) -> str:
    """The candidate delimiter that splits the header line most often (',' on a tie or none)."""
    counts = [(header_line.count(d), -i, d) for i, d in enumerate(CSV_DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


def _read_text(
    text: io.TextIOBase, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[Observation]:
    lines = _lines(text, label)
    skipped_lines = 0
    first = ""
    for line in lines:
        if line.strip():
            first = line
            break
        skipped_lines += 1
    if not first:
        raise InputError("empty file", file=label)
    reader = csv.reader(chain([first], lines), delimiter=sniff_delimiter(first))
    try:
        headers = [h.strip() for h in next(reader)]
        columns = map_columns(headers, options.column_map, label)
        place_of = skipped_lines  # physical lines before the reader's first
        previous = reader.line_num
        for row in reader:
            line_no = place_of + previous + 1
            previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            yield from _read_row(row, columns, label, f"line {line_no}", stats, options)
    except csv.Error as exc:
        raise InputError(
            f"malformed CSV: {exc}", file=label, place=f"line {place_of + reader.line_num}"
        ) from None
    except UnicodeError as exc:  # pragma: no cover - backslashreplace makes decoding total
        raise InputError(f"cannot decode: {exc}", file=label) from None


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


def _header_list(headers: list[str]) -> str:
    shown = ", ".join(repr(bound(h)[:40]) for h in headers[:20])
    return shown + (", ..." if len(headers) > 20 else "") if headers else "(none)"


def _read_row(
    row: list[str],
    columns: dict[str, int],
    label: str,
    place: str,
    stats: ReadStats,
    options: SourceOptions,
) -> list[Observation]:
    stats.records += 1

    def cell(role: str) -> str:
        index = columns.get(role)
        return row[index].strip() if index is not None and index < len(row) else ""

    address_text = cell("address")
    address = normalise_ip(address_text)
    if address is None:
        if options.strict:
            shown = repr(address_text[:60]) if address_text else "missing"
            raise InputError(f"bad address: {shown}", file=label, place=place)
        stats.skipped["bad address"] += 1
        return []
    mac_text = cell("mac")
    mac = normalise_mac(mac_text) if mac_text else None
    if mac_text and mac is None:
        if options.strict:
            raise InputError(f"bad MAC address: {mac_text[:60]!r}", file=label, place=place)
        stats.skipped["bad MAC (cell ignored)"] += 1
    subject = Subject(address=address, mac=mac)
    provenance = Provenance(label, place)
    out = []
    for role, name in FIELDS.items():
        value = mac if role == "mac" else cell(role)
        if value:
            out.append(Observation(subject, name, bound(value), provenance))
    stats.observations += len(out)
    return out
