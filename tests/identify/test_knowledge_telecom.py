"""Huawei and ZTE product-line knowledge, tried in the shapes devices really use.

Why: the knowledge files (knowledge-huawei.yaml, knowledge-zte.yaml, the vendors' names and
domains) are written once and must be recognised in every field a device fills: a realm, a Server
header, an SSH or SIP agent, a telnet or FTP greeting, a page title, a sysDescr, a certificate
name, a UPnP description. And the near-miss tokens of other makers (Nokia, Sagemcom, Zyxel, H3C,
Ruijie, Canon, Intel boards, Atheros chips, Honor) must not be taken for Huawei or ZTE, since a
false "covered" is the costly error.
"""

from __future__ import annotations

import pytest

from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import fuse_one_text
from custodiet.pipeline.content import load_content

# How each field carries a bare token, as the devices write it.
SHAPES = {
    "http.www_authenticate": 'Basic realm="{}"',
    "http.server": "Server: {}",
    "rtsp.server": "Server: {}",
    "ssh.banner": "SSH-2.0-{}",
    "sip.user_agent": "User-Agent: {}",
    "telnet.banner": "\r\n{} login:",
    "ftp.banner": "220 {} FTP server ready",
    "http.title": "{}",
    "snmp.sysdescr": "{}",
    "tls.subject": "CN={}",
    "upnp.description": "<modelName>{}</modelName>",
}

# (maker, token): family names, model grammars, names and domains of the two makers.
KNOWN = [
    ("Huawei", "HG8245H"),
    ("Huawei", "HG8010Hv6-10"),
    ("Huawei", "HG8245X6-8Ne"),
    ("Huawei", "EG8145V5"),
    ("Huawei", "HN8010Ts"),
    ("Huawei", "EchoLife"),
    ("Huawei", "OptiXstar"),
    ("Huawei", "SmartAX"),
    ("Huawei", "CloudEngine"),
    ("Huawei", "HoloSens"),
    ("Huawei", "B535-232"),
    ("Huawei", "H122-373"),
    ("Huawei", "E5186s-22a"),
    ("Huawei", "S5731-S24T4X"),
    ("Huawei", "AR2204-51GE-P"),
    ("Huawei", "AC6605-26-PWR"),
    ("Huawei", "MA5800-X17"),
    ("Huawei", "MA5671A"),
    ("Huawei", "UMG8900"),
    ("Huawei", "eSpace 7910"),
    ("Huawei", "HUAWEI TE40"),
    ("Huawei", "Quidway"),
    ("Huawei", "HUAWEI"),
    ("Huawei", "huawei.com"),
    ("Huawei", "hicloud.com"),
    ("Huawei", "HWTC50F845B1"),
    ("ZTE", "ZTE"),
    ("ZTE", "ZXHN"),
    ("ZTE", "ZTE F670L"),
    ("ZTE", "F660"),
    ("ZTE", "F6645P"),
    ("ZTE", "H298A"),
    ("ZTE", "H3601P"),
    ("ZTE", "ZTE H268A"),
    ("ZTE", "MF289F"),
    ("ZTE", "MC801A"),
    ("ZTE", "ZXA10 C600"),
    ("ZTE", "ZXDSL 9806H"),
    ("ZTE", "ZXV10 B860H"),
    ("ZTE", "zte.com.cn"),
    ("ZTE", "ztedevices.com"),
    ("ZTE", "ZTEGC8A1B2C3"),
]

# Other makers' tokens that look like Huawei or ZTE ones.
NEAR_MISSES = [
    "G-240W-A",  # Nokia ONT
    "F@st 5366",  # Sagemcom
    "VMG8825-T50",  # Zyxel
    "EX5601-T0",  # Zyxel
    "Archer C7",  # TP-Link
    "FRITZ!Box 7590",  # AVM
    "R7000",  # Netgear
    "WS-C2960X-48FPD-L",  # Cisco
    "EX4300-48T",  # Juniper
    "S5130S-28S-EI",  # H3C
    "Comware-7.1.064",  # H3C
    "RG-S5750-24GT4XS-L",  # Ruijie
    "HONOR Router 3",  # Honor, independent of Huawei since 2020
    "H310M-E",  # Intel chipset board
    "MF644Cdw",  # Canon
    "MF632C",  # Canon
    "AR9331",  # Atheros
    "AR8327N-BL1A",  # Atheros
    "F600EXR",  # Fujifilm
    "MC9300",  # Zebra
    "AC1200",  # Wi-Fi class
    "E5-2680",  # Intel Xeon
    "H264",  # codec
    "HG8",
]


