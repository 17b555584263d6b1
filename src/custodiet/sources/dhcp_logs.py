"""DHCP servers' lease files and logs to observations: the MAC behind an address, the name a
device gave itself, its vendor class (option 60) and parameter request list (option 55).

Three servers, each with its own reader (format names of registry.READERS):

- ISC dhcpd (`dhcpd.leases`, dhcpd.leases(5)): `lease ADDRESS { ... }` blocks with
  `binding state`, `hardware ethernet`, `client-hostname "..."` and, when the configuration
  records it (`set vendor-class-identifier = option vendor-class-identifier;`), a `set` of the
  vendor class. The file is an append-only journal: a later block for an address replaces an
  earlier one, so the last block per address is kept (memory bounded by the number of
  addresses) and read at the end. An active lease ties the MAC to the address; a free, expired
  or released one still tells what the MAC's device is, so it is read for the MAC alone.
- dnsmasq: its lease file (`dnsmasq.leases`: "expiry mac address hostname client-id", "*" for
  none; DHCPv6 lines carry an IAID instead of a MAC) and its log lines in syslog
  ("dnsmasq-dhcp[pid]: DHCPACK(eth0) 192.0.2.10 aa:bb:cc:dd:ee:ff name"; with log-dhcp, lines
  carry a transaction number and add "vendor class: ...", "client provides name: ..." and
  "requested options: 1:netmask, 3:router, ..."). Lines of other programs are counted and
  passed over.
- ISC Kea memfile CSV (`kea-leases4.csv`: address,hwaddr,client_id,valid_lifetime,expire,
  subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context[,pool_id]; `kea-leases6.csv`:
  address,duid,...,hostname,hwaddr,state,...). Kea also appends: the last row per address wins;
  valid_lifetime 0 is a deleted lease, state 1 a declined address, state 2 an expired one
  (read for the MAC alone). Commas inside values are written as "&#x2c".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from custodiet.errors import InputError
from custodiet.model import Observation, Subject
from custodiet.sources.base import ReadStats, SourceOptions, check_something_read
from custodiet.sources.logs import Emitter, Skips, lines, open_binary
from custodiet.sources.text import decode, normalise_ip, normalise_mac

# Addresses remembered before the lease table is read out and emptied (bounds memory).
MAX_LEASES = 500_000
# dnsmasq transactions waiting for their MAC or for more option lines.
MAX_PENDING = 4096
# Characters kept of a value held until the end of a file (host names, vendor classes, lease
# cells): real ones are short; a longer one must not multiply into memory with the leases.
MAX_VALUE = 1024

_UNASSIGNED = frozenset({"0.0.0.0", "255.255.255.255", "::"})


def _subject(address: str | None, mac: str | None) -> Subject | None:
    if address in _UNASSIGNED:
        address = None
    if address is None and mac is None:
        return None
    return Subject(address, mac)


def _emit_lease(
    emit: Emitter,
    out: list,
    subject: Subject,
    place: str,
    hostname: str | None = None,
    vendor: str | None = None,
    params: str | None = None,
) -> None:
    emit.make(out, subject, "mac", subject.mac, place)
    if hostname:
        emit.make(out, subject, "hostname", hostname, place)
    if vendor:
        emit.make(out, subject, "dhcp.vendor_class", vendor, place)
    if params:
        emit.make(out, subject, "dhcp.parameter_list", params, place)


# --------------------------------------------------------------------------- ISC dhcpd.leases


def read_dhcpd_leases(
    path: Path, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[Observation]:
    """Observations from an ISC dhcpd.leases file (see the module docstring)."""
    skips = Skips(stats, label, options)
    emit = Emitter(label, stats)
    leases: dict[str, dict] = {}
    with open_binary(path, label) as handle:
        statement: list[tuple[str, bool]] = []
        statement_line = 0
        blocks: list[list[str]] = []  # headers of the open blocks
        lease: dict | None = None
        number = 0
        for number, line in lines(handle, skips):
            for token, quoted in _tokens(line):
                if quoted or token not in ("{", "}", ";"):
                    if not statement:
                        statement_line = number
                    if len(statement) < 64:
                        statement.append((token, quoted))
                    continue
                words = [t for t, _ in statement]
                statement = []
                if token == "{":
                    if not blocks and len(words) == 2 and words[0] == "lease":
                        lease = {"address": words[1], "line": number}
                    blocks.append(words)
                elif token == ";":
                    if lease is not None and len(blocks) == 1:
                        _lease_statement(lease, words)
                elif not blocks:
                    skips.bad("unbalanced '}'", number)
                else:
                    header = blocks.pop()
                    if lease is not None and not blocks:
                        stats.records += 1
                        yield from _store_lease(leases, lease, emit, skips)
                        lease = None
                    elif not blocks and header[:1] not in (["lease"], ["server-duid"]):
                        skips.note("dhcpd.leases block other than a lease (not read)")
        if blocks:
            skips.bad("file ends inside a block", number)
        elif statement:
            skips.bad("text that is no dhcpd.leases statement (no ';' or '{')", statement_line)
    yield from _flush_leases(leases, emit)
    check_something_read(stats, label, "an ISC dhcpd.leases file")


def _lease_statement(lease: dict, words: list[str]) -> None:
    if len(words) >= 3 and words[0] == "binding" and words[1] == "state":
        lease["state"] = words[2]
    elif len(words) >= 3 and words[0] == "hardware" and words[1] == "ethernet":
        lease["mac"] = normalise_mac(words[2])
    elif len(words) >= 2 and words[0] == "client-hostname":
        lease["hostname"] = words[1][:MAX_VALUE]
    elif len(words) >= 4 and words[0] == "set" and "vendor" in words[1].lower() and words[2] == "=":
        lease["vendor"] = _colon_hex(words[3][: 3 * MAX_VALUE])[:MAX_VALUE]
    elif len(words) >= 3 and words[0] == "option" and words[1].lower() == "vendor-class-identifier":
        lease["vendor"] = _colon_hex(words[2][: 3 * MAX_VALUE])[:MAX_VALUE]


def _colon_hex(text: str) -> str:
    """dhcpd writes a non-text value unquoted as colon-separated hex ("4d:53:46:54"): as text."""
    parts = text.split(":")
    if len(parts) > 1 and all(
        len(p) in (1, 2) and all(c in "0123456789abcdefABCDEF" for c in p) for p in parts
    ):
        return decode(bytes(int(p, 16) for p in parts))
    return text


def _store_lease(leases: dict[str, dict], lease: dict, emit: Emitter, skips: Skips) -> Iterator[Observation]:
    address = normalise_ip(lease["address"])
    if address is None:
        skips.bad("bad lease address", lease["line"], repr(lease["address"])[:60])
        return
    if address not in leases and len(leases) >= MAX_LEASES:
        yield from _flush_leases(leases, emit)
    leases.pop(address, None)
    leases[address] = lease


def _flush_leases(leases: dict[str, dict], emit: Emitter) -> Iterator[Observation]:
    for address, lease in leases.items():
        active = lease.get("state", "active") == "active"
        subject = _subject(address if active else None, lease.get("mac"))
        if subject is None:
            continue
        out: list[Observation] = []
        _emit_lease(emit, out, subject, f"line {lease['line']}", lease.get("hostname"), lease.get("vendor"))
        yield from out
    leases.clear()


def _tokens(line: bytes) -> list[tuple[str, bool]]:
    """dhcpd.leases tokens of one line: words, quoted strings (unescaped), and { } ;."""
    if b'"' not in line:
        cut = line.find(b"#")
        if cut >= 0:
            line = line[:cut]
        text = line.decode("utf-8", "backslashreplace")
        for mark in "{};":
            text = text.replace(mark, f" {mark} ")
        return [(t, False) for t in text.split(None, 256)]
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i : i + 1]
        if c in (b" ", b"\t", b"\r"):
            i += 1
        elif c == b"#":
            break
        elif c in (b"{", b"}", b";"):
            tokens.append((c.decode(), False))
            i += 1
        elif c == b'"':
            value, i = _quoted(line, i + 1)
            tokens.append((value, True))
        else:
            j = i
            while j < n and line[j : j + 1] not in (b" ", b"\t", b"\r", b"{", b"}", b";", b'"', b"#"):
                j += 1
            tokens.append((line[i:j].decode("utf-8", "backslashreplace"), False))
            i = j
    return tokens


def _quoted(line: bytes, i: int) -> tuple[str, int]:
    """A dhcpd quoted string from after its opening quote: (text, index after the closing one).
    Escapes: \\ooo (octal), \\" and \\\\, \\n, \\t."""
    out = bytearray()
    n = len(line)
    while i < n and line[i] != 0x22:
        byte = line[i]
        if byte == 0x5C and i + 1 < n:
            nxt = line[i + 1]
            if 0x30 <= nxt <= 0x37:
                digits = line[i + 1 : i + 4]
                end = 0
                while end < len(digits) and 0x30 <= digits[end] <= 0x37:
                    end += 1
                out.append(int(digits[:end], 8) & 0xFF)
                i += 1 + end
                continue
            out.append({0x6E: 0x0A, 0x74: 0x09, 0x72: 0x0D}.get(nxt, nxt))
            i += 2
            continue
        out.append(byte)
        i += 1
    return decode(bytes(out)), i + 1


