"""History: what the inventory knows across runs. When each device was first and last seen, how
it changed from one run to another, what a run examined, and everything a report of a run shows
beside its devices.

How a diff decides (docs/history.md says it for users):
- new: in the later run, not in the earlier one, and either never seen before the earlier run's
  end or the earlier run examined its address (so it really was not there);
- gone: in the earlier run, not in the later one, and the later run examined one of its addresses;
- changed: in both, with another manufacturer, brand, model, firmware, type, site, status
  (covered / needs review / not covered) or addresses;
- not examined: absent from one of the runs whose inputs did not cover its addresses (a scan of
  another site, an inventory that does not list it): neither new nor gone.
A run examined the addresses its inputs covered (pipeline.scope): the targets and hosts of an nmap
scan (down hosts included), the rows of an inventory, the local subnets a capture saw. Runs
written before schema 4 recorded no scope: their devices' own addresses stand for it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from custodiet.model import DeviceSeen, ScopeSummary
from custodiet.model.history import (
    COMPARED,
    Change,
    DeviceSummary,
    DeviceVersion,
    RunDiff,
    Unexamined,
)
from custodiet.model.scope import AddressRanges
from custodiet.store import codec, decisions

if TYPE_CHECKING:
    from custodiet.store.store import Store

# A device's summary, for diffs and history: the columns of state that describe it.
SUMMARY = (
    "s.device_id, s.addresses, s.mac, s.manufacturer, s.brand, s.model, s.firmware, s.device_type, s.site, "
    "s.covered, s.review"
)


def _summary(row: tuple[Any, ...]) -> DeviceSummary:
    device_id, addresses, mac, manufacturer, brand, model, firmware, device_type, site, covered, review = row[
        :11
    ]
    return DeviceSummary(
        device_id,
        tuple(codec.loads(addresses) or ()),
        mac,
        manufacturer,
        brand,
        model,
        firmware,
        device_type,
        site,
        bool(covered),
        bool(review),
    )


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


# Scope -------------------------------------------------------------------------------------------


def dump_ranges(ranges: AddressRanges) -> bytes:
    """run_scope.ranges: zlib of the JSON [[first, last], ...] (a scattered CMDB compresses well)."""
    return zlib.compress(codec.dumps(ranges.as_text()).encode("utf-8"), 6)


def load_ranges(blob: bytes) -> AddressRanges:
    return AddressRanges.from_text(codec.loads(zlib.decompress(blob).decode("utf-8")) or ())


def scope_summaries(store: Store, run_id: int, preview: int = 8) -> tuple[ScopeSummary, ...]:
    rows = store._conn.execute(
        "SELECT input, kind, addresses, ranges FROM run_scope WHERE run_id = ? ORDER BY id", (run_id,)
    ).fetchall()
    out = []
    for path, kind, count, blob in rows:
        ranges = load_ranges(blob).as_text()
        out.append(ScopeSummary(path, kind, count, tuple(ranges[:preview])))
    return tuple(out)


def scope_of(store: Store, run_id: int) -> AddressRanges:
    """Every address the run examined (see the module doc; old runs: their devices' addresses)."""
    conn = store._conn
    rows = conn.execute("SELECT ranges FROM run_scope WHERE run_id = ?", (run_id,)).fetchall()
    recorded = conn.execute("SELECT profile IS NOT NULL FROM run WHERE id = ?", (run_id,)).fetchone()
    if rows or (recorded and recorded[0]):
        scope = AddressRanges()
        for (blob,) in rows:
            scope = scope.union(load_ranges(blob))
        return scope
    pairs: list[tuple[str, str]] = []
    for (addresses,) in conn.execute(
        "SELECT s.addresses FROM run_device r JOIN state s ON s.id = r.state_id WHERE r.run_id = ?", (run_id,)
    ):
        pairs.extend((a, a) for a in codec.loads(addresses) or ())
    return AddressRanges.from_text(pairs)


# Runs and devices --------------------------------------------------------------------------------


def run_started(store: Store, run_id: int) -> str:
    row = store._conn.execute("SELECT started FROM run WHERE id = ?", (run_id,)).fetchone()
    return row[0] if row else ""


def previous_run(store: Store, run_id: int) -> int | None:
    row = store._conn.execute(
        "SELECT id FROM run WHERE id < ? AND finished IS NOT NULL ORDER BY id DESC LIMIT 1", (run_id,)
    ).fetchone()
    return row[0] if row else None


def device_seen(store: Store, run_id: int) -> tuple[DeviceSeen, ...]:
    """First and last run (and their start) of every device of a run."""
    rows = store._conn.execute(
        """SELECT d.id, d.first_seen_run, f.started, d.last_seen_run, l.started
           FROM run_device r JOIN device d ON d.id = r.device_id
           JOIN run f ON f.id = d.first_seen_run JOIN run l ON l.id = d.last_seen_run
           WHERE r.run_id = ? ORDER BY r.device_id""",
        (run_id,),
    )
    return tuple(DeviceSeen(*row) for row in rows)


def run_context(store: Store, run_id: int, device_ids: Iterable[str]) -> dict[str, Any]:
    """What a RunReport carries beside the run's own rows (see model.run.RunReport)."""
    ids = set(device_ids)
    latest = decisions.latest_remediation(store)
    return {
        "scope": scope_summaries(store, run_id),
        "seen": device_seen(store, run_id),
        "waivers": tuple(decisions.waivers(store)),
        "remediation": tuple(step for device, step in sorted(latest.items()) if device in ids),
        "as_of": today(),
    }


def device_history(store: Store, device_id: str) -> list[DeviceVersion]:
    """Every run that saw the device, oldest first, with what it concluded."""
    rows = store._conn.execute(
        f"""SELECT run.id, run.started, s.id, {SUMMARY}
            FROM run JOIN run_device r ON r.run_id = run.id AND r.device_id = ?
            JOIN state s ON s.id = r.state_id WHERE run.finished IS NOT NULL ORDER BY run.id""",
        (device_id,),
    )
    return [DeviceVersion(row[0], row[1], row[2], _summary(row[3:])) for row in rows]


# Diffs -------------------------------------------------------------------------------------------


def diff(store: Store, from_run: int | None = None, to_run: int | None = None) -> RunDiff:
    """What changed from one run to another (default: the latest run and the one before it)."""
    to_id = store._run_id(to_run)
    if from_run is None:
        from_id = previous_run(store, to_id)
        if from_id is None:
            from custodiet.errors import UsageError

            raise UsageError(
                f"run {to_id} is the first run: there is nothing to compare it with (--from RUN)"
            )
    else:
        from_id = store._run_id(from_run)
    result = RunDiff(from_id, to_id, run_started(store, from_id), run_started(store, to_id))
    if from_id == to_id:
        return result
    conn = store._conn
    from_scope: AddressRanges | None = None
    for row in conn.execute(
        f"""SELECT {SUMMARY}, d.first_seen_run FROM run_device b JOIN state s ON s.id = b.state_id
            JOIN device d ON d.id = b.device_id
            WHERE b.run_id = :b AND NOT EXISTS (
              SELECT 1 FROM run_device a WHERE a.run_id = :a AND a.device_id = b.device_id)
            ORDER BY b.device_id""",
        {"a": from_id, "b": to_id},
    ):
        device = _summary(row)
        first_seen = row[-1]
        if first_seen > from_id:
            result.new.append(device)
            continue
        if from_scope is None:
            from_scope = scope_of(store, from_id)
        if any(a in from_scope for a in device.addresses):
            result.new.append(device)
        else:
            result.not_examined.append(Unexamined(device, from_id))
    to_scope: AddressRanges | None = None
    for row in conn.execute(
        f"""SELECT {SUMMARY} FROM run_device a JOIN state s ON s.id = a.state_id
            WHERE a.run_id = :a AND NOT EXISTS (
              SELECT 1 FROM run_device b WHERE b.run_id = :b AND b.device_id = a.device_id)
            ORDER BY a.device_id""",
        {"a": from_id, "b": to_id},
    ):
        device = _summary(row)
        if to_scope is None:
            to_scope = scope_of(store, to_id)
        if any(a in to_scope for a in device.addresses):
            result.gone.append(device)
        else:
            result.not_examined.append(Unexamined(device, to_id))
    before_columns = SUMMARY
    after_columns = SUMMARY.replace("s.", "t.")
    for row in conn.execute(
        f"""SELECT {before_columns}, {after_columns}
            FROM run_device a JOIN run_device b ON b.run_id = :b AND b.device_id = a.device_id
            JOIN state s ON s.id = a.state_id JOIN state t ON t.id = b.state_id
            WHERE a.run_id = :a AND a.state_id <> b.state_id
              AND (s.manufacturer IS NOT t.manufacturer OR s.brand IS NOT t.brand OR s.model IS NOT t.model
                   OR s.firmware IS NOT t.firmware OR s.device_type IS NOT t.device_type
                   OR s.site IS NOT t.site OR s.covered <> t.covered OR s.review <> t.review
                   OR s.addresses <> t.addresses)
            ORDER BY a.device_id""",
        {"a": from_id, "b": to_id},
    ):
        before, after = _summary(row[:11]), _summary(row[11:])
        changes = tuple(
            (name, before.value(name), after.value(name))
            for name in COMPARED
            if before.value(name) != after.value(name)
        )
        result.changed.append(Change(after, changes))
    return result
