"""nmap XML (`nmap -oX`) to observations.

What nmap saw of each host becomes observations: its MAC and nmap's vendor for it, hostnames,
OS guesses, open ports with nmap's service guess, the identity-bearing script outputs (HTTP
headers and titles, TLS subjects, banners, UPnP, SNMP, WS-Discovery) and, most important for
unknown devices, the raw probe replies that nmap keeps in `servicefp` when it could not name a
service.

Streaming and safety. The file is parsed incrementally and each <host> is dropped from the tree
once read, so memory stays flat whatever the number of hosts. XML is untrusted: entity
declarations (billion laughs, external entities) can only appear in the prolog, before the root
element, so defusedxml's parser (entities and external references forbidden, nmap's own
`<!DOCTYPE nmaprun>` allowed) checks every byte up to the root start tag, and refuses the file
if the prolog declares an entity. The body is then parsed by the C ElementTree parser, which
has nothing left to expand. (defusedxml's own parser is the pure-Python one: parsing alone ran
at 7,700 hosts/s against 14,000 for the C parser on 2.5 KB hosts, and the whole reader now runs
at about the speed of that parse alone.) Both parsers see the same bytes, the guard first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from custodiet.errors import InputError
from custodiet.markup import title_bytes
from custodiet.model import Observation, Provenance, Subject
from custodiet.model.observation import MAX_TEXT
from custodiet.sources import xml_encoding
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.paths import open_input
from custodiet.sources.text import decode, hex_unescape, normalise_ip, normalise_mac
from custodiet.sources.xml_feed import TokenFeeder, TokenRefused, lt_in_markup

# Children of <nmaprun>. At the end of one of them every element read so far is complete,
# so the tree can be emptied.
_TOP_LEVEL = frozenset(
    {
        "host",
        "hosthint",
        "prescript",
        "postscript",
        "scaninfo",
        "verbose",
        "debugging",
        "target",
        "taskbegin",
        "taskprogress",
        "taskend",
        "output",
        "runstats",
    }
)

# A single <host> (or junk between hosts) may not hold more elements than this: a real host
# with all 65,535 ports open has about 330,000. Beyond it the file is hostile or broken.
MAX_ELEMENTS_PER_HOST = 1_000_000

# Elements open at one time: nmap nests a dozen deep (script tables inside tables). Unclosed
# elements cost memory as closed ones do, and are not counted by the cap above.
MAX_OPEN_ELEMENTS = 10_000

_CHUNK = 1 << 16  # bytes read at a time

# Raw attribute text is cut before it is unescaped or parsed: decoding never needs more than
# 4 bytes per character of MAX_TEXT.
_RAW_LIMIT = 4 * MAX_TEXT

# Probe replies nmap keeps for unnamed services (servicefp): at most this many per port.
_MAX_FP_RESPONSES = 64


def read(path: Path, label: str, stats: ReadStats, options: SourceOptions) -> Iterator[Observation]:
    """Observations from one nmap XML file (see the module docstring)."""
    for host in read_hosts(path, label, stats, options):
        yield from host


def read_hosts(
    path: Path, label: str, stats: ReadStats, options: SourceOptions
) -> Iterator[list[Observation]]:
    """read(), a host at a time: the observations of each <host> in one list (all with one
    Subject), and those of each pre- or post-scan script block in another. For callers that
    handle a host as a whole (the audit pipeline); the observations are those of read()."""
    with open_input(path, label) as handle:
        yield from _hosts(handle, label, stats)


def read_stream(handle: BinaryIO, label: str, stats: ReadStats) -> Iterator[Observation]:
    """Observations from an open binary stream of nmap XML."""
    for host in _hosts(handle, label, stats):
        yield from host


def _hosts(handle: BinaryIO, label: str, stats: ReadStats) -> Iterator[list[Observation]]:
    """The observations of a stream of nmap XML, a host (or script block) at a time."""
    head = handle.read(_CHUNK)
    encoding = xml_encoding.choose(head)
    if encoding.refused is not None:
        raise InputError(f"{encoding.refused} (nmap writes UTF-8)", file=label, place="line 1")
    transcoder = xml_encoding.Transcoder(encoding.codec) if encoding.codec else None
    guard = _PrologGuard(label)
    builder = ElementTree.TreeBuilder()
    # The document root (<nmaprun>) becomes the child of this holder, so that hosts can be
    # detached from it without asking the parser for "start" events (20% slower).
    holder = builder.start("custodiet-holder", {})
    # The encoding is forced: bytes reach the parser as UTF-8 (transcoded if need be), and the
    # declaration never makes expat look a codec up.
    parser = ElementTree.XMLParser(target=builder, encoding="UTF-8")
    # The C parser appends ("end", element) here as it builds (what XMLPullParser and iterparse
    # read through two generators; a plain list is read at a fraction of the cost).
    ended: list[tuple[str, ElementTree.Element]] = []
    parser._setevents(ended, ("end",))  # type: ignore[attr-defined]
    feeder = TokenFeeder()
    root: ElementTree.Element | None = None
    pending = 0  # elements ended in the current host (or between hosts)
    opened = 0  # start tags fed, less elements ended: the elements open now
    data = head
    try:
        while True:
            if transcoder is not None:
                data = transcoder.feed(data, final=not data)
            segments = feeder.push(data) if data else feeder.finish()
            if not data:
                segments.append(b"")  # the parser's close
            for segment in segments:
                failure: ElementTree.ParseError | None = None
                try:
                    if segment:
                        guard.feed(segment)
                        parser.feed(segment)
                    else:
                        parser.close()
                except ElementTree.ParseError as exc:
                    failure = exc  # raised once the elements completed before it are read
                opened += _start_tags(segment) - len(ended)
                for _event, elem in ended:
                    if root is None:
                        root = _check_root(holder, label)
                    tag = elem.tag
                    if tag not in _TOP_LEVEL:
                        pending += 1
                        if pending > MAX_ELEMENTS_PER_HOST:
                            raise InputError(
                                f"more than {MAX_ELEMENTS_PER_HOST:,} elements in one host: refusing to buffer it",
                                file=label,
                                place=f"host {stats.records + 1}",
                            )
                        continue
                    if tag == "host":
                        host = _read_host(elem, label, stats)
                        if host:
                            yield host
                    elif tag in ("prescript", "postscript"):
                        broadcast = list(_read_broadcast(elem, label, stats))
                        if broadcast:
                            yield broadcast
                    del root[:]
                    pending = 0
                ended.clear()
                if opened > MAX_OPEN_ELEMENTS:
                    raise InputError(
                        f"more than {MAX_OPEN_ELEMENTS:,} elements open at once (unclosed nesting): "
                        "refusing to buffer them",
                        file=label,
                        place=f"line {feeder.lines + 1}",
                    )
                if feeder.cuts:
                    stats.skipped.update(feeder.cuts)
                    feeder.cuts.clear()
                if failure is not None:
                    raise failure
            if not data:
                break
            data = handle.read(_CHUNK)
    except xml_encoding.XmlEncodingError as exc:
        raise InputError(str(exc), file=label, place=f"line {feeder.lines + 1}") from None
    except TokenRefused as exc:
        raise InputError(
            f"refused: {exc.message} (nmap never writes one)", file=label, place=f"line {exc.line}"
        ) from None
    except ElementTree.ParseError as exc:
        line, column = exc.position
        reason = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise InputError(
            f"malformed XML: {reason}", file=label, place=f"line {line}, column {column + 1}"
        ) from None
    except DefusedXmlException as exc:
        raise InputError(
            f"refused: the XML declares entities ({exc}); nmap never does, and expanding them "
            "could exhaust memory or read local files",
            file=label,
            place=guard.place(),
        ) from None
    if root is None:
        raise InputError("no XML element found", file=label)


def _start_tags(segment: bytes) -> int:
    """Start tags in a segment: its "<" less end tags, declarations, comments and PIs, and less
    the "<" inside comments, PIs and CDATA (a segment never splits one of these: see
    TokenFeeder)."""
    if not segment:
        return 0
    tags = segment.count(b"<") - segment.count(b"</")
    markup = segment.count(b"<!") + segment.count(b"<?")
    return tags - markup - lt_in_markup(segment) if markup else tags


# --------------------------------------------------------------------------- parsing plumbing


class _GuardTarget:
    """Parse target of the prolog guard: notes when the root element starts."""

    def __init__(self) -> None:
        self.started = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.started = True

    def end(self, tag: str) -> None:
        """Nothing to build."""

    def data(self, text: str) -> None:
        """Nothing to build."""


class _PrologGuard:
    """defusedxml's parser over the prolog: refuses entity declarations and external entities."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.target = _GuardTarget()
        self.parser: DefusedXMLParser | None = DefusedXMLParser(
            target=self.target, encoding="UTF-8", forbid_dtd=False, forbid_entities=True, forbid_external=True
        )

    def feed(self, data: bytes) -> None:
        if self.parser is None or not data:
            return
        try:
            self.parser.feed(data)
        except ElementTree.ParseError:
            # Malformed XML: the main parser reports it with its position.
            self.parser = None
            return
        if self.target.started:
            self.parser = None  # the prolog is over: nothing can declare entities any more

    def place(self) -> str | None:
        if self.parser is None:
            return None
        expat_parser = self.parser.parser
        return f"line {expat_parser.CurrentLineNumber}, column {expat_parser.CurrentColumnNumber + 1}"


