"""device_groups(): one device per address, addresses merged by a shared usable MAC."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_builders import HIK_MATCH, make_device, make_obs

from custodiet.errors import StoreError
from custodiet.store import Store

CAM = "44:19:B6:00:00:01"


def _groups(db: Path, rows: list) -> dict[str, list[tuple[str | None, str | None, str]]]:
    """key -> [(address, mac, text)] in yield order; also checks each key is yielded once."""
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations(rows)
        out: dict[str, list[tuple[str | None, str | None, str]]] = {}
        for group in writer.device_groups():
            assert group.key not in out, "a device was split over two groups"
            out[group.key] = [(o.subject.address, o.subject.mac, o.text) for o, _ in group]
        return out


def test_addresses_sharing_a_mac_are_one_device(db: Path) -> None:
    rows = [
        (make_obs("10.0.0.5", CAM, text="a"), ()),
        (make_obs("10.0.0.9", text="plain"), ()),
        (make_obs("10.0.0.6", CAM, text="b"), ()),
        (make_obs("10.0.0.5", text="c"), ()),  # same address, this observation without MAC
        (make_obs(None, CAM, field="mac", text=CAM), ()),  # MAC only
        (make_obs("10.0.0.6", text="d"), ()),
    ]
    groups = _groups(db, rows)
    assert groups == {
        "ip:10.0.0.9": [("10.0.0.9", None, "plain")],
        f"mac:{CAM}": [
            ("10.0.0.5", CAM, "a"),
            ("10.0.0.6", CAM, "b"),
            ("10.0.0.5", None, "c"),
            (None, CAM, CAM),
            ("10.0.0.6", None, "d"),
        ],
    }
    assert list(groups) == sorted(groups), "groups come in key order"


@pytest.mark.parametrize(
    "mac",
    ["FF:FF:FF:FF:FF:FF", "01:00:5E:00:00:FB", "33:33:00:00:00:01", "00:00:00:00:00:00", "not-a-mac"],
)
def test_broadcast_multicast_and_zero_macs_do_not_merge(db: Path, mac: str) -> None:
    rows = [(make_obs("10.0.0.1", mac, text="x"), ()), (make_obs("10.0.0.2", mac, text="y"), ())]
    groups = _groups(db, rows)
    assert groups == {"ip:10.0.0.1": [("10.0.0.1", mac, "x")], "ip:10.0.0.2": [("10.0.0.2", mac, "y")]}


def test_locally_administered_unicast_macs_merge(db: Path) -> None:
    mac = "02:00:00:00:00:01"  # randomised / local MACs are still one interface
    groups = _groups(db, [(make_obs("10.0.0.1", mac), ()), (make_obs("10.0.0.2", mac), ())])
    assert list(groups) == [f"mac:{mac}"]


def test_mac_only_observations_of_an_unseen_mac_form_their_own_device(db: Path) -> None:
    groups = _groups(db, [(make_obs(None, "00:80:F0:12:34:56", field="mac", text="x"), ())])
    assert groups == {"mac:00:80:F0:12:34:56": [(None, "00:80:F0:12:34:56", "x")]}


def test_an_address_with_two_macs_joins_the_smaller_mac(db: Path) -> None:
    rows = [
        (make_obs("10.0.0.1", "00:00:00:00:00:0B", text="b"), ()),
        (make_obs("10.0.0.1", "00:00:00:00:00:0A", text="a"), ()),
        (make_obs(None, "00:00:00:00:00:0B", text="only-b"), ()),
    ]
    groups = _groups(db, rows)
    assert groups["mac:00:00:00:00:00:0A"] == [
        ("10.0.0.1", "00:00:00:00:00:0B", "b"),
        ("10.0.0.1", "00:00:00:00:00:0A", "a"),
    ]
    assert groups["mac:00:00:00:00:00:0B"] == [(None, "00:00:00:00:00:0B", "only-b")]


def test_groups_yield_matches_and_are_redone_after_more_observations(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations([(make_obs("10.0.0.1", text="one"), (HIK_MATCH,))])
        first = list(writer.device_groups())
        assert [g.key for g in first] == ["ip:10.0.0.1"]
        assert first[0][0][1] == (HIK_MATCH,)
        # A later file reveals the MAC of 10.0.0.1 and a second address for it.
        writer.add_observations([(make_obs("10.0.0.1", CAM), ()), (make_obs("10.0.0.2", CAM), ())])
        second = list(writer.device_groups())
        assert [g.key for g in second] == [f"mac:{CAM}"]
        assert len(second[0]) == 3


def test_each_run_groups_only_its_own_observations(db: Path) -> None:
    with Store(db) as store:
        with store.begin_run("k1", "v") as writer:
            writer.add_observations([(make_obs("10.0.0.1", CAM), ())])
        with store.begin_run("k2", "v") as writer:
            writer.add_observations([(make_obs("10.0.0.2"), ())])
            assert [g.key for g in writer.device_groups()] == ["ip:10.0.0.2"]


def test_devices_named_otherwise_still_find_their_observations(db: Path) -> None:
    """add_devices accepts an id that is not the group key: addresses or MAC lead to the group."""
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations([(make_obs("10.0.0.5", CAM), ()), (make_obs("10.0.0.6", CAM), ())])
        writer.add_devices([make_device("device-by-other-name", ("10.0.0.6",))])
    with Store(db) as store:
        assert len(store.device_detail("device-by-other-name").observations) == 2


def test_observation_without_address_or_mac_is_refused(db: Path) -> None:
    with (
        Store(db) as store,
        pytest.raises(StoreError, match="neither address nor MAC"),
        store.begin_run("k", "v") as writer,
    ):
        writer.add_observations([(make_obs("10.0.0.1"), ()), (make_obs(None, None), ())])
    with Store(db) as store:
        assert store.runs() == []


def test_adding_while_reading_groups_is_refused(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations([(make_obs("10.0.0.1"), ()), (make_obs("10.0.0.2"), ())])
        groups = writer.device_groups()
        next(groups)
        with pytest.raises(StoreError, match="while device_groups"):
            writer.add_observations([(make_obs("10.0.0.3"), ())])
        assert len(list(groups)) == 1


def test_commit_with_unfinished_groups_keeps_the_run(db: Path) -> None:
    with Store(db) as store:
        writer = store.begin_run("k", "v")
        writer.add_observations([(make_obs(f"10.0.0.{i}"), ()) for i in range(10)])
        groups = writer.device_groups()
        next(groups)
        writer.commit()
        assert store.find_run("k") == writer.run_id
        with pytest.raises(StoreError, match="committed or rolled back while its groups were read"):
            next(groups)
        # A new run afterwards works, and the abandoned generator cannot disturb it.
        with store.begin_run("k2", "v") as second:
            second.add_observations([(make_obs("10.1.0.1"), ())])
            del groups
            assert [g.key for g in second.device_groups()] == ["ip:10.1.0.1"]


def test_restarting_device_groups_abandons_the_first(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations([(make_obs(f"10.0.0.{i}"), ()) for i in range(5)])
        first = writer.device_groups()
        next(first)
        assert len(list(writer.device_groups())) == 5
        with pytest.raises(StoreError):
            next(first)
