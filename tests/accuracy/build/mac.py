"""Build corpus/mac-oui.jsonl: MAC addresses from IEEE MA-L blocks, labelled by their registrant.

Why: a MAC's first three bytes name the organisation that registered the block (IEEE registry,
the copy netaddr ships). custodiet maps registrants to makers through its vendor catalogue; this
corpus checks that mapping from the outside, with labels written here from the registrant names
(ORG_MAKERS below, our own reading of the IEEE names and of public company facts), never from
custodiet's catalogue.

What it holds (sampled deterministically, seed fixed):
- every block of the covered makers and their subsidiaries (Huawei and ZTE are sampled: they
  hold hundreds of blocks);
- blocks of non-covered makers in the catalogue (a few per maker);
- hard negatives: Honor (spun off from Huawei in 2020), H3C, Teltronic AG / Teltronics Inc (not
  Hytera's Teltronic S.A.U.), ZTEC Instruments, Beijing Autelan (not Autel Robotics), chip and
  module makers (the device maker is unknown), and randomly chosen other registrants;
- locally administered addresses (randomised MACs of phones and laptops, and covered OUIs with
  the local bit set), and multicast addresses: they name no maker.
- MACs are written in the notations tools print: colon, dash, Cisco dotted and bare hex.

Run: .venv/bin/python tests/accuracy/build/mac.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import COVERED

HERE = Path(__file__).resolve().parent.parent
ORIGIN = "ieee-oui"


def registry_path() -> Path:
    import netaddr.eui

    return Path(netaddr.eui.__file__).parent / "oui.txt"


def read_registry(path: Path) -> list[tuple[str, str]]:
    """[(hex6, organisation)] in file order."""
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if "(hex)" in line:
            hexpart, _, org = line.partition("(hex)")
            out.append((hexpart.strip().replace("-", "").upper(), org.strip()))
    return out


# (registrant pattern, maker or None, how many blocks at most, basis). First match wins.
# None = a registrant whose blocks say nothing about who made the device (chip/module makers)
# or that is not one of the catalogue's makers; such records are labelled "no maker".
ORG_MAKERS: list[tuple[str, str | None, int, str]] = [
    # covered makers and their subsidiaries
    (r"^Hangzhou Hikvision Digital Technology", "Hikvision", 999, "Hikvision's own blocks"),
    (r"^Hangzhou Ezviz Software", "Hikvision", 999, "EZVIZ is Hikvision's consumer subsidiary"),
    (r"^Hangzhou Hikrobot", "Hikvision", 999, "Hikrobot is a Hikvision subsidiary"),
    (r"^Prama Hikvision India", "Hikvision", 999, "Hikvision's joint venture in India (an affiliate)"),
    (r"^Zhejiang Dahua Technology|^ZHEJIANG DAHUA TECHNOLOGY", "Dahua", 999, "Dahua's own blocks"),
    (
        r"(?i)^hangzhou huacheng network technology",
        "Dahua",
        999,
        "Huacheng (Imou/Lechange) is a Dahua subsidiary",
    ),
    (r"^Zhejiang HuaRay Technology", "Dahua", 999, "HuaRay (machine vision) is a Dahua subsidiary"),
    (
        r"^HUAWEI TECHNOLOGIES CO\.,LTD$|^Huawei Technologies Co\., Ltd\.$",
        "Huawei",
        70,
        "Huawei's own blocks",
    ),
    (r"^Huawei Device Co\., Ltd\.$", "Huawei", 40, "Huawei's consumer-device company"),
    (r"^zte corporation$", "ZTE", 50, "ZTE's own blocks"),
    (r"^Hytera Communications", "Hytera", 999, "Hytera's own blocks"),
    (r"^Teltronic S\.A\.U\.$", "Hytera", 999, "Teltronic S.A.U. (Spain) is owned by Hytera since 2014"),
    (r"^Sepura Plc$", "Hytera", 999, "Sepura is owned by Hytera since 2017"),
    (r"^SZ DJI TECHNOLOGY", "DJI", 999, "DJI's own blocks"),
    # hard negatives: look-alike or former relatives of covered makers
    (r"^Honor Device Co", "Honor", 12, "Honor: Huawei's former brand, independent since 2020"),
    (r"H3C", "H3C", 15, "H3C: Huawei's former joint venture, owned by Tsinghua Unigroup since 2016"),
    (r"^Teltronic AG$|^Teltronics, Inc\.$", None, 999, "not Hytera's Teltronic S.A.U."),
    (r"^ZTEC Instruments", None, 999, "not ZTE"),
    (r"^Beijing Autelan Technology", None, 999, "not Autel Robotics"),
    (
        r"(?i)^Hisilicon|^Huawei Symantec|^Nubia Technology|^Lorex|^Amcrest|^Swann",
        "SKIP",
        0,
        "left out: chip subsidiary, dissolved joint venture, ownership changed, or relabel brand",
    ),
    # component makers: the block says who made the chip or module, not the device
    (
        r"^Espressif|^Realtek|^MEDIATEK|^Intel Corporate|^Murata|^AzureWave|^Hon Hai|^Texas Instruments|"
        r"^Quectel|^Broadcom|^Qualcomm|^Chongqing Fugui|^Universal Global Scientific|^Liteon|^LITE-ON|"
        r"^Sierra Wireless|^Fibocom|^u-blox|^Silicon Laboratories|^Microchip|^Nordic Semiconductor",
        None,
        4,
        "chip or module maker: the device maker is unknown",
    ),
    # non-covered makers of the catalogue
    (r"^Cisco Systems, Inc$|^Cisco SPVTG|^Cisco Meraki", "Cisco", 8, "Cisco and Meraki (Cisco) blocks"),
    (r"^Juniper Networks", "Juniper Networks", 5, "Juniper's blocks"),
    (
        r"^Aruba, a Hewlett Packard Enterprise Company|^Hewlett Packard Enterprise",
        "Hewlett Packard Enterprise",
        6,
        "HPE and Aruba (HPE) blocks",
    ),
    (r"^Ubiquiti", "Ubiquiti", 5, "Ubiquiti's blocks"),
    (r"^Routerboard\.com|^Mikrotikls", "MikroTik", 4, "MikroTik's blocks"),
    (r"^TP-LINK TECHNOLOGIES|^TP-Link Corporation|^TP-LINK CORPORATION", "TP-Link", 6, "TP-Link's blocks"),
    (r"^NETGEAR$", "Netgear", 5, "Netgear's blocks"),
    (r"^D-Link", "D-Link", 5, "D-Link's blocks"),
    (r"^Zyxel|^ZyXEL", "Zyxel", 4, "Zyxel's blocks"),
    (r"^ASUSTek", "ASUS", 5, "ASUS's blocks"),
    (r"^Fortinet", "Fortinet", 4, "Fortinet's blocks"),
    (r"^Palo Alto Networks", "Palo Alto Networks", 3, "Palo Alto Networks' blocks"),
    (r"^Check Point Software", "Check Point", 2, "Check Point's blocks"),
    (r"^SonicWall|^SonicWALL", "SonicWall", 2, "SonicWall's blocks"),
    (r"^WatchGuard", "WatchGuard", 2, "WatchGuard's blocks"),
    (r"^Nokia Solutions and Networks|^Nokia Shanghai Bell|^Nokia$", "Nokia", 4, "Nokia's blocks"),
    (r"^Ericsson AB", "Ericsson", 3, "Ericsson's blocks"),
    (r"^Ruckus Wireless", "Ruckus", 3, "Ruckus's blocks"),
    (r"^ARRIS Group|^CommScope", "CommScope", 4, "ARRIS is CommScope's"),
    (r"^Extreme Networks", "Extreme Networks", 3, "Extreme's blocks"),
    (r"^Arista Networks", "Arista", 2, "Arista's blocks"),
    (r"^Ruijie Networks", "Ruijie", 3, "Ruijie's blocks"),
    (r"^Fiberhome|^FiberHome", "FiberHome", 3, "FiberHome's blocks"),
    (r"^Cambium Networks", "Cambium Networks", 2, "Cambium's blocks"),
    (r"^Shenzhen Tenda|^Tenda", "Tenda", 2, "Tenda's blocks"),
    (r"^AVM Audiovisuelles|^AVM GmbH", "AVM", 2, "AVM's blocks"),
    (r"^DrayTek", "DrayTek", 2, "DrayTek's blocks"),
    (r"^LANCOM Systems", "LANCOM", 2, "LANCOM's blocks"),
    (r"^Teltonika", "Teltonika", 2, "Teltonika's blocks"),
    (r"^Sophos", "Sophos", 2, "Sophos's blocks"),
    (r"^Allied Telesis", "Allied Telesis", 2, "Allied Telesis's blocks"),
    (r"^F5 Networks|^F5, Inc", "F5", 2, "F5's blocks"),
    (r"^Sagemcom", "Sagemcom", 3, "Sagemcom's blocks"),
    (r"^Technicolor|^Vantiva", "Vantiva", 3, "Technicolor (now Vantiva) blocks"),
    (r"^Sercomm", "Sercomm", 2, "Sercomm's blocks"),
    (r"^Arcadyan", "Arcadyan", 2, "Arcadyan's blocks"),
    (r"^Askey Computer", "Askey", 2, "Askey's blocks"),
    (r"^Dell Inc", "Dell", 4, "Dell's blocks"),
    (r"^LCFC|^Lenovo", "Lenovo", 3, "Lenovo's blocks"),
    (r"^Super Micro Computer", "Supermicro", 2, "Supermicro's blocks"),
    (r"^Synology", "Synology", 2, "Synology's blocks"),
    (r"^QNAP Systems", "QNAP", 2, "QNAP's blocks"),
    (r"^Western Digital", "Western Digital", 2, "Western Digital's blocks"),
    (r"^Apple, Inc\.$", "Apple", 8, "Apple's blocks"),
    (r"^Microsoft Corporation$", "Microsoft", 3, "Microsoft's blocks"),
    (r"^Samsung Electronics Co\.,Ltd$", "Samsung", 6, "Samsung Electronics' blocks"),
    (r"^Google, Inc\.$", "Google", 3, "Google's blocks"),
    (r"^Amazon Technologies Inc\.$", "Amazon", 3, "Amazon's blocks"),
    (r"^Raspberry Pi", "Raspberry Pi", 2, "Raspberry Pi's blocks"),
    (r"^Seiko Epson", "Epson", 3, "Epson's blocks"),
    (r"^Brother industries|^Brother Industries", "Brother", 2, "Brother's blocks"),
    (r"^Xerox", "Xerox", 2, "Xerox's blocks"),
    (r"(?i)^Lexmark", "Lexmark", 2, "Lexmark's blocks"),
    (r"^Ricoh|^RICOH", "Ricoh", 2, "Ricoh's blocks"),
    (r"^KYOCERA", "Kyocera", 2, "Kyocera's blocks"),
    (r"^KONICA MINOLTA", "Konica Minolta", 2, "Konica Minolta's blocks"),
    (r"(?i)^Sharp Corporation", "Sharp", 2, "Sharp's blocks"),
    (r"^Polycom", "Polycom", 2, "Polycom's blocks"),
    (r"(?i)^Yealink", "Yealink", 2, "Yealink's blocks"),
    (r"^Avaya", "Avaya", 2, "Avaya's blocks"),
    (r"^Mitel", "Mitel", 2, "Mitel's blocks"),
    (r"^Grandstream", "Grandstream", 2, "Grandstream's blocks"),
    (r"^Xiaomi Communications", "Xiaomi", 4, "Xiaomi's blocks"),
    (r"^Axis Communications", "Axis", 3, "Axis's blocks"),
    (r"^Bosch Security Systems", "Bosch Security Systems", 2, "Bosch Security's blocks"),
    (
        r"^Hanwha Vision|^Hanwha Techwin|^Samsung Techwin",
        "Hanwha Vision",
        2,
        "Hanwha Vision (ex Samsung Techwin)",
    ),
    (r"^VIVOTEK", "Vivotek", 2, "Vivotek's blocks"),
    (r"^MOBOTIX", "Mobotix", 2, "Mobotix's blocks"),
    (r"^Avigilon", "Avigilon", 2, "Avigilon's blocks"),
    (r"^Pelco", "Pelco", 2, "Pelco's blocks"),
    (r"^Zhejiang Uniview", "Uniview", 3, "Uniview's blocks"),
    (r"^Tiandy", "Tiandy", 2, "Tiandy's blocks"),
    (r"^TVT CO", "TVT", 2, "TVT's blocks"),
    (r"^Xiamen Milesight", "Milesight", 2, "Milesight's blocks"),
    (r"^Zhuhai Raysharp", "Raysharp", 1, "Raysharp's block"),
    (r"^Jovision|^Jinan Jovision", "Jovision", 2, "Jovision's blocks"),
    (r"^Sunell", "Sunell", 1, "Sunell's block"),
    (r"^GeoVision", "GeoVision", 1, "GeoVision's block"),
    (r"^AVTECH", "AVTECH", 1, "AVTECH's block"),
    (r"^Verkada", "Verkada", 1, "Verkada's block"),
    (r"^2N TELEKOMUNIKACE", "2N", 1, "2N's block"),
    (r"^Akuvox", "Akuvox", 1, "Akuvox's block"),
    (r"^HID Global", "HID Global", 1, "HID's block"),
    (r"^Suprema", "Suprema", 1, "Suprema's block"),
    (r"^ZKTECO|^ZKTeco", "ZKTeco", 1, "ZKTeco's block"),
    (r"^Motorola Solutions", "Motorola Solutions", 2, "Motorola Solutions' blocks"),
]

# Registrants that might be a covered maker's relative under another name: never drawn as
# random "other registrant" negatives.
_RELATIVES = re.compile(
    r"(?i)hikvision|hikrobot|ezviz|dahua|huacheng|huaray|imou|huawei|hisilicon|honor|\bzte\b|nubia|"
    r"hytera|\bHYT\b|sepura|teltronic|norsat|sinclair|\bdji\b|da-?jiang|autel|lorex|amcrest|swann|annke|"
    r"laview|hiwatch|\bhik"
)


def mac_text(prefix: str, rng: random.Random, style: int) -> str:
    digits = prefix + "".join(rng.choice("0123456789ABCDEF") for _ in range(6))
    pairs = [digits[i : i + 2] for i in range(0, 12, 2)]
    if style == 0:
        return ":".join(pairs)
    if style == 1:
        return "-".join(pairs).lower()
    if style == 2:
        return ".".join(digits[i : i + 4] for i in range(0, 12, 4)).lower()
    return digits


def build(seed: int = 2015) -> list[dict]:
    rng = random.Random(seed)
    blocks = read_registry(registry_path())
    rules = [(re.compile(p), maker, limit, basis) for p, maker, limit, basis in ORG_MAKERS]
    taken: dict[int, int] = {}
    chosen: list[tuple[str, str, str | None, str]] = []  # (hex6, org, maker, basis)
    unmatched: list[tuple[str, str]] = []
    for hex6, org in blocks:
        for index, (regex, maker, limit, basis) in enumerate(rules):
            if regex.search(org):
                if maker == "SKIP":
                    break
                if taken.get(index, 0) < limit:
                    taken[index] = taken.get(index, 0) + 1
                    chosen.append((hex6, org, maker, basis))
                break
        else:
            if not _RELATIVES.search(org):
                unmatched.append((hex6, org))
    rng.shuffle(unmatched)
    others = sorted(unmatched[:220])
    records: list[dict] = []

    def add(kind: str, text: str, maker: str | None, note: str) -> None:
        records.append(
            {
                "id": f"mac-{kind}-{len(records) + 1:04d}",
                "field": "mac",
                "text": text,
                "label": {"manufacturer": maker, "covered": maker in COVERED},
                "origin": ORIGIN,
                "note": note,
            }
        )

    for n, (hex6, org, maker, basis) in enumerate(chosen):
        kind = "covered" if maker in COVERED else ("maker" if maker else "nomaker")
        add(kind, mac_text(hex6, rng, n % 4), maker, f"{org}: {basis}")
    for n, (hex6, org) in enumerate(others):
        add("other", mac_text(hex6, rng, n % 4), None, f"{org}: registrant outside the catalogue")
    # Locally administered (randomised) addresses: the second-lowest bit of the first byte set.
    covered_prefixes = [h for h, _o, m, _b in chosen if m in COVERED]
    for n in range(40):
        first = rng.randrange(0, 256) | 0x02
        first &= 0xFE  # unicast
        add(
            "local",
            mac_text(f"{first:02X}" + "".join(rng.choice("0123456789ABCDEF") for _ in range(4)), rng, n % 4),
            None,
            "locally administered (randomised) address: no registrant",
        )
    for n, hex6 in enumerate(rng.sample(covered_prefixes, 20)):
        first = int(hex6[:2], 16) | 0x02
        add(
            "local",
            mac_text(f"{first:02X}{hex6[2:]}", rng, n % 4),
            None,
            f"covered block {hex6} with the local bit set: a randomised address, not the vendor's",
        )
    for n in range(6):
        add("multicast", mac_text("01005E", rng, n % 4), None, "IPv4 multicast MAC")
    return records


def main() -> None:
    records = build()
    with (HERE / "corpus" / "mac-oui.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} MAC records")


if __name__ == "__main__":
    main()