def _check_root(holder: ElementTree.Element, label: str) -> ElementTree.Element:
    if len(holder) == 0:
        raise InputError("no XML element found", file=label)
    root = holder[0]
    if root.tag != "nmaprun":
        raise InputError(f"not an nmap XML file: the root element is <{root.tag}>, not <nmaprun>", file=label)
    return root


# --------------------------------------------------------------------------- emitting


def _observation_maker() -> tuple[
    Callable[[Subject, str, str, Provenance, str | None], Observation], Callable[[str, str], Provenance]
]:
    """Observation(...) and Provenance(...) at a third of the cost: a host's observations are most
    of what this reader allocates, and a frozen dataclass sets each field through
    object.__setattr__. These set the same slots directly; should the classes ever have other
    fields, the classes themselves are used."""
    observation_fields = ("subject", "field", "text", "provenance", "port")
    if tuple(f.name for f in fields(Observation)) != observation_fields or tuple(
        f.name for f in fields(Provenance)
    ) != ("file", "place"):
        return Observation, Provenance
    new = object.__new__
    set_subject, set_field, set_text, set_provenance, set_port = (
        getattr(Observation, name).__set__ for name in observation_fields
    )
    set_file, set_place = (getattr(Provenance, name).__set__ for name in ("file", "place"))

    def observation(
        subject: Subject, field: str, text: str, provenance: Provenance, port: str | None
    ) -> Observation:
        obs = new(Observation)
        set_subject(obs, subject)
        set_field(obs, field)
        set_text(obs, text)
        set_provenance(obs, provenance)
        set_port(obs, port)
        return obs

    def provenance(file: str, place: str) -> Provenance:
        where = new(Provenance)
        set_file(where, file)
        set_place(where, place)
        return where

    return observation, provenance


