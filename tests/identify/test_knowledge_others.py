"""Telling makers apart: the product lines of Hytera, DJI and Autel Robotics, and the grammars and
names of the non-covered makers whose devices sit beside theirs (knowledge-others-*.yaml,
vendors/network.yaml and vendors/video.yaml).

Each token is put in the shapes several fields really have (a realm, a Server header, a SIP
agent, a telnet prompt, a sysDescr, a certificate name, an inventory's model column) and must
name its own maker with a reportable confidence; a non-covered maker's token must never name a
covered maker, and a covered maker's token must still name it when the look-alike grammars of
the other makers are loaded beside it.
"""

from __future__ import annotations

import re

import pytest

from custodiet.identify.compile import CompiledContent
from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import REPORT_FLOOR, fuse_one_text
from custodiet.pipeline.content import load_content

COVERED = {"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera", "DJI", "Autel Robotics"}

# A realistic text of each field around a token X; fields whose context keeps a declared strength
# (device, prompt, inventory-model), so a medium model grammar stays reportable in each of them.
SHAPES: dict[str, str] = {
    "http.www_authenticate": 'Basic realm="X"',
    "http.server": "X/1.0",
    "http.title": "X - Login",
    "sip.user_agent": "X V1.2.3",
    "telnet.banner": "\r\nX login: ",
    "ftp.banner": "220 X FTP server ready.",
    "snmp.sysdescr": "X Software, Version 1.0",
    "tls.subject": "CN=X,O=Example,C=US",
    "upnp.description": "<root><device><modelName>X</modelName></device></root>",
    "inventory.model": "X",
}

# (token, maker it must name): one or more per grammar of knowledge-others-*.yaml and per
# catalogue entry added for the makers beside the covered ones.
NON_COVERED: list[tuple[str, str]] = [
    ("FLEXIDOME IP 5000i", "Bosch Security Systems"),
    ("DIVAR IP", "Bosch Security Systems"),
    ("PND-9080R", "Hanwha Vision"),
    ("LNV-6012R", "Hanwha Vision"),
    ("IP8337H", "Vivotek"),
    ("FD8136", "Vivotek"),
    ("MOBOTIX M16", "Mobotix"),
    ("SWNHD-820CAM", "Swann"),
    ("UVC G5 Bullet", "Ubiquiti"),
    ("UNVR", "Ubiquiti"),
    ("G-2425G-A", "Nokia"),
    ("G-010G-Q", "Nokia"),
    ("F@st 5380", "Sagemcom"),
    ("TG789vac v2", "Vantiva"),
    ("DGA0122", "Vantiva"),
    ("FRITZ!Box 7590 AX", "AVM"),
    ("VMG3625-T50B", "Zyxel"),
    ("EX5601-T0", "Zyxel"),
    ("AN5506-04-F", "FiberHome"),
    ("HG6245D", "FiberHome"),
    ("Archer AX55", "TP-Link"),
    ("Deco XE75PRO", "TP-Link"),
    ("XC220-G3v", "TP-Link"),
    ("RT-AX56U", "ASUS"),
    ("Nighthawk R7000", "Netgear"),
    ("WNDR3700", "Netgear"),
    ("GPT-2541GNAC", "MitraStar"),
    ("S5130S-28S-EI", "H3C"),
    ("MSR3620", "H3C"),
    ("RG-EW1300G", "Ruijie"),
    ("CP-8841-K9", "Cisco"),
    ("AIR-AP2802I-E-K9", "Cisco"),
    ("EX4300-48T", "Juniper Networks"),
    ("SRX345", "Juniper Networks"),
    ("ArubaOS-CX", "Hewlett Packard Enterprise"),
    ("JL253A", "Hewlett Packard Enterprise"),
    ("Brocade G620", "Brocade"),
    ("DIR-842", "D-Link"),
    ("DGS-1210-28", "D-Link"),
    ("SIP-T46S", "Yealink"),
    ("VVX 411", "Polycom"),
    ("XPR 7550", "Motorola Solutions"),
    ("SLR5700", "Motorola Solutions"),
    ("DP4800e", "Motorola Solutions"),
    ("NX-5200", "JVCKENWOOD"),
    ("IC-F3400D", "Icom"),
    ("ANAFI USA", "Parrot"),
    ("Skydio X10", "Skydio"),
    ("MaxiSys", "Autel Intelligent Technology"),
    ("MitraStar", "MitraStar"),
    ("kenwood.com", "JVCKENWOOD"),
    ("skydio.com", "Skydio"),
]

# (token, covered maker): the product lines of the covered makers this work adds.
COVERED_TOKENS: list[tuple[str, str]] = [
    ("PD785G", "Hytera"),
    ("HM780", "Hytera"),
    ("RD965", "Hytera"),
    ("DS-6250S", "Hytera"),
    ("PT580H Plus", "Hytera"),
    ("PNC660", "Hytera"),
    ("SCG2221", "Hytera"),
    ("Sepura plc", "Hytera"),
    ("teltronic.es", "Hytera"),
    ("hytera.com", "Hytera"),
    ("Matrice 300 RTK", "DJI"),
    ("Mavic 3 Enterprise", "DJI"),
    ("DJI Dock 2", "DJI"),
    ("DJI RC Plus", "DJI"),
    ("Zenmuse H20T", "DJI"),
    ("FlightHub 2", "DJI"),
    ("dji.com", "DJI"),
    ("Autel EVO II Pro", "Autel Robotics"),
    ("EVO Max 4T", "Autel Robotics"),
    ("Autel Smart Controller SE", "Autel Robotics"),
    ("autelrobotics.com", "Autel Robotics"),
]

