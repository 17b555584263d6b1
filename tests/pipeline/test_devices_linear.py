"""build_device is linear in its rows (issue 12, row 5): many addresses sharing one MAC (a
gateway, 200,000 inventory rows or 65,536 ARP replies from one MAC) made a list-membership scan
per address, quadratic."""

from __future__ import annotations

import pytest
from tests.sources.growth import assert_linear

from custodiet.model import Observation, Provenance, Subject
from custodiet.pipeline.context import load_context
from custodiet.pipeline.devices import build_device

MAC = "44:A6:42:00:00:01"  # a Hikvision OUI


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return load_context()


def shared_mac_rows(context, n: int) -> list:  # type: ignore[no-untyped-def]
    """n addresses, one MAC: per address its mac and hostname observations, with their matches."""
    match = context.identifier.match
    place = Provenance("inventory.csv", "line 2")
    rows = []
    for i in range(n):
        subject = Subject(address=f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}", mac=MAC)
        for field, text in (("mac", MAC), ("hostname", f"cam-{i}")):
            rows.append((Observation(subject, field, text, place), match(field, text)))
    return rows


def test_many_addresses_sharing_a_mac(context) -> None:  # type: ignore[no-untyped-def]
    rows = shared_mac_rows(context, 3000)
    device = build_device(rows, context.identifier, context.policy.is_covered)
    assert device.id == f"mac:{MAC}" and device.mac == MAC
    assert len(device.addresses) == 3000 and set(device.addresses) == {r[0].subject.address for r in rows}
    assert list(device.addresses) == sorted(device.addresses)  # IPv4 first, then by text (as before)
    assert device.identity.manufacturer == "Hikvision"
    assert len(device.hostnames) == 16  # capped


def test_build_device_is_linear_in_shared_addresses(context) -> None:  # type: ignore[no-untyped-def]
    def make(n: int):  # type: ignore[no-untyped-def]
        rows = shared_mac_rows(context, n)
        return lambda: build_device(rows, context.identifier, context.policy.is_covered)

    assert_linear(make, 10_000)
