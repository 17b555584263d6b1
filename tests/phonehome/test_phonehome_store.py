"""The store keeps contacts (summed per device, kind, name, remote, port) and phone-home facts;
an inventory of schema 1 is upgraded and its runs still load."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from phonehome_builders import CAMERA, HOSTILE, contact, phone_home_fact

from custodiet.model import Device, Identity, InputSummary, Observation, Provenance, Subject
from custodiet.store import Store, migrations
from custodiet.store.writer import MAX_CONTACT_EVIDENCE

FACT = phone_home_fact(evidence=(Provenance("cap.pcap", "packet 1"), Provenance(HOSTILE, HOSTILE)))


def _device(device_id: str, address: str, mac: str | None = None) -> Device:
    return Device(id=device_id, addresses=(address,), mac=mac, hostnames=(), services=(), identity=Identity())


def test_contacts_are_summed_per_device_and_keep_bounded_evidence(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_observations(
            [(Observation(CAMERA, "http.server", "x", Provenance("s.xml", "line 1")), ())]
        )
        flows = [
            contact(
                "flow",
                remote="47.91.1.2",
                port="8800/udp",
                place=f"packet {i}",
                count=2,
                bytes_out=10,
                first_seen=f"2026-01-01T00:00:{i:02d}Z",
                last_seen=f"2026-01-01T00:01:{i:02d}Z",
            )
            for i in range(30)
        ]
        # the same host seen by address only joins the MAC's device
        flows.append(
            contact(
                "flow",
                remote="47.91.1.2",
                port="8800/udp",
                place="packet 99",
                subject=Subject("10.0.0.9"),
                bytes_in=5,
            )
        )
        flows.append(contact("dns", remote="47.91.1.2", name="WWW.Easy4ipcloud.COM.", place="packet 100"))
        flows.append(contact("flow", remote="8.8.8.8", subject=Subject("10.0.0.20"), place="packet 7"))
        writer.add_contacts(flows)
        summed = writer.contacts_of("mac:00:11:22:33:44:55")
        answers = list(writer.dns_answers())
        only_traffic = writer.traffic_only_devices()
    by_kind = {c.kind: c for c in summed}
    flow = by_kind["flow"]
    assert (flow.count, flow.bytes_out, flow.bytes_in) == (61, 300, 5)
    assert (flow.first_seen, flow.last_seen) == ("2026-01-01T00:00:00Z", "2026-01-01T00:01:29Z")
    assert flow.evidence_count == 31
    assert len(flow.evidence) == MAX_CONTACT_EVIDENCE
    assert flow.evidence[0] == Provenance("cap.pcap", "packet 0")
    assert by_kind["dns"].name == "www.easy4ipcloud.com"  # stored lower-case, without the dot
    assert answers == [("www.easy4ipcloud.com", "47.91.1.2", (Provenance("cap.pcap", "packet 100"),))]
    assert only_traffic == [("ip:10.0.0.20", ("10.0.0.20",), None)]


def test_phone_home_round_trip_through_load_run_and_device_detail(db: Path) -> None:
    with Store(db) as store:
        with store.begin_run("k", "v") as writer:
            writer.add_observations(
                [(Observation(CAMERA, "http.server", "x", Provenance("s.xml", "line 1")), ())]
            )
            writer.add_contacts([contact("tls", remote="47.91.1.2", name="www.easy4ipcloud.com")])
            writer.add_input(InputSummary("cap.pcap", "pcap", "ab", 10, 1, contacts=7))
            writer.add_devices([_device("mac:00:11:22:33:44:55", "10.0.0.9", "00:11:22:33:44:55")])
            writer.add_phone_home([FACT])
        run = store.load_run()
        detail = store.device_detail("10.0.0.9")
    assert run.phone_home == (FACT,)
    assert run.inputs[0].contacts == 7
    assert detail.phone_home == [FACT]
    assert [(c.kind, c.name, c.remote) for c in detail.contacts] == [
        ("tls", "www.easy4ipcloud.com", "47.91.1.2")
    ]


def test_a_traffic_only_device_finds_its_contacts(db: Path) -> None:
    with Store(db) as store:
        with store.begin_run("k", "v") as writer:
            writer.add_contacts([contact("flow", remote="8.8.8.8", subject=Subject("10.0.0.20"))])
            writer.add_devices([_device("ip:10.0.0.20", "10.0.0.20")])
        detail = store.device_detail("10.0.0.20")
    assert [c.remote for c in detail.contacts] == ["8.8.8.8"]


def test_a_failed_run_leaves_no_contacts(db: Path) -> None:
    with Store(db) as store:
        try:
            with store.begin_run("k", "v") as writer:
                writer.add_contacts([contact("flow", remote="8.8.8.8")])
                writer.contacts_of("mac:00:11:22:33:44:55")
                raise RuntimeError("crash")
        except RuntimeError:
            pass
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 0


def test_hostile_contact_strings_are_stored_and_cut(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_contacts([contact("http", name=HOSTILE * 200 + "\udcff", remote="x" * 5000)])
        (summed,) = writer.contacts_of("mac:00:11:22:33:44:55")
    assert len(summed.name) <= 1024 and len(summed.remote) == 1024


def test_huge_counts_do_not_overflow(db: Path) -> None:
    with Store(db) as store, store.begin_run("k", "v") as writer:
        writer.add_contacts(
            [contact("flow", remote="8.8.8.8", count=2**70, bytes_out=2**63) for _ in range(3)]
        )
        (summed,) = writer.contacts_of("mac:00:11:22:33:44:55")
    assert 0 < summed.count < 2**63 and 0 < summed.bytes_out < 2**63


def test_a_schema_1_inventory_is_upgraded_and_its_runs_load(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    migrations.migrate(conn, migrations.MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO run (input_key, content_version, started, finished) VALUES ('old', 'v1', 'a', 'b')"
    )
    conn.execute(
        "INSERT INTO input (run_id, path, format, sha256, records, observations, skipped, skip_reasons, error) "
        "VALUES (1, 'scan.xml', 'nmap-xml', 'ab', 1, 1, 0, '[]', NULL)"
    )
    conn.close()
    with Store(db) as store:
        run = store.load_run(1)
        version = store._conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert version == len(migrations.MIGRATIONS) >= 2
    assert {"contact", "phone_home"} <= tables
    assert run.phone_home == ()
    assert run.inputs[0].contacts == 0 and run.inputs[0].path == "scan.xml"
