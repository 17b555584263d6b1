"""Fusion: one identity per device, with a confidence that means what docs/identification.md says."""

from __future__ import annotations

import pytest

from custodiet.identify.fusion import channel, fuse
from custodiet.model import Evidence, Provenance

HERE = Provenance("scan.xml", "host 10.0.0.1")


def ev(field: str, strength: float, signature: str = "s", **sets: str) -> Evidence:
    return Evidence(field=field, text="t", provenance=HERE, signature=signature, sets=sets, strength=strength)


def test_single_weak_token_stays_weak() -> None:
    identity = fuse([ev("http.server", 0.3, manufacturer="Hikvision")])
    assert identity.manufacturer == "Hikvision"
    assert identity.confidence == pytest.approx(0.3)


def test_independent_channels_combine() -> None:
    identity = fuse(
        [
            ev("http.server", 0.85, manufacturer="Hikvision"),
            ev("mac", 0.7, "oui/hikvision", manufacturer="Hikvision"),
        ]
    )
    assert identity.confidence == pytest.approx(1 - 0.15 * 0.3, abs=1e-3)


def test_same_channel_counts_once() -> None:
    identity = fuse(
        [
            ev("http.server", 0.85, "a", manufacturer="Hikvision"),
            ev("http.headers", 0.85, "b", manufacturer="Hikvision"),
        ]
    )
    assert identity.confidence == pytest.approx(0.85)


def test_contradiction_lowers_confidence_and_is_kept() -> None:
    identity = fuse(
        [ev("http.server", 0.85, manufacturer="Hikvision"), ev("ssh.banner", 0.6, manufacturer="Dahua")]
    )
    assert identity.manufacturer == "Hikvision"
    assert identity.confidence == pytest.approx(0.85 * (1 - 0.6 / 2), abs=1e-3)
    (conflict,) = identity.conflicts
    assert conflict.attribute == "manufacturer"
    assert [v for v, _ in conflict.values] == ["Hikvision", "Dahua"]
    assert any("contradicted by Dahua" in line for line in identity.explanation)


def test_component_oui_does_not_contradict() -> None:
    identity = fuse(
        [ev("http.server", 0.85, manufacturer="Hikvision"), ev("mac", 0.15, manufacturer="Espressif")]
    )
    assert identity.confidence == pytest.approx(0.85)
    assert identity.conflicts == ()


def test_attributes_come_from_agreeing_evidence_and_model_conflicts_show() -> None:
    identity = fuse(
        [
            ev(
                "onvif.device_information",
                0.95,
                "o",
                manufacturer="Hikvision",
                model="DS-2CD2143G2-I",
                version="V5.7.3",
            ),
            ev("http.body", 0.6, "h", manufacturer="Hikvision", model="DS-2CD2143G2-IS"),
            ev("http.title", 0.3, "x", manufacturer="Dahua", model="IPC-HFW2431S"),
            ev("nmap.devicetype", 0.3, "d", device_type="camera"),
        ]
    )
    assert (identity.model, identity.firmware, identity.device_type) == ("DS-2CD2143G2-I", "V5.7.3", "camera")
    attributes = {c.attribute for c in identity.conflicts}
    assert attributes == {"manufacturer", "model"}


def test_no_manufacturer_evidence_means_zero_confidence() -> None:
    identity = fuse([ev("nmap.devicetype", 0.3, device_type="camera")])
    assert identity.manufacturer is None and identity.confidence == 0 and identity.device_type == "camera"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("http.server", "http"),
        ("nmap.service", "scanner"),
        ("cpe", "scanner"),
        ("mac.vendor", "mac"),
        ("wsd.scopes", "onvif"),
        ("inventory.model", "inventory"),
    ],
)
def test_channels(field: str, expected: str) -> None:
    assert channel(field) == expected


def test_fast_single_text_fusion_agrees_with_fuse() -> None:
    """fuse_one_text() is fuse() for the matches of one text (one channel): check on many mixes."""
    import random

    from custodiet.identify.fusion import fuse_one_text
    from custodiet.model import Match

    rng = random.Random(5)
    makers = ["Hikvision", "Dahua", "Axis", None]
    for _ in range(2000):
        matches = []
        for i in range(rng.randint(1, 5)):
            sets = {}
            if maker := rng.choice(makers):
                sets["manufacturer"] = maker
            for attribute in ("model", "version", "device_type", "brand"):
                if rng.random() < 0.4:
                    sets[attribute] = rng.choice(["A", "B", "camera", "recorder"])
            matches.append(Match(f"f/s{i}", "http.server", sets, rng.choice([0.3, 0.6, 0.85, 0.95, 0.51])))
        identity = fuse([ev("http.server", m.strength, m.signature, **m.sets) for m in matches])
        values, confidence, _signature = fuse_one_text(matches)
        assert values["manufacturer"] == identity.manufacturer
        assert confidence == identity.confidence
        assert (values["model"], values["version"], values["device_type"], values["brand"]) == (
            identity.model,
            identity.firmware,
            identity.device_type,
            identity.brand,
        )
