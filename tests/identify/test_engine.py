"""The matcher: Hyperscan hits, RE2 captures, OUI lookups, names, brands and relabels."""

from __future__ import annotations

import time

import pytest

from custodiet.identify.engine import Identifier
from custodiet.pipeline.content import read_content

SERVER_SIGS = """
field: http.server
sources:
  t: {title: test, url: "https://example.invalid/"}
signatures:
  - id: dnvrs
    pattern: '^DNVRS-Webs'
    sets: {manufacturer: Hikvision, device_type: recorder}
    strength: strong
    source: t
    examples: [{text: DNVRS-Webs, expect: {manufacturer: Hikvision, device_type: recorder}}]
    counter_examples: [Apache]
  - id: generic-maker
    pattern: '(?i)^(?P<manufacturer>[a-z]+)-webs/(?P<version>[0-9.]+)'
    strength: medium
    source: t
    examples:
      - {text: HIKVISION-webs/1.2, expect: {manufacturer: Hikvision, version: "1.2"}}
    counter_examples: [Apache]
  - id: nested
    pattern: '(a|aa)+b'
    sets: {device_type: camera}
    strength: weak
    source: t
    examples: [{text: aaab, expect: {device_type: camera}}]
    counter_examples: [aaaa]
"""


@pytest.fixture
def identifier(make_content) -> Identifier:
    return Identifier(read_content(make_content({"http.server.yaml": SERVER_SIGS})).compiled)


def test_literal_signature_sets_its_values(identifier: Identifier) -> None:
    (match,) = identifier.match("http.server", "DNVRS-Webs")
    assert match.signature == "http.server/dnvrs"
    assert dict(match.sets) == {"manufacturer": "Hikvision", "device_type": "recorder"}
    assert match.strength == 0.85


def _signature_matches(identifier: Identifier, field: str, text: str) -> list:
    """The field's own signature hits, without the catalogue's name hits (knowledge layer)."""
    return [m for m in identifier.match(field, text) if not m.signature.startswith(("names/", "domains/"))]


def test_capture_is_canonicalised_and_brand_followed_to_maker(identifier: Identifier) -> None:
    (match,) = _signature_matches(identifier, "http.server", "HIKVISION-webs/5.4.0")
    assert match.sets == {"manufacturer": "Hikvision", "version": "5.4.0"}
    (ezviz,) = _signature_matches(identifier, "http.server", "EZVIZ-webs/1.0")
    assert ezviz.sets == {"manufacturer": "Hikvision", "brand": "EZVIZ", "version": "1.0"}
    (lorex,) = _signature_matches(identifier, "http.server", "Lorex-webs/2")
    assert lorex.sets["manufacturer"] == "Dahua" and lorex.sets["brand"] == "Lorex"
    assert lorex.strength == pytest.approx(0.6 * 0.85)  # medium-confidence relabel link


def test_names_in_a_server_header_are_knowledge_hits_too(identifier: Identifier) -> None:
    names = [
        m for m in identifier.match("http.server", "HIKVISION-webs/5.4.0") if m.signature.startswith("names/")
    ]
    assert [(m.signature, m.sets["manufacturer"], m.strength) for m in names] == [
        ("names/hikvision", "Hikvision", 0.85)
    ]


def test_weak_relabel_names_only_a_possible_maker(identifier: Identifier) -> None:
    matches = identifier.match("http.server", "Amcrest-webs/2")
    assert matches and all(m.sets.get("manufacturer") != "Dahua" for m in matches)
    assert {m.relabel for m in matches} == {"Dahua"}


def test_no_match_is_empty(identifier: Identifier) -> None:
    assert identifier.match("http.server", "Apache/2.4.41 (Ubuntu)") == ()
    assert identifier.match("http.title", "anything") == ()


@pytest.mark.parametrize(
    ("mac", "maker"),
    [
        ("BC:AD:28:11:22:33", "Hikvision"),
        ("bc-ad-28-11-22-33", "Hikvision"),
        ("bcad.2811.2233", "Hikvision"),
        ("E0:50:8B:00:00:01", "Dahua"),
        ("9C:06:6E:00:00:01", "Hytera"),
    ],
)
def test_oui_names_the_registered_vendor(identifier: Identifier, mac: str, maker: str) -> None:
    (match,) = identifier.match("mac", mac)
    assert match.sets["manufacturer"] == maker
    assert match.signature.startswith("oui/")


def test_ezviz_block_names_brand_and_maker(identifier: Identifier) -> None:
    (match,) = identifier.match("mac", "20:BB:BC:00:00:01")
    assert match.sets == {"manufacturer": "Hikvision", "brand": "EZVIZ"}


@pytest.mark.parametrize("mac", ["02:00:00:00:00:01", "01:00:5E:00:00:01", "not a mac", "BC:AD:28:11:22"])
def test_random_multicast_and_malformed_macs_name_nobody(identifier: Identifier, mac: str) -> None:
    assert identifier.match("mac", mac) == ()


def test_vendor_names_are_whole_words_and_vetoed(identifier: Identifier) -> None:
    assert identifier.match("inventory.vendor", "Shanghai Dahua Scale Factory") == ()
    assert identifier.match("inventory.vendor", "Beijing Autelan Technology") == ()
    assert identifier.match("inventory.vendor", "Lazteco") == ()
    (match,) = identifier.match("inventory.vendor", "ZTE Corporation")
    assert match.sets["manufacturer"] == "ZTE"
    (lts,) = identifier.match("inventory.vendor", "LT Security Inc.")
    assert lts.sets == {"manufacturer": "Hikvision", "brand": "LTS"}


def test_pathological_input_stays_linear(identifier: Identifier) -> None:
    """(a|aa)+b on 'a' * n backtracks exponentially in Python's re; Hyperscan is linear."""
    text = "a" * 2_000_000
    started = time.perf_counter()
    assert identifier.match("http.server", text) == ()
    assert identifier.match("http.server", text + "b")[0].sets == {"device_type": "camera"}
    assert time.perf_counter() - started < 30  # generous: only catches an exponential blow-up


def test_megabyte_banner_is_matched_and_excerpted(identifier: Identifier) -> None:
    text = "x" * 3_000_000 + "\nDNVRS-Webs\n" + "y" * 1_000_000
    (match,) = identifier.match("http.server", text)
    assert match.sets["manufacturer"] == "Hikvision"
    excerpt = identifier.excerpt("http.server", match.signature, text, width=100)
    assert "DNVRS-Webs" in excerpt and len(excerpt) < 200


def test_invalid_utf8_escapes_and_nul_bytes_do_not_break_matching(identifier: Identifier) -> None:
    (match,) = identifier.match("http.server", "\x00\x1b[31m\\xff\nDNVRS-Webs")
    assert match.sets["manufacturer"] == "Hikvision"


def test_a_list_of_vendor_guesses_names_nobody(identifier: Identifier) -> None:
    assert identifier.match("os.match", "Huawei MT-800 ADSL modem, or ZTE ZXDSL 831 modem") == ()
    assert identifier.match("nmap.service", "Hikvision or Dahua DVR") == ()
    assert identifier.match("os.match", "GlobespanVirata GS8100, Huawei MT880, or Solwise SAR100") == ()
