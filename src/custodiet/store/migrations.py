"""The inventory's schema, as an ordered list of migrations.

MIGRATIONS[i] turns a schema of version i into version i + 1 (PRAGMA user_version holds the
version). Opening an older inventory applies the missing scripts in one transaction, so a failed
upgrade leaves the file as it was. Never edit a released script: append a new one.

Why these shapes:
- observation has no index besides its rowid: a run's rows are appended in one transaction, so
  they form one rowid range, and bulk inserts stay fast (no random index updates per row).
  device_range maps (run, device key) to ranges of observation ids (a host's observations are
  added together, so one range per host and source); it is filled once per run by one sorted
  INSERT ... SELECT (see RunWriter), which is how devices are formed in SQL, lets
  device_groups() stream one device at a time, and lets device_detail() find one device's
  observations without scanning the run. (Schemas 1 and 2 kept one device_observation row per
  observation; schema 3 turned them into ranges.)
- source_file stores each input path once; observations refer to it by id.
- device keeps ids stable across runs (first and last run that saw them); device_state holds what
  one run concluded about a device. device_name is the lookup table behind `custodiet show HOST`
  (ids, addresses, MACs and hostnames, normalised).
- Lists, mappings and evidence are JSON (orjson) in TEXT columns, so `sqlite3` and json_extract()
  can still read them.
- contact holds a run's traffic summed per (device key, kind, name, remote, port): sources may
  yield millions of raw contacts; they are staged in a temporary table and summed in one
  INSERT ... SELECT when devices are grouped (RunWriter), keeping the first places of each.
  phone_home holds what policy concluded from them.
- No foreign-key enforcement: every row of a run is written in the run's single transaction, so
  referential integrity holds by construction and inserts stay fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

# Marks the file as a custodiet inventory (PRAGMA application_id), so that pointing --db at
# some other application's SQLite file is refused instead of "migrated". ASCII "CUST".
APPLICATION_ID = 0x43555354

_V1 = """
CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    input_key TEXT NOT NULL UNIQUE,
    content_version TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT
);

CREATE TABLE input (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    records INTEGER NOT NULL,
    observations INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    skip_reasons TEXT NOT NULL,
    error TEXT
);
CREATE INDEX input_run ON input (run_id);

CREATE TABLE source_file (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE
);

CREATE TABLE observation (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    address TEXT,
    mac TEXT,
    field TEXT NOT NULL,
    text TEXT NOT NULL,
    port TEXT,
    file INTEGER NOT NULL,
    place TEXT NOT NULL,
    matches TEXT,
    CHECK (address IS NOT NULL OR mac IS NOT NULL)
);

CREATE TABLE device_observation (
    run_id INTEGER NOT NULL,
    device_key TEXT NOT NULL,
    observation_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, device_key, observation_id)
) WITHOUT ROWID;

CREATE TABLE device (
    id TEXT PRIMARY KEY,
    first_seen_run INTEGER NOT NULL,
    last_seen_run INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE device_state (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    observation_key TEXT,
    addresses TEXT NOT NULL,
    mac TEXT,
    hostnames TEXT NOT NULL,
    services TEXT NOT NULL,
    manufacturer TEXT,
    brand TEXT,
    product TEXT,
    model TEXT,
    firmware TEXT,
    device_type TEXT,
    covered INTEGER NOT NULL,
    confidence REAL NOT NULL,
    evidence TEXT NOT NULL,
    conflicts TEXT NOT NULL,
    explanation TEXT NOT NULL,
    UNIQUE (run_id, device_id)
);

CREATE TABLE device_name (
    run_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    device_id TEXT NOT NULL,
    PRIMARY KEY (run_id, name, device_id)
) WITHOUT ROWID;

CREATE TABLE finding (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    list TEXT NOT NULL,
    entity TEXT NOT NULL,
    reason TEXT NOT NULL,
    scope TEXT NOT NULL,
    severity TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX finding_run ON finding (run_id, device_id);
"""

# Traffic: what devices talked to (contact, summed per device key, kind, name, remote and port,
# with the first places that show it) and what that means (phone_home). Inputs count contacts.
_V2 = """
ALTER TABLE input ADD COLUMN contacts INTEGER NOT NULL DEFAULT 0;

CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    device_key TEXT NOT NULL,
    address TEXT,
    mac TEXT,
    kind TEXT NOT NULL,
    name TEXT,
    remote TEXT,
    port TEXT,
    first_seen TEXT,
    last_seen TEXT,
    count INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    evidence_count INTEGER NOT NULL
);
CREATE INDEX contact_device ON contact (run_id, device_key);

CREATE TABLE phone_home (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    owner TEXT NOT NULL,
    role TEXT NOT NULL,
    confidence TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    count INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    country TEXT,
    asn TEXT,
    sources TEXT NOT NULL
);
CREATE INDEX phone_home_run ON phone_home (run_id, device_id);
"""

# Devices by id ranges: the observations of one host that a source yields together are one range
# of ids, so device_range holds a row per host where device_observation held one per observation
# (grouping a run and judging staged devices became most of an audit's SQL time). Older runs'
# rows become ranges of consecutive ids of one device (gaps and islands).
_V3 = """
CREATE TABLE device_range (
    run_id INTEGER NOT NULL,
    device_key TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, device_key, first_id)
) WITHOUT ROWID;

