"""Banner exports of internet and internal scanners, one JSON record per line, to observations.

Four producers, each with its own reader (the format names of registry.READERS):

- masscan: `-oJ` (a JSON array, one record per line: {"ip", "timestamp", "ports": [{"port",
  "proto", "status"...} or {"port", "proto", "service": {"name", "banner"}}]}, records separated
  by "," lines) and `-oD` (ND-JSON: {"ip", "port", "proto", "rec_type": "status"|"banner",
  "data": {"service_name", "banner"}}). Format: masscan src/out-json.c and src/out-ndjson.c.
  masscan escapes every non-printable byte of a banner as \\u00XX, so banners are turned back
  into the bytes the device sent. Service names (masscan-app.c): ssh, ftp, telnet, http (the
  header block), http.server, title, html, X509 (the server's certificate, base64 DER: subject
  and issuer are read from it).
- zgrab2: {"ip", "domain", "data": {<scan name>: {"status", "protocol", "result", ...}}}.
  Results (zgrab2 schemas/): http (response.status_line, headers with lower_case names and
  "unknown" [{key, value}], body; the TLS handshake of https under response.request.tls_log),
  ssh (server_id.raw), tls (handshake_log.server_certificates.certificate.parsed.subject_dn /
  issuer_dn), ftp and telnet (banner). The port comes from the record when zgrab2 wrote it, or
  from the URL an http scan fetched.
- Shodan banners (`shodan download`, one banner per line): {"ip_str", "port", "transport",
  "data" (the raw banner), "_shodan": {"module"}, "http": {"server", "title", "html"},
  "ssl": {"cert": {"subject", "issuer"}}, "hostnames", "cpe", "cpe23"}. Format: the Shodan
  banner specification (datapedia.shodan.io).
- Censys host records (Search 2.0 host view, or a BigQuery/bulk export; an API answer's
  {"result": {...}} wrapper is taken off): {"ip", "services": [{"port", "transport_protocol",
  "service_name", "banner", "http": {"response": {"headers", "html_title", "body"}},
  "tls": {"certificates": {"leaf_data": {"subject_dn", "issuer_dn"}}}, "ssh": {"endpoint_id":
  {"raw"}}, "software": [{"uniform_resource_identifier"}]}], "dns": {"reverse_dns": {"names"}}}.
  Records of the Censys Platform ({"host": {"resource": ...}}, services with "protocol",
  "endpoints" and "cert") are read the same way where the names agree.

Raw banners go to the field of their service: ssh -> ssh.banner, ftp -> ftp.banner, telnet ->
telnet.banner, http -> http.headers (and http.server, http.www_authenticate, http.cookie from
it), rtsp -> rtsp.response (and rtsp.server), sip -> sip.server / sip.user_agent, upnp/ssdp ->
upnp.server. An open port becomes a "port" observation ("443/tcp https"), CPEs "cpe".
Scanner product guesses, organisations and countries are not device facts and are not read.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from custodiet.model import Observation, Subject
from custodiet.model.observation import MAX_TEXT
from custodiet.sources.base import ReadStats, SourceOptions, check_something_read
from custodiet.sources.logs import Emitter, Skips, byte_text, lines, open_binary, port_text, text_of
from custodiet.sources.nmap_xml import render_dn
from custodiet.sources.text import normalise_ip

# Services, ports and list items read per record: a hostile record must not take unbounded time.
MAX_ITEMS = 256

# Response header (lower case) -> field, per protocol whose banner is a header block.
_HEADER_FIELDS: dict[str, dict[str, str]] = {
    "http": {
        "server": "http.server",
        "www-authenticate": "http.www_authenticate",
        "set-cookie": "http.cookie",
    },
    "rtsp": {"server": "rtsp.server"},
    "sip": {"server": "sip.server", "user-agent": "sip.user_agent"},
    "upnp": {"server": "upnp.server"},
}

# A scanner's service or module name -> the protocol whose field its banner goes to.
_KINDS = {
    "ssh": "ssh",
    "ssh1": "ssh",
    "ssh2": "ssh",
    "ftp": "ftp",
    "ftps": "ftp",
    "telnet": "telnet",
    "http": "http",
    "https": "http",
    "http-proxy": "http",
    "rtsp": "rtsp",
    "sip": "sip",
    "upnp": "upnp",
    "ssdp": "upnp",
}


def service_kind(name: str | None) -> str | None:
    """ "https-simple-new", "rtsp-tcp", "HTTP", "ssh2" -> the protocol kind, if one we read."""
    if not name:
        return None
    lower = name.lower()
    for suffix in ("-simple-new", "-simple", "-tcp", "-udp", "-tls"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
    return _KINDS.get(lower)


# --------------------------------------------------------------------------- shared plumbing


class _Context:
    """What a record handler needs: where to count, how to emit."""

    __slots__ = ("emit", "label", "skips", "stats")

    def __init__(self, label: str, stats: ReadStats, options: SourceOptions) -> None:
        self.label = label
        self.stats = stats
        self.skips = Skips(stats, label, options)
        self.emit = Emitter(label, stats)


Handler = Callable[[dict, int, _Context], list[Observation]]


def _read(
    path: Path,
    label: str,
    stats: ReadStats,
    options: SourceOptions,
    handler: Handler,
    array_lines: bool = False,
    what: str = "JSON lines",
) -> Iterator[Observation]:
    ctx = _Context(label, stats, options)
    loads = orjson.loads
    with open_binary(path, label) as handle:
        for number, line in lines(handle, ctx.skips):
            text = line.strip()
            if array_lines:  # masscan -oJ: "[", "]", and "," before or after records
                text = text.strip(b",").strip()
                if text in (b"[", b"]", b""):
                    continue
            if not text:
                continue
            try:
                record = loads(text)
            except orjson.JSONDecodeError as exc:
                ctx.skips.bad("malformed JSON", number, str(exc)[:80])
                continue
            if not isinstance(record, dict):
                ctx.skips.bad("not a JSON object", number)
                continue
            out = handler(record, number, ctx)
            if out:
                yield from out
    check_something_read(stats, label, what)


def _address(value: object, number: int, ctx: _Context) -> str | None:
    address = normalise_ip(value) if isinstance(value, str) else None
    if address is None:
        ctx.skips.bad("bad address", number, repr(value)[:60])
    return address


def _head(block: str) -> str:
    """A response up to the blank line that ends its headers (status line included)."""
    end = block.find("\r\n\r\n")
    if end < 0:
        end = block.find("\n\n")
    return block if end < 0 else block[:end]


def _head_lines(block: str) -> list[str]:
    """The first MAX_ITEMS lines of _head()."""
    return _head(block).replace("\r\n", "\n").split("\n", MAX_ITEMS)[:MAX_ITEMS]


def header_lines(block: str) -> list[str]:
    """The header lines of a protocol response (status line and body left out): a line whose
    text before its first colon is a name (not empty, no space inside, no slash)."""
    out = []
    for line in _head_lines(block):
        colon = line.find(":")
        if colon > 0 and " " not in line[:colon].strip() and "/" not in line[:colon]:
            out.append(line)
    return out


def header_block(block: str) -> str:
    """A response up to the blank line that ends its headers (status line included), stripped."""
    return _head(block).strip()


def _emit_headers(
    ctx: _Context, out: list, subject: Subject, kind: str, block: str, place: str, port: str | None
) -> None:
    """The fields of the header lines (header_lines()) whose names the protocol reads. A name
    found in _HEADER_FIELDS passes header_lines()' test by itself (no space, no slash, not
    empty), so each line is only split at its first colon and looked up: this runs once per
    distinct banner of a census, and most lines name nothing read."""
    fields = _HEADER_FIELDS.get(kind)
    if not fields:
        return
    make = ctx.emit.make
    for line in _head_lines(block):
        name, colon, value = line.partition(":")
        target = fields.get(name.strip().lower()) if colon else None
        if target:
            make(out, subject, target, value.strip(), place, port)


def emit_banner(
    ctx: _Context,
    out: list,
    subject: Subject,
    kind: str | None,
    text: str | None,
    place: str,
    port: str | None,
) -> bool:
    """A raw banner into the field of its protocol; False when the protocol has none."""
    if not text or kind is None:
        return False
    make = ctx.emit.make
    if kind == "ssh":
        first = text.strip().split("\n", 1)[0].strip()
        make(out, subject, "ssh.banner", first, place, port)
    elif kind in ("ftp", "telnet"):
        make(out, subject, f"{kind}.banner", text.strip(), place, port)
    elif kind == "http":
        make(out, subject, "http.headers", header_block(text), place, port)
        _emit_headers(ctx, out, subject, "http", text, place, port)
    elif kind == "rtsp":
        make(out, subject, "rtsp.response", header_block(text), place, port)
        _emit_headers(ctx, out, subject, "rtsp", text, place, port)
    elif kind in ("sip", "upnp"):
        _emit_headers(ctx, out, subject, kind, text, place, port)
    else:
        return False
    return True


def html_title(body: str) -> str | None:
    """The text of the first <title> element, found with plain string search."""
    lower = body[:MAX_TEXT].lower()
    start = lower.find("<title")
    if start < 0:
        return None
    start = lower.find(">", start)
    end = lower.find("</title", start)
    if start < 0 or end < 0:
        return None
    return body[start + 1 : end].strip() or None


def _items(value: object) -> list:
    return value[:MAX_ITEMS] if isinstance(value, list) else []


def _dig(value: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# --------------------------------------------------------------------------- X.509 names

_OID_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
}


def _tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int] | None:
    """(tag, content start, content end) of the DER element at pos, or None if malformed."""
    if pos + 2 > end:
        return None
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > end:
            return None
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        return None
    return tag, pos, pos + length


def _oid(data: bytes) -> str:
    if not data:
        return ""
    first = data[0]
    parts = [str(min(first // 40, 2)), str(first - 40 * min(first // 40, 2))]
    value = 0
    for byte in data[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(str(value))
            value = 0
    return ".".join(parts)


def _der_string(tag: int, data: bytes) -> str:
    if tag == 0x1E:  # BMPString
        return data.decode("utf-16-be", "replace")
    if tag == 0x1C:  # UniversalString
        return data.decode("utf-32-be", "replace")
    if tag == 0x14:  # T61String: in practice Latin-1
        return data.decode("latin-1")
    return data.decode("utf-8", "backslashreplace")


def _der_name(data: bytes, start: int, end: int) -> str | None:
    pairs: list[tuple[str, str]] = []
    pos = start
    while pos < end and len(pairs) < 64:
        rdn = _tlv(data, pos, end)  # SET
        if rdn is None:
            return None
        inner = rdn[1]
        while inner < rdn[2]:
            atv = _tlv(data, inner, rdn[2])  # SEQUENCE { type, value }
            if atv is None:
                return None
            oid = _tlv(data, atv[1], atv[2])
            if oid is None:
                return None
            value = _tlv(data, oid[2], atv[2])
            if value is None:
                return None
            name = _oid(data[oid[1] : oid[2]])
            pairs.append((_OID_NAMES.get(name, name), _der_string(value[0], data[value[1] : value[2]])))
            inner = atv[2]
        pos = rdn[2]
    return render_dn(pairs) or None


def certificate_names(der: bytes) -> tuple[str | None, str | None]:
    """(subject, issuer) of a DER X.509 certificate, RFC 4514 style; (None, None) if unreadable."""
    cert = _tlv(der, 0, len(der))
    if cert is None or cert[0] != 0x30:
        return None, None
    tbs = _tlv(der, cert[1], cert[2])
    if tbs is None or tbs[0] != 0x30:
        return None, None
    children: list[tuple[int, int, int]] = []
    pos = tbs[1]
    while pos < tbs[2] and len(children) < 7:
        child = _tlv(der, pos, tbs[2])
        if child is None:
            return None, None
        children.append(child)
        pos = child[2]
    if children and children[0][0] == 0xA0:  # explicit version
        children = children[1:]
    # serial, signature algorithm, issuer, validity, subject
    if len(children) < 5 or children[2][0] != 0x30 or children[4][0] != 0x30:
        return None, None
    issuer = _der_name(der, children[2][1], children[2][2])
    subject = _der_name(der, children[4][1], children[4][2])
    return subject, issuer


def _emit_der(ctx: _Context, out: list, subject: Subject, text: str, place: str, port: str | None) -> bool:
    try:
        der = base64.b64decode(text.strip(), validate=False)
    except (binascii.Error, ValueError):
        return False
    cert_subject, cert_issuer = certificate_names(der[: 1 << 20])
    ctx.emit.make(out, subject, "tls.subject", cert_subject, place, port)
    ctx.emit.make(out, subject, "tls.issuer", cert_issuer, place, port)
    return bool(cert_subject or cert_issuer)


# --------------------------------------------------------------------------- masscan

# masscan service names whose banner goes to a field of its own (not through a protocol).
_MASSCAN_PORT_NAMES = {"http.server": "http", "title": "http", "html": "http", "X509": "ssl", "X509CA": "ssl"}


def read_masscan(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from masscan -oJ or -oD output (see the module docstring)."""
    return _read(path, label, stats, options, _masscan, array_lines=True, what="masscan JSON")


