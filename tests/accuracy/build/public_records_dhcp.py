"""DHCP option 60 (vendor class identifier) and DHCP host-name records from public documentation
and captures.

Labelling rule: the maker the string names, or the maker whose documentation says its devices send
that exact string; client software strings that run on anybody's hardware (MSFT 5.0, udhcp,
dhcpcd, android-dhcp-N) are None. Host names: the maker the name carries (a model or brand the
device sets by default); user-chosen or generic names are None.
"""

from __future__ import annotations

from public_records import Rec, Source, each

_CISCO_VCI = "Cisco AP: the VCI string Cisco documents for this access point series"


def cisco_vci(sid: str, url: str, title: str, *vcis: str) -> Source:
    """A Cisco access point guide and the option-60 VCI strings it documents for its series."""
    return Source(sid, url, title, *each("dhcp.vendor_class", vcis, "Cisco", _CISCO_VCI))


SOURCES: list[Source] = [
    # ---------------------------------------------------------------- vendor manuals: Cisco lightweight APs
    Source(
        "manual-cisco-aironet1000-vci",
        "http://office.manualsonline.com/manuals/mfg/cisco_systems/aironet_1000.html?p=77",
        "Cisco Aironet 1000 Series hardware installation guide, Table F-1 Lightweight Access Point VCI Strings",
        Rec(
            "dhcp.vendor_class",
            "Airespace.AP1200",
            "Cisco",
            "Aironet 1000 series (Airespace, Cisco's since 2005)",
        ),
        *each(
            "dhcp.vendor_class",
            (
                "Cisco AP c1100",
                "Cisco AP c1130",
                "Cisco AP c1200",
                "Cisco AP c1240",
                "Cisco AP c1300",
                "Cisco AP.LAP1510",
            ),
            "Cisco",
            _CISCO_VCI,
        ),
    ),
    cisco_vci(
        "manual-cisco-ap1300-vci",
        "http://office.manualsonline.com/manuals/mfg/cisco_systems/1300_1.html?p=106",
        "Cisco Aironet 1300 Series outdoor AP/bridge installation guide, Appendix G (VCI strings)",
        "Cisco AP c1310",
    ),
    cisco_vci(
        "manual-cisco-ap3700-vci",
        "http://videogame.manualsonline.com/manuals/mfg/cisco_systems/3700_8.html?p=41",
        "Cisco Aironet 3700 Series getting started guide (VCI string, ServiceProvider option)",
        "Cisco AP c3700",
        "Cisco AP c3700-ServiceProvider",
    ),
    cisco_vci(
        "manual-cisco-ap1260-vci",
        "http://office.manualsonline.com/manuals/mfg/cisco_systems/1260.html?p=32",
        "Cisco Aironet 1260 Series getting started guide (VCI string)",
        "Cisco AP c1260",
    ),
    cisco_vci(
        "manual-cisco-ap2700-vci",
        "https://manualsdump.com/en/manuals/cisco_systems-ol-31386-01/249995/40",
        "Cisco Aironet 2700 Series getting started guide OL-31386-01 (VCI string)",
        "Cisco AP c2700",
    ),
    cisco_vci(
        "manual-cisco-ap3502-vci",
        "https://www.manualshelf.com/manual/cisco-systems/102073p/user-s-manual-english/page-31.html",
        "Cisco Aironet 3502P getting started guide (VCI string)",
        "Cisco AP c3502",
    ),
    cisco_vci(
        "manual-cisco-ap520-vci",
        "http://www.manualowl.com/m/Cisco/AIR-AP521G-A-K9/Manual/290844?page=127",
        "Cisco 500 Series Wireless Express configuration guide, Table A-1 (VCI string of LAP521)",
        "Cisco AP c520",
    ),
    # ---------------------------------------------------------------- generic DHCP clients
    Source(
        "page-serveraide-option60",
        "https://serveraide.com/what-is-option-60-vendor-class-identifier-used-for-in-dhcpv4-73338",
        "What is option 60 (vendor class identifier) used for in DHCPv4 (Wireshark observations)",
        Rec("dhcp.vendor_class", "android-dhcp-13", None, "Android 13 DHCP client: any phone maker"),
        Rec("dhcp.vendor_class", "udhcp 1.23.2", None, "BusyBox udhcpc: any embedded Linux device"),
    ),
    # ---------------------------------------------------------------- DHCP host names from lease files in issues
    Source(
        "gh-ha-375",
        "https://github.com/home-assistant/core/pull/375",
        "home-assistant #375: asuswrt device tracker, dnsmasq.leases of an RT-AC66R",
        Rec("hostname", "chit-jsl3", None, "user-chosen computer name"),
        Rec(
            "hostname", "android-2c94abebaab16255", None, "Android's default DHCP host name: any phone maker"
        ),
        Rec(
            "hostname",
            "MC4650-CA31C1",
            "Konica Minolta",
            "magicolor 4650 printer default name (model + MAC tail; its MAC 00:20:6B is a Konica Minolta block)",
        ),
        Rec("hostname", "iLol", None, "user-chosen name"),
        Rec("hostname", "gatekeeper", None, "user-chosen name"),
        Rec("hostname", "SonosZP", None, "Sonos ZonePlayer: Sonos is not a catalogue maker"),
        Rec("hostname", "SonosZB", None, "Sonos ZoneBridge: Sonos is not a catalogue maker"),
    ),
    Source(
        "gh-asusrouter-895",
        "https://github.com/Vaskivskyi/ha-asusrouter/issues/895",
        "ha-asusrouter #895: connected devices' host names (Asus ZenWiFi XD6S)",
        Rec("hostname", "iphone", "Apple", "iOS default host name"),
    ),
    Source(
        "manual-aastra-dbc425-vci",
        "https://manualshive.com/ru/manual/aastra/dbc-425/3507979?page=31",
        "Aastra DBC 422/425 IP phone manual, 7.11.3 DHCP settings for option 43 and 60 (vendor class)",
        Rec(
            "dhcp.vendor_class", "Aastra IP-Phone", "Mitel", "Aastra IP phones (Aastra is Mitel's since 2014)"
        ),
    ),
]
