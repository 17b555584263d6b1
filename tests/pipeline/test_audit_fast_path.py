"""The fast path stores exactly what the slow one does.

`custodiet audit` identifies a host that a source reports in one piece while its observations
are in memory, and rebuilds from the store only the devices whose group is more than that piece
(pipeline/audit.py, store/writer.py). These tests audit mixed inputs both ways -- fast, and with
every device built from the store (audit.FAST_PATH = False) -- and compare every stored row.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sqlite3
from pathlib import Path

import pytest
from tests.bench_modules import bench_module

from custodiet.model import Observation, Provenance, Subject
from custodiet.pipeline import audit as audit_module
from custodiet.pipeline.audit import AuditRequest, audit
from custodiet.pipeline.context import load_context
from custodiet.sources import registry
from custodiet.store import RunWriter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return load_context()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two nmap scans sharing 120 hosts (other MACs in the second), an inventory that joins scan
    hosts by address and MAC, by address alone, gives scan MACs a second address, adds hosts and
    lists one address twice; the bundled sample network; and a capture when it can be read."""
    out = tmp_path_factory.mktemp("mixed")
    gen = bench_module("gen_nmap")
    a, b = out / "scan-a.xml", out / "scan-b.xml"
    with a.open("w", encoding="utf-8") as handle:
        gen.write_nmap_xml(handle, 300, seed=1, mix="mixed")
    with b.open("w", encoding="utf-8") as handle:
        gen.write_nmap_xml(handle, 120, seed=2, mix="heavy")
    hosts = re.findall(
        r'<address addr="([0-9.]+)" addrtype="ipv4"/>\n<address addr="([0-9A-F:]+)" addrtype="mac"',
        a.read_text(),
    )
    rng = random.Random(5)
    rows = ["Name,IP,MAC,Vendor,Model,Serial,Site"]
    for i, (ip, mac) in enumerate(hosts):
        draw = rng.random()
        if draw < 0.2:
            rows.append(f"cam{i},{ip},{mac},Hikvision,DS-2CD2143G0-I,SN{i},HQ")
        elif draw < 0.3:
            rows.append(f"dev{i},{ip},,Dahua,,SN{i},HQ")
        elif draw < 0.4:
            rows.append(f"alias{i},172.16.0.{i % 250 + 1},{mac},Huawei,,SN{i},B")
        elif draw < 0.45:
            rows.append(f"new{i},192.168.0.{i % 250 + 1},02:00:00:00:00:{i % 250:02X},ZTE,F660,,C")
    rows += [
        "dup,192.168.99.1,,Lorex,,,D",
        "dup2,192.168.99.1,,Amcrest,,,D",
        "seen-in-traffic,10.20.0.5,02:1A:00:00:00:04,Dahua,,,E",
    ]
    inventory = out / "inventory.csv"
    inventory.write_text("\n".join(rows) + "\n")
    inputs = [a, b, inventory, EXAMPLES / "sample-network.xml", EXAMPLES / "inventory.csv"]
    if importlib.util.find_spec("dpkt") is not None:
        capture = out / "traffic.pcap"
        bench_module("gen_pcap").write(str(capture), 300_000, hosts=40, servers=60, seed=3)
        inputs.append(capture)
    return inputs


