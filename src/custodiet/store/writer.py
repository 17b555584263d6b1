"""Writing one run: everything in one SQLite transaction, observations grouped into devices in SQL.

Why one transaction: a run that dies half-way (bad input, Ctrl-C, kill -9) must leave the
inventory exactly as it was; SQLite's rollback (or WAL recovery after a crash) guarantees that.

Why grouping in SQL: a run may hold millions of observations. They are appended without any
secondary index (fast), with ids given in order, so that the observations of one subject (address
and MAC) that a source yields together are one id range; the writer notes each range with its
subject (temp.subject_range, one row per host rather than per observation). Grouping then takes
two statements: one collects, per address, the usable MAC it carries (temp.address_mac); one
INSERT ... SELECT ... ORDER BY gives every range its device key -- "mac:<MAC>" when its address
carries a usable MAC (so several addresses of one MAC become one device), else "ip:<address>",
or "mac:<MAC>" for a range with no address -- and writes (run, key, first id, last id) sorted
into device_range, which is how SQLite builds an index fastest. device_groups() reads the
observations of each key's ranges in key order and yields one device at a time: Python never
holds more than one device's observations.

An address seen with several usable MACs joins the group of the smallest of them; that is a
deterministic choice for a case (proxy ARP, re-used DHCP leases) where no choice is right.

Why devices are staged (the fast path): most hosts of a scan are seen once, by one source, which
yields all their observations together. add_host() takes such a host's observations with a
function that concludes the device from exactly them, while they are still in memory; the
device, its names and findings wait in temporary tables (a few rows per host, never in Python).
After grouping, regroup() keeps a staged device only where its group is exactly the observations
it was built from (one staged device per key, same id range), drops the others, and yields the
groups that still need a device -- the same address in two files, addresses sharing a MAC, an
inventory row joining a scan host -- read back from the store as device_groups() would.
finish_devices() then writes every staged device in device-key order, so a run's rows come out
exactly as if every device had been read back and built from the store.

Why history costs changes, not copies (schema 4): audits of one network repeat. A host's
observations from one file are one block; its digest (BLAKE2b of the rows, files named by their
run-local number) finds the block if an earlier run stored it, and then the run's ranges point at
those rows instead of appending them again. Likewise a device state (identity, status, evidence,
findings, names) is written once and shared by every run that concluded exactly it (run_device):
finish_devices() gives each staged device its digest in SQL (custodiet_digest, a Python function
registered on the connection) and writes only the states no run has yet. Files are numbered per
run in the order they are first met (run_file), so "line 12 of input 1" is the same fact in this
month's scan as in last month's, whatever the files are called.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from hashlib import blake2b
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING, Any

import orjson

from custodiet.errors import StoreError
from custodiet.model import (
    Contact,
    Device,
    Finding,
    InputSummary,
    Match,
    Observation,
    PhoneHome,
    Provenance,
    Subject,
)
from custodiet.model.scope import AddressRanges
from custodiet.store import codec
from custodiet.store.names import device_names

if TYPE_CHECKING:
    from custodiet.store.store import Store

# One observation and the signatures that hit it, as sources and matching produce them.
Row = tuple[Observation, tuple[Match, ...]]
# conclude(rows, key) -> the device with id `key` built from exactly these rows, and its findings.
Conclude = Callable[[Sequence[Row], str], tuple[Device, Sequence[Finding]]]

# Rows per executemany; a batch that meets a bad string is undone and retried escaped.
_CHUNK = 5000

# decode_observations() reads these columns; file is the run's number of a file (paths() maps
# them). Within a device, ORDER BY r.first_id, o.id gives its observations in the order they were added.
OBSERVATION_SELECT = (
    "SELECT r.device_key, o.address, o.mac, o.field, o.text, o.port, o.file, o.place, o.matches "
    "FROM device_range r JOIN observation o ON o.id BETWEEN r.first_id AND r.last_id "
)


def paths(conn: sqlite3.Connection, run_id: int) -> dict[int, str]:
    """The run's file numbers -> paths; a handful of rows per run."""
    return dict(
        conn.execute(
            "SELECT n.number, f.path FROM run_file n JOIN source_file f ON f.id = n.file WHERE n.run_id = ?",
            (run_id,),
        ).fetchall()
    )


def digest(*values: Any) -> bytes:
    """16 bytes of BLAKE2b over the values' JSON: equal values, equal digest (registered in SQL as
    custodiet_digest). Strings SQLite hands over are valid UTF-8, so orjson never refuses them."""
    return blake2b(orjson.dumps(values), digest_size=16).digest()


# A MAC names one device only when it is unicast (I/G bit, the low bit of the first octet, clear)
# and not all zeros; broadcast FF:FF:... is multicast. Sources give upper-case colon notation.
_GROUP_SQL = (
    "DELETE FROM device_range WHERE run_id = :run",
    "DROP TABLE IF EXISTS temp.address_mac",
    "CREATE TEMP TABLE address_mac (address TEXT PRIMARY KEY, mac TEXT NOT NULL) WITHOUT ROWID",
    """INSERT INTO temp.address_mac (address, mac)
       SELECT address, MIN(mac) FROM (
         SELECT address, upper(mac) AS mac FROM temp.subject_range
         WHERE address IS NOT NULL AND mac IS NOT NULL
           AND length(mac) = 17 AND mac <> '00:00:00:00:00:00'
           AND upper(substr(mac, 2, 1)) IN ('0', '2', '4', '6', '8', 'A', 'C', 'E')
         UNION ALL
         SELECT address, upper(mac) FROM temp.contact_stage
         WHERE address IS NOT NULL AND mac IS NOT NULL
           AND length(mac) = 17 AND mac <> '00:00:00:00:00:00'
           AND upper(substr(mac, 2, 1)) IN ('0', '2', '4', '6', '8', 'A', 'C', 'E'))
       GROUP BY address""",
    """INSERT INTO device_range (run_id, device_key, first_id, last_id)
       SELECT :run, coalesce('mac:' || a.mac, 'ip:' || r.address, 'mac:' || upper(r.mac)), r.first, r.last
       FROM temp.subject_range r LEFT JOIN temp.address_mac a ON a.address = r.address
       ORDER BY 2, 3""",
)

