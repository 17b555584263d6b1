"""Waivers and remediation kept in the inventory: per device, rule or both; who, why, until when;
an ended waiver reopens its findings; bad requests (an unknown device or rule, a date past, a
locked or read-only inventory) get a clear message and write nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from store_builders import make_device, sample_findings

from custodiet.errors import StoreError, UsageError
from custodiet.model import Finding
from custodiet.report.digest import finding_status, status_line
from custodiet.store import Store, decisions

CAMERA = "mac:44:19:B6:00:00:01"


@pytest.fixture
def inventory(db: Path) -> Path:
    """One run: a covered camera with a finding, a printer, two devices sharing a hostname."""
    with Store(db) as store, store.begin_run("k", "v", profile="us-federal") as writer:
        writer.add_devices(
            [
                make_device(
                    CAMERA, ("10.0.0.5",), mac="44:19:B6:00:00:01", manufacturer="Hikvision", covered=True
                ),
                make_device("ip:10.0.0.7", ("10.0.0.7",), hostnames=("printer.example.org",)),
                make_device("ip:10.0.0.8", ("10.0.0.8",), hostnames=("nvr.site-a.example",)),
                make_device("ip:10.0.0.9", ("10.0.0.9",), hostnames=("nvr.site-b.example",)),
            ]
        )
        writer.add_findings(sample_findings())
    return db


def _rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT * FROM {table}").fetchall()
    finally:
        conn.close()


def test_waivers_per_device_rule_and_both(inventory: Path) -> None:
    with Store(inventory) as store:
        by_device = decisions.add_waiver(
            store, host="10.0.0.5", rule=None, who="alice", why="replacement ordered", until="2099-01-31"
        )
        by_rule = decisions.add_waiver(
            store, host=None, rule="us-fcc-covered-list", who="bob", why="legal review", until="2099-06-30"
        )
        both = decisions.add_waiver(
            store,
            host="44-19-b6-00-00-01",
            rule="us-fcc-covered-list:hikvision",
            who=" carol ",
            why="isolated\nVLAN",
            until="2099-12-31",
        )
        assert [w.id for w in decisions.waivers(store)] == [by_device.id, by_rule.id, both.id]
    assert by_device.device == CAMERA and by_device.rule is None
    assert by_rule.device is None and by_rule.rule == "us-fcc-covered-list"
    assert (both.device, both.who, both.why) == (CAMERA, "carol", "isolated VLAN")
    finding = sample_findings()[0]
    waivers = (by_device, by_rule, both)
    status = finding_status(finding.device, finding.rule, finding.list, waivers, "2099-01-01")
    # The waiver that lasts longest is the one that holds it.
    assert status.status == "waived" and status.waiver == both
    assert status_line(status) == f"waived until 2099-12-31 by carol (#{both.id}): isolated VLAN"
    other = Finding(
        "ip:10.0.0.7", "us-ndaa-fy2019-s889:hikvision", "us-ndaa-fy2019-s889", "e", "r", "s", "covered"
    )
    assert finding_status(other.device, other.rule, other.list, waivers, "2099-01-01").status == "open"


def test_an_ended_waiver_reopens_the_finding_and_a_revoked_one_stays_on_record(inventory: Path) -> None:
    finding = sample_findings()[0]
    with Store(inventory) as store:
        waiver = decisions.add_waiver(
            store, host=CAMERA, rule=None, who="alice", why="pilot", until="2099-01-31"
        )
        assert (
            finding_status(finding.device, finding.rule, finding.list, [waiver], "2099-01-31").status
            == "waived"
        )
        ended = finding_status(finding.device, finding.rule, finding.list, [waiver], "2099-02-01")
        assert ended.status == "open" and ended.expired == waiver
        assert status_line(ended) == f"open (waiver #{waiver.id} ended 2099-01-31)"
        revoked = decisions.revoke_waiver(store, waiver.id, who="ciso", why="not acceptable")
        assert revoked.revoked is not None and revoked.revoked_by == "ciso"
        assert (
            finding_status(finding.device, finding.rule, finding.list, [revoked], "2099-01-01").status
            == "open"
        )
        with pytest.raises(UsageError, match="already revoked"):
            decisions.revoke_waiver(store, waiver.id, who="ciso", why="again")
        with pytest.raises(UsageError, match="no waiver 99"):
            decisions.revoke_waiver(store, 99, who="ciso", why="x")
    assert len(_rows(inventory, "waiver")) == 1


@pytest.mark.parametrize(
    ("host", "rule", "until", "who", "message"),
    [
        ("10.9.9.9", None, "2099-01-01", "a", "no device named '10.9.9.9' in the inventory"),
        ("nvr", None, "2099-01-01", "a", "'nvr' names 2 devices"),
        (None, "us-fcc-covered-list:huawai", "2099-01-01", "a", "no finding in the inventory names rule"),
        (None, None, "2099-01-01", "a", "names a device"),
        (CAMERA, None, "2001-01-01", "a", "is in the past"),
        (CAMERA, None, "31/12/2099", "a", "expects a date as YYYY-MM-DD"),
        (CAMERA, None, "2099-01-01", "  ", "--who is required"),
    ],
)
def test_bad_waivers_are_refused_with_a_clear_message_and_nothing_written(
    inventory: Path, host: str | None, rule: str | None, until: str, who: str, message: str
) -> None:
    with Store(inventory) as store, pytest.raises(UsageError, match=message):
        decisions.add_waiver(store, host=host, rule=rule, who=who, why="because", until=until)
    assert _rows(inventory, "waiver") == []


def test_an_unknown_rule_suggests_the_known_ones(inventory: Path) -> None:
    with Store(inventory) as store, pytest.raises(UsageError) as excinfo:
        decisions.add_waiver(store, host=None, rule="hikvision", who="a", why="b", until="2099-01-01")
    assert "did you mean: us-fcc-covered-list:hikvision" in str(excinfo.value)


def test_remediation_steps_and_the_latest_state(inventory: Path) -> None:
    with Store(inventory) as store:
        decisions.add_remediation(store, host="10.0.0.5", state="open", who="soc")
        decisions.add_remediation(
            store,
            host=CAMERA,
            state="Ticketed",
            who="soc",
            ticket="INC-42",
            note="order placed",
            at="2099-02-01",
        )
        decisions.add_remediation(store, host="printer.example.org", state="verified absent", who="soc")
        with pytest.raises(
            UsageError, match="is not one of: open, ticketed, replaced, removed, verified-absent"
        ):
            decisions.add_remediation(store, host=CAMERA, state="fixed", who="soc")
        with pytest.raises(UsageError, match="no device named"):
            decisions.add_remediation(store, host="10.1.1.1", state="removed", who="soc")
        log = decisions.remediation_log(store, CAMERA)
        latest = decisions.latest_remediation(store)
    assert [(s.state, s.ticket) for s in log] == [("open", None), ("ticketed", "INC-42")]
    assert log[1].at == "2099-02-01T00:00:00Z" and log[1].note == "order placed"
    assert latest[CAMERA].state == "ticketed" and latest["ip:10.0.0.7"].state == "verified-absent"
    assert len(_rows(inventory, "remediation")) == 3


def test_a_locked_inventory_says_so_and_writes_nothing(inventory: Path) -> None:
    holder = sqlite3.connect(inventory, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what an audit does while it writes a run
    try:
        with Store(inventory, timeout=0.2) as store:
            with pytest.raises(StoreError, match=r"locked.*an audit is writing to it") as excinfo:
                decisions.add_waiver(store, host=CAMERA, rule=None, who="a", why="b", until="2099-01-01")
            assert excinfo.value.file == str(inventory)
            with pytest.raises(StoreError, match="locked"):
                decisions.add_remediation(store, host=CAMERA, state="removed", who="a")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _rows(inventory, "waiver") == [] and _rows(inventory, "remediation") == []


def test_a_read_only_inventory_says_so(inventory: Path) -> None:
    from custodiet.dashboard.db import open_readonly

    store = open_readonly(inventory)
    try:
        with pytest.raises(StoreError, match="readonly") as excinfo:
            decisions.add_waiver(store, host=CAMERA, rule=None, who="a", why="b", until="2099-01-01")
        assert excinfo.value.file == str(inventory)
    finally:
        store.close()
    assert _rows(inventory, "waiver") == []


def test_findings_of_a_device_the_run_does_not_hold_are_refused(db: Path) -> None:
    with Store(db) as store:
        with (
            pytest.raises(StoreError, match=r"findings of devices this run does not hold: ip:10\.9\.9\.9"),
            store.begin_run("k", "v") as writer,
        ):
            writer.add_devices([make_device("ip:10.0.0.1", ("10.0.0.1",))])
            writer.add_findings([replace(sample_findings()[0], device="ip:10.9.9.9")])
        assert store.runs() == []
