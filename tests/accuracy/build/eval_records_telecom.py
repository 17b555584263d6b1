"""Evaluation records: telecom and network equipment (ONTs, home gateways, CPE, routers, switches,
access nodes, media gateways, wireless, phones, radios) of covered makers and of others.

Same table shape and copying rules as eval_records_cameras.py. SNMP values are copied as the
agent returned them (net-snmp's quoting and type prefix removed; a multi-line sysDescr keeps its
line breaks). A sysObjectID is labelled with the holder of the enterprise number it sits under
when that holder built the device (2011 Huawei, 3902 ZTE, ...).
"""

from __future__ import annotations

from public_records import Rec, Source

SOURCES: list[Source] = [
    Source(
        "ev-osssnmp-79",
        "https://github.com/opensolutions/OSS_SNMP/issues/79",
        "OSS_SNMP #79: Add support for Huawei CE6870-48S6CQ-EI VRP 8.191 (snmpget)",
        Rec(
            "snmp.sysdescr",
            "Huawei Versatile Routing Platform Software \nVRP (R) software, Version 8.191 (CE6870EI V200R019C10SPC800) \n"
            "Copyright (C) 2012-2020 Huawei Technologies Co., Ltd. \nHUAWEI CE6870-48S6CQ-EI ",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.239.32", "Huawei", "Huawei enterprise number 2011"),
    ),
    Source(
        "ev-orb-agent-624",
        "https://github.com/netboxlabs/orb-agent/issues/624",
        "netboxlabs/orb-agent #624: SNMP discovery of a Huawei SmartAX MA5608T (sysDescr, sysObjectID)",
        Rec("snmp.sysdescr", "Huawei Integrated Access Software", "Huawei", "Huawei SmartAX access node"),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.248", "Huawei", "Huawei enterprise number 2011"),
    ),
    Source(
        "ev-osssnmp-72",
        "https://github.com/opensolutions/OSS_SNMP/issues/72",
        "OSS_SNMP #72: Support for Huawei S6720-54C-EI-48S-AC (snmpwalk, sysDescr with line breaks)",
        Rec(
            "snmp.sysdescr",
            "S6720-54C-EI-48S-AC\nHuawei Versatile Routing Platform Software\n VRP (R) software,Version 5.170 "
            "(S6720 V200R010C00SPC600)\n Copyright (C) 2007 Huawei Technologies Co., Ltd.",
            "Huawei",
        ),
    ),
    Source(
        "ev-routersploit-588",
        "https://github.com/threat9/routersploit/issues/588",
        "routersploit #588: bug in ZTE ZXHN H108N (login page title)",
        Rec("http.title", "ZXHN H108N V2.5", "ZTE", "ZTE ZXHN home gateway model"),
    ),
    Source(
        "ev-librenms-9822",
        "https://github.com/librenms/librenms/issues/9822",
        "LibreNMS #9822: Huawei AR160-S SNMP (snmpwalk of the system group)",
        Rec(
            "snmp.sysdescr",
            "Huawei AR161-S Huawei Versatile Routing Platform Software  VRP (R) software,Version 5.160 "
            "(AR161-S V200R007C00SPCb00) Copyright (C) 2011-2016 Huawei Technologies Co., Ltd",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", "SNMPv2-SMI::enterprises.2011.2.224.193", "Huawei"),
    ),
    Source(
        "ev-kentik-326",
        "https://github.com/kentik/snmp-profiles/issues/326",
        "kentik/snmp-profiles #326: Huawei AR651-X8 and Huawei AC6605 (SysOIDs)",
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.2011.2.224.279",
            "Huawei",
            "Huawei AR651-X8 router; enterprise 2011",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.240.6", "Huawei", "Huawei AC6605 wireless controller"),
    ),
]
