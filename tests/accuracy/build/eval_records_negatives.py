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
    Source(
        "ev-nmap-3481",
        "https://github.com/nmap/nmap/issues/3481",
        "nmap #3481: nmap -A of an Allworx phone system behind a Windstream gateway",
        Rec(
            "tls.subject",
            "commonName=Web Server/organizationName=Windstream/stateOrProvinceName=New York/countryName=US",
            None,
            "ISP-branded certificate; Windstream is an ISP, not a catalogue maker",
        ),
        Rec("http.title", "Allworx System Administration", None, "Allworx (not a catalogue maker)"),
        Rec(
            "http.www_authenticate",
            'Digest realm="users@rpnp.allworx.inscitek.com", qop="auth", algorithm="MD5", '
            'opaque="cnBucC5hbGx3b3J4Lmluc2NpdGVrLmNvbQ==", nonce="NTU0ZTAwZWUwMjFiYzYyYTRmMjVmNzAyZDdhYTFhMDc=", x-rpc="0,1,2"',
            None,
            "Allworx realm",
        ),
    ),
    Source(
        "ev-browserphone-301",
        "https://github.com/InnovateAsterisk/Browser-Phone/issues/301",
        "InnovateAsterisk/Browser-Phone #301: Asterisk log of a REGISTER from a Polycom phone",
        Rec("sip.user_agent", "PolycomSoundPointIP SPIP_550 UA 3.3.2.0413", "Polycom"),
    ),
    Source(
        "ev-freepbx-350",
        "https://github.com/FreePBX/issue-tracker/issues/350",
        "FreePBX issue-tracker #350: SIP REGISTER from an Aastra 6867i",
        Rec("sip.user_agent", "Aastra 6867i/4.5.0.41", "Mitel", "Aastra phones (Aastra is part of Mitel)"),
    ),
    Source(
        "ev-netkiller-h3c-snmp",
        "https://raw.githubusercontent.com/netkiller/netkiller.github.io/master/h3c/switch/snmp.html",
        "Netkiller H3C switch notes, 2.7 SNMP (snmpwalk of an H3C S3600)",
        Rec(
            "snmp.sysdescr",
            "H3C Comware Platform Software\nComware software, Version 3.10, Release 1702P13\n"
            "H3C S3600-28P-SI Product Version S3600-SI-1702P13\n\n"
            "Copyright(c) 2004-2010 Hangzhou H3C Tech. Co.,Ltd. All rights reserved.",
            "H3C",
            "near-miss: H3C (ex Huawei-3Com joint venture) is not Huawei",
        ),
        Rec("snmp.sysobjectid", "SNMPv2-SMI::enterprises.25506.1.32", "H3C", "H3C enterprise number 25506"),
    ),
    Source(
        "ev-librenms-1771",
        "https://github.com/librenms/librenms/issues/1771",
        "LibreNMS #1771: Cisco switch IE3000 wrongly detected as Zyxel DSLAM (sysDescr, sysObjectID)",
        Rec(
            "snmp.sysdescr",
            "Cisco IOS Software, IES Software (IES-LANBASEK9-M), Version 12.2(52)SE, RELEASE SOFTWARE (fc3)\n"
            "Copyright (c) 1986-2009 by Cisco Systems, Inc.\nCompiled Fri 25-Sep-09 11:10 by sasyamal",
            "Cisco",
        ),
        Rec("snmp.sysobjectid", "SNMPv2-SMI::enterprises.9.1.958", "Cisco"),
    ),
    Source(
        "ev-xcat-6693",
        "https://github.com/xcat2/xcat-core/issues/6693",
        "xcat-core #6693: switchdiscover with SNMP (sysDescr of a Dell and a Cumulus switch)",
        Rec("snmp.sysdescr", "Dell Networking N1548, 6.3.3.10, Linux 3.6.5", "Dell"),
        Rec(
            "snmp.sysdescr",
            "Cumulus Linux 3.5.3 (Linux Kernel 4.1.33-1+cl3u12)",
            None,
            "network OS on an Edgecore switch; names no catalogue maker",
        ),
    ),
    Source(
        "ev-ha-77779",
        "https://github.com/home-assistant/core/issues/77779",
        "home-assistant #77779: ONVIF invalid manufacturer identification (Reolink E1 Pro entry name with MAC)",
        Rec(
            "mac",
            "3c:7a:aa:84:f9:56",
            None,
            "OUI 3C:7A:AA is China Dragon Technology's (a module maker); the camera is a Reolink E1 Pro",
            "Reolink",
        ),
    ),
    Source(
        "ev-cameradar-181",
        "https://github.com/Ullaakut/cameradar/issues/181",
        "cameradar #181: nmap -A of an RTSP camera (ALi SDK streaming server)",
        Rec(
            "rtsp.server",
            "ALi feng/2.1.0_rc1",
            None,
            "ALi chipset SDK streaming server; names no device maker",
        ),
        Rec(
            "rtsp.response",
            "RTSP/1.0 400 Bad Request\r\nServer: ALi feng/2.1.0_rc1\r\nDate: Week 4, 1 Mon0 0070 22:12:06 GMT",
            None,
        ),
    ),
    Source(
        "ev-cameradar-197",
        "https://github.com/Ullaakut/cameradar/issues/197",
        "cameradar #197: IP Webcam Android app (RTSP 401)",
        Rec(
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nContent-Length: 0\r\nWWW-Authenticate: Digest realm="IP Webcam", '
            'nonce="1558451085", qop="auth"',
            None,
            "an Android phone app serving RTSP; generic realm",
        ),
    ),
    Source(
        "ev-cameradar-142",
        "https://github.com/Ullaakut/cameradar/issues/142",
        "cameradar #142: Can't access camera with custom route (VLC RTSP log)",
        Rec(
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCseq: 3\r\nWWW-Authenticate: Digest realm="RTSPD",nonce="xxxxxxxxxxxxxxx"',
            None,
            "unbranded camera (/tcp/av0_0 path); generic realm",
        ),
    ),
    Source(
        "ev-jetson-utils-27",
        "https://github.com/dusty-nv/jetson-utils/issues/27",
        "jetson-utils #27: Wireshark dialog between VLC and a home IP camera (Ethernet addresses)",
        Rec(
            "mac",
            "00:95:69:ae:51:9f",
            None,
            "OUI 00:95:69 (LSD Science and Technology, a camera OEM outside the catalogue)",
        ),
    ),
    Source(
        "ev-drachtio-srf-17",
        "https://github.com/drachtio/drachtio-srf/issues/17",
        "drachtio-srf #17: SIP REGISTER answered by a Metaswitch softswitch (401 with Server header)",
        Rec(
            "sip.server",
            "DC-SIP/2.0",
            None,
            "Metaswitch softswitch (not a catalogue maker); names no maker itself",
        ),
    ),
    Source(
        "ev-glpi-13382",
        "https://github.com/glpi-project/glpi/issues/13382",
        "GLPI #13382: sysDescr of HPE OfficeConnect switches (inventory XML)",
        Rec(
            "snmp.sysdescr",
            "HPE OfficeConnect Switch 1820 8G J9979A, PT.02.XY, Linux VERSION, U-Boot VERSION (DATE)",
            "Hewlett Packard Enterprise",
            "redactions (XY, VERSION, DATE) made by the source",
        ),
        Rec(
            "snmp.sysdescr",
            "HP 1810-24G, PL.2.XX, eCos-X.X, X_XX_X-customized-h",
            "Hewlett Packard Enterprise",
            "HP ProCurve 1810 switch (HPE networking); redactions made by the source",
        ),
    ),
    Source(
        "ev-ha-106951",
        "https://github.com/home-assistant/core/issues/106951",
        "home-assistant #106951: UPC Connect Box (Compal CH7465LG) SSDP answer",
        Rec(
            "upnp.server",
            "Compal Broadband Networks, Inc/Linux/2.6.39.3 UPnP/1.1 MiniUPnPd/2.1",
            None,
            "Compal Broadband Networks cable gateway (not a catalogue maker)",
        ),
    ),
    Source(
        "ev-wemo-58",
        "https://github.com/bwp91/homebridge-platform-wemo/issues/58",
        "homebridge-platform-wemo #58: Belkin NetCam HD device description",
        Rec(
            "upnp.description",
            '<root xmlns="urn:Belkin:device-1-0">\n<specVersion>\n<major>1</major>\n<minor>0</minor>\n</specVersion>\n<device>\n'
            "<deviceType>urn:Belkin:device:NetCamSensor:1</deviceType>\n<friendlyName>Porch</friendlyName>\n"
            "<manufacturer>Belkin International Inc.</manufacturer>\n<manufacturerURL>http://www.belkin.com</manufacturerURL>\n"
            "<modelDescription>Belkin Plugin Socket 1.0</modelDescription>\n<modelName>NetCamHDv1</modelName>\n"
            "<modelNumber>1.0</modelNumber>\n<modelURL>http://www.belkin.com/plugin/</modelURL>\n"
            "<serialNumber>23A595V018F00C</serialNumber>\n<UDN>uuid:NetCamSensor-1_0-23A595V018F00C</UDN>\n<UPC>123456789</UPC>\n"
            "<macAddress>EC1A5958F00C</macAddress>\n<firmwareVersion>WeMo_NetCam_WW_2.00.10684.PVT</firmwareVersion>\n",
            None,
            "Belkin NetCam (Belkin is not a catalogue maker); a consumer camera of another maker",
        ),
    ),
    Source(
        "ev-2n-hapi-system-info",
        "https://wiki.2n.com/hip/hapi/latest/en/5-prehled-funkci-http-api/5-1-api-system/5-1-1-api-system-info",
        "2N IP intercom HTTP API manual, 5.1.1 api system info (example answer)",
        Rec(
            "http.body",
            '{\n  "success" : true,\n  "result" : {\n    "devType" : "2-14-0-0",\n    "variant" : "2N IP Verso",\n'
            '    "variantId" : 14,\n    "customerId" : 0,\n    "serialNumber" : "00-0000-0005",\n'
            '    "macAddr" : "FC-1E-B3-00-00-05",\n    "hwVersion" : "570v1",',
            "2N",
            "hard negative: an intercom of a non-covered maker (2N); cut where the excerpt ends",
        ),
    ),
    Source(
        "ev-kentik-267",
        "https://github.com/kentik/snmp-profiles/issues/267",
        "kentik/snmp-profiles #267: Zebra print server (SysOID)",
        Rec(
            "snmp.sysobjectid",
            "1.3.6.1.4.1.10642.1.1",
            None,
            "Zebra Technologies enterprise (not a catalogue maker)",
        ),
    ),
    Source(
        "ev-kentik-268",
        "https://github.com/kentik/snmp-profiles/issues/268",
        "kentik/snmp-profiles #268: HP 5406zl (SysOID)",
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.11.2.3.7.11.50",
            "Hewlett Packard Enterprise",
            "HP enterprise 11, ProCurve 5406zl switch (HPE networking)",
        ),
    ),
    Source(
        "ev-kentik-665",
        "https://github.com/kentik/snmp-profiles/issues/665",
        "kentik/snmp-profiles #665: D-Link DGS-3130-30TS (SysOID)",
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.171.10.154.1.2", "D-Link", "D-Link enterprise 171"),
    ),
    Source(
        "ev-kentik-261",
        "https://github.com/kentik/snmp-profiles/issues/261",
        "kentik/snmp-profiles #261: multiple Cisco devices (SysOIDs)",
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.9.1.1041", "Cisco", "Cisco enterprise 9"),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.9.1.963", "Cisco", "Cisco VG204"),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.9.1.558", "Cisco", "Cisco VG224 voice gateway"),
        Rec(
            "snmp.sysobjectid", ".1.3.6.1.4.1.9.12.3.1.3.1660", "Cisco", "Cisco MDS 9396 Fibre Channel switch"
        ),
    ),
    Source(
        "ev-reolink-rest-13",
        "https://github.com/xannor/ha_reolink_rest/issues/13",
        "ha_reolink_rest #13: openssl s_client against a Reolink camera",
        Rec("tls.subject", "CN = camera1", None, "user-set device name; the camera is a Reolink", "Reolink"),
    ),
    Source(
        "ev-sysobjectids-59",
        "https://github.com/fusioninventory/sysobject.ids/issues/59",
        "fusioninventory/sysobject.ids #59: new items (SonicWall, Ruckus, Synology sysObjectIDs)",
        Rec(
            "snmp.sysobjectid",
            "SNMPv2-SMI::enterprises.8741.1",
            "SonicWall",
            "SonicWall NSA 2600; enterprise 8741",
        ),
        Rec(
            "snmp.sysobjectid",
            "SNMPv2-SMI::enterprises.25053.3.1.5.15",
            "Ruckus",
            "Ruckus ZoneDirector 1200; enterprise 25053",
        ),
        Rec(
            "snmp.sysobjectid", "SNMPv2-SMI::enterprises.25053.3.1.4.71", "Ruckus", "Ruckus R500 access point"
        ),
        Rec(
            "snmp.sysobjectid",
            "NET-SNMP-MIB::netSnmpAgentOIDs.10",
            None,
            "net-snmp's default agent OID (Linux); names no maker; the device is a Synology NAS",
            "Synology",
        ),
    ),
    Source(
        "ev-osssnmp-66",
        "https://github.com/opensolutions/OSS_SNMP/issues/66",
        "OSS_SNMP #66: new switch FiberStore S5850 (snmpget sysDescr, sysObjectID)",
        Rec(
            "snmp.sysdescr",
            "FSOS software, S5850 software (S5850 48S6Q), Version 7.2.2 \nCopyright (C) 2019 by FS.COM.  All rights reserved. \n"
            "Compiled Dec 10 09:12:14 2019",
            None,
            "FS.COM switch (not a catalogue maker)",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.52642.99.5803", None, "FS.COM enterprise 52642"),
    ),
]
