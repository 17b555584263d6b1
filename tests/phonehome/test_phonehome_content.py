"""content/endpoints.yaml: every fact sourced and well-formed; user files with the same schema;
contact.name signatures generated from it with strengths that follow side and confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.catalog import load_catalog
from custodiet.datafile import load_yaml
from custodiet.errors import ContentError
from custodiet.identify.compile import content_dir
from custodiet.identify.endpoints import HostFact, endpoint_entries, host_pattern
from custodiet.identify.engine import Identifier
from custodiet.pipeline.content import load_content
from custodiet.policy.phonehome import load_endpoints

CONTENT = content_dir()
CATALOG = load_catalog(CONTENT)
SOURCES = set((load_yaml(CONTENT / "sources.yaml") or {}).get("sources") or {}) | set(CATALOG.sources)


def test_content_endpoints_load_with_sources_and_owners() -> None:
    endpoints = load_endpoints(CONTENT, (), CATALOG, SOURCES)
    hosts = {e.host: e for e in endpoints.endpoints}
    assert len(hosts) == 12
    p2p = hosts["www.easy4ipcloud.com"]
    assert (p2p.owner, p2p.side, p2p.role, p2p.port, p2p.confidence) == (
        "Dahua",
        "device",
        "P2P",
        "8800/udp",
        "high",
    )
    assert hosts["open.ys7.com"].brand == "EZVIZ"
    assert hosts["litedev.hik-connect.com"].confidence == "low"
    assert endpoints.watch_countries == frozenset({"CN"})
    for endpoint in endpoints.endpoints:
        assert endpoint.sources and set(endpoint.sources) <= SOURCES
        assert endpoint.confidence == "high" or endpoint.why


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_adds_endpoints_and_overrides_a_host(tmp_path: Path) -> None:
    mine = write(
        tmp_path,
        "sources:\n  my-lab: {title: 'Our lab capture', url: null}\n"
        "watch_countries: [RU]\n"
        "endpoints:\n"
        "  - {host: relay.example.net, owner: Example Corp, side: device, role: P2P, confidence: low}\n"
        "  - {address: 198.18.0.0/15, owner: dahua, side: device, role: other, confidence: medium, sources: [my-lab]}\n"
        "  - {host: WWW.EASY4IPCLOUD.COM., owner: dahua, side: device, role: P2P, confidence: medium, sources: [my-lab]}\n",
    )
    endpoints = load_endpoints(CONTENT, (mine,), CATALOG, SOURCES)
    assert endpoints.match_name("a.relay.example.net").owner == "Example Corp"
    assert endpoints.match_address("198.19.1.1").owner == "Dahua"
    assert endpoints.match_name("www.easy4ipcloud.com").confidence == "medium"  # the user's fact wins
    assert endpoints.watch_countries == frozenset({"CN", "RU"})


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{owner: dahua, side: device, role: P2P, confidence: high}", "exactly one of"),
        (
            "{host: a.example, address: 192.0.2.1, owner: dahua, side: device, role: P2P, confidence: high}",
            "exactly one of",
        ),
        ("{host: 'a b.example', owner: dahua, side: device, role: P2P, confidence: high}", "DNS name"),
        ("{host: a.example, owner: dahua, side: both, role: P2P, confidence: high}", "side"),
        ("{host: a.example, owner: dahua, side: device, role: spying, confidence: high}", "role"),
        ("{host: a.example, owner: dahua, side: device, role: P2P, confidence: sure}", "confidence"),
        (
            "{host: a.example, owner: dahua, side: device, role: P2P, confidence: high, port: '99999/tcp'}",
            "port",
        ),
        (
            "{host: a.example, owner: dahua, side: device, role: P2P, confidence: high, sources: [nope]}",
            "unknown source",
        ),
        (
            "{address: 300.1.1.1, owner: dahua, side: device, role: P2P, confidence: high}",
            "IP address or CIDR",
        ),
    ],
)
def test_bad_user_entries_name_file_and_line(tmp_path: Path, entry: str, message: str) -> None:
    mine = write(tmp_path, f"endpoints:\n  - {entry}\n")
    with pytest.raises(ContentError, match=message) as excinfo:
        load_endpoints(CONTENT, (mine,), CATALOG, SOURCES)
    assert excinfo.value.file == str(mine)
    assert excinfo.value.place == "line 2"


def test_signatures_follow_side_and_confidence() -> None:
    entries = {
        e.id.removeprefix("contact.name/endpoint-"): e
        for e in endpoint_entries(
            HostFact(e.host, e.owner, e.brand, e.side, e.confidence)
            for e in load_endpoints(CONTENT, (), CATALOG, SOURCES).endpoints
            if e.host
        )
    }
    assert entries["www.easy4ipcloud.com"].weight == 0.85  # device-side, high
    assert entries["www.dahuaddns.com"].weight == 0.6  # device-side, medium
    assert entries["litedev.hik-connect.com"].weight == 0.3  # device-side, low
    assert entries["api.hik-connect.com"].weight == 0.3  # app-side, high: still weak
    assert entries["openapi.easy4ip.com"].sets == {"manufacturer": "Dahua", "brand": "Imou"}


def test_contact_names_are_matched_by_the_compiled_content() -> None:
    identifier = Identifier(load_content(CONTENT).compiled)
    (hit,) = identifier.match("contact.name", "P2P.WWW.Easy4IPCloud.com.")
    assert (hit.signature, hit.sets["manufacturer"], hit.strength) == (
        "contact.name/endpoint-www.easy4ipcloud.com",
        "Dahua",
        0.85,
    )
    assert identifier.match("contact.name", "www.easy4ipcloud.com.evil.example") == ()
    assert identifier.match("contact.name", "notwww.easy4ipcloud.com") == ()
    texts = ["www.dahuaddns.com", "example.org", "apirus.ezvizru.com"]
    assert identifier.match_many("contact.name", texts) == [
        identifier.match_uncached("contact.name", t) for t in texts
    ]


def test_host_patterns_escape_every_special_character() -> None:
    assert host_pattern("a-b.example") == "(?i)(?:^|\\.)a\\x2db\\x2eexample\\.?$"


def test_endpoint_problems_for_content_verify(tmp_path: Path) -> None:
    import shutil

    from custodiet.errors import ContentErrors
    from custodiet.pipeline.content import read_content

    shutil.copytree(
        CONTENT, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    (tmp_path / "endpoints.yaml").write_text(
        "endpoints:\n  - {host: a.example, owner: nobody, side: device, role: P2P, confidence: high, sources: [tlp-2021-03]}\n"
    )
    with pytest.raises(ContentErrors) as caught:
        read_content(tmp_path)
    assert [(e.file, e.place, e.message) for e in caught.value.errors] == [
        ("content/endpoints.yaml", "line 2", "unknown owner 'nobody' (a vendor id of vendors/*.yaml)")
    ]