INSERT INTO device_range (run_id, device_key, first_id, last_id)
SELECT run_id, device_key, min(observation_id), max(observation_id) FROM (
    SELECT run_id, device_key, observation_id,
           observation_id - row_number() OVER (PARTITION BY run_id, device_key ORDER BY observation_id) AS island
    FROM device_observation)
GROUP BY run_id, device_key, island
ORDER BY run_id, device_key, 3;

DROP TABLE device_observation;
"""

# History keeps changes, not copies (schema 4). A run used to store every observation, device and
# finding again; ten audits of an unchanged network cost ten times one. Now:
# - Observations are appended in blocks (one host read from one file); a block identical to one
#   an earlier run stored (same digest) is not stored again: the run's device_range points at the
#   old rows. observation.file is a run-local number (run_file maps it to the run's own path), so
#   that "the same host in this month's scan" is the same block as in last month's.
# - What a run concluded about a device is a state (state: the columns lists and filters read;
#   state_detail: evidence, conflicts, explanation), with its findings (state_finding) and names
#   (state_name). A run that concludes exactly the state an earlier run did refers to it
#   (run_device) instead of copying it. Evidence names its file by the same run-local number.
# - run carries the profile and options it was audited with, the lists in force (versions,
#   sources) and its counts; run_scope what its inputs examined (for "gone" in diffs); run_summary
#   devices per manufacturer, site and type (for charts over time without reading every device).
# - Decisions are the inventory's own: waivers (per device and/or rule, with an end date) and the
#   remediation log (one row per change of a device's state).
# Rows of older runs are moved as they are: their states keep a digest no new state can have
# ("v3 <id>"), evidence and contacts keep naming files by path or global id (run_file maps each
# run's numbers to the same ids), covered is recomputed with its new meaning (a "covered"
# finding), and site, serial and owner are read from their inventory observations.
_V4 = """
ALTER TABLE input ADD COLUMN taken TEXT;
ALTER TABLE run ADD COLUMN profile TEXT;
ALTER TABLE run ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
ALTER TABLE run ADD COLUMN lists TEXT NOT NULL DEFAULT '[]';
ALTER TABLE run ADD COLUMN devices INTEGER;
ALTER TABLE run ADD COLUMN covered INTEGER;
ALTER TABLE run ADD COLUMN review INTEGER;
ALTER TABLE run ADD COLUMN findings INTEGER;

CREATE TABLE run_file (
    run_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    file INTEGER NOT NULL,
    PRIMARY KEY (run_id, number)
) WITHOUT ROWID;
INSERT INTO run_file (run_id, number, file) SELECT r.id, s.id, s.id FROM run r, source_file s ORDER BY 1, 2;

