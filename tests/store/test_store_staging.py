"""Devices concluded while their observations stream in (add_host), judged after grouping
(regroup), written in device-key order (finish_devices); and device ranges (schema 3)."""

from __future__ import annotations

import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from store_builders import HIK_MATCH, make_device, make_obs

from custodiet.errors import StoreError
from custodiet.model import Device, Finding, Identity
from custodiet.store import Store, migrations

CAM = "44:19:B6:00:00:01"


def _conclude(rows, key):  # type: ignore[no-untyped-def]
    """A device named by its key, with one finding, from exactly these rows."""
    addresses = tuple(sorted({o.subject.address for o, _ in rows if o.subject.address}))
    texts = tuple(o.text for o, _ in rows)
    device = Device(key, addresses, None, texts, (), Identity(explanation=texts))
    return device, [Finding(key, "r:1", "r", "entity", " ".join(texts), "scope", "verify")]


def _run(db: Path, hosts: list[list], extra: list | None = None) -> tuple[list[str], list[tuple]]:
    """add_host each host; return the keys regroup() yields and the stored (device, explanation)."""
    with Store(db) as store, store.begin_run("k", "v") as writer:
        for rows in hosts:
            writer.add_host([(obs, ()) for obs in rows], _conclude)
        if extra:
            writer.add_observations([(obs, ()) for obs in extra])
        regrouped = []
        for group in writer.regroup():
            regrouped.append(group.key)
            device, findings = _conclude(group, group.key)
            writer.stage_device(device, findings)
        writer.finish_devices()
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute(
            "SELECT s.device_id, d.explanation FROM state s JOIN state_detail d ON d.state_id = s.id ORDER BY s.id"
        ).fetchall()
        findings = conn.execute(
            "SELECT s.device_id, f.reason FROM state_finding f JOIN state s ON s.id = f.state_id ORDER BY f.id"
        ).fetchall()
    finally:
        conn.close()
    assert [d for d, _ in findings] == [d for d, _ in stored]
    return regrouped, stored


def test_hosts_seen_once_stand_and_merged_ones_are_regrouped(db: Path) -> None:
    hosts = [
        [make_obs("10.0.0.9", text="nine-a"), make_obs("10.0.0.9", text="nine-b")],
        [make_obs("10.0.0.5", CAM, text="five")],
        [make_obs("10.0.0.2", text="two")],
        [make_obs("10.0.0.6", CAM, text="six")],  # shares the camera's MAC: one device
        [make_obs("10.0.0.2", text="two-again")],  # the same address again
        [make_obs("10.0.0.7", text="seven")],
    ]
    late = [make_obs("10.0.0.7", CAM, text="seven-has-the-mac")]  # 10.0.0.7 joins the camera too
    regrouped, stored = _run(db, hosts, late)
    assert regrouped == ["ip:10.0.0.2", f"mac:{CAM}"]
    assert stored == [
        ("ip:10.0.0.2", '["two","two-again"]'),
        ("ip:10.0.0.9", '["nine-a","nine-b"]'),
        (f"mac:{CAM}", '["five","six","seven","seven-has-the-mac"]'),
    ]
    with Store(db) as store:
        assert [o.text for o, _ in store.device_detail("10.0.0.6").observations] == [
            "five",
            "six",
            "seven",
            "seven-has-the-mac",
        ]
        assert store.load_run().devices[1].hostnames == ("nine-a", "nine-b")


def test_a_device_is_written_in_key_order_whichever_way_it_came(db: Path) -> None:
    hosts = [[make_obs(f"10.0.{i % 3}.{i}", text=f"t{i}")] for i in range(40, 0, -1)]
    regrouped, stored = _run(db, hosts)
    assert regrouped == []
    assert [d for d, _ in stored] == sorted(d for d, _ in stored)


