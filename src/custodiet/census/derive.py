"""A piece of a scan record -> the (field, text) observations `audit` would read from it.

The engine's SQL only cuts records into pieces: (kind, raw), where kind is either a field name
(the raw text is that field's text) or "operation:argument" for a text that needs the work a
source reader does (a raw banner split into its header fields, a certificate name object
written as a DN, masscan's byte escapes undone, an nmap script output read). That work is done
here, once per DISTINCT piece, by the very functions the audit readers use
(sources.banners_jsonl and sources.nmap_xml), so a census reads a record exactly as an audit
does; tests/census/test_parity.py checks it record by record against the readers.

Kinds:
  <field>                         the text itself (cut to MAX_TEXT)
  strip:<field>                   the text without surrounding white space
  list:<field>                    a JSON array of texts (host names, CPEs), each item that field's
  banner:<protocol>               a raw banner of that protocol (banners_jsonl.emit_banner)
  dn:<field>                      a Shodan name object or string (JSON) as an RFC 4514 DN
  html:                           a page: http.body and its <title> as http.title
  masscan:<service name>          a masscan banner (\\u00XX byte escapes), by masscan's service
  censys.headers                  a Censys header map (JSON) -> Server/WWW-Authenticate/Set-Cookie
  zgrab2.http                     zgrab2 status line, protocol and header map (JSON) -> header block and fields
  nmap.clean:<field>              an nmap name (host name, OS guess): \\xHH escapes undone, stripped
  nmap.service                    IVRE's [product, version, extrainfo, devicetype, hostname] (JSON)
  nmap.script:<service>|<id>      an nmap script's output on a port of that service
  nmap.servicefp:<service>        nmap's service fingerprint (the probe replies)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from xml.etree import ElementTree

import orjson

from custodiet.identify.components import DATE_LINE
from custodiet.model import Subject
from custodiet.model.observation import MAX_TEXT
from custodiet.sources import banners_jsonl as bj
from custodiet.sources import nmap_xml
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.logs import byte_text


def _python_whitespace_class() -> str:
    """An RE2 character class of the characters str.isspace() takes (str.strip()'s set)."""
    spaces = [c for c in range(0x110000) if chr(c).isspace()]
    ranges: list[tuple[int, int]] = []
    for c in spaces:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1] = (ranges[-1][0], c)
        else:
            ranges.append((c, c))
    return "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)


# A Date line (at the start or after a newline: RE2's multi-line ^) up to its first carriage
# return or newline (without a group to give back, RE2 replaces it in four fifths of the time).
_DATE_LINE_SQL = "(?m)^[Dd][Aa][Tt][Ee]:[^\\r\\n]*"
# The protocols whose replies give only header fields (no whole reply is matched): an RE2
# pattern of the header lines read (header_lines(): a line, after its leading white space by
# Python's str.strip() in ASCII, that names the header before its first colon; the text is
# ASCII, so (?i) folds nothing else).
_ASCII_BLANKS = "\\t\\x0b\\x0c\\r\\x1c-\\x1f "
_READ_LINES = {
    protocol: f"(?m)^[{_ASCII_BLANKS}]*(?i:{'|'.join(bj._HEADER_FIELDS[protocol])})[{_ASCII_BLANKS}]*:[^\\n]*"
    for protocol in ("sip", "upnp")
}


_HEADED = "('banner:http', 'banner:rtsp', 'banner:sip', 'banner:upnp')"  # the kinds read up to a blank line


def derivation_texts_sql(relation: str) -> str:
    """`relation` (with columns kind and raw) with the column text: the part of each piece's
    raw text that its derivation reads (_derivation_text_sql()). The header block of a response
    is cut once per piece, in a projection of its own: DuckDB computes a subexpression as often
    as it is written."""
    crlf2, lf2 = "chr(13) || chr(10) || chr(13) || chr(10)", "chr(10) || chr(10)"
    head = f"""CASE WHEN kind NOT IN {_HEADED} THEN NULL
            WHEN instr(raw, {crlf2}) > 0 THEN left(raw, instr(raw, {crlf2}) + 3)
            WHEN instr(raw, {lf2}) > 0 THEN left(raw, instr(raw, {lf2}) + 1)
            ELSE raw END"""
    return f"SELECT * EXCLUDE (head), {_derivation_text_sql()} AS text FROM (SELECT *, {head} AS head FROM {relation})"