CREATE TABLE observation_block (
    digest BLOB PRIMARY KEY,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE state (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    digest BLOB NOT NULL UNIQUE,
    observation_key TEXT,
    addresses TEXT NOT NULL,
    mac TEXT,
    hostnames TEXT NOT NULL,
    services TEXT NOT NULL,
    manufacturer TEXT,
    brand TEXT,
    product TEXT,
    model TEXT,
    firmware TEXT,
    device_type TEXT,
    covered INTEGER NOT NULL,
    review INTEGER NOT NULL,
    confidence REAL NOT NULL,
    site TEXT,
    serial TEXT,
    owner TEXT
);

CREATE TABLE state_detail (
    state_id INTEGER PRIMARY KEY,
    evidence TEXT NOT NULL,
    conflicts TEXT NOT NULL,
    explanation TEXT NOT NULL
);

CREATE TABLE state_finding (
    id INTEGER PRIMARY KEY,
    state_id INTEGER NOT NULL,
    rule TEXT NOT NULL,
    list TEXT NOT NULL,
    entity TEXT NOT NULL,
    reason TEXT NOT NULL,
    scope TEXT NOT NULL,
    severity TEXT NOT NULL,
    sources TEXT NOT NULL
);
CREATE INDEX state_finding_state ON state_finding (state_id);

CREATE TABLE state_name (
    name TEXT NOT NULL,
    state_id INTEGER NOT NULL,
    PRIMARY KEY (name, state_id)
) WITHOUT ROWID;

CREATE TABLE run_device (
    run_id INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    state_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, device_id)
) WITHOUT ROWID;

CREATE TABLE run_scope (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    input TEXT NOT NULL,
    kind TEXT NOT NULL,
    addresses INTEGER NOT NULL,
    ranges BLOB NOT NULL
);
CREATE INDEX run_scope_run ON run_scope (run_id);

CREATE TABLE run_summary (
    run_id INTEGER NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    devices INTEGER NOT NULL,
    covered INTEGER NOT NULL,
    review INTEGER NOT NULL,
    PRIMARY KEY (run_id, dimension, value)
) WITHOUT ROWID;

CREATE TABLE waiver (
    id INTEGER PRIMARY KEY,
    device_id TEXT,
    rule TEXT,
    who TEXT NOT NULL,
    why TEXT NOT NULL,
    created TEXT NOT NULL,
    until TEXT NOT NULL,
    revoked TEXT,
    revoked_by TEXT,
    revoked_why TEXT,
    CHECK (device_id IS NOT NULL OR rule IS NOT NULL)
);
CREATE INDEX waiver_device ON waiver (device_id);

CREATE TABLE remediation (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL,
    state TEXT NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    ticket TEXT,
    note TEXT
);
CREATE INDEX remediation_device ON remediation (device_id, id);

INSERT INTO state (id, device_id, digest, observation_key, addresses, mac, hostnames, services, manufacturer,
                   brand, product, model, firmware, device_type, covered, review, confidence, site, serial, owner)
SELECT d.id, d.device_id, CAST('v3 ' || d.id AS BLOB), d.observation_key, d.addresses, d.mac, d.hostnames,
       d.services, d.manufacturer, d.brand, d.product, d.model, d.firmware, d.device_type,
       EXISTS (SELECT 1 FROM finding f WHERE f.run_id = d.run_id AND f.device_id = d.device_id
               AND f.severity = 'covered'),
       NOT EXISTS (SELECT 1 FROM finding f WHERE f.run_id = d.run_id AND f.device_id = d.device_id
                   AND f.severity = 'covered')
       AND EXISTS (SELECT 1 FROM finding f WHERE f.run_id = d.run_id AND f.device_id = d.device_id
                   AND f.severity = 'verify'),
       d.confidence,
       (SELECT o.text FROM device_range r JOIN observation o ON o.id BETWEEN r.first_id AND r.last_id
        WHERE r.run_id = d.run_id AND r.device_key = d.observation_key AND o.field = 'inventory.site'
        ORDER BY r.first_id, o.id LIMIT 1),
       (SELECT o.text FROM device_range r JOIN observation o ON o.id BETWEEN r.first_id AND r.last_id
        WHERE r.run_id = d.run_id AND r.device_key = d.observation_key AND o.field = 'inventory.serial'
        ORDER BY r.first_id, o.id LIMIT 1),
       NULL