def test_staged_devices_must_be_judged_and_written(db: Path) -> None:
    with Store(db) as store:
        writer = store.begin_run("k", "v")
        writer.add_host([(make_obs("10.0.0.1"), (HIK_MATCH,))], _conclude)
        with pytest.raises(StoreError, match="judged by regroup"):
            writer.finish_devices()
        list(writer.regroup())
        writer.add_host([(make_obs("10.0.0.2"), ())], _conclude)  # added after judging
        with pytest.raises(StoreError, match="judged by regroup"):
            writer.finish_devices()
        with pytest.raises(StoreError, match="never written"):
            writer.commit()
        assert store.runs() == []


def test_a_conclude_that_fails_leaves_nothing(db: Path) -> None:
    def boom(rows, key):  # type: ignore[no-untyped-def]
        raise RuntimeError("simulated crash")

    with Store(db) as store:
        with pytest.raises(RuntimeError), store.begin_run("k", "v") as writer:
            writer.add_host([(make_obs("10.0.0.1"), ())], boom)
        assert store.runs() == []


def test_staging_streams_with_bounded_memory(db: Path) -> None:
    """50,000 hosts through add_host: Python holds a batch and a fixed map, not the run."""

    def tiny(rows, key):  # type: ignore[no-untyped-def]
        return make_device(key, (rows[0][0].subject.address,)), []

    pool = [make_obs(f"10.{d >> 16 & 255}.{d >> 8 & 255}.{d & 255}", text="x" * 100) for d in range(50_000)]
    with Store(db) as store, store.begin_run("k", "v") as writer:
        tracemalloc.start()
        try:
            for obs in pool:
                writer.add_host([(obs, ()), (obs, ())], tiny)
            # A host whose key looks seen (two bits of a fixed map, ~0.02% of them) is regrouped.
            late = 0
            for group in writer.regroup():
                writer.stage_device(*tiny(group, group.key))
                late += 1
            writer.finish_devices()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    with Store(db) as store:
        assert len(store.load_run(evidence="none").devices) == 50_000
    assert peak < 12 * 2**20, f"staging peaked at {peak / 2**20:.1f} MiB"
    assert late < 50


def test_schema_2_observation_rows_become_ranges(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    migrations.migrate(conn, migrations.MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO run (id, input_key, content_version, started, finished) VALUES (1, 'k', 'v', 't', 't')"
    )
    conn.execute("INSERT INTO source_file (id, path) VALUES (1, 'scan.xml')")
    members = {
        1: "ip:10.0.0.1",
        2: "ip:10.0.0.1",
        3: "ip:10.0.0.1",
        4: "ip:10.0.0.2",
        5: "ip:10.0.0.1",
        6: "ip:10.0.0.2",
    }
    for oid, key in members.items():
        conn.execute(
            "INSERT INTO observation (id, run_id, address, field, text, file, place) VALUES (?, 1, ?, 'hostname', ?, 1, 'line 1')",
            (oid, key[3:], f"text-{oid}"),
        )
        conn.execute("INSERT INTO device_observation VALUES (1, ?, ?)", (key, oid))
    conn.execute(
        "INSERT INTO device_state (run_id, device_id, observation_key, addresses, hostnames, services, covered, "
        "confidence, evidence, conflicts, explanation) VALUES (1, 'ip:10.0.0.1', 'ip:10.0.0.1', '[\"10.0.0.1\"]', "
        "'[]', '[]', 0, 0, '[]', '[]', '[]')"
    )
    conn.execute("INSERT INTO device_name VALUES (1, 'ip:10.0.0.1', 'ip:10.0.0.1')")
    conn.close()
    with Store(db) as store:
        ranges = store._conn.execute("SELECT * FROM device_range ORDER BY 1, 2, 3").fetchall()
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        detail = store.device_detail("10.0.0.1")
    assert ranges == [
        (1, "ip:10.0.0.1", 1, 3),
        (1, "ip:10.0.0.1", 5, 5),
        (1, "ip:10.0.0.2", 4, 4),
        (1, "ip:10.0.0.2", 6, 6),
    ]
    assert "device_observation" not in tables
    assert [o.text for o, _ in detail.observations] == ["text-1", "text-2", "text-3", "text-5"]