@functools.cache
def _derivation_text_sql() -> str:
    """The part of a piece's raw text that its derivation reads, as SQL over (kind, raw, head:
    the response up to its first blank line, derivation_texts_sql()): pieces with the same
    part are matched alike, so the matcher takes one of them for all.
    - A raw SSH banner: its first line, when that holds more than white space (emit_banner
      keeps the first line of the stripped text, stripped; Shodan's SSH records go on with
      the host's key, which makes each one distinct).
    - An HTTP, RTSP, SIP or UPnP response in ASCII is read up to its first blank line
      (header_block() and header_lines() read no further). Of a SIP or UPnP reply, whose
      header fields alone are derived, only the lines of those fields (Server, User-Agent):
      a scan's replies differ in the Call-ID, branch and tag the scanner sent, the device's
      USN and LOCATION (not when it has more lines than header_lines() reads: a block shorter
      than that many bytes has fewer lines, and its lines are not counted). Of an HTTP or
      RTSP response, the blank line kept, each Date line's value removed as
      identify.components.without_date_values() removes it: the matcher reads a header block
      or reply without its Date values (not in a piece longer than MAX_TEXT, whose block the
      derivation cuts before they are removed).
    - Any other piece as it is.
    tests/census/test_derive_text.py holds the matcher's reading of both alike. The
    white-space set is Python's own, listed once per process on first use (going over every
    code point takes 45 ms: not at import)."""
    newlines = "strlen(head) - strlen(replace(head, chr(10), ''))"
    read_lines = "\n".join(
        f"""WHEN kind = 'banner:{protocol}' THEN CASE WHEN strlen(head) < {bj.MAX_ITEMS} OR {newlines} < {bj.MAX_ITEMS}
                THEN array_to_string(regexp_extract_all(head, '{pattern}'), chr(10)) ELSE head END"""
        for protocol, pattern in _READ_LINES.items()
    )
    return f"""CASE
    WHEN kind = 'banner:ssh' AND regexp_matches(split_part(raw, chr(10), 1), '[^{_python_whitespace_class()}]')
        THEN split_part(raw, chr(10), 1)
    WHEN kind IN {_HEADED} AND strlen(raw) = length(raw) THEN
        CASE {read_lines}
            WHEN strlen(raw) <= {MAX_TEXT} THEN regexp_replace(head, '{_DATE_LINE_SQL}', '{DATE_LINE}', 'g')
            ELSE head END
    ELSE raw END"""


_SUBJECT = Subject("0.0.0.0")
_PLACE = "census"

Pairs = list[tuple[str, str]]


