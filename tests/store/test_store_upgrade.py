"""An inventory written by custodiet before schema 4 (main at the time: schema 3, one copy of
everything per run) is upgraded in place: every run still reads back with its devices, findings,
evidence and observations; covered takes its one meaning; new runs share what they can."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest

from custodiet.model import Observation, Provenance, Subject
from custodiet.store import Store, history, migrations

DUMP = Path(__file__).parent / "data" / "inventory-v3.sql.gz"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """The dump of a schema-3 inventory (two audits of examples/) loaded into a file."""
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(gzip.decompress(DUMP.read_bytes()).decode("utf-8"))
    conn.close()
    return db


def _v3_facts(db: Path) -> dict[int, dict[str, object]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        facts: dict[int, dict[str, object]] = {}
        for (run_id,) in conn.execute("SELECT id FROM run ORDER BY id").fetchall():
            facts[run_id] = {
                "devices": sorted(
                    r[0]
                    for r in conn.execute("SELECT device_id FROM device_state WHERE run_id = ?", (run_id,))
                ),
                "findings": sorted(
                    conn.execute(
                        "SELECT device_id, rule, severity FROM finding WHERE run_id = ?", (run_id,)
                    ).fetchall()
                ),
                "confirmed": sorted(
                    r[0]
                    for r in conn.execute(
                        "SELECT DISTINCT device_id FROM finding WHERE run_id = ? AND severity = 'covered'",
                        (run_id,),
                    )
                ),
                "old_covered": conn.execute(
                    "SELECT count(*) FROM device_state WHERE run_id = ? AND covered", (run_id,)
                ).fetchone()[0],
                "sites": dict(
                    conn.execute(
                        """SELECT d.device_id, (SELECT o.text FROM device_range r JOIN observation o
                                  ON o.id BETWEEN r.first_id AND r.last_id
                                  WHERE r.run_id = d.run_id AND r.device_key = d.observation_key
                                  AND o.field = 'inventory.site' ORDER BY r.first_id, o.id LIMIT 1)
                           FROM device_state d WHERE d.run_id = ?""",
                        (run_id,),
                    ).fetchall()
                ),
            }
        return facts
    finally:
        conn.close()


def test_a_schema_3_inventory_is_upgraded_and_every_run_still_reads(old_store: Path) -> None:
    facts = _v3_facts(old_store)
    assert set(facts) == {1, 2}
    with Store(old_store) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS)
        infos = store.runs()
        assert [i.id for i in infos] == [1, 2]
        for run_id, expected in facts.items():
            report = store.load_run(run_id)
            assert sorted(d.id for d in report.devices) == expected["devices"]
            assert sorted((f.device, f.rule, f.severity) for f in report.findings) == expected["findings"]
            # covered now means "has a covered finding": the old count included weak identities.
            covered = sorted(d.id for d in report.devices if d.covered)
            assert covered == expected["confirmed"]
            assert infos[run_id - 1].covered == len(covered) <= expected["old_covered"]
            assert infos[run_id - 1].devices == len(expected["devices"])
            review = [d for d in report.devices if d.review]
            assert review and not any(d.covered for d in review)
            # Site comes from the inventory rows the old run kept.
            sites = {d.id: d.site for d in report.devices}
            assert sites == expected["sites"] and "HQ / Floor 0 / Lobby" in sites.values()
            # Evidence names files by path, observations through the run's numbers.
            files = {e.provenance.file for d in report.devices for e in d.identity.evidence}
            assert files and all(f.startswith("examples/") for f in files)
        detail = store.device_detail("127.0.0.20", run_id=1)
        assert detail.observations
        assert {o.provenance.file for o, _ in detail.observations} <= {
            "examples/sample-network.xml",
            "examples/inventory.csv",
        }
        assert history.device_seen(store, 2)


def test_a_new_run_after_the_upgrade_diffs_against_the_old_ones(old_store: Path) -> None:
    from store_builders import make_device

    from custodiet.model.scope import AddressRanges

    with Store(old_store) as store:
        before = store.load_run(2)
        with store.begin_run("after-upgrade", "v", profile="us-federal") as writer:
            writer.add_observations(
                [(Observation(Subject("127.0.0.20"), "hostname", "cam", Provenance("new.xml", "line 1")), ())]
            )
            assert [g.key for g in writer.device_groups()] == ["ip:127.0.0.20"]
            writer.add_devices([make_device("ip:127.0.0.20", ("127.0.0.20",))])
            writer.add_scope(
                "new.xml", "nmap targets", AddressRanges.from_text([("127.0.0.0", "127.0.0.255")])
            )
        result = history.diff(store, 2, 3)
    # Run 3 scanned 127.0.0.0/24 and found one host, under an id no run had: new. Every device of
    # run 2 with a 127.0.0.x address is gone; the inventory-only assets elsewhere were not examined.
    assert [d.id for d in result.new] == ["ip:127.0.0.20"]
    gone = {d.id for d in result.gone}
    elsewhere = {u.device.id for u in result.not_examined}
    assert gone | elsewhere == {d.id for d in before.devices}
    assert all(any(a.startswith("127.0.0.") for a in d.addresses) for d in result.gone)
    assert elsewhere and all(u.absent_from == 3 for u in result.not_examined)
    assert all(not a.startswith("127.") for u in result.not_examined for a in u.device.addresses)
