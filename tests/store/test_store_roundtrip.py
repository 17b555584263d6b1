"""A run written through RunWriter comes back from load_run / device_detail exactly."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from store_builders import (
    HIK_MATCH,
    HOSTILE,
    RELABEL_MATCH,
    make_device,
    make_obs,
    sample_findings,
    sample_inputs,
)

from custodiet.errors import NotFoundError, StoreError, UsageError
from custodiet.model import Device, Observation
from custodiet.store import DeviceDetail, RunInfo, Store


def _devices() -> tuple[Device, ...]:
    return (
        make_device(
            "mac:44:19:B6:00:00:01",
            ("10.0.0.5", "10.0.0.6"),
            mac="44:19:B6:00:00:01",
            hostnames=("cam1.example.org", "CAM1-ALIAS"),
            manufacturer="Hikvision",
            covered=True,
            text=HOSTILE,
        ),
        make_device("ip:10.0.0.7", ("10.0.0.7",), hostnames=("printer.example.org",)),
        make_device("ip:2001:db8::1", ("2001:db8::1",), manufacturer="Dahua", covered=True),
    )


def _observations() -> list[tuple[Observation, tuple]]:
    return [
        (
            make_obs("10.0.0.5", "44:19:B6:00:00:01", text="Hikvision-Webs", place="host 10.0.0.5"),
            (HIK_MATCH,),
        ),
        (make_obs("10.0.0.6", "44:19:B6:00:00:01", field="http.title", text=HOSTILE, port=None), ()),
        (make_obs("10.0.0.7", text="", field="hostname"), ()),
        (
            make_obs("2001:db8::1", field="http.www_authenticate", text='Basic realm="Amcrest"'),
            (RELABEL_MATCH,),
        ),
        (make_obs("2001:db8::1", file="other/scan.xml", place="line 99"), (HIK_MATCH, RELABEL_MATCH)),
    ]


def _write_run(db: Path, key: str = "key-1") -> int:
    with Store(db) as store, store.begin_run(key, "content-2025.1") as writer:
        for summary in sample_inputs():
            writer.add_input(summary)
        writer.add_observations(_observations())
        list(writer.device_groups())
        writer.add_devices(_devices())
        writer.add_findings(sample_findings())
        return writer.run_id


def test_run_round_trip(db: Path) -> None:
    run_id = _write_run(db)
    with Store(db) as store:
        report = store.load_run()
        assert report == store.load_run(run_id)
    assert report.run_id == run_id
    assert report.content_version == "content-2025.1"
    assert report.started.endswith("Z") and report.finished >= report.started
    assert report.inputs == sample_inputs()
    # Devices come back in id order.
    assert report.devices == tuple(sorted(_devices(), key=lambda d: d.id))
    assert report.findings == sample_findings()
    # The hostile text survives byte for byte, NUL and ESC included.
    camera = report.devices[-1]
    assert camera.identity.evidence[0].text == HOSTILE
    assert camera.identity.conflicts[0].values == (("DS-2CD2143G0-I", 0.85), ("DS-2CD2T", 0.3))


def test_device_detail_returns_device_and_its_observations(db: Path) -> None:
    _write_run(db)
    with Store(db) as store:
        detail = store.device_detail("10.0.0.6")
    assert isinstance(detail, DeviceDetail)
    assert detail.device == _devices()[0]
    assert [o for o, _ in detail.observations] == [o for o, _ in _observations()[:2]]
    assert [m for _, m in detail.observations] == [(HIK_MATCH,), ()]
    assert detail.observations[1][0].text == HOSTILE
    assert detail.observations[1][0].port is None


@pytest.mark.parametrize(
    "host",
    [
        "mac:44:19:B6:00:00:01",
        "MAC:44:19:b6:00:00:01",
        "10.0.0.5",
        " 10.0.0.6 ",
        "44-19-b6-00-00-01",
        "4419.b600.0001",
        "4419B6000001",
        "cam1.example.org",
        "CAM1.EXAMPLE.ORG.",
        "cam1",
        "cam1-alias",
    ],
)
def test_device_detail_finds_a_device_by_any_name(db: Path, host: str) -> None:
    _write_run(db)
    with Store(db) as store:
        assert store.device_detail(host).device.id == "mac:44:19:B6:00:00:01"


def test_device_detail_normalises_ipv6(db: Path) -> None:
    _write_run(db)
    with Store(db) as store:
        detail = store.device_detail("2001:DB8:0:0::1")
    assert detail.device.id == "ip:2001:db8::1"
    assert [o.provenance.file for o, _ in detail.observations] == ["scan.xml", "other/scan.xml"]
    assert detail.observations[1][1] == (HIK_MATCH, RELABEL_MATCH)


def test_device_detail_unknown_and_ambiguous(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_devices(
            [
                make_device("ip:10.0.0.1", ("10.0.0.1",), hostnames=("nvr.site-a.example",)),
                make_device("ip:10.0.0.2", ("10.0.0.2",), hostnames=("nvr.site-b.example",)),
            ]
        )
    with Store(db) as store:
        with pytest.raises(UsageError, match=r"no device named '10\.9\.9\.9'"):
            store.device_detail("10.9.9.9")
        with pytest.raises(UsageError) as excinfo:
            store.device_detail("nvr")
        message = str(excinfo.value)
        assert "2 devices" in message
        assert "ip:10.0.0.1 (10.0.0.1, nvr.site-a.example)" in message
        assert "ip:10.0.0.2 (10.0.0.2, nvr.site-b.example)" in message
        # A full name is not ambiguous.
        assert store.device_detail("nvr.site-b.example").device.id == "ip:10.0.0.2"
        assert store.device_detail("nvr.site-a.example").observations == []


def test_runs_find_run_and_device_history(db: Path) -> None:
    first = _write_run(db, "key-1")
    second = _write_run(db, "key-2")
    with Store(db) as store:
        assert store.find_run("key-1") == first
        assert store.find_run("key-2") == second
        assert store.find_run("nope") is None
        infos = store.runs()
        assert [i.id for i in infos] == [first, second]
        assert infos[0] == RunInfo(
            id=first,
            started=infos[0].started,
            finished=infos[0].finished,
            inputs=2,
            devices=3,
            covered=2,
            findings=1,
            files=("scans/site-a.xml", "inventory.csv"),
        )
        # The second run concluded exactly what the first did: it shares its states and rows.
        assert store._conn.execute("SELECT count(*) FROM state").fetchone()[0] == 3
        assert store._conn.execute("SELECT count(*) FROM run_device").fetchone()[0] == 6
        assert store.load_run().run_id == second
        assert store.load_run(first).run_id == first
        # Device ids are stable: seen first in run 1, last in run 2.
        rows = store._conn.execute(
            "SELECT id, first_seen_run, last_seen_run FROM device ORDER BY id"
        ).fetchall()
    assert rows == [
        ("ip:10.0.0.7", first, second),
        ("ip:2001:db8::1", first, second),
        ("mac:44:19:B6:00:00:01", first, second),
    ]


def test_same_input_key_twice_is_refused(db: Path) -> None:
    _write_run(db, "same")
    with Store(db) as store, pytest.raises(StoreError, match="already holds these inputs") as excinfo:
        store.begin_run("same", "v")
    assert excinfo.value.file == str(db)


def test_empty_store_has_no_run(db: Path) -> None:
    with Store(db) as store:
        assert store.runs() == []
        # Nothing to show is a usage error (exit 2), not a broken store (issue 12, row 16).
        with pytest.raises(NotFoundError, match="no finished run") as excinfo:
            store.load_run()
        assert excinfo.value.file == str(db)
        with pytest.raises(NotFoundError, match="no finished run 3"):
            store.load_run(3)
        with pytest.raises(NotFoundError):
            store.device_detail("10.0.0.1")


def test_writer_is_closed_after_commit(db: Path) -> None:
    with Store(db) as store:
        writer = store.begin_run("k", "v")
        writer.commit()
        with pytest.raises(StoreError, match="already committed"):
            writer.add_observations([(make_obs("10.0.0.1"), ())])
        # A second run can start once the first is done.
        with store.begin_run("k2", "v"):
            pass
        assert [r.id for r in store.runs()] == [1, 2]


def test_one_writer_at_a_time_per_store(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v"), pytest.raises(StoreError, match="another run"):
        store.begin_run("k2", "v")


def test_strings_sqlite_cannot_encode_are_escaped_not_fatal(db: Path) -> None:
    bad = "bad \udcff surrogate"
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations(
            [(make_obs("10.0.0.1", text=bad, file="f\udc80.xml"), ()), (make_obs("10.0.0.1"), ())]
        )
        groups = list(writer.device_groups())
        writer.add_devices([make_device("ip:10.0.0.1", ("10.0.0.1",), manufacturer="Hikvision", text=bad)])
    assert [o.text for o, _ in groups[0]] == ["bad \\udcff surrogate", "Server"]
    assert groups[0][0][0].provenance.file == "f\\udc80.xml"
    with Store(db) as store:
        assert store.load_run().devices[0].identity.evidence[0].text == "bad \\udcff surrogate"


def test_new_inventory_is_private_and_in_wal_mode(db: Path) -> None:
    with Store(db) as store:
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
