"""Tell a file's format from its first bytes, so users need not say it.

Detection is an ordered list of sniffers, most specific first: each looks at the head of the
file (HEAD_BYTES, already read) and says yes or no. A new source adds its sniffer to SNIFFERS
before the catch-all CSV one; keep each sniffer cheap and sure (a false yes sends a file to the
wrong reader).

Order and why: binary magic numbers first (pcap, pcapng: delegated to the capture package,
imported lazily so that detection works without it); nmap XML; then the JSON-lines formats by
the keys of their first record (Zeek JSON before EVE, EVE before the scanner exports, Censys
last of them because its keys are the most generic), Zeek TSV by its header lines, the DHCP
lease files and logs, Kea's lease CSV by its exact header (Kea files are CSV too, so they must be
claimed before the generic inventory sniffer), and the catch-all CSV sniffer last.

gzip-compressed files (rotated Zeek and EVE logs, Shodan downloads) are sniffed on their
decompressed head, and only for the formats whose readers decompress (GZIP_FORMATS).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import orjson

from custodiet.errors import InputError
from custodiet.sources.banners_jsonl import unwrap_censys
from custodiet.sources.dhcp_logs import is_dnsmasq_lease
from custodiet.sources.logs import gunzip_head
from custodiet.sources.scan_replies import FORMAT as SCAN_REPLIES
from custodiet.sources.scan_replies import is_scan_replies
from custodiet.sources.zeek import kind_from_columns

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


# --------------------------------------------------------------------------- captures (delegated)


@cache
def pcap_module() -> ModuleType | str:
    """The capture package (custodiet.sources.pcap), or why it cannot be imported."""
    try:
        return importlib.import_module("custodiet.sources.pcap")
    except ImportError as exc:
        return str(exc) or "not installed"


def _capture_kind(head: bytes) -> str | None:
    module = pcap_module()
    if isinstance(module, str):
        return None
    return module.sniff(head)


def is_pcap(head: bytes) -> bool:
    """A libpcap capture (any byte order, micro- or nanosecond), as the capture package says."""
    return _capture_kind(head) == "pcap"


def is_pcapng(head: bytes) -> bool:
    """A pcapng capture, as the capture package says."""
    return _capture_kind(head) == "pcapng"


# --------------------------------------------------------------------------- JSON lines


def _first_lines(head: bytes, count: int = 8) -> list[str]:
    """The first non-blank lines of the head, stripped; the last one only if it is complete."""
    text = _text_head(head)
    complete = text.endswith(("\n", "\r")) or len(head) < HEAD_BYTES
    lines = text.splitlines()
    if lines and not complete:
        lines.pop()
    return [line.strip() for line in lines if line.strip()][:count]


def first_json(head: bytes) -> dict | None:
    """The first record of a JSON-lines head (a masscan -oJ array's first element too)."""
    for line in _first_lines(head, 3):
        text = line.strip(",").strip()
        if text in ("[", ""):
            continue
        if not text.startswith("{"):
            return None
        try:
            record = orjson.loads(text)
        except orjson.JSONDecodeError:
            return None
        return record if isinstance(record, dict) else None
    return None


def _long_json(head: bytes, *tokens: bytes) -> bool:
    """For a first record longer than the head: does its text name all these keys?"""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n[,")
    if not start.startswith(b"{") or b"\n" in start.strip():
        return False
    return all(token in start for token in tokens)


_ZEEK_MARKERS = frozenset(
    {"uid", "uids", "id.orig_h", "software_type", "port_num", "certificate.subject", "fingerprint"}
)


def is_zeek(head: bytes) -> bool:
    """A Zeek log: TSV with #separator, #fields and #types header lines, a headerless TSV whose
    first row names Zeek's columns, or JSON lines with "ts" and Zeek's column names."""
    lines = _first_lines(head, 16)
    if not lines:
        return False
    first = lines[0]
    if first.startswith("#separator"):
        return any(x.startswith("#fields") for x in lines) and any(x.startswith("#types") for x in lines)
    if first.startswith("ts\t"):
        columns = set(first.split("\t"))
        return bool(columns & {"uid", "uids", "id.orig_h"}) or kind_from_columns(columns) is not None
    record = first_json(head)
    if record is None or "ts" not in record or "event_type" in record:
        return False
    if isinstance(record.get("_path"), str):
        return True
    keys = set(record)
    if keys & _ZEEK_MARKERS:
        return True
    return kind_from_columns(keys) is not None


def is_suricata_eve(head: bytes) -> bool:
    """Suricata EVE JSON: records with "event_type" and "timestamp"."""
    record = first_json(head)
    if record is None:
        return _long_json(head, b'"event_type"', b'"timestamp"')
    return isinstance(record.get("event_type"), str) and "timestamp" in record


def is_zgrab2(head: bytes) -> bool:
    """zgrab2 output: {"ip" or "domain", "data": {scan: {"status", "protocol", ...}}}."""
    record = first_json(head)
    if record is None:
        return _long_json(head, b'"data"', b'"protocol"', b'"status"')
    data = record.get("data")
    if not isinstance(data, dict) or not ("ip" in record or "domain" in record):
        return False
    return any(isinstance(v, dict) and ("status" in v or "protocol" in v) for v in data.values())


def is_masscan(head: bytes) -> bool:
    """masscan -oJ (an array of {"ip", "timestamp", "ports"}) or -oD ({"ip", "rec_type", ...})."""
    record = first_json(head)
    if record is None or "ip" not in record:
        return False
    return isinstance(record.get("ports"), list) or record.get("rec_type") in ("status", "banner")


def is_shodan(head: bytes) -> bool:
    """Shodan banners: {"ip_str", "port", "data", "_shodan", ...}."""
    record = first_json(head)
    if record is None:
        return _long_json(head, b'"ip_str"') or _long_json(head, b'"_shodan"', b'"port"')
    return "ip_str" in record or ("_shodan" in record and "port" in record)


def is_censys(head: bytes) -> bool:
    """Censys host records: {"ip", "services": [...]}, possibly inside "result" or "host"."""
    record = first_json(head)
    if record is None:
        return _long_json(head, b'"services"', b'"ip"')
    host = unwrap_censys(record)
    return "ip" in host and isinstance(host.get("services"), list)


# --------------------------------------------------------------------------- DHCP servers


def is_dhcpd_leases(head: bytes) -> bool:
    """ISC dhcpd.leases: its header comment, or a first statement that only a lease file has."""
    text = _text_head(head)
    if "dhcpd.leases(5)" in text[:4096]:
        return True
    for line in _first_lines(head, 32):
        if line.startswith("#"):
            continue
        words = line.split()
        if words[0] == "lease" and len(words) >= 3 and words[2] == "{":
            return True
        return words[0] in ("authoring-byte-order", "server-duid") or line.startswith("failover peer")
    return False


def is_dnsmasq(head: bytes) -> bool:
    """A dnsmasq lease file ("expiry mac address name client-id" lines) or syslog lines of
    dnsmasq's DHCP server."""
    lines = _first_lines(head, 64)
    if lines and (lines[0].startswith("duid ") or is_dnsmasq_lease(lines[0].encode())):
        return all(is_dnsmasq_lease(x.encode()) or x.startswith("duid ") for x in lines[:8])
    return any("dnsmasq-dhcp[" in x or "dnsmasq-dhcp:" in x for x in lines)


KEA_HEADERS = (
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id",
    "address,duid,valid_lifetime,expire,subnet_id",
)


def is_kea_leases(head: bytes) -> bool:
    """A Kea memfile lease CSV, by its header (before the generic CSV sniffer claims it)."""
    lines = _first_lines(head, 1)
    return bool(lines) and lines[0].startswith(KEA_HEADERS)


# Most specific first; CSV, the most permissive, last.
SNIFFERS: list[tuple[str, Sniffer]] = [
    ("pcap", is_pcap),
    ("pcapng", is_pcapng),
    ("nmap-xml", is_nmap_xml),
    (SCAN_REPLIES, is_scan_replies),
    ("zeek", is_zeek),
    ("suricata-eve", is_suricata_eve),
    ("zgrab2", is_zgrab2),
    ("masscan", is_masscan),
    ("shodan", is_shodan),
    ("censys", is_censys),
    ("dhcpd-leases", is_dhcpd_leases),
    ("dnsmasq", is_dnsmasq),
    ("kea-leases", is_kea_leases),
    ("csv", is_csv),
]

# Formats whose readers read gzip-compressed files themselves.
GZIP_FORMATS = frozenset(
    {"zeek", "suricata-eve", "zgrab2", "masscan", "shodan", "censys", "dhcpd-leases", "dnsmasq", "kea-leases"}
)


def detect_format(path: Path, label: str) -> str:
    """The format name (a key of registry.READERS) of the file at path."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=label) from exc
    if not head.strip():
        raise InputError("empty file", file=label)
    sniffers = SNIFFERS
    compressed = head.startswith(b"\x1f\x8b")
    if compressed:
        head = gunzip_head(head, HEAD_BYTES)
        sniffers = [(name, sniff) for name, sniff in SNIFFERS if name in GZIP_FORMATS]
        if not head.strip():
            raise InputError("gzip file that decompresses to nothing readable", file=label)
    for name, sniff in sniffers:
        if sniff(head):
            return name
    known = ", ".join(name for name, _ in sniffers)
    what = "gzip-compressed file, contents" if compressed else "unknown format"
    raise InputError(f"{what}: not one of {known} (use --format)", file=label)