@pytest.fixture(scope="module")
def identifier() -> Identifier:
    return Identifier(load_content().compiled)


def _identify(identifier: Identifier, field: str, text: str) -> tuple[str | None, float, dict]:
    values, confidence, _signature = fuse_one_text(identifier.match(field, text))
    return values["manufacturer"], confidence, values


@pytest.mark.parametrize(("maker", "token"), KNOWN)
def test_token_recognised_in_every_field_shape(identifier: Identifier, maker: str, token: str) -> None:
    """Each known token names its maker confidently in every field shape."""
    failures = []
    for field, shape in SHAPES.items():
        text = shape.format(token)
        manufacturer, confidence, _ = _identify(identifier, field, text)
        if manufacturer != maker or confidence < 0.45:
            failures.append(f"{field}: {text!r} -> {manufacturer} {confidence:.2f}")
    assert not failures, failures


@pytest.mark.parametrize("token", NEAR_MISSES)
def test_near_miss_is_not_huawei_or_zte(identifier: Identifier, token: str) -> None:
    """Other makers' look-alike tokens are never a confident Huawei or ZTE."""
    for field, shape in SHAPES.items():
        text = shape.format(token)
        manufacturer, confidence, _ = _identify(identifier, field, text)
        assert not (manufacturer in ("Huawei", "ZTE") and confidence >= 0.45), (field, text, confidence)


@pytest.mark.parametrize(
    ("field", "text", "model", "device_type"),
    [
        ("http.server", "Server: HG8010Hv6", "HG8010Hv6", "ont"),
        ("telnet.banner", "HG8245X6-8Ne login:", "HG8245X6-8Ne", "ont"),
        ("sip.user_agent", "User-Agent: B535-232", "B535-232", "router"),
        ("snmp.sysdescr", "S5735-L24P4S-A1", "S5735-L24P4S-A1", "switch"),
        ("http.www_authenticate", 'Basic realm="AC6605-26-PWR"', "AC6605-26-PWR", "controller"),
        ("ftp.banner", "220 ZTE F670L FTP server ready", "F670L", "ont"),
        ("http.server", "Server: MF289F", "MF289F", "modem"),
    ],
)
def test_model_and_type_read_from_the_token(
    identifier: Identifier, field: str, text: str, model: str, device_type: str
) -> None:
    _maker, _confidence, values = _identify(identifier, field, text)
    assert (values["model"], values["device_type"]) == (model, device_type)


def test_short_bare_model_is_not_read_from_a_whole_page(identifier: Identifier) -> None:
    """A medium bare number (F660, H298A) names ZTE in a device's own field, but a whole page
    may mention any product, so there it is only a hint below the reporting floor; a strong
    grammar still counts there, one level lower."""
    assert _identify(identifier, "http.server", "Server: F660")[:2] == ("ZTE", pytest.approx(0.6))
    maker, confidence, _ = _identify(identifier, "http.body", "<p>compatible with F660 and H298A</p>")
    assert confidence < 0.45
    maker, confidence, _ = _identify(identifier, "http.body", "<p>HG8245H</p>")
    assert maker == "Huawei" and confidence == pytest.approx(0.6)


def test_huawei_ont_prompt(identifier: Identifier) -> None:
    """The WAP> prompt of Huawei ONT shells names Huawei (medium) in a telnet session."""
    maker, confidence, values = _identify(identifier, "telnet.banner", "Login:root\r\nPassword:\r\nWAP>")
    assert (maker, values["device_type"]) == ("Huawei", "ont")
    assert confidence >= 0.45
