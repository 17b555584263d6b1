"""Evaluation records, round 2: hard negatives from the same kinds of sources as the covered
records (other makers' cameras, recorders, gateways, switches, phones) and near-misses (generic
camera/DVR strings, HiSilicon SDK strings, Honor, H3C, makers whose models resemble a covered
maker's).

Same rules as eval_records_cameras2.py (origin ids `ev2-`). The label is the maker the text names
(a catalogue name) or None; `device` is set when the source states the maker of a device whose
text names nobody.
"""

from __future__ import annotations

from public_records import Rec, Source, lines

SOURCES: list[Source] = [
    Source(
        "ev2-zoneminder-841",
        "https://github.com/ZoneMinder/zoneminder/issues/841",
        "ZoneMinder #841: Poor video with FOSCAM FI8620 (zmc debug log of the RTSP DESCRIBE answer)",
        Rec(
            "rtsp.server",
            "HiIpcam/V100R003 VodServer/1.0.0",
            None,
            "HiSilicon IP-camera SDK streaming server (V100R003 is a HiSilicon SDK version), not Huawei; the camera is a Foscam",
            "Foscam",
        ),
    ),
    Source(
        "ev2-janus-839",
        "https://github.com/meetecho/janus-gateway/issues/839",
        "janus-gateway #839: Unable to authenticate RTSP stream (curl -v of a camera's RTSP 401)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                'WWW-Authenticate: Digest realm="101509150167", '
                'nonce="jCj5z4Nw9RsphXnfN9sy4w3qSs2SVqpqJR8w1Udb038200", charset=utf-8, qop="auth"',
                "CSeq: 1",
                "Content-Length: 0",
                "Date: Sat, 01 Apr 2017 13:33:53 GMT",
            ),
            None,
            "numeric realm names nobody; the issue does not say which camera",
        ),
    ),
    Source(
        "ev2-dorsvr-12",
        "https://github.com/djwackey/dorsvr/issues/12",
        "dorsvr #12: No RTSP session is currently in progress (DESCRIBE answer of a DVR-style camera)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 2",
                "Content-Base: rtsp://192.168.88.253:554/user=admin&password=&channel=1&stream=0/",
                "Content-Type: application/sdp",
                "Content-Length: 287",
            ),
            None,
            "no Server header; the URL form is a generic DVR/NVR SDK's",
        ),
    ),
    Source(
        "ev2-csdn-highprox-126363697",
        "https://blog.csdn.net/highprox/article/details/126363697",
        "CSDN: ONVIF digest authentication flow (401 answer of an IP camera's gSOAP ONVIF service)",
        Rec(
            "http.www_authenticate",
            'Digest realm="IPC_CAM", qop="auth,auth-int", nonce="62fb10dacb7f08aa31fc", opaque="025f3a12"',
            None,
            "generic realm of a gSOAP ONVIF service",
        ),
        Rec("http.server", "gSOAP/2.8", None, "SOAP toolkit, names no maker"),
    ),
    Source(
        "ev2-rroller-dahua-304",
        "https://github.com/rroller/dahua/issues/304",
        "rroller/dahua #304: AD410 not recognized (magicBox getSystemInfo answer of an Amcrest AD410 doorbell)",
        Rec(
            "http.body",
            lines(
                "appAutoStart=true",
                "deviceType=AD410",
                "hardwareVersion=1.00",
                "processor=SSC339",
                "serialNumber=Z17A6F9xxxxx",
                "updateSerial=DB6I",
                "updateSerialCloudUpgrade=DB6I:01:04:07:7C:41:00:01:10:01:01:04:400:03:03:00:00:08:01:00:00:100:FF",
            ),
            "Amcrest",
            "AD410 is Amcrest's doorbell model (serial redacted by the user); a weak relabel brand is labelled with the brand",
        ),
    ),
    Source(
        "ev2-python-amcrest-168",
        "https://github.com/tchellomello/python-amcrest/issues/168",
        "python-amcrest #168: Nothing returning (getSoftwareVersion answer of an Amcrest IPM-721B)",
        Rec(
            "http.body",
            lines("version=2.420.AC00.15.R", "BuildDate=2016-09-08"),
            None,
            "version string names nobody; the camera is an Amcrest IPM-721B",
            "Amcrest",
        ),
    ),
    Source(
        "ev2-csdn-gd6463-39578089",
        "https://blog.csdn.net/gd6463/article/details/39578089",
        "CSDN: RTSP digest authentication exchange with a Darwin Streaming Server",
        Rec(
            "rtsp.server",
            "DSS/6.0.3 (Build/526.3; Platform/Win32; Release/Darwin Streaming Server; State/Development; )",
            None,
            "Darwin Streaming Server software on Windows; names no device maker",
        ),
    ),
    Source(
        "ev2-pastebin-s4eck5b7",
        "https://pastebin.com/s4ecK5B7",
        "pastebin s4ecK5B7: RTSP digest authentication notes (401 of a streaming server)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                'WWW-Authenticate: Digest realm="Streaming Server", nonce="76bfe6986d3e766424de9bd6e7d3ccc1"',
                "Session: 1845562184;timeout=60",
                "Cseq: 1",
            ),
            None,
            "generic streaming-server realm (a media server on port 1935), no maker",
        ),
    ),
    Source(
        "ev2-gist-ebroder-go2rtc",
        "https://gist.github.com/ebroder/3cc8e08dbadbd4645196c3ce88c8c10a",
        "gist ebroder: go2rtc trace of a doorbell camera's RTSP 401 (/h264Preview_01_sub)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "Cseq: 1",
                "Date: Mon, Sep 11 2023 01:07:22 GMT",
                'Www-Authenticate: Digest realm="BC Streaming Media", nonce="6e031f6424e3b40ef8e28c671027d665"',
            ),
            None,
            "realm of Reolink's 'BC' (Baichuan) streaming server; the h264Preview_01_sub path is Reolink's",
            "Reolink",
        ),
    ),
    Source(
        "ev2-pastebin-ifardppv",
        "https://pastebin.com/iFarDPPv",
        "pastebin iFarDPPv: media server SSDP debug log (M-SEARCH replies of LAN devices)",
        Rec(
            "upnp.server",
            "RT-N56U/1.0.1.7f UPnP/1.0 MiniUPnPd/1.6",
            "ASUS",
            "RT-N56U is an ASUS router model",
        ),
    ),
    Source(
        "ev2-pastebin-lht12d6q",
        "https://pastebin.com/LHT12d6q",
        "pastebin LHT12d6q: SSDP server log (NOTIFY and M-SEARCH answers on a LAN)",
        Rec(
            "upnp.server",
            "Linux/2.6.18_pro500-davinci_evm-arm_v5t_le, UPnP/1.0, Portable SDK for UPnP devices/1.6.6",
            None,
            "TI DaVinci kernel and libupnp SDK strings; names no maker",
        ),
        Rec(
            "upnp.server",
            "Unspecified, UPnP/1.0, Unspecified",
            None,
            "Belkin-type device answer (ST urn:Belkin) that names nobody",
        ),
    ),
    Source(
        "ev2-pastebin-0wdeswhe",
        "https://pastebin.com/0wDeSwhE",
        "pastebin 0wDeSwhE: SimpleUPNP log of M-SEARCH answers on a LAN",
        Rec("upnp.server", "Synology/DSM/192.168.2.120", "Synology", "Synology DSM names its maker"),
    ),
    Source(
        "ev2-pastebin-sps7bacd",
        "https://pastebin.com/SpS7BacD",
        "pastebin SpS7BacD: discovery answer of a Bosch Dinion camera (OEMExt50 device description)",
        Rec(
            "upnp.description",
            '<?xml version="1.0" encoding="UTF-8"?>\n<root xmlns="OEMExt50:device-1-0">\n<device>\n'
            "<deviceType>OEMExt50:device:deviceIDf0</deviceType>\n<friendlyName>Dinion</friendlyName>\n"
            "<unitName>192.168.1.4 - Unit</unitName>\n<serialNumber>f0002d41:46500410</serialNumber>\n"
            "<physAddress>00-04-63-37-03-86</physAddress>\n<sessionKey>00000180000069fa</sessionKey>\n"
            "<unitIPAddress>192.168.50.44</unitIPAddress>\n<unitSubnetMask>255.255.255.0</unitSubnetMask>\n"
            "<unitGatewayIp>192.168.50.1</unitGatewayIp>\n<activeConnections>0</activeConnections>\n"
            "<HTTPPort>80</HTTPPort>\n<HTTPSPort>443</HTTPSPort>\n<dhcp>1</dhcp>\n"
            "<cameraFrontendID>3088</cameraFrontendID>\n<ClusterID>0</ClusterID>\n</device>\n</root>",
            "Bosch Security Systems",
            "Dinion is Bosch's camera line (00-04-63 is a Bosch block)",
        ),
    ),
    Source(
        "ev2-needle-415",
        "https://github.com/tomas/needle/issues/415",
        "needle #415: digest auth against a camera (the server's 401 challenge)",
        Rec(
            "http.www_authenticate",
            'Digest realm="IP Camera", charset="UTF-8", algorithm="MD5", nonce="636144c2:2970b5fdd41b5ac6b669848f43d2d22b", qop="auth"',
            None,
            "generic realm 'IP Camera'; the issue does not say which camera",
        ),
    ),
    Source(
        "ev2-lunasaw-sip-proxy-20",
        "https://github.com/lunasaw/Sip-Proxy/issues/20",
        "Sip-Proxy #20: GBSipDevice registration fails (a GB28181 REGISTER from a camera that registers fine)",
        Rec(
            "sip.user_agent",
            "IP Camera",
            None,
            "generic GB28181 user agent; the maintainer says the Hikvision device registers normally",
            "Hikvision",
        ),
    ),
    Source(
        "ev2-ossrs-srs-2071",
        "https://github.com/ossrs/srs/issues/2071",
        "SRS #2071: GB28181 devices go offline (REGISTER messages of two cameras on one LAN)",
        Rec(
            "sip.user_agent",
            "IP Camera",
            None,
            "generic GB28181 user agent; the issue does not name the maker",
        ),
        Rec(
            "sip.user_agent",
            "SIP UAS V2.1.4.500306",
            None,
            "generic SIP UAS version string; the issue does not name the maker",
        ),
    ),
    Source(
        "ev2-pastebin-aejp4pnb",
        "https://pastebin.com/Aejp4pnb",
        "pastebin Aejp4pnb: snmpwalk of an EdgeSwitch 8 (system group)",
        Rec(
            "snmp.sysdescr",
            "Linux 2.6.32.49 #1 Thu Mar 15 12:59:56 EET 2018 mips",
            None,
            "bare Linux kernel string; sysName says EdgeSwitch 8 (Ubiquiti)",
            "Ubiquiti",
        ),
        Rec(
            "snmp.sysobjectid",
            "SNMPv2-SMI::enterprises.10002.1",
            None,
            "enterprise 10002 is Frogfoot Networks, used by Ubiquiti agents; names no catalogue maker itself",
            "Ubiquiti",
        ),
    ),
    Source(
        "ev2-pastebin-td4v6cut",
        "https://pastebin.com/TD4V6cUT",
        "pastebin TD4V6cUT: HTTPie trace of a device's digest-protected web page",
        Rec(
            "http.server",
            "Vistra-I St10 SW218 HW010",
            None,
            "Vistra-I device server string, outside the catalogue",
        ),
        Rec(
            "http.www_authenticate",
            'Digest realm="Vistra-I", qop="auth", nonce="a0c5d461f2b74b2b797b62f54200d125", opaque="0123456789abcdef0123456789abcdef"',
            None,
            "realm names a product outside the catalogue",
        ),
    ),
    Source(
        "ev2-dshield-serverheaders",
        "https://github.com/DShield-ISC/dshield/blob/main/docs/dshield-architecture/ServerHeaders.md",
        "DShield honeypot docs, ServerHeaders.md: sample response headers of real web servers (2016) kept for the web honeypot",
        Rec("http.www_authenticate", 'Basic realm="dlink"', "D-Link", "realm names D-Link"),
        Rec("http.www_authenticate", 'Basic realm="DLINK"', "D-Link", "realm names D-Link"),
        Rec("http.www_authenticate", 'Basic realm="DLINK-NAS"', "D-Link", "realm names a D-Link NAS"),
        Rec(
            "http.www_authenticate",
            'Basic realm="Dlink DIR-320"',
            "D-Link",
            "realm names the D-Link DIR-320 router",
        ),
        Rec("http.www_authenticate", 'Basic realm="Dlink-640m-z"', "D-Link", "realm names a D-Link model"),
        Rec("http.server", "httpd", None, "generic embedded server name (the D-Link routers' answers)"),
        Rec(
            "http.server",
            "Linux/2.x.x, UPnP/1.0, pvConnect UPnP SDK/1.0, Twonky UPnP SDK/1.1",
            None,
            "UPnP SDK server string (pvConnect, Twonky) of the D-Link NAS answer; names no device maker",
            "D-Link",
        ),
        Rec(
            "http.headers",
            lines(
                "HTTP/1.0 401 Unauthorized",
                "Content-Type: text/html",
                "Server: httpd",
                "Date: Sun, 15 May 2016 01:33:25 GMT",
                "Connection: close",
                "Cache-Control: no-store, no-cache, must-revalidate",
                "Cache-Control: post-check=0, pre-check=0",
                "Pragma: no-cache",
                'WWW-Authenticate: Basic realm="Dlink DIR-320"',
            ),
            "D-Link",
            "whole header block of the DIR-320 answer; the realm names D-Link",
        ),
    ),
    Source(
        "ev2-snmp-info-302",
        "https://github.com/netdisco/snmp-info/issues/302",
        "SNMP::Info #302: Add Support for Lenovo Switches (snmpwalk of the system group of a ThinkSystem NE1032)",
        Rec("snmp.sysdescr", "Lenovo ThinkSystem NE1032 RackSwitch", "Lenovo", "sysDescr names Lenovo"),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.19046.1.7.32", "Lenovo", "enterprise 19046 is Lenovo's"),
    ),
    Source(
        "ev2-netdisco-330",
        "https://github.com/netdisco/netdisco/issues/330",
        "Netdisco #330: not collect mac addresses DLINK DES-3200 (SNMP::Info debug of the switch)",
        Rec(
            "snmp.sysdescr",
            "DES-3200-26/C1 Fast Ethernet Switch",
            "D-Link",
            "DES-3200 is a D-Link switch series",
        ),
    ),
    Source(
        "ev2-oss-snmp-31",
        "https://github.com/opensolutions/OSS_SNMP/issues/31",
        "OSS_SNMP #31: Brocade VDX Switch (sysDescr and sysObjectID)",
        Rec(
            "snmp.sysdescr",
            "Brocade VDX Switch, BR-VDX6720-24, Network Operating System Software Version 4.1.3b.",
            None,
            "Brocade, outside the catalogue",
        ),
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.1588.2.2.1.1.1.1",
            None,
            "enterprise 1588 (Brocade), outside the catalogue",
        ),
    ),
    Source(
        "ev2-librenms-3933",
        "https://github.com/librenms/librenms/issues/3933",
        "LibreNMS #3933: Recognize HP1810 switches (snmpget of an HP 1820-8G)",
        Rec(
            "snmp.sysdescr",
            "HP 1820-8G Switch J9979A, PT.01.14, Linux 3.6.5-79c95a77, U-Boot 2012.10-00116-g3ab515c (Jul 30 2014 - 10:52:01)",
            "Hewlett Packard Enterprise",
            "HP 1820 (J9979A) is an HPE/Aruba networking switch",
        ),
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.11.2.3.7.11.167",
            "Hewlett Packard Enterprise",
            "enterprise 11 (Hewlett-Packard) switch branch",
        ),
    ),
    Source(
        "ev2-netmiko-2627",
        "https://github.com/ktbyers/netmiko/issues/2627",
        "Netmiko #2627: Incompatible ssh peer, TP-Link JetStream switch (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0-IPSSH-6.6.0",
            None,
            "embedded IPSSH stack, names no maker; the issue says TP-Link JetStream",
            "TP-Link",
        ),
    ),
    Source(
        "ev2-netmiko-3295",
        "https://github.com/ktbyers/netmiko/issues/3295",
        "Netmiko #3295: Pattern not detected, TPLINK device (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-1.99-IPSSH-6.6.0",
            None,
            "embedded IPSSH stack, names no maker; the issue says TP-Link",
            "TP-Link",
        ),
    ),
    Source(
        "ev2-netmiko-2776",
        "https://github.com/ktbyers/netmiko/issues/2776",
        "Netmiko #2776: hp_comware H3C device times out (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0-Comware-7.1.064",
            None,
            "near-miss: Comware is the OS of H3C and HPE switches (not Huawei); the issue says H3C",
            "H3C",
        ),
    ),
    Source(
        "ev2-netmiko-1737",
        "https://github.com/ktbyers/netmiko/issues/1737",
        "Netmiko #1737: Dell OS10 does not echo commands (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0-OpenSSH_8.0 PKIX[12.0.1]",
            None,
            "OpenSSH with PKIX patch names no maker; the device is a Dell OS10 switch",
            "Dell",
        ),
    ),
    Source(
        "ev2-ncclient-156",
        "https://github.com/ncclient/ncclient/issues/156",
        "ncclient #156: huawei close session error (paramiko debug log of a Huawei switch)",
        Rec(
            "ssh.banner",
            "SSH-2.0--",
            None,
            "empty software version (paramiko logged 'version 2.0, client -'); names nobody, the issue is about a Huawei device",
            "Huawei",
        ),
    ),
    Source(
        "ev2-csdn-irainsa-128097026",
        "https://blog.csdn.net/irainsa/article/details/128097026",
        "CSDN blog: RTSP 认证 (basic authentication example against an IP camera)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 3",
                'WWW-Authenticate: Basic realm="IP Camera(D1846)"',
                "Date: Thu, Oct 15 2020 23:30:55 GMT",
            ),
            None,
            "realm 'IP Camera(<serial tail>)' names nobody; the post does not name the camera's maker",
        ),
    ),
    Source(
        "ev2-pastebin-pfee5nhj",
        "https://pastebin.com/PFEE5NhJ",
        "pastebin PFEE5NhJ: curl -v of a DSL modem's web interface (zeus_modem_works)",
        Rec(
            "http.server",
            "RomPager/4.07 UPnP/1.0",
            None,
            "Allegro RomPager embedded server, used by many modem makers; names none",
        ),
    ),
]