class _PairEmitter:
    """Stands in for the readers' Emitter (sources.logs.Emitter) in a derivation: the readers'
    functions call `make` alike, but a piece needs only its (field, text) pairs, not
    Observation objects with provenance, so this collects the pairs themselves, cut to
    MAX_TEXT and each once per piece (the Emitter's rule for one subject and port)."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def make(
        self,
        out: list,
        subject: Subject,
        field: str,
        text: str | None,
        place: str,
        port: str | None = None,
        provenance: object = None,
    ) -> None:
        if not text:
            return
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
        pair = (field, text)
        if pair in self.seen:
            return
        self.seen.add(pair)
        out.append(pair)


class Deriver:
    """Turns pieces into (field, text) pairs; keeps one reader context for all of them."""

    def __init__(self) -> None:
        self._ctx = bj._Context("census", ReadStats(), SourceOptions())
        self._ctx.emit = _PairEmitter()  # type: ignore[assignment]
        self._ops: dict[str, Callable[[str, str], Pairs]] = {
            "strip": self._strip,
            "banner": self._banner,
            "dn": self._dn,
            "html": self._html,
            "masscan": self._masscan,
            "censys.headers": self._censys_headers,
            "zgrab2.http": self._zgrab2_http,
            "list": self._list,
            "nmap.service": self._nmap_service,
            "nmap.clean": self._nmap_clean,
            "nmap.script": self._nmap_script,
            "nmap.servicefp": self._nmap_servicefp,
        }

    def derive(self, kind: str, raw: str) -> Pairs:
        """The (field, text) pairs of one piece; [] for an empty one or an unknown kind."""
        if not raw:
            return []
        op, sep, argument = kind.partition(":")
        if not sep and op not in self._ops:
            return [(kind, raw if len(raw) <= MAX_TEXT else raw[:MAX_TEXT])]
        handler = self._ops.get(op)
        if handler is None:
            return []
        try:
            return handler(argument, raw)
        except (ValueError, TypeError, orjson.JSONDecodeError, RecursionError):
            return []  # a hostile piece gives nothing rather than stopping the census

    # ------------------------------------------------------------------ helpers

    def _collect(self, emit: Callable[[list], object]) -> Pairs:
        """The pairs `emit` makes through the reader context (see _PairEmitter)."""
        out: Pairs = []
        self._ctx.emit.seen.clear()
        emit(out)
        return out

    def _make(self, out: list, field: str, text: str | None) -> None:
        self._ctx.emit.make(out, _SUBJECT, field, text, _PLACE, None)

    # ------------------------------------------------------------------ operations

    def _strip(self, field: str, raw: str) -> Pairs:
        text = raw.strip()
        return [(field, text[:MAX_TEXT])] if text else []

    def _list(self, field: str, raw: str) -> Pairs:
        """A JSON array of texts (host names, CPEs): each item as sources.logs.text_of reads it."""
        items = orjson.loads(raw)
        if not isinstance(items, list):
            return []
        out: Pairs = []
        for item in items[: bj.MAX_ITEMS]:
            text = bj.text_of(item)
            if text:
                out.append((field, text))
        return out

    def _banner(self, protocol: str, raw: str) -> Pairs:
        return self._collect(
            lambda out: bj.emit_banner(self._ctx, out, _SUBJECT, protocol, raw, _PLACE, None)
        )

    def _dn(self, field: str, raw: str) -> Pairs:
        name = bj._dn_of(orjson.loads(raw))
        return [(field, name[:MAX_TEXT])] if name else []

    def _html(self, _argument: str, raw: str) -> Pairs:
        def emit(out: list) -> None:
            self._make(out, "http.body", raw)
            self._make(out, "http.title", bj.html_title(raw))

        return self._collect(emit)

    def _masscan(self, name: str, raw: str) -> Pairs:
        """banners_jsonl._masscan's handling of one service banner."""
        text = byte_text(raw)

        def emit(out: list) -> None:
            if name == "http.server":
                self._make(out, "http.server", text.strip())
            elif name == "title":
                self._make(out, "http.title", text.strip())
            elif name == "html":
                self._make(out, "http.body", text)
                self._make(out, "http.title", bj.html_title(text))
            elif name == "X509":
                bj._emit_der(self._ctx, out, _SUBJECT, raw, _PLACE, None)
            else:
                bj.emit_banner(self._ctx, out, _SUBJECT, bj.service_kind(name), text, _PLACE, None)

        return self._collect(emit)

    def _censys_headers(self, _argument: str, raw: str) -> Pairs:
        headers = orjson.loads(raw)
        return self._collect(
            lambda out: bj._censys_http(self._ctx, out, _SUBJECT, {"headers": headers}, _PLACE, None)
        )

    def _zgrab2_http(self, _argument: str, raw: str) -> Pairs:
        """The header block and header fields of a zgrab2 http response (as banners_jsonl._zgrab2)."""
        value = orjson.loads(raw)
        if not isinstance(value, list) or len(value) != 3:
            return []
        status, version, header_map = value
        status = bj.text_of(status)
        version = bj.text_of(version)
        headers = bj._http_header_lines(header_map)
        if status and version and not status.startswith(version):
            status = f"{version} {status}"
        block = "\r\n".join([*([status] if status else []), *(f"{k}: {v}" for k, v in headers)])

        def emit(out: list) -> None:
            self._make(out, "http.headers", block)
            for name, text in headers:
                target = bj._HEADER_FIELDS["http"].get(name.lower())
                if target:
                    self._make(out, target, text.strip())

        return self._collect(emit)

    # ------------------------------------------------------------------ nmap (IVRE records)

    def _nmap_service(self, _argument: str, raw: str) -> Pairs:
        """nmap_xml._read_service's product text, device type and host name of a port."""
        value = orjson.loads(raw)
        if not isinstance(value, list) or len(value) != 5:
            return []
        product, version, extra, devicetype, hostname = (
            nmap_xml._clean(v if isinstance(v, str) else None) for v in value
        )
        if version:
            product = f"{product} {version}" if product else version
        if extra:
            product = f"{product} ({extra})" if product else f"({extra})"
        out = [("nmap.service", product), ("nmap.devicetype", devicetype), ("hostname", hostname)]
        return [(f, t[:MAX_TEXT]) for f, t in out if t]

    def _nmap_clean(self, field: str, raw: str) -> Pairs:
        text = nmap_xml._clean(raw)
        return [(field, text[:MAX_TEXT])] if text else []

    def _nmap_script(self, argument: str, raw: str) -> Pairs:
        service, _, script_id = argument.partition("|")
        emitter = nmap_xml._Emitter(_SUBJECT, "census")
        element = ElementTree.Element("script", id=script_id, output=raw)
        nmap_xml._read_script(emitter, element, nmap_xml._Port(None, service, _PLACE), ReadStats())
        return [(obs.field, obs.text) for obs in emitter.out]

    def _nmap_servicefp(self, service: str, raw: str) -> Pairs:
        emitter = nmap_xml._Emitter(_SUBJECT, "census")
        nmap_xml._read_servicefp(emitter, raw, nmap_xml._Port(None, service, _PLACE), ReadStats())
        return [(obs.field, obs.text) for obs in emitter.out]
