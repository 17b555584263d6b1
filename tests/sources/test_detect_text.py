"""Format detection, the reader registry and the shared text helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model.observation import MAX_TEXT
from custodiet.sources import detect
from custodiet.sources.detect import SNIFFERS, detect_format
from custodiet.sources.registry import READERS
from custodiet.sources.text import bound, decode, normalise_ip, normalise_mac

from .helpers import DATA


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "input"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n<?xml-stylesheet href="x"?>\n'
        b'<!-- Nmap 7.93 scan -->\n<nmaprun scanner="nmap">',
        b"\xef\xbb\xbf<nmaprun>",
        b'<?xml version="1.0"?><!DOCTYPE nmaprun [ <!ELEMENT x ANY> ]><nmaprun\n scanner="nmap">',
        b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<!-- ' + b"x" * 70000 + b" -->\n<nmaprun>",
    ],
    ids=["nmap-7.93", "bom", "internal-subset", "long-comment"],
)
def test_nmap_xml_detected(tmp_path: Path, content: bytes) -> None:
    if content.endswith(b" -->"):
        content = content.replace(
            b"<?xml", b'<?xml version="1.0"?>\n<!DOCTYPE nmaprun>', 1
        )  # ...but says nmap
    assert detect_format(write(tmp_path, content), "input") == "nmap-xml"


def test_data_files_detected() -> None:
    assert detect_format(DATA / "nmap_scripts.xml", "x") == "nmap-xml"
    assert detect_format(DATA / "inventory.csv", "x") == "csv"
    assert detect_format(DATA / "inventory_semicolon.csv", "x") == "csv"


@pytest.mark.parametrize(
    "content", [b"ip,mac\n1.2.3.4,x\n", b"\n\nIP;Vendor\n", b"ip\tname\n", b"\xef\xbb\xbfIP|Vendor\r\n"]
)
def test_csv_detected(tmp_path: Path, content: bytes) -> None:
    assert detect_format(write(tmp_path, content), "input") == "csv"


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><inventory/>',
        b'{"ip": "1.2.3.4", "banner": "x"}\n',
        b"just some text without delimiters\n",
        b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00,,,\x00",  # pcap magic: binary, not CSV
        b"#separator \\x09\n#fields\tts\n",
    ],
    ids=["other-xml", "json", "text", "pcap", "zeek"],
)
def test_unknown_formats(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(InputError) as caught:
        detect_format(write(tmp_path, content), "input")
    assert "unknown format" in caught.value.message and "(use --format)" in caught.value.message
    assert caught.value.file == "input"


def test_empty_and_missing(tmp_path: Path) -> None:
    for content in (b"", b"  \n\n"):
        with pytest.raises(InputError, match="empty file"):
            detect_format(write(tmp_path, content), "input")
    with pytest.raises(InputError, match="cannot read"):
        detect_format(tmp_path / "absent", "absent")


def test_sniffers_are_an_ordered_extensible_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [name for name, _ in SNIFFERS]
    assert {"nmap-xml", "csv", "zeek", "suricata-eve", "masscan", "kea-leases"} <= set(names)
    assert names[-1] == "csv"  # the catch-all comes last
    assert names.index("kea-leases") < names.index("csv")  # Kea leases are CSV too
    assert all(name in READERS for name in names)
    # A later source slots in before the catch-all CSV sniffer.
    monkeypatch.setattr(detect, "SNIFFERS", [("jsonl", lambda head: head.startswith(b"{")), *SNIFFERS])
    assert detect_format(write(tmp_path, b'{"a": 1}\n'), "input") == "jsonl"


def test_decode_keeps_bad_bytes_and_bounds() -> None:
    assert decode(b"ok \xc3\xa9 \xff\xfe end") == "ok é \\xff\\xfe end"
    assert len(decode(b"\xff" * (5 * 1024 * 1024))) == MAX_TEXT
    assert decode("é".encode() * MAX_TEXT) == "é" * MAX_TEXT
    assert bound("x" * (MAX_TEXT + 5)) == "x" * MAX_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aa:bb:cc:dd:ee:ff", "AA:BB:CC:DD:EE:FF"),
        ("AA-BB-CC-DD-EE-FF", "AA:BB:CC:DD:EE:FF"),
        ("aabb.ccdd.eeff", "AA:BB:CC:DD:EE:FF"),
        (" aabbccddeeff ", "AA:BB:CC:DD:EE:FF"),
        ("aa:bb:cc:dd:ee", None),
        ("gg:bb:cc:dd:ee:ff", None),
        ("", None),
    ],
)
def test_normalise_mac(text: str, expected: str | None) -> None:
    assert normalise_mac(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.1", "192.0.2.1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::ffff:192.0.2.9", "192.0.2.9"),
        ("192.0.2.256", None),
        ("192.0.2.01", None),
        ("192.0.2", None),
        ("host.example", None),
        ("", None),
    ],
)
def test_normalise_ip(text: str, expected: str | None) -> None:
    assert normalise_ip(text) == expected
