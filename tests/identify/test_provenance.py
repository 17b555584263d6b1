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
  id against the id prefixes that used to mark fixture origins;
- every source of every device emulator profile (``tests/emulators/profiles/*.yaml``: its URL,
  the addresses and file paths its note names, and no "search corpus, code" citation that names
  no file), and every address written anywhere in the emulators, the scan and source tests and
  their data (``tests/emulators``, ``tests/scan``, ``tests/sources``), ``examples/`` and the
  ``bench/`` generators: the scan tests, the benches and ``make demo`` replay those bytes, so a
  reply copied from a fixture would measure custodiet against its own evaluation data.
  ``tests/emulators/profiles/PROVENANCE.md`` records the audit and names the places it removed,
  so it is the one file left out of the text scan.

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
PROFILES = ROOT / "tests" / "emulators" / "profiles"
# Trees whose bytes the emulators, the scan/source tests, make demo and the benches replay.
REPLAYED = ("tests/emulators", "tests/scan", "tests/sources", "examples", "bench")
AUDIT_RECORD = PROFILES / "PROVENANCE.md"

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
    (
        "a file in a repository's test tree (a test module replays a fixture just the same)",
        r"github\.com/[^/]+/[^/]+/(?:blob|tree|raw)/[^/]+/(?:[^/]+/)*(?:tests?|spec|__tests__|testing)/"
        r"|raw\.githubusercontent\.com/[^/]+/[^/]+/[^/]+/(?:[^/]+/)*(?:tests?|spec|__tests__|testing)/",
    ),
)

# A citation of "code" found by a search that names no file (no URL, no index id) cannot be
# checked, and such outputs mostly live in other projects' test fixtures.
UNNAMED_CODE = re.compile(
    r"search corpus,\s*code|open-source [a-z -]*(?:clients|tools)'? fixtures", re.IGNORECASE
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
        "https://github.com/maciej-or/hikvision_next/blob/main/tests/fixtures/devices/DS-2CD2386G2-IU.json",
        "https://github.com/Kane610/axis/blob/master/tests/test_basic_device_info.py",
        "https://raw.githubusercontent.com/example/onvif-client/main/test/probe_match_test.go",
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
        "https://github.com/maciej-or/hikvision_next/issues/58",
        "https://github.com/rroller/dahua/pull/79",
        "https://github.com/Uaemextop/firmware-HG8145V5-V500R020C10SPC212_1/blob/main/web/frame_zain/login_cut.asp",
        "https://developer.axis.com/vapix/network-video/basic-device-information",
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


def _profile_sources() -> list[tuple[str, str, dict]]:
    """(profile file, source id, entry) for every source of every emulator profile."""
    found = []
    for path in sorted(PROFILES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for sid, entry in (data.get("sources") or {}).items():
            found.append((path.name, sid, entry or {}))
    return found


def test_no_emulator_profile_source_points_at_a_forbidden_place() -> None:
    sources = _profile_sources()
    assert len(sources) > 60, "the profiles' sources were not found"
    bad = []
    for file, sid, entry in sources:
        if sid in ALLOWED:
            continue
        url = str(entry.get("url") or "")
        note = str(entry.get("note") or "")
        for cited in ([url] if url.startswith("http") else []) + _URL.findall(note):
            why = forbidden(cited.rstrip(".,;"))
            if why:
                bad.append(f"{file}: {sid}: {cited} ({why})")
        for text in (url, note):
            hit = FORBIDDEN_TITLE_PATHS.search(text)
            if hit:
                bad.append(f"{file}: {sid}: names {hit.group(0)!r}")
            unnamed = UNNAMED_CODE.search(text)
            if unnamed:
                bad.append(f"{file}: {sid}: cites code it does not name ({unnamed.group(0)!r})")
        if "fixture" in sid.lower():  # (the corpus id prefixes fi-/oss- mean issues here)
            bad.append(f"{file}: {sid}: id of a fixture origin")
    assert not bad, "\n".join(bad)


def _replayed_files() -> list[Path]:
    """Text files of the trees whose bytes tests, benches and make demo replay."""
    files = []
    for tree in REPLAYED:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.is_file() and path != AUDIT_RECORD and "__pycache__" not in path.parts:
                files.append(path)
    return files


def test_no_replayed_test_data_cites_a_forbidden_place() -> None:
    """Profiles (route and service notes too), emulator and test code, pcap recipes, XML, logs,
    CSV, the examples nmap wrote and the bench generators."""
    files = _replayed_files()
    assert len(files) > 80, "the emulator and test-data trees were not found"
    bad = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # a binary capture: no citations to read
            continue
        where = path.relative_to(ROOT)
        for url in _URL.findall(text):
            why = forbidden(url.rstrip(".,;&#"))
            if why:
                bad.append(f"{where}: {url} ({why})")
        for rx in (FORBIDDEN_TITLE_PATHS, UNNAMED_CODE):
            hit = rx.search(text)
            if hit:
                bad.append(f"{where}: names {hit.group(0)!r}")
    assert not bad, "\n".join(bad)


def test_the_audit_record_names_what_was_removed() -> None:
    """PROVENANCE.md is left out of the text scan because it lists the removed places; it must
    keep doing so (and nothing else may hide there)."""
    text = AUDIT_RECORD.read_text(encoding="utf-8")
    for removed in ("hikvision_next/.../tests/fixtures", "Kane610/axis/.../tests/", "OSS_SNMP"):
        assert removed in text
    assert not [u for u in _URL.findall(text) if forbidden(u)], "the audit record must not link them"