_observation, _provenance = _observation_maker()


class _Emitter:
    """Collects one host's observations, each text bounded and each (field, port, text) once."""

    __slots__ = ("label", "out", "places", "seen", "subject")

    def __init__(self, subject: Subject, label: str) -> None:
        self.subject = subject
        self.label = label
        self.out: list[Observation] = []
        self.seen: set[tuple[str, str | None, str]] = set()
        self.places: dict[str, Provenance] = {}

    def add(self, name: str, text: str | None, place: str, port: str | None = None) -> None:
        if not text:
            return
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
        key = (name, port, text)
        if key in self.seen:
            return
        self.seen.add(key)
        provenance = self.places.get(place)
        if provenance is None:
            provenance = self.places[place] = _provenance(self.label, place)
        self.out.append(_observation(self.subject, name, text, provenance, port))


class _Port:
    """Where a script or reply came from: port ("80/tcp" or None for host scripts), nmap's
    service name, and the place prefix for provenance. (A plain class: one per port, and a
    frozen dataclass costs twice as much to make.)"""

    __slots__ = ("place", "port", "service")

    def __init__(self, port: str | None, service: str, place: str) -> None:
        self.port = port
        self.service = service
        self.place = place


def _raw(text: str | None) -> str:
    """Attribute or element text, cut before any further parsing."""
    if not text:
        return ""
    return text if len(text) <= _RAW_LIMIT else text[:_RAW_LIMIT]


def _clean(text: str | None) -> str:
    """Attribute or element text as the device sent it (see nmap_text), without surrounding
    blanks, cut as _raw."""
    if not text:
        return ""
    if len(text) > _RAW_LIMIT:
        text = text[:_RAW_LIMIT]
    return (nmap_text(text) if "\\x" in text else text).strip()


def _output(script: ElementTree.Element) -> str:
    """A script's output attribute as the device sent it (see nmap_text)."""
    return nmap_text(_raw(script.get("output")))


# --------------------------------------------------------------------------- hosts

_UPPER_HEX = frozenset("0123456789ABCDEF")


def _mac(text: str) -> str | None:
    """normalise_mac(), which returns nmap's own notation ("AA:BB:CC:DD:EE:FF") unchanged:
    that form is recognised without the general parsing."""
    if len(text) == 17 and text[2::3] == ":::::" and _UPPER_HEX.issuperset(text[0::3] + text[1::3]):
        return text
    return normalise_mac(text)


def _read_host(host: ElementTree.Element, label: str, stats: ReadStats) -> list[Observation]:
    stats.records += 1
    state = ""
    address = None
    mac = None
    mac_vendor = ""
    hostnames: list[str] = []
    ports_elem = None
    os_elem = None
    hostscript = None
    for child in host:
        tag = child.tag
        if tag == "status":
            state = child.get("state", "")
        elif tag == "address":
            kind = child.get("addrtype", "")
            if kind == "mac":
                if mac is None:
                    mac = _mac(child.get("addr", ""))
                    mac_vendor = _clean(child.get("vendor"))
            elif address is None and kind in ("ipv4", "ipv6"):
                address = normalise_ip(child.get("addr", ""))
        elif tag == "hostnames":
            hostnames.extend(_clean(h.get("name")) for h in child if h.tag == "hostname")
        elif tag == "ports":
            ports_elem = child
        elif tag == "os":
            os_elem = child
        elif tag == "hostscript":
            hostscript = child

    open_ports, scripted_ports = _split_ports(ports_elem)
    if state != "up" and not open_ports:
        stats.skipped["host down"] += 1
        if address is not None and stats.examined is not None:
            stats.examined(address)
        return []
    if address is None and mac is None:
        stats.skipped["host without a usable address"] += 1
        return []

    who = address or mac
    here = f"host {who}"
    em = _Emitter(Subject(address=address, mac=mac), label)
    em.add("mac", mac, here)
    em.add("mac.vendor", mac_vendor, here)
    for name in hostnames:
        em.add("hostname", name, here)
    if os_elem is not None:
        _read_os(em, os_elem, f"{here} os")
    for port_elem in open_ports:
        _read_port(em, port_elem, here, stats)
    for port_elem in scripted_ports:
        ctx = _port_ctx(port_elem, here)
        for script in port_elem:
            if script.tag == "script":
                _read_script(em, script, ctx, stats)
    if hostscript is not None:
        ctx = _Port(None, "", here)
        for script in hostscript:
            if script.tag == "script":
                _read_script(em, script, ctx, stats)
    stats.observations += len(em.out)
    return em.out


