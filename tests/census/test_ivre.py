"""The real IVRE Modbus sample (2014-15 internet hosts with countries), end to end: records ->
countries -> makers -> per-country counts, each host identified as `custodiet audit` identifies
it, and the covered hosts counted against the accuracy corpus' host labels."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from custodiet.pipeline.audit import AuditRequest, audit, load_report

from .conftest import IVRE_SAMPLE, run_census
from .test_parity import ivre_as_nmap_xml

pytestmark = pytest.mark.skipif(
    not IVRE_SAMPLE.exists(), reason="the IVRE sample (../shared/datasets) is not here"
)
LABELS = Path(__file__).resolve().parents[1] / "accuracy" / "ivre-hosts.jsonl"


@pytest.fixture(scope="module")
def ivre_census(context, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("ivre")
    return run_census(context, [IVRE_SAMPLE], out / "census", html=True)


def test_counts(ivre_census) -> None:  # type: ignore[no-untyped-def]
    result, rows, _hosts = ivre_census
    countries = {r["country"]: r for r in result.tables.countries.to_pylist()}
    assert sum(r["hosts"] for r in countries.values()) == 503
    # Two records carry MaxMind's "A2" (satellite provider), no ISO country: the registry's
    # country of their addresses (US) is taken instead.
    assert countries["US"]["hosts"] == 83 + 2 and countries["US"]["country_from_registry"] == 2
    assert countries["TR"]["hosts"] == 53 and countries["IT"]["hosts"] == 50 and len(countries) == 49
    assert sum(r["country_from_record"] for r in countries.values()) == 501
    covered: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["covered"] and row["hosts"]:
            covered[(row["country"], row["manufacturer"])] = (
                covered.get((row["country"], row["manufacturer"]), 0) + row["hosts"]
            )
    assert covered == {
        ("IT", "Hikvision"): 4, ("CN", "Hikvision"): 2, ("BG", "Hikvision"): 1, ("CZ", "Hikvision"): 1,
        ("EE", "Hikvision"): 1, ("ES", "Hikvision"): 1, ("FR", "Hikvision"): 1, ("RO", "Hikvision"): 1,
        ("TR", "Hikvision"): 1, ("FR", "Dahua"): 1,
    }  # fmt: skip
    assert result.tables.files[0].records == 503 and not result.tables.files[0].skipped
    page = (result.written[0].parent / "census.html").read_text()
    assert 'data-country="IT"' in page and "Hikvision" in page


def test_same_identities_as_audit(ivre_census, context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each host's maker and confidence as `audit` fuses them from the same scan (as nmap XML)."""
    _, _, hosts = ivre_census
    xml = tmp_path / "ivre.xml"
    xml.write_bytes(ivre_as_nmap_xml(IVRE_SAMPLE))
    done = audit(AuditRequest(paths=(xml,), db=tmp_path / "db.sqlite"), context)
    report = load_report(tmp_path / "db.sqlite", done.run_id, evidence="none")
    audited = {
        d.addresses[0]: (d.identity.manufacturer, round(d.identity.confidence, 3), d.identity.device_type)
        for d in report.devices
        if d.identity.manufacturer
    }
    censused = {h["address"]: (h["manufacturer"], round(h["confidence"], 3), h["device_type"]) for h in hosts}
    assert censused == audited
    assert len(censused) > 300


def test_covered_hosts_against_labels(ivre_census) -> None:  # type: ignore[no-untyped-def]
    """The corpus labels each host by reading its texts (tests/accuracy/build/ivre.py, host ids by
    the hash of the address): covered hosts found vs labelled, per maker."""
    import bz2

    _, _, hosts = ivre_census
    with bz2.open(IVRE_SAMPLE, "rt", encoding="utf-8") as handle:
        addrs = [json.loads(line)["addr"] for line in handle]
    ordered = sorted(addrs, key=lambda a: hashlib.sha256(str(a).encode()).hexdigest())
    address_of = {
        f"ivre-h{i:03d}": ".".join(str((a >> s) & 255) for s in (24, 16, 8, 0))
        for i, a in enumerate(ordered, 1)
    }
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    truth = {address_of[r["host"]]: r["manufacturer"] for r in labels if r["covered"]}
    found = {h["address"]: h["manufacturer"] for h in hosts if h["covered"]}
    hits = sum(1 for a, m in truth.items() if found.get(a) == m)
    wrong = sum(1 for a, m in found.items() if truth.get(a) != m)
    assert len(truth) == 16
    # 14 of 16 (measured; 2026-12): one Hikvision and one Dahua host are labelled from texts that
    # custodiet's content names only weakly (a hint below the reporting floor). No false host.
    assert hits == 14
    assert wrong == 0
