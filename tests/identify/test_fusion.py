"""Fusion: one identity per device, with a confidence that means what docs/identification.md says."""

from __future__ import annotations

import random

import pytest

from custodiet.identify.fusion import channel, fuse, fuse_one_text
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


def _random_sets(
    rng: random.Random,
    makers: list[str | None],
    attributes: tuple[str, ...],
    chance: float,
    values: list[str],
) -> dict[str, str]:
    """A hit's attributes: a maker drawn from makers (None: no maker), each attribute with `chance`."""
    sets = {}
    if maker := rng.choice(makers):
        sets["manufacturer"] = maker
    for attribute in attributes:
        if rng.random() < chance:
            sets[attribute] = rng.choice(values)
    return sets


def test_fast_single_text_fusion_agrees_with_fuse() -> None:
    """fuse_one_text() is fuse() for the matches of one text (one channel): check on many mixes."""
    from custodiet.identify.fusion import fuse_one_text
    from custodiet.model import Match

    rng = random.Random(5)
    makers = ["Hikvision", "Dahua", "Axis", None]
    texts = ["A", "B", "camera", "recorder"]
    for _ in range(2000):
        matches = []
        for i in range(rng.randint(1, 5)):
            sets = _random_sets(rng, makers, ("model", "version", "device_type", "brand"), 0.4, texts)
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


def _reference_fuse(evidence):  # type: ignore[no-untyped-def]
    """fuse() as first written (plain, before it was made faster): the specification that the
    faster one is held to, value for value."""
    from custodiet.catalog import fold
    from custodiet.identify.fusion import CONTRADICTION_FLOOR, OTHER_ATTRIBUTES
    from custodiet.model import Conflict, Identity

    by_maker: dict = {}
    names: dict = {}
    for item in evidence:
        maker = item.sets.get("manufacturer")
        if not maker:
            continue
        key = fold(maker)
        names.setdefault(key, maker)
        chans = by_maker.setdefault(key, {})
        chan = channel(item.field)
        if chan not in chans or item.strength > chans[chan].strength:
            chans[chan] = item
    claims = []
    for key, chans in by_maker.items():
        remaining = 1.0
        for item in chans.values():
            remaining *= 1.0 - item.strength
        claims.append((names[key], 1.0 - remaining, chans))
    claims.sort(key=lambda c: (-c[1], c[0]))
    explanation, conflicts, manufacturer, confidence = [], [], None, 0.0
    if claims:
        manufacturer, best, chans = claims[0]
        confidence = best
        parts = [f"{chan} {e.signature} {e.strength:.2f}" for chan, e in sorted(chans.items())]
        explanation.append(f"{manufacturer}: " + "; ".join(parts) + f" -> 1 - prod(1 - s) = {best:.3f}")
        rivals = [c for c in claims[1:] if c[1] >= CONTRADICTION_FLOOR]
        if rivals:
            confidence = best * (1.0 - rivals[0][1] / 2.0)
            explanation.append(
                f"contradicted by {rivals[0][0]} ({rivals[0][1]:.3f}): "
                f"{best:.3f} x (1 - {rivals[0][1]:.3f}/2) = {confidence:.3f}"
            )
            conflicts.append(
                Conflict("manufacturer", tuple((c[0], round(c[1], 3)) for c in [claims[0], *rivals]))
            )
    agreeing = [
        e
        for e in evidence
        if not e.sets.get("manufacturer") or fold(e.sets["manufacturer"]) == fold(manufacturer or "")
    ]
    values = {}
    for attribute in OTHER_ATTRIBUTES:
        scores: dict = {}
        for item in agreeing:
            value = item.sets.get(attribute)
            if item.field in ("os.match", "os.cpe") and attribute in ("product", "model", "version"):
                continue  # an OS guess is the guessed OS's product and version, not the device's
            if not value:
                continue
            key = fold(value) or value
            if key not in scores or item.strength > scores[key][0]:
                scores[key] = (item.strength, value)
        values[attribute] = None
        if scores:
            ranked = sorted(scores.values(), key=lambda sv: (-sv[0], sv[1]))
            values[attribute] = ranked[0][1]
            if len(ranked) > 1 and attribute != "device_type":
                conflicts.append(Conflict(attribute, tuple((v, round(s, 3)) for s, v in ranked)))
    for item in evidence:
        if item.relabel and item.sets.get("brand"):
            explanation.append(
                f"brand {item.sets['brand']} may be made by {item.relabel} (weak link, see relabels.yaml): verify"
            )
    for item in agreeing:
        if item.sets.get("brand") and item.sets.get("manufacturer") and item.relabel is None:
            explanation.append(
                f"brand {item.sets['brand']} -> maker {item.sets['manufacturer']} ({item.signature})"
            )
            break
    seen: set = set()
    return Identity(
        manufacturer=manufacturer,
        brand=values["brand"],
        product=values["product"],
        model=values["model"],
        firmware=values["version"],
        device_type=values["device_type"],
        confidence=round(confidence, 3),
        evidence=tuple(evidence),
        conflicts=tuple(conflicts),
        explanation=tuple(x for x in explanation if not (x in seen or seen.add(x))),
    )


