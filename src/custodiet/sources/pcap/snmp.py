"""SNMP v1/v2c messages: what an agent says about itself.

A GetResponse (or a v2 trap / inform) carrying sysDescr.0, sysObjectID.0 or sysName.0 names the
agent that sent it; a v1 Trap's enterprise field is by definition (RFC 1157) the agent's
sysObjectID. SNMPv3 is encrypted or authenticated in practice and is not decoded.
"""

from __future__ import annotations

from custodiet.sources.pcap import ber
from custodiet.sources.text import decode

SYSDESCR = "1.3.6.1.2.1.1.1.0"
SYSOBJECTID = "1.3.6.1.2.1.1.2.0"
SYSNAME = "1.3.6.1.2.1.1.5.0"

_GET_RESPONSE = 0xA2
_TRAP_V1 = 0xA4
_INFORM = 0xA6
_TRAP_V2 = 0xA7
_REPORT_FROM_AGENT = frozenset({_GET_RESPONSE, _INFORM, _TRAP_V2})
_MAX_VARBINDS = 256

Fact = tuple[str, str]


def extract(data: bytes) -> list[Fact]:
    """(field, text) pairs about the sender of one SNMP message; [] when it has none.

    Raises ber.BerError when the message is malformed.
    """
    end = len(data)
    start, stop = ber.expect(data, 0, end, ber.SEQUENCE)
    items = ber.children(data, start, stop)
    tag, vs, ve = next(items, (0, 0, 0))
    if tag != ber.INTEGER or ve - vs > 4:
        raise ber.BerError("no SNMP version")
    version = int.from_bytes(data[vs:ve], "big")
    if version not in (0, 1):
        return []  # SNMPv3: scoped PDUs are encrypted or at least not ours to read
    tag, _, _ = next(items, (0, 0, 0))
    if tag != ber.OCTET_STRING:
        raise ber.BerError("no community")
    pdu, ps, pe = next(items, (0, 0, 0))
    if pdu == _TRAP_V1:
        enterprise = next(ber.children(data, ps, pe), None)
        if enterprise is None or enterprise[0] != ber.OID:
            raise ber.BerError("v1 trap without enterprise")
        return [("snmp.sysobjectid", ber.oid(data, enterprise[1], enterprise[2]))]
    if pdu not in _REPORT_FROM_AGENT:
        return []
    fields = list(ber.children(data, ps, pe))
    if len(fields) != 4 or fields[3][0] != ber.SEQUENCE:
        raise ber.BerError("malformed PDU")
    facts: list[Fact] = []
    for count, (tag, vs, ve) in enumerate(ber.children(data, fields[3][1], fields[3][2])):
        if count >= _MAX_VARBINDS:
            break
        if tag != ber.SEQUENCE:
            raise ber.BerError("malformed varbind")
        pair = ber.children(data, vs, ve)
        otag, os_, oe = next(pair, (0, 0, 0))
        if otag != ber.OID:
            raise ber.BerError("varbind without OID")
        name = ber.oid(data, os_, oe)
        vtag, vvs, vve = next(pair, (0, 0, 0))
        if name == SYSDESCR and vtag == ber.OCTET_STRING:
            facts.append(("snmp.sysdescr", decode(data[vvs:vve])))
        elif name == SYSOBJECTID and vtag == ber.OID:
            facts.append(("snmp.sysobjectid", ber.oid(data, vvs, vve)))
        elif name == SYSNAME and vtag == ber.OCTET_STRING:
            facts.append(("hostname", decode(data[vvs:vve])))
    return [(f, t) for f, t in facts if t.strip()]
