"""No detection content and no accuracy record may rest on a place the brief puts off limits.

The brief forbids reading or copying other projects' fingerprint, OS-detection and annotation
databases (recog, nmap-service-probes, ztag, nuclei, wappalyzer, WhatWeb, LibreNMS / Observium /
netdisco device definitions) and the test fixtures and captures of integration and monitoring
projects: custodiet's independent accuracy measurements draw on exactly those, so a signature or a
labelled record taken from them would measure custodiet against itself. Issue and forum threads in
which users paste their own device's output stay allowed, also in those projects' trackers (a
LibreNMS *issue* is fine, its ``tests/snmpsim`` fixtures and ``includes/definitions`` are not).

What is checked:
- every ``url`` of every ``sources:`` mapping in ``src/custodiet/content/**/*.yaml``, and the
  title of every such source for file paths that only a fixture or a device definition has;
- every origin address in ``tests/accuracy/SOURCES.md`` and every address written in the corpus
  builders (``tests/accuracy/build/*.py``, new builder modules included), and every corpus origin
  id against the id prefixes that used to mark fixture origins.

Allow-list: a place that matches a pattern but is allowed anyway goes into ``ALLOWED`` below, keyed
by the exact URL (or the source/origin id), with the reason in the value. Keep it short and say who
decided: an entry is a decision, not a way to make the test pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "src" / "custodiet" / "content"
ACCURACY = ROOT / "tests" / "accuracy"

# Each pattern: (why, regex searched case-insensitively in a URL).
FORBIDDEN_URLS: tuple[tuple[str, str], ...] = (
    (
        "LibreNMS fixtures, device definitions or their pull requests",
        r"github\.com/librenms/librenms/(?:(?:tree|blob|raw)/[^/]+/(?:tests|includes|resources|mibs/.*\.yaml)|pull/)",
    ),
    ("LibreNMS-style SNMP simulator records", r"/snmpsim(?:/|$)|\.snmprec(?:$|[?#])"),
    ("Observium device definitions", r"observium"),
    (
        "OSS_SNMP platform parsers and their tests",
        r"opensolutions/oss_snmp/(?:(?:tree|blob|raw)/[^/]+/(?:tests|src)|pull/)",
    ),
    (
        "netdisco/snmp-info device definitions (files or pull requests)",
        r"github\.com/netdisco/snmp-info/(?:tree|blob|raw|pull)/",
    ),
    (
        "kentik snmp-profiles device definitions (files or pull requests)",
        r"github\.com/kentik/snmp-profiles/(?:tree|blob|raw|pull)/",
    ),
    (
        "fusioninventory agent tests and sysobject.ids definitions",
        r"github\.com/fusioninventory/(?:fusioninventory-agent/(?:tree|blob|raw)/[^/]+/t(?:ests?)?/"
        r"|sysobject\.ids/(?:tree|blob|raw|pull)/)",
    ),
    ("a sysDescr parser's rule base", r"sysdescrparser"),
    ("Rapid7 recog fingerprints", r"rapid7/recog"),
    ("nmap service and OS fingerprint databases", r"nmap-service-probes|nmap-os-db"),
    ("zmap ztag annotations", r"zmap/ztag"),
    ("nuclei templates", r"projectdiscovery/nuclei"),
    ("Wappalyzer fingerprints", r"wappalyzer"),
    ("WhatWeb plugins", r"whatweb"),
    (
        "a project's test fixtures or test data",
        r"/(?:fixtures?|testdata|__fixtures__)/|/tests?/(?:[^/]+/)*(?:data|samples|resources|captures)/",
    ),
)

# File paths that only fixtures and device definitions have; searched in source titles, which
# carry the place when there is no URL ("search index id ...").
FORBIDDEN_TITLE_PATHS = re.compile(
    r"tests/snmpsim|\.snmprec|includes/definitions|includes/polling|OSS_SNMP/Platforms|"
    r"xt/lib/Test|t/agent/tools|tests/fixtures|test/fixtures|nmap-service-probes",
    re.IGNORECASE,
)

# Origin ids the corpus builders once gave to fixture sources.
FORBIDDEN_ORIGIN_IDS = re.compile(r"^(?:lnms|oss|fi)-|fixture|-onvif-test$|^gh-snmpinfo-")

ALLOWED: dict[str, str] = {
    # The IVRE scan sample is a test sample of IVRE, but the project lead put it in
    # /work/shared/datasets as real third-party data for tests and comparisons (brief, "How work gets
    # done"); it is real internet scan data, not a fixture written for a test.
    "https://github.com/ivre/ivre-test-samples/blob/master/tests/samples/Nmap-Modbus-IPv4.json.bz2": (
        "lead-provided dataset (brief)"
    ),
}

_COMPILED = tuple((why, re.compile(rx, re.IGNORECASE)) for why, rx in FORBIDDEN_URLS)
_URL = re.compile(r"https?://[^\s\"'`<>)\]]+")


def forbidden(url: str) -> str | None:
    """Why a URL points at a forbidden place, or None when it does not (or is allowed)."""
    if url in ALLOWED:
        return None
    for why, rx in _COMPILED:
        if rx.search(url):
            return why
    return None


def _content_sources() -> list[tuple[str, str, dict]]:
    """(file, source id, entry) for every source of every content file."""
    found = []
    for path in sorted(CONTENT.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
            continue
        for sid, entry in data["sources"].items():
            found.append((str(path.relative_to(CONTENT)), sid, entry or {}))
    return found


def _corpus_origins() -> list[tuple[str, str]]:
    """(origin id, address) of every row of SOURCES.md."""
    text = (ACCURACY / "SOURCES.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| (.*) \| \d+ \|$", text, flags=re.MULTILINE)
    return [(origin, url) for origin, cell in rows for url in _URL.findall(cell)]


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/librenms/librenms/blob/master/tests/snmpsim/vrp.snmprec",
        "https://github.com/librenms/librenms/tree/master/includes/definitions/hytera.yaml",
        "https://github.com/librenms/librenms/pull/4381",
        "https://github.com/opensolutions/OSS_SNMP/blob/master/tests/Tests/OSS_SNMP/Platforms/HuaweiTest.php",
        "https://github.com/netdisco/snmp-info/pull/257",
        "https://github.com/fusioninventory/fusioninventory-agent/blob/master/t/agent/tools/hardware/epson.t",
        "https://github.com/rapid7/recog/blob/main/xml/snmp_sysdescr.xml",
        "https://raw.githubusercontent.com/nmap/nmap/master/nmap-service-probes",
        "https://github.com/zmap/ztag/tree/master/ztag/annotations",
        "https://github.com/projectdiscovery/nuclei-templates/blob/main/http/technologies/tech.yaml",
        "https://github.com/gBillal/ex_onvif/blob/master/test/fixtures/get_device_information.xml",
        "https://www.observium.org/",
    ],
)
def test_the_patterns_catch_forbidden_places(url: str) -> None:
    assert forbidden(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/librenms/librenms/issues/8126",
        "https://github.com/opensolutions/OSS_SNMP/issues/41",
        "https://github.com/netdisco/snmp-info/issues/536",
        "https://github.com/kentik/snmp-profiles/issues/346",
        "https://github.com/fusioninventory/sysobject.ids/issues/15",
        "https://www.iana.org/assignments/enterprise-numbers",
        "https://www.rfc-editor.org/rfc/rfc3418",
        "https://github.com/ivre/ivre-test-samples/blob/master/tests/samples/Nmap-Modbus-IPv4.json.bz2",
    ],
)
def test_the_patterns_leave_allowed_places_alone(url: str) -> None:
    assert forbidden(url) is None


def test_no_content_source_points_at_a_forbidden_place() -> None:
    sources = _content_sources()
    assert len(sources) > 300, "the content's sources were not found"
    bad = []
    for file, sid, entry in sources:
        if sid in ALLOWED:
            continue
        url = entry.get("url") or ""
        why = forbidden(url) if url else None
        if why:
            bad.append(f"{file}: {sid}: {url} ({why})")
        title = str(entry.get("title") or "")
        hit = FORBIDDEN_TITLE_PATHS.search(title)
        if hit:
            bad.append(f"{file}: {sid}: title names {hit.group(0)!r}")
    assert not bad, "\n".join(bad)


def test_no_corpus_origin_points_at_a_forbidden_place() -> None:
    origins = _corpus_origins()
    assert len(origins) > 20, "SOURCES.md rows were not found"
    bad = [f"{o}: {u} ({forbidden(u)})" for o, u in origins if o not in ALLOWED and forbidden(u)]
    bad += [
        f"{o}: id of a fixture origin"
        for o, _ in origins
        if o not in ALLOWED and FORBIDDEN_ORIGIN_IDS.search(o)
    ]
    assert not bad, "\n".join(bad)


def test_no_corpus_builder_cites_a_forbidden_place() -> None:
    """Also the builder modules not yet run into SOURCES.md (a new eval_records_*.py, say)."""
    builders = sorted((ACCURACY / "build").glob("*.py"))
    assert builders
    bad = [
        f"{path.name}: {url} ({forbidden(url)})"
        for path in builders
        for url in _URL.findall(path.read_text(encoding="utf-8"))
        if forbidden(url.rstrip(".,;"))
    ]
    assert not bad, "\n".join(bad)


def test_every_corpus_record_has_an_allowed_origin() -> None:
    import json

    bad = set()
    for path in sorted((ACCURACY / "corpus").glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                origin = json.loads(line)["origin"]
                if origin not in ALLOWED and FORBIDDEN_ORIGIN_IDS.search(origin):
                    bad.add(f"{path.name}: {origin}")
    assert not bad, sorted(bad)
