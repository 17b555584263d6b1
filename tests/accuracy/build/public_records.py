"""Records transcribed from public captures: GitHub issues, forum posts, manuals.

SOURCES is a table: each Source (id, address, title) carries the records taken from it, each a
Rec(field, text, manufacturer or None, note, device). build/public.py numbers the records of each
source in order and writes the corpus and SOURCES.md from the tables of this module and of
public_records_dhcp/_onvif/_snmp. Texts are copied as the source shows them (addresses that the
source printed are replaced by documentation addresses; redactions the source made, such as
"XXXX", are kept). The manufacturer is the maker of the device the source is about, and a record
is only taken when its text itself carries that maker's evidence by our reading (a model number, a
firmware string, the maker's name); generic texts from such devices are not taken. None marks
texts that name no maker.

Never taken: test fixtures, mocks and device definitions of other projects (LibreNMS snmpsim
records, OSS_SNMP platform tests, FusionInventory agent tests, ONVIF library fixtures, pull requests
to netdisco/snmp-info device definitions): independent measurements draw on those, so the corpus
keeps apart from them (tests/identify/test_provenance.py checks every origin address).
"""

from __future__ import annotations

from typing import NamedTuple


class Rec(NamedTuple):
    """One record: the text of one field and the maker a careful reader concludes from it (None: no maker)."""

    field: str
    text: str
    maker: str | None
    note: str = ""
    # the maker of the device that sent a text which names no maker itself (known from the source,
    # e.g. the issue is about that device's model); see README.md "device"
    device: str | None = None


class Source:
    """A public source and the records transcribed from it, in the order they get their ids."""

    def __init__(self, sid: str, url: str, title: str, *records: Rec) -> None:
        self.sid = sid
        self.url = url
        self.title = title
        self.records = records


CRLF = "\r\n"


def lines(*parts: str) -> str:
    """A multi-line protocol answer as sent (CRLF line ends)."""
    return CRLF.join(parts)


def macs(maker: str | None, registrant: str, *addresses: str) -> list[Rec]:
    """Addresses the source's scanner printed with one registrant name."""
    return [Rec("mac", a, maker, f"scanner printed registrant '{registrant}'") for a in addresses]


def each(field: str, texts: tuple[str, ...], maker: str | None, note: str = "") -> list[Rec]:
    """Records of one field with the same label and note (a source's list of model strings)."""
    return [Rec(field, text, maker, note) for text in texts]


def kentik(issue: int, title: str, oid: str, maker: str | None) -> Source:
    """A kentik/snmp-profiles issue asking for a device's profile: its sysObjectID, noted with the device."""
    return Source(
        f"gh-kentik-{issue}",
        f"https://github.com/kentik/snmp-profiles/issues/{issue}",
        f"kentik/snmp-profiles: {title} (SysOID)",
        Rec("snmp.sysobjectid", oid, maker, title),
    )


def upnp_xml(
    device_type: str, friendly: str, manufacturer: str, url: str, descr: str, model: str, number: str
) -> str:
    """The head of a UPnP device description as the sources print it (the <device> header fields)."""
    return (
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">\n<specVersion>\n<major>1</major>\n'
        f"<minor>0</minor>\n</specVersion>\n<device>\n<deviceType>{device_type}</deviceType>\n"
        f"<friendlyName>{friendly}</friendlyName>\n<manufacturer>{manufacturer}</manufacturer>\n"
        f"<manufacturerURL>{url}</manufacturerURL>\n<modelDescription>{descr}</modelDescription>\n"
        f"<modelName>{model}</modelName>\n<modelNumber>{number}</modelNumber>\n"
    )


IGD1 = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
IGD2 = "urn:schemas-upnp-org:device:InternetGatewayDevice:2"

