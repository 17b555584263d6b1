"""Evaluation records, round 3 (ids `ev3-`): MAC addresses and SNMP identifiers of other makers'
devices (hard negatives) from scans and walks users published in issue threads.

Same rules as eval_records_mac2.py for MAC addresses: the label is the IEEE MA-L registrant the
source's own scanner printed next to the address, mapped to a catalogue name with build/mac.py's
rules (chip and module makers such as Espressif and Murata, registrants outside the catalogue,
unknown and locally administered addresses are None). sysObjectIDs are labelled with the holder of
the enterprise number when it built the device, sysDescr with the maker the string names.
"""

from __future__ import annotations

from public_records import Rec, Source, macs

SOURCES: list[Source] = [
    Source(
        "ev3-arp-scan-199",
        "https://github.com/royhills/arp-scan/issues/199",
        "arp-scan #199: getting different/wrong MAC address now and then (arp-scan of a home network)",
        *macs(None, "HangZhou Gubei Electronics Technology Co.,Ltd", "34:ea:34:88:df:0d"),
        *macs("Xiaomi", "XIAOMI Electronics,CO.,LTD", "78:11:dc:71:14:77", "28:6c:07:86:9f:fb"),
        *macs("Google", "Google, Inc.", "d8:8c:79:1c:5b:68"),
        *macs(None, "Espressif Inc.", "84:cc:a8:64:7e:60", "c4:4f:33:8b:8e:9d"),
        *macs("Xiaomi", "Beijing Xiaomi Mobile Software Co., Ltd", "28:d1:27:4d:c5:d1"),
        *macs(None, "(Unknown)", "24:24:b7:f2:85:91"),
        *macs("Samsung", "Samsung Electronics Co.,Ltd", "e8:7f:6b:aa:18:15"),
        *macs(None, "TCL Technoly Electronics (Huizhou) Co., Ltd.", "6c:5a:b5:54:e8:2a"),
        *macs(None, "(Unknown: locally administered)", "22:43:ae:76:28:92"),
        *macs("TP-Link", "TP-LINK TECHNOLOGIES CO.,LTD.", "50:3e:aa:3f:a6:c9"),
        *macs("Xiaomi", "Xiaomi Communications Co Ltd", "f0:b4:29:b8:41:1d"),
    ),
    Source(
        "ev3-netalertx-297",
        "https://github.com/netalertx/NetAlertX/issues/297",
        "NetAlertX #297: table id=tableDevices Ajax error (arp-scan listing of a home network, addresses masked)",
        *macs(None, "OnePlus Technology (Shenzhen) Co., Ltd", "48:74:12:56:69:79"),
        *macs(None, "PROVIDER SAS", "14:0c:76:3a:11:0d"),
        *macs("Raspberry Pi", "Raspberry Pi Trading Ltd", "dc:a6:32:a0:31:37"),
        *macs(None, "Murata Manufacturing Co., Ltd.", "44:91:60:26:6d:c9"),
        *macs("Netgear", "NETGEAR", "78:d2:94:34:0d:8a"),
        *macs("Amazon", "Amazon Technologies Inc.", "74:e2:0c:b3:9d:9d"),
        *macs(None, "Tuya Smart Inc.", "d4:a6:51:ae:ac:d2"),
        *macs(None, "Beijing Roborock Technology Co., Ltd.", "b0:4a:39:27:3c:be"),
    ),
    Source(
        "ev3-sysobject-ids-53",
        "https://github.com/fusioninventory/sysobject.ids/issues/53",
        "fusioninventory/sysobject.ids #53: some D-Link and TP-Link devices (snmpget sysObjectID)",
        Rec(
            "snmp.sysobjectid",
            "1.3.6.1.4.1.171.10.134.7",
            "D-Link",
            "D-Link's enterprise 171; a DGS-1100-24 switch",
        ),
        Rec(
            "snmp.sysobjectid",
            "1.3.6.1.4.1.11863.3.2.10",
            "TP-Link",
            "TP-Link's enterprise 11863; an EAP225 access point",
        ),
        Rec(
            "snmp.sysobjectid",
            "1.3.6.1.4.1.171.30.4.1.2.2",
            "D-Link",
            "D-Link's enterprise 171; a DVG-5008S VoIP gateway",
        ),
    ),
    Source(
        "ev3-snmp-exporter-642",
        "https://github.com/prometheus/snmp_exporter/issues/642",
        "prometheus/snmp_exporter #642: SNMP generator issue (switch info of an HP A5500 Comware switch)",
        Rec(
            "snmp.sysdescr",
            "HP Comware Platform Software, Software Version 5.20.99 Release 5501P10-US HP A5500-48G-4SFP HI Switch "
            "with 2 interface Slots Copyright (c) 2010-2015 Hewlett-Packard Development Company, L.P",
            "Hewlett Packard Enterprise",
            "HP Comware switch (the A5500 line went to HPE at the 2015 split); Comware is H3C-built software, not Huawei",
        ),
    ),
    Source(
        "ev3-ha-63399",
        "https://github.com/home-assistant/core/issues/63399",
        "home-assistant #63399: onvif wrong mac address, EYEPLUS_DEV model (DeviceInfo debug line)",
        Rec(
            "onvif.device_information",
            "<tds:GetDeviceInformationResponse>\n  <tds:Manufacturer>EYEPLUS</tds:Manufacturer>\n"
            "  <tds:Model>EYEPLUS_DEV</tds:Model>\n  <tds:FirmwareVersion>5.6.1.1127</tds:FirmwareVersion>\n"
            "  <tds:SerialNumber>12345679890</tds:SerialNumber>\n</tds:GetDeviceInformationResponse>",
            None,
            "the integration printed the parsed values (put back in the spec's order); EYEPLUS is a brand outside the "
            "catalogue, no covered maker",
        ),
        Rec(
            "mac",
            "04:39:26:42:bb:a3",
            None,
            "the camera's MAC as the reporter gives it; OUI 04:39:26 is registered to China Dragon Technology, outside the catalogue",
        ),
    ),
    Source(
        "ev3-tinyupnp-1",
        "https://github.com/ofekp/TinyUPnP/issues/1",
        "TinyUPnP #1: invalid router info error (M-SEARCH answers of a TP-Link Archer C8)",
        Rec(
            "upnp.server",
            "ipos/7.0 UPnP/1.0 Archer_C8/1.0",
            "TP-Link",
            "Archer is TP-Link's router line (Archer C8)",
        ),
        Rec(
            "upnp.server",
            "POSIX UPnP/1.0 UPnP Stack/6.37.14.62",
            None,
            "Broadcom's UPnP SDK string, names no maker; same router",
            "TP-Link",
        ),
    ),
    Source(
        "ev3-ha-110216",
        "https://github.com/home-assistant/core/issues/110216",
        "home-assistant #110216: UPnP device not discovered (async_upnp_client SSDP traffic of a gateway)",
        Rec(
            "upnp.server",
            "POSIX UPnP/1.0 UPnP Stack/6.37.14.87",
            None,
            "UPnP SDK string of a gateway whose maker the log does not give",
        ),
    ),
]
