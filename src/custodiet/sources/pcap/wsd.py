"""WS-Discovery (UDP 3702, ONVIF cameras and recorders, printers): Hello and ProbeMatches.

A device announces itself (Hello) or answers a Probe (ProbeMatch, ResolveMatch) with its Types,
Scopes and XAddrs; ONVIF scopes carry its name and hardware model. Probes come from clients
and are not read. XML goes through defusedxml (no DTDs, no entities); the datagram bounds it.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_XML = 65536
_MATCHES = frozenset({"Hello", "ProbeMatch", "ResolveMatch"})
_PARTS = ("Types", "Scopes", "XAddrs")
_MAX_MATCHES = 32

Fact = tuple[str, str]


class WsdError(ValueError):
    """Not well-formed, or refused, XML."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def extract(data: bytes) -> list[Fact]:
    """One wsd.scopes text (Types, Scopes and XAddrs joined by spaces) per announced device."""
    if b"Hello" not in data and b"ProbeMatch" not in data and b"ResolveMatch" not in data:
        return []
    try:
        root = fromstring(data[:MAX_XML], forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
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
