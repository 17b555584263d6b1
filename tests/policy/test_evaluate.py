"""Findings: rule, list, entity, reason with evidence, scope caveat; 'verify' when unsure."""

from __future__ import annotations

import pytest

from custodiet.identify.compile import content_dir
from custodiet.model import Device, Evidence, Identity, Provenance
from custodiet.policy.evaluate import Policy

from .policies import load_policy

HERE = Provenance("scan.xml", "host 10.0.0.7 port 80/tcp")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(content_dir())


def device(
    manufacturer: str | None,
    confidence: float,
    device_type: str | None = "camera",
    relabel: str | None = None,
    brand: str | None = None,
) -> Device:
    sets = {"manufacturer": manufacturer} if manufacturer else {}
    if brand:
        sets["brand"] = brand
    evidence = (
        Evidence("http.server", "Hikvision-Webs", HERE, "http.server/x", sets, confidence, "80/tcp", relabel),
    )
    identity = Identity(
        manufacturer=manufacturer,
        brand=brand,
        device_type=device_type,
        confidence=confidence,
        evidence=evidence,
    )
    return Device("ip:10.0.0.7", ("10.0.0.7",), None, (), (), identity)


def test_confident_hikvision_is_covered_by_fcc_and_889_with_scope(policy: Policy) -> None:
    findings = policy.findings(device("Hikvision", 0.93))
    rules = {f.rule: f for f in findings}
    assert set(rules) == {"us-fcc-covered-list:hikvision", "us-ndaa-fy2019-s889:hikvision"}
    fcc = rules["us-fcc-covered-list:hikvision"]
    assert fcc.severity == "covered"
    assert fcc.entity == "Hangzhou Hikvision Digital Technology Company"
    assert "Purpose-limited" in fcc.scope and "public safety" in fcc.scope
    assert "Hikvision-Webs" in fcc.reason and "0.93" in fcc.reason
    assert fcc.sources


def test_weak_identity_gives_verify(policy: Policy) -> None:
    findings = policy.findings(device("Dahua", 0.3))
    assert findings and all(f.severity == "verify" for f in findings)
    assert "below 0.6" in findings[0].reason


def test_non_covered_vendor_has_no_finding(policy: Policy) -> None:
    assert policy.findings(device("Axis", 0.95)) == []
    assert not policy.is_covered("Axis")
    assert policy.is_covered("Huawei") and "us-fcc-covered-list" in policy.lists_naming("Huawei")


def test_weak_relabel_gives_verify_naming_the_possible_maker(policy: Policy) -> None:
    findings = policy.findings(device(None, 0.85, relabel="Dahua", brand="Amcrest"))
    assert findings and {f.severity for f in findings} == {"verify"}
    assert "may be made by Dahua" in findings[0].reason


def test_drone_category_entry_asks_to_verify_production(policy: Policy) -> None:
    findings = policy.findings(device(None, 0.0, device_type="drone"))
    (finding,) = [f for f in findings if f.rule == "us-fcc-covered-list:foreign-uas"]
    assert finding.severity == "verify" and "country of production" in finding.reason


def test_dji_drone_is_covered_by_its_named_entry(policy: Policy) -> None:
    rules = {f.rule: f.severity for f in policy.findings(device("DJI", 0.9, device_type="drone"))}
    assert rules == {"us-fcc-covered-list:dji-autel": "covered"}


def test_confident_foreign_drone_maker_settles_the_category_entry(policy: Policy) -> None:
    policy.catalog.vendors["test-drone"] = policy.catalog.vendors["dji"].__class__(
        id="test-drone",
        name="TestDrone",
        country="FR",
        kind="maker",
        product_classes=("drone",),
        aliases=(),
        not_aliases=(),
        sources=("x",),
    )
    policy.catalog.by_name["testdrone"] = "test-drone"
    try:
        rules = {f.rule: f.severity for f in policy.findings(device("TestDrone", 0.9, device_type="drone"))}
        assert rules == {"us-fcc-covered-list:foreign-uas": "covered"}
    finally:
        del policy.catalog.vendors["test-drone"], policy.catalog.by_name["testdrone"]


def test_profile_all_lists_adds_advisory_lists(policy: Policy) -> None:
    everything = load_policy(content_dir(), profile="all-lists")
    severities = {
        f.rule: f.severity for f in everything.findings(device("Huawei", 0.95, device_type="router"))
    }
    assert severities["us-fcc-covered-list:huawei"] == "covered"
    assert severities["eu-5g-toolbox:huawei-zte"] == "advisory"
    assert "us-fcc-covered-list:foreign-consumer-routers" not in severities  # the maker itself is listed


def test_unknown_profile_is_a_usage_error() -> None:
    from custodiet.errors import UsageError

    with pytest.raises(UsageError, match="unknown profile"):
        load_policy(content_dir(), profile="nope")