# The subjects of the run's observations, one row per id range of one subject.
_RANGE_SQL = (
    "DROP TABLE IF EXISTS temp.subject_range",
    "CREATE TEMP TABLE subject_range (first INTEGER PRIMARY KEY, last INTEGER NOT NULL, address TEXT, mac TEXT)",
)


# Traffic contacts are staged raw (a capture yields millions) and summed per (device key, kind,
# name, remote, port) once devices are grouped, with the same device keys as observations; the
# first MAX_CONTACT_EVIDENCE places of each sum are kept, and how many there were.
MAX_CONTACT_EVIDENCE = 20
_BIG = 9.0e18  # sums are totals (floats) clamped below 2**63: a hostile count cannot overflow SQLite

_STAGE_SQL = (
    "DROP TABLE IF EXISTS temp.contact_stage",
    """CREATE TEMP TABLE contact_stage (
         id INTEGER PRIMARY KEY, address TEXT, mac TEXT, kind TEXT NOT NULL, name TEXT, remote TEXT,
         port TEXT, first_seen TEXT, last_seen TEXT, count INTEGER NOT NULL, bytes_out INTEGER NOT NULL,
         bytes_in INTEGER NOT NULL, file INTEGER NOT NULL, place TEXT NOT NULL,
         CHECK (address IS NOT NULL OR mac IS NOT NULL))""",
)

# Devices concluded while their observations streamed in (add_host) or regrouped (stage_device)
# wait here until finish_devices() writes them in device-key order. first..last is the observation
# id range a fast device was built from (NULL for a regrouped one); names feed state_name. okey is
# the key of its observations (the key itself, except for add_devices()); direct marks devices of
# add_devices(), which regroup() does not judge and commit() writes. digest and state are filled
# when they are written (state: the id of the state, new or an earlier run's; new: written now).
_DEVICE_STAGE_SQL = (
    "DROP TABLE IF EXISTS temp.device_stage",
    f"""CREATE TEMP TABLE device_stage (
         id INTEGER PRIMARY KEY, key TEXT NOT NULL, first INTEGER, last INTEGER, names TEXT NOT NULL,
         okey TEXT, direct INTEGER NOT NULL, digest BLOB, state INTEGER, new INTEGER,
         {codec.STAGE_VALUES})""",
    # Covering the columns regroup() judges by, so that judging never reads the staged rows.
    "CREATE INDEX temp.device_stage_key ON device_stage (key, first, last, direct)",
    "DROP TABLE IF EXISTS temp.finding_stage",
    """CREATE TEMP TABLE finding_stage (
         id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, rule, list, entity, reason, scope, severity, sources,
         direct INTEGER NOT NULL)""",
    "CREATE INDEX temp.finding_stage_device ON finding_stage (device_id)",
    "DROP TABLE IF EXISTS temp.regroup",
    "CREATE TEMP TABLE regroup (key TEXT PRIMARY KEY) WITHOUT ROWID",
    "DROP TABLE IF EXISTS temp.unstaged",
    "CREATE TEMP TABLE unstaged (key TEXT PRIMARY KEY) WITHOUT ROWID",
)

# A staged device stands when its key's group is exactly the id range it was built from, and no
# other staged device claims that key; every other group is regrouped from the store.
_RESOLVE_SQL = (
    "DELETE FROM temp.regroup",
    """INSERT INTO temp.regroup (key)
       SELECT g.device_key FROM (
         SELECT device_key, count(*) AS n, min(first_id) AS lo, max(last_id) AS hi
         FROM device_range WHERE run_id = :run GROUP BY device_key) g
       LEFT JOIN (SELECT key, count(*) AS c, min(first) AS first, max(last) AS last
                  FROM temp.device_stage WHERE NOT direct GROUP BY key) s ON s.key = g.device_key
       WHERE s.key IS NULL OR s.c > 1 OR s.first IS NULL OR g.n > 1 OR s.first <> g.lo OR s.last <> g.hi""",
    # Staged devices that do not stand: their group is regrouped, or their key has no group.
    "DELETE FROM temp.unstaged",
    """INSERT INTO temp.unstaged (key)
       SELECT key FROM temp.regroup
       UNION
       SELECT s.key FROM temp.device_stage s
       WHERE NOT s.direct
         AND NOT EXISTS (SELECT 1 FROM device_range r WHERE r.run_id = :run AND r.device_key = s.key)""",
    "DELETE FROM temp.device_stage WHERE NOT direct AND key IN (SELECT key FROM temp.unstaged)",
    "DELETE FROM temp.finding_stage WHERE NOT direct AND device_id IN (SELECT key FROM temp.unstaged)",
)

_REGROUP_SELECT = (
    "SELECT r.device_key, o.address, o.mac, o.field, o.text, o.port, o.file, o.place, o.matches "
    "FROM temp.regroup k JOIN device_range r ON r.run_id = :run AND r.device_key = k.key "
    "JOIN observation o ON o.id BETWEEN r.first_id AND r.last_id ORDER BY r.device_key, r.first_id, o.id"
)

# Every value of a state goes into its digest, its findings (in order) too: two runs share a
# state only when they concluded exactly the same about the device.
_FINDINGS_JSON = """(SELECT json_group_array(json_array(rule, list, entity, reason, scope, severity, sources))
    FROM (SELECT * FROM temp.finding_stage f WHERE f.device_id = s.key ORDER BY f.id))"""
_DIGEST_ARGS = ", ".join(
    ["s.key", "s.okey", *(f"s.{c.strip()}" for c in codec.STAGE_VALUES.split(",")), _FINDINGS_JSON]
)