# --------------------------------------------------------------------------- dnsmasq


def read_dnsmasq(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from a dnsmasq lease file or dnsmasq's syslog lines (see the module docstring)."""
    skips = Skips(stats, label, options)
    emit = Emitter(label, stats)
    log = _DnsmasqLog(emit, skips, stats)
    mode: str | None = None
    with open_binary(path, label) as handle:
        for number, line in lines(handle, skips):
            if not line.strip():
                continue
            if mode is None:
                mode = "leases" if is_dnsmasq_lease(line) or line.startswith(b"duid ") else "log"
            if mode == "leases":
                yield from _dnsmasq_lease(line, number, emit, skips, stats)
            else:
                yield from log.line(line, number)
                if log.evicted:
                    yield from log.take_evicted()
    yield from log.finish()
    check_something_read(stats, label, "a dnsmasq lease file or log")


def is_dnsmasq_lease(line: bytes) -> bool:
    """A dnsmasq lease-file line: "expiry mac-or-iaid address hostname [client-id]"."""
    parts = line.split(None, 6)
    return (
        len(parts) in (4, 5)
        and parts[0].isdigit()
        and normalise_ip(parts[2].decode("ascii", "replace")) is not None
    )


def _dnsmasq_lease(
    line: bytes, number: int, emit: Emitter, skips: Skips, stats: ReadStats
) -> list[Observation]:
    if line.startswith(b"duid "):
        return []  # the server's own DUID
    if not is_dnsmasq_lease(line):
        skips.bad("not a dnsmasq lease line", number)
        return []
    stats.records += 1
    parts = line.decode("utf-8", "backslashreplace").split(None, 6)
    address = normalise_ip(parts[2])
    mac = normalise_mac(parts[1])  # DHCPv6 lines have an IAID here
    subject = _subject(address, mac)
    if subject is None:
        return []
    out: list[Observation] = []
    name = parts[3] if parts[3] != "*" else None
    _emit_lease(emit, out, subject, f"line {number}", name)
    return out


class _DnsmasqLog:
    """dnsmasq's DHCP log lines. A DHCPACK (DHCPREPLY for v6) shows a binding and is read at
    once; with log-dhcp, the facts a transaction's other lines give (vendor class, the name the
    client provides, requested options) wait under its transaction number and are read when it
    leaves the bounded table of pending transactions or at the end, with the best subject known
    by then (the acknowledged address and the MAC)."""

    def __init__(self, emit: Emitter, skips: Skips, stats: ReadStats) -> None:
        self.emit = emit
        self.skips = skips
        self.stats = stats
        self.pending: dict[str, dict] = {}
        self.evicted: list[Observation] = []

    def line(self, line: bytes, number: int) -> list[Observation]:
        at = line.find(b"dnsmasq-dhcp")
        if at < 0:
            at = line.find(b"dnsmasq[")
        colon = line.find(b": ", at) if at >= 0 else -1
        if colon < 0:
            if b": " in line:
                self.skips.note("syslog line of another program")
            else:  # no "program: message" at all: not a syslog line
                self.skips.bad("not a syslog line", number)
            return []
        message = decode(line[colon + 2 :]).strip()
        xid = None
        first, _, rest = message.partition(" ")
        if first.isdigit() and rest:
            xid, message = first, rest
        self.stats.records += 1
        if message.startswith("DHCP") and "(" in message.split(" ", 1)[0]:
            return self._exchange(message, xid, number)
        if xid is None:
            return []
        for prefix, key in (("vendor class: ", "vendor"), ("client provides name: ", "name")):
            if message.startswith(prefix):
                self._state(xid, number)[key] = message[len(prefix) :].strip()[:MAX_VALUE]
                return []
        if message.startswith("requested options: "):
            state = self._state(xid, number)
            if not state.get("listing"):  # dnsmasq logs the list again after a later reply
                state["params"] = []
                state["listing"] = True
            for item in message[len("requested options: ") :].split(","):
                code = item.strip().split(":", 1)[0]
                if code.isdigit() and len(state["params"]) < 255:
                    state["params"].append(code)
        return []

    def _exchange(self, message: str, xid: str | None, number: int) -> list[Observation]:
        word, _, rest = message.partition(" ")
        kind = word.split("(", 1)[0]
        args = rest.split()
        address = normalise_ip(args[0]) if args else None
        if address is not None:
            args = args[1:]
        mac = normalise_mac(args[0]) if args else None  # a DUID for DHCPv6: not a MAC
        bound = kind in ("DHCPACK", "DHCPREPLY")
        out: list[Observation] = []
        if bound:
            subject = _subject(address, mac)
            name = args[1] if len(args) > 1 else None
            if subject is not None:
                _emit_lease(self.emit, out, subject, f"line {number}", name)
        if xid is not None and (mac or (bound and address)):
            state = self._state(xid, number)
            state["mac"] = state.get("mac") or mac
            if bound and address:
                state["address"] = address
            state["listing"] = False
        return out

    def _state(self, xid: str, number: int) -> dict:
        state = self.pending.get(xid)
        if state is None:
            if len(self.pending) >= MAX_PENDING:
                oldest = next(iter(self.pending))
                self.evicted.extend(self._emit_state(self.pending.pop(oldest)))
            state = self.pending[xid] = {"line": number}
        return state

    def _emit_state(self, state: dict) -> list[Observation]:
        subject = _subject(state.get("address"), state.get("mac"))
        if subject is None:
            return []
        out: list[Observation] = []
        params = ",".join(state.get("params", ()))
        _emit_lease(
            self.emit, out, subject, f"line {state['line']}", state.get("name"), state.get("vendor"), params
        )
        return out

    def take_evicted(self) -> list[Observation]:
        out, self.evicted = self.evicted, []
        return out

    def finish(self) -> list[Observation]:
        out: list[Observation] = self.take_evicted()
        for state in self.pending.values():
            out.extend(self._emit_state(state))
        self.pending.clear()
        return out


# --------------------------------------------------------------------------- Kea

KEA_V4_HEADER = b"address,hwaddr,client_id,valid_lifetime,expire,subnet_id"
KEA_V6_HEADER = b"address,duid,valid_lifetime,expire,subnet_id"


def read_kea_leases(
    path: Path, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[Observation]:
    """Observations from a Kea memfile lease CSV (see the module docstring)."""
    skips = Skips(stats, label, options)
    emit = Emitter(label, stats)
    leases: dict[str, tuple[int, list[str]]] = {}
    columns: dict[str, int] | None = None
    width = 0
    with open_binary(path, label) as handle:
        for number, line in lines(handle, skips):
            if not line.strip():
                continue
            if columns is None:
                if not line.startswith(b"address,"):
                    raise InputError(
                        "not a Kea lease file: no 'address,...' header", file=label, place=f"line {number}"
                    )
                names = line.decode("ascii", "replace").strip().split(",", 64)
                columns = {name: i for i, name in enumerate(names)}
                width = len(names)
                continue
            if line.startswith(b"address,"):
                continue  # a header repeated by lease-file cleanup
            count = line.count(b",") + 1  # before splitting: a hostile line is no list
            if count != width:
                skips.bad("wrong number of fields", number, f"{count}, the header has {width}")
                continue
            row = line.decode("utf-8", "backslashreplace").split(",")
            stats.records += 1
            address = normalise_ip(row[0])
            if address is None:
                skips.bad("bad address", number, repr(row[0])[:60])
                continue
            if address not in leases and len(leases) >= MAX_LEASES:
                yield from _kea_flush(leases, columns, emit)
            leases.pop(address, None)
            leases[address] = (number, [c[:MAX_VALUE] for c in row])  # bounded per lease
    if columns is not None:
        yield from _kea_flush(leases, columns, emit)
    check_something_read(stats, label, "a Kea lease file")


def _kea_unescape(text: str) -> str:
    """Kea's CSV escape "&#xHH" (commas and other specials in values) back to the character."""
    if "&#x" not in text:
        return text
    out = []
    pos = 0
    while True:
        at = text.find("&#x", pos)
        if at < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:at])
        digits = text[at + 3 : at + 5]
        try:
            out.append(chr(int(digits, 16)))
            pos = at + 5
        except ValueError:
            out.append("&#x")
            pos = at + 3


def _kea_flush(
    leases: dict[str, tuple[int, list[str]]], columns: dict[str, int], emit: Emitter
) -> Iterator[Observation]:
    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return _kea_unescape(row[index].strip()) if index is not None else ""

    for address, (number, row) in leases.items():
        if cell(row, "valid_lifetime") == "0" or cell(row, "state") == "1":
            continue  # deleted, or declined (the address was in use by something else)
        mac = normalise_mac(cell(row, "hwaddr")) if cell(row, "hwaddr") else None
        subject = _subject(address if cell(row, "state") != "2" else None, mac)
        if subject is None:
            continue
        out: list[Observation] = []
        _emit_lease(emit, out, subject, f"line {number}", cell(row, "hostname").rstrip(".") or None)
        yield from out
    leases.clear()
