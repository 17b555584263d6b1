"""Evaluation records, round 2: MAC addresses from network scans users published (pastebin and
gist pages holding nmap or network-scanner output of their own networks).

Same rules as eval_records_cameras2.py (origin ids `ev2-`). Mostly the MAC address is taken (the
`mac` field), plus a service string the same scan printed whole; host names, which can name
people, are never copied. The label is the IEEE MA-L
registrant the source's own scanner printed next to the address, mapped to a catalogue name with
build/mac.py's rules: chip and module makers (Intel Corporate, Hon Hai, Realtek, ...) and
registrants outside the catalogue are None; a locally administered (randomised) address is None.
"""

from __future__ import annotations

from public_records import Rec, Source, macs

SOURCES: list[Source] = [
    Source(
        "ev2-pastebin-f8wpxzge",
        "https://pastebin.com/f8WpxZgE",
        "pastebin f8WpxZgE: network scanner listing of a 10.0.0.0/24 site (address, registrant, MAC, open ports)",
        *macs(
            "Dahua",
            "Zhejiang Dahua Technology Co., Ltd.",
            "14:A7:8B:97:88:11",
            "3C:EF:8C:3A:1E:41",
            "3C:EF:8C:39:C6:CF",
            "3C:EF:8C:27:21:0C",
            "9C:14:63:19:17:8B",
            "9C:14:63:19:17:8C",
            "4C:11:BF:44:70:B3",
            "4C:11:BF:65:89:6A",
            "38:AF:29:FE:6A:37",
            "38:AF:29:FE:6B:08",
            "38:AF:29:FE:69:92",
            "38:AF:29:FE:6A:1D",
            "38:AF:29:29:14:6D",
        ),
    ),
    Source(
        "ev2-pastebin-p10pu3ee",
        "https://pastebin.com/p10pu3ee",
        "pastebin p10pu3ee: network scanner listing (Dell, Intelbras, LG, Dahua registrants)",
        *macs("Dell", "Dell Inc.", "5C:F9:DD:ED:4D:1C"),
        *macs(None, "Intelbras", "00:1A:3F:96:EA:27", "00:1A:3F:96:EB:41"),
        *macs(None, "LG Electronics", "00:E0:91:C1:D7:DA", "00:E0:91:C1:D6:E6"),
        *macs(None, "LG ELECTRONICS INC", "3C:BD:D8:0E:E9:F0"),
        *macs("Dahua", "Zhejiang Dahua Technology Co., Ltd.", "3C:EF:8C:6B:1A:86"),
    ),
    Source(
        "ev2-pastebin-xfesnryr",
        "https://pastebin.com/XfeSNRyr",
        "pastebin XfeSNRyr: nmap -sn of a home network (MAC lines)",
        *macs(None, "SmartRG", "00:23:6A:1F:35:2F"),
        *macs(None, "BLU Products", "E4:C8:01:5C:EE:46"),
        *macs("Samsung", "Samsung Electronics", "3C:BB:FD:E5:91:23"),
        Rec(
            "mac",
            "32:F7:5A:27:2B:29",
            None,
            "locally administered (randomised) address; scanner printed 'Unknown'",
        ),
        *macs("Huawei", "Huawei Technologies", "DC:D9:16:6A:C0:E1"),
        *macs(None, "Intel Corporate", "A0:88:B4:7F:9B:64"),
        *macs(None, "TCT mobile", "0C:BD:51:FA:94:49"),
        *macs("Apple", "Apple", "B8:E8:56:C5:CA:B4"),
        *macs(None, "Hon Hai Precision Ind.", "B0:10:41:2A:56:4E"),
    ),
    Source(
        "ev2-pastebin-s8tynnj4",
        "https://pastebin.com/s8TynNj4",
        "pastebin s8TynNj4: nmap host discovery of a network (MAC lines)",
        *macs("Huawei", "Huawei Technologies", "88:44:77:43:46:9E"),
        *macs("Apple", "Apple", "9C:35:EB:4D:EE:3F", "AC:CF:5C:50:A0:1C", "9C:F3:87:5D:D2:5F"),
        *macs(None, "Guangdong Oppo Mobile Telecommunications", "1C:48:CE:3E:AE:4D"),
        *macs(None, "Nvidia", "00:04:4B:62:0E:EC"),
        *macs(None, "Samsung Electro-mechanics(thailand)", "AC:5F:3E:E0:06:68"),
    ),
    Source(
        "ev2-pastebin-gm9lq8w2",
        "https://pastebin.com/gm9LQ8w2",
        "pastebin gm9LQ8w2: nmap of a 192.168.0.0/24 home network (Sagemcom gateway and extenders)",
        *macs(
            "Sagemcom",
            "Sagemcom Broadband SAS",
            "3C:17:10:ED:8B:FC",
            "A8:9A:93:E9:C5:0C",
            "A8:9A:93:E9:C5:08",
            "A8:9A:93:E9:C5:0A",
        ),
    ),
    Source(
        "ev2-pastebin-zi3a3u8u",
        "https://pastebin.com/Zi3A3U8u",
        "pastebin Zi3A3U8u: nmap -sP of a small office network (MAC lines)",
        *macs("Dell", "Dell", "84:8F:69:F7:BD:91"),
        *macs(None, "Hon Hai Precision Ind. Co.", "C0:CB:38:11:63:40"),
        *macs("Brother", "Brother industries", "30:05:5C:A5:13:6F"),
    ),
    Source(
        "ev2-pastebin-puyeid9r",
        "https://pastebin.com/PuYEiD9r",
        "pastebin PuYEiD9r: nmap of a gateway (MAC line)",
        *macs("DrayTek", "DrayTek", "00:1D:AA:60:C6:78"),
    ),
    Source(
        "ev2-gist-toanalien-nmap",
        "https://gist.github.com/toanalien/141f9b14444247c90bc9",
        "gist toanalien: nmap of a company server network (MAC lines)",
        *macs(
            "Supermicro",
            "Super Micro Computer",
            "00:25:90:CA:9B:66",
            "00:25:90:CA:9B:56",
            "0C:C4:7A:0F:33:B2",
        ),
        *macs(None, "IBM", "00:1A:64:A1:36:86"),
        *macs("Cisco", "Cisco", "34:62:88:75:8B:D0", "34:62:88:6A:6E:56"),
        *macs("ASUS", "Asustek Computer", "74:D0:2B:BE:11:D8"),
    ),
    Source(
        "ev2-pastebin-zgidy5u0",
        "https://pastebin.com/ZGidY5u0",
        "pastebin ZGidY5u0: nmap host discovery of an office subnet (MAC lines)",
        *macs("Dell", "Dell", "A4:1F:72:71:B9:39", "A4:1F:72:71:C4:D3"),
        *macs("ASUS", "Asustek Computer", "00:26:18:41:C6:E1"),
        *macs(None, "Wistron", "00:26:2D:84:5D:A5"),
    ),
    Source(
        "ev2-jared0307-home-vulns",
        "https://github.com/Jared0307/Home-s-vulns-report",
        "Home-s-vulns-report: nmap scans of a home network (puertos.nmap, vuln1.nmap: Huawei gateway, Totalplay Sagemcom box, LG TV)",
        *macs("Huawei", "Huawei Technologies", "60:FA:9D:C9:2A:14"),
        *macs("ZTE", "zte", "10:3C:59:56:18:5F"),
        *macs("Sagemcom", "Sagemcom Broadband SAS", "34:DB:9C:18:36:BD"),
        *macs(None, "Liteon Technology", "E0:0A:F6:A9:CC:D1"),
        *macs(None, "LG Electronics", "74:E6:B8:F4:24:02"),
        Rec(
            "http.server",
            "gSOAP/2.7",
            None,
            "gSOAP toolkit server (TR-069 port of the Sagemcom box); names no maker",
            "Sagemcom",
        ),
    ),
    Source(
        "ev2-rol331-escan",
        "https://github.com/Rol331/file2/blob/HEAD/escan.md",
        "Rol331/file2 escan.md: nmap -O scan of an office network (gateway and servers)",
        *macs("Huawei", "Huawei Technologies", "C8:B6:D3:E2:26:07"),
        *macs("Hewlett Packard Enterprise", "Hewlett Packard Enterprise", "20:67:7C:D8:9B:4F"),
    ),
    Source(
        "ev2-pastebin-5khttx39",
        "https://pastebin.com/5kHtTX39",
        "pastebin 5kHtTX39: nmap -sP of a small office network (PLCs and servers)",
        *macs(None, "Bernecker & Rainer Industrie-elektronic Gmbh", "00:60:65:43:32:0C", "00:60:65:42:1C:34"),
        *macs(None, "Unknown", "38:0E:4D:86:83:1C", "94:C6:91:17:D8:E7"),
    ),
    Source(
        "ev2-pastebin-msmfwcgk",
        "https://pastebin.com/mSmfWcGK",
        "pastebin mSmfWcGK: nmap -F of two hosts (a Linksys box and a Realtek-based device)",
        *macs("Cisco", "Cisco Consumer Products", "C8:D7:19:3A:78:50"),
        *macs(None, "Realtek Semiconductor", "00:E0:4C:81:20:05"),
    ),
    Source(
        "ev2-pastebin-eagez9gu",
        "https://pastebin.com/eAGEz9Gu",
        "pastebin eAGEz9Gu: nmap -sP lookups of two addresses",
        *macs(None, "Mitac International", "00:22:4D:D8:8E:7A", "00:22:4D:D8:8E:7B"),
    ),
    Source(
        "ev2-pastebin-hjrh81eg",
        "https://pastebin.com/hJrh81EG",
        "pastebin hJrh81EG: nmap -PN of a /24 grepping one MAC",
        *macs(None, "Intel", "00:90:27:35:BE:15"),
    ),
    Source(
        "ev2-gist-anonymous-3ccc139a",
        "https://gist.github.com/anonymous/3ccc139a04b69972d930",
        "anonymous gist: nmap -sP 192.168.28.0/24 (a VMware lab)",
        *macs(None, "VMware", "00:50:56:C0:00:01", "00:0C:29:AC:48:C5"),
    ),
]
