"""Opening the inventory read-only for the dashboard.

A connection per request, opened with SQLite's mode=ro: the dashboard cannot change the
inventory, and in WAL mode it reads the last committed state while an audit writes (readers and
the writer do not block each other). It does not migrate: an inventory of an older schema is
refused with a message saying how to upgrade it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from custodiet.errors import StoreError
from custodiet.store import Store, migrations

BUSY_TIMEOUT = 2.0  # seconds to wait for a lock (a checkpoint, a rollback-journal writer)


def open_readonly(path: Path) -> Store:
    """A Store over a read-only connection (see the module doc)."""
    label = str(path)
    if not path.is_file():
        raise StoreError("no such inventory file", file=label)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open read-only: {exc}", file=label) from exc
    current = len(migrations.MIGRATIONS)
    if app_id != migrations.APPLICATION_ID:
        conn.close()
        raise StoreError("is not a custodiet inventory", file=label)
    if version != current:
        conn.close()
        newer = version > current
        raise StoreError(
            f"has schema {version}; this custodiet reads schema {current}: "
            + ("upgrade custodiet" if newer else "run `custodiet runs --db FILE` once to upgrade it"),
            file=label,
        )
    store = Store.__new__(Store)
    store.path = path
    store._label = label
    store._writer = None
    store._conn = conn
    return store