def _split_ports(
    ports_elem: ElementTree.Element | None,
) -> tuple[list[ElementTree.Element], list[ElementTree.Element]]:
    """Open ports, and other ports that carry script output (a UDP port left "open|filtered"
    whose script got an answer still tells what the device is)."""
    open_ports: list[ElementTree.Element] = []
    scripted: list[ElementTree.Element] = []
    if ports_elem is None:
        return open_ports, scripted
    for port_elem in ports_elem:
        if port_elem.tag != "port":
            continue
        state = port_elem.find("state")
        if state is not None and state.get("state") == "open":
            open_ports.append(port_elem)
        elif port_elem.find("script") is not None:
            scripted.append(port_elem)
    return open_ports, scripted


def _port_ctx(port_elem: ElementTree.Element, here: str, service: ElementTree.Element | None = None) -> _Port:
    """service: the port's <service> element when the caller has found it already."""
    port = f"{_clean(port_elem.get('portid'))}/{_clean(port_elem.get('protocol'))}"
    if service is None:
        service = port_elem.find("service")
    name = _clean(service.get("name")) if service is not None else ""
    return _Port(port, name, f"{here} port {port}")


def _read_os(em: _Emitter, os_elem: ElementTree.Element, place: str) -> None:
    # nmap lists osmatch elements best first; three guesses are plenty of evidence.
    matches = [m for m in os_elem if m.tag == "osmatch"][:3]
    for match in matches:
        em.add("os.match", _clean(match.get("name")), place)
    for match in matches:
        for osclass in match:
            if osclass.tag == "osclass":
                for cpe in osclass:
                    if cpe.tag == "cpe":  # an OS-detection guess, not the device's own evidence
                        em.add("os.cpe", _clean(cpe.text), place)


def _read_port(em: _Emitter, port_elem: ElementTree.Element, here: str, stats: ReadStats) -> None:
    service = port_elem.find("service")
    ctx = _port_ctx(port_elem, here, service)
    if service is None:
        em.add("port", ctx.port, ctx.place, ctx.port)
    else:
        _read_service(em, service, ctx, stats)
    for script in port_elem:
        if script.tag == "script":
            _read_script(em, script, ctx, stats)


def _read_service(em: _Emitter, service: ElementTree.Element, ctx: _Port, stats: ReadStats) -> None:
    place = f"{ctx.place} service"
    name = ctx.service
    if service.get("tunnel") == "ssl" and name:
        name = f"ssl/{name}"
    if service.get("method") == "table" and name:
        name += "?"  # nmap's own mark for a name guessed from the port number alone
    em.add("port", f"{ctx.port} {name}" if name else ctx.port, place, ctx.port)
    product = _clean(service.get("product"))
    version = _clean(service.get("version"))
    if version:
        product = f"{product} {version}" if product else version
    extra = _clean(service.get("extrainfo"))
    if extra:
        product = f"{product} ({extra})" if product else f"({extra})"
    em.add("nmap.service", product, place, ctx.port)
    em.add("nmap.devicetype", _clean(service.get("devicetype")), place, ctx.port)
    em.add("hostname", _clean(service.get("hostname")), place, ctx.port)
    for cpe in service:
        if cpe.tag == "cpe":
            em.add("cpe", _clean(cpe.text), place, ctx.port)
    fingerprint = service.get("servicefp")
    if fingerprint:
        _read_servicefp(em, fingerprint, ctx, stats)


# --------------------------------------------------------------------------- servicefp

_FP_SIMPLE = {"r": "\r", "n": "\n", "t": "\t", "0": "\0"}
# "x41" (the text after a backslash) -> "A"; both hex cases, as hostile files may use either.
_FP_HEX = {f"x{i:02x}": chr(i) for i in range(256)} | {f"x{i:02X}": chr(i) for i in range(256)}


def fp_segments(fingerprint: str) -> list[tuple[str, str]]:
    """The probe replies in an nmap service fingerprint, still escaped: [(probe, text), ...].

    Format (nmap service_scan.cc, addToServiceFingerprint): `SF-Port80-TCP:V=...%r(Probe,
    hexlen,"escaped reply")...;` where the reply is escaped as \\xHH, \\r, \\n, \\t, \\0, a
    backslash before regex punctuation (\\. \\( \\" \\\\ ...) and everything else literal. Normal
    output wraps the text every 75 characters with "\\nSF:"; XML keeps it on one line. Only the
    first 900 bytes of each reply are kept by nmap. As "(" and ")" inside a reply are always
    escaped, the first '")' after the opening quote closes it.
    """
    text = fingerprint.replace("\nSF:", "") if "\nSF:" in fingerprint else fingerprint
    replies: list[tuple[str, str]] = []
    pos = text.find("%r(")
    while pos >= 0 and len(replies) < _MAX_FP_RESPONSES:
        comma = text.find(",", pos + 3)
        comma2 = text.find(",", comma + 1) if comma >= 0 else -1
        if comma2 < 0 or text[comma2 + 1 : comma2 + 2] != '"':
            break
        end = text.find('")', comma2 + 2)
        if end < 0:
            end = len(text)
        replies.append((text[pos + 3 : comma], text[comma2 + 2 : end]))
        pos = text.find("%r(", end)
    return replies


