"""WS-Discovery (UDP 3702, ONVIF cameras and recorders, printers): Hello and ProbeMatches.

A device announces itself (Hello) or answers a Probe (ProbeMatch, ResolveMatch) with its Types,
Scopes and XAddrs; ONVIF scopes carry its name and hardware model. Probes come from clients
and are not read. XML goes through defusedxml (no DTDs, no entities); the datagram bounds it.

The datagram's XML declaration never chooses the codec (see sources.xml_encoding): the bytes
reach the parser as UTF-8 with the encoding forced, and a declaration naming an encoding that
cannot be read is a WsdEncodingError, counted like any malformed datagram.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError, _TreeBuilder

from custodiet.sources import xml_encoding

MAX_XML = 65536
_MATCHES = frozenset({"Hello", "ProbeMatch", "ResolveMatch"})
_PARTS = ("Types", "Scopes", "XAddrs")
_MAX_MATCHES = 32

Fact = tuple[str, str]


class WsdError(ValueError):
    """Not well-formed, or refused, XML."""


class WsdEncodingError(WsdError):
    """XML in an encoding that cannot be read (its declaration names no document encoding)."""


# The markers of a datagram worth parsing, in UTF-8 and in UTF-16 and UTF-32 of either byte order.
_MARKERS = tuple(
    word.encode(codec)
    for word in ("Hello", "ProbeMatch", "ResolveMatch")
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def extract(data: bytes) -> list[Fact]:
    """One wsd.scopes text (Types, Scopes and XAddrs joined by spaces) per announced device."""
    if not any(marker in data for marker in _MARKERS):
        return []
    data = data[:MAX_XML]
    encoding = xml_encoding.choose(data)
    if encoding.refused is not None:
        raise WsdEncodingError(encoding.refused)
    if encoding.codec is not None:
        try:
            data = xml_encoding.transcode(data, encoding.codec)
        except xml_encoding.XmlEncodingError as exc:
            raise WsdEncodingError(str(exc)) from None
    # The encoding is forced: expat never looks the declared one up.
    parser = DefusedXMLParser(target=_TreeBuilder(), encoding="UTF-8", forbid_dtd=True)
    try:
        parser.feed(data)
        root = parser.close()
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        raise WsdError(str(exc)) from None
    facts: list[Fact] = []
    for elem in root.iter():
        if _local(elem.tag) in _MATCHES:
            text = _match_text(elem)
            if text:
                facts.append(("wsd.scopes", text))
            if len(facts) >= _MAX_MATCHES:
                break
    return facts


def _match_text(match: Element) -> str:
    parts: dict[str, str] = {}
    for child in match:
        name = _local(child.tag)
        if name in _PARTS and child.text and name not in parts:
            parts[name] = " ".join(child.text.split())
    return " ".join(parts[k] for k in _PARTS if parts.get(k))
