"""Evaluation records, round 2: telecom and network equipment (ONTs, home gateways, LTE/5G CPE,
routers, switches, access nodes, wireless, phones) of covered makers.

Same rules as eval_records_cameras2.py (origin ids `ev2-`). SNMP values are copied as the agent
returned them (net-snmp's quoting and type prefix removed). Huawei HiLink/LTE API answers are
copied as the device sent them, with subscriber identifiers (IMEI, IMSI, ICCID, phone number)
and public WAN/DNS addresses replaced (the note says so).
"""

from __future__ import annotations

from public_records import Rec, Source

CRLF = "\r\n"


def lines(*parts: str) -> str:
    """A multi-line protocol answer as sent (CRLF line ends)."""
    return CRLF.join(parts)


SOURCES: list[Source] = []
