"""Suricata EVE JSON (eve.json) to observations and contacts.

EVE is one JSON object per line with a common header (timestamp, event_type, src_ip, src_port,
dest_ip, dest_port, proto) and one object named after the event type. Format: Suricata user
guide, "Eve JSON Format" (docs.suricata.io/en/latest/output/eve/eve-json-format.html); field
shapes checked against the output of Suricata 7.0.10 reading a capture of loopback sessions
(tests/sources/test_suricata.py runs the real binary when it is installed).

What each event type gives (src is the client for flow and app-layer events, which Suricata
logs in the flow's direction):
- flow: a "flow" Contact per (local device, remote, port): bytes_toserver/bytes_toclient,
  flow.start/flow.end, aggregated. The local side is the private side of a private-public pair,
  else the client.
- dns: "dns" Contacts for the client: query events give the name; answer events (v1: one per
  answer, v2: "answers" list or "grouped", v3: "queries"/"answers") give one per address. The
  client is the side that is not port 53 (older versions log answers server -> client).
- http: an "http" Contact (hostname); for the server, http.server, http.www_authenticate,
  http.cookie and the header block (http.headers) from response_headers (dump-all-headers) or
  the custom fields ("server", "www_authenticate", "set_cookie"); the client's User-Agent when
  the model has http.user_agent.
- tls: a "tls" Contact (sni); tls.subject/tls.issuer (subject, issuerdn) for the server.
- ssh: client and server software_version as ssh.banner ("SSH-<proto_version>-<software>":
  Suricata keeps the software part of the identification line, without comments).
- dhcp: mac (client_mac), hostname, dhcp.vendor_class (vendor_class_identifier, extended
  logging in Suricata 7+); the address when a reply assigned one.
- anomaly: counted, not read. Other event types (alert, fileinfo, stats, ...) are counted.
Ethernet addresses ("ether") are not used as MACs: behind a router they are the router's.

Speed (an EVE file has millions of lines): events of the usual shape are decoded by msgspec, when
it is installed, into just the fields read, and handled in place by _EveFile._rows; any other line
goes through orjson and the general handlers, which give the same results (see _event_decoder).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from types import GenericAlias
from typing import Any, BinaryIO, Union

import orjson

from custodiet.model import Contact, Observation, Provenance, Subject
from custodiet.model.fields import ALL_FIELDS
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
    ip_text,
    iso_utc,
    json_error,
    line_address,
    line_addresses,
    msgspec,
    normalise_name,
    open_binary,
    orient,
    port_of,
    port_text,
    raw_line_batches,
    strip_line,
    text_of,
)
from custodiet.sources.text import normalise_mac

USER_AGENT = "http.user_agent" if "http.user_agent" in ALL_FIELDS else None

DNS_PORTS = frozenset({53, 5353, 853})
MAX_ANSWERS = 32
# Response headers kept in the rebuilt header block.
MAX_HEADERS = 64

# Event types counted by name when skipped; any other is "other event type".
_KNOWN_TYPES = frozenset(
    [
        "alert",
        "fileinfo",
        "stats",
        "netflow",
        "drop",
        "smb",
        "ftp",
        "ftp_data",
        "smtp",
        "rdp",
        "sip",
        "snmp",
        "tftp",
        "nfs",
        "krb5",
        "ikev2",
        "ike",
        "dcerpc",
        "mqtt",
        "http2",
        "rfb",
        "pgsql",
        "quic",
        "dnp3",
        "modbus",
        "bittorrent-dht",
        "websocket",
        "ldap",
        "arp",
        "frame",
    ]
)

# Response header (lower case) -> field, and EVE's custom-field names for the same headers.
_HEADER_FIELDS = {
    "server": "http.server",
    "www-authenticate": "http.www_authenticate",
    "set-cookie": "http.cookie",
}
_CUSTOM_FIELDS = {
    "server": "http.server",
    "www_authenticate": "http.www_authenticate",
    "set_cookie": "http.cookie",
}


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation | Contact]:
    """Observations and contacts from one EVE JSON file (see the module docstring)."""
    eve = _EveFile(label, stats, options)
    with open_binary(path, label) as handle:
        yield from eve.run(handle)
    check_something_read(stats, label, "Suricata EVE JSON")


def _dns_port(port: object) -> bool:
    """Whether a port value is a DNS port (False for a list or object, which cannot be looked up)."""
    try:
        return port in DNS_PORTS
    except TypeError:
        return False


@lru_cache(maxsize=4096)
def _minute(prefix: str, zone: str) -> float | None:
    parsed = epoch(f"{prefix}:00{zone}")
    return parsed


def eve_time(value: object) -> float | None:
    """Suricata's "2024-05-01T12:34:56.789012+0200" as epoch seconds, fast: the minute is parsed
    once and cached, the seconds added; any other form goes through the general parser."""
    if isinstance(value, str) and len(value) >= 24 and value[10:11] == "T" and value[16:17] == ":":
        zone = value[26:] if value[19:20] == "." else value[19:]
        base = _minute(value[:16], zone)
        if base is not None:
            try:
                return base + float(value[17:26] if value[19:20] == "." else value[17:19])
            except ValueError:
                pass
    return epoch(value)


_STAMP_LENGTH = len("2024-05-01T12:34:56.789012+0200")


@lru_cache(maxsize=4096)
def _utc_minute(prefix: str, zone: str) -> str | None:
    """ "2024-05-01T14:00" in zone "+0200" -> "2024-05-01T12:00" (offsets are whole minutes)."""
    seconds = epoch(f"{prefix}:00{zone}")
    text = iso_utc(seconds)
    return text[:16] if text else None


def eve_iso(value: object) -> str | None:
    """A Suricata time stamp as the ISO 8601 UTC text of Contacts ("...T12:00:00.123456Z"),
    without parsing in the usual case: the minute is converted once (cached) and the seconds
    copied; other forms go through the general parser."""
    if type(value) is str and len(value) == _STAMP_LENGTH and value[19] == ".":
        zone = value[26:]
        if zone == "+0000":
            return f"{value[:26]}Z"
        minute = _utc_minute(value[:16], zone)
        if minute is not None:
            return f"{minute}{value[16:26]}Z"
    return iso_utc(eve_time(value))


def _decoded_answers(dns: Any) -> list[str]:
    """_EveFile._answers for a dns section decoded by msgspec (answers are objects there)."""
    found: list[str] = []
    rdata = dns.rdata
    if isinstance(rdata, str) and dns.rrtype in ("A", "AAAA"):
        found.append(rdata)
    answers = dns.answers
    if answers:
        for item in answers[:MAX_ANSWERS]:
            if item.rrtype in ("A", "AAAA"):
                data = item.rdata
                if isinstance(data, str):
                    found.append(data)
    if not found:
        return _EveFile._answers(None, None, None, dns.grouped)
    return _addresses(found)


def _addresses(texts: list[str]) -> list[str]:
    """The distinct valid addresses among answer texts, in order, at most MAX_ANSWERS."""
    out: list[str] = []
    for text in texts:
        address = ip_text(text)
        if address is not None and address not in out:
            out.append(address)
    return out[:MAX_ANSWERS]


def _int(value: object) -> int:
    return value if type(value) is int and value > 0 else 0


# Contact keys of raw event values: (src_ip, dest_ip, dest_port, proto) of a flow;
# (kind, client, server, dest_port, name, answer) of a dns, http or tls event.
_FlowKey = tuple[object, object, object, object]
_NamedKey = tuple[str, object, object, object, object, str | None]

# Codes of the event types read in place (the classes of _event_decoder carry theirs).
_FLOW, _DNS, _HTTP, _TLS, _ANOMALY, _SKIPPED = 1, 2, 3, 4, 5, 6


def _event_decoder() -> tuple[Any, tuple[type[Exception], ...], Any]:
    """A msgspec decoder of flow, dns, http and tls events into the fields their handlers read
    (and of the event types only counted, into nothing), with the errors it raises and msgspec's
    "absent" marker.

    It accepts only the usual shape of an event: text where text belongs, integers within 64
    bits (orjson makes floats of larger ones), the section object; an event of any other shape
    or type fails to decode and is read through orjson and the general handlers, so that both
    paths give the same contacts, observations and counts. Lines with bytes beyond ASCII always
    take orjson: msgspec does not check the UTF-8 of the values it skips. What msgspec skips
    it still checks as JSON, except that a number beyond the double range (1e400) in a field
    no handler reads passes, where orjson calls the whole line malformed."""
    if msgspec is None:
        return None, (), None
    unset = msgspec.UNSET
    i64 = int64()

    flow = msgspec.defstruct(
        "Flow", [("start", str), ("end", str), ("bytes_toserver", i64), ("bytes_toclient", i64)]
    )
    answer = msgspec.defstruct("Answer", [("rrtype", Any, None), ("rdata", Any, None)])
    answers = GenericAlias(list, answer)  # list[answer]: built at run time, no type for mypy
    dns = msgspec.defstruct(
        "Dns",
        [(name, Any, None) for name in ("type", "rrname", "queries", "rrtype", "rdata", "grouped")]
        + [("answers", answers | None, None)],  # objects (as _answers reads them), or no event
    )
    # present in an event, the headers and custom fields take the general handler
    http = msgspec.defstruct(
        "Http",
        [("hostname", str | None, None), ("length", i64 | None, None), ("http_user_agent", str | None, None)]
        + [(name, Any, unset) for name in ("response_headers", "server", "www_authenticate", "set_cookie")],
    )
    tls = msgspec.defstruct(
        "Tls", [(name, str | None, None) for name in ("sni", "subject", "issuerdn", "issuer")]
    )

    def event(name: str, fields: list[Any], tag: str, namespace: dict[str, Any]) -> type:
        """An event struct, told apart from the others by its event_type."""
        return msgspec.defstruct(
            name, fields, namespace=namespace, tag=tag, tag_field="event_type", kw_only=True
        )

    types: list[type] = [
        event("FlowEvent", [("src_ip", str), ("dest_ip", str), ("dest_port", i64), ("proto", str), ("flow", flow)],
              "flow", {"code": _FLOW}),
        event("DnsEvent", [("dns", dns), ("timestamp", str | None, None), ("src_ip", str | None, None),
              ("dest_ip", str | None, None), ("src_port", i64 | None, None), ("dest_port", i64 | None, None)],
              "dns", {"code": _DNS}),
        event("HttpEvent", [("http", http), ("timestamp", str | None, None), ("src_ip", str | None, None),
              ("dest_ip", str | None, None), ("dest_port", i64 | None, None)], "http", {"code": _HTTP}),
        event("TlsEvent", [("tls", tls), ("timestamp", str | None, None), ("src_ip", str | None, None),
              ("dest_ip", str | None, None), ("dest_port", i64 | None, None)], "tls", {"code": _TLS}),
        event("AnomalyEvent", [], "anomaly", {"code": _ANOMALY}),
    ]  # fmt: skip
    for kind in sorted(_KNOWN_TYPES):
        note = f"{kind} event (not read)"
        types.append(event(f"Skipped_{kind.replace('-', '_')}", [], kind, {"code": _SKIPPED, "note": note}))
    return msgspec.json.Decoder(Union[tuple(types)]).decode, MSGSPEC_ERRORS, unset  # noqa: UP007


_DECODE, _DECODE_ERRORS, _UNSET = _event_decoder()


class _EveFile(TrafficFile):
    """State of one EVE file while it is read."""

    def __init__(self, label: str, stats: ReadStats, options: SourceOptions) -> None:
        super().__init__(label, stats, options)
        self.zone = "?"  # the UTC offset of the file's first time stamp, once seen
        self.flows = ContactTable(self._flow_contact, stats, self.skips)
        self.named = ContactTable(self._named_contact, stats, self.skips)
        self.handlers = {
            "flow": self._flow,
            "dns": self._dns,
            "http": self._http,
            "tls": self._tls,
            "ssh": self._ssh,
            "dhcp": self._dhcp,
            "anomaly": self._anomaly,
        }

    def run(self, handle: BinaryIO) -> Iterator[Observation | Contact]:
        for first, batch in raw_line_batches(handle, self.skips, MAX_LOG_LINE):
            yield from self._rows(batch, first)
        yield from self.flows.drain()
        yield from self.named.drain()

    def _rows(self, batch: list[bytes], first: int) -> Generator[Any, None, None]:
        """The events of one batch of lines. Events msgspec decodes (flow, dns, http, tls: most
        of a file) are read here in place: what the general handlers do, spelled out for values
        of known types, with the contact tables updated directly for a known key. Every other
        line (or every line, without msgspec) is parsed by orjson for the general handlers."""
        skips, handlers, stats = self.skips, self.handlers, self.stats
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        decode, errors, unset = _DECODE, _DECODE_ERRORS, _UNSET
        flows, named, dns_ports, stamp_length = self.flows, self.named, DNS_PORTS, _STAMP_LENGTH
        agent_field = USER_AGENT
        count_flow, count_named = flows.count_span, named.count
        number, records = first - 1, 0
        out: Items | None
        try:
            for line in batch:
                number += 1
                event = None
                if decode is not None and line.isascii():
                    try:
                        event = decode(line)
                    except errors:
                        event = None
                if event is not None:
                    code = event.code
                    if code == _FLOW:
                        records += 1
                        flow = event.flow
                        start, end, zone = flow.start, flow.end, self.zone
                        if not (len(start) == stamp_length and start.endswith(zone)):
                            start = self._when(start)
                        if not (len(end) == stamp_length and end.endswith(zone)):
                            end = self._when(end)
                        sent, received = flow.bytes_toserver, flow.bytes_toclient
                        if sent < 0:
                            sent = 0
                        if received < 0:
                            received = 0
                        flow_key = (event.src_ip, event.dest_ip, event.dest_port, event.proto)
                        out = count_flow(flow_key, start, end, sent, received, number)
                        if out:
                            stats.records += records
                            records = 0
                            yield from out
                        continue
                    if code == _SKIPPED:
                        skips.note(event.note)
                        continue
                    if code == _ANOMALY:
                        records += 1
                        self._anomaly(event, number)
                        continue
                    if code == _HTTP:
                        http = event.http
                        if (
                            http.response_headers is not unset
                            or http.server is not unset
                            or http.www_authenticate is not unset
                            or http.set_cookie is not unset
                        ):
                            event = None  # response headers: the general handler
                if event is not None:  # dns, http or tls: named contacts (what _add does)
                    records += 1
                    client, server, stamp = event.src_ip, event.dest_ip, event.timestamp
                    if stamp is not None and len(stamp) == stamp_length and stamp.endswith(self.zone):
                        when = stamp
                    else:
                        when = None  # computed below where the general handler computes it
                    length, observe = 0, None
                    if code == _DNS:
                        dns = event.dns
                        kind = dns.type
                        answer = kind == "answer" or kind == "response"
                        src_port, dest_port = event.src_port, event.dest_port
                        if dest_port not in dns_ports and (answer or src_port in dns_ports):
                            client, server = server, client  # the answer's (or the server's) side
                        name = dns.rrname
                        if type(name) is not str:
                            queries = dns.queries
                            if isinstance(queries, list) and queries and isinstance(queries[0], dict):
                                name = queries[0].get("rrname")
                        if not isinstance(name, str) or not name:
                            skips.note("DNS event without a query name")
                            continue
                        if when is None:
                            when = self._when(stamp)
                        remotes = _decoded_answers(dns) if answer else ()
                        keys = [("dns", client, server, None, name, remote) for remote in remotes or (None,)]
                    elif code == _HTTP:
                        if when is None:
                            when = self._when(stamp)
                        http = event.http
                        length = http.length
                        if length is None or length < 0:
                            length = 0
                        keys = [("http", client, server, event.dest_port, http.hostname, None)]
                        if agent_field and http.http_user_agent:
                            observe = self._http_agent
                    else:
                        tls = event.tls
                        sni = tls.sni
                        if sni:
                            if when is None:
                                when = self._when(stamp)
                            keys = [("tls", client, server, event.dest_port, sni, None)]
                        else:
                            keys = []
                        if tls.subject or tls.issuerdn or tls.issuer:
                            observe = self._tls_names
                    out = None  # a full table's contacts: as the general handlers hand them on
                    for key in keys:
                        flushed = count_named(key, when, 0, length, number)
                        if flushed is not None:  # _dns_fields collects them as it goes
                            out = [*(out or ()), *flushed] if code == _DNS else flushed
                    if observe is not None:
                        out = observe(event, number, out)
                    if out:
                        stats.records += records
                        records = 0
                        yield from out
                    continue
                try:
                    parsed = loads(line)
                except decode_error:
                    if line.strip():
                        skips.bad("malformed JSON", number, json_error(strip_line(line)))
                    continue
                try:
                    handler = handlers[parsed["event_type"]]
                except (KeyError, TypeError):  # subscripts: the common case costs no method call
                    self._unhandled(parsed, number)
                    continue
                records += 1
                out = handler(parsed, number)
                if out:
                    stats.records += records
                    records = 0
                    yield from out
        finally:
            stats.records += records

    def _http_agent(self, event: Any, number: int, out: Items | None) -> Items | None:
        """The User-Agent of a decoded http event, after `out` (the contacts of a full table), as
        _http_fields does it."""
        client = event.src_ip
        ends = line_addresses(self.skips, client, event.dest_ip, number)
        if ends is None:
            return out
        out = list(out or ())
        agent = event.http.http_user_agent
        if USER_AGENT is not None and self._once((client, agent)):  # always set when _rows calls this
            self.emit.make(out, address_subject(ends[0]), USER_AGENT, text_of(agent), f"line {number}")
        return out

    def _tls_names(self, event: Any, number: int, out: Items | None) -> Items | None:
        """The certificate names of a decoded tls event, after `out` (the contacts of a full
        table), as _tls_fields does it."""
        tls = event.tls
        return self._cert_names(
            event.dest_ip, event.dest_port, tls.subject, tls.issuerdn or tls.issuer, number, out
        )

    def _unhandled(self, event: object, number: int) -> None:
        """Count a line without a handler: not an object, no event type, or a type not read."""
        if type(event) is not dict:
            self.skips.bad("not a JSON object", number)
            return
        kind = event.get("event_type")
        if not isinstance(kind, str):
            self.skips.bad("no event_type", number)
        else:
            self.skips.note(
                f"{kind} event (not read)" if kind in _KNOWN_TYPES else "other event type (not read)"
            )

    def _when(self, value: object) -> str | None:
        """A time stamp as a string that compares in time order with the file's others: Suricata's
        own fixed-width text when it is in the file's time zone (the usual case, no parsing), else
        the same instant written in that zone."""
        if type(value) is str and len(value) == _STAMP_LENGTH and value.endswith(self.zone):
            return value
        seconds = eve_time(value)
        if seconds is None:
            return None
        if self.zone == "?":
            if type(value) is str and len(value) == _STAMP_LENGTH and value[26] in "+-":
                self.zone = value[26:]
                return value
            self.zone = "+0000"
        sign = -1 if self.zone[0] == "-" else 1
        zone = timezone(timedelta(seconds=sign * (int(self.zone[1:3]) * 3600 + int(self.zone[3:5]) * 60)))
        try:
            return datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%dT%H:%M:%S.%f") + self.zone
        except (OverflowError, OSError, ValueError):
            return None

    # ----------------------------------------------------------------- helpers

    def _section(self, event: dict, name: str, number: int) -> dict | None:
        section = event.get(name)
        if not isinstance(section, dict):
            self.skips.bad(f"{name} event without its '{name}' object", number)
            return None
        return section

    # ----------------------------------------------------------------- event types

    # flow, dns, http and tls events come by the million: their handlers key the contact tables
    # on the raw JSON values and leave checking and normalising to the builders, which run once
    # per distinct key; observations are de-duplicated on raw values before any decoding.

    def _flow(self, event: dict, number: int) -> Items | None:
        try:  # subscripts for what every flow event has; anything missing takes the slow path
            flow = event["flow"]
            start, end = flow["start"], flow["end"]
            sent, received = flow["bytes_toserver"], flow["bytes_toclient"]
            key = (event["src_ip"], event["dest_ip"], event["dest_port"], event["proto"])
        except (KeyError, TypeError):
            return self._flow_slow(event, number)
        zone = self.zone
        if not (type(start) is str and len(start) == _STAMP_LENGTH and start.endswith(zone)):
            start = self._when(start)
        if not (type(end) is str and len(end) == _STAMP_LENGTH and end.endswith(zone)):
            end = self._when(end)
        if type(sent) is not int or sent < 0:
            sent = 0
        if type(received) is not int or received < 0:
            received = 0
        # the table updates a known key; _rows does it in place for the events msgspec decodes
        return self.flows.count_span(key, start, end, sent, received, number)

    def _flow_slow(self, event: dict, number: int) -> Items | None:
        """A flow event missing some of the usual fields."""
        flow = event.get("flow")
        if type(flow) is not dict:
            self.skips.bad("flow event without its 'flow' object", number)
            return None
        fields = {k: flow.get(k) for k in ("start", "end", "bytes_toserver", "bytes_toclient")}
        header = {k: event.get(k) for k in ("src_ip", "dest_ip", "dest_port", "proto")}
        return self._flow({**header, "flow": fields}, number)

    def _dns(self, event: dict, number: int) -> Items | None:
        dns = self._section(event, "dns", number)
        if dns is None:
            return None
        get = dns.get
        return self._dns_fields(
            event.get("src_ip"), event.get("dest_ip"), event.get("src_port"), event.get("dest_port"),
            event.get("timestamp"), get("type"), get("rrname"), get("queries"),
            (get("rdata"), get("rrtype"), get("answers"), get("grouped")), number,
        )  # fmt: skip

    def _dns_fields(
        self, src: object, dest: object, src_port: object, dest_port: object, stamp: object,
        kind: object, name: object, queries: object, answers: tuple, number: int,
    ) -> Items | None:  # fmt: skip
        """A dns event: the query name for the client, and each address an answer gave
        (`answers`: the rdata, rrtype, answers and grouped fields, for _answers)."""
        answer = kind in ("answer", "response")
        if _dns_port(src_port) and not _dns_port(dest_port):
            client, server = dest, src
        elif _dns_port(dest_port) or not answer:
            client, server = src, dest
        else:
            client, server = dest, src
        if (
            not isinstance(name, str)
            and isinstance(queries, list)
            and queries
            and isinstance(queries[0], dict)
        ):
            name = queries[0].get("rrname")
        if not isinstance(name, str) or not name:
            self.skips.note("DNS event without a query name")
            return None
        when = self._when(stamp)
        remotes = self._answers(*answers) if answer else []
        out: list[Contact] = []
        for remote in remotes or (None,):
            key = ("dns", client, server, None, name, remote)
            flushed = self.named.count(key, when, 0, 0, number)
            if flushed:
                out.extend(flushed)
        return out

    @staticmethod
    def _answers(rdata: object, rrtype: object, answers: object, grouped: object) -> list[str]:
        """Addresses a DNS answer event gave, in any of EVE's answer formats (its rdata, rrtype,
        answers and grouped fields)."""
        found: list[str] = []
        if isinstance(rdata, str) and rrtype in ("A", "AAAA"):  # v1: one answer per event
            found.append(rdata)
        if isinstance(answers, list):  # v2 "detailed", v3
            for item in answers[:MAX_ANSWERS]:
                if isinstance(item, dict) and item.get("rrtype") in ("A", "AAAA"):
                    data = item.get("rdata")
                    if isinstance(data, str):
                        found.append(data)
        if not found and isinstance(grouped, dict):  # v2 "grouped" alone
            for rrtype in ("A", "AAAA"):
                items = grouped.get(rrtype)
                if isinstance(items, list):
                    found.extend(i for i in items[:MAX_ANSWERS] if isinstance(i, str))
        return _addresses(found)

    def _http(self, event: dict, number: int) -> Items | None:
        http = self._section(event, "http", number)
        if http is None:
            return None
        get = http.get
        custom = [(k, t, get(k)) for k, t in _CUSTOM_FIELDS.items() if k in http]
        return self._http_fields(
            event.get("src_ip"), event.get("dest_ip"), event.get("dest_port"), event.get("timestamp"),
            get("hostname"), get("length"), get("response_headers"), get("http_user_agent"), custom, number,
        )  # fmt: skip

    def _http_fields(
        self, client: object, server: object, dest_port: object, stamp: object, hostname: object,
        length: object, headers: object, agent: object, custom: list[tuple[str, str, object]], number: int,
    ) -> Items | None:  # fmt: skip
        """An http event: the Host contact; the server's headers (response_headers, or the
        custom fields present, as (field name, observation field, value)); the User-Agent."""
        key = ("http", client, server, dest_port, hostname, None)
        when = self._when(stamp)
        flushed = self.named.count(key, when, 0, _int(length), number)
        if not USER_AGENT:
            agent = None
        if not headers and not agent and not custom:
            return flushed
        ends = line_addresses(self.skips, client, server, number)
        if ends is None:
            return flushed
        out: list[Observation | Contact] = list(flushed or ())
        port = port_of(dest_port, "tcp")
        place = f"line {number}"
        emit = self.emit
        subject = address_subject(ends[1])
        if isinstance(headers, list) and self._once((server, dest_port, orjson.dumps(headers[:MAX_HEADERS]))):
            block = []
            for item in headers[:MAX_HEADERS]:
                if not isinstance(item, dict):
                    continue
                name, value = text_of(item.get("name")), text_of(item.get("value"))
                if not name or value is None:
                    continue
                block.append(f"{name}: {value}")
                target = _HEADER_FIELDS.get(name.lower())
                if target:
                    emit.make(out, subject, target, value.strip(), place, port)
            if block:
                emit.make(out, subject, "http.headers", "\r\n".join(block), place, port)
        for _, target, raw in custom:
            value = text_of(raw)
            if value:
                emit.make(out, subject, target, value.strip(), place, port)
        if agent and USER_AGENT is not None and self._once((client, agent)):
            emit.make(out, address_subject(ends[0]), USER_AGENT, text_of(agent), place)
        return out

    def _tls(self, event: dict, number: int) -> Items | None:
        tls = self._section(event, "tls", number)
        if tls is None:
            return None
        get = tls.get
        return self._tls_fields(
            event.get("src_ip"), event.get("dest_ip"), event.get("dest_port"), event.get("timestamp"),
            get("sni"), get("subject"), get("issuerdn") or get("issuer"), number,
        )  # fmt: skip

    def _tls_fields(
        self, client: object, server: object, dest_port: object, stamp: object, sni: object,
        subject: object, issuer: object, number: int,
    ) -> Items | None:  # fmt: skip
        """A tls event: the SNI contact; the certificate's subject and issuer for the server."""
        out: Items | None = []
        if sni:
            key = ("tls", client, server, dest_port, sni, None)
            when = self._when(stamp)
            out = self.named.count(key, when, 0, 0, number)
        if subject or issuer:
            return self._cert_names(server, dest_port, subject, issuer, number, out)
        return out

    def _cert_names(
        self,
        server: object,
        dest_port: object,
        subject: object,
        issuer: object,
        number: int,
        out: Items | None,
    ) -> Items | None:
        """The certificate's subject and issuer for the server of a tls event (once per raw
        value), after `out`."""
        if self._once((server, dest_port, subject, issuer)):
            address = line_address(self.skips, server, number)
            if address is None:
                return out
            out = list(out or ())
            port, place = port_of(dest_port, "tcp"), f"line {number}"
            self.emit.make(out, address_subject(address), "tls.subject", text_of(subject), place, port)
            self.emit.make(out, address_subject(address), "tls.issuer", text_of(issuer), place, port)
        return out

    def _ssh(self, event: dict, number: int) -> Items | None:
        ends = line_addresses(self.skips, event.get("src_ip"), event.get("dest_ip"), number)
        ssh = self._section(event, "ssh", number)
        if ends is None or ssh is None:
            return None
        out: list = []
        place = f"line {number}"
        port = port_text(event.get("dest_port"), "tcp")
        for side, address, side_port in (("server", ends[1], port), ("client", ends[0], None)):
            info = ssh.get(side)
            if not isinstance(info, dict):
                continue
            software = text_of(info.get("software_version"))
            if not software:
                continue
            proto = text_of(info.get("proto_version"))
            banner = f"SSH-{proto}-{software}" if proto else software
            self.emit.make(out, Subject(address), "ssh.banner", banner, place, side_port)
        return out

    def _dhcp(self, event: dict, number: int) -> Items | None:
        dhcp = self._section(event, "dhcp", number)
        if dhcp is None:
            return None
        mac_text = text_of(dhcp.get("client_mac"))
        mac = normalise_mac(mac_text) if mac_text else None
        address = None
        if dhcp.get("type") == "reply":
            for key in ("assigned_ip", "client_ip"):
                candidate = ip_of(dhcp.get(key))
                if candidate not in (None, "0.0.0.0", "255.255.255.255"):
                    address = candidate
                    break
        elif ip_of(dhcp.get("client_ip")) not in (None, "0.0.0.0"):
            address = ip_of(dhcp.get("client_ip"))  # a client renewing from its own address
        if mac is None and address is None:
            self.skips.note("DHCP event without address or MAC")
            return None
        subject = Subject(address, mac)
        out: list = []
        place = f"line {number}"
        self.emit.make(out, subject, "mac", mac, place)
        if dhcp.get("type") != "reply":  # option 12 and 60 are the client's words
            self.emit.make(out, subject, "hostname", text_of(dhcp.get("hostname")), place)
            self.emit.make(
                out, subject, "dhcp.vendor_class", text_of(dhcp.get("vendor_class_identifier")), place
            )
        return out

    def _anomaly(self, event: dict, number: int) -> Items | None:
        self.skips.note("anomaly event (counted, not read)")
        return None

    # ----------------------------------------------------------------- contact builders

    def _flow_contact(self, key: _FlowKey, entry: Entry) -> list[Contact]:
        src, dest, dest_port, proto = key
        return self._flow_contact_of(entry, src, dest, port_of(dest_port, proto), eve_iso)

    def _named_contact(self, key: _NamedKey, entry: Entry) -> list[Contact]:
        kind, client_raw, server_raw, dest_port, name, answer = key
        pair = entry_addresses(self.skips, client_raw, server_raw, entry)
        if pair is None:
            return []
        client, server = pair
        if not orient(client, server):
            return []  # a request from outside to a local server
        normal = normalise_name(name) if isinstance(name, str) else None
        if kind == "dns" and normal is None:
            return []
        return [
            Contact(
                address_subject(client),
                kind,
                Provenance(self.label, f"line {entry[5]}"),
                remote=answer if kind == "dns" else server,
                name=normal,
                port=None if kind == "dns" else port_of(dest_port, "tcp"),
                first_seen=eve_iso(entry[0]),
                last_seen=eve_iso(entry[1]),
                count=entry[2],
                bytes_out=entry[3],
                bytes_in=entry[4],
            )
        ]
