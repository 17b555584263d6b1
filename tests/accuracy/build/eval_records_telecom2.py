"""Evaluation records, round 2: telecom and network equipment (ONTs, home gateways, LTE/5G CPE,
routers, switches, access nodes, wireless, phones) of covered makers.

Same rules as eval_records_cameras2.py (origin ids `ev2-`). SNMP values are copied as the agent
returned them (net-snmp's quoting and type prefix removed). Huawei HiLink/LTE API answers are
copied as the device sent them, with subscriber identifiers (IMEI, IMSI, ICCID, phone number)
and public WAN/DNS addresses replaced (the note says so).
"""

from __future__ import annotations

from public_records import Rec, Source

SOURCES: list[Source] = [
    Source(
        "ev2-jlinux20-audit-zte-f670l",
        "https://github.com/jlinux20/network_security_audit_framework/tree/main/evidence",
        "network_security_audit_framework: evidence/ of a home network audit (nmap host discovery, nmap -sV -sC of the ZTE F670L gateway, WhatWeb)",
        Rec(
            "http.server",
            "Mini web server 1.0 ZTE corp 2005.",
            "ZTE",
            "server string names ZTE (evidence/nmap/scan_192_168_1_1.txt, port 80 and 443)",
        ),
        Rec("http.title", "F670L", "ZTE", "title is the model of the ZTE ZXHN F670L ONT the scan reports"),
        Rec(
            "tls.subject",
            "CN=192.168.1.1; O=ZTE; ST=JiangSu; C=CN",
            "ZTE",
            "certificate subject organisation is ZTE (nmap ssl-cert, port 443)",
        ),
        Rec("mac", "EC:82:63:1A:6E:06", "ZTE", "nmap printed registrant 'zte' for the gateway"),
        Rec(
            "hostname",
            "csp1.zte.com.cn",
            "ZTE",
            "name the gateway's DNS gives itself, in ZTE's domain (host_discovery.txt)",
        ),
        Rec("hostname", "csp3.zte.com.cn", "ZTE", "same gateway, second name (scan_192_168_1_1.txt)"),
        Rec("mac", "4C:63:71:AE:A3:CD", "Xiaomi", "registrant 'Xiaomi Communications' (a Redmi phone)"),
        Rec("hostname", "redmi7a-redmi7a", "Xiaomi", "a Redmi 7A phone (Redmi is Xiaomi's brand)"),
        Rec("mac", "00:08:22:70:7A:E6", None, "registrant 'InPro Comm', outside the catalogue"),
        Rec(
            "mac",
            "08:8F:C3:C0:FF:EC",
            None,
            "registrant 'Compal Information (Kunshan)', outside the catalogue",
        ),
        Rec("mac", "82:47:F9:A0:ED:ED", None, "locally administered (randomised) address"),
    ),
]
