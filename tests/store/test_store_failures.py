"""A run that fails leaves the inventory as it was; unusable files give StoreError naming them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_builders import dump_content, make_device, make_obs, sample_findings, sample_inputs

from custodiet.errors import StoreError
from custodiet.store import Store


def _first_run(db: Path) -> None:
    with Store(db) as store, store.begin_run("first", "v") as writer:
        writer.add_input(sample_inputs()[0])
        writer.add_observations([(make_obs("10.0.0.1", "44:19:B6:00:00:01"), ())])
        list(writer.device_groups())
        writer.add_devices([make_device("mac:44:19:B6:00:00:01", ("10.0.0.1",), mac="44:19:B6:00:00:01")])
        writer.add_findings(sample_findings())


def _counts(db: Path) -> tuple[int, int, int, int]:
    with Store(db) as store:
        conn = store._conn
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("run", "device", "run_device", "observation")
        )


class Boom(Exception):
    pass


def test_exception_mid_run_leaves_content_identical(db: Path) -> None:
    _first_run(db)
    before = dump_content(db)
    counts = _counts(db)
    with Store(db) as store:
        with pytest.raises(Boom), store.begin_run("second", "v") as writer:
            writer.add_input(sample_inputs()[1])
            writer.add_observations((make_obs(f"10.1.{i // 256}.{i % 256}"), ()) for i in range(20_000))
            list(writer.device_groups())
            writer.add_devices([make_device("ip:10.1.0.0", ("10.1.0.0",)), make_device("new", ("10.9.0.1",))])
            writer.add_findings(sample_findings())
            raise Boom
        assert dump_content(db) == before
        assert _counts(db) == counts
        assert store.find_run("second") is None
        # The same store can write the run afterwards.
        with store.begin_run("second", "v") as writer:
            writer.add_observations([(make_obs("10.2.0.1"), ())])
    assert _counts(db)[0] == counts[0] + 1


def test_exception_leaves_dump_byte_identical(db: Path) -> None:
    _first_run(db)
    before = dump_content(db)
    with Store(db) as store, pytest.raises(Boom), store.begin_run("second", "v") as writer:
        writer.add_observations([(make_obs("10.3.0.1"), ())])
        writer.add_devices([make_device("ip:10.3.0.1", ("10.3.0.1",))])
        raise Boom
    assert dump_content(db) == before
    assert _counts(db) == (1, 1, 1, 1)


def test_error_inside_add_observations_rolls_back(db: Path) -> None:
    _first_run(db)
    before = dump_content(db)

    def rows():
        yield make_obs("10.4.0.1"), ()
        raise Boom

    with Store(db) as store, pytest.raises(Boom), store.begin_run("second", "v") as writer:
        writer.add_observations(rows())
    assert dump_content(db) == before


def test_closing_the_store_rolls_back_an_unfinished_run(db: Path) -> None:
    _first_run(db)
    before = dump_content(db)
    store = Store(db)
    writer = store.begin_run("second", "v")
    writer.add_observations([(make_obs("10.5.0.1"), ())])
    store.close()
    assert dump_content(db) == before


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from custodiet.model import Observation, Provenance, Subject
    from custodiet.store import Store

    store = Store(sys.argv[1])
    writer = store.begin_run("killed", "v")
    rows = (
        (Observation(Subject(f"10.7.{i // 256 % 256}.{i % 256}"), "http.server", "x" * 600, Provenance("f", "l")), ())
        for i in range(100_000)
    )
    writer.add_observations(rows)  # 60 MB, more than the 32 MiB page cache: pages spill into the WAL
    print("written", flush=True)
    time.sleep(60)
    """
)


def test_killed_writer_leaves_content_identical(db: Path) -> None:
    _first_run(db)
    before = dump_content(db)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "written"
        assert Path(str(db) + "-wal").stat().st_size > 1_000_000  # uncommitted frames exist
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert dump_content(db) == before
    with Store(db) as store:
        assert [r.id for r in store.runs()] == [1]
        assert store.find_run("killed") is None


def test_corrupt_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not an SQLite database at all. " * 200)
    with pytest.raises(StoreError, match="not a database") as excinfo:
        Store(path)
    assert excinfo.value.file == str(path)
    assert str(path) in str(excinfo.value)


def test_truncated_inventory_is_refused(db: Path) -> None:
    _first_run(db)
    with Store(db):
        pass  # checkpoint on close: everything is in the main file
    data = db.read_bytes()
    db.write_bytes(data[:100] + b"\xff" * (len(data) - 100))  # header kept, pages destroyed
    with pytest.raises(StoreError) as excinfo, Store(db) as store:
        store.load_run()
    assert excinfo.value.file == str(db)


def test_exclusively_locked_file_is_refused_naming_it(db: Path) -> None:
    Store(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("PRAGMA locking_mode = EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        other.execute("INSERT INTO source_file (path) VALUES ('x')")
        with pytest.raises(StoreError, match="locked") as excinfo:
            Store(db, timeout=0.1)
        assert excinfo.value.file == str(db)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_second_writer_waits_then_gives_up(db: Path) -> None:
    _first_run(db)
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with Store(db, timeout=0.1) as store:
            assert [r.id for r in store.runs()] == [1]  # reading is fine while another writes
            with pytest.raises(StoreError, match="locked") as excinfo:
                store.begin_run("second", "v")
            assert excinfo.value.file == str(db)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_directory_and_missing_parent(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory") as excinfo:
        Store(tmp_path)
    assert excinfo.value.file == str(tmp_path)
    missing = tmp_path / "no" / "such" / "inventory.db"
    with pytest.raises(StoreError, match="directory does not exist") as excinfo:
        Store(missing)
    assert excinfo.value.file == str(missing)


def test_duplicate_device_in_one_run_fails_the_run(db: Path) -> None:
    with Store(db) as store:
        with pytest.raises(StoreError, match="duplicate device id"), store.begin_run("k", "v") as writer:
            writer.add_devices([make_device("ip:10.0.0.1", ("10.0.0.1",))] * 2)
        assert store.runs() == []
