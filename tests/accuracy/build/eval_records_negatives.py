"""Evaluation records: hard negatives, other makers' devices of the same kinds (cameras, recorders,
gateways, switches, phones) and near-misses (generic camera/DVR texts, SDK strings, makers whose
names or models resemble a covered maker's).

Same table shape and copying rules as eval_records_cameras.py. The label is the maker the text
names (a catalogue name) or None; `device` is never a covered maker here unless the source says so.
A UPnP description is copied from its start up to where the source's excerpt of it is complete.
"""

from __future__ import annotations

from public_records import Rec, Source

SOURCES: list[Source] = [
    Source(
        "ev-snmpinfo-478",
        "https://github.com/netdisco/snmp-info/issues/478",
        "netdisco/snmp-info #478: D-Link industrial switch (snmpwalk of the system group)",
        Rec(
            "snmp.sysdescr",
            "D-LINK DGS-F3008P-4S HW V1 Firmware V5.2.10.1-ged9dba8ff SerialNo H3008P200400085, L2 Ethernet PoE Switch",
            "D-Link",
        ),
        Rec(
            "snmp.sysobjectid",
            "iso.3.6.1.4.1.4294967295.3.2.16",
            None,
            "not a registered enterprise arc (4294967295 = 2^32-1); names no maker",
        ),
    ),
    Source(
        "ev-tailscale-13745",
        "https://github.com/tailscale/tailscale/issues/13745",
        "tailscale #13745: UPnP failed with RouterOS's upnp (gateway description)",
        Rec(
            "upnp.description",
            '<root xmlns="urn:schemas-upnp-org:device-1-0">\n<specVersion>\n<major>1</major>\n<minor>0</minor>\n'
            "</specVersion>\n<device>\n<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>\n"
            "<friendlyName>MikroTik Router</friendlyName>\n<manufacturer>MikroTik</manufacturer>\n"
            "<manufacturerURL>https://www.mikrotik.com/</manufacturerURL>\n<modelName>Router OS</modelName>\n"
            "<UDN>uuid:UUID-MIKROTIK-INTERNET-GATEWAY-DEVICE-4PWK-AH73</UDN>\n",
            "MikroTik",
        ),
    ),
    Source(
        "ev-homepage-371",
        "https://github.com/gethomepage/homepage/issues/371",
        "gethomepage/homepage #371: FRITZ!Box 7590 TR-064 description (tr64desc.xml)",
        Rec(
            "upnp.description",
            '<root xmlns="urn:dslforum-org:device-1-0">\n<specVersion>\n<major>1</major>\n<minor>0</minor>\n</specVersion>\n'
            "<systemVersion>\n<HW>226</HW>\n<Major>154</Major>\n<Minor>7</Minor>\n<Patch>50</Patch>\n"
            "<Buildnumber>101716</Buildnumber>\n<Display>154.07.50</Display>\n</systemVersion>\n<device>\n"
            "<deviceType>urn:dslforum-org:device:InternetGatewayDevice:1</deviceType>\n<friendlyName>FRITZ!Box 7590</friendlyName>\n"
            "<manufacturer>AVM</manufacturer>\n<manufacturerURL>www.avm.de</manufacturerURL>\n"
            "<modelDescription>FRITZ!Box 7590</modelDescription>\n<modelName>FRITZ!Box 7590</modelName>\n"
            "<modelNumber>7590 - avm</modelNumber>\n<modelURL>www.avm.de</modelURL>\n",
            "AVM",
        ),
    ),
    Source(
        "ev-zsgx1hacks-35",
        "https://github.com/ant-thomas/zsgx1hacks/issues/35",
        "zsgx1hacks #35: GIBSSI 1080P wireless IP camera (nmap -sV output)",
        Rec("telnet.banner", "CAMERA login:", None, "generic camera login prompt (no-name camera)"),
        Rec("telnet.banner", "IP CAMERA login:", None, "generic camera login prompt"),
        Rec("http.server", "TAS-Tech IPCam", None, "small camera-firmware maker outside the catalogue"),
    ),
    Source(
        "ev-hisilicon-dvr-telnet-3",
        "https://github.com/Snawoot/hisilicon-dvr-telnet/issues/3",
        "hisilicon-dvr-telnet #3: Help hacking my DVR163 (nmap output of a no-name NVR)",
        Rec("http.server", "nginx", None, "web server software"),
        Rec(
            "http.headers",
            "HTTP/1.0 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: 38",
            None,
            "no-name HiSilicon-based NVR (dvr163 firmware); names no maker",
        ),
    ),
    Source(
        "ev-ha-36523",
        "https://github.com/home-assistant/core/issues/36523",
        "home-assistant #36523: ONVIF unknown error (nmap MAC lines of two Jovision cameras)",
        Rec(
            "mac",
            "E0:62:90:3E:63:C0",
            "Jovision",
            "OUI E0:62:90 registered to Jinan Jovision Science & Technology",
        ),
        Rec("mac", "E0:62:90:5C:AF:37", "Jovision"),
    ),
]