def _masscan(record: dict, number: int, ctx: _Context) -> list[Observation]:
    address = _address(record.get("ip"), number, ctx)
    if address is None:
        return []
    ctx.stats.records += 1
    subject = Subject(address)
    place = f"line {number}"
    out: list[Observation] = []
    if "ports" in record:
        entries = [p for p in _items(record.get("ports")) if isinstance(p, dict)]
    else:  # -oD: the port fields are at the top, the payload under "data"
        data = record.get("data") if isinstance(record.get("data"), dict) else {}
        entry = {"port": record.get("port"), "proto": record.get("proto")}
        if record.get("rec_type") == "banner":
            entry["service"] = {"name": data.get("service_name"), "banner": data.get("banner")}  # type: ignore[union-attr]
        else:
            entry["status"] = data.get("status")  # type: ignore[union-attr]
        entries = [entry]
    for entry in entries:
        port = port_text(entry.get("port"), entry.get("proto"))
        if port is None:
            ctx.skips.bad("bad port", number, repr(entry.get("port"))[:40])
            continue
        service = entry.get("service")
        if not isinstance(service, dict):
            if entry.get("status") in ("open", None):
                ctx.emit.make(out, subject, "port", port, place, port)
            continue
        name = text_of(service.get("name")) or ""
        banner = text_of(service.get("banner"))
        ctx.emit.make(
            out, subject, "port", f"{port} {_MASSCAN_PORT_NAMES.get(name, name)}".strip(), place, port
        )
        if not banner:
            continue
        text = byte_text(banner)
        if name == "http.server":
            ctx.emit.make(out, subject, "http.server", text.strip(), place, port)
        elif name == "title":
            ctx.emit.make(out, subject, "http.title", text.strip(), place, port)
        elif name == "html":
            ctx.emit.make(out, subject, "http.body", text, place, port)
            ctx.emit.make(out, subject, "http.title", html_title(text), place, port)
        elif name == "X509":
            if not _emit_der(ctx, out, subject, banner, place, port):
                ctx.skips.note("masscan X509 banner not readable")
        elif not emit_banner(ctx, out, subject, service_kind(name), text, place, port):
            ctx.skips.note("masscan banner of a service not read")
    return out


