"""History through real audits: a run stores what changed, not a copy; diffs say what is new, gone
and changed, and call nothing gone that a run did not examine (its scope)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from tests.bench_modules import bench_module

from custodiet.pipeline.audit import AuditRequest, audit
from custodiet.pipeline.context import load_context
from custodiet.store import Store, history

GEN = bench_module("gen_nmap")


def scan(path: Path, hosts: dict[int, int], targets: str, down: tuple[int, ...] = ()) -> Path:
    """An nmap XML of hosts {index: version} (a host drawn anew when its version changes), with
    `targets` on its command line and `down` hosts listed as down (nmap -v)."""
    header = GEN.HEADER.replace("10.0.0.0/8", targets)
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        for index, version in sorted(hosts.items()):
            text = GEN.host_xml(random.Random(f"{index}/{version}"), index, "heavy")
            if '<status state="down"' in text:  # the draw made it a down host: use the next draw
                text = GEN.host_xml(random.Random(f"{index}/{version}/up"), index, "light")
            out.write(text)
        for index in down:
            out.write(
                f'<host><status state="down" reason="no-response" reason_ttl="0"/>'
                f'<address addr="10.0.{index >> 8 & 255}.{index & 255}" addrtype="ipv4"/></host>\n'
            )
        out.write(GEN.FOOTER.format(up=len(hosts), down=len(down), total=len(hosts) + len(down)))
    return path


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return load_context()


def _audit(paths: list[Path], db: Path, context) -> int:  # type: ignore[no-untyped-def]
    result = audit(AuditRequest(paths=tuple(paths), db=db), context)
    assert result.errors == [] and result.run_id is not None and not result.reused
    return result.run_id


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_repeated_audits_store_changes_and_diffs_find_them(tmp_path: Path, context) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "inventory.sqlite"
    network = {index: 0 for index in range(1, 81)}
    first = _audit([scan(tmp_path / "scan-jan.xml", network, "10.0.0.0/24")], db, context)
    size_one = db.stat().st_size
    states_one = _count(db, "state")
    observations_one = _count(db, "observation")

    # February: five hosts drawn anew (another device at the same address), one host gone, one
    # host down (listed by nmap -v), two new hosts; the file has another name.
    february = dict(network)
    for index in (3, 17, 40, 66, 71):
        february[index] = 1
    del february[50]
    del february[60]
    february[81] = 0
    february[82] = 0
    second = _audit([scan(tmp_path / "scan-feb.xml", february, "10.0.0.0/24", down=(60,))], db, context)

    # Only what changed was stored: a few states and observation blocks, not a second copy.
    assert _count(db, "state") - states_one <= 12
    assert _count(db, "observation") - observations_one < observations_one * 0.15
    with Store(db) as store:
        result = history.diff(store, first, second)
        again = history.diff(store)  # default: the latest run and the one before
    assert again.from_run == first and again.to_run == second
    changed_ids = {c.device.id for c in result.changed}
    new_addresses = {a for d in result.new for a in d.addresses}
    gone_addresses = {a for d in result.gone for a in d.addresses}
    # 50 and 60 are gone (60 is down: nmap saw it); 121 and 122 are new; a host drawn anew has a
    # new MAC, so its old device is gone and the new one new, unless only attributes changed.
    assert {"10.0.0.50", "10.0.0.60"} <= gone_addresses
    assert {"10.0.0.81", "10.0.0.82"} <= new_addresses
    for index in (3, 17, 40, 66, 71):
        address = f"10.0.0.{index}"
        assert (address in new_addresses and address in gone_addresses) or any(
            address in c.device.addresses for c in result.changed
        ), address
    unchanged = {f"10.0.0.{i}" for i in network if i not in (3, 17, 40, 66, 71, 50, 60)}
    assert not unchanged & (new_addresses | gone_addresses)
    assert not any(set(c.device.addresses) & unchanged for c in result.changed), changed_ids
    assert result.not_examined == []
    assert db.stat().st_size < size_one * 1.5

    # March: a scan of another subnet only. The devices of 10.0.0.0/24 are not gone: that run did
    # not look there.
    other = {index: 0 for index in range(257, 267)}
    third = _audit([scan(tmp_path / "scan-mar-other-site.xml", other, "10.0.1.0/24")], db, context)
    with Store(db) as store:
        result = history.diff(store, second, third)
        seen = {s.device: s for s in history.device_seen(store, third)}
        versions = history.device_history(store, next(iter(seen)))
    assert result.gone == []
    assert len(result.not_examined) == len(february)
    assert all(u.absent_from == third for u in result.not_examined)
    assert len(result.new) == 10 and all(a.startswith("10.0.1.") for d in result.new for a in d.addresses)
    assert all(s.first_run == third and s.last_run == third for s in seen.values())
    assert [v.run_id for v in versions] == [third]


def test_every_past_run_reads_back_as_it_was(tmp_path: Path, context) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "inventory.sqlite"
    network = {index: 0 for index in range(1, 41)}
    runs = []
    reports = []
    for month in range(3):
        if month:
            network[month * 7] = month  # one host drawn anew each month
        runs.append(_audit([scan(tmp_path / f"scan-{month}.xml", network, "10.0.0.0/24")], db, context))
        with Store(db) as store:
            reports.append(store.load_run(runs[-1]))
    with Store(db) as store:
        for run_id, before in zip(runs, reports, strict=True):
            after = store.load_run(run_id)
            assert after.devices == before.devices and after.findings == before.findings
            # Evidence names each run's own file, though the rows are shared.
            files = {e.provenance.file for d in after.devices for e in d.identity.evidence}
            assert files == {before.inputs[0].path}
            detail = store.device_detail("10.0.0.1", run_id)
            assert {o.provenance.file for o, _ in detail.observations} == {before.inputs[0].path}