_FINISH_SQL = (
    f"UPDATE temp.device_stage AS s SET digest = custodiet_digest({_DIGEST_ARGS})",
    """UPDATE temp.device_stage SET state = (SELECT id FROM main.state WHERE digest = device_stage.digest),
                                    new = 0""",
    "UPDATE temp.device_stage SET new = 1 WHERE state IS NULL",
    f"""INSERT INTO state (device_id, digest, observation_key, {codec.STATE_VALUES})
        SELECT key, digest, okey, {codec.STATE_VALUES} FROM temp.device_stage WHERE new ORDER BY key""",
    """UPDATE temp.device_stage SET state = (SELECT id FROM main.state WHERE digest = device_stage.digest)
       WHERE new""",
    f"""INSERT INTO state_detail (state_id, {codec.DETAIL_VALUES})
        SELECT state, {codec.DETAIL_VALUES} FROM temp.device_stage WHERE new ORDER BY state""",
    """INSERT INTO state_finding (state_id, rule, list, entity, reason, scope, severity, sources)
       SELECT s.state, f.rule, f.list, f.entity, f.reason, f.scope, f.severity, f.sources
       FROM temp.finding_stage f JOIN temp.device_stage s ON s.key = f.device_id
       WHERE s.new ORDER BY s.state, f.id""",
    # Sorted: this run's names go to the end of the table's B-tree in order, not all over it.
    """INSERT OR IGNORE INTO state_name (name, state_id)
       SELECT j.value, s.state FROM temp.device_stage s, json_each(s.names) j WHERE s.new ORDER BY 1, 2""",
    """INSERT INTO run_device (run_id, device_id, state_id)
       SELECT :run, key, state FROM temp.device_stage ORDER BY key""",
    """INSERT INTO device (id, first_seen_run, last_seen_run) SELECT key, :run, :run FROM temp.device_stage
       WHERE true ON CONFLICT (id) DO UPDATE SET last_seen_run = excluded.last_seen_run""",
    "DELETE FROM temp.device_stage",
    "DELETE FROM temp.finding_stage",
)

# Findings of add_findings() whose device this run does not hold: refused before anything is written.
_ORPHAN_FINDINGS_SQL = """SELECT DISTINCT device_id FROM temp.finding_stage f
    WHERE NOT EXISTS (SELECT 1 FROM temp.device_stage s WHERE s.key = f.device_id)
      AND NOT EXISTS (SELECT 1 FROM run_device r WHERE r.run_id = :run AND r.device_id = f.device_id)
    LIMIT 5"""

# At commit: the run's counts, and devices per manufacturer, site and type (charts over time).
_SUMMARY_SQL = (
    """UPDATE run SET
         devices = (SELECT count(*) FROM run_device WHERE run_id = :run),
         covered = (SELECT count(*) FROM run_device r JOIN state s ON s.id = r.state_id
                    WHERE r.run_id = :run AND s.covered),
         review = (SELECT count(*) FROM run_device r JOIN state s ON s.id = r.state_id
                   WHERE r.run_id = :run AND s.review),
         findings = (SELECT count(*) FROM run_device r JOIN state_finding f ON f.state_id = r.state_id
                     WHERE r.run_id = :run)
       WHERE id = :run""",
    *(
        f"""INSERT INTO run_summary (run_id, dimension, value, devices, covered, review)
            SELECT :run, '{column}', coalesce(s.{column}, ''), count(*), sum(s.covered), sum(s.review)
            FROM run_device r JOIN state s ON s.id = r.state_id WHERE r.run_id = :run GROUP BY 3"""
        for column in ("manufacturer", "site", "device_type")
    ),
    # Blocks this run stored become findable by later runs (not by this one: a block read twice in
    # one run stays two ranges, as device grouping expects).
    "INSERT OR IGNORE INTO observation_block (digest, first_id, last_id) SELECT digest, first, last FROM temp.new_block",
)

# Blocks of observations this run appended, by digest (see the module doc); commit() makes them
# findable for later runs.
_BLOCK_SQL = (
    "DROP TABLE IF EXISTS temp.new_block",
    "CREATE TEMP TABLE new_block (digest BLOB PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL) WITHOUT ROWID",
)

_SEEN_BITS = 1 << 23  # 1 MiB: two bits per key, about 0.1% false "seen" at 100,000 hosts


def _usable_mac(mac: str) -> bool:
    """The SQL rule of _GROUP_SQL: 17 characters, not all zeros, unicast (I/G bit clear)."""
    return len(mac) == 17 and mac != "00:00:00:00:00:00" and mac[1] in "02468ACEace"


_CONTACT_SQL = (
    "DELETE FROM contact WHERE run_id = :run",
    f"""INSERT INTO contact (run_id, device_key, address, mac, kind, name, remote, port, first_seen,
                            last_seen, count, bytes_out, bytes_in, evidence, evidence_count)
       SELECT :run, key, min(address), min(mac), kind, name, remote, port, min(first_seen),
              max(last_seen), CAST(min(total(count), {_BIG}) AS INTEGER),
              CAST(min(total(bytes_out), {_BIG}) AS INTEGER), CAST(min(total(bytes_in), {_BIG}) AS INTEGER),
              json_group_array(json_array(file, place)) FILTER (WHERE rn <= {MAX_CONTACT_EVIDENCE}),
              count(*)
       FROM (SELECT k.*, row_number() OVER (PARTITION BY key, kind, name, remote, port ORDER BY id) AS rn
             FROM (SELECT coalesce('mac:' || a.mac, 'ip:' || s.address, 'mac:' || upper(s.mac)) AS key, s.*
                   FROM temp.contact_stage s LEFT JOIN temp.address_mac a ON a.address = s.address) k)
       GROUP BY key, kind, name, remote, port
       ORDER BY key""",
)

_MAX_CONTACT_TEXT = 1024  # names and ports from traffic are short; a hostile one is cut
_MAX_COUNT = 1 << 48


def _count(value: object) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
    return min(max(number, 0), _MAX_COUNT)


def _short(value: str | None) -> str:
    return value[:_MAX_CONTACT_TEXT] if value else ""


def _contact_name(name: str | None) -> str:
    """Names are compared case-insensitively without a trailing dot: store them that way."""
    return _short(name.strip().rstrip(".").lower()) if name else ""