def test_fuse_agrees_with_its_plain_reference_on_random_evidence() -> None:
    rng = random.Random(11)
    fields = [
        "http.server",
        "http.headers",
        "mac",
        "mac.vendor",
        "snmp.sysdescr",
        "inventory.vendor",
        "os.match",
    ]
    makers = ["Hikvision", "HIKVISION", "Dahua", "Axis", "Hik-Vision", None]
    values = ["A", "a", "B", "DS-2CD", "ds 2cd", "camera", "recorder", ""]
    for _ in range(3000):
        evidence = []
        for i in range(rng.randint(0, 7)):
            sets = _random_sets(
                rng, makers, ("brand", "product", "model", "version", "device_type"), 0.3, values
            )
            evidence.append(
                Evidence(
                    field=rng.choice(fields),
                    text=f"t{i}",
                    provenance=HERE,
                    signature=f"sig/{rng.randint(0, 4)}",
                    sets=sets,
                    strength=rng.choice([0.15, 0.3, 0.5, 0.51, 0.6, 0.7, 0.85, 0.95]),
                    relabel=rng.choice([None, None, None, "Dahua"]),
                )
            )
        assert fuse(evidence) == _reference_fuse(evidence), evidence


def test_an_os_guess_never_sets_product_or_firmware() -> None:
    """nmap -O: `cpe:/o:linux:linux_kernel:3.1` is the guessed OS, not the device's product and
    firmware; its maker claim (if any) stays a weak hint."""
    from custodiet.identify.engine import Identifier
    from custodiet.pipeline.content import load_content

    identifier = Identifier(load_content().compiled)
    here = Provenance(file="scan.xml", place="host 1")
    guess = [
        Evidence("os.cpe", text, here, m.signature, m.sets, m.strength, None, m.relabel)
        for text in ("cpe:/o:linux:linux_kernel:3.1", "cpe:/o:huawei:vrp:5.170")
        for m in identifier.match("os.cpe", text)
    ] + [
        Evidence("os.match", "Huawei AR151 router", here, m.signature, m.sets, m.strength, None, m.relabel)
        for m in identifier.match("os.match", "Huawei AR151 router")
    ]
    identity = fuse(guess)
    assert identity.firmware is None and identity.product is None and identity.model is None
    assert identity.manufacturer == "Huawei" and identity.confidence < 0.45  # a hint, withheld
    values, confidence, _ = fuse_one_text(identifier.match("os.match", "Huawei AR151 router"))
    assert values["model"] is None and values["version"] is None and confidence < 0.45
    device_own = Evidence("http.server", "HG8245H", here, "x", {"model": "HG8245H", "version": "V3"}, 0.85)
    assert fuse([*guess, device_own]).firmware == "V3"