def _stored(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, without the run's clock times."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = ", ".join(c for c in columns if c not in ("started", "finished"))
            out[table] = conn.execute(f"SELECT {kept} FROM {table} ORDER BY {', '.join(columns)}").fetchall()
        out["state order"] = conn.execute("SELECT device_id FROM state ORDER BY id").fetchall()
        out["finding order"] = conn.execute(
            "SELECT s.device_id, f.rule FROM state_finding f JOIN state s ON s.id = f.state_id ORDER BY f.id"
        ).fetchall()
        out["phone_home order"] = conn.execute(
            "SELECT device_id, endpoint FROM phone_home ORDER BY id"
        ).fetchall()
        return out
    finally:
        conn.close()


def _audit(
    paths: list[Path], db: Path, context, monkeypatch: pytest.MonkeyPatch, fast: bool
) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Audit and count the devices concluded while streaming and those built from the store."""
    counts = {"streamed": 0, "regrouped": 0}
    concluder = audit_module._concluder
    stage_device = RunWriter.stage_device

    def counting_concluder(ctx):  # type: ignore[no-untyped-def]
        conclude = concluder(ctx)

        def counted(rows, key):  # type: ignore[no-untyped-def]
            counts["streamed"] += 1
            return conclude(rows, key)

        return counted

    def counting_stage(self, device, findings):  # type: ignore[no-untyped-def]
        counts["regrouped"] += 1
        return stage_device(self, device, findings)

    with monkeypatch.context() as patch:
        patch.setattr(audit_module, "FAST_PATH", fast)
        patch.setattr(audit_module, "_concluder", counting_concluder)
        patch.setattr(RunWriter, "stage_device", counting_stage)
        result = audit(AuditRequest(paths=tuple(paths), db=db, home_country="US"), context)
    assert result.errors == [] and result.run_id is not None
    return counts


def test_fast_and_slow_audits_store_the_same_rows(
    mixed: list[Path], tmp_path: Path, context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _audit(mixed, tmp_path / "fast.sqlite", context, monkeypatch, fast=True)
    slow = _audit(mixed, tmp_path / "slow.sqlite", context, monkeypatch, fast=False)
    # Both ways were taken: most hosts streamed, merged ones (shared addresses, MACs, inventory
    # rows joining scan hosts, traffic) rebuilt from the store.
    assert slow["streamed"] == 0 and slow["regrouped"] > 350
    assert fast["streamed"] > 250 and 50 < fast["regrouped"] < slow["regrouped"], (fast, slow)
    fast_rows, slow_rows = _stored(tmp_path / "fast.sqlite"), _stored(tmp_path / "slow.sqlite")
    assert fast_rows.keys() == slow_rows.keys()
    for table in slow_rows:
        assert fast_rows[table] == slow_rows[table], table
    assert len(slow_rows["state"]) > 350 and slow_rows["state_finding"]
    if any(p.suffix == ".pcap" for p in mixed):
        assert slow_rows["contact"] and slow_rows["phone_home"]


def test_one_input_two_ways_and_again(tmp_path: Path, context, monkeypatch: pytest.MonkeyPatch) -> None:
    """A single scan (every host streamed, none merged) and a re-audit that changes nothing."""
    scan = EXAMPLES / "sample-network.xml"
    fast = _audit([scan], tmp_path / "fast.sqlite", context, monkeypatch, fast=True)
    _audit([scan], tmp_path / "slow.sqlite", context, monkeypatch, fast=False)
    assert fast["regrouped"] == 0 and fast["streamed"] > 10
    before = _stored(tmp_path / "fast.sqlite")
    assert before == _stored(tmp_path / "slow.sqlite")
    again = audit(AuditRequest(paths=(scan,), db=tmp_path / "fast.sqlite", home_country="US"), context)
    assert again.reused and _stored(tmp_path / "fast.sqlite") == before


def _empty_port(path, label, stats, options):  # type: ignore[no-untyped-def]
    """A host whose observation has an empty port: stored as NULL, so read back as None."""
    where = Provenance(label, "line 1")
    stats.records = 1
    yield Observation(Subject("10.9.0.1"), "http.server", "Hikvision-Webs", where, "80/tcp")
    yield Observation(Subject("10.9.0.1"), "http.server", "App-webs/", where, "")


def _surrogate(path, label, stats, options):  # type: ignore[no-untyped-def]
    """A lone surrogate, stored escaped: the finding's excerpt of it must be cut the same way."""
    where = Provenance(label, "line 1")
    two = Subject("10.9.0.2", "00:80:F0:00:00:02")
    stats.records = 1
    yield Observation(two, "http.server", "Hikvision-Webs \udcff" + "x" * 100, where, "80/tcp")
    yield Observation(two, "mac", "00:80:F0:00:00:02", where)


def _big_and_interleaved(path, label, stats, options):  # type: ignore[no-untyped-def]
    """A host larger than MAX_HOST_ROWS, and two hosts interleaved with each other."""
    where = Provenance(label, "line 1")
    stats.records = 3
    for i in range(audit_module.MAX_HOST_ROWS + 5):
        yield Observation(
            Subject("10.9.0.3"), "port", f"{i}/tcp http", Provenance(label, f"line {i}"), f"{i}/tcp"
        )
    yield Observation(Subject("10.9.0.4"), "http.server", "App-webs/", where, "80/tcp")
    yield Observation(Subject("10.9.0.5"), "http.server", "DNVRS-Webs", where, "80/tcp")
    yield Observation(Subject("10.9.0.4"), "http.title", "index", where, "80/tcp")


@pytest.mark.parametrize(
    ("reader", "devices"),
    [
        (_empty_port, {"ip:10.9.0.1"}),
        (_surrogate, {"mac:00:80:F0:00:00:02"}),
        (_big_and_interleaved, {"ip:10.9.0.3", "ip:10.9.0.4", "ip:10.9.0.5"}),
    ],
    ids=["empty-port", "surrogate", "big-and-interleaved"],
)
def test_hosts_the_store_must_group_come_out_the_same(
    reader, devices: set[str], tmp_path: Path, context, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(registry.READERS, "odd-hosts", reader)
    source = tmp_path / "odd.txt"
    source.write_text("odd")
    rows = []
    for fast in (True, False):
        db = tmp_path / f"{fast}.sqlite"
        with monkeypatch.context() as patch:
            patch.setattr(audit_module, "FAST_PATH", fast)
            result = audit(AuditRequest(paths=(source,), db=db, format="odd-hosts"), context)
        assert result.errors == []
        rows.append(_stored(db))
    assert rows[0] == rows[1]
    assert {r[0] for r in rows[0]["state order"]} == devices
    assert rows[0]["state_finding"]


def test_identities_reused_by_shape_are_what_fusion_gives(mixed: list[Path], context) -> None:
    """build_device reuses an identity for hosts whose evidence has the same shape (pipeline/
    devices._FUSED): each device's identity must still be fuse() of its own evidence."""
    from custodiet.identify.fusion import fuse
    from custodiet.pipeline.devices import _FUSED, build_device
    from custodiet.sources.base import ReadStats, SourceOptions
    from custodiet.sources.nmap_xml import read

    _FUSED.clear()
    hosts: dict[Subject, list] = {}
    for path in mixed[:2]:
        for obs in read(path, str(path), ReadStats(), SourceOptions()):
            hosts.setdefault(obs.subject, []).append((obs, context.identifier.match(obs.field, obs.text)))
    devices = [build_device(rows, context.identifier, context.policy.is_covered) for rows in hosts.values()]
    assert 0 < len(_FUSED) < len(devices) / 3  # most hosts share a shape with another
    for device in devices:
        assert device.identity == fuse(list(device.identity.evidence)), device.id