class _FileIds(dict[str, int]):
    """path -> the run's number for it (1, 2, ... in the order first met; run_file keeps them),
    filled on first sight, so the insert loop does one dict lookup."""

    def __init__(self, conn: sqlite3.Connection, run_id: int) -> None:
        super().__init__()
        self._conn = conn
        self._run_id = run_id
        self._numbers: dict[int, int] = {}  # source_file.id -> number

    def __missing__(self, path: str) -> int:
        try:
            self._conn.execute("INSERT OR IGNORE INTO source_file (path) VALUES (?)", (path,))
            row = self._conn.execute("SELECT id FROM source_file WHERE path = ?", (path,)).fetchone()
        except UnicodeEncodeError:
            number = self.__missing__(codec.clean(path))
            self[path] = number
            return number
        known = self._numbers.get(row[0])
        if known is None:
            known = self._numbers[row[0]] = len(self._numbers) + 1
            self._conn.execute(
                "INSERT INTO run_file (run_id, number, file) VALUES (?, ?, ?)", (self._run_id, known, row[0])
            )
        self[path] = known
        return known


def now() -> str:
    """ISO 8601 UTC, to the second: what reports show and runs are ordered by."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class DeviceGroup(list[tuple[Observation, tuple[Match, ...]]]):
    """The observations of one device, as device_groups() yields them.

    key is the group's device key: "mac:<MAC>" when a usable MAC ties the group together, else
    "ip:<address>". It is the natural Device.id for the group; add_devices() also accepts other
    ids and finds the group through the device's addresses or MAC.
    """

    key: str

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


def decode_observations(
    rows: Iterable[tuple[Any, ...]], paths: dict[int, str]
) -> Iterator[tuple[str, Observation, tuple[Match, ...]]]:
    """(device key, Observation, matches) for rows selected with OBSERVATION_SELECT.

    Equal subjects and equal match lists come back as one shared (frozen) object: a device's
    observations mostly share their subject, and most matches repeat (same signature, same
    values), so each is built and parsed once instead of once per row.
    """
    subjects: dict[tuple[str | None, str | None], Subject] = {}
    parsed: dict[str, tuple[Match, ...]] = {}
    for key, address, mac, field, text, port, file, place, matches in rows:
        subject = subjects.get((address, mac))
        if subject is None:
            if len(subjects) >= 4096:
                subjects.clear()
            subject = subjects[(address, mac)] = Subject(address=address, mac=mac)
        decoded: tuple[Match, ...] = ()
        if matches:
            decoded = parsed.get(matches)  # type: ignore[assignment]
            if decoded is None:
                if len(parsed) >= 4096:
                    parsed.clear()
                decoded = parsed[matches] = codec.load_matches(matches)
        observation = Observation(
            subject=subject,
            field=field,
            text=text,
            provenance=Provenance(file=paths[file], place=place),
            port=port,
        )
        yield key, observation, decoded


class RunWriter:
    """Writes one run; commit on success, rollback on any exception (see module doc)."""

    def __init__(self, store: Store, conn: sqlite3.Connection, label: str, run_id: int) -> None:
        self._store = store
        self._conn = conn
        self._label = label
        self.run_id = run_id
        self._open = True
        self._grouped = False
        self._reading: sqlite3.Cursor | None = None  # the cursor of a device_groups() in progress
        self._files = _FileIds(conn, run_id)
        # The run's observations are one rowid range starting here: the run holds the write lock.
        # Ids are given explicitly, so that add_host() knows the range a staged device stands for.
        self._first_observation = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM observation").fetchone()[
            0
        ]
        self._next_id = self._first_observation
        # Rows of add_host() not yet inserted: observations, staged devices and their findings.
        self._rows: list[tuple[Any, ...]] = []
        self._ranges: list[tuple[int, int, str, str]] = []  # (first id, last id, address, MAC)
        self._dumped: dict[tuple[int, ...], tuple[tuple[Match, ...], str]] = {}  # see _dump_matches
        self._staged: list[tuple[Any, ...]] = []
        self._staged_findings: list[tuple[Any, ...]] = []
        self._staged_keys: set[str] = set()  # keys in self._staged (also staged since the last flush)
        self._seen: bytearray | None = None  # keys of add_host() records (see _seen_before)
        self._tainted: list[tuple[int, int]] = []  # id ranges whose strings had to be escaped
        self._unfinished = False  # devices staged and not yet written by finish_devices()
        self._resolved = False  # regroup() has judged the staged devices since the last add
        # run_id is written into the statement (an int we made): one bound parameter less per row.
        # Missing values are bound as '' and turned into NULL by SQLite: binding Python None goes
        # through sqlite3's adapter lookup (failed attribute lookups) and costs more than the rest
        # of the row; an empty address, MAC or port means nothing anyway.
        # The staged devices and their index are read back in key order: with the temporary
        # database's default 2 MB page cache that is a file read per row at 100,000 hosts.
        conn.execute("PRAGMA temp.cache_size = -32768")
        conn.create_function("custodiet_digest", -1, digest, deterministic=True)
        for sql in (*_STAGE_SQL, *_RANGE_SQL, *_DEVICE_STAGE_SQL, *_BLOCK_SQL):
            conn.execute(sql)
        self._new_blocks: list[tuple[bytes, int, int]] = []  # (digest, first id, last id) to insert
        # An inventory's first run has no block to share: it need not look one up per host.
        self._blocks_known = conn.execute("SELECT 1 FROM observation_block LIMIT 1").fetchone() is not None
        self._direct = False  # devices of add_devices() wait in device_stage
        self._insert_sql = (
            "INSERT INTO observation (id, run_id, address, mac, field, text, port, file, place, matches) "
            f"VALUES (?1, {int(run_id)}, nullif(?2, ''), nullif(?3, ''), ?4, ?5, nullif(?6, ''), ?7, ?8, "
            "nullif(?9, ''))"
        )
        self._range_sql = "INSERT INTO temp.subject_range (first, last, address, mac) VALUES (?, ?, nullif(?, ''), nullif(?, ''))"
        self._stage_sql = (
            f"INSERT INTO temp.device_stage (key, first, last, names, okey, direct, {codec.STAGE_VALUES}) "
            f"VALUES ({', '.join('?' * (6 + codec.N_STAGE_VALUES))})"
        )
        self._stage_finding_sql = (
            "INSERT INTO temp.finding_stage (device_id, rule, list, entity, reason, scope, severity, sources, "
            "direct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )

    # Context manager ---------------------------------------------------------------------------

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            if self._open:
                self.commit()
        else:
            self.abort()

    # Writing -----------------------------------------------------------------------------------

    def add_input(self, summary: InputSummary) -> None:
        """Record what was read from one input file."""
        self._execute(
            "INSERT INTO input (run_id, path, format, sha256, records, observations, skipped, "
            "skip_reasons, error, contacts, taken) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            codec.input_row(self.run_id, summary),
        )

    def add_scope(self, path: str, kind: str, ranges: AddressRanges) -> None:
        """Record what one input examined (see store.history: a device is gone only where a run looked)."""
        from custodiet.store.history import dump_ranges

        self._execute(
            "INSERT INTO run_scope (run_id, input, kind, addresses, ranges) VALUES (?, ?, ?, ?, ?)",
            (self.run_id, path, kind, min(ranges.size(), 1 << 62), dump_ranges(ranges)),
        )

    def add_observations(self, rows: Iterable[tuple[Observation, tuple[Match, ...]]]) -> None:
        """Insert observations with their matches; any iterable, consumed in chunks of 5,000."""
        self._check_adding()
        source = iter(rows)
        try:
            while True:
                self._append_rows(islice(source, _CHUNK))
                if not self._rows:
                    break
                self._flush()
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"an observation has neither address nor MAC: {exc}", file=self._label) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store observations: {exc}", file=self._label) from exc

    def add_host(
        self,
        rows: Sequence[Row],
        conclude: Conclude | None = None,
    ) -> None:
        """Observations of one host that a source read together, all with one subject.

        conclude(rows, key) builds the device (with id `key`) and its findings from exactly these
        rows; it is called while they are in memory, unless the key was seen before or a value
        would not come back from the store unchanged, and the result is staged (see the module
        doc). Without conclude the rows are stored as add_observations() would. Rows are inserted
        in chunks: call regroup(), device_groups() or commit() to see them in the store.
        """
        self._check_adding()
        key = _host_key(rows) if conclude is not None else None
        try:
            first, last = self._append_block(rows)
            if key is not None and not self._seen_before(key):
                device, findings = conclude(rows, key)  # type: ignore[misc]
                self._stage(device, findings, first, last)
            if len(self._rows) >= _CHUNK or len(self._staged) >= _CHUNK:
                self._flush()
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"an observation has neither address nor MAC: {exc}", file=self._label) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store observations: {exc}", file=self._label) from exc

    def stage_device(self, device: Device, findings: Sequence[Finding]) -> None:
        """Stage a device whose id is the key of a group regroup() yielded, with its findings."""
        self._check_writable()
        try:
            self._stage(device, findings, None, None)
            if len(self._staged) >= _CHUNK:
                self._flush()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store devices: {exc}", file=self._label) from exc

    def regroup(self) -> Iterator[DeviceGroup]:
        """Judge the staged devices (see the module doc) and yield, in key order, the groups that
        have no device yet; stage_device() one for each, then finish_devices()."""
        self._check_writable()
        self._ensure_grouped()
        self._stop_reading()
        try:
            conn = self._conn
            for low, high in self._tainted:
                conn.execute("DELETE FROM temp.device_stage WHERE first <= ? AND last >= ?", (high, low))
            for sql in _RESOLVE_SQL:
                conn.execute(sql, {"run": self.run_id})
        except sqlite3.Error as exc:
            raise StoreError(f"cannot group observations into devices: {exc}", file=self._label) from exc
        self._resolved = True
        yield from self._groups(_REGROUP_SELECT)

    def finish_devices(self) -> None:
        """Write every staged device, its names and findings, in device-key order."""
        self._check_writable()
        self._flush()
        if self._unfinished and not self._resolved:
            raise StoreError(
                "staged devices must be judged by regroup() before they are written", file=self._label
            )
        self._stop_reading()
        self._write_states()
        self._unfinished = False

    def _write_states(self) -> None:
        """Write every staged device (see _FINISH_SQL): states no run has yet, and this run's
        device rows; refuse findings of devices the run does not hold."""
        self._flush()
        conn = self._conn
        try:
            orphans = [r[0] for r in conn.execute(_ORPHAN_FINDINGS_SQL, {"run": self.run_id})]
            if orphans:
                raise StoreError(
                    f"findings of devices this run does not hold: {', '.join(orphans)}", file=self._label
                )
            for sql in _FINISH_SQL:
                conn.execute(sql, {"run": self.run_id})
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"duplicate device id in one run: {exc}", file=self._label) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store devices: {exc}", file=self._label) from exc
        self._direct = False

    def add_contacts(self, contacts: Iterable[Contact]) -> None:
        """Stage traffic contacts (any iterable, consumed in chunks); they are summed per device,
        kind, name, remote and port when devices are grouped (see _CONTACT_SQL)."""
        self._check_writable()
        if self._reading:
            raise StoreError("cannot add contacts while device_groups() is reading", file=self._label)
        files = self._files
        source = iter(contacts)
        sql = (
            "INSERT INTO temp.contact_stage (address, mac, kind, name, remote, port, first_seen, last_seen, "
            "count, bytes_out, bytes_in, file, place) VALUES (nullif(?1, ''), nullif(?2, ''), ?3, "
            "nullif(?4, ''), nullif(?5, ''), nullif(?6, ''), nullif(?7, ''), nullif(?8, ''), ?9, ?10, ?11, "
            "?12, ?13)"
        )
        try:
            while True:
                batch = [
                    (
                        s.address or "",
                        s.mac or "",
                        _short(c.kind) or "?",
                        _contact_name(c.name),
                        _short(c.remote),
                        _short(c.port),
                        _short(c.first_seen),
                        _short(c.last_seen),
                        _count(c.count),
                        _count(c.bytes_out),
                        _count(c.bytes_in),
                        files[c.provenance.file],
                        c.provenance.place,
                    )
                    for c in islice(source, _CHUNK)
                    for s in (c.subject,)
                ]
                if not batch:
                    break
                self._insert_rows(sql, batch)
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"a contact has neither address nor MAC: {exc}", file=self._label) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store contacts: {exc}", file=self._label) from exc
        self._grouped = False

    def has_contacts(self) -> bool:
        """Whether this run staged any contact (most scan-only runs do not)."""
        return self._conn.execute("SELECT 1 FROM temp.contact_stage LIMIT 1").fetchone() is not None

    def contacts_of(self, device_key: str) -> list[codec.ContactSummary]:
        """The run's contacts of one device key, summed (call after grouping)."""
        self._ensure_grouped()
        return _contacts(self._conn, self.run_id, device_key)

    def dns_answers(self) -> Iterator[tuple[str, str, tuple[Provenance, ...]]]:
        """(name, answered address, places) of every DNS contact of the run that got an answer."""
        self._ensure_grouped()
        files = paths(self._conn, self.run_id)
        rows = self._conn.execute(
            "SELECT name, remote, evidence FROM contact WHERE run_id = ? AND kind = 'dns' "
            "AND name IS NOT NULL AND remote IS NOT NULL",
            (self.run_id,),
        ).fetchall()
        for name, remote, evidence in rows:
            places = tuple(
                Provenance(file=files.get(f, "?"), place=str(p)) for f, p in codec.loads(evidence) or ()
            )
            yield name, remote, places

    def observed_contact_keys(self) -> Iterator[str]:
        """Device keys, in order, that have both contacts and observations in this run."""
        self._ensure_grouped()
        last = ""
        while True:
            keys = [
                row[0]
                for row in self._conn.execute(
                    """SELECT DISTINCT c.device_key FROM contact c
                       WHERE c.run_id = :run AND c.device_key > :last AND EXISTS (
                         SELECT 1 FROM device_range d WHERE d.run_id = :run AND d.device_key = c.device_key)
                       ORDER BY c.device_key LIMIT 1000""",
                    {"run": self.run_id, "last": last},
                )
            ]
            yield from keys
            if len(keys) < 1000:
                return
            last = keys[-1]

    def traffic_only_devices(self) -> list[tuple[str, tuple[str, ...], str | None]]:
        """(device key, addresses, MAC) of hosts seen in contacts but in no observation: they are
        devices of the network too (an unidentified host phoning home still matters)."""
        self._ensure_grouped()
        rows = self._conn.execute(
            """SELECT DISTINCT c.device_key, c.address, c.mac FROM contact c
               WHERE c.run_id = :run AND NOT EXISTS (
                 SELECT 1 FROM device_range d WHERE d.run_id = :run AND d.device_key = c.device_key)
               ORDER BY c.device_key""",
            {"run": self.run_id},
        ).fetchall()
        found: dict[str, tuple[list[str], str | None]] = {}
        for key, address, mac in rows:
            addresses, known = found.setdefault(key, ([], None))
            if address and address not in addresses:
                addresses.append(address)
            if mac and known is None:
                found[key] = (addresses, mac.upper())
        return [(key, tuple(addresses), mac) for key, (addresses, mac) in found.items()]

    def add_phone_home(self, facts: Iterable[PhoneHome]) -> None:
        """Store the phone-home facts of this run."""
        self._check_writable()
        marks = ", ".join("?" * 15)
        try:
            for fact in facts:
                self._execute(
                    f"INSERT INTO phone_home ({codec.PHONE_HOME_COLUMNS}) VALUES ({marks})",
                    codec.phone_home_row(self.run_id, fact),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store phone-home facts: {exc}", file=self._label) from exc

    def _insert_rows(self, sql: str, batch: list[tuple[Any, ...]]) -> None:
        """executemany in a savepoint; a string SQLite cannot take makes it redo the batch escaped."""
        if not batch:
            return
        conn = self._conn
        conn.execute("SAVEPOINT batch")
        try:
            try:
                conn.executemany(sql, batch)
            except UnicodeEncodeError:
                conn.execute("ROLLBACK TO batch")
                conn.executemany(sql, [codec.clean(row) for row in batch])
        except BaseException:
            conn.execute("ROLLBACK TO batch")
            conn.execute("RELEASE batch")
            raise
        conn.execute("RELEASE batch")

    def _insert_batch(self, batch: list[tuple[Any, ...]]) -> bool:
        """Insert observation rows; True when some string had to be escaped (see codec.clean)."""
        return self._append_all(self._insert_sql, batch, "observation", "id", batch[0][0])

    def _append_all(self, sql: str, batch: list[tuple[Any, ...]], table: str, key: str, first: int) -> bool:
        """executemany of rows that all get `key` >= first (the table's last rows), all or none;
        True when some string had to be escaped (see codec.clean).

        Instead of a savepoint (which copies every page the batch touches to a journal first),
        a failed batch is undone by deleting what it appended: only for tables a run appends to.
        Upserts and inserts that may touch older rows go through _insert_rows."""
        conn = self._conn
        try:
            try:
                conn.executemany(sql, batch)
            except UnicodeEncodeError:
                # A string SQLite cannot take (lone surrogate): redo the batch with escaped strings.
                conn.execute(f"DELETE FROM {table} WHERE {key} >= ?", (first,))
                conn.executemany(sql, [codec.clean(row) for row in batch])
                return True
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute(f"DELETE FROM {table} WHERE {key} >= ?", (first,))
            raise
        return False

    def _append_temp(self, sql: str, batch: list[tuple[Any, ...]], table: str) -> None:
        """_append_all for a staging table (rowids allocated in order)."""
        if batch:
            first = self._conn.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {table}").fetchone()[0]
            self._append_all(sql, batch, table, "rowid", first)

    def device_groups(self) -> Iterator[DeviceGroup]:
        """Yield the observations of one device at a time, in device-key order.

        Call after every add_observations(). Memory is bounded by the largest device, not the run.
        """
        self._check_writable()
        self._ensure_grouped()
        yield from self._groups(
            OBSERVATION_SELECT + "WHERE r.run_id = :run ORDER BY r.device_key, r.first_id, o.id"
        )

    def _groups(self, sql: str) -> Iterator[DeviceGroup]:
        self._stop_reading()  # an earlier, abandoned device_groups() ends here
        cursor = self._conn.cursor()
        self._reading = cursor
        try:
            cursor.execute(sql, {"run": self.run_id})
            group: DeviceGroup | None = None
            for key, observation, matches in decode_observations(cursor, paths(self._conn, self.run_id)):
                if group is None or key != group.key:
                    if group:
                        yield group
                    group = DeviceGroup(key)
                group.append((observation, matches))
            if group:
                yield group
        except sqlite3.Error as exc:
            if not self._open:
                raise StoreError(
                    "the run was committed or rolled back while its groups were read", file=self._label
                ) from exc
            raise StoreError(f"cannot read observations back: {exc}", file=self._label) from exc
        finally:
            if self._reading is cursor:
                self._stop_reading()

    def add_devices(self, devices: Iterable[Device]) -> None:
        """Store what this run concluded about each device (written at commit, with the findings
        add_findings() gives for them), and keep device ids across runs."""
        self._check_writable()
        self._ensure_grouped()
        try:
            for device in devices:
                self._stage(device, (), None, None, okey=self._observation_key(device), direct=True)
                if len(self._staged) >= _CHUNK:
                    self._flush()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store devices: {exc}", file=self._label) from exc

    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Store findings of devices of this run (given to add_devices() or staged)."""
        self._check_writable()
        try:
            self._staged_findings.extend((*codec.finding_row(f), 1) for f in findings)
            self._direct = True
            self._flush()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store findings: {exc}", file=self._label) from exc

    def commit(self) -> None:
        """Mark the run finished and make it durable; the writer is closed afterwards."""
        self._check_writable()
        self._ensure_grouped()  # device_detail() needs the groups even if nobody asked for them
        if self._unfinished:
            self.abort()
            raise StoreError("devices were staged but never written (finish_devices)", file=self._label)
        self._stop_reading()
        if self._direct:
            try:
                self._write_states()
            except BaseException:
                self.abort()
                raise
        try:
            for sql in _SUMMARY_SQL:
                self._conn.execute(sql, {"run": self.run_id})
            for table in (
                "address_mac",
                "contact_stage",
                "subject_range",
                "device_stage",
                "finding_stage",
                "regroup",
                "new_block",
            ):
                self._conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
            self._conn.execute("UPDATE run SET finished = ? WHERE id = ?", (now(), self.run_id))
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.abort()
            raise StoreError(f"cannot commit run: {exc}", file=self._label) from exc
        self._close()

    def abort(self) -> None:
        """Roll back everything this run wrote. Safe to call twice."""
        if not self._open:
            return
        self._stop_reading()
        self._rows, self._ranges, self._staged, self._staged_findings = [], [], [], []
        try:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is broken; SQLite discards the uncommitted transaction anyway
        finally:
            self._close()

    # Internals ---------------------------------------------------------------------------------

    def _stop_reading(self) -> None:
        """Close the cursor of an unfinished device_groups(): SQLite cannot drop a table (or
        always commit) while a statement is still stepping."""
        cursor, self._reading = self._reading, None
        if cursor is not None:
            with contextlib.suppress(sqlite3.Error):  # the connection may be closed already
                cursor.close()

    def _close(self) -> None:
        self._open = False
        self._store._writer_closed(self)

    def _check_writable(self) -> None:
        if not self._open:
            raise StoreError("this run is already committed or rolled back", file=self._label)

    def _check_adding(self) -> None:
        self._check_writable()
        if self._reading:
            raise StoreError("cannot add observations while device_groups() is reading", file=self._label)
        self._grouped = False
        self._resolved = False

    def _append_rows(self, rows: Iterable[Row]) -> None:
        """Observation rows for the next insert, with their ids, and the id ranges of their
        subjects (a new range at each call and wherever the subject changes)."""
        dump = self._dump_matches
        files = self._files
        out = self._rows
        ranges = self._ranges
        number = self._next_id
        subject = None
        address = mac = ""
        first = number
        for obs, matches in rows:
            if obs.subject is not subject:
                current = obs.subject
                if subject is None or current.address != subject.address or current.mac != subject.mac:
                    if number > first:
                        ranges.append((first, number - 1, address, mac))
                    first = number
                    address = current.address or ""
                    mac = current.mac or ""
                subject = current
            provenance = obs.provenance
            out.append(
                (
                    number,
                    address,
                    mac,
                    obs.field,
                    obs.text,
                    obs.port or "",
                    files[provenance.file],
                    provenance.place,
                    dump(matches) if matches else "",
                )
            )
            number += 1
        if number > first:
            ranges.append((first, number - 1, address, mac))
        self._next_id = number

    def _append_block(self, rows: Sequence[Row]) -> tuple[int, int]:
        """Append the rows of one add_host() call; (first id, last id) of the rows that hold them.

        A block of one subject gets a digest; if an earlier run stored the same block, its rows
        are not appended again: the range of this run points at them (see the module doc)."""
        if not rows:
            return self._next_id, self._next_id - 1
        subject = rows[0][0].subject
        files = self._files
        dump = self._dump_matches
        parts: list[tuple[Any, ...]] = []
        for obs, matches in rows:
            if obs.subject is not subject and obs.subject != subject:
                first = self._next_id
                self._append_rows(rows)
                return first, self._next_id - 1
            provenance = obs.provenance
            parts.append(
                (
                    obs.field,
                    obs.text,
                    obs.port or "",
                    files[provenance.file],
                    provenance.place,
                    dump(matches) if matches else "",
                )
            )
        address = subject.address or ""
        mac = subject.mac or ""
        try:
            block = blake2b(orjson.dumps((address, mac, parts)), digest_size=16).digest()
        except orjson.JSONEncodeError:  # a string SQLite cannot take as it is: stored escaped, never shared
            block = None
        if block is not None and self._blocks_known:
            found = self._conn.execute(
                "SELECT first_id, last_id FROM main.observation_block WHERE digest = ?", (block,)
            ).fetchone()
            if found is not None:
                self._ranges.append((found[0], found[1], address, mac))
                return found[0], found[1]
        first = number = self._next_id
        out = self._rows
        for part in parts:
            out.append((number, address, mac, *part))
            number += 1
        self._ranges.append((first, number - 1, address, mac))
        self._next_id = number
        if block is not None:
            self._new_blocks.append((block, first, number - 1))
        return first, number - 1

    def _dump_matches(self, matches: tuple[Match, ...]) -> str:
        """codec.dump_matches, remembered: matching hands out the same Match objects again and
        again (a run of 200,000 observations holds a few dozen distinct match lists). The key is
        the identity of the Match objects, which the memo keeps alive, so an id cannot be reused
        for another object while its entry exists."""
        key = tuple(map(id, matches))
        found = self._dumped.get(key)
        if found is None:
            if len(self._dumped) >= 4096:
                self._dumped.clear()
            found = self._dumped[key] = (matches, codec.dump_matches(matches))
        return found[1]

    def _stage(
        self,
        device: Device,
        findings: Sequence[Finding],
        first: int | None,
        last: int | None,
        *,
        okey: str | None = None,
        direct: bool = False,
    ) -> None:
        names = codec.dumps(sorted(device_names(device)))
        key = device.id
        values = codec.device_values(device, self._files.__getitem__)
        self._staged.append((key, first, last, names, key if not direct else okey, int(direct), *values))
        self._staged_keys.add(key)
        flag = int(direct)
        self._staged_findings.extend((*codec.finding_row(f), flag) for f in findings)
        if direct:
            self._direct = True
        else:
            self._unfinished = True

    def _flush(self) -> None:
        """Insert the rows add_host() collected (observations first: staged ranges refer to them)."""
        if self._rows:
            rows, self._rows = self._rows, []
            if self._insert_batch(rows):
                self._tainted.append((rows[0][0], rows[-1][0]))
        if self._ranges:
            ranges, self._ranges = self._ranges, []
            self._append_all(self._range_sql, ranges, "temp.subject_range", "first", ranges[0][0])
        if self._staged:
            staged, self._staged = self._staged, []
            self._append_temp(self._stage_sql, staged, "temp.device_stage")
        self._staged_keys.clear()
        if self._staged_findings:
            findings, self._staged_findings = self._staged_findings, []
            self._append_temp(self._stage_finding_sql, findings, "temp.finding_stage")
        if self._new_blocks:
            blocks, self._new_blocks = self._new_blocks, []
            self._conn.executemany("INSERT OR IGNORE INTO temp.new_block VALUES (?, ?, ?)", blocks)

    def _seen_before(self, key: str) -> bool:
        """Whether add_host() met this key before (and mark it): a host scanned twice or listed
        in two files forms one group, which regroup() must build from the store anyway, so its
        records are not concluded one by one. Two bits per key in a fixed 1 MiB map keep memory
        flat; a false "seen" (about 0.1% of keys at 100,000 hosts) only sends a host the slow way,
        to the same result."""
        if self._seen is None:
            self._seen = bytearray(_SEEN_BITS // 8)
        seen = self._seen
        digest = hash(key)
        first = digest % _SEEN_BITS
        second = (digest >> 32) % _SEEN_BITS
        hit = bool(seen[first >> 3] & (1 << (first & 7)) and seen[second >> 3] & (1 << (second & 7)))
        seen[first >> 3] |= 1 << (first & 7)
        seen[second >> 3] |= 1 << (second & 7)
        return hit

    def _execute(self, sql: str, row: tuple[Any, ...]) -> None:
        self._check_writable()
        try:
            self._conn.execute(sql, row)
        except UnicodeEncodeError:
            self._conn.execute(sql, codec.clean(row))
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write: {exc}", file=self._label) from exc

    def _ensure_grouped(self) -> None:
        """Give every address that carries a usable MAC the key "mac:<MAC>" (once per batch of adds)."""
        try:
            self._flush()
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"an observation has neither address nor MAC: {exc}", file=self._label) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store observations: {exc}", file=self._label) from exc
        if self._grouped:
            return
        try:
            for sql in _GROUP_SQL:
                self._conn.execute(sql, {"run": self.run_id})
            for sql in _CONTACT_SQL:
                self._conn.execute(sql, {"run": self.run_id})
        except sqlite3.Error as exc:
            raise StoreError(f"cannot group observations into devices: {exc}", file=self._label) from exc
        self._grouped = True

    def _key_exists(self, key: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM device_range WHERE run_id = ? AND device_key = ? LIMIT 1", (self.run_id, key)
        ).fetchone()
        return row is not None

    def _observation_key(self, device: Device) -> str | None:
        """The device key of this device's observations (None: the run holds none).

        Normally device.id is the key device_groups() gave; if the pipeline named the device
        otherwise, its addresses or MAC lead to the group.
        """
        for key in self._key_candidates(device):
            try:
                if self._key_exists(key):
                    return key
            except UnicodeEncodeError:
                continue
        return None

    def _key_candidates(self, device: Device) -> Iterator[str]:
        yield device.id
        for address in device.addresses:
            try:
                row = self._conn.execute(
                    "SELECT mac FROM temp.address_mac WHERE address = ?", (address,)
                ).fetchone()
            except UnicodeEncodeError:
                row = None
            yield "mac:" + row[0] if row else "ip:" + address
        if device.mac:
            yield "mac:" + device.mac.upper()


def _host_key(rows: Sequence[Row]) -> str | None:
    """The device key _GROUP_SQL gives rows that share one subject and have no other host to
    merge with -- None when the rows cannot be a fast device: mixed subjects, or an empty
    address, MAC or port (stored as NULL, so a device built from them in memory would differ)."""
    if not rows:
        return None
    subject = rows[0][0].subject
    address, mac = subject.address, subject.mac
    if address == "" or mac == "":
        return None
    for obs, _ in rows:
        if (obs.subject is not subject and obs.subject != subject) or obs.port == "":
            return None
    if address is None:
        return "mac:" + mac.upper() if mac else None
    if mac and _usable_mac(mac):
        return "mac:" + mac.upper()
    return "ip:" + address


def _contacts(conn: sqlite3.Connection, run_id: int, device_key: str) -> list[codec.ContactSummary]:
    files = paths(conn, run_id)
    rows = conn.execute(
        f"SELECT {codec.CONTACT_SELECT} FROM contact WHERE run_id = ? AND device_key = ? ORDER BY id",
        (run_id, device_key),
    )
    return [codec.load_contact(row, files) for row in rows]
