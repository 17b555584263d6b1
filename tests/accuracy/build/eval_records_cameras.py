"""Evaluation records: cameras, recorders, intercoms and access control (covered makers and others).

Same table shape as public_records.py (Source with Rec rows; build/evaluation.py numbers them).
Texts are copied as each source shows them: addresses the source printed stay when private
(RFC 1918) and become documentation addresses otherwise; redactions the source made are kept;
where a log indented a multi-line answer, the lines are joined with CRLF as sent. A text whose
source shows it cut short is used only up to the last complete line, and the note says so.

Labels come from the text and what its source says, never from custodiet's answer: the maker
the text names (a brand such as EZVIZ, HiLook, HiWatch is labelled Hikvision, Imou Dahua), or
None with `device` set to the maker the source states for a text that names nobody.
"""

from __future__ import annotations

from public_records import Rec, Source

CRLF = "\r\n"


def lines(*parts: str) -> str:
    """A multi-line protocol answer as sent (CRLF line ends)."""
    return CRLF.join(parts)


SOURCES: list[Source] = [
    # ------------------------------------------------------------------ Hikvision
    Source(
        "ev-pyhik-15",
        "https://github.com/mezz64/pyHik/issues/15",
        "pyHik #15: Erro 401 Unauthorised (Hikvision camera, ISAPI deviceInfo answer logged)",
        Rec(
            "http.title",
            "Document Error: Unauthorized",
            None,
            "generic embedded-server error page title; the issue is about a Hikvision camera",
            "Hikvision",
        ),
    ),
    Source(
        "ev-homebridge-hikvision-2",
        "https://github.com/eu-evops/homebridge-hikvision/issues/2",
        "homebridge-hikvision #2: curl -v against a Hikvision NVR",
        Rec("http.server", "DNVRS-Webs", "Hikvision", "Hikvision recorder web server name"),
        Rec(
            "http.headers",
            lines(
                "HTTP/1.1 404 Not Found",
                "Date: Thu, 08 Apr 2021 22:08:25 GMT",
                "Server: DNVRS-Webs",
                "Cache-Control: no-cache",
                "Content-Length: 20",
                "Content-Type: text/html",
                "Connection: keep-alive",
                "Keep-Alive: timeout=60, max=99",
            ),
            "Hikvision",
            "404 of GET /ISAPI; DNVRS-Webs server",
        ),
    ),
    Source(
        "ev-exoplayer-9800",
        "https://github.com/google/ExoPlayer/issues/9800",
        "ExoPlayer #9800: RTSP DESCRIBE 401 when both BASIC and DIGEST auth is offered (HikVision IP camera)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 1",
                'WWW-Authenticate: Digest realm="IP Camera(C1214)", nonce="0191a41d87c28cd52b3e9c8adc99291c", stale="FALSE"',
                'WWW-Authenticate: Basic realm="IP Camera(C1214)"',
            ),
            None,
            "'IP Camera(<serial tail>)' realm names no maker; the reporter's camera is a HikVision (log cut after the realms)",
            "Hikvision",
        ),
    ),
    Source(
        "ev-camiocam-rtsp-123",
        "https://github.com/CamioCam/rtsp/issues/123",
        "CamioCam/rtsp #123: Get hard disk status from Hikvision NVR (ISAPI ContentMgmt/Storage answer)",
        Rec(
            "http.body",
            '<storage xmlns="http://www.std-cgi.com/ver20/XMLSchema" version="1.0">\n<hddList>\n'
            '<hdd xmlns="http://www.std-cgi.com/ver20/XMLSchema" version="1.0">\n<id>1</id>\n<hddName>hdda</hddName>\n'
            "<hddPath/>\n<hddType>SATA</hddType>\n<status>ok</status>\n<capacity>3815447</capacity>\n"
            "<freeSpace>0</freeSpace>\n<property>RW</property>\n</hdd>\n</hddList>\n<nasList></nasList>\n"
            "<workMode>quota</workMode>\n</storage>",
            None,
            "ISAPI storage answer in the std-cgi.com namespace; names no maker; the issue files it under maker Hikvision",
            "Hikvision",
        ),
    ),
    Source(
        "ev-hikvision-next-154",
        "https://github.com/maciej-or/hikvision_next/issues/154",
        "hikvision_next #154: DS-7616NXI-K2 Invalid Operation (ISAPI answer in the browser)",
        Rec(
            "http.body",
            '<ResponseStatus xmlns="http://www.hikvision.com/ver20/XMLSchema" version="1.0">\n'
            "<requestURL>/ISAPI/System/IO/inputs/901</requestURL>\n<statusCode>4</statusCode>\n"
            "<statusString>Invalid Operation</statusString>\n<subStatusCode>invalidOperation</subStatusCode>\n"
            "</ResponseStatus>",
            "Hikvision",
            "ISAPI ResponseStatus in the hikvision.com namespace",
        ),
    ),
    # ------------------------------------------------------------------ Dahua
    Source(
        "ev-rroller-dahua-583",
        "https://github.com/rroller/dahua/issues/583",
        "rroller/dahua #583: Dahua IPC-HFW4300S-V2 CGI answers Basic only",
        Rec(
            "http.www_authenticate",
            'Basic realm="Device_CGI"',
            None,
            "generic realm; the camera is a Dahua IPC-HFW4300S-V2 (firmware 2.420)",
            "Dahua",
        ),
    ),
    Source(
        "ev-rroller-dahua-647",
        "https://github.com/rroller/dahua/issues/647",
        "rroller/dahua #647: curl -v over HTTPS to a Dahua camera (certificate)",
        Rec(
            "tls.issuer",
            "CN=NVR; C=CN; ST=Zhejiang; L=Hangzhou; O=ZheJiang Dahua Technology CO.,LTD.; OU=NVR",
            "Dahua",
            "issuer organisation is Dahua",
        ),
        Rec(
            "tls.subject",
            "CN=192.168.20.92; C=CN",
            None,
            "subject is only the device address; the device is a Dahua camera",
            "Dahua",
        ),
    ),
    Source(
        "ev-rroller-dahua-101",
        "https://github.com/rroller/dahua/issues/101",
        "rroller/dahua #101: Dahua NVR configManager answer (curl -v)",
        Rec(
            "http.headers",
            lines(
                "HTTP/1.1 200 OK",
                "X-XSS-Protection: 1;mode=block",
                "X-Frame-Options: SAMEORIGIN",
                "Content-Security-Policy: script-src 'self' 'unsafe-inline' 'unsafe-eval'",
                "Strict-Transport-Security: max-age=604800; includeSubDomains",
                "Content-type: text/plain;charset=utf-8",
                "CONNECTION: close",
                "Set-Cookie:secure; HttpOnly",
                "CONTENT-LENGTH: 192",
            ),
            None,
            "headers name no maker; the device is a Dahua NVR (v4 firmware)",
            "Dahua",
        ),
        Rec(
            "http.body",
            "table.General.MachineName=NVR\ntable.General.LocalNo=8\ntable.General.MachineAddress=\n"
            "table.General.LockLoginEnable=true\ntable.General.LockLoginTimes=5\ntable.General.LoginFailLockTime=300\n",
            "Dahua",
            "table.<Group>.<Key>=value is the answer format of Dahua's HTTP CGI API (configManager.cgi); Dahua NVR",
        ),
    ),
    Source(
        "ev-mediamtx-1631",
        "https://github.com/bluenviron/mediamtx/issues/1631",
        "mediamtx #1631: EZVIZ camera stream (RTSP client trace)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                "Date: Fri, Mar 31 2023 17:35:34 GMT",
                'WWW-Authenticate: Digest realm="588fcf7a1dc6", nonce="f37a39304b09e7fd81c5f2bdf593897c", stale="FALSE"',
                'WWW-Authenticate: Basic realm="588fcf7a1dc6"',
            ),
            None,
            "realm is the camera's MAC address; names no maker; the issue is about an EZVIZ (Hikvision brand) camera",
            "Hikvision",
        ),
    ),
    Source(
        "ev-html5rtsp-152",
        "https://github.com/Streamedian/html5_rtsp_player/issues/152",
        "Streamedian html5_rtsp_player #152: Dahua IP camera RTSP exchange",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 1",
                'WWW-Authenticate: Digest realm="Login to 4G057A9PAG82ECC", nonce="0da8f7daba3c280bae3c5f850d6caa1e"',
            ),
            "Dahua",
            "'Login to <Dahua serial>' realm of Dahua's RTSP server (the log printed the answer on one line)",
        ),
        Rec(
            "rtsp.server",
            "Rtsp Server/3.0",
            None,
            "generic RTSP server name; the camera is a Dahua",
            "Dahua",
        ),
    ),
    Source(
        "ev-ipcamtalk-dahua-api",
        "https://www.ipcamtalk.com/threads/direct-snapshot-link-for-web-page.16465/post-153083",
        "IPCamTalk: Dahua HTTP API document, 3.2 Authentication (quoted)",
        Rec(
            "http.www_authenticate",
            'Digest realm="DH_00408CA5EA04", nonce="000562fdY631973ef04f77a3ede7c1832ff48720ef9 5ad", stale=FALSE, qop="auth"',
            "Dahua",
            "Dahua's API document: the Dahua video product answers with a DH_<MAC> digest realm",
        ),
    ),
    Source(
        "ev-hikvision-next-196",
        "https://github.com/maciej-or/hikvision_next/issues/196",
        "hikvision_next #196: DS-KV8213-WME1(C) door station (ISAPI deviceInfo, MAC)",
        Rec("mac", "bc:5e:33:59:25:2f", "Hikvision", "OUI BC:5E:33 registered to Hangzhou Hikvision"),
    ),
    Source(
        "ev-hikvision-addons-84",
        "https://github.com/pergolafabio/Hikvision-Addons/issues/84",
        "pergolafabio/Hikvision-Addons #84: SDK log of a DS-KH8301-WT indoor station (ISAPI deviceInfo)",
        Rec(
            "http.body",
            "<serialNumber>DS-KH8301-WT0120180118WRC04467924CLU</serialNumber>\n<macAddress>18:68:cb:f6:74:57</macAddress>\n"
            "<firmwareVersion>V1.5.1</firmwareVersion>\n<firmwareReleasedDate>build 190613</firmwareReleasedDate>\n"
            "<encoderVersion>V1.0</encoderVersion>\n<encoderReleasedDate>build 181126</encoderReleasedDate>\n"
            "<deviceType>EmbeddedNetVIS</deviceType>\n<telecontrolID>255</telecontrolID>\n</DeviceInfo>",
            "Hikvision",
            "tail of an ISAPI DeviceInfo answer (the log excerpt starts at serialNumber): a DS-KH Hikvision indoor-station "
            "serial, a Hikvision MAC",
        ),
        Rec("mac", "18:68:cb:f6:74:57", "Hikvision", "OUI 18:68:CB registered to Hangzhou Hikvision"),
    ),
    Source(
        "ev-hikvision-addons-181",
        "https://github.com/pergolafabio/Hikvision-Addons/issues/181",
        "pergolafabio/Hikvision-Addons #181: Hikvision DS-KV9503-WBE1 (ISAPI deviceInfo in the SDK log)",
        Rec(
            "http.body",
            "<bootVersion>33751053</bootVersion>\n<bootReleasedDate>1575172</bootReleasedDate>\n"
            "<hardwareVersion>0x10101</hardwareVersion>\n<deviceType>VIS</deviceType>\n<subDeviceType>doorStation</subDeviceType>\n"
            "<telecontrolID>88</telecontrolID>\n<supportBeep>true</supportBeep>\n<supportVideoLoss>true</supportVideoLoss>\n"
            "<alarmOutNum>2</alarmOutNum>\n<RS485Num>1</RS485Num>\n<OEMCode>1</OEMCode>\n"
            "<touchScreenVersionInfo>4</touchScreenVersionInfo>\n<alarmInNum>4</alarmInNum>\n"
            "<encryptionModel>e255</encryptionModel>\n</DeviceInfo>",
            None,
            "tail of an ISAPI DeviceInfo answer (the excerpt starts after the model); names no maker; the device is a "
            "Hikvision DS-KV9503 door station",
            "Hikvision",
        ),
    ),
    Source(
        "ev-unifi-cam-proxy-145",
        "https://github.com/keshavdv/unifi-cam-proxy/issues/145",
        "unifi-cam-proxy #145: Hikvision / HiWatch motion support (ISAPI alertStream output)",
        Rec(
            "http.body",
            '<EventNotificationAlert version="2.0" xmlns="http://www.std-cgi.com/ver20/XMLSchema">\n'
            "<ipAddress>192.168.10.XXX</ipAddress>\n<portNo>80</portNo>\n<protocol>HTTP</protocol>\n"
            "<macAddress>f8:4d:fc:XX:XX:XX</macAddress>\n<channelID>1</channelID>\n<dateTime>2022-01-13T02:28:28+03:00</dateTime>\n"
            "<activePostCount>283</activePostCount>\n<eventType>VMD</eventType>\n<eventState>inactive</eventState>\n"
            "<eventDescription>Motion alarm</eventDescription>\n<DetectionRegionList>\n</DetectionRegionList>\n"
            "<channelName>Camera 01</channelName>\n</EventNotificationAlert>",
            "Hikvision",
            "ISAPI event in the std-cgi.com namespace with a Hikvision OUI (F8:4D:FC) MAC; HiWatch/Hikvision camera",
        ),
    ),
    Source(
        "ev-ha-82767",
        "https://github.com/home-assistant/core/issues/82767",
        "home-assistant #82767: Hikvision binary sensor misses events (ISAPI alertStream of a Hikvision NVR)",
        Rec(
            "http.body",
            '<EventNotificationAlert version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n'
            "<ipAddress>192.168.20.88</ipAddress>\n<portNo>80</portNo>\n<protocolType>HTTP</protocolType>\n"
            "<macAddress>c0:6d:ed:02:d3:d9</macAddress>\n<dynChannelID/>\n<channelID/>\n"
            "<dateTime>2022-12-11T15:30:20+09:30</dateTime>\n<activePostCount>0</activePostCount>",
            "Hikvision",
            "ISAPI event (isapi.org namespace) with a Hikvision OUI (C0:6D:ED) MAC; cut where the issue's excerpt ends",
        ),
        Rec("mac", "c0:6d:ed:02:d3:d9", "Hikvision", "OUI C0:6D:ED registered to Hangzhou Hikvision"),
    ),
    Source(
        "ev-ha-35947",
        "https://github.com/home-assistant/core/issues/35947",
        "home-assistant #35947: Unable to set up a Hikvision DS-HD1 doorbell camera (ONVIF entry name with MAC)",
        Rec(
            "mac",
            "80:91:33:88:7c:49",
            None,
            "OUI 80:91:33 is AzureWave's (a Wi-Fi module maker): names the module, not the device; the doorbell is a "
            "Hikvision DS-HD1",
            "Hikvision",
        ),
    ),
    Source(
        "ev-go2rtc-903",
        "https://github.com/AlexxIT/go2rtc/issues/903",
        "go2rtc #903: Unable to use Hikvision ISAPI 2-way audio (RTSP trace of a Hikvision camera)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "Cseq: 1",
                'Www-Authenticate: Digest realm="IP Camera(K2195)", nonce="b5fd8c0e7ee914dd58645cb76332f2a2", stale="FALSE"',
                "Date: Thu, Apr 08 1971 16:53:52 GMT",
            ),
            None,
            "'IP Camera(<serial tail>)' realm names no maker; the camera is a Hikvision (Streaming/Channels/101, ISAPI)",
            "Hikvision",
        ),
    ),
    Source(
        "ev-rroller-dahua-9",
        "https://github.com/rroller/dahua/issues/9",
        "rroller/dahua #9: NVR support (magicBox CGI answers of a Dahua NVR)",
        Rec(
            "http.body",
            "deviceType=31\nprocessor=ST7108\nserialNumber=4F07335PAZEEA9B\nupdateSerial=NVR2X-4KS3\n",
            "Dahua",
            "answer of Dahua's magicBox.cgi getSystemInfo (key=value shape of Dahua's HTTP API, Dahua serial format)",
        ),
        Rec("http.body", "vendor=Dahua\n", "Dahua", "magicBox.cgi getVendor"),
        Rec(
            "http.body",
            "version=4.001.0000005.0,build:2020-11-17\n",
            None,
            "magicBox.cgi getSoftwareVersion: a Dahua firmware number, names no maker itself",
            "Dahua",
        ),
    ),
    Source(
        "ev-pypi-hikvisionapi-011",
        "https://www.pypi.org/project/hikvisionapi/0.1.1/",
        "PyPI hikvisionapi 0.1.1 project page (System/deviceInfo answer of a Hikvision device as text)",
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8" ?>\n<DeviceInfo version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n'
            "<deviceName>HIKVISION</deviceName>\n</DeviceInfo>",
            "Hikvision",
            "ISAPI DeviceInfo in the hikvision.com namespace, default device name HIKVISION",
        ),
    ),
]
