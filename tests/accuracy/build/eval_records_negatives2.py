"""Evaluation records, round 2: hard negatives from the same kinds of sources as the covered
records (other makers' cameras, recorders, gateways, switches, phones) and near-misses (generic
camera/DVR strings, HiSilicon SDK strings, Honor, H3C, makers whose models resemble a covered
maker's).

Same rules as eval_records_cameras2.py (origin ids `ev2-`). The label is the maker the text names
(a catalogue name) or None; `device` is set when the source states the maker of a device whose
text names nobody.
"""

from __future__ import annotations

from public_records import Rec, Source

CRLF = "\r\n"


def lines(*parts: str) -> str:
    """A multi-line protocol answer as sent (CRLF line ends)."""
    return CRLF.join(parts)


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
        Rec("upnp.server", "RT-N56U/1.0.1.7f UPnP/1.0 MiniUPnPd/1.6", "ASUS", "RT-N56U is an ASUS router model"),
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
        Rec("upnp.server", "Unspecified, UPnP/1.0, Unspecified", None, "Belkin-type device answer (ST urn:Belkin) that names nobody"),
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
]
