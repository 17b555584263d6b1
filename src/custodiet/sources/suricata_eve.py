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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import orjson

from custodiet.model import Contact, Observation, Provenance, Subject
from custodiet.model.fields import ALL_FIELDS
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.logs import (
    MAX_LOG_LINE,
    ContactTable,
    Emitter,
    Entry,
    Skips,
    address_subject,
    epoch,
    iso_utc,
    line_batches,
    normalise_name,
    once,
    open_binary,
    orient,
    port_text,
    text_of,
)
from custodiet.sources.text import normalise_ip, normalise_mac

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


def _ip(value: object) -> str | None:
    """An address value, normalised; None for anything but text (a JSON list or object
    included: only texts reach the cache, which would fail on an unhashable value)."""
    return _ip_text(value) if isinstance(value, str) else None


@lru_cache(maxsize=1 << 17)
def _ip_text(value: str) -> str | None:
    return normalise_ip(value)


def _port(port: object, proto: object) -> str | None:
    """port_text, cached; a JSON list or object (unhashable) is converted uncached."""
    try:
        return _port_cached(port, proto)
    except TypeError:
        return port_text(port, proto)


@lru_cache(maxsize=4096)
def _port_cached(port: object, proto: object) -> str | None:
    return port_text(port, proto)


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


def _int(value: object) -> int:
    return value if type(value) is int and value > 0 else 0


