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

from public_records import Rec, Source, lines

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