SOURCES: list[Source] = [
    # ---------------------------------------------------------------- issues: HTTP, RTSP
    Source(
        "gh-hikvision_next-50",
        "https://github.com/maciej-or/hikvision_next/issues/50",
        "hikvision_next #50: Support for ERI-K104-P4 (packet capture of ISAPI 401)",
        Rec(
            "http.headers",
            "HTTP/1.1 401 Unauthorized\r\nDate: Sun, 28 May 2023 09:56:24 GMT\r\nServer: DNVRS-Webs\r\n"
            'Cache-Control: no-cache\r\nContent-Length: 138\r\nContent-Type: application/xml; charset="UTF-8"\r\n'
            'Connection: keep-alive\r\nKeep-Alive: timeout=60, max=99\r\nWWW-Authenticate: Digest realm="fe12f37bdXXXXXbccbbd35f1", '
            'domain="::", qop="auth", nonce="300b7e88f3d69ebfXXXXXf3e2f04218a:1685XXXXX4756", opaque="", algorithm="MD5", stale="FALSE"',
            "Hikvision",
            "Hikvision NVR; DNVRS-Webs server",
        ),
        Rec("http.server", "DNVRS-Webs", "Hikvision"),
        Rec(
            "http.body",
            '<?xml version="1.0" encoding="UTF-8" ?>\n<userCheck>\n<statusValue>401</statusValue>\n'
            "<statusString>Unauthorized</statusString>\n</userCheck>",
            "Hikvision",
            "ISAPI userCheck answer",
        ),
    ),
    Source(
        "gh-retina-62",
        "https://github.com/scottlamb/retina/issues/62",
        "retina #62: Digest authentication failed with Dahua Camera",
        Rec(
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="Login to 4K01FD2PAJ6E3FF", '
            'nonce="203c8d27b595204504dfa65fd22586bd"\r\n\r\n',
            "Dahua",
            "Dahua 'Login to <serial>' realm",
        ),
    ),
    Source(
        "gh-cameradar-199",
        "https://github.com/Ullaakut/cameradar/issues/199",
        "cameradar #199: Implement digest authentication (Hanwha iPOLiS RTSP trace)",
        Rec(
            "rtsp.response",
            "RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nDate: Thu, 23 May 2019 02:55:10 GMT\r\n"
            "Expires: Thu, 23 May 2019 02:55:10 GMT\r\nCache-Control: must-revalidate\r\n"
            'WWW-Authenticate: Digest realm="iPOLiS", nonce="2CB39FCBBE5843DA3430129B4EA1414C"\r\n\r\n',
            "Hanwha Vision",
            "Hanwha (ex Samsung) iPOLiS camera",
        ),
    ),
    Source(
        "gh-defogger-9",
        "https://github.com/bmork/defogger/issues/9",
        "defogger #9: Other models? (D-Link DCS-8000LH)",
        Rec(
            "http.www_authenticate",
            'Basic realm="DCS-8000LH_00"',
            "D-Link",
            "D-Link DCS camera model in realm",
        ),
    ),
    # ---------------------------------------------------------------- issues: SNMP
    Source(
        "gh-osssnmp-41",
        "https://github.com/opensolutions/OSS_SNMP/issues/41",
        "OSS_SNMP #41: Add support for Huawei S6720",
        Rec(
            "snmp.sysdescr",
            "S6720-30C-EI-24S-AC \nHuawei Versatile Routing Platform Software \n VRP (R) software,Version 5.160 "
            "(S6720 V200R009C00SPC500) \n Copyright (C) 2007 Huawei Technologies Co., Ltd.",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.340", "Huawei", "Huawei enterprise number 2011"),
    ),
    Source(
        "gh-osssnmp-59",
        "https://github.com/opensolutions/OSS_SNMP/issues/59",
        "OSS_SNMP #59: Huawei S6720-54C-EI-48S-AC",
        Rec(
            "snmp.sysdescr",
            "S6720-54C-EI-48S-AC \nHuawei Versatile Routing Platform Software \n VRP (R) software,Version 5.170 "
            "(S6720 V200R010C00SPC600) \n Copyright (C) 2007 Huawei Technologies Co., Ltd.",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.343", "Huawei"),
    ),
    Source(
        "gh-osssnmp-67",
        "https://github.com/opensolutions/OSS_SNMP/issues/67",
        "OSS_SNMP #67: Huawei CE6810-48S4Q-LI",
        Rec(
            "snmp.sysdescr",
            "Huawei Versatile Routing Platform Software\nVRP (R) software, Version 8.100 (CE6810LI V100R005C10SPC200)\n"
            "Copyright (C) 2012-2015 Huawei Technologies Co., Ltd.\nHUAWEI CE6810-48S4Q-LI uptime is 1497 days, 5 hours, 7 minutes",
            "Huawei",
        ),
    ),
    Source(
        "gh-osssnmp-63",
        "https://github.com/opensolutions/OSS_SNMP/issues/63",
        "OSS_SNMP #63: Huawei CE6870-24S6CQ-EI",
        Rec(
            "snmp.sysdescr",
            "Huawei Versatile Routing Platform Software\nVRP (R) software, Version 8.150 (CE6870EI V200R002C50SPC800)\n"
            "Copyright (C) 2012-2017 Huawei Technologies Co., Ltd.\nHUAWEICE6870-24S6CQ-EI\n",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.239.33", "Huawei"),
    ),
    Source(
        "gh-sysobjectids-15",
        "https://github.com/fusioninventory/sysobject.ids/issues/15",
        "fusioninventory/sysobject.ids #15: huawei S5720-12TP-PWR-LI-AC",
        Rec(
            "snmp.sysdescr",
            "S5720-12TP-PWR-LI-AC \nHuawei Versatile Routing Platform Software \n VRP (R) software,Version 5.170 "
            "(S5720 V200R010C00SPC600) \n Copyright (C) 2007 Huawei Technologies Co., Ltd.",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.398", "Huawei"),
        Rec(
            "snmp.sysdescr",
            "S5700-52C-PWR-SI \nHuawei Versatile Routing Platform Software \n VRP (R) software,Version 5.150 "
            "(S5700 V200R005C00SPC500) \n Copyright (C) 2007 Huawei Technologies Co., Ltd.",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.23.188", "Huawei"),
        Rec(
            "snmp.sysdescr",
            "Huawei AC6605-26-PWR Huawei Versatile Routing Platform Software  VRP (R) software,Version 5.170 "
            "(AC6605-26-PWR V200R007C20SPC300) Copyright (C) 2011-2017 Huawei Technologies Co., Ltd",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.2011.2.240.6", "Huawei"),
    ),
    Source(
        "gh-ixpmanager-210",
        "https://github.com/inex/IXP-Manager/issues/210",
        "IXP-Manager #210: Quanta Switch",
        Rec(
            "snmp.sysdescr",
            "FASTPATH Switching",
            None,
            "Quanta LB4M (Broadcom FASTPATH; not a catalogue maker)",
        ),
        Rec(
            "snmp.sysobjectid",
            ".1.3.6.1.4.1.4413.1.2.2",
            None,
            "Broadcom FASTPATH enterprise 4413 on a Quanta switch",
        ),
    ),
    Source(
        "gh-librenms-1931",
        "https://github.com/librenms/librenms/issues/1931",
        "LibreNMS #1931: Huawei VRP os detection",
        Rec(
            "snmp.sysdescr",
            "Huawei Versatile Routing Platform Software, Software Version 3.10, Release 1650\nQuidway S8505-EI\n"
            "Copyright(c) 1998-2008 Huawei Technologies Co., Ltd. All rights reserved.",
            "Huawei",
        ),
        Rec("snmp.sysobjectid", "iso.3.6.1.4.1.2011.2.23.32", "Huawei", "net-snmp 'iso.' prefix as printed"),
    ),
    Source(
        "gh-kentik-346",
        "https://github.com/kentik/snmp-profiles/issues/346",
        "kentik/snmp-profiles #346: Huawei AR651-X8",
        Rec("snmp.sysobjectid", "1.3.6.1.4.1.2011.2.224.279", "Huawei"),
    ),
    Source(
        "gh-librenms-13576",
        "https://github.com/librenms/librenms/issues/13576",
        "LibreNMS #13576: ZTE C300/C320 wrong uptime",
        Rec(
            "snmp.sysdescr", "C320 Version V2.1.0 Software, Copyright (c) by ZTE Corporation Compiled", "ZTE"
        ),
        Rec("snmp.sysobjectid", ".1.3.6.1.4.1.3902.1082.1001.320.2.1", "ZTE"),
    ),
    kentik(391, "Cisco 3925 router", "1.3.6.1.4.1.9.1.1144", "Cisco"),
    kentik(93, "PowerConnect 3548 Switch", "1.3.6.1.4.1.674.10895.3017", "Dell"),
    kentik(591, "Canon MF632C/634C", "iso.3.6.1.4.1.1602.4.7", "Canon"),
    kentik(92, "Infoblox IB-Series", "1.3.6.1.4.1.7779.1.1403", None),
    kentik(91, "Dell EMC Data Domain DD9500", "1.3.6.1.4.1.19746.3.1.39", "Dell"),
    kentik(663, "Peplink Balance 710", ".1.3.6.1.4.1.23695", None),
    kentik(616, "cisco ciscoFpr4150K9", ".1.3.6.1.4.1.9.1.2292", "Cisco"),
    kentik(141, "Vertiv Watchdog 100", ".1.3.6.1.4.1.21239.5.1", None),
    kentik(347, "Huawei S6720-54C-EI-48S-AC", "1.3.6.1.4.1.2011.2.23.343", "Huawei"),
    Source(
        "gh-foscam-6",
        "https://github.com/luisiam/homebridge-foscamcamera/issues/6",
        "homebridge-foscamcamera #6: Can't load video stream from C1 (RTSP trace)",
        Rec(
            "rtsp.response",
            "RTSP/1.0 200 OK\r\nServer: Hisilicon Streaming Media Server/1.0.0(Jul 30 2015)\r\nCseq: 1\r\n"
            "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, SET_PARAMETER, GET_PARAMETER\r\n\r\n",
            None,
            "hard negative: a Foscam C1; HiSilicon is the chip's SDK, not the device maker (must not become Huawei)",
        ),
        Rec(
            "rtsp.server",
            "Hisilicon Streaming Media Server/1.0.0(Jul 30 2015)",
            None,
            "hard negative: HiSilicon SDK server in a Foscam camera",
        ),
    ),
    Source(
        "gh-minisatip-679",
        "https://github.com/catalinii/minisatip/pull/679",
        "minisatip #679: correct 404 DESCRIBE",
        Rec(
            "rtsp.response",
            "RTSP/1.0 404 Not Found\r\nDate: Wed, Dec 18 06:08:00 2019 GMT\r\nCSeq: 1\r\n"
            "Server: minisatip/1.0.2-0f8418f\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n",
            None,
            "open-source SAT>IP server",
        ),
    ),
    Source(
        "gh-rtspserver-100",
        "https://github.com/pedroSG94/RTSP-Server/issues/100",
        "pedroSG94/RTSP-Server #100",
        Rec("rtsp.server", "pedroSG94 Server", None, "Android RTSP server library"),
    ),
    Source(
        "cisco-tp-ua",
        "https://supportforums.cisco.com/t5/collaboration-voice-and-video/sip-user-agents-ua-for-telepresence/ta-p/3146317",
        "Cisco Community: SIP user agents (UA) for TelePresence",
        *each(
            "sip.user_agent",
            (
                "TANDBERG/518 (TCNC6.2.0.20b1616)",
                "TANDBERG/521",
                "TANDBERG/259",
                "Cisco-CP-DX80/10.2.1",
                "Cisco-CP-DX70/10.2.1",
                "Cisco-CP-DX650/10.2.1",
            ),
            "Cisco",
            "Cisco TelePresence / Collaboration endpoint (TANDBERG is Cisco's since 2010)",
        ),
    ),
    Source(
        "gh-coreos-149",
        "https://github.com/coreos/bugs/issues/149",
        "coreos/bugs #149: OpenSSH banner precision",
        Rec("ssh.banner", "SSH-2.0-OpenSSH_6.6p1-hpn14v4", None, "CoreOS server"),
    ),
    Source(
        "gh-hpnssh-97",
        "https://github.com/rapier1/hpn-ssh/issues/97",
        "hpn-ssh #97: ssh banner seems not to follow RFC",
        Rec("ssh.banner", "SSH-2.0-OpenSSH_9.7p1-hpn18.4.2", None, "HPN-SSH software"),
    ),
    Source(
        "gh-wl500g-200",
        "https://github.com/wl500g/wl500g/issues/200",
        "wl500g #200: Dropbear SSH Banner",
        Rec(
            "ssh.banner",
            "SSH-2.0-dropbear_0.52",
            None,
            "ASUS WL-500g router with custom firmware: dropbear names no maker",
        ),
    ),
    Source(
        "gh-ha-76383",
        "https://github.com/home-assistant/core/issues/76383",
        "home-assistant #76383: UPnP/IGD integration fails",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD1,
                "DSL-X1852E",
                "D-link",
                "http://www.dlink.com",
                "DSL-X1852E",
                "DSL-X1852E",
                "MDSL-X1852E",
            ),
            "D-Link",
        ),
    ),
    Source(
        "gh-nicotine-1566",
        "https://github.com/nicotine-plus/nicotine-plus/issues/1566",
        "nicotine-plus #1566: UPnP doesn't work",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD2,
                "Orange Livebox",
                "Sagemcom",
                "http://www.sagemcom.com/",
                "Sagemcom,fr,SG40_sip-fr-4.15.10.1_7.21.3.1",
                "Residential Livebox,(DSL,WAN Ethernet)",
                "4",
            ),
            "Sagemcom",
        ),
    ),
    Source(
        "gh-ha-20893",
        "https://github.com/home-assistant/core/issues/20893",
        "home-assistant #20893: upnp component setup failing (Huawei HG633)",
        Rec("upnp.server", "Linux UPnP/1.0 Huawei-ATP-IGD", "Huawei", "Huawei home gateway (ATP platform)"),
        Rec(
            "upnp.description",
            upnp_xml(
                IGD1,
                "Huawei Home Gateway",
                "Huawei Technologies Co., Ltd.",
                "http://www.huawei.com",
                "Huawei Home Gateway",
                "HG633",
                "Huawei Model",
            ),
            "Huawei",
        ),
        Rec(
            "http.headers",
            'Content-Type: text/xml; charset="utf-8"\r\nServer: Linux UPnP/1.0 Huawei-ATP-IGD\r\n'
            "Date: Mon, 04 Mar 2019 21:17:51 GMT\r\nConnection: Keep-Alive\r\nContent-Length: 4057",
            "Huawei",
        ),
    ),
    Source(
        "gh-tinyupnp-14",
        "https://github.com/ofekp/TinyUPnP/issues/14",
        "TinyUPnP #14 (MitraStar gateway description)",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD1,
                "MitraStar DSL-2401HN-T1C-GV Internet Sharing Gateway",
                "MitraStar",
                "http://www.mitrastar.com",
                "MitraStar DSL-2401HN-T1C-GV Internet Sharing Gateway",
                "MitraStar Internet Gateway",
                "DSL-2401HN-T1C-GV",
            ),
            None,
            "MitraStar: not a catalogue maker",
        ),
    ),
    Source(
        "gh-ha-43014",
        "https://github.com/home-assistant/core/issues/43014",
        "home-assistant #43014: upnp setup failing (FRITZ!Box 7490)",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD2,
                "InternetGatewayDeviceV2 - FRITZ!Box 7490",
                "AVM Berlin",
                "http://www.avm.de",
                "FRITZ!Box 7490",
                "FRITZ!Box 7490",
                "avme",
            ),
            "AVM",
        ),
    ),
    Source(
        "gh-ha-57243",
        "https://github.com/home-assistant/core/issues/57243",
        "home-assistant #57243: upnp error with AVM Fritz Box",
        Rec(
            "upnp.description",
            upnp_xml(
                "urn:schemas-upnp-org:device:avmnexus:1",
                "FRITZ!Box 7530",
                "AVM Berlin",
                "http://www.avm.de",
                "FRITZ!Box 7530",
                "FRITZ!Box 7530",
                "avme",
            ),
            "AVM",
        ),
    ),
    Source(
        "gh-natupnp-2",
        "https://github.com/benoitc/nat_upnp/pull/2",
        "nat_upnp #2 (Technicolor TG588v description)",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD1,
                "MediaAccess TG588v (1350CZGKF)",
                "Technicolor",
                "http://www.technicolor.com",
                "Technicolor Internet Gateway Device",
                "MediaAccess TG",
                "588v",
            ),
            "Vantiva",
            "Technicolor is now Vantiva",
        ),
    ),
    Source(
        "gh-esphome-intercom-85",
        "https://github.com/n-IA-hane/esphome-intercom/issues/85",
        "esphome-intercom #85: Dahua VTO2111D-P-S2 registration (User-Agent)",
        Rec("sip.user_agent", "Dahua UAC/3.0", "Dahua", "Dahua VTO door station firmware V4.700"),
    ),
    Source(
        "gh-pjproject-2823",
        "https://github.com/pjsip/pjproject/issues/2823",
        "pjproject #2823: Dahua VTO3221D SIP (client UA)",
        Rec(
            "sip.user_agent",
            "PJSUA v2.11.1 Linux-5.10.60/armv7l/glibc-2.28",
            None,
            "pjsua softphone on Linux",
        ),
    ),
    Source(
        "gh-openhab-20681",
        "https://github.com/openhab/openhab-addons/pull/20681",
        "openhab-addons #20681: dahuadoor SIP",
        Rec(
            "sip.user_agent",
            "openHAB/5.2.0",
            None,
            "home automation software (client of a Dahua VTO, not the VTO)",
        ),
    ),
    Source(
        "gh-defogger-9b",
        "https://github.com/bmork/defogger/issues/9",
        "defogger #9: openssl s_client against a D-Link DCS-8000LH",
        Rec(
            "tls.subject",
            "CN=www.dlink.com,OU=D-Link Corporation,O=D-Link Corporation,L=Asia,ST=Asia,C=TW",
            "D-Link",
        ),
    ),
    Source(
        "gh-bmcweb-91",
        "https://github.com/openbmc/bmcweb/issues/91",
        "openbmc/bmcweb #91: openssl showcert output",
        Rec("tls.subject", "CN=testhost,O=OpenBMC,C=US", None, "OpenBMC test certificate"),
        Rec("tls.issuer", "CN=testhost,O=OpenBMC,C=US", None, "OpenBMC test certificate"),
    ),
    Source(
        "aruba-dhcp-cap",
        "https://arubanetworking.hpe.com/techdocs/aos/wifi-design-deploy/network-operations/dhcp-for-aps/option-implementation/cap/",
        "HPE Aruba Networking: DHCP options for AOS-8 campus APs (option 60 'ArubaAP')",
        Rec(
            "dhcp.vendor_class",
            "ArubaAP",
            "Hewlett Packard Enterprise",
            "Aruba campus AP; Aruba is an HPE company",
        ),
    ),
    Source(
        "blog-msft50",
        "https://donaldstewart571headline.blogspot.com/2024/04/msft-50-unraveling-mystery-of-dhcp.html",
        "MSFT 5.0: DHCP vendor class identifiers (Windows, Android dhcpcd)",
        Rec("dhcp.vendor_class", "MSFT 5.0", None, "any Windows computer: names no device maker"),
        Rec("dhcp.vendor_class", "dhcpcd-5.5.6", None, "Android dhcpcd client: names no device maker"),
    ),
    Source(
        "gh-wlanap-1029",
        "https://github.com/Telecominfraproject/wlan-ap/pull/1029",
        "wlan-ap #1029: dhcpsnoop hostname example",
        Rec("hostname", "iPhone", "Apple", "iOS default DHCP host name"),
    ),
    Source(
        "gh-netmiko-854",
        "https://github.com/ktbyers/netmiko/issues/854",
        "netmiko #854: Timeout with new procurve switch version",
        Rec(
            "ssh.banner",
            "SSH-2.0-Mocana SSH 6.3",
            None,
            "HP ProCurve switch; Mocana is the embedded SSH library, names no maker",
        ),
        Rec(
            "ssh.banner",
            "SSH-2.0-Mocana SSH 5.8",
            None,
            "HP ProCurve switch; Mocana is the embedded SSH library, names no maker",
        ),
        Rec("ssh.banner", "SSH-2.0-paramiko_2.0.2", None, "the client's own version string (paramiko)"),
    ),
    # ---------------------------------------------------------------- more issues: SIP clients, SSH
    Source(
        "gh-pjproject-3112",
        "https://github.com/pjsip/pjproject/issues/3112",
        "pjproject #3112: Can't find User Agent configuration",
        Rec("sip.user_agent", "PJSUA v2.12 Darwin-19.5/x86_64", None, "pjsua softphone on macOS"),
    ),
    Source(
        "gh-openwrt-telephony-53",
        "https://github.com/openwrt/telephony/issues/53",
        "openwrt/telephony #53: Asterisk PJSIP user_agent (REGISTER trace)",
        Rec(
            "sip.user_agent",
            "Asterisk PBX 13.3.2",
            None,
            "Asterisk on an OpenWrt router: software, names no maker",
        ),
    ),
    Source(
        "gh-jscommunicator-70",
        "https://github.com/opentelecoms-org/jscommunicator/issues/70",
        "jscommunicator #70: SIP Registration failure (REGISTER trace)",
        Rec("sip.user_agent", "JsSIP 0.5.0", None, "browser SIP library"),
    ),
    Source(
        "gh-netmiko-764",
        "https://github.com/ktbyers/netmiko/issues/764",
        "netmiko #764: Channel closed while connecting to Huawei CE switch (paramiko debug)",
        Rec(
            "ssh.banner",
            "SSH-2.0--",
            None,
            "a Huawei CE switch whose SSH banner names nothing: no maker can be read",
        ),
        Rec("ssh.banner", "SSH-2.0-paramiko_2.4.1", None, "the client's own version string (paramiko)"),
    ),
    # ---------------------------------------------------------------- more issues: UPnP
    Source(
        "gh-ha-68873",
        "https://github.com/home-assistant/core/issues/68873",
        "home-assistant #68873: UPnP not working on Xfinity Gateway (Pace PX5001)",
        Rec(
            "upnp.description",
            upnp_xml(
                IGD1,
                "Pace PX5001",
                "Arris Group, Inc",
                "http://www.arrisi.com/",
                "EPON Fiber Gateway Device",
                "PX5001",
                "PX5001",
            ),
            "CommScope",
            "Pace (Arris, now CommScope) gateway; the description names Arris Group",
        ),
    ),
    Source(
        "gh-ha-46822",
        "https://github.com/home-assistant/core/issues/46822",
        "home-assistant #46822: Asus Router UPnP integration (SSDP advertisements)",
        Rec(
            "upnp.server",
            "AsusWRT/386.1 UPnP/1.1 MiniUPnPd/2.2.0",
            "ASUS",
            "ASUS router firmware (AsusWRT) with MiniUPnPd",
        ),
        Rec(
            "upnp.server",
            "Linux, UPnP/1.0, Private Upnp SDK",
            None,
            "SSDP SERVER of a Dahua camera (its USN names www.dahuatech.com) and of an Amcrest one: the string alone names no maker",
        ),
        Rec(
            "upnp.server",
            "Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK",
            "Dahua",
            "SSDP SERVER of a Dahua device: the SDK string names Zhejiang Dahua Technology",
        ),
    ),
    Source(
        "gh-minisatip-27",
        "https://github.com/catalinii/minisatip/issues/27",
        "minisatip #27: ssdp (SERVER header)",
        Rec("upnp.server", "Linux/1.0 UPnP/1.1 IDL4K/1.2", None, "SAT>IP server software string"),
    ),
    # ---------------------------------------------------------------- more issues: RTSP
    Source(
        "gh-go2rtc-2232",
        "https://github.com/AlexxIT/go2rtc/issues/2232",
        "go2rtc #2232: RTSP authentication fails (Hikvision DS-2CD1148-I/B, tcpdump)",
        Rec(
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="b4a38201a73f", '
            'nonce="739ee6c7ea93532ef87d5f319b155537", stale="FALSE"\r\nWWW-Authenticate: Basic realm="b4a38201a73f"\r\n'
            "Date:  Sat, Apr 25 2026 00:05:48 GMT\r\n\r\n",
            None,
            "Hikvision camera whose realm is its own MAC address (B4:A3:82, a Hikvision IEEE block): the text names no maker",
            device="Hikvision",
        ),
    ),
    Source(
        "gh-go2rtc-999",
        "https://github.com/AlexxIT/go2rtc/issues/999",
        "go2rtc #999: Can't stream RTSP (TP-Link camera trace)",
        Rec(
            "rtsp.response",
            'RTSP/1.0 401 Unauthorized\r\nCseq: 1\r\nDate: Wed, Mar 13 2024 16:24:18 GMT\r\nWww-Authenticate: Basic realm="TP-Link IP-Camera"\r\n\r\n',
            "TP-Link",
            "TP-Link (Tapo) camera realm",
        ),
    ),
    Source(
        "gh-cameradar-199b",
        "https://github.com/Ullaakut/cameradar/issues/199",
        "cameradar #199: Implement digest authentication (Aiphone intercom RTSP trace)",
        Rec(
            "rtsp.response",
            "RTSP/1.0 401 Unauthorized\r\nServer: Linux/2.6.32.17-davinci1 Ze-PRO\r\nCSeq: 1\r\n"
            'WWW-Authenticate: Digest realm="Secret", nonce="ODQ4MDguNTM2Mzk6NTQ1OTExMzQz"\r\n\r\n',
            None,
            "an Aiphone intercom; the answer itself names no maker",
            device="Aiphone",
        ),
        Rec(
            "rtsp.server",
            "Linux/2.6.32.17-davinci1 Ze-PRO",
            None,
            "TI DaVinci Linux kernel string: names no maker",
            device="Aiphone",
        ),
    ),
    Source(
        "gh-go2rtc-1093",
        "https://github.com/AlexxIT/go2rtc/issues/1093",
        "go2rtc #1093: Dahua Camera wrong user/pass (go2rtc server trace)",
        Rec(
            "rtsp.response",
            "RTSP/1.0 200 OK\r\nCseq: 1\r\nPublic: OPTIONS, SETUP, TEARDOWN, DESCRIBE, PLAY, PAUSE, ANNOUNCE, RECORD\r\n\r\n",
            None,
            "go2rtc's own RTSP server (restreaming a Dahua camera): software, names no maker",
        ),
    ),
    # ---------------------------------------------------------------- more issues: telnet banners
    Source(
        "gh-oxidized-2059",
        "https://github.com/ytti/oxidized/issues/2059",
        "oxidized #2059: Huawei with banner can't send username (telnet login as logged)",
        Rec(
            "telnet.banner",
            "Warning: Telnet is not a secure protocol, and it is recommended to use Stelnet.\n"
            "------------------------------------------------------------------\n"
            "|  ACCESS TO THIS DEVICE IS UNDER STRICT ADMINISTRATIVE CONTROL. |\n"
            "|      IF YOU ARE UNAUTHORISED PLEASE DISCONNECT IMMEDIATELY.    |\n"
            "|               ALL USAGE OF THIS DEVICE IS LOGGED.              |\n"
            "------------------------------------------------------------------\n\nLogin authentication\n\nUsername:",
            "Huawei",
            "Huawei VRP's telnet warning recommending Stelnet (the issue's devices are Huawei); the operator's own "
            "box is kept, its blank lines dropped",
        ),
    ),
    Source(
        "gh-threat9-testbed-10",
        "https://github.com/threat9/threat9-test-bed/issues/10",
        "threat9-test-bed #10: Add support for banner (telnet to a BCM96318 router)",
        Rec(
            "telnet.banner",
            "BCM96318 Broadband Router\nLogin: ",
            None,
            "Broadcom BCM96318 reference firmware: names the chip, not the router's maker",
        ),
    ),
]