# --------------------------------------------------------------------------- zgrab2


def read_zgrab2(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from zgrab2 output (see the module docstring)."""
    return _read(path, label, stats, options, _zgrab2, what="zgrab2 JSON")


def _http_header_lines(headers: object) -> list[tuple[str, str]]:
    """zgrab2's header map ({"server": ["x"], "unknown": [{"key", "value"}]}) as (Name, value)."""
    out: list[tuple[str, str]] = []
    if not isinstance(headers, dict):
        return out
    for key, values in list(headers.items())[:MAX_ITEMS]:
        if key == "unknown":
            for item in _items(values):
                if isinstance(item, dict):
                    name = text_of(item.get("key"))
                    for value in _items(item.get("value")):
                        if name and isinstance(value, str):
                            out.append((name, value))
            continue
        name = "-".join(part.capitalize() for part in str(key).split("_"))
        for value in _items(values) if isinstance(values, list) else [values]:
            if isinstance(value, str):
                out.append((name, value))
    return out


def _zgrab_certs(
    ctx: _Context, out: list, subject: Subject, tls_log: object, place: str, port: str | None
) -> None:
    parsed = _dig(tls_log, "handshake_log", "server_certificates", "certificate", "parsed")
    if not isinstance(parsed, dict):
        return
    ctx.emit.make(out, subject, "tls.subject", text_of(parsed.get("subject_dn")), place, port)
    ctx.emit.make(out, subject, "tls.issuer", text_of(parsed.get("issuer_dn")), place, port)


def _url_port(url: object) -> str | None:
    if not isinstance(url, dict):
        return None
    scheme = text_of(url.get("scheme")) or ""
    host = text_of(url.get("host")) or ""
    if host.rsplit(":", 1)[-1].isdigit() and not host.endswith("]"):
        return port_text(host.rsplit(":", 1)[-1], "tcp")
    return {"http": "80/tcp", "https": "443/tcp"}.get(scheme.lower())


def _zgrab2(record: dict, number: int, ctx: _Context) -> list[Observation]:
    data = record.get("data")
    if not isinstance(data, dict):
        ctx.skips.bad("zgrab2 record without 'data'", number)
        return []
    address = _address(record.get("ip"), number, ctx)
    if address is None:
        return []
    ctx.stats.records += 1
    subject = Subject(address)
    out: list[Observation] = []
    for scan, response in list(data.items())[:MAX_ITEMS]:
        if not isinstance(response, dict):
            continue
        result = response.get("result")
        if not isinstance(result, dict):
            ctx.skips.note("zgrab2 scan without result")
            continue
        protocol = (text_of(response.get("protocol")) or str(scan)).lower()
        port = port_text(response.get("port"), "tcp") or port_text(result.get("port"), "tcp")
        place = f"line {number} {str(scan)[:64]}"
        if protocol == "http":
            http = result.get("response")
            if not isinstance(http, dict):
                ctx.skips.note("zgrab2 http scan without response")
                continue
            request = http.get("request") if isinstance(http.get("request"), dict) else {}
            port = port or _url_port(request.get("url"))  # type: ignore[union-attr]
            headers = _http_header_lines(http.get("headers"))
            status = text_of(http.get("status_line"))
            version = text_of(_dig(http, "protocol", "name"))
            if status and version and not status.startswith(version):
                status = f"{version} {status}"  # zgrab2 keeps "200 OK" apart from "HTTP/1.1"
            block = "\r\n".join([*([status] if status else []), *(f"{k}: {v}" for k, v in headers)])
            ctx.emit.make(out, subject, "http.headers", block, place, port)
            for name, value in headers:
                target = _HEADER_FIELDS["http"].get(name.lower())
                if target:
                    ctx.emit.make(out, subject, target, value.strip(), place, port)
            body = text_of(http.get("body"))
            if body:
                ctx.emit.make(out, subject, "http.body", body, place, port)
                ctx.emit.make(out, subject, "http.title", html_title(body), place, port)
            _zgrab_certs(ctx, out, subject, request.get("tls_log"), place, port)  # type: ignore[union-attr]
        elif protocol == "ssh":
            raw = text_of(_dig(result, "server_id", "raw"))
            ctx.emit.make(out, subject, "ssh.banner", raw.strip() if raw else None, place, port)
        elif protocol == "tls":
            _zgrab_certs(ctx, out, subject, result, place, port)
        elif protocol in ("ftp", "telnet"):
            ctx.emit.make(
                out, subject, f"{protocol}.banner", (text_of(result.get("banner")) or "").strip(), place, port
            )
            _zgrab_certs(ctx, out, subject, result.get("tls"), place, port)
        elif protocol == "banner" and (text_of(result.get("banner")) or "").startswith("SSH-"):
            emit_banner(ctx, out, subject, "ssh", text_of(result.get("banner")), place, port)
        else:
            ctx.skips.note("zgrab2 scan of a protocol not read")
    return out


# --------------------------------------------------------------------------- Shodan


def read_shodan(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from Shodan banners, one per line (see the module docstring)."""
    return _read(path, label, stats, options, _shodan, what="Shodan JSON")


def _dn_of(value: object) -> str | None:
    """Shodan's name object ({"CN": "x", "O": "y"}) as an RFC 4514 string."""
    if isinstance(value, str):
        return value or None
    if not isinstance(value, dict):
        return None
    pairs = []
    for key, item in list(value.items())[:64]:
        for text in item if isinstance(item, list) else [item]:
            if isinstance(text, str):
                pairs.append((str(key), text))
    return render_dn(pairs) or None


def _shodan(record: dict, number: int, ctx: _Context) -> list[Observation]:
    address = _address(record.get("ip_str"), number, ctx)
    if address is None:
        return []
    ctx.stats.records += 1
    subject = Subject(address)
    port = port_text(record.get("port"), record.get("transport") or "tcp")
    module = (text_of(_dig(record, "_shodan", "module")) or "")[:64]
    place = f"line {number}"
    out: list[Observation] = []
    make = ctx.emit.make
    if port:
        make(out, subject, "port", f"{port} {module}".strip(), place, port)
    kind = service_kind(module)
    http = record.get("http")
    if isinstance(http, dict):
        kind = kind or "http"
        make(out, subject, "http.server", text_of(http.get("server")), place, port)
        make(out, subject, "http.title", text_of(http.get("title")), place, port)
        make(out, subject, "http.body", text_of(http.get("html")), place, port)
    data = text_of(record.get("data"))
    if data and not emit_banner(ctx, out, subject, kind, data, place, port):
        ctx.skips.note("Shodan banner of a module not read")
    cert = _dig(record, "ssl", "cert")
    if isinstance(cert, dict):
        make(out, subject, "tls.subject", _dn_of(cert.get("subject")), place, port)
        make(out, subject, "tls.issuer", _dn_of(cert.get("issuer")), place, port)
    snmp = record.get("snmp")
    if isinstance(snmp, dict):
        make(out, subject, "snmp.sysdescr", text_of(snmp.get("description")), place, port)
    for name in _items(record.get("hostnames")):
        make(out, subject, "hostname", text_of(name), place)
    for key in ("cpe23", "cpe"):
        for cpe in _items(record.get(key)):
            make(out, subject, "cpe", text_of(cpe), place, port)
    return out


# --------------------------------------------------------------------------- Censys


def read_censys(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from Censys host records, one per line (see the module docstring)."""
    return _read(path, label, stats, options, _censys, what="Censys JSON")


def unwrap_censys(record: dict) -> dict:
    """The host record inside an API answer ({"result": ...}) or a Platform record ({"host":
    {"resource": ...}})."""
    for _ in range(3):
        for key in ("result", "host", "resource"):
            inner = record.get(key)
            if isinstance(inner, dict) and ("services" in inner or "ip" in inner or key != "result"):
                record = inner
                break
        else:
            break
    return record


def _censys(record: dict, number: int, ctx: _Context) -> list[Observation]:
    host = unwrap_censys(record)
    address = _address(host.get("ip"), number, ctx)
    if address is None:
        return []
    ctx.stats.records += 1
    subject = Subject(address)
    out: list[Observation] = []
    make = ctx.emit.make
    for index, service in enumerate(_items(host.get("services"))):
        if not isinstance(service, dict):
            continue
        place = f"line {number} service {index + 1}"
        transport = text_of(service.get("transport_protocol")) or "tcp"
        port = port_text(service.get("port"), transport)
        name = (text_of(service.get("service_name")) or text_of(service.get("protocol")) or "")[:64]
        if port:
            make(out, subject, "port", f"{port} {name.lower()}".strip(), place, port)
        kind = service_kind(name)
        banner = text_of(service.get("banner"))
        if banner and not emit_banner(ctx, out, subject, kind, banner, place, port):
            ctx.skips.note("Censys banner of a service not read")
        responses = [_dig(service, "http", "response")]
        responses += [_dig(e, "http") for e in _items(service.get("endpoints"))]
        for response in responses:
            if isinstance(response, dict):
                _censys_http(ctx, out, subject, response, place, port)
        make(out, subject, "ssh.banner", text_of(_dig(service, "ssh", "endpoint_id", "raw")), place, port)
        for leaf in (
            _dig(service, "tls", "certificates", "leaf_data"),
            _dig(service, "cert", "parsed"),
        ):
            if isinstance(leaf, dict):
                make(out, subject, "tls.subject", text_of(leaf.get("subject_dn")), place, port)
                make(out, subject, "tls.issuer", text_of(leaf.get("issuer_dn")), place, port)
        system = _dig(service, "snmp", "oid_system")
        if isinstance(system, dict):
            make(out, subject, "snmp.sysdescr", text_of(system.get("desc")), place, port)
            make(out, subject, "snmp.sysobjectid", text_of(system.get("object_id")), place, port)
        for software in _items(service.get("software")):
            if isinstance(software, dict):
                cpe = text_of(software.get("uniform_resource_identifier")) or text_of(software.get("cpe"))
                make(out, subject, "cpe", cpe, place, port)
    for name in _items(_dig(host, "dns", "reverse_dns", "names")):
        make(out, subject, "hostname", text_of(name), f"line {number}")
    return out


def _censys_http(
    ctx: _Context, out: list, subject: Subject, response: dict, place: str, port: str | None
) -> None:
    make = ctx.emit.make
    headers = response.get("headers")
    if isinstance(headers, dict):
        for key, values in list(headers.items())[:MAX_ITEMS]:
            target = _HEADER_FIELDS["http"].get(str(key).replace("_", "-").lower())
            if not target:
                continue
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, str):
                    make(out, subject, target, value.strip(), place, port)
    make(out, subject, "http.title", text_of(response.get("html_title")), place, port)
    make(out, subject, "http.body", text_of(response.get("body")), place, port)
