"""Zeek logs to observations and contacts.

Both of Zeek's log encodings are read, detected line by line: the ASCII writer's TSV with its
`#separator`, `#set_separator`, `#empty_field`, `#unset_field`, `#path`, `#fields` and `#types`
header lines (values escaped as \\xHH, "-" for unset, "(empty)" for an empty set; headers may
recur when logs are concatenated), its headerless variant (tsv=T: one row of column names),
and JSON, one object per line with Zeek's flat dotted names ("id.orig_h"), time stamps as
epoch numbers or ISO 8601 strings. Formats: docs.zeek.org, "Logging framework" and
base/frameworks/logging/writers/ascii.zeek; log fields: the Info records of each script
(conn, dns, http, ssl, x509, dhcp, software, known_hosts, known_services, weird).

Which log a line belongs to comes from `#path` (TSV), a `_path` key (JSON streams that mix
logs), the file name (conn.log, dns.00:00:00-01:00:00.log.gz) or, last, the columns present.

What each log gives:
- conn.log: one "flow" Contact per (local device, remote, port), aggregated with counts, bytes
  and first/last times. The local side is what Zeek itself marked (local_orig/local_resp), else
  the private (RFC 1918, ULA, link-local) side of a private-public pair, else the originator.
  Zeek's L2 addresses are not used as MACs: behind a router they are the router's.
- dns.log: "dns" Contacts from the querier for the query name, one per address answered.
- http.log: "http" Contacts (Host); http.server for the server from a `server` column if a
  local script logs one; the User-Agent of the client (when the model has http.user_agent).
- ssl.log: "tls" Contacts (server_name); tls.subject/tls.issuer of the server, from ssl.log's
  own columns (older Zeek, or log_include_server_certificate_subject_issuer) or, since Zeek 6
  logs only fingerprints, from the x509.log beside the ssl.log (cert_chain_fps -> fingerprint).
- x509.log: certificates, tied to servers through ssl.log (x509.log has no addresses).
- dhcp.log: mac, hostname (host_name, client_fqdn), dhcp.vendor_class (client_software, added by
  policy/protocols/dhcp/software.zeek).
- software.log: HTTP::SERVER -> http.server, SSH::SERVER/CLIENT -> ssh.banner, FTP::SERVER ->
  ftp.banner, DHCP::CLIENT/SERVER -> dhcp.vendor_class, HTTP::BROWSER -> http.user_agent.
- ssh.log (server/client version strings -> ssh.banner), sip.log (user_agent ->
  sip.user_agent), snmp.log (display_string, the responder's sysDescr -> snmp.sysdescr),
  known_certs.log (tls.subject/tls.issuer), known_services.log ("port" observations).
- weird.log and logs of other kinds are counted as skipped with their reason, never an error.

Speed (conn, dns and http logs have millions of rows): rows of these logs are read by batch loops
that do a row's work in place (_ZeekFile._conn_rows and the like); JSON objects of the usual shape
are decoded by msgspec, when it is installed, into just the columns read. Every other line goes
through the general path (_line, the kind's handler), which gives the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, Union

import orjson

from custodiet.errors import InputError
from custodiet.model import Contact, Observation, Provenance, Subject
from custodiet.model.fields import ALL_FIELDS
from custodiet.sources import logs
from custodiet.sources.base import ReadStats, SourceOptions, check_something_read
from custodiet.sources.logs import (
    MAX_LOG_LINE,
    MSGSPEC_ERRORS,
    ContactTable,
    Entry,
    Items,
    TrafficFile,
    address_subject,
    entry_addresses,
    epoch,
    int64,
    ip_of,
    iso_utc,
    json_error,
    line_address,
    line_addresses,
    msgspec,
    normalise_name,
    open_binary,
    orient,
    port_of,
    raw_line_batches,
    strip_line,
)
from custodiet.sources.text import decode, hex_unescape, normalise_mac

# The model may not (yet) have a field for HTTP client User-Agents; emit only if it does.
USER_AGENT = "http.user_agent" if "http.user_agent" in ALL_FIELDS else None

# Columns each log kind reads, in the order its handler unpacks them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "conn": (
        "ts",
        "id.orig_h",
        "id.resp_h",
        "id.resp_p",
        "proto",
        "orig_bytes",
        "resp_bytes",
        "local_orig",
        "local_resp",
    ),
    "dns": ("ts", "id.orig_h", "id.resp_h", "query", "answers"),
    "http": (
        "ts",
        "id.orig_h",
        "id.resp_h",
        "id.resp_p",
        "host",
        "user_agent",
        "server",
        "request_body_len",
        "response_body_len",
    ),
    "ssl": (
        "ts",
        "id.orig_h",
        "id.resp_h",
        "id.resp_p",
        "server_name",
        "subject",
        "issuer",
        "cert_chain_fps",
        "cert_chain_fuids",
    ),
    "x509": ("fingerprint", "id", "certificate.subject", "certificate.issuer", "host_cert", "client_cert"),
    "dhcp": ("client_addr", "assigned_addr", "mac", "host_name", "client_fqdn", "client_software"),
    "software": (
        "host",
        "host_p",
        "software_type",
        "name",
        "unparsed_version",
        "version.major",
        "version.minor",
        "version.minor2",
        "version.addl",
    ),
    "ssh": ("id.orig_h", "id.resp_h", "id.resp_p", "client", "server"),
    "sip": ("id.orig_h", "user_agent"),
    "snmp": ("id.resp_h", "id.resp_p", "display_string"),
    "known_certs": ("host", "port_num", "subject", "issuer_subject"),
    "known_services": ("host", "port_num", "port_proto", "service"),
    "known_hosts": ("host",),
    "weird": (),
}

# Logs Zeek writes that carry nothing for identification; named in the skip reason.
_OTHER_LOGS = frozenset(
    [
        "files",
        "notice",
        "ftp",
        "smtp",
        "rdp",
        "ntp",
        "tunnel",
        "radius",
        "kerberos",
        "ntlm",
        "smb_files",
        "smb_mapping",
        "dce_rpc",
        "pe",
        "ocsp",
        "irc",
        "mysql",
        "modbus",
        "dnp3",
        "packet_filter",
        "reporter",
        "capture_loss",
        "stats",
        "loaded_scripts",
        "analyzer",
        "notice_alarm",
        "quic",
        "ldap",
        "ldap_search",
        "traceroute",
        "socks",
        "syslog",
        "signatures",
        "intel",
        "conn_long",
        "dpd",
        "websocket",
    ]
)

# software_type -> (field, protocol of host_p or None when the text is not about a service).
SOFTWARE_FIELDS: dict[str, tuple[str, str | None]] = {
    "HTTP::SERVER": ("http.server", "tcp"),
    "SSH::SERVER": ("ssh.banner", "tcp"),
    "SSH::CLIENT": ("ssh.banner", None),
    "FTP::SERVER": ("ftp.banner", "tcp"),
    "DHCP::CLIENT": ("dhcp.vendor_class", None),
    "DHCP::SERVER": ("dhcp.vendor_class", None),
}
if USER_AGENT:
    SOFTWARE_FIELDS["HTTP::BROWSER"] = (USER_AGENT, None)

# Certificates remembered from x509.log, by fingerprint (or file id in old logs), and the
# length a distinguished name is cut to there (real ones are well under 1,000 characters).
MAX_CERTS = 50_000
MAX_DN = 2048
# Answers per DNS row turned into contacts.
MAX_ANSWERS = 32
# Columns of a TSV header (Zeek's widest logs have about 60).
MAX_COLUMNS = 4096


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation | Contact]:
    """Observations and contacts from one Zeek log (see the module docstring)."""
    zeek = _ZeekFile(path, label, stats, options)
    with open_binary(path, label) as handle:
        yield from zeek.run(handle)
    check_something_read(stats, label, "a Zeek log")


# --------------------------------------------------------------------------- value conversion


def _text(value: object) -> str | None:
    """A device text: TSV bytes or a JSON string, Zeek's \\xHH escapes undone, bounded."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return decode(hex_unescape(value)) if b"\\x" in value else decode(value)
    if isinstance(value, str):
        if "\\x" in value:
            return decode(hex_unescape(value.encode("utf-8", "surrogateescape")))
        return decode(value.encode("utf-8", "surrogateescape")) if len(value) > 65536 else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: object) -> int:
    """A count (bytes, lengths); 0 when unset or not a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return max(value, 0)
    if isinstance(value, (bytes, str)):
        try:
            return max(int(value), 0)
        except ValueError:
            return 0
    return 0


def _bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (b"T", "T", "true"):
        return True
    if value in (b"F", "F", "false"):
        return False
    return None


def _time(value: object) -> float | None:
    if isinstance(value, (bytes, float, int)) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            return None
    return epoch(value)


# --------------------------------------------------------------------------- the reader

# A log kind's handler: the row's values (the kind's COLUMNS, in order) and its line number.
Handler = Callable[[Sequence[Any], int], Items | None]

# Column names that tell a log's kind when nothing names it, most specific first.
_KIND_MARKERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("conn", frozenset({"conn_state"})),
    ("conn", frozenset({"orig_bytes", "resp_bytes"})),
    ("dns", frozenset({"query", "qtype"})),
    ("dns", frozenset({"query", "trans_id"})),
    ("http", frozenset({"trans_depth", "method"})),
    ("http", frozenset({"status_code", "uri"})),
    ("ssl", frozenset({"server_name", "cipher"})),
    ("ssl", frozenset({"ssl_history"})),
    ("ssl", frozenset({"established", "cipher"})),
    ("x509", frozenset({"certificate.subject"})),
    ("x509", frozenset({"certificate.version"})),
    ("dhcp", frozenset({"msg_types"})),
    ("dhcp", frozenset({"assigned_addr"})),
    ("software", frozenset({"software_type"})),
    ("known_certs", frozenset({"issuer_subject"})),
    ("known_services", frozenset({"port_num", "port_proto"})),
    ("ssh", frozenset({"auth_success"})),
    ("ssh", frozenset({"client", "server", "version", "id.orig_h"})),
    ("sip", frozenset({"call_id", "user_agent"})),
    ("snmp", frozenset({"community", "get_requests"})),
    ("snmp", frozenset({"display_string"})),
    ("weird", frozenset({"name", "notice", "peer"})),
)


def kind_from_columns(names: set[str] | frozenset[str]) -> str | None:
    """The Zeek log kind (conn, dns, ...) a set of column names belongs to, if it tells."""
    for kind, marker in _KIND_MARKERS:
        if marker <= names:
            return kind
    if names - {"_path", "_write_ts", "_node"} == {"ts", "host"}:
        return "known_hosts"
    return None


def kind_from_name(file_name: str) -> str | None:
    """conn.log, dns.2024-05-01-00-00-00.log.gz, known_services.json -> the kind, if known."""
    lower = file_name.lower()
    for kind in sorted(set(COLUMNS) | _OTHER_LOGS, key=len, reverse=True):
        if lower.startswith(kind) and lower[len(kind) : len(kind) + 1] in (".", "_", "-", ""):
            return kind
    return None


# JSON specs whose objects _json_rows reads in place.
_CONN, _DNS, _HTTP = 1, 2, 3
_INLINE = {"conn": _CONN, "dns": _DNS, "http": _HTTP}
# TSV columns the batch loop of a kind can do without (it checks them itself).
_OPTIONAL = {"http": frozenset({"user_agent", "server"})}


def _line_decoders() -> tuple[dict[str, Any], Any]:
    """msgspec decoders of conn, dns and http JSON objects into the columns read in place, by
    kind (objects of that kind: no "_path", or their own), and one for streams that name each
    object's log in "_path". A decoder accepts only the usual shape: text where text belongs,
    integers within 64 bits (orjson makes floats of larger ones), booleans, a list of texts for
    answers; any other object fails to decode and is read through orjson and the general code,
    so both paths give the same contacts. Lines with bytes beyond ASCII always go through
    orjson: msgspec does not check the UTF-8 of the values it skips."""
    if msgspec is None:
        return {}, None
    i64 = int64()
    time = float | str | None
    fields: dict[str, list[tuple[str, Any, str]]] = {
        "conn": [("resp_p", i64 | None, "id.resp_p"), ("proto", str | None, "proto"),
                 ("local_orig", bool | None, "local_orig"), ("local_resp", bool | None, "local_resp"),
                 ("sent", i64 | None, "orig_bytes"), ("received", i64 | None, "resp_bytes")],
        "dns": [("query", str | None, "query"), ("answers", list[str] | None, "answers")],
        "http": [("resp_p", i64 | None, "id.resp_p"), ("host", str | None, "host"),
                 ("user_agent", str | None, "user_agent"), ("server", str | None, "server"),
                 ("sent", i64 | None, "request_body_len"), ("received", i64 | None, "response_body_len")],
    }  # fmt: skip
    by_kind, tagged = {}, []
    for kind, extra in fields.items():
        columns = [("orig", str, "id.orig_h"), ("ts", time, "ts"), ("resp", str | None, "id.resp_h"), *extra]
        names = {name: json for name, _, json in columns}
        spec = [(name, kind_, msgspec.field(default=None) if name != "orig" else msgspec.NODEFAULT)
                for name, kind_, _ in columns]  # fmt: skip
        plain = msgspec.defstruct(f"_{kind}_line", [*spec, ("path", str | None, None)], kw_only=True,
                                  rename={**names, "path": "_path"}, namespace={"code": _INLINE[kind]})  # fmt: skip
        by_kind[kind] = msgspec.json.Decoder(plain)
        tagged.append(msgspec.defstruct(f"_{kind}_tagged", spec, kw_only=True, rename=names, tag_field="_path",
                                        tag=kind, namespace={"code": _INLINE[kind], "path": kind}))  # fmt: skip
    return by_kind, msgspec.json.Decoder(Union[tuple(tagged)])  # noqa: UP007


_LINE_DECODERS, _STREAM_DECODER = _line_decoders()


# A contact key of raw column values (see _key).
_Key = bytes | tuple[object, ...]


def _key(parts: tuple[object, ...]) -> _Key:
    """A contact key of raw values: TSV bytes joined with "\n" (which no value of a line can
    hold), as the batch loops make them; JSON values, or a row with an absent column (None),
    as the tuple."""
    if type(parts[0]) is bytes:
        try:
            return b"\n".join(parts)  # type: ignore[arg-type]  # TypeError when a part is no bytes
        except TypeError:
            return parts
    return parts


def _unkey(key: _Key) -> tuple[object, ...]:
    """The parts of a contact key made by _key."""
    return tuple(key.split(b"\n")) if isinstance(key, bytes) else key


# Kinds whose handlers take TSV values raw, unset and empty markers included (they check the
# few text columns themselves): the rows of these logs are counted in millions.
RAW_KINDS = frozenset({"conn", "dns", "http", "ssl"})


class _Spec:
    """How to read rows of one log kind: the handler and the columns it wants."""

    __slots__ = ("getter", "handler", "index", "inline", "json", "kind", "names")

    def __init__(
        self,
        kind: str,
        handler: Handler,
        names: tuple[str, ...],
        index: list[int],
        json: Callable[[dict, int], Items | None] | None = None,
    ) -> None:
        self.kind = kind
        self.handler = handler
        self.names = names
        self.index = index  # TSV column positions (len(header) for absent columns); [] for JSON
        # For raw kinds, one C call picks the columns out of a split row.
        self.getter = itemgetter(*index) if index and kind in RAW_KINDS and len(index) > 1 else None
        self.json = json  # reads a JSON object (the JSON spec of a kind only)
        self.inline = 0  # _CONN, _DNS or _HTTP: JSON objects the batch loop reads in place


class _ZeekFile(TrafficFile):
    """State of one Zeek log file while it is read."""

    def __init__(
        self, path: Path, label: str, stats: ReadStats, options: SourceOptions, certs_only: bool = False
    ) -> None:
        super().__init__(label, stats, options)
        self.path = path
        self.certs_only = certs_only
        self.name_kind = kind_from_name(Path(label).name)
        # TSV state
        self.sep = b"\t"
        self.set_sep = b","
        self.nulls = {b"-", b"(empty)"}
        self.tsv_kind: str | None = None
        self.tsv: _Spec | None = None
        self.tsv_width = 0
        # JSON state
        self.json_kind: str | None = None
        self.json_specs: dict[str, _Spec] = {}
        # certificates and contacts
        self.certs: dict[str, tuple[str | None, str | None, Provenance]] = {}
        self.sibling_read = False
        self.flows = ContactTable(self._flow_contact, stats, self.skips)
        self.dns_table = ContactTable(self._dns_contacts, stats, self.skips)
        self.http_table = ContactTable(self._http_contact, stats, self.skips)
        self.tls_table = ContactTable(self._tls_contact, stats, self.skips)
        self.tables = (self.flows, self.dns_table, self.http_table, self.tls_table)
        self.saw_data = False  # a data line was read (a "ts" row is then no headerless header)
        self.fast: Callable[[list[bytes], int, int], Generator[Any, None, int]] | None = None

    # ----------------------------------------------------------------- line loop

    # Lines are read in batches (sources.logs.line_batches) and each batch is handed to the loop
    # that fits the file's state: `self.fast` is a generator over the batch that reads lines of
    # the current form (TSV rows of the current header, or JSON objects) and returns the index of
    # the first line it leaves to `_line` (a header, a line of the other encoding). The loops of
    # the traffic logs (conn, dns, http: millions of rows) do a row's whole work in place, with
    # everything they need bound to locals once per batch; `_line` reads any line, slowly.

    def run(self, handle: BinaryIO) -> Iterator[Observation | Contact]:
        for first, batch in raw_line_batches(handle, self.skips, MAX_LOG_LINE):
            i, n = 0, len(batch)
            while i < n:
                fast = self.fast
                if fast is not None:
                    i = yield from fast(batch, i, first)
                    if i >= n:
                        break
                out = self._line(strip_line(batch[i]), first + i)
                i += 1
                if out:
                    yield from out
        for table in self.tables:
            yield from table.drain()

    def _line(self, line: bytes, number: int) -> Items | None:
        """Any one line: a header, a JSON object, a TSV row, or a line that is none of these."""
        if not line:
            return None
        first = line[0]
        if first == 0x23:  # "#": a header line
            self._header(line, number)
            return None
        spec = self.tsv
        if first == 0x7B or (spec is None and self.json_specs):  # "{": JSON, or a broken JSON line
            self.saw_data = True
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                self.skips.bad("malformed JSON", number, str(exc)[:80])
                return None
            if type(obj) is not dict:
                self.skips.bad("not a JSON object", number)
                return None
            path = obj.get("_path")
            if type(path) is not str:  # a number, list or object names no log: the file's kind
                path = None
            json_spec = self.json_specs.get(path if path is not None else self.json_kind)  # type: ignore[arg-type]
            if json_spec is None:
                json_spec = self._json_spec(obj, path)
            self.stats.records += 1
            return json_spec.json(obj, number)  # type: ignore[misc]
        if spec is None:
            if not self.saw_data and line.startswith(b"ts\t"):
                self._fields(line.split(b"\t"), number)  # headerless TSV (tsv=T): a row of names
            else:
                self.skips.bad("data line before a #fields header", number)
            return None
        self.saw_data = True
        row = self._split(line, number)
        if row is None:
            return None
        self.stats.records += 1
        return spec.handler(self._values(spec, row), number)

    def _split(self, line: bytes, number: int) -> list | None:
        """A TSV row split into the header's number of fields (at most that many + 1 pieces are
        made, so a hostile line of separators is no list of a million), else None (counted)."""
        width = self.tsv_width
        row = line.split(self.sep, width)
        if len(row) != width:
            count = line.count(self.sep) + 1
            self.skips.bad("wrong number of fields", number, f"{count}, the header has {width}")
            return None
        return row

    def _values(self, spec: _Spec, row: list) -> Sequence[Any]:
        """The columns a handler reads: raw for the traffic logs, unset and empty as None else."""
        row.append(None)  # what absent columns point at
        if spec.getter is not None:
            return spec.getter(row)
        nulls = self.nulls
        return [None if (v := row[i]) in nulls else v for i in spec.index]

    def _choose_fast(self) -> None:
        """The batch loop for the file's current state (after a header or the first JSON line)."""
        spec = self.tsv
        if spec is None:
            self.fast = self._json_rows if self.json_specs else None
            return
        loop = {"conn": self._conn_rows, "dns": self._dns_rows, "http": self._http_rows}.get(spec.kind)
        optional = _OPTIONAL.get(spec.kind, frozenset())
        width = self.tsv_width
        columns = zip(spec.index, spec.names, strict=True)
        absent = any(i >= width for i, name in columns if name not in optional)
        self.fast = self._tsv_rows if loop is None or self.certs_only or absent else loop

    def _tsv_index(self) -> list[int]:
        """The column positions of the current #fields header (the TSV loops run under one only)."""
        assert self.tsv is not None
        return self.tsv.index

    def _tsv_rows(self, batch: list[bytes], i: int, first: int) -> Generator[Any, None, int]:
        """TSV rows of any kind, through the kind's handler."""
        spec, split, stats = self.tsv, self._split, self.stats
        assert spec is not None  # the TSV loops run under a #fields header only
        handler, values_of = spec.handler, self._values
        n = len(batch)
        while i < n:
            line = strip_line(batch[i])
            if not line:
                i += 1
                continue
            if line[0] == 0x23 or line[0] == 0x7B:  # a header or a JSON line: not for this loop
                break
            self.saw_data = True
            number = first + i
            i += 1
            row = split(line, number)
            if row is None:
                continue
            stats.records += 1
            out = handler(values_of(spec, row), number)
            if out:
                yield from out
        return i

    # The loops of the traffic logs. Each does what the generic path (_values, the kind's handler,
    # _add) does for a row, spelled out up to the count: a contact key of raw column values, its
    # time and byte counts, then ContactTable.count (the one place a contact is counted). TSV keys are
    # the raw values joined with "\n", which no value can hold (lines are split on it): one bytes
    # object hashes and compares faster than a tuple of them, and the builders split it again.

    def _conn_rows(self, batch: list[bytes], i: int, first: int) -> Generator[Any, None, int]:
        """conn.log TSV rows: the flow table."""
        its, ioh, irh, irp, ipr, iob, irb, ilo, ilr = self._tsv_index()
        return self._counted_rows(batch, i, first, self.flows, its, (ioh, irh, irp, ipr, ilo, ilr), iob, irb)

    def _http_rows(self, batch: list[bytes], i: int, first: int) -> Generator[Any, None, int]:
        """http.log TSV rows: the Host table, and once per raw value the server's Server header
        (a `server` column, if a script logs one) and the client's User-Agent."""
        its, ioh, irh, irp, ihost, iagent, iserver, isent, ireceived = self._tsv_index()
        width = self.tsv_width
        server = (irh, irp, iserver) if iserver < width else None
        agent = (ioh, iagent) if USER_AGENT is not None and iagent < width else None
        key_columns = (ioh, irh, irp, ihost)
        return self._counted_rows(
            batch, i, first, self.http_table, its, key_columns, isent, ireceived, server, agent
        )

    def _counted_rows(
        self,
        batch: list[bytes],
        i: int,
        first: int,
        table: ContactTable[_Key],
        its: int,
        key_columns: tuple[int, ...],
        isent: int,
        ireceived: int,
        server: tuple[int, int, int] | None = None,
        agent: tuple[int, int] | None = None,
    ) -> Generator[Any, None, int]:
        """The loop of conn.log and http.log TSV rows: `table` keyed on the `key_columns`, with
        the time (`its`) and the two byte counts; for http.log also once per raw value the
        Server header (`server`: the columns of the server address, port and header) and the
        User-Agent (`agent`: the columns of the client address and the header)."""
        sep, width, nulls = self.sep, self.tsv_width, self.nulls
        strip = max(c for c in self._tsv_index() if c < width) == width - 1
        key_of, join = itemgetter(*key_columns), b"\n".join
        has_server, has_agent = server is not None, agent is not None
        irh, irp, iserver = server or (0, 0, 0)
        ioh, iagent = agent or (0, 0)
        count = table.count
        seen, max_seen = self.raw_seen, logs.MAX_SEEN
        n, records, saw = len(batch), 0, self.saw_data
        when: float | None  # a row's time: epoch seconds, None when unreadable
        try:
            while i < n:
                line = batch[i]
                c = line[0]
                if c == 0x23 or c == 0x7B or c == 0x0A or c == 0x0D:  # a header, JSON, an empty line
                    break
                if not saw:
                    self.saw_data = saw = True
                if strip:
                    line = strip_line(line)
                row = line.split(sep, width)
                if len(row) != width:
                    self._split(strip_line(line), first + i)  # counts it
                    i += 1
                    continue
                records += 1
                ts, sent, received = row[its], row[isent], row[ireceived]
                try:
                    when = float(ts)
                except ValueError:
                    when = _time(ts)
                try:
                    a, b = int(sent), int(received)
                except ValueError:
                    a, b = _int(sent), _int(received)
                flushed = count(join(key_of(row)), when, a, b, first + i)
                if flushed is not None:
                    self.stats.records += records
                    records = 0
                    yield from flushed
                # the Server and User-Agent of http.log rows: once.once spelled out, as it runs
                # on every row (here and in _json_rows: the price of no call per row)
                if has_server:
                    value = row[iserver]
                    if value not in nulls:
                        digest = hash((row[irh], row[irp], value))
                        if digest not in seen:
                            if len(seen) >= max_seen:
                                seen.clear()
                            seen.add(digest)
                            self.stats.records += records
                            records = 0
                            yield from self._server_seen(row[irh], row[irp], value, first + i)
                if has_agent:
                    value = row[iagent]
                    if value not in nulls:
                        digest = hash((row[ioh], value))
                        if digest not in seen:
                            if len(seen) >= max_seen:
                                seen.clear()
                            seen.add(digest)
                            self.stats.records += records
                            records = 0
                            yield from self._agent_seen(row[ioh], value, first + i)
                i += 1
        finally:
            self.stats.records += records
        return i

    def _dns_rows(self, batch: list[bytes], i: int, first: int) -> Generator[Any, None, int]:
        """dns.log TSV rows: the name table (a row without a query name is counted).

        The per-row lines it shares with _counted_rows (the split, the time, the table update)
        are repeated on purpose: a row here has a query to check and no byte counts, and one
        loop for both would test for these on every row, or call a function per row."""
        sep, width, skips, nulls = self.sep, self.tsv_width, self.skips, self.nulls
        its, ioh, irh, iq, ian = self._tsv_index()
        strip = max(its, ioh, irh, iq, ian) == width - 1
        key_of, join = itemgetter(ioh, irh, iq, ian), b"\n".join
        count = self.dns_table.count
        n, records, saw = len(batch), 0, self.saw_data
        when: float | None  # a row's time: epoch seconds, None when unreadable
        try:
            while i < n:
                line = batch[i]
                c = line[0]
                if c == 0x23 or c == 0x7B or c == 0x0A or c == 0x0D:  # a header, JSON, an empty line
                    break
                if not saw:
                    self.saw_data = saw = True
                if strip:
                    line = strip_line(line)
                row = line.split(sep, width)
                if len(row) != width:
                    self._split(strip_line(line), first + i)  # counts it
                    i += 1
                    continue
                records += 1
                if row[iq] in nulls:
                    skips.note("DNS entry without a query name")
                    i += 1
                    continue
                ts = row[its]
                try:
                    when = float(ts)
                except ValueError:
                    when = _time(ts)
                flushed = count(join(key_of(row)), when, 0, 0, first + i)
                if flushed is not None:
                    self.stats.records += records
                    records = 0
                    yield from flushed
                i += 1
        finally:
            self.stats.records += records
        return i

    def _json_rows(self, batch: list[bytes], i: int, first: int) -> Generator[Any, None, int]:
        """JSON lines of any kind: conn, dns and http objects read in place (decoded by msgspec
        into their columns when it can, else by orjson), others (and traffic logs with a nested
        "id" record) through the kind's reader."""
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        specs, skips = self.json_specs, self.skips
        once_seen, max_seen = self.raw_seen, logs.MAX_SEEN
        count_conn, count_dns, count_http = self.flows.count, self.dns_table.count, self.http_table.count
        kind, decode = self._line_decoder()
        n, records, saw = len(batch), 0, self.saw_data
        when: float | None  # a row's time: epoch seconds, None when unreadable
        try:
            while i < n:
                line = batch[i]
                if line[0] != 0x7B:  # a header, a TSV row, an empty or broken line: not for this loop
                    break
                if not saw:
                    self.saw_data = saw = True
                number = first + i
                i += 1
                row = None
                if decode is not None and line.isascii():
                    try:
                        row = decode(line)
                    except MSGSPEC_ERRORS:
                        pass
                    else:
                        if row.path is not None and row.path != kind and kind is not None:
                            row = None  # another log than the file's: the general way
                if row is not None:
                    records += 1
                    code, orig, ts = row.code, row.orig, row.ts
                    if code == _CONN:
                        count = count_conn
                        key: tuple = (orig, row.resp, row.resp_p, row.proto, row.local_orig, row.local_resp)
                        sent, received = row.sent, row.received
                    elif code == _DNS:
                        query = row.query
                        if query is None:
                            skips.note("DNS entry without a query name")
                            continue
                        answers = row.answers
                        if answers is not None:
                            answers = tuple(answers[:MAX_ANSWERS])
                        count = count_dns
                        key = (orig, row.resp, query, answers)
                        sent = received = 0
                    else:
                        count = count_http
                        key = (orig, row.resp, row.resp_p, row.host)
                        sent, received = row.sent, row.received
                        server, agent = row.server, row.user_agent
                else:
                    try:
                        obj = loads(line)
                    except decode_error:
                        skips.bad("malformed JSON", number, json_error(strip_line(line)))
                        continue
                    if type(obj) is not dict:
                        skips.bad("not a JSON object", number)
                        continue
                    get = obj.get
                    path = get("_path")
                    if type(path) is not str:
                        path = None
                    spec = specs.get(path if path is not None else self.json_kind)  # type: ignore[arg-type]
                    if spec is None:
                        spec = self._json_spec(obj, path)
                        kind, decode = self._line_decoder()
                    records += 1
                    code = spec.inline
                    orig = get("id.orig_h")
                    if code == 0 or orig is None:  # another kind, or a nested "id" record
                        out = spec.json(obj, number)  # type: ignore[misc]
                        if out:
                            self.stats.records += records
                            records = 0
                            yield from out
                        continue
                    ts = get("ts")
                    if code == _CONN:
                        count = count_conn
                        key = (orig, get("id.resp_h"), get("id.resp_p"), get("proto"),
                               get("local_orig"), get("local_resp"))  # fmt: skip
                        sent, received = get("orig_bytes"), get("resp_bytes")
                    elif code == _DNS:
                        query = get("query")
                        if query is None:
                            skips.note("DNS entry without a query name")
                            continue
                        answers = get("answers")
                        if isinstance(answers, list):
                            answers = tuple(answers[:MAX_ANSWERS])
                        count = count_dns
                        key = (orig, get("id.resp_h"), query, answers)
                        sent = received = 0
                    else:
                        count = count_http
                        key = (orig, get("id.resp_h"), get("id.resp_p"), get("host"))
                        sent, received = get("request_body_len"), get("response_body_len")
                        server, agent = get("server"), get("user_agent")
                # what _add does, in place
                try:
                    when = float(ts)
                except (TypeError, ValueError):
                    when = _time(ts)
                try:
                    a = int(sent) if sent is not None else 0
                    b = int(received) if received is not None else 0
                except (TypeError, ValueError):
                    a, b = _int(sent), _int(received)
                flushed = count(key, when, a, b, number)
                if flushed is not None:
                    self.stats.records += records
                    records = 0
                    yield from flushed
                if code == _HTTP:  # what _http does after _add: Server and User-Agent, once each
                    if server is not None:
                        rh, rp = key[1], key[2]
                        try:
                            digest = hash((rh, rp, server))
                        except TypeError:
                            digest = None
                        if digest is not None and digest not in once_seen:
                            if len(once_seen) >= max_seen:
                                once_seen.clear()
                            once_seen.add(digest)
                            self.stats.records += records
                            records = 0
                            yield from self._server_seen(rh, rp, server, number)
                    if agent is not None and USER_AGENT:
                        try:
                            digest = hash((orig, agent))
                        except TypeError:
                            digest = None
                        if digest is not None and digest not in once_seen:
                            if len(once_seen) >= max_seen:
                                once_seen.clear()
                            once_seen.add(digest)
                            self.stats.records += records
                            records = 0
                            yield from self._agent_seen(orig, agent, number)
        finally:
            self.stats.records += records
        return i

    def _line_decoder(self) -> tuple[str | None, Callable[[bytes], Any] | None]:
        """(the kind of the file's objects without "_path", the msgspec decoder for them) for
        _json_rows: the kind's own decoder if it is a traffic log, the "_path" stream decoder if
        the file has no kind yet; None where no object can be read in place."""
        if self.certs_only:
            return None, None
        kind = self.json_kind
        if kind is None:
            return None, _STREAM_DECODER.decode if _STREAM_DECODER is not None else None
        decoder = _LINE_DECODERS.get(kind)
        return kind, decoder.decode if decoder is not None else None

    def _server_seen(self, rh: object, rp: object, server: object, number: int) -> list[Observation]:
        """http.server for a (server, port, Server header) seen for the first time."""
        out: list = []
        address = ip_of(rh)
        if address is not None:
            self.emit.make(
                out, Subject(address), "http.server", _text(server), self._place(number), port_of(rp, "tcp")
            )
        return out

    def _agent_seen(self, oh: object, agent: object, number: int) -> list[Observation]:
        """The User-Agent of a (client, User-Agent) seen for the first time."""
        out: list = []
        address = ip_of(oh)
        if address is not None and USER_AGENT is not None:  # callers check USER_AGENT already
            self.emit.make(out, Subject(address), USER_AGENT, _text(agent), self._place(number))
        return out

    def _header(self, line: bytes, number: int) -> None:
        if line.startswith(b"#separator"):
            value = hex_unescape(line[len(b"#separator") :].strip(b" "))
            if not value:
                self.skips.bad("bad Zeek header", number, "empty #separator")
                return
            self.sep = value
            return
        key, _, rest = line[1:].partition(self.sep)
        if key == b"fields":
            self._fields(rest.split(self.sep), number)
        elif key == b"path":
            self.tsv_kind = rest.decode("ascii", "replace").strip() or None
        elif key == b"set_separator":
            self.set_sep = hex_unescape(rest) or b","
        elif key == b"unset_field":
            self.nulls = {rest, *(n for n in self.nulls if n != b"-")}
        elif key == b"empty_field":
            self.nulls = {rest, *(n for n in self.nulls if n != b"(empty)")}
        # #open, #close, #types and comments carry nothing to read.

    def _fields(self, raw: list[bytes], number: int) -> None:
        if len(raw) > MAX_COLUMNS:
            self.skips.bad("bad Zeek header", number, f"{len(raw):,} columns")
            self.tsv, self.tsv_width = None, 0
            self._choose_fast()
            return
        names = [n.decode("utf-8", "replace")[:256] for n in raw]
        kind = self.tsv_kind or self.name_kind or kind_from_columns(set(names))
        self.tsv_width = len(names)
        position = {name: i for i, name in enumerate(names)}
        self.tsv = self._spec(kind, lambda wanted: [position.get(n, len(names)) for n in wanted])
        self.tsv_kind = None  # a later header block names its own path
        self._choose_fast()

    def _spec(self, kind: str | None, index_of: Callable[[tuple[str, ...]], list[int]] | None) -> _Spec:
        if self.certs_only and kind != "x509":
            handler: Handler = self._ignore
            names: tuple[str, ...] = ()
        elif kind in COLUMNS:
            names = COLUMNS[kind]
            handler = getattr(self, f"_{kind}")
        else:
            names = ()
            handler = self._other_log(kind)
        if index_of is not None:
            return _Spec(kind or "?", handler, names, index_of(names))
        fast = getattr(self, f"_{kind}_json", None) if kind in RAW_KINDS and not self.certs_only else None
        if fast is None:

            def fast(obj: dict, number: int) -> Items | None:
                return handler(self._json_values(names, obj), number)

        spec = _Spec(kind or "?", handler, names, [], fast)
        if not self.certs_only:
            spec.inline = _INLINE.get(kind, 0)  # type: ignore[arg-type]
        return spec

    def _json_spec(self, obj: dict, path: object) -> _Spec:
        """The spec for a JSON line's log kind: its "_path", else the file's kind (from the file
        name or the first line's columns)."""
        if not isinstance(path, str) or not path:
            if self.json_kind is None:
                self.json_kind = self.name_kind or kind_from_columns(set(obj)) or "?"
            path = self.json_kind
        spec = self.json_specs.get(path)
        if spec is None:
            if len(self.json_specs) > 64:
                self.json_specs.clear()
            spec = self.json_specs[path] = self._spec(path, None)
            self._choose_fast()
        return spec

    @staticmethod
    def _json_values(names: tuple[str, ...], obj: dict) -> list:
        """The named columns of a JSON log line, Zeek's flat "id.orig_h" or a nested "id" record."""
        get = obj.get
        values = [get(n) for n in names]
        if "id.orig_h" not in obj and isinstance(get("id"), dict):  # nested conn_id
            nested = obj["id"]
            values = [
                nested.get(n[3:]) if n.startswith("id.") else v for n, v in zip(names, values, strict=True)
            ]
        return values

    # JSON readers of the traffic logs: the columns straight out of the object (the generic path
    # when Zeek's flat names are missing, as with a nested "id" record).

    def _conn_json(self, obj: dict, number: int) -> Items | None:
        get = obj.get
        orig = get("id.orig_h")
        if orig is None:
            return self._conn(self._json_values(COLUMNS["conn"], obj), number)
        key = (orig, get("id.resp_h"), get("id.resp_p"), get("proto"), get("local_orig"), get("local_resp"))
        return self._add(self.flows, key, get("ts"), get("orig_bytes"), get("resp_bytes"), number)

    def _dns_json(self, obj: dict, number: int) -> Items | None:
        get = obj.get
        orig = get("id.orig_h")
        if orig is None:
            return self._dns(self._json_values(COLUMNS["dns"], obj), number)
        return self._dns((get("ts"), orig, get("id.resp_h"), get("query"), get("answers")), number)

    def _http_json(self, obj: dict, number: int) -> Items | None:
        get = obj.get
        orig = get("id.orig_h")
        if orig is None:
            return self._http(self._json_values(COLUMNS["http"], obj), number)
        values = (get("ts"), orig, get("id.resp_h"), get("id.resp_p"), get("host"), get("user_agent"),
                  get("server"), get("request_body_len"), get("response_body_len"))  # fmt: skip
        return self._http(values, number)

    def _ssl_json(self, obj: dict, number: int) -> Items | None:
        return self._ssl(self._json_values(COLUMNS["ssl"], obj), number)

    # ----------------------------------------------------------------- per-log handlers

    def _place(self, number: int) -> str:
        return f"line {number}"

    # The traffic logs (conn, dns, http, ssl) have millions of rows: their handlers key the
    # contact table on the raw column values and leave decoding and checking to the builders,
    # which run once per distinct key.

    def _add(
        self, table: ContactTable[_Key], key: _Key, ts: object, sent: object, received: object, number: int
    ) -> Items | None:
        """Count one row of a traffic log in its contact table: its time and byte counts made
        numbers, then ContactTable.count."""
        when: float | None
        try:
            when = float(ts)  # type: ignore[arg-type]  # TSV bytes and JSON numbers
        except (TypeError, ValueError):
            when = _time(ts)
        try:
            a = int(sent) if sent is not None else 0  # type: ignore[call-overload]
            b = int(received) if received is not None else 0  # type: ignore[call-overload]
        except (TypeError, ValueError):
            a, b = _int(sent), _int(received)
        return table.count(key, when, a, b, number)

    def _conn(self, v: Sequence[Any], number: int) -> Items | None:
        ts, oh, rh, rp, proto, ob, rb, lo, lr = v
        return self._add(self.flows, _key((oh, rh, rp, proto, lo, lr)), ts, ob, rb, number)

    def _dns(self, v: Sequence[Any], number: int) -> Items | None:
        ts, oh, rh, query, answers = v
        if query is None or (type(query) is bytes and query in self.nulls):
            self.skips.note("DNS entry without a query name")
            return None
        if isinstance(answers, list):
            answers = tuple(answers[:MAX_ANSWERS])
        return self._add(self.dns_table, _key((oh, rh, query, answers)), ts, 0, 0, number)

    def _http(self, v: Sequence[Any], number: int) -> Items | None:
        ts, oh, rh, rp, host, agent, server, sent, received = v
        nulls = self.nulls
        out = self._add(self.http_table, _key((oh, rh, rp, host)), ts, sent, received, number)
        if (
            server is not None
            and not (type(server) is bytes and server in nulls)
            and self._once((rh, rp, server))
        ):
            out = [*(out or ()), *self._server_seen(rh, rp, server, number)]
        if (
            agent is not None
            and USER_AGENT
            and not (type(agent) is bytes and agent in nulls)
            and self._once((oh, agent))
        ):
            out = [*(out or ()), *self._agent_seen(oh, agent, number)]
        return out

    def _ssl(self, v: Sequence[Any], number: int) -> Items | None:
        ts, oh, rh, rp, sni, subject, issuer, fps, fuids = v
        nulls = self.nulls
        sni, subject, issuer, fps, fuids = (
            None if type(x) is bytes and x in nulls else x for x in (sni, subject, issuer, fps, fuids)
        )
        out = self._add(self.tls_table, _key((oh, rh, rp, sni)), ts, 0, 0, number) if sni is not None else []
        chain_key = fps if fps is not None else fuids
        if (subject is None and issuer is None and chain_key is None) or not self._once(
            (rh, rp, subject, issuer, chain_key if not isinstance(chain_key, list) else tuple(chain_key[:1]))
        ):
            return out
        address = line_address(self.skips, rh, number)
        if address is None:
            return out
        out = list(out or ())
        port = port_of(rp, "tcp")
        server = Subject(address)
        subject_text, issuer_text = _text(subject), _text(issuer)
        if subject_text or issuer_text:
            place = self._place(number)
            self.emit.make(out, server, "tls.subject", subject_text, place, port)
            self.emit.make(out, server, "tls.issuer", issuer_text, place, port)
        else:
            chain = self._list(fps) or self._list(fuids)
            if chain:
                self._cert_of(out, server, chain[0], port, number)
        return out

    def _cert_of(self, out: list, server: Subject, key: str, port: str | None, number: int) -> None:
        cert = self.certs.get(key)
        if cert is None and not self.sibling_read:
            self.sibling_read = True
            self._read_sibling_x509()
            cert = self.certs.get(key)
        if cert is None:
            return
        subject, issuer, provenance = cert
        self.emit.make(out, server, "tls.subject", subject, provenance.place, port, provenance)
        self.emit.make(out, server, "tls.issuer", issuer, provenance.place, port, provenance)

    def _read_sibling_x509(self) -> None:
        """Certificates of the x509 log written beside this ssl log (Zeek 6+ keeps subjects there)."""
        name = self.path.name
        if "ssl" not in name:
            return
        sibling = self.path.with_name(name.replace("ssl", "x509", 1))
        if sibling == self.path or not sibling.is_file():
            return
        label = str(Path(self.label).with_name(sibling.name))
        reader = _ZeekFile(sibling, label, ReadStats(), SourceOptions(), certs_only=True)
        try:
            with open_binary(sibling, label) as handle:
                for _ in reader.run(handle):
                    pass
        except InputError:
            pass  # a broken sibling only means fewer certificate names
        for key, cert in reader.certs.items():
            self._remember_cert(key, cert)

    def _remember_cert(self, key: str, cert: tuple[str | None, str | None, Provenance]) -> None:
        if len(self.certs) >= MAX_CERTS:
            self.certs.pop(next(iter(self.certs)))
        self.certs[key] = cert

    def _x509(self, v: Sequence[Any], number: int) -> Items | None:
        fingerprint, file_id, subject, issuer, host_cert, client_cert = v
        if _bool(host_cert) is False or _bool(client_cert) is True:
            return None  # a CA certificate of a chain, or a client's
        subject_text, issuer_text = _text(subject), _text(issuer)
        cert = (
            subject_text[:MAX_DN] if subject_text else None,
            issuer_text[:MAX_DN] if issuer_text else None,
            Provenance(self.label, self._place(number)),
        )
        for key in (_text(fingerprint), _text(file_id)):
            if key:
                self._remember_cert(key, cert)
        if not self.certs_only:
            self.skips.note("x509.log certificate (tied to servers through ssl.log)")
        return None

    def _dhcp(self, v: Sequence[Any], number: int) -> Items | None:
        client, assigned, mac, host_name, fqdn, software = v
        address = ip_of(assigned) or ip_of(client)
        if address in ("0.0.0.0", "255.255.255.255"):
            address = None
        mac_text = _text(mac)
        mac_norm = normalise_mac(mac_text) if mac_text else None
        if address is None and mac_norm is None:
            self.skips.note("DHCP entry without address or MAC")
            return None
        subject = Subject(address, mac_norm)
        out: list = []
        place = self._place(number)
        self.emit.make(out, subject, "mac", mac_norm, place)
        self.emit.make(out, subject, "hostname", _text(host_name), place)
        self.emit.make(out, subject, "hostname", _text(fqdn), place)
        self.emit.make(out, subject, "dhcp.vendor_class", _text(software), place)
        return out

    def _software(self, v: Sequence[Any], number: int) -> Items | None:
        host, host_p, kind, name, unparsed, major, minor, minor2, addl = v
        target = SOFTWARE_FIELDS.get(_text(kind) or "")
        if target is None:
            self.skips.note("software.log type not identity-bearing")
            return None
        address = line_address(self.skips, host, number)
        if address is None:
            return None
        text = _text(unparsed)
        if not text:
            version = ".".join(str(p) for p in (major, minor, minor2) if p is not None and p != b"")
            parts = [_text(name), version or None, _text(addl)]
            text = " ".join(p for p in parts if p)
        field, proto = target
        out: list = []
        port = port_of(host_p, proto) if proto else None
        self.emit.make(out, Subject(address), field, text, self._place(number), port)
        return out

    def _ssh(self, v: Sequence[Any], number: int) -> Items | None:
        oh, rh, rp, client, server = v
        pair = line_addresses(self.skips, oh, rh, number)
        if pair is None:
            return None
        out: list = []
        place = self._place(number)
        self.emit.make(out, Subject(pair[1]), "ssh.banner", _text(server), place, port_of(rp, "tcp"))
        self.emit.make(out, Subject(pair[0]), "ssh.banner", _text(client), place)
        return out

    def _sip(self, v: Sequence[Any], number: int) -> Items | None:
        oh, agent = v
        address = line_address(self.skips, oh, number)
        if address is None:
            return None
        out: list = []
        self.emit.make(out, Subject(address), "sip.user_agent", _text(agent), self._place(number))
        return out

    def _snmp(self, v: Sequence[Any], number: int) -> Items | None:
        rh, rp, descr = v
        address = line_address(self.skips, rh, number)
        if address is None:
            return None
        out: list = []
        self.emit.make(
            out, Subject(address), "snmp.sysdescr", _text(descr), self._place(number), port_of(rp, "udp")
        )
        return out

    def _known_certs(self, v: Sequence[Any], number: int) -> Items | None:
        host, port_num, subject, issuer = v
        address = line_address(self.skips, host, number)
        if address is None:
            return None
        out: list = []
        port = port_of(port_num, "tcp")
        place = self._place(number)
        self.emit.make(out, Subject(address), "tls.subject", _text(subject), place, port)
        self.emit.make(out, Subject(address), "tls.issuer", _text(issuer), place, port)
        return out

    def _known_services(self, v: Sequence[Any], number: int) -> Items | None:
        host, port_num, proto, services = v
        address = ip_of(host)
        port = port_of(port_num, proto)
        if address is None or port is None:
            self.skips.bad("bad address or port", number)
            return None
        names = ",".join(s.lower() for s in self._list(services)[:8])
        out: list = []
        self.emit.make(
            out, Subject(address), "port", f"{port} {names}" if names else port, self._place(number), port
        )
        return out

    def _known_hosts(self, v: Sequence[Any], number: int) -> Items | None:
        return None  # that a host exists says nothing of who made it

    def _weird(self, v: Sequence[Any], number: int) -> Items | None:
        self.skips.note("Zeek weird.log entry (counted, not read)")
        return None

    def _ignore(self, v: Sequence[Any], number: int) -> Items | None:
        return None

    def _other_log(self, kind: str | None) -> Handler:
        if kind in _OTHER_LOGS:
            reason = f"Zeek {kind}.log entry (not read)"
        else:
            reason = "Zeek log of an unknown kind (not read)"

        def handler(v: Sequence[Any], number: int) -> Items | None:
            self.skips.note(reason)
            return None

        return handler

    def _list(self, value: object) -> list[str]:
        """A set or vector column as texts: TSV splits on the set separator, JSON has lists."""
        if value is None:
            return []
        if isinstance(value, bytes):
            if value in self.nulls:
                return []
            return [t for t in (_text(p) for p in value.split(self.set_sep)) if t]
        if isinstance(value, (list, tuple)):
            return [t for t in (_text(p) for p in value[:256]) if t]
        text = _text(value)
        return [text] if text else []

    # ----------------------------------------------------------------- contact builders

    def _provenance(self, entry: Entry) -> Provenance:
        return Provenance(self.label, f"line {entry[5]}")

    def _flow_contact(self, key: _Key, entry: Entry) -> list[Contact]:
        oh, rh, rp, proto, lo, lr = _unkey(key)
        return self._flow_contact_of(entry, oh, rh, port_of(rp, proto), iso_utc, _bool(lo), _bool(lr))

    def _dns_contacts(self, key: _Key, entry: Entry) -> list[Contact]:
        oh, rh, query, answers = _unkey(key)
        pair = entry_addresses(self.skips, oh, rh, entry)
        if pair is None:
            return []
        client, server = pair
        if not orient(client, server):
            return []  # a query from outside to a local server: not a local device's contact
        name = normalise_name(_text(query))
        if name is None or name == "-":
            return []
        if isinstance(answers, bytes):
            parts: tuple | list = () if answers in self.nulls else answers.split(self.set_sep)
        else:
            parts = answers if isinstance(answers, tuple) else ()
        remotes: list[str | None] = []
        for answer in parts[:MAX_ANSWERS]:
            address = ip_of(answer)  # cached; names (CNAME answers) give None
            if address is not None and address not in remotes:
                remotes.append(address)
        first, last = iso_utc(entry[0]), iso_utc(entry[1])
        return [
            Contact(
                address_subject(client),
                "dns",
                self._provenance(entry),
                remote=remote,
                name=name,
                first_seen=first,
                last_seen=last,
                count=entry[2],
            )
            for remote in remotes or [None]
        ]

    def _named_contact(self, kind: str, key: _Key, entry: Entry) -> list[Contact]:
        oh, rh, rp, host = _unkey(key)
        pair = entry_addresses(self.skips, oh, rh, entry)
        if pair is None:
            return []
        client, server = pair
        if not orient(client, server):
            return []  # a request from outside to a local server
        return [
            Contact(
                address_subject(client),
                kind,
                self._provenance(entry),
                remote=server,
                name=normalise_name(_text(host))
                if not (type(host) is bytes and host in self.nulls)
                else None,
                port=port_of(rp, "tcp"),
                first_seen=iso_utc(entry[0]),
                last_seen=iso_utc(entry[1]),
                count=entry[2],
                bytes_out=max(entry[3], 0),
                bytes_in=max(entry[4], 0),
            )
        ]

    def _http_contact(self, key: _Key, entry: Entry) -> list[Contact]:
        return self._named_contact("http", key, entry)

    def _tls_contact(self, key: _Key, entry: Entry) -> list[Contact]:
        return self._named_contact("tls", key, entry)
