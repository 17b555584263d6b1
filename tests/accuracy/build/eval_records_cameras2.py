"""Evaluation records, round 2: cameras, recorders, intercoms and access control of covered makers.

Round 2 of the held-out corpus (issue 8): sources of other kinds than round 1's GitHub issue
search (blog posts and write-ups, forum threads, vendor and third-party documentation pages,
package pages), plus issue threads of projects round 1 did not visit. Same table shape and
copying rules as eval_records_cameras.py; origin ids start with `ev2-`.

Texts are copied as each source shows them. A source seen only through a search excerpt is
used only for what the excerpt shows whole (a header line, a complete answer); a text cut
short is not used. Addresses: private and documentation addresses stay, others become RFC 5737
documentation addresses and the note says so; subscriber identifiers (IMEI, IMSI, ICCID) are
replaced by zeros of the same length. Labels come from the text and the source's own words,
never from custodiet's answer: `None` with `device` for a text that names nobody from a device
whose maker the source states.
"""

from __future__ import annotations

from public_records import Rec, Source, lines

SOURCES: list[Source] = [
    # ------------------------------------------------------------------ Hikvision
    Source(
        "ev2-coreui-234624",
        "http://coreui.cn/news/234624.html",
        "coreui.cn: Qt HTTP digest authentication with a Hikvision PTZ camera (ISAPI), Wireshark capture of the 401",
        Rec(
            "http.www_authenticate",
            'Digest qop="auth", realm="IP Camera(AE424)", '
            'nonce="353334613a31313564353336613a06002d080ad3bdce5c80d6282269c72b", stale="FALSE"',
            None,
            "realm is the generic 'IP Camera(<serial tail>)' form; the post is about a Hikvision dome (ISAPI)",
            "Hikvision",
        ),
    ),
    Source(
        "ev2-csdn-unix2linux-141184629",
        "https://blog.youkuaiyun.com/unix2linux/article/details/141184629",
        "CSDN mirror: shell digest authentication against /ISAPI/System/deviceInfo (curl -I of the 401)",
        Rec(
            "http.www_authenticate",
            'Digest qop="auth", realm="IP Camera(FG513)", '
            'nonce="363366353a35303765373163623ac37af43d2139923cb0440c109a7e65c2", stale="FALSE"',
            None,
            "realm names nobody; the device answers Hikvision's ISAPI path /ISAPI/System/deviceInfo",
            "Hikvision",
        ),
    ),
    # ------------------------------------------------------------------ Dahua
    Source(
        "ev2-796t-1549341382",
        "https://796t.com/content/1549341382.html",
        "796t.com: ONVIF HTTP digest authentication message flow (GetDeviceInformation 401 of a camera)",
        Rec(
            "http.www_authenticate",
            'Digest realm="Login to 2J01018PAA00816",qop="auth",nonce="b252aWYtZGlnZXN0OjQzMjUzMzYxMzMw", '
            'opaque="", stale="false"',
            "Dahua",
            "'Login to <15-character serial>' is Dahua's digest realm form",
        ),
    ),
    Source(
        "ev2-rroller-dahua-59",
        "https://github.com/rroller/dahua/issues/59",
        "rroller/dahua #59: Not loading with DVR (magicBox getSystemInfo and getDeviceType answers of a Dahua XVR5108C-X)",
        Rec(
            "http.body",
            lines("processor=ST7108", "serialNumber=...", "updateSerial=XVR5108C-X", ""),
            "Dahua",
            "getSystemInfo answer (serial redacted by the user as shown); XVR5108C-X is a Dahua recorder model",
        ),
        Rec("http.body", "type=DH-XVR5108C-X", "Dahua", "getDeviceType answer; DH- is Dahua's model prefix"),
    ),
    Source(
        "ev2-juejin-7095926793076473887",
        "https://juejin.cn/post/7095926793076473887",
        "juejin.cn: RTSP unicast flow against a camera at its default address 192.168.1.x (/h264/ch1/main/av_stream), requests and answers",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 1",
                "Public: OPTIONS,DESCRIBE,GET_PARAMETER,PAUSE,SETUP,SET_PARAMETER,TEARDOWN",
                "Date: Sat,Jan 03 1970 03:37:20 GMT",
            ),
            None,
            "OPTIONS answer names nobody; the stream path /h264/ch1/main/av_stream and address 192.168.1.64 are Hikvision's",
            "Hikvision",
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="IP Camera(G8119)", nonce="43bxxxx8fe",stale="FALSE"',
                "Date: Sat, Jan 03 1970 03:37:20 GMT",
            ),
            None,
            "realm 'IP Camera(<serial tail>)' names nobody (nonce shortened by the author); Hikvision stream path",
            "Hikvision",
        ),
    ),
    Source(
        "ev2-csdn-zhouyongku-39182743",
        "https://blog.csdn.net/zhouyongku/article/details/39182743",
        "CSDN: RTSP session with a camera at /MPEG-4/ch2/main/av_stream (OPTIONS, DESCRIBE 401 answers)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 1",
                "Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
                "Date: Wed, Sep 10 2014 16:27:48 GMT",
            ),
            None,
            "OPTIONS answer names nobody; /MPEG-4/ch2/main/av_stream is Hikvision's stream path",
            "Hikvision",
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="4419b63a3e83", nonce="fa218e35fe0bb9cb74269789478d663c", stale="FALSE"',
                'WWW-Authenticate: Basic realm="4419b63a3e83"',
                "Date: Wed, Sep 10 2014 16:27:48 GMT",
            ),
            None,
            "realm is the camera's MAC address (44:19:b6 is a Hikvision block, but the text names nobody)",
            "Hikvision",
        ),
    ),
    Source(
        "ev2-digest-auth-session-cpp-1",
        "https://github.com/bertrandmartel/digest-auth-session-cpp/issues/1",
        "digest-auth-session-cpp #1: A short path (a camera's 401 answer pasted whole)",
        Rec(
            "http.server",
            "App-webs/",
            "Hikvision",
            "App-webs is the web server of Hikvision IP cameras (public CVE-2017-7921 and Shodan write-ups)",
        ),
        Rec(
            "http.www_authenticate",
            'Digest qop="auth", realm="IP Camera(C3331)", nonce="597a52684e5445784f3333364d6d45354e4455325a6d593d", stale="FALSE"',
            None,
            "realm 'IP Camera(<serial tail>)' names nobody; same answer as the App-webs server",
            "Hikvision",
        ),
        Rec(
            "http.title",
            "Document Error: Unauthorized",
            None,
            "generic embedded-server error title; same answer as the App-webs server",
            "Hikvision",
        ),
        Rec(
            "http.body",
            "<!DOCTYPE html>\n<html><head><title>Document Error: Unauthorized</title></head>\n"
            "<body><h2>Access Error: 401 -- Unauthorized</h2>\n<p>Authentication Error</p>\n</body>\n</html>",
            None,
            "generic GoAhead-style 401 page; same answer as the App-webs server",
            "Hikvision",
        ),
    ),
    Source(
        "ev2-csdn-beanguohui-121969076",
        "https://blog.csdn.net/BeanGuohui/article/details/121969076",
        "CSDN blog: 大华RTSP交互流程包 (RTSP over UDP exchange with a Dahua camera, VLC as client)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="Login to be8c87b7ecbc1c2c89f8b4da109a4f78", nonce="1ae117ce84194f06b41c1557c008dc31"',
            ),
            "Dahua",
            "'Login to <id>' digest realm of Dahua firmware; the post is about a Dahua camera",
        ),
        Rec(
            "rtsp.server", "Rtsp Server/3.0", None, "generic RTSP server name; the camera is a Dahua", "Dahua"
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 3",
                "Server: Rtsp Server/3.0",
                "Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
            ),
            None,
            "OPTIONS answer names nobody; the camera is a Dahua",
            "Dahua",
        ),
    ),
]