def fp_unescape(escaped: str) -> bytes:
    """The bytes of one escaped servicefp reply (see fp_segments)."""
    parts = escaped.split("\\")
    out = [parts[0]]
    append = out.append
    hex_get = _FP_HEX.get
    rest = iter(parts)
    next(rest)
    for part in rest:
        if not part:  # "\\\\": a backslash, and the text after it is literal
            append("\\")
            append(next(rest, ""))
            continue
        char = hex_get(part[:3])
        if char is not None:
            append(char)
            append(part[3:])
            continue
        char = _FP_SIMPLE.get(part[0])
        if char is not None:
            append(char)
            append(part[1:])
        else:
            append(part)  # escaped punctuation stands for itself
    return "".join(out).encode("latin-1", "replace")


def parse_servicefp(fingerprint: str) -> list[tuple[str, bytes]]:
    """The probe replies in an nmap service fingerprint: [(probe name, reply bytes), ...]."""
    return [(probe, fp_unescape(text)) for probe, text in fp_segments(fingerprint)]


# Which probe's reply best shows each kind of service, most telling first.
_PREFERRED_PROBES = {
    "http": ("GetRequest", "HTTPOptions", "FourOhFourRequest", "GenericLines"),
    "rtsp": ("RTSPRequest", "GetRequest", "HTTPOptions"),
    "sip": ("SIPOptions",),
    "ssh": ("NULL",),
    "ftp": ("NULL", "GenericLines", "Help"),
    "telnet": ("NULL",),
}

# Services whose replies have no telling first bytes: nmap's name for the service decides.
# (HTTP, RTSP and SIP replies say what they are; a reply on an "http" port that does not
# start like HTTP is something else and is not taken as HTTP.)
_BANNER_SERVICES = {"ssh": "ssh", "ftp": "ftp", "telnet": "telnet"}


def _reply_kind(escaped: str, service: str) -> str | None:
    """The protocol of a reply: from its first bytes when they say it, else nmap's service name.

    Works on the escaped text: these prefixes have no character that nmap escapes.
    """
    if escaped.startswith("HTTP/"):
        return "http"
    if escaped.startswith("RTSP/"):
        return "rtsp"
    if escaped.startswith("SIP/2"):
        return "sip"
    if escaped.startswith("SSH-"):
        return "ssh"
    return _BANNER_SERVICES.get(service)


def _read_servicefp(em: _Emitter, fingerprint: str, ctx: _Port, stats: ReadStats) -> None:
    by_kind: dict[str, dict[str, str]] = {}  # kind -> {escaped reply: first probe that got it}
    unknown = False
    for probe, escaped in fp_segments(_raw(fingerprint)):
        if not escaped:
            continue
        kind = _reply_kind(escaped, ctx.service)
        if kind is None:
            unknown = True
        else:
            by_kind.setdefault(kind, {}).setdefault(escaped, probe)
    if unknown and not by_kind:
        stats.skipped["servicefp of an unknown service"] += 1
    for kind, distinct in by_kind.items():
        preferred = _PREFERRED_PROBES[kind]
        ranked = sorted(
            distinct.items(), key=lambda r: preferred.index(r[1]) if r[1] in preferred else len(preferred)
        )
        _emit_reply(em, kind, [(probe, fp_unescape(escaped)) for escaped, probe in ranked], ctx)


def _emit_reply(em: _Emitter, kind: str, replies: list[tuple[str, bytes]], ctx: _Port) -> None:
    best_probe, best = replies[0]
    place = f"{ctx.place} servicefp {best_probe}"
    if kind == "http":
        head, body = _split_message(best)
        em.add("http.headers", decode(head), place, ctx.port)
        em.add("http.body", decode(body), place, ctx.port)
        em.add("http.title", _html_title(body), place, ctx.port)
    elif kind == "rtsp":
        em.add("rtsp.response", decode(best), place, ctx.port)
    elif kind == "ssh":
        em.add("ssh.banner", decode(best.split(b"\n", 1)[0].strip()), place, ctx.port)
        return
    elif kind in ("ftp", "telnet"):
        em.add(f"{kind}.banner", decode(best.strip()), place, ctx.port)
        return
    # Header values from every reply of the kind: a device may name itself only in some.
    for probe, data in replies:
        lines = decode(_split_message(data)[0]).split("\r\n")
        _emit_headers(em, kind, lines, f"{ctx.place} servicefp {probe}", ctx.port)