class _EveFile:
    """State of one EVE file while it is read."""

    def __init__(self, label: str, stats: ReadStats, options: SourceOptions) -> None:
        self.label = label
        self.stats = stats
        self.skips = Skips(stats, label, options)
        self.emit = Emitter(label, stats)
        self.raw_seen: set[int] = set()
        self.zone = "?"  # the UTC offset of the file's first time stamp, once seen
        self.flows = ContactTable(self._flow_contact, stats)
        self.named = ContactTable(self._named_contact, stats)
        self.handlers = {
            "flow": self._flow,
            "dns": self._dns,
            "http": self._http,
            "tls": self._tls,
            "ssh": self._ssh,
            "dhcp": self._dhcp,
            "anomaly": self._anomaly,
        }

    def run(self, handle) -> Iterator[Observation | Contact]:  # type: ignore[no-untyped-def]
        skips = self.skips
        handlers = self.handlers
        stats = self.stats
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        for first_number, batch in line_batches(handle, skips, MAX_LOG_LINE):
            number = first_number - 1
            records = 0
            for line in batch:
                number += 1
                try:
                    event = loads(line)
                except decode_error as exc:
                    if line.strip():
                        skips.bad("malformed JSON", number, str(exc)[:80])
                    continue
                try:
                    handler = handlers[event["event_type"]]
                except (KeyError, TypeError):  # subscripts: the common case costs no method call
                    self._unhandled(event, number)
                    continue
                records += 1
                out = handler(event, number)
                if out:
                    stats.records += records
                    records = 0
                    yield from out
            stats.records += records
        yield from self.flows.drain()
        yield from self.named.drain()

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

    def _ends(self, event: dict, number: int) -> tuple[str, str] | None:
        src, dest = _ip(event.get("src_ip")), _ip(event.get("dest_ip"))
        if src is None or dest is None:
            self.skips.bad(
                "bad address", number, repr(event.get("src_ip") if src is None else event.get("dest_ip"))[:60]
            )
            return None
        return src, dest

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

    def _add(
        self, table: ContactTable, key: tuple, when: str | None, a: int, b: int, number: int
    ) -> Iterable | None:
        try:
            return table.add(key, when, when, a, b, number)
        except TypeError:  # a list or object where a value belongs: unhashable
            self.skips.bad("malformed values", number)
        except ValueError:
            self.skips.bad("value too long", number)
        return None

    def _once(self, key: tuple) -> bool:
        return once(self.raw_seen, key)

    def _flow(self, event: dict, number: int) -> Iterable | None:
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
        try:
            entry = self.flows.entries.get(key)
            if entry is None:
                return self.flows.add(key, start, end, sent, received, number)
        except TypeError:  # a list or object where a value belongs: unhashable
            self.skips.bad("malformed values", number)
            return None
        except ValueError:
            self.skips.bad("value too long", number)
            return None
        # a known flow key (the common case): updated here rather than through the table
        if start is not None and (entry[0] is None or start < entry[0]):
            entry[0] = start
        if end is not None and (entry[1] is None or end > entry[1]):
            entry[1] = end
        entry[2] += 1
        entry[3] += sent
        entry[4] += received
        return None

    def _flow_slow(self, event: dict, number: int) -> Iterable | None:
        """A flow event missing some of the usual fields."""
        flow = event.get("flow")
        if type(flow) is not dict:
            self.skips.bad("flow event without its 'flow' object", number)
            return None
        fields = {k: flow.get(k) for k in ("start", "end", "bytes_toserver", "bytes_toclient")}
        header = {k: event.get(k) for k in ("src_ip", "dest_ip", "dest_port", "proto")}
        return self._flow({**header, "flow": fields}, number)

    def _dns(self, event: dict, number: int) -> Iterable | None:
        dns = self._section(event, "dns", number)
        if dns is None:
            return None
        src, dest = event.get("src_ip"), event.get("dest_ip")
        answer = dns.get("type") in ("answer", "response")
        src_port, dest_port = event.get("src_port"), event.get("dest_port")
        if _dns_port(src_port) and not _dns_port(dest_port):
            client, server = dest, src
        elif _dns_port(dest_port) or not answer:
            client, server = src, dest
        else:
            client, server = dest, src
        name = dns.get("rrname")
        if not isinstance(name, str):
            queries = dns.get("queries")
            if isinstance(queries, list) and queries and isinstance(queries[0], dict):
                name = queries[0].get("rrname")
        if not isinstance(name, str) or not name:
            self.skips.note("DNS event without a query name")
            return None
        when = self._when(event.get("timestamp"))
        remotes = self._answers(dns) if answer else []
        out: list = []
        for remote in remotes or [None]:
            flushed = self._add(self.named, ("dns", client, server, None, name, remote), when, 0, 0, number)
            if flushed:
                out.extend(flushed)
        return out

    @staticmethod
    def _answers(dns: dict) -> list[str]:
        """Addresses a DNS answer event gave, in any of EVE's answer formats."""
        found: list[str] = []
        rdata = dns.get("rdata")
        if isinstance(rdata, str) and dns.get("rrtype") in ("A", "AAAA"):  # v1: one answer per event
            found.append(rdata)
        answers = dns.get("answers")
        if isinstance(answers, list):  # v2 "detailed", v3
            for item in answers[:MAX_ANSWERS]:
                if isinstance(item, dict) and item.get("rrtype") in ("A", "AAAA"):
                    data = item.get("rdata")
                    if isinstance(data, str):
                        found.append(data)
        if not found:
            grouped = dns.get("grouped")
            if isinstance(grouped, dict):  # v2 "grouped" alone
                for rrtype in ("A", "AAAA"):
                    items = grouped.get(rrtype)
                    if isinstance(items, list):
                        found.extend(i for i in items[:MAX_ANSWERS] if isinstance(i, str))
        out: list[str] = []
        for text in found:
            address = _ip(text)
            if address is not None and address not in out:
                out.append(address)
        return out[:MAX_ANSWERS]

    def _http(self, event: dict, number: int) -> Iterable | None:
        http = self._section(event, "http", number)
        if http is None:
            return None
        client, server, dest_port = event.get("src_ip"), event.get("dest_ip"), event.get("dest_port")
        key = ("http", client, server, dest_port, http.get("hostname"), None)
        out = self._add(
            self.named, key, self._when(event.get("timestamp")), 0, _int(http.get("length")), number
        )
        headers = http.get("response_headers")
        agent = http.get("http_user_agent") if USER_AGENT else None
        custom = [(k, t) for k, t in _CUSTOM_FIELDS.items() if k in http]
        if not headers and not agent and not custom:
            return out
        ends = self._ends(event, number)
        if ends is None:
            return out
        out = list(out or ())
        port = _port(dest_port, "tcp")
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
        for key_, target in custom:
            value = text_of(http.get(key_))
            if value:
                emit.make(out, subject, target, value.strip(), place, port)
        if agent and self._once((client, agent)):
            emit.make(out, address_subject(ends[0]), USER_AGENT, text_of(agent), place)  # type: ignore[arg-type]
        return out

    def _tls(self, event: dict, number: int) -> Iterable | None:
        tls = self._section(event, "tls", number)
        if tls is None:
            return None
        client, server, dest_port = event.get("src_ip"), event.get("dest_ip"), event.get("dest_port")
        sni = tls.get("sni")
        out: list = []
        if sni:
            key = ("tls", client, server, dest_port, sni, None)
            out = self._add(self.named, key, self._when(event.get("timestamp")), 0, 0, number)
        subject, issuer = tls.get("subject"), tls.get("issuerdn") or tls.get("issuer")
        if (subject or issuer) and self._once((server, dest_port, subject, issuer)):
            address = _ip(server)
            if address is None:
                self.skips.bad("bad address", number, repr(server)[:60])
                return out
            out = list(out or ())
            port = _port(dest_port, "tcp")
            place = f"line {number}"
            self.emit.make(out, address_subject(address), "tls.subject", text_of(subject), place, port)
            self.emit.make(out, address_subject(address), "tls.issuer", text_of(issuer), place, port)
        return out

    def _ssh(self, event: dict, number: int) -> Iterable | None:
        ends = self._ends(event, number)
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

    def _dhcp(self, event: dict, number: int) -> Iterable | None:
        dhcp = self._section(event, "dhcp", number)
        if dhcp is None:
            return None
        mac_text = text_of(dhcp.get("client_mac"))
        mac = normalise_mac(mac_text) if mac_text else None
        address = None
        if dhcp.get("type") == "reply":
            for key in ("assigned_ip", "client_ip"):
                candidate = _ip(dhcp.get(key))
                if candidate not in (None, "0.0.0.0", "255.255.255.255"):
                    address = candidate
                    break
        elif _ip(dhcp.get("client_ip")) not in (None, "0.0.0.0"):
            address = _ip(dhcp.get("client_ip"))  # a client renewing from its own address
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

    def _anomaly(self, event: dict, number: int) -> Iterable | None:
        self.skips.note("anomaly event (counted, not read)")
        return None

    # ----------------------------------------------------------------- contact builders

    def _pair(self, a: object, b: object, entry: Entry) -> tuple[str, str] | None:
        """Both addresses of a contact key, normalised; a bad one skips the key's lines."""
        first, second = _ip(a), _ip(b)
        if first is None or second is None:
            shown = repr(a if first is None else b)[:60]
            self.skips.bad("bad address", entry[5], shown, count=entry[2])
            return None
        return first, second

    def _flow_contact(self, key: Hashable, entry: Entry) -> list[Contact]:
        src_raw, dest_raw, dest_port, proto = key  # type: ignore[misc]
        pair = self._pair(src_raw, dest_raw, entry)
        if pair is None:
            return []
        src, dest = pair
        if orient(src, dest):
            local, remote, sent, received = src, dest, entry[3], entry[4]
        else:
            local, remote, sent, received = dest, src, entry[4], entry[3]
        return [
            Contact(
                address_subject(local),
                "flow",
                Provenance(self.label, f"line {entry[5]}"),
                remote=remote,
                port=_port(dest_port, proto),
                first_seen=eve_iso(entry[0]),
                last_seen=eve_iso(entry[1]),
                count=entry[2],
                bytes_out=sent,
                bytes_in=received,
            )
        ]

    def _named_contact(self, key: Hashable, entry: Entry) -> list[Contact]:
        kind, client_raw, server_raw, dest_port, name, answer = key  # type: ignore[misc]
        pair = self._pair(client_raw, server_raw, entry)
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
                port=None if kind == "dns" else _port(dest_port, "tcp"),
                first_seen=eve_iso(entry[0]),
                last_seen=eve_iso(entry[1]),
                count=entry[2],
                bytes_out=entry[3],
                bytes_in=entry[4],
            )
        ]
