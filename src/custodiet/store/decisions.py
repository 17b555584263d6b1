"""Decisions kept in the inventory: waivers (exceptions) and the remediation log.

They belong to devices (by id, stable across runs) and rules, not to runs: a waiver granted after
the March audit applies to the same camera in April's. Each change is one short transaction; a
locked inventory (an audit writing) makes it wait up to the store's timeout, then fail with a
clear message, and nothing is half-written. Waivers are never deleted: revoking one keeps who and
why, so that the record an auditor reads stays whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from custodiet.errors import StoreError, UsageError
from custodiet.model import REMEDIATION_STATES, Remediation, Waiver

if TYPE_CHECKING:
    from custodiet.store.store import Store

MAX_TEXT = 2000  # who, why, tickets and notes are people's words: bounded, never device text

_WAIVER_COLUMNS = "id, device_id, rule, who, why, created, until, revoked, revoked_by, revoked_why"
_REMEDIATION_COLUMNS = "id, device_id, state, at, who, ticket, note"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _writing(store: Store, doing: str) -> Iterator[sqlite3.Connection]:
    """One write transaction; StoreError (naming the inventory) when it cannot be written."""
    conn = store._conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        hint = " (an audit is writing to it: try again when it is done)" if "locked" in str(exc) else ""
        raise StoreError(f"cannot {doing}: {exc}{hint}", file=store._label) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"cannot {doing}: {exc}", file=store._label) from exc
        raise


def _text(value: str | None, what: str, required: bool = True) -> str | None:
    if value is None or not value.strip():
        if required:
            raise UsageError(f"{what} is required")
        return None
    text = " ".join(value.split())
    if len(text) > MAX_TEXT:
        raise UsageError(f"{what} is longer than {MAX_TEXT} characters")
    return text


def parse_day(text: str, what: str = "--until") -> str:
    """A calendar day as YYYY-MM-DD (the form every report shows)."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{what} expects a date as YYYY-MM-DD, got {text!r}") from None


def known_rules(store: Store) -> set[str]:
    """Rule and list ids that findings in the inventory name, and lists runs applied."""
    conn = store._conn
    found = {r[0] for r in conn.execute("SELECT DISTINCT rule FROM state_finding")}
    found |= {r[0] for r in conn.execute("SELECT DISTINCT list FROM state_finding")}
    for (lists,) in conn.execute("SELECT lists FROM run"):
        from custodiet.store import codec

        found |= {item["id"] for item in codec.loads(lists) or ()}
    return found


def resolve_device(store: Store, host: str) -> str:
    """The id of the one device `host` names in any run; UsageError otherwise (nothing written)."""
    return store._resolve_host(host, None)


def add_waiver(store: Store, *, host: str | None, rule: str | None, who: str, why: str, until: str) -> Waiver:
    """Record a waiver for a device, a rule, or a rule on one device."""
    if host is None and rule is None:
        raise UsageError("a waiver names a device (--device), a rule (--rule), or both")
    who_text = _text(who, "--who")
    why_text = _text(why, "--why")
    end = parse_day(until)
    if end < datetime.now(UTC).date().isoformat():
        raise UsageError(f"--until {end} is in the past: a waiver must end today or later")
    device = resolve_device(store, host) if host is not None else None
    if rule is not None:
        rule = rule.strip()
        known = known_rules(store)
        if rule not in known:
            close = sorted(r for r in known if rule.split(":")[-1] in r)[:8]
            hint = f"; did you mean: {', '.join(close)}" if close else ""
            raise UsageError(f"no finding in the inventory names rule or list {rule!r}{hint}")
    created = _now()
    with _writing(store, "record the waiver") as conn:
        cursor = conn.execute(
            "INSERT INTO waiver (device_id, rule, who, why, created, until) VALUES (?, ?, ?, ?, ?, ?)",
            (device, rule, who_text, why_text, created, end),
        )
        waiver_id = cursor.lastrowid
    assert waiver_id is not None
    return Waiver(waiver_id, device, rule, who_text or "", why_text or "", created, end)


def revoke_waiver(store: Store, waiver_id: int, *, who: str, why: str) -> Waiver:
    who_text = _text(who, "--who")
    why_text = _text(why, "--why")
    with _writing(store, "revoke the waiver") as conn:
        row = conn.execute("SELECT revoked FROM waiver WHERE id = ?", (waiver_id,)).fetchone()
        if row is None:
            raise UsageError(f"there is no waiver {waiver_id} (`custodiet waivers` lists them)")
        if row[0] is not None:
            raise UsageError(f"waiver {waiver_id} was already revoked on {row[0]}")
        conn.execute(
            "UPDATE waiver SET revoked = ?, revoked_by = ?, revoked_why = ? WHERE id = ?",
            (_now(), who_text, why_text, waiver_id),
        )
    return next(w for w in waivers(store) if w.id == waiver_id)


def waivers(store: Store) -> list[Waiver]:
    """Every waiver, oldest first (revoked and expired ones included: they are the record)."""
    return [Waiver(*row) for row in store._conn.execute(f"SELECT {_WAIVER_COLUMNS} FROM waiver ORDER BY id")]


def add_remediation(
    store: Store,
    *,
    host: str,
    state: str,
    who: str,
    ticket: str | None = None,
    note: str | None = None,
    at: str | None = None,
) -> Remediation:
    """Record one step of a device's remediation (open, ticketed, replaced, removed, verified-absent)."""
    wanted = state.strip().lower().replace(" ", "-").replace("_", "-")
    if wanted not in REMEDIATION_STATES:
        raise UsageError(f"remediation state {state!r} is not one of: {', '.join(REMEDIATION_STATES)}")
    who_text = _text(who, "--who")
    ticket_text = _text(ticket, "--ticket", required=False)
    note_text = _text(note, "--note", required=False)
    when = _now() if at is None else parse_day(at, "--at") + "T00:00:00Z"
    device = resolve_device(store, host)
    with _writing(store, "record the remediation step") as conn:
        cursor = conn.execute(
            "INSERT INTO remediation (device_id, state, at, who, ticket, note) VALUES (?, ?, ?, ?, ?, ?)",
            (device, wanted, when, who_text, ticket_text, note_text),
        )
        step_id = cursor.lastrowid
    assert step_id is not None
    return Remediation(step_id, device, wanted, when, who_text or "", ticket_text, note_text)


def remediation_log(store: Store, device: str | None = None) -> list[Remediation]:
    """Every step (of one device), in the order they were recorded."""
    if device is None:
        rows = store._conn.execute(f"SELECT {_REMEDIATION_COLUMNS} FROM remediation ORDER BY id")
    else:
        rows = store._conn.execute(
            f"SELECT {_REMEDIATION_COLUMNS} FROM remediation WHERE device_id = ? ORDER BY id", (device,)
        )
    return [Remediation(*row) for row in rows]


def latest_remediation(store: Store) -> dict[str, Remediation]:
    """Each device's latest step: its remediation state."""
    rows = store._conn.execute(
        f"""SELECT {_REMEDIATION_COLUMNS} FROM remediation
            WHERE id IN (SELECT max(id) FROM remediation GROUP BY device_id)"""
    )
    return {row[1]: Remediation(*row) for row in rows}