FROM device_state d ORDER BY d.id;

INSERT INTO state_detail (state_id, evidence, conflicts, explanation)
SELECT id, evidence, conflicts, explanation FROM device_state ORDER BY id;

INSERT INTO state_finding (id, state_id, rule, list, entity, reason, scope, severity, sources)
SELECT f.id, d.id, f.rule, f.list, f.entity, f.reason, f.scope, f.severity, f.sources
FROM finding f JOIN device_state d ON d.run_id = f.run_id AND d.device_id = f.device_id ORDER BY f.id;

INSERT OR IGNORE INTO state_name (name, state_id)
SELECT n.name, d.id FROM device_name n JOIN device_state d ON d.run_id = n.run_id AND d.device_id = n.device_id
ORDER BY 1, 2;

INSERT INTO run_device (run_id, device_id, state_id)
SELECT run_id, device_id, id FROM device_state ORDER BY 1, 2;

DROP TABLE device_name;
DROP TABLE finding;
DROP TABLE device_state;

UPDATE run SET
    devices = (SELECT count(*) FROM run_device WHERE run_id = run.id),
    covered = (SELECT count(*) FROM run_device r JOIN state s ON s.id = r.state_id
               WHERE r.run_id = run.id AND s.covered),
    review = (SELECT count(*) FROM run_device r JOIN state s ON s.id = r.state_id
              WHERE r.run_id = run.id AND s.review),
    findings = (SELECT count(*) FROM run_device r JOIN state_finding f ON f.state_id = r.state_id
                WHERE r.run_id = run.id)
WHERE finished IS NOT NULL;

INSERT INTO run_summary (run_id, dimension, value, devices, covered, review)
SELECT r.run_id, 'manufacturer', coalesce(s.manufacturer, ''), count(*), sum(s.covered), sum(s.review)
FROM run_device r JOIN state s ON s.id = r.state_id GROUP BY 1, 3;
INSERT INTO run_summary (run_id, dimension, value, devices, covered, review)
SELECT r.run_id, 'site', coalesce(s.site, ''), count(*), sum(s.covered), sum(s.review)
FROM run_device r JOIN state s ON s.id = r.state_id GROUP BY 1, 3;
INSERT INTO run_summary (run_id, dimension, value, devices, covered, review)
SELECT r.run_id, 'device_type', coalesce(s.device_type, ''), count(*), sum(s.covered), sum(s.review)
FROM run_device r JOIN state s ON s.id = r.state_id GROUP BY 1, 3;
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4]


def statements(script: str) -> Iterator[str]:
    """Split a script into complete statements.

    Cursor.executescript() would COMMIT first, which breaks the one-transaction upgrade;
    sqlite3.complete_statement knows SQL's own rules (strings, comments, triggers).
    """
    buffer: list[str] = []
    for line in script.splitlines(keepends=True):
        buffer.append(line)
        text = "".join(buffer)
        if sqlite3.complete_statement(text):
            if text.strip().strip(";").strip():
                yield text
            buffer.clear()
    rest = "".join(buffer).strip()
    if rest:
        raise ValueError(f"incomplete SQL statement in migration: {rest[:80]!r}")


def migrate(conn: sqlite3.Connection, migrations: list[str] | None = None) -> int:
    """Bring the schema to the newest version; returns the version reached.

    Runs under BEGIN IMMEDIATE and re-reads the version inside the transaction, so two processes
    opening a fresh file at once do not both apply the scripts. The caller has checked that the
    file is ours and not newer than this code.
    """
    scripts = MIGRATIONS if migrations is None else migrations
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(scripts):  # a newer custodiet upgraded it since the caller looked
            raise sqlite3.DatabaseError(f"schema version {version} is newer than this custodiet knows")
        for number in range(version, len(scripts)):
            for statement in statements(scripts[number]):
                conn.execute(statement)
        if version < len(scripts):
            conn.execute(f"PRAGMA user_version = {len(scripts)}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return max(version, len(scripts))
