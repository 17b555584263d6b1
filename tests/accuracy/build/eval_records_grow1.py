"""Evaluation records, round 3 (ids `ev3-`): RTSP exchanges, ISAPI/CGI answers, LTE CPE APIs,
banners and discovery answers from sources rounds 1 and 2 did not visit.

Sources: issue threads of RTSP client libraries and players (androidx/media, ExoPlayer forks,
RootEncoder, scrypted), Chinese blog posts and their mirrors quoting whole RTSP/HTTP exchanges,
and other issue threads where a user pasted the device's own output. Same table shape and copying
rules as eval_records_cameras2.py: texts as the source shows them (an answer a log printed on one
line is put back on CRLF-separated lines, and the note says so), private and documentation
addresses kept, other addresses replaced by RFC 5737 ones (noted), subscriber identifiers (IMEI,
IMSI, ICCID) replaced by zeros of the same length. Labels come from the text and the source's own
words, never from custodiet's answer: `None` with `device` for a text that names nobody from a
device whose maker the source states; brands HiWatch/HiLook/EZVIZ are labelled Hikvision.
"""

from __future__ import annotations

from public_records import Rec, Source, lines

SOURCES: list[Source] = [
    # ------------------------------------------------------------------ Hikvision (RTSP)
    Source(
        "ev3-androidx-media-522",
        "https://github.com/androidx/media/issues/522",
        "androidx/media #522: RTSP UDP->TCP failover produces 401 (RtspClient log of a HiWatch/Hikvision DS-I213)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 0",
                "Public: OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
                "Date: Fri, Jul 14 2023 10:02:09 GMT",
            ),
            None,
            "OPTIONS answer names nobody; the issue states a HiWatch / Hikvision IP camera (DS-I213)",
            "Hikvision",
        ),
    ),
    Source(
        "ev3-androidx-media-357",
        "https://github.com/androidx/media/issues/357",
        "androidx/media #357: Hikvision RTSP streams that require authentication cannot be played (RTSP log)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 3",
                "Session:       1299260789;timeout=60",
                'Transport: RTP/AVP;unicast;client_port=36618-36619;server_port=8314-8315;ssrc=0cb32b85;mode="play"',
                "Date:  Wed, Apr 26 2023 14:04:10 GMT",
            ),
            None,
            "SETUP answer names nobody; the issue is about a Hikvision camera",
            "Hikvision",
        ),
    ),
    Source(
        "ev3-csdn-blwinner-51096875",
        "https://blog.youkuaiyun.com/blwinner/article/details/51096875",
        "CSDN mirror: 海康rtsp抓包分析 (Hikvision RTSP capture analysis: DESCRIBE 401 and 200 answers)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 0",
                'WWW-Authenticate: Digest realm="c056e3f5d007", nonce="17a6accbfba1e0534b5856e9c942bfd4", stale="FALSE"',
                'WWW-Authenticate: Basic realm="c056e3f5d007"',
                "Date:  Wed, Apr 06 2016 17:13:41 GMT",
            ),
            None,
            "realm is only the device's MAC address; the post analyses a Hikvision camera's RTSP",
            "Hikvision",
        ),
    ),
    Source(
        "ev3-runxinzhi-jingzhishen-5673143",
        "http://runxinzhi.com/jingzhishen-p-5673143.html",
        "runxinzhi.com: RTSP digest authentication (response calculation), VLC exchange with a camera at /ch1/main/av_stream",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="Hikvision", nonce="78f40f2c57eee727a4be179049cecf89", '
                'random="+FeTGE9jY6DXLFwxbn0zJ4/iHBPwBt2qFko+pe2glxvlzc6XEqkODju95yt+3Ajl", stale="FALSE"',
                'WWW-Authenticate: Basic realm="/"',
            ),
            "Hikvision",
            "digest realm names Hikvision (the page printed the exchange on one line)",
        ),
        Rec(
            "rtsp.response",
            lines("RTSP/1.0 200 OK", "CSeq: 3", "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE"),
            None,
            "OPTIONS answer names nobody; same camera, whose realm is Hikvision",
            "Hikvision",
        ),
    ),
    # ------------------------------------------------------------------ negatives (RTSP)
    Source(
        "ev3-scrypted-1014",
        "https://github.com/koush/scrypted/issues/1014",
        "scrypted #1014: RTSP camera doesn't authenticate (Rebroadcast log of a TP-Link VIGI C330i)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 0",
                "Date: Sat, Aug 12 2023 14:29:34 GMT",
                "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER",
            ),
            None,
            "OPTIONS answer names nobody; the commenter's camera is a TP-Link VIGI C330i",
            "TP-Link",
        ),
    ),
    Source(
        "ev3-rootencoder-46",
        "https://github.com/pedroSG94/RootEncoder/issues/46",
        "RootEncoder #46: Auth error (RtspClient log of a streaming server's 401)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "Server: DSS/5.5.5 (Build/489.16; Platform/Linux; Release/Darwin; state/beta; )",
                "Cseq: 1",
                'WWW-Authenticate: Digest realm="Streaming Server", nonce="cba1e24d77d2b0f00c91f0e2f3f06ade"',
            ),
            None,
            "Darwin Streaming Server (software, EasyDarwin per the thread), no device maker",
        ),
        Rec(
            "rtsp.server",
            "DSS/5.5.5 (Build/489.16; Platform/Linux; Release/Darwin; state/beta; )",
            None,
            "Darwin Streaming Server software string",
        ),
    ),
    Source(
        "ev3-zlmediakit-1246",
        "https://github.com/ZLMediaKit/ZLMediaKit/issues/1246",
        "ZLMediaKit #1246: RTSP pull compatibility (openRTSP exchange with an Arecont Vision camera)",
        Rec(
            "rtsp.response",
            lines("RTSP/1.0 401 Unauthorized", "CSeq: 2", 'WWW-Authenticate: Basic realm="Arecont Vision"'),
            None,
            "realm names Arecont Vision, a maker outside the catalogue",
        ),
    ),
    Source(
        "ev3-myrtspclient-4",
        "https://github.com/Ansersion/myRtspClient/issues/4",
        "myRtspClient #4: Authentication does not work (OPTIONS answer of a Reolink C1-Pro)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 1",
                "Date: Mon, May 21 2018 21:05:28 GMT",
                "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER",
            ),
            None,
            "OPTIONS answer names nobody; the user's camera is a Reolink C1-Pro",
            "Reolink",
        ),
    ),
    # ------------------------------------------------------------------ SSH banners
    Source(
        "ev3-netmiko-2959",
        "https://github.com/ktbyers/netmiko/issues/2959",
        "Netmiko #2959: Connecting to Huawei, Unable to open channel (paramiko debug log)",
        Rec("ssh.banner", "SSH-2.0-HUAWEI-1.5", "Huawei", "SSH server version names Huawei"),
    ),
    Source(
        "ev3-phpseclib-964",
        "https://github.com/phpseclib/phpseclib/issues/964",
        "phpseclib #964: Invalid HMAC (SSH server identifying itself as SSH-2.0--, a Huawei ATN router)",
        Rec(
            "ssh.banner",
            "SSH-2.0--",
            None,
            "empty software version names nobody; the reporter says the device is a Huawei ATN router",
            "Huawei",
        ),
    ),
    Source(
        "ev3-crackmapexec-405",
        "https://github.com/byt3bl33d3r/CrackMapExec/issues/405",
        "CrackMapExec #405: how CME gets the remote version/idstring (paramiko debug against a Raspbian host)",
        Rec(
            "ssh.banner",
            "SSH-2.0-OpenSSH_7.4p1 Raspbian-10+deb9u7",
            None,
            "OpenSSH on the Raspbian distribution: software, names no device maker",
        ),
    ),
    Source(
        "ev3-paramiko-1818",
        "https://github.com/paramiko/paramiko/issues/1818",
        "paramiko #1818: JunOS 18 (paramiko debug log of a Junos device)",
        Rec(
            "ssh.banner",
            "SSH-2.0-OpenSSH_7.4",
            None,
            "bare OpenSSH version names nobody; the issue is about a Junos 18 device",
            "Juniper Networks",
        ),
    ),
    # ------------------------------------------------------------------ Dahua (RTSP)
    Source(
        "ev3-thc-hydra-695",
        "https://github.com/vanhauser-thc/thc-hydra/issues/695",
        "thc-hydra #695: RTSP errors against a LAN camera (debug hex dump of the camera's 401)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="Login to D12A163300000656", nonce="1f75a67964d63e257edb6c66163f1261"',
            ),
            "Dahua",
            "'Login to <15-character serial>' is Dahua's digest realm form (decoded from the hex dump)",
        ),
    ),
    # ------------------------------------------------------------------ negatives (cameras)
    Source(
        "ev3-node-onvif-40",
        "https://github.com/GuilhermeC18/node-onvif/issues/40",
        "node-onvif #40: Handle digest on fetch snapshot (401 headers of an Axis camera)",
        Rec(
            "http.www_authenticate",
            'Digest realm="AXIS_WS_ACCC8E494578", nonce="t6fuOp51BQA=f644e559881cb59b13221e8f9b63747f39e342c7", '
            'algorithm=MD5, qop="auth"',
            "Axis",
            "realm AXIS_WS_<MAC> names Axis (ACCC8E is an Axis Communications OUI)",
        ),
        Rec(
            "http.server",
            "Apache/2.4.27 (Unix) OpenSSL/1.0.2k",
            None,
            "Apache web server software names no maker; the camera is an Axis",
            "Axis",
        ),
    ),
    Source(
        "ev3-zoneminder-738",
        "https://github.com/ZoneMinder/zoneminder/issues/738",
        "ZoneMinder #738: 1.28.1 lost RTSP authentication (zmc debug of a camera's RTSP 401)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "Server: Rtsp Server/2.0",
                "CSeq: 1",
                'WWW-Authenticate: Basic realm="RtspSever2.0"',
            ),
            None,
            "generic RTSP server name and realm; the issue does not say which camera",
        ),
    ),
    # ------------------------------------------------------------------ Hikvision (ISAPI)
    Source(
        "ev3-pyhik-64",
        "https://github.com/mezz64/pyHik/issues/64",
        "pyHik #64: 'NoneType' object has no attribute 'text' (ISAPI MotionDetection answer of a Hikvision NVR, new namespace)",
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            '<MotionDetection version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">\n'
            "<enabled>true</enabled>\n<enableHighlight>true</enableHighlight>\n<samplingInterval>5</samplingInterval>\n"
            "<startTriggerTime>1000</startTriggerTime>\n<endTriggerTime>1000</endTriggerTime>\n<regionType>grid</regionType>",
            "Hikvision",
            "head of an ISAPI answer in the isapi.org namespace, which the reporter's Hikvision NVR firmware switched to "
            "from hikvision.com; ISAPI is Hikvision's HTTP API",
        ),
    ),
    Source(
        "ev3-node-red-hikvision-ultimate-13",
        "https://github.com/Supergiovane/node-red-contrib-hikvision-ultimate/issues/13",
        "node-red-contrib-hikvision-ultimate #13: IP cameras still not working (alertStream of an iDS-7208HUHI-K1/4S hybrid DVR)",
        Rec(
            "http.body",
            '<EventNotificationAlert version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">\n'
            "<ipAddress>192.168.1.81</ipAddress>\n<portNo>80</portNo>\n<protocol>HTTP</protocol>\n"
            "<macAddress>ac:cb:51:e7:ed:ca</macAddress>\n<channelID>0</channelID>\n"
            "<dateTime>2021-04-06T18:04:2800:00</dateTime>\n<activePostCount>0</activePostCount>\n"
            "<eventType>videoloss</eventType>\n<eventState>inactive</eventState>\n"
            "<eventDescription>videoloss alarm</eventDescription>\n</EventNotificationAlert>",
            "Hikvision",
            "ISAPI event in the hikvision.com namespace (the log printed the answer as shown)",
        ),
        Rec("mac", "ac:cb:51:e7:ed:ca", "Hikvision", "OUI AC:CB:51 registered to Hangzhou Hikvision"),
    ),
    Source(
        "ev3-evercam-server-63",
        "https://github.com/evercam/evercam-server/issues/63",
        "evercam-server #63: XML answer of a camera to an ISAPI snapshot request (PSIA namespace)",
        Rec(
            "http.body",
            '<ResponseStatus xmlns="urn:psialliance-org" version="1.0">\n'
            "<requestURL>/ISAPI/Streaming/channels/201/picture</requestURL>\n<statusCode>3</statusCode>\n"
            "<statusString>Device Error</statusString>\n<subStatusCode>deviceError</subStatusCode>\n</ResponseStatus>",
            None,
            "PSIA-alliance namespace and an ISAPI path, but no maker named and the source does not say whose camera "
            "('ardmac cams'): a maker we cannot settle",
        ),
    ),
    # ------------------------------------------------------------------ negatives (TVT API documentation)
    Source(
        "ev3-cctvcamerapros-getdeviceinfo",
        "https://videos.cctvcamerapros.com/developer/docs/api-reference/system/get-device-info",
        "CCTV Camera Pros developer docs: GetDeviceInfo (example answer of a Viewtron IPC, ipc.com namespace)",
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8"?>\n<config version="2.0.0" xmlns="http://www.ipc.com/ver10">\n<deviceInfo>\n'
            '<deviceName type="string"><![CDATA[IPC]]></deviceName>\n'
            '<deviceDescription type="string"><![CDATA[E4_4MP_]]></deviceDescription>\n'
            '<apiVersion type="string"><![CDATA[2.0.0]]></apiVersion>',
            None,
            "head of the documented answer: generic names, brand placeholder; names no maker",
        ),
    ),
    Source(
        "ev3-cctvcamerapros-getdevicedetail",
        "https://videos.cctvcamerapros.com/developer/docs/api-reference/system/get-device-detail",
        "CCTV Camera Pros developer docs: GetDeviceDetail (example answer of an IPC, ipc.com namespace)",
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8"?>\n<config version="1.0" xmlns="http://www.ipc.com/ver10">\n<detail>\n<property>\n'
            '<deviceName type="string"><![CDATA[IPC]]></deviceName>\n'
            '<deviceDescription type="string"><![CDATA[IPCamera]]></deviceDescription>\n'
            '<model type="string"><![CDATA[TD-9421M]]></model>\n<brand type="string"><![CDATA[IPC]]></brand>',
            None,
            "head of the documented answer: TD- model, generic brand; names no maker by itself",
        ),
        Rec(
            "mac",
            "00:18:ae:98:38:fd",
            "TVT",
            "OUI 00:18:AE registered to TVT CO.,LTD (the documented answer's MAC)",
        ),
    ),
    # ------------------------------------------------------------------ RTSP blog posts (unsettled and software)
    Source(
        "ev3-cnblogs-shawn-meng-15921969",
        "https://cnblogs.com/shawn-meng/p/15921969.html",
        "cnblogs: VLC RTSP captures of a 'Dahua IPC' (OPTIONS 401 and 200 answers, /stream/live path)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 5",
                'WWW-Authenticate: Digest realm="Login to 210235H0211199A00001", nonce="98c6f819e476abd44cbcf2847f760364"',
            ),
            None,
            "the post calls the camera a Dahua IPC, but the 20-character 210235... serial in the realm follows the "
            "H3C/Uniview part numbering, not Dahua's 15-character serials: a maker we cannot settle",
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 6",
                "Server: Rtsp Server/3.0",
                "Public: OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, SET_PARAMETER, GET_PARAMETER",
            ),
            None,
            "generic RTSP server name; same camera, maker not settled",
        ),
    ),
    Source(
        "ev3-csdn-weixin41637955-122508561",
        "https://blog.csdn.net/weixin_41637955/article/details/122508561",
        "CSDN: RTSP capture analysis (DESCRIBE answer of a public Wowza demo stream)",
        Rec(
            "rtsp.server",
            "Wowza Streaming Engine 4.8.10 build20210217143515",
            None,
            "streaming server software, no device maker",
        ),
    ),
    # ------------------------------------------------------------------ Hikvision (ONVIF)
    Source(
        "ev3-evercam-server-10",
        "https://github.com/evercam/evercam-server/issues/10",
        "evercam-server #10: get a camera's MAC with ONVIF (onvif-cli GetDeviceInformation of a Hikvision PTZ, 401 page)",
        Rec(
            "onvif.device_information",
            "<tds:GetDeviceInformationResponse>\n  <tds:Manufacturer>HIKVISION</tds:Manufacturer>\n"
            "  <tds:Model>DS-2DF7286-A</tds:Model>\n  <tds:FirmwareVersion>V5.1.8 build 140616</tds:FirmwareVersion>\n"
            "  <tds:SerialNumber>DS-2DF7286-A20140705CCWR471699220B</tds:SerialNumber>\n"
            "  <tds:HardwareId>88</tds:HardwareId>\n</tds:GetDeviceInformationResponse>",
            "Hikvision",
            "onvif-cli printed the parsed values; put back into the element in the spec's order (Manufacturer HIKVISION)",
        ),
        Rec(
            "http.body",
            "<!DOCTYPE html>\r\n<html><head><title>Document Error: Unauthorized</title></head>\r\n"
            "<body><h2>Access Error: 401 -- Unauthorized</h2>\r\n"
            "<p>Authentication Error: Access Denied! Authorization required.</p>\r\n</body>\r\n</html>\r\n",
            None,
            "generic embedded-server 401 page (the log printed it with escaped line ends); the camera is the Hikvision above",
            "Hikvision",
        ),
    ),
    # ------------------------------------------------------------------ more RTSP client logs
    Source(
        "ev3-rootencoder-1470",
        "https://github.com/pedroSG94/RootEncoder/issues/1470",
        "RootEncoder #1470: retry error configuring stream (CommandsManager log against /cam/realmonitor)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 1",
                'WWW-Authenticate: Digest realm="Login to dd6e213b24f9567bdf6874a9afec49e0", nonce="4145f1278977248b5354ca9f9738d35e"',
            ),
            "Dahua",
            "'Login to <id>' digest realm of Dahua's RTSP server (the request path is Dahua's /cam/realmonitor)",
        ),
    ),
    Source(
        "ev3-gsyvideoplayer-592",
        "https://github.com/CarGuo/GSYVideoPlayer/issues/592",
        "GSYVideoPlayer #592: how to do digest authentication (IJKMEDIA log of an NVR's RTSP 401, /unicast/c45/s0/live)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                'WWW-Authenticate: Digest realm="48ea6362afe8",nonce="5a0bf798cbcf61815e00", stale="FALSE"',
                'WWW-Authenticate: Basic realm="48ea6362afe8"',
            ),
            None,
            "hard negative: a MAC-address realm like Hikvision's, but 48:EA:63 is a Uniview block and the path is Uniview's "
            "unicast/cN/sN/live; names no maker itself (status line from the log's '401 Unauthorized', headers as logged)",
        ),
    ),
    Source(
        "ev3-mediamtx-3116",
        "https://github.com/bluenviron/mediamtx/issues/3116",
        "mediamtx #3116: RTSP source 401 after v1.6.0 (gortsplib log of a TP-Link camera)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 1",
                "Date: Sun, Apr 28 2024 06:49:17 GMT",
                "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER, MULTITRANS",
            ),
            None,
            "OPTIONS answer names nobody; the same camera's realm is TP-LINK IP-Camera",
            "TP-Link",
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 2",
                "Date: Sun, Apr 28 2024 06:49:17 GMT",
                'WWW-Authenticate: Basic realm="TP-LINK IP-Camera"',
                'WWW-Authenticate: Digest realm="TP-LINK IP-Camera", nonce="6100befdab6f407276c35030a302430b"',
            ),
            "TP-Link",
            "realm names TP-Link",
        ),
    ),
    # ------------------------------------------------------------------ ZTE (LTE CPE web API)
    Source(
        "ev3-zte-api-and-hack-7",
        "https://github.com/paulo-correia/ZTE_API_and_Hack/issues/7",
        "ZTE_API_and_Hack #7: MF286C returns HTML saying page moved (answer to the goform login POST)",
        Rec(
            "http.body",
            '<html><head></head><body>\n        This document has moved to a new <a href="http://192.168.0.1/pub/login.html"  '
            "location </a>.\n        Please update your documents to reflect the new location.\n        </body></html>\n",
            None,
            "generic 'document has moved' page names nobody; the issue is about a ZTE MF286C LTE router",
            "ZTE",
        ),
    ),
    Source(
        "ev3-zte-api-and-hack-1",
        "https://github.com/paulo-correia/ZTE_API_and_Hack/issues/1",
        "ZTE_API_and_Hack #1: ZTE mf286 (curl of goform_set_cmd_process, the router's JSON answer)",
        Rec(
            "http.body",
            '{"result":"3"}',
            None,
            "bare JSON status names nobody; the device is a ZTE MF286 (goform API)",
            "ZTE",
        ),
    ),
]
