"""SNMP records transcribed from public captures: GitHub issues quoting users' snmpwalks, and lwIP's
own defaults.

Labelling rule (same as public_records.py): the label is what a careful reader concludes from the one
text. sysDescr: the maker named in the text, or a model/OS string public documentation ties to one
maker; a bare generic description ("24-port 10/100 Ethernet Switch", "Linux 4.9") is None.
sysObjectID: the maker holding the IANA Private Enterprise Number the OID sits under
(1.3.6.1.4.1.<PEN>), when that registrant built the device (9 Cisco, 11 HP, 2011 Huawei, 3902 ZTE,
890 ZyXEL, 14823 Aruba (HPE), 39165 Hikvision, ...). Arcs of embedded software stacks name no
maker: lwIP's 26381 (lwIP's snmp_opts.h: "IANA assigned enterprise ID for lwIP is 26381", the
default sysObjectID of every lwIP agent, whose default sysDescr is "lwIP") and net-snmp's 8072.
"""

from __future__ import annotations

from public_records import Rec, Source

SOURCES: list[Source] = [
    Source(
        "lwip-snmp-opts",
        "https://github.com/lwip-tcpip/lwip/blob/master/src/include/lwip/apps/snmp_opts.h",
        "lwIP src/include/lwip/apps/snmp_opts.h (default sysDescr and enterprise OID of the lwIP SNMP agent)",
        Rec(
            "snmp.sysdescr",
            "lwIP",
            None,
            "lwIP default SNMP_LWIP_MIB2_SYSDESC: an embedded TCP/IP stack on anybody's hardware",
        ),
        Rec(
            "snmp.sysobjectid",
            "1.3.6.1.4.1.26381",
            None,
            "lwIP default SNMP_DEVICE_ENTERPRISE_OID (IANA PEN 26381 = lwIP)",
        ),
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.26381",
            None,
            "the same lwIP default OID in net-snmp's leading-dot notation",
        ),
    ),
    Source(
        "gh-librenms-8126",
        "https://github.com/librenms/librenms/issues/8126",
        "LibreNMS #8126: Dahua DH-NVR - New Device (snmpwalk of the system group)",
        Rec("snmp.sysdescr", "NVR", None, "a Dahua NVR, but the bare word names no maker"),
        Rec(
            "snmp.sysobjectid",
            "SNMPv2-SMI::enterprises.1004849.3.2.10",
            "Dahua",
            "Dahua's private arc 1004849 as net-snmp prints it with MIBs loaded",
        ),
    ),
    Source(
        "gh-librenms-2090",
        "https://github.com/librenms/librenms/issues/2090",
        "LibreNMS #2090: Recognize HP1920 switches as Comware (sysDescr, sysObjectID)",
        Rec(
            "snmp.sysdescr",
            "1920-16G Switch Software Version 5.20.99, Release 1108\nCopyright(c)2010-2015 Hewlett-Packard Development Company, L.P.",
            "Hewlett Packard Enterprise",
            "HP OfficeConnect 1920 switch (HP networking, HPE since 2015)",
        ),
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.25506.11.1.165",
            "H3C",
            "hard negative for Huawei: PEN 25506 is H3C's; HP's Comware switches, built by H3C, report under it",
        ),
    ),
    Source(
        "gh-nav-1214",
        "https://github.com/Uninett/nav/issues/1214",
        "Uninett/nav #1214: Retrieve software version for HP 1810 switch (sysDescr)",
        Rec(
            "snmp.sysdescr",
            "HP 1810-8G, PL.2.04, eCos-3.0, 1_12_8-customized-h",
            "Hewlett Packard Enterprise",
            "HP ProCurve 1810 switch",
        ),
    ),
]
