"""Evaluation records, round 3 continued (ids `ev3-`): texts of covered makers' devices (and the
near-misses met while looking for them) from sources rounds 1 to 3 did not visit.

Why a separate module: this part of the round went looking for covered makers' own answers
(Hikvision, Dahua, Huawei, ZTE), which are scarce on the held-out side, in places the earlier
modules did not read: RTSP proxy debug logs (mediamtx), SSH client debug logs of Huawei routers
(ssh2 for Node.js), a pentest tool's README quoting an nmap scan. Most issue threads that quote a
covered maker's device output are already cited by the content (so they are development data and
may not appear here); every address below was checked against the content files.

Same table shape and copying rules as eval_records_grow1.py: texts as the source shows them (an
answer a log printed on one line is put back on CRLF-separated lines, and the note says so),
redactions the source made are kept, private and documentation addresses kept, other addresses
replaced by RFC 5737 ones (noted). Labels come from the text and the source's own words, never from
custodiet's answer: `None` with `device` for a text that names nobody from a device whose maker the
source states.
"""

from __future__ import annotations

from public_records import Rec, Source, lines

SOURCES: list[Source] = [
    # ------------------------------------------------------------------ Hikvision (HTTP)
    Source(
        "ev3-nmapoutputbrowser-readme",
        "https://github.com/magnusstubman/nmapoutputbrowser",
        "magnusstubman/nmapoutputbrowser README: example -vv output of a red-team scan (http-server-header script)",
        Rec(
            "http.server",
            "DNVRS-Webs",
            "Hikvision",
            "DNVRS-Webs is the web server string of Hikvision recorders (nmap http-server-header output)",
        ),
    ),
    # ------------------------------------------------------------------ Dahua (RTSP)
    Source(
        "ev3-mediamtx-368",
        "https://github.com/bluenviron/mediamtx/issues/368",
        "mediamtx #368: ERR empty header value (non-compliant camera): network dump of a Dahua device",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 1",
                'WWW-Authenticate: Digest realm="Login to UUID",nonce="123e4567-e89b-12d3-a456-426614174000"',
            ),
            "Dahua",
            "'Login to <id>' digest realm of Dahua's RTSP server; the reporter replaced the id and nonce "
            "with placeholders (kept as shown); the issue says the device is a Dahua",
        ),
    ),
    # ------------------------------------------------------------------ DJI (RTSP)
    Source(
        "ev3-dji-msdk-v5-449",
        "https://github.com/dji-sdk/Mobile-SDK-Android-V5/issues/449",
        "dji-sdk/Mobile-SDK-Android-V5 #449: RTSP live stream error (Wireshark capture of VLC against the "
        "RTSP server of a DJI remote controller running the MSDK sample)",
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 401 Unauthorized",
                "CSeq: 3",
                "Date: Mon, Nov 18 2024 10:48:25 GMT",
                'WWW-Authenticate: Digest realm="DJI MRTC RTSP Server", nonce="c74fe9ba95e0550fab7d367b6f74aa35"',
            ),
            "DJI",
            "digest realm names DJI's MRTC RTSP server (the live-stream server of DJI's SDK on the remote controller)",
        ),
        Rec(
            "rtsp.response",
            lines(
                "RTSP/1.0 200 OK",
                "CSeq: 2",
                "Date: Mon, Nov 18 2024 10:48:25 GMT",
                "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER",
            ),
            None,
            "OPTIONS answer names nobody; same DJI remote controller, whose realm names DJI",
            "DJI",
        ),
    ),
    # ------------------------------------------------------------------ Huawei (MAC)
    Source(
        "ev3-netalertx-461",
        "https://github.com/netalertx/NetAlertX/issues/461",
        "NetAlertX #461: Notification Message (arp-scan device list of a home network, address and registrant)",
        Rec(
            "mac",
            "58:d7:59:e1:dd:a5",
            "Huawei",
            "arp-scan printed registrant 'HUAWEI TECHNOLOGIES CO.,LTD' (the same in netaddr's IEEE MA-L copy)",
        ),
        Rec(
            "mac",
            "68:ff:7b:a3:bf:ff",
            "TP-Link",
            "arp-scan printed registrant 'TP-LINK TECHNOLOGIES CO.,LTD.' (the network's router at .1)",
        ),
    ),
    # ------------------------------------------------------------------ Huawei (SSH, names nobody)
    Source(
        "ev3-ssh2js-925",
        "https://github.com/mscdex/ssh2/issues/925",
        "mscdex/ssh2 #925: Error signature verification failed in Huawei SSH (ssh2 debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0--",
            None,
            "empty software version names nobody; the issue is about a Huawei device's SSH server",
            "Huawei",
        ),
    ),
    Source(
        "ev3-ssh2js-904",
        "https://github.com/mscdex/ssh2/issues/904",
        "mscdex/ssh2 #904: Can't connect to Huawei NE20 using netconf (ssh2 debug log, remote ident)",
        Rec(
            "ssh.banner",
            "SSH-1.99--",
            None,
            "empty software version names nobody; the issue is about a Huawei NE20 router",
            "Huawei",
        ),
    ),
    Source(
        "ev3-webssh-121",
        "https://github.com/huashengdun/webssh/issues/121",
        "huashengdun/webssh #121: Endless connecting... (wssh debug log against a HUAWEI Quidway S2326TP-EI switch)",
        Rec(
            "ssh.banner",
            "SSH-1.99--",
            None,
            "empty software version names nobody; the issue says the switch is a HUAWEI Quidway S2326TP-EI",
            "Huawei",
        ),
    ),
    # ------------------------------------------------------------------ other makers' SSH idents (negatives)
    Source(
        "ev3-netmiko-2251",
        "https://github.com/ktbyers/netmiko/issues/2251",
        "ktbyers/netmiko #2251: commands through a jump router (paramiko debug log of a Cisco router)",
        Rec("ssh.banner", "SSH-2.0-Cisco-1.25", "Cisco", "software version 'Cisco-1.25' names Cisco"),
    ),
    Source(
        "ev3-netmiko-1572",
        "https://github.com/ktbyers/netmiko/issues/1572",
        "ktbyers/netmiko #1572: Error connecting to switch allied telesis (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0-OpenSSH_3.4p1.RL",
            None,
            "an OpenSSH build names no device maker; the issue says the switch is an Allied Telesis",
            "Allied Telesis",
        ),
    ),
    Source(
        "ev3-netmiko-1359",
        "https://github.com/ktbyers/netmiko/issues/1359",
        "ktbyers/netmiko #1359: error connecting to switch (paramiko debug log)",
        Rec(
            "ssh.banner",
            "SSH-2.0-Mocana SSH 6.3",
            None,
            "Mocana is the maker of an embedded SSH stack, not of the switch; the excerpt does not name the switch's maker",
        ),
    ),
]