def _split_message(data: bytes) -> tuple[bytes, bytes]:
    """Header block (without the blank line) and body of an HTTP-like message."""
    end = data.find(b"\r\n\r\n")
    if end >= 0:
        return data[:end], data[end + 4 :]
    end = data.find(b"\n\n")
    if end >= 0:
        return data[:end], data[end + 2 :]
    return data.rstrip(b"\r\n"), b""


def _html_title(body: bytes) -> str:
    """The text of the first <title> element."""
    title = title_bytes(body[:_RAW_LIMIT])
    return decode(title.strip()) if title else ""


# Header name (lower case) -> field, per protocol.
_HEADER_FIELDS = {
    "http": {
        "server": "http.server",
        "www-authenticate": "http.www_authenticate",
        "set-cookie": "http.cookie",
    },
    "rtsp": {"server": "rtsp.server"},
    "sip": {"server": "sip.server", "user-agent": "sip.user_agent"},
}


def _emit_headers(em: _Emitter, kind: str, lines: list[str], place: str, port: str | None) -> None:
    fields = _HEADER_FIELDS.get(kind)
    if not fields:
        return
    for line in lines[1:] if lines and not _is_header(lines[0]) else lines:
        colon = line.find(":")
        if colon <= 0:
            continue
        target = fields.get(line[:colon].strip().lower())
        if target:
            em.add(target, line[colon + 1 :].strip(), place, port)


def _is_header(line: str) -> bool:
    """A "Name: value" line rather than a status line ("HTTP/1.1 200 OK")."""
    colon = line.find(":")
    return colon > 0 and " " not in line[:colon] and "/" not in line[:colon]


# --------------------------------------------------------------------------- scripts


def _read_script(em: _Emitter, script: ElementTree.Element, ctx: _Port, stats: ReadStats) -> None:
    sid = script.get("id", "")
    handler = _SCRIPTS.get(sid)
    if handler is None:
        if sid not in _SILENT_SCRIPTS and not _any_script(em, script, ctx, f"{ctx.place} script {sid}"):
            stats.skipped["script output empty"] += 1
        return
    if not handler(em, script, ctx, f"{ctx.place} script {sid}"):
        stats.skipped[f"{sid}: no identity in output"] += 1


