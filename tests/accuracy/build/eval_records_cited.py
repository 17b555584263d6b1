"""Records gathered for the evaluation corpus whose sources turned out to be cited by custodiet's
content files (src/custodiet/content) when checked: signatures were written from them, so they
cannot measure generalisation. Kept here, out of build/evaluation.py's tables, as further
development records (same shape as eval_records_cameras.py); test_corpus.py checks that no
evaluation source is cited by the content.
"""

from __future__ import annotations

from public_records import Rec, Source, lines

SOURCES: list[Source] = [
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
        "ev-hikvision-next-196",
        "https://github.com/maciej-or/hikvision_next/issues/196",
        "hikvision_next #196: DS-KV8213-WME1(C) door station (ISAPI deviceInfo, MAC)",
        Rec("mac", "bc:5e:33:59:25:2f", "Hikvision", "OUI BC:5E:33 registered to Hangzhou Hikvision"),
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
        "ev-tsos-vhf-3",
        "https://github.com/trackIT-Systems/tsOS-vhf/issues/3",
        "trackIT-Systems/tsOS-vhf #3: Query Huawei LTE information (api/device/information of an E3372h-320)",
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8"?>\n<response>\n<DeviceName>E3372h-320</DeviceName>\n'
            "<SerialNumber>VQNDW21311001538</SerialNumber>\n<Imei>12345678901234</Imei>\n<Imsi> 12345678901234 </Imsi>\n"
            "<Iccid> 12345678901234 </Iccid>\n<Msisdn></Msisdn>\n<HardwareVersion>CL4E3372HM</HardwareVersion>\n"
            "<SoftwareVersion>11.0.1.1&#40;H697SP1C983&#41;</SoftwareVersion>\n"
            "<WebUIVersion>WEBUI 11.0.1.1&#40;W13SP1C7110&#41;</WebUIVersion>\n<MacAddress1>00:10:20:30:40:50</MacAddress1>\n"
            "<MacAddress2></MacAddress2>\n<WanIPAddress>10.217.152.142</WanIPAddress>\n"
            "<wan_dns_address>198.51.100.53,198.51.100.54</wan_dns_address>\n<WanIPv6Address></WanIPv6Address>\n"
            "<wan_ipv6_dns_address></wan_ipv6_dns_address>\n<ProductFamily>LTE</ProductFamily>\n<Classify>hilink</Classify>\n"
            "<supportmode>LTE|WCDMA|GSM</supportmode>\n<workmode>LTE</workmode>\n<submask>255.255.255.255</submask>\n"
            "<Mccmnc>240075</Mccmnc>\n<iniversion>E3372h-320-CUST 10.0.3.2&#40;C1217&#41;</iniversion>\n<uptime>1801</uptime>\n"
            "<ImeiSvn>07</ImeiSvn>\n<spreadname_en></spreadname_en>\n<spreadname_zh></spreadname_zh>\n</response>",
            "Huawei",
            "Huawei HiLink modem E3372h (model and HiLink API shape); public DNS addresses replaced by documentation ones",
        ),
    ),
    Source(
        "ev-huaweib525router-12",
        "https://github.com/jinxo13/HuaweiB525Router/issues/12",
        "jinxo13/HuaweiB525Router #12: api/device/information of a Huawei B525s-65a",
        Rec(
            "http.body",
            '<?xml version="1.0"encoding="UTF-8"?> <response><DeviceName>B525s-65a</DeviceName><SerialNumber>YXFDW19725003874'
            "</SerialNumber><Imei>XXXX</Imei><Imsi>XXXX</Imsi><Iccid>QISB525S-65A</Iccid><Msisdn/><HardwareVersion>WL2B520M"
            "</HardwareVersion><SoftwareVersion>11.170.61.00.158</SoftwareVersion><WebUIVersion>21.100.34.00.03</WebUIVersion>"
            "<MacAddress1>44:59:E3:2C:D7:AF</MacAddress1><MacAddress2/><WanIPAddress>203.0.113.34</WanIPAddress>"
            "<wan_dns_address>192.168.254.254</wan_dns_address><WanIPv6Address/><wan_ipv6_dns_address/><ProductFamily>LTE"
            "</ProductFamily><Classify>cpe</Classify><supportmode>LTE|WCDMA|GSM</supportmode><workmode>LTE</workmode>"
            "<submask>255.255.255.0</submask></response>",
            "Huawei",
            "Huawei B525 LTE CPE; IMEI/IMSI redacted here (subscriber identifiers), carrier WAN address replaced",
        ),
        Rec("mac", "44:59:E3:2C:D7:AF", "Huawei", "OUI 44:59:E3 registered to Huawei Technologies"),
    ),
    Source(
        "ev-sysobjectids-75",
        "https://github.com/fusioninventory/sysobject.ids/issues/75",
        "fusioninventory/sysobject.ids #75: Huawei OceanStor Dorado 300 (snmpget sysObjectID)",
        Rec(
            "snmp.sysobjectid",
            "iso.3.6.1.4.1.2011.2.91",
            "Huawei",
            "Huawei enterprise 2011; OceanStor storage",
        ),
    ),
]