# Texts that look like a covered maker's but are another maker's or nobody's: none may name a
# covered maker in any field.
NEAR_MISSES = [
    "Autel",
    "Autel MaxiSys MS906",
    "Autel MaxiCharger",
    "Samsung 970 EVO Plus",
    "Phantom v2512",
    "PT100 sensor",
    "DP-3600",
    "SRX5308",
    "RG-6 coax",
    "Apache Spark-RC-2024",
    "Mini 3 Pro",
    "Dragonfish",
    "Teltronic AG",
]


@pytest.fixture(scope="module")
def compiled() -> CompiledContent:
    return load_content().compiled


@pytest.fixture(scope="module")
def identifier(compiled: CompiledContent) -> Identifier:
    return Identifier(compiled)


def _fields(token: str) -> list[str]:
    """The shapes a token is checked in: a domain is not read in an inventory's model column
    (knowledge.yaml: inventory-model domain none)."""
    is_domain = re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", token) is not None
    return [f for f in SHAPES if not (is_domain and f == "inventory.model")]


def _answer(identifier: Identifier, field: str, token: str) -> tuple[str | None, float, str]:
    text = SHAPES[field].replace("X", token)
    values, confidence, _ = fuse_one_text(identifier.match(field, text))
    return values["manufacturer"], confidence, text


def _misnamed(identifier: Identifier, token: str, maker: str) -> list[str]:
    """The fields where `token` is not confidently named `maker`; never a covered maker for
    another maker's token."""
    failures = []
    for field in _fields(token):
        named, confidence, text = _answer(identifier, field, token)
        if named != maker or confidence < REPORT_FLOOR:
            failures.append(f"{field}: {text!r} -> {named} ({confidence})")
        if maker not in COVERED:
            assert named not in COVERED, (field, text, named)
    return failures


@pytest.mark.parametrize(("token", "maker"), NON_COVERED)
def test_non_covered_tokens_name_their_maker_in_every_field(
    identifier: Identifier, token: str, maker: str
) -> None:
    failures = _misnamed(identifier, token, maker)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("token", "maker"), COVERED_TOKENS)
def test_covered_product_lines_name_the_covered_maker_in_every_field(
    identifier: Identifier, token: str, maker: str
) -> None:
    failures = _misnamed(identifier, token, maker)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("token", NEAR_MISSES)
def test_near_misses_name_no_covered_maker(identifier: Identifier, token: str) -> None:
    for field in SHAPES:
        named, confidence, text = _answer(identifier, field, token)
        if confidence >= REPORT_FLOOR:
            assert named not in COVERED, (field, text, named, confidence)


@pytest.mark.parametrize(
    ("covered", "maker", "other", "other_maker"),
    [
        ("PD785G", "Hytera", "DP4800e", "Motorola Solutions"),
        ("MD785G", "Hytera", "NX-5200", "JVCKENWOOD"),
        ("RD985", "Hytera", "SLR5700", "Motorola Solutions"),
        ("Matrice 300 RTK", "DJI", "ANAFI USA", "Parrot"),
        ("DJI Dock 2", "DJI", "Skydio Dock", "Skydio"),
        ("EVO II Dual 640T", "Autel Robotics", "Skydio X2D", "Skydio"),
    ],
)
def test_a_fleet_inventory_names_each_maker(
    identifier: Identifier, covered: str, maker: str, other: str, other_maker: str
) -> None:
    """Rows of one radio or drone fleet: the covered row keeps its maker beside a look-alike row
    of another maker, and the other row is never pulled to the covered maker."""
    for field in ("inventory.model", "snmp.sysdescr", "http.www_authenticate"):
        assert _answer(identifier, field, covered)[0] == maker, (field, covered)
        assert _answer(identifier, field, other)[0] == other_maker, (field, other)


def test_the_others_files_never_claim_a_covered_maker(compiled: CompiledContent) -> None:
    """Every signature of knowledge-others-*.yaml names a maker that no list covers, so an
    addition there can only take devices out of the covered pile, never put them in."""
    others = [
        sig
        for f in compiled.signature_files
        if f.path.rsplit("/", 1)[-1].startswith("knowledge-others-")
        for sig in f.signatures
    ]
    assert len(others) >= 40
    for sig in others:
        makers = {ex.expect.get("manufacturer") for ex in sig.examples}
        assert makers and not makers & COVERED, (sig.id, makers)


def test_bare_autel_names_nobody_but_autel_robotics_products_do(identifier: Identifier) -> None:
    """'Autel' alone is also Autel Intelligent Technology's word (car diagnostics, EV chargers)."""
    for field in ("inventory.vendor", "http.www_authenticate", "snmp.sysdescr"):
        text = "Autel"
        values, confidence, _ = fuse_one_text(identifier.match(field, text))
        assert values["manufacturer"] is None or confidence < REPORT_FLOOR, (field, values)
    values, confidence, _ = fuse_one_text(identifier.match("inventory.model", "Autel EVO II Pro 6K"))
    assert values["manufacturer"] == "Autel Robotics" and values["device_type"] == "drone"
    assert confidence >= REPORT_FLOOR