def _any_script(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    """A script no handler knows the shape of: its output as nmap printed it (nmap.script), so
    that whatever identity it carries (a vendor name, a model, a domain) still reaches the
    matcher, weighed as a document (content/knowledge.yaml)."""
    text = _output(script).strip()
    em.add("nmap.script", text, place, ctx.port)
    return bool(text)


def _http_auth(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    """http-auth: the challenges of a 401, rebuilt as WWW-Authenticate values (`Basic
    realm="x"`) from the structured tables (nmap prints the parameters as bare `k=v` pairs whose
    values may hold spaces); from the text lines when the tables are absent."""
    challenges = []
    for table in script:
        if table.tag != "table":
            continue
        scheme_elem = _keyed(table, "elem", "scheme")
        params = _keyed(table, "table", "params")
        scheme = _clean(scheme_elem.text) if scheme_elem is not None else ""
        pairs = (
            [(e.get("key", ""), _raw(e.text)) for e in params if e.tag == "elem"]
            if params is not None
            else []
        )
        pairs.sort(key=lambda kv: kv[0] != "realm")  # realm first, as devices send it
        quoted = ", ".join(f'{k}="{v}"' for k, v in pairs if k)
        if scheme:
            challenges.append(f"{scheme} {quoted}" if quoted else scheme)
    if not challenges:
        for line in _output_lines(script):
            if line.startswith("HTTP/"):
                continue
            scheme, _, rest = line.partition(" ")
            if rest.startswith("realm=") and "=" not in rest[6:]:  # the only parameter: quote it whole
                rest = f'realm="{rest[6:]}"'
            challenges.append(f"{scheme} {rest}".strip())
    for challenge in challenges:
        em.add("http.www_authenticate", challenge, place, ctx.port)
    return bool(challenges)


def _output_lines(script: ElementTree.Element) -> list[str]:
    """The script's output attribute as lines, without nmap's indentation."""
    return [line.strip() for line in _output(script).split("\n") if line.strip()]


def _keyed(node: ElementTree.Element, tag: str, key: str) -> ElementTree.Element | None:
    for child in node:
        if child.tag == tag and child.get("key") == key:
            return child
    return None


def _http_title(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    elem = _keyed(script, "elem", "title")
    if elem is not None:
        title = _clean(elem.text)
    else:
        lines = _output_lines(script)
        title = lines[0] if lines and not lines[0].startswith("Site doesn't have a title") else ""
    em.add("http.title", title, place, ctx.port)
    return bool(title)


def http_headers_block(output: str) -> list[str]:
    """Header lines of an http-headers output ("Name: value", status line if shown)."""
    lines: list[str] = []
    for raw in output.split("\n"):
        line = raw[2:] if raw.startswith("  ") else raw
        line = line.rstrip("\r")
        if not line.strip():
            if lines:
                break  # the blank line that ends the header block
            continue
        if line.startswith("(Request type:"):
            break
        lines.append(line)
    return lines


def _http_headers(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    lines = http_headers_block(_output(script))
    if not lines:
        return False
    em.add("http.headers", "\r\n".join(lines), place, ctx.port)
    _emit_headers(em, "http", lines, place, ctx.port)
    return True


def _http_server_header(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    servers = [_clean(e.text) for e in script if e.tag == "elem"]
    if not servers:
        servers = [line for line in _output_lines(script) if line != "<empty>"]
    for server in servers:
        em.add("http.server", server, place, ctx.port)
    return any(servers)


# RFC 4514 short names; other attributes keep nmap's name (an OID in dotted form when unknown).
_DN_SHORT = {
    "commonName": "CN",
    "organizationalUnitName": "OU",
    "organizationName": "O",
    "localityName": "L",
    "stateOrProvinceName": "ST",
    "countryName": "C",
    "streetAddress": "STREET",
    "domainComponent": "DC",
    "userId": "UID",
}
_DN_ORDER = ("CN", "OU", "O", "L", "ST", "C")


_DN_SPECIAL = frozenset(',+"\\<>;')


def _dn_escape(value: str) -> str:
    """RFC 4514 section 2.4 escaping of an attribute value."""
    if _DN_SPECIAL.isdisjoint(value) and value[0] not in "# " and value[-1] != " ":
        return value
    out = []
    for i, char in enumerate(value):
        if char in ',+"\\<>;' or (i == 0 and char in "# ") or (i == len(value) - 1 and char == " "):
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def render_dn(pairs: list[tuple[str, str]]) -> str:
    """A distinguished name in RFC 4514 style, most specific first ("CN=x,O=y,C=z").

    nmap reports names as tables sorted by attribute name, not in certificate order, so the
    usual order is imposed: CN, OU, O, L, ST, C, then any other attribute as nmap gave it.
    """
    named = [(_DN_SHORT.get(k, k), v) for k, v in pairs if v]
    rank = {name: i for i, name in enumerate(_DN_ORDER)}
    named.sort(key=lambda kv: rank.get(kv[0], len(_DN_ORDER)))
    return ",".join(f"{k}={_dn_escape(v)}" for k, v in named)


def _split_nmap_name(text: str) -> list[tuple[str, str]]:
    """ssl-cert's text form "commonName=a/organizationName=b, Inc./countryName=US" as pairs.

    Values may hold "/" themselves, so a piece starts a new pair only if it begins "name=".
    """
    pairs: list[tuple[str, str]] = []
    for piece in text.split("/"):
        key, eq, value = piece.partition("=")
        if eq and key and all(c.isalnum() or c == "." for c in key):
            pairs.append((key, value))
        elif pairs:
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]}/{piece}")
    return pairs


def _ssl_cert(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    found = False
    for key, target in (("subject", "tls.subject"), ("issuer", "tls.issuer")):
        table = _keyed(script, "table", key)
        if table is not None:
            pairs = [(e.get("key", ""), _clean(e.text)) for e in table if e.tag == "elem"]
        else:
            prefix = f"{key.capitalize()}: "
            line = next((ln for ln in _output_lines(script) if ln.startswith(prefix)), "")
            pairs = _split_nmap_name(line[len(prefix) :]) if line else []
        dn = render_dn(pairs)
        em.add(target, dn, place, ctx.port)
        found = found or bool(dn)
    return found


def _rtsp_methods(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    # nmap 7.93 reports only the Public header; an output that also carries the server line
    # (other versions, hand-edited scans) is an RTSP response worth matching.
    lines = _output_lines(script)
    if not any(line.lower().startswith("server:") for line in lines):
        return False
    em.add("rtsp.response", "\r\n".join(lines), place, ctx.port)
    _emit_headers(em, "rtsp", lines, place, ctx.port)
    return True


def _upnp_lines(em: _Emitter, lines: list[str], place: str, port: str | None) -> bool:
    """upnp-info's report: "Server: ..." then Location and the device-description summary."""
    described = []
    for line in lines:
        if normalise_ip(line) is not None:
            continue  # nmap 7.93 heads the unicast report with the responder's address
        if line.lower().startswith("server:"):
            em.add("upnp.server", line[7:].strip(), place, port)
        else:
            described.append(line)
    em.add("upnp.description", "\n".join(described), place, port)
    return bool(lines)


def _upnp_info(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    return _upnp_lines(em, _output_lines(script), place, ctx.port)


def _snmp_sysdescr(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    lines = _output(script).rstrip().split("\n")
    if lines and lines[-1].strip().startswith("System uptime:"):
        lines.pop()
    text = "\n".join(lines).strip()
    em.add("snmp.sysdescr", text, place, ctx.port)
    return bool(text)


def nmap_text(text: str) -> str:
    """Text as nmap's XML writer stored it, back to what the device sent.

    nmap writes every byte outside printable ASCII as \\xHH, even valid UTF-8 ("日" becomes
    \\xE6\\x97\\xA5), so the bytes are restored and decoded like any other device text: UTF-8,
    undecodable bytes as \\xNN. (A literal "\\x41" in the original is indistinguishable.)
    """
    if "\\x" not in text:
        return text
    return decode(hex_unescape(text.encode("utf-8", "surrogateescape")))


def unescape_banner(output: str) -> bytes:
    """The bytes behind banner.nse's output: it hex-escapes every non-printable byte as \\xHH
    and breaks the text into lines of the terminal width, so newlines are layout, not data."""
    return hex_unescape(output.replace("\n", "").encode("utf-8", "surrogateescape"))


_BANNER_FIELDS = {"ssh": "ssh.banner", "ftp": "ftp.banner", "telnet": "telnet.banner"}


def _banner(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    data = unescape_banner(_raw(script.get("output"))).strip()
    target = "ssh.banner" if data.startswith(b"SSH-") else _BANNER_FIELDS.get(ctx.service)
    if target is None or not data:
        return False
    em.add(target, decode(data), place, ctx.port)
    return True


def _wsd_devices(lines: list[str]) -> list[tuple[str | None, str]]:
    """WS-Discovery replies in a wsdd script output: [(device address or None, text), ...].

    The scripts print, per reply, "Message id: ...", "Address: ..." (the XAddrs) and
    "Type: ..." (the Types), under the responder's address for the broadcast script. The text
    is Types, Scopes and XAddrs joined by spaces in that order, as every source writes
    wsd.scopes (nmap does not report Scopes).
    """
    replies: list[tuple[str | None, dict[str, str]]] = []
    current: str | None = None
    for line in lines:
        ip = normalise_ip(line)
        if ip is not None:
            current = ip
            replies.append((current, {}))
            continue
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "message id" or not replies or replies[-1][0] != current:
            replies.append((current, {}))
        value = value.strip()
        if name == "type" and value.startswith("n:"):
            # wsdd.lua strips leading characters of the set [wsdp:] to drop a "wsdp:" prefix,
            # which turns ONVIF's "dn:NetworkVideoTransmitter" into "n:NetworkVideoTransmitter".
            value = "d" + value
        if name in ("type", "address") and value:
            replies[-1][1][name] = value
    out = []
    for ip, parts in replies:
        text = " ".join(parts[k] for k in ("type", "address") if k in parts)
        if text:
            out.append((ip, text))
    return out


def _wsdd_discover(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    found = False
    for _ip, text in _wsd_devices(_output_lines(script)):
        em.add("wsd.scopes", text, place, ctx.port)
        found = True
    return found


def _ssh_keys(em: _Emitter, script: ElementTree.Element, ctx: _Port, place: str) -> bool:
    # ssh-hostkey and ssh2-enum-algos report keys and algorithms; nmap 7.93 never puts the
    # server's version line there, but a line that is one ("SSH-2.0-...") is taken.
    found = False
    for line in _output_lines(script):
        if line.startswith("SSH-"):
            em.add("ssh.banner", line, place, ctx.port)
            found = True
    return found


_SCRIPTS = {
    "http-auth": _http_auth,
    "http-title": _http_title,
    "http-headers": _http_headers,
    "http-server-header": _http_server_header,
    "ssl-cert": _ssl_cert,
    "rtsp-methods": _rtsp_methods,
    "upnp-info": _upnp_info,
    "snmp-sysdescr": _snmp_sysdescr,
    "banner": _banner,
    "wsdd-discover": _wsdd_discover,
    "ssh-hostkey": _ssh_keys,
    "ssh2-enum-algos": _ssh_keys,
}

# Scripts whose content the reader takes elsewhere: fingerprint-strings prints the printable
# parts of the servicefp replies, which are read whole.
_SILENT_SCRIPTS = frozenset({"fingerprint-strings"})


# --------------------------------------------------------------------------- broadcast scripts


def _read_broadcast(scripts: ElementTree.Element, label: str, stats: ReadStats) -> Iterator[Observation]:
    """Pre- and post-scan scripts: broadcast discovery reports about hosts named by address."""
    emitters: dict[str, _Emitter] = {}
    for script in scripts:
        if script.tag != "script":
            continue
        sid = script.get("id", "")
        place = f"{scripts.tag} script {sid}"
        if sid == "broadcast-wsdd-discover":
            for ip, text in _wsd_devices(_output_lines(script)):
                if ip is not None:
                    _broadcast_emitter(emitters, ip, label).add("wsd.scopes", text, place)
        elif sid == "broadcast-upnp-info":
            for ip, lines in _blocks_by_address(_output_lines(script)):
                _upnp_lines(_broadcast_emitter(emitters, ip, label), lines, place, None)
        else:
            stats.skipped["script not identity-bearing"] += 1
    for em in emitters.values():
        stats.observations += len(em.out)
        yield from em.out


def _broadcast_emitter(emitters: dict[str, _Emitter], ip: str, label: str) -> _Emitter:
    if ip not in emitters:
        emitters[ip] = _Emitter(Subject(address=ip), label)
    return emitters[ip]


def _blocks_by_address(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Lines grouped under the address line that precedes them."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        ip = normalise_ip(line)
        if ip is not None:
            blocks.append((ip, []))
        elif blocks:
            blocks[-1][1].append(line)
    return [(ip, body) for ip, body in blocks if body]
