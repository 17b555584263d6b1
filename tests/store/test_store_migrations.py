"""Schema versions: a new file is created at the newest version, an older one is upgraded in one
transaction, a newer or foreign one is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_builders import make_obs

from custodiet.errors import StoreError
from custodiet.store import Store, migrations

V2 = "ALTER TABLE run ADD COLUMN note TEXT;\nCREATE INDEX run_note ON run (note);"


def _pragma(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_new_file_gets_the_newest_schema(db: Path) -> None:
    Store(db).close()
    assert _pragma(db, "user_version") == len(migrations.MIGRATIONS)
    assert _pragma(db, "application_id") == migrations.APPLICATION_ID
    assert {"run", "input", "observation", "device", "state", "run_device", "state_finding"} <= _tables(db)
    assert not {"device_state", "finding", "device_name"} & _tables(db)


def test_empty_existing_file_is_initialised(db: Path) -> None:
    db.write_bytes(b"")  # SQLite reads a 0-byte file as an empty database
    Store(db).close()
    assert _pragma(db, "user_version") == len(migrations.MIGRATIONS)


def test_older_schema_is_upgraded_and_keeps_its_data(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(db) as store, store.begin_run("old-run", "v1") as writer:
        writer.add_observations([(make_obs("10.0.0.1", text="kept"), ())])
    current = len(migrations.MIGRATIONS)
    assert _pragma(db, "user_version") == current

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, V2])
    with Store(db) as store:
        assert store.find_run("old-run") == 1
        columns = [r[1] for r in store._conn.execute("PRAGMA table_info(run)")]
        text = store._conn.execute("SELECT text FROM observation").fetchone()[0]
    assert _pragma(db, "user_version") == current + 1
    assert "note" in columns
    assert text == "kept"


def test_failed_upgrade_leaves_the_file_as_it_was(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(db).close()
    broken = "ALTER TABLE run ADD COLUMN note TEXT;\nCREATE TABLE run (x);"  # second statement fails
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(StoreError, match="cannot upgrade the schema") as excinfo:
        Store(db)
    assert excinfo.value.file == str(db)
    monkeypatch.undo()
    assert _pragma(db, "user_version") == len(migrations.MIGRATIONS)
    with Store(db) as store:
        columns = [r[1] for r in store._conn.execute("PRAGMA table_info(run)")]
    assert "note" not in columns


def test_newer_schema_is_refused(db: Path) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {len(migrations.MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer custodiet") as excinfo:
        Store(db)
    assert excinfo.value.file == str(db)


def test_another_applications_database_is_not_touched(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another application"):
        Store(db)
    assert _tables(db) == {"contacts"}
    assert _pragma(db, "user_version") == 0


def test_statements_split_on_complete_sql() -> None:
    script = "CREATE TABLE a (x TEXT DEFAULT ';');\n-- comment; still a comment\nCREATE TABLE b (y);\n"
    assert [s.strip() for s in migrations.statements(script)] == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "-- comment; still a comment\nCREATE TABLE b (y);",
    ]
    with pytest.raises(ValueError, match="incomplete"):
        list(migrations.statements("CREATE TABLE c (z"))
