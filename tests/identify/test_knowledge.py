"""The cross-field knowledge layer: every name, brand and domain the catalogue knows, and every
text-wide signature's examples, are recognised in every field the layer applies to, in the shape
that field really has (a realm, a Server header, an SSH banner, a telnet prompt, a certificate
name, a UPnP document, ...); near-miss tokens are not.

Generated from the content itself, so a name or model family added once is checked everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.catalog import Catalog, fold, resolve_name
from custodiet.errors import ContentError
from custodiet.identify.compile import CompiledContent, content_dir
from custodiet.identify.engine import Identifier
from custodiet.identify.fusion import REPORT_FLOOR, fuse_one_text
from custodiet.identify.knowledge import load_knowledge
from custodiet.identify.signatures import STRENGTHS
from custodiet.pipeline.content import load_content

# A realistic text of each field around a token X (the token's own bytes, unchanged).
SHAPES: dict[str, str] = {
    "hostname": "X-01",
    "http.server": "X/1.0",
    "http.www_authenticate": 'Basic realm="X"',
    "http.cookie": "X_lang=en; path=/",
    "http.title": "X - Login",
    "http.headers": "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Powered-By: X\r\n",
    "http.body": "<html><body><div class=footer>Copyright X. All rights reserved.</div></body></html>",
    "http.user_agent": "X Updater/2.1",
    "rtsp.server": "X Streaming Server V1.0",
    "rtsp.response": "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n\r\nv=0\r\ns=X\r\n",
    "sip.server": "X SIP Server 2.0",
    "sip.user_agent": "X IP Phone V1.2.3",
    "ssh.banner": "SSH-2.0-X",
    "telnet.banner": "\r\nX login: ",
    "ftp.banner": "220 X FTP server ready.",
    "snmp.sysdescr": "X Software, Version 1.0",
    "upnp.server": "Linux/3.10 UPnP/1.0 X/1.0",
    "upnp.description": "<root><device><manufacturer>X</manufacturer><modelName>M1</modelName></device></root>",
    "onvif.device_information": "<tds:GetDeviceInformationResponse><tds:Manufacturer>X</tds:Manufacturer>"
    "</tds:GetDeviceInformationResponse>",
    "wsd.scopes": "dn:NetworkVideoTransmitter onvif://www.onvif.org/hardware/X http://192.0.2.7/onvif/device_service",
    "device_search.reply": "<ProbeMatch><DeviceDescription>X</DeviceDescription></ProbeMatch>",
    "tls.subject": "CN=X,O=X,C=CN",
    "tls.issuer": "CN=X Device CA,O=X",
    "dhcp.vendor_class": "X",
    "nmap.service": "X camera httpd",
    "nmap.script": "\n  Server: X\n  Status: up\n",
    "cpe": "cpe:/h:X:device",
    "mac.vendor": "X",
    "os.match": "X embedded",
    "os.cpe": "cpe:/o:X:firmware",
    "inventory.vendor": "X",
    "inventory.model": "X camera",
    "inventory.name": "Lobby camera (X)",
}

# Tokens that look like a covered maker's name but are not it: none may name a covered maker.
NEAR_MISSES = [
    "Hikvisionx",
    "xHikvision",
    "Dahuax",
    "Huaweii",
    "ZTEC",
    "zte1",
    "a3zte9",
    "DJIA",
    "HUAWEIY",
    "Shanghai Dahua Scale Factory",
    "Teltronic AG",
    "Beijing Autelan Technology",
    "Honor",
    "H3C",
]
COVERED = {"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera", "DJI", "Autel Robotics"}


@pytest.fixture(scope="module")
def compiled() -> CompiledContent:
    return load_content().compiled


@pytest.fixture(scope="module")
def identifier(compiled: CompiledContent) -> Identifier:
    return Identifier(compiled)


def test_every_knowledge_field_has_a_shape(compiled: CompiledContent) -> None:
    assert compiled.knowledge is not None
    assert set(compiled.knowledge.fields) == set(SHAPES)


def _tokens(catalog: Catalog) -> list[tuple[str, str, str]]:
    """(kind, token, maker it must name) for every name, legal name, alias, domain and every
    brand whose link names its maker (own brands, medium and high relabels)."""
    out = []
    for vendor in catalog.vendors.values():
        # a vendor that is also a relabel brand (Lorex) is named through the brand link
        resolved = resolve_name(catalog, vendor.name)
        maker = resolved.manufacturer or resolved.possible_maker or vendor.name
        for name in dict.fromkeys((vendor.name, *vendor.aliases, *vendor.legal_names)):
            link = catalog.brands.get(fold(name))
            if link is None:
                out.append(("name", name, maker))
        out.extend(("domain", domain, maker) for domain in vendor.domains)
    links = {id(link): link for link in catalog.brands.values()}
    for link in links.values():
        if link.confidence == "low":
            continue
        maker = catalog.vendors[link.maker].name
        out.extend(("brand", alias, maker) for alias in link.aliases)
        out.extend(("domain", domain, maker) for domain in link.domains)
    return out


def _ascii_word(token: str) -> bool:
    return token.isascii()


def test_every_name_brand_and_domain_is_recognised_in_every_field(
    compiled: CompiledContent, identifier: Identifier
) -> None:
    knowledge = compiled.knowledge
    assert knowledge is not None
    failures = []
    checked = 0
    tokens = _tokens(compiled.catalog)
    assert len(tokens) > 300
    for kind, token, maker in tokens:
        for field, shape in SHAPES.items():
            strength = knowledge.strength(field, kind)
            if strength is None:
                continue
            if field in ("hostname", "cpe", "os.cpe") and not (_ascii_word(token) and " " not in token):
                continue  # host names and CPEs hold no spaces or non-ASCII letters
            text = shape.replace("X", token)
            matches = identifier.match(field, text)
            named = {m.sets.get("manufacturer") for m in matches} | {m.relabel for m in matches}
            checked += 1
            if maker not in named:
                failures.append(f"{field} {kind} {token!r} -> {sorted(filter(None, named))}: {text!r}")
                continue
            values, confidence, _ = fuse_one_text(matches)
            if STRENGTHS[strength] >= REPORT_FLOOR and values["manufacturer"] != maker:
                failures.append(f"{field} {kind} {token!r}: answered {values['manufacturer']} ({confidence})")
    assert checked > 5000
    assert not failures, f"{len(failures)} of {checked}:\n" + "\n".join(failures[:60])


def test_a_name_alone_in_a_realm_is_strong_and_in_a_page_only_a_hint(identifier: Identifier) -> None:
    realm = fuse_one_text(identifier.match("http.www_authenticate", 'Basic realm="Huawei"'))
    assert realm[0]["manufacturer"] == "Huawei" and realm[1] >= 0.85
    page = fuse_one_text(identifier.match("http.body", "<p>Works with Huawei routers</p>"))
    assert page[1] < REPORT_FLOOR  # a hint: `identify` withholds it
    digest = fuse_one_text(
        identifier.match("http.www_authenticate", 'Digest realm="www.hikvision.com", nonce="1"')
    )
    assert digest[0]["manufacturer"] == "Hikvision" and digest[1] >= 0.6


ANDROID_AGENT = "Mozilla/5.0 (Linux; Android 10; SM-G975F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
IPHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
BOX_AGENT = "Mozilla/5.0 (Linux; Android 4.4.2; EC6108V9 Build/KOT49H) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/30.0"


def test_an_inert_word_hides_the_name_inside_it_and_claims_nothing(identifier: Identifier) -> None:
    """AppleWebKit is in every browser's agent: it is not Apple's camel-case name (Apple + WebKit)."""
    android = fuse_one_text(identifier.match("http.user_agent", ANDROID_AGENT))
    assert android[0].get("manufacturer") != "Apple"
    iphone = fuse_one_text(identifier.match("http.user_agent", IPHONE_AGENT))
    assert iphone[0]["manufacturer"] == "Apple"  # named by "iPhone", not vetoed by the engine's token
    box = fuse_one_text(identifier.match("http.user_agent", BOX_AGENT))
    assert box[0]["manufacturer"] == "Huawei" and box[0]["model"] == "EC6108V9"
    assert box[1] >= 0.6  # no Apple claim contradicts the box's model
    assert fuse_one_text(identifier.match("http.server", "Apple WebKit"))[0]["manufacturer"] == "Apple"


@pytest.mark.parametrize("token", NEAR_MISSES)
def test_near_miss_tokens_name_no_covered_maker(identifier: Identifier, token: str) -> None:
    for field, shape in SHAPES.items():
        text = shape.replace("X", token)
        values, confidence, _ = fuse_one_text(identifier.match(field, text))
        if confidence >= REPORT_FLOOR:
            assert values["manufacturer"] not in COVERED, (field, text, values)


def test_every_text_wide_example_is_recognised_in_every_device_field(
    compiled: CompiledContent, identifier: Identifier
) -> None:
    """A model family written once is read in a realm, a Server header, a SIP agent, a prompt,
    a certificate and a UPnP document alike."""
    knowledge = compiled.knowledge
    assert knowledge is not None
    device_fields = [f for f, c in knowledge.fields.items() if c == "device"]
    failures = []
    wide = [s for f in compiled.signature_files for s in f.signatures if s.text_wide]
    assert len(wide) >= 60
    for sig in wide:
        for example in sig.examples:
            if "\n" in example.text or "<" in example.text:
                continue  # a document example: checked by content verify in each field alone
            for field in device_fields:
                if field not in sig.fields:
                    continue
                text = SHAPES[field].replace("X", example.text)
                if not any(m.signature == sig.id for m in identifier.match(field, text)):
                    failures.append(f"{sig.id} in {field}: {text!r}")
    assert not failures, f"{len(failures)}:\n" + "\n".join(failures[:60])


def _bad_knowledge(tmp_path: Path, text: str) -> Path:
    (tmp_path / "knowledge.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_knowledge_file_errors_name_file_and_line(tmp_path: Path) -> None:
    good = (content_dir() / "knowledge.yaml").read_text(encoding="utf-8")
    cases = {
        "unknown strength": good.replace("    name: strong\n", "    name: mighty\n", 1),
        "unknown context": good.replace("  http.server: device\n", "  http.server: lobby\n"),
        "unknown field": good.replace("  http.server: device\n", "  http.sever: device\n"),
        "missing kinds": good.replace("    domain: strong\n", "", 1),
    }
    for why, text in cases.items():
        with pytest.raises(ContentError) as caught:
            load_knowledge(_bad_knowledge(tmp_path, text))
        assert caught.value.file == "content/knowledge.yaml", why
        assert caught.value.place and caught.value.place.startswith("line "), why
