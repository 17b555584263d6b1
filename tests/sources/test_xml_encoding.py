"""The encoding of hostile XML is decided by us: sources.xml_encoding and the WS-Discovery parser."""

from __future__ import annotations

import pytest

from custodiet.sources import xml_encoding
from custodiet.sources.pcap import wsd


def match(encoding: str, scopes: str = "onvif://www.onvif.org/name/Caméra") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><E xmlns:d="x"><d:Hello>'
        f"<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>{scopes}</d:Scopes></d:Hello></E>"
    )


@pytest.mark.parametrize(
    "name",
    ["x-klingon", "rot13", "base64", "zlib", "hex", "uu", "idna", "punycode", "unicode_escape", "undefined",
     "a\x1b[2Jb", "utf-8\x00", "x" * 200, "../../os", ""],
)  # fmt: skip
def test_names_that_are_no_document_encoding_are_refused(name: str) -> None:
    with pytest.raises(wsd.WsdEncodingError):
        wsd.extract(match(name).encode("utf-8", "surrogateescape"))
    chosen = xml_encoding.choose(match(name).encode())
    if name:
        assert chosen.refused is not None and "\x1b" not in chosen.refused and len(chosen.refused) < 200
    else:
        assert chosen.refused is not None or chosen.codec is None


@pytest.mark.parametrize(
    ("name", "codec"),
    [("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252"), ("Shift_JIS", "shift_jis"), ("EUC-JP", "euc_jp"),
     ("UTF-7", "utf-7"), ("GB18030", "gb18030")],
)  # fmt: skip
def test_real_encodings_are_transcoded(name: str, codec: str) -> None:
    text = (
        "onvif://www.onvif.org/name/Caméra"
        if codec not in ("shift_jis", "euc_jp", "gb18030")
        else "名前カメラ"
    )
    assert wsd.extract(match(name, text).encode(codec)) == [
        ("wsd.scopes", f"dn:NetworkVideoTransmitter {text}")
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_encodings_by_their_bytes_whatever_the_declaration(codec: str) -> None:
    got = wsd.extract(match("x-klingon").encode(codec))
    assert got == [("wsd.scopes", "dn:NetworkVideoTransmitter onvif://www.onvif.org/name/Caméra")]


def test_utf8_needs_no_transcoding() -> None:
    assert xml_encoding.choose(b'<?xml version="1.0" encoding="UTF-8"?><a/>') == xml_encoding.XmlEncoding(
        declared="UTF-8"
    )
    assert xml_encoding.choose(b"<a/>") == xml_encoding.UTF8
    assert xml_encoding.declared_name(b"\xef\xbb\xbf<?xml version='1.0' encoding = 'latin1' ?>") == b"latin1"


def test_a_lying_utf8_declaration_is_malformed_not_a_crash() -> None:
    with pytest.raises(wsd.WsdError):
        wsd.extract(match("UTF-8").encode("utf-16-le")[2:])  # misaligned UTF-16: garbage
