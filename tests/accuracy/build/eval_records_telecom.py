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
]
