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
]
