"""Queries over one run's devices and findings without loading the run: filters, sorting and
pages, counted in SQL. They serve the dashboard and the CLI's listings, so that the first page of
a 100,000-device run costs one sorted scan of small rows (state holds no evidence; state_detail
does, and is read only for the devices shown).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from custodiet.errors import UsageError
from custodiet.model import status_word
from custodiet.store import codec

if TYPE_CHECKING:
    from custodiet.store.store import Store

PER_PAGE_MAX = 500


def address_key(addresses: str | None) -> str:
    """Sort key of a device's first address: numeric, IPv4 before IPv6 (SQL custodiet_address_key)."""
    values = codec.loads(addresses) or ()
    if not values:
        return "9"
    try:
        ip = ipaddress.ip_address(values[0])
    except ValueError:
        return "8" + str(values[0]).lower()
    return f"{ip.version}{int(ip):039d}"


# Sortable columns: name -> SQL (ties broken by device id).
SORTS = {
    "status": "s.covered DESC, s.review DESC, s.confidence DESC",
    "id": "r.device_id",
    "address": "custodiet_address_key(s.addresses)",
    "manufacturer": "s.manufacturer IS NULL, s.manufacturer COLLATE NOCASE",
    "model": "s.model IS NULL, s.model COLLATE NOCASE",
    "firmware": "s.firmware IS NULL, s.firmware COLLATE NOCASE",
    "type": "s.device_type IS NULL, s.device_type",
    "site": "s.site IS NULL, s.site COLLATE NOCASE",
    "confidence": "s.confidence DESC",
    "first_seen": "d.first_seen_run",
    "last_seen": "d.last_seen_run DESC",
}


_SEARCHED = (
    "r.device_id",
    "s.addresses",
    "s.hostnames",
    "s.manufacturer",
    "s.brand",
    "s.model",
    "s.site",
    "s.serial",
    "s.owner",
)


@dataclass(frozen=True)
class DeviceFilter:
    """What a device listing shows; None means "any". status: covered | review | clear."""

    status: str | None = None
    manufacturer: str | None = None
    site: str | None = None
    device_type: str | None = None
    remediation: str | None = None  # a remediation state, or "none"
    text: str | None = None  # words that must all appear in id, addresses, hostnames, maker, model, site

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.status == "covered":
            clauses.append("s.covered")
        elif self.status == "review":
            clauses.append("s.review")
        elif self.status == "clear":
            clauses.append("NOT s.covered AND NOT s.review")
        elif self.status not in (None, ""):
            raise UsageError(f"status {self.status!r} is not one of covered, review, clear")
        for column, value in (
            ("manufacturer", self.manufacturer),
            ("site", self.site),
            ("device_type", self.device_type),
        ):
            if value is None:
                continue
            if value == "":
                clauses.append(f"s.{column} IS NULL")
            else:
                clauses.append(f"s.{column} = ?")
                args.append(value)
        if self.remediation:
            latest = "(SELECT m.state FROM remediation m WHERE m.device_id = r.device_id ORDER BY m.id DESC LIMIT 1)"
            if self.remediation == "none":
                clauses.append(f"{latest} IS NULL")
            else:
                clauses.append(f"{latest} = ?")
                args.append(self.remediation)
        for word in (self.text or "").split()[:8]:
            # LIKE is case-insensitive for ASCII and needs no copy of the row's text per column.
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in _SEARCHED) + ")")
            args.extend([pattern] * len(_SEARCHED))
        return (" AND " + " AND ".join(clauses)) if clauses else "", args

    def only_status(self) -> bool:
        """Whether nothing but the status filters (the run's counts then say how many match)."""
        return not (
            self.manufacturer is not None
            or self.site is not None
            or self.device_type is not None
            or self.remediation
            or (self.text or "").strip()
        )


@dataclass(frozen=True, slots=True)
class DeviceRow:
    """One line of a device listing."""

    id: str
    addresses: tuple[str, ...]
    mac: str | None
    hostnames: tuple[str, ...]
    manufacturer: str | None
    brand: str | None
    model: str | None
    firmware: str | None
    device_type: str | None
    confidence: float
    covered: bool
    review: bool
    site: str | None
    serial: str | None
    owner: str | None
    first_run: int
    first_seen: str
    last_run: int
    last_seen: str
    remediation: str | None

    @property
    def status(self) -> str:
        return status_word(self.covered, self.review)


_ROW_SELECT = """r.device_id, s.addresses, s.mac, s.hostnames, s.manufacturer, s.brand, s.model, s.firmware,
    s.device_type, s.confidence, s.covered, s.review, s.site, s.serial, s.owner,
    d.first_seen_run, (SELECT started FROM run WHERE id = d.first_seen_run),
    d.last_seen_run, (SELECT started FROM run WHERE id = d.last_seen_run),
    (SELECT m.state FROM remediation m WHERE m.device_id = r.device_id ORDER BY m.id DESC LIMIT 1)"""
_FROM = "run_device r JOIN state s ON s.id = r.state_id JOIN device d ON d.id = r.device_id"


def _row(values: tuple[Any, ...]) -> DeviceRow:
    (
        device_id,
        addresses,
        mac,
        hostnames,
        manufacturer,
        brand,
        model,
        firmware,
        device_type,
        confidence,
        covered,
        review,
        site,
        serial,
        owner,
        first_run,
        first_seen,
        last_run,
        last_seen,
        remediation,
    ) = values
    return DeviceRow(
        device_id,
        tuple(codec.loads(addresses) or ()),
        mac,
        tuple(codec.loads(hostnames) or ()),
        manufacturer,
        brand,
        model,
        firmware,
        device_type,
        confidence,
        bool(covered),
        bool(review),
        site,
        serial,
        owner,
        first_run,
        first_seen or "",
        last_run,
        last_seen or "",
        remediation,
    )


def _prepare(store: Store) -> None:
    store._conn.create_function("custodiet_address_key", 1, address_key, deterministic=True)


def list_devices(
    store: Store,
    run_id: int,
    where: DeviceFilter | None = None,
    *,
    sort: str = "status",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[DeviceRow], int]:
    """A page of the run's devices and how many match in all."""
    if sort not in SORTS:
        raise UsageError(f"cannot sort by {sort!r} (one of: {', '.join(SORTS)})")
    limit = max(1, min(int(limit), PER_PAGE_MAX))
    offset = max(0, int(offset))
    _prepare(store)
    clause, args = (where or DeviceFilter()).where()
    order = SORTS[sort]
    if descending:
        order = ", ".join(_flip(part) for part in order.split(", "))
    conn = store._conn
    where_ = where or DeviceFilter()
    total = _fast_count(store, run_id, where_) if where_.only_status() else None
    if total is None:
        total = conn.execute(
            f"SELECT count(*) FROM run_device r JOIN state s ON s.id = r.state_id WHERE r.run_id = ?{clause}",
            [run_id, *args],
        ).fetchone()[0]
    # The page's keys first, sorted over small rows; then the rows of those keys alone (computing
    # every output column for each of 100,000 rows before sorting is what costs).
    device_join = " JOIN device d ON d.id = r.device_id" if "d." in order else ""
    keys = [
        row[0]
        for row in conn.execute(
            f"SELECT r.device_id FROM run_device r JOIN state s ON s.id = r.state_id{device_join} "
            f"WHERE r.run_id = ?{clause} ORDER BY {order}, r.device_id LIMIT ? OFFSET ?",
            [run_id, *args, limit, offset],
        )
    ]
    if not keys:
        return [], total
    marks = ", ".join("?" * len(keys))
    found = {
        row[0]: _row(row)
        for row in conn.execute(
            f"SELECT {_ROW_SELECT} FROM {_FROM} WHERE r.run_id = ? AND r.device_id IN ({marks})",
            [run_id, *keys],
        )
    }
    return [found[key] for key in keys if key in found], total


def _fast_count(store: Store, run_id: int, where: DeviceFilter) -> int | None:
    """How many devices match a status-only filter, from the counts the run keeps."""
    row = store._conn.execute("SELECT devices, covered, review FROM run WHERE id = ?", (run_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    devices, covered, review = row
    return {
        None: devices,
        "": devices,
        "covered": covered,
        "review": review,
        "clear": devices - covered - review,
    }.get(where.status)


def _flip(part: str) -> str:
    if part.endswith(" DESC"):
        return part[: -len(" DESC")]
    if part.endswith(" IS NULL"):
        return part  # unknown values stay last
    return part + " DESC"


def device_row(store: Store, run_id: int, device_id: str) -> DeviceRow | None:
    row = store._conn.execute(
        f"SELECT {_ROW_SELECT} FROM {_FROM} WHERE r.run_id = ? AND r.device_id = ?", (run_id, device_id)
    ).fetchone()
    return _row(row) if row else None


def facets(store: Store, run_id: int) -> dict[str, list[tuple[str, int, int, int]]]:
    """Per manufacturer, site and type: (value, devices, covered, needs review), most first."""
    out: dict[str, list[tuple[str, int, int, int]]] = {}
    for dimension, value, devices, covered, review in store._conn.execute(
        "SELECT dimension, value, devices, covered, review FROM run_summary WHERE run_id = ? "
        "ORDER BY dimension, covered DESC, devices DESC, value",
        (run_id,),
    ):
        out.setdefault(dimension, []).append((value, devices, covered or 0, review or 0))
    return out


def over_time(
    store: Store, dimension: str, limit: int = 8
) -> tuple[list[tuple[int, str]], dict[str, list[int]]]:
    """Covered devices per value of a dimension (manufacturer, site, device_type) in every run:
    ([(run id, started)], {value: [covered in each run]}), the values with most covered first."""
    conn = store._conn
    runs = conn.execute("SELECT id, started FROM run WHERE finished IS NOT NULL ORDER BY id").fetchall()
    index = {run_id: i for i, (run_id, _) in enumerate(runs)}
    series: dict[str, list[int]] = {}
    for run_id, value, covered in conn.execute(
        "SELECT run_id, value, covered FROM run_summary WHERE dimension = ? AND covered > 0", (dimension,)
    ):
        if run_id in index:
            series.setdefault(value, [0] * len(runs))[index[run_id]] = covered
    top = sorted(series, key=lambda v: (-sum(series[v]), v))[:limit]
    return [(r, s) for r, s in runs], {v: series[v] for v in top}


@dataclass(frozen=True, slots=True)
class FindingRow:
    device: str
    addresses: tuple[str, ...]
    manufacturer: str | None
    model: str | None
    site: str | None
    rule: str
    list: str
    entity: str
    reason: str
    scope: str
    severity: str
    sources: tuple[str, ...]


def list_findings(
    store: Store,
    run_id: int,
    *,
    severity: str | None = None,
    rule: str | None = None,
    device: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[FindingRow], int]:
    """A page of the run's findings (most severe first) and how many match."""
    limit = max(1, min(int(limit), PER_PAGE_MAX))
    clauses, args = [], []
    if severity:
        clauses.append("f.severity = ?")
        args.append(severity)
    if rule:
        clauses.append("(f.rule = ? OR f.list = ?)")
        args.extend([rule, rule])
    if device:
        clauses.append("r.device_id = ?")
        args.append(device)
    where = "".join(" AND " + c for c in clauses)
    base = "run_device r JOIN state_finding f ON f.state_id = r.state_id JOIN state s ON s.id = r.state_id"
    conn = store._conn
    total = conn.execute(
        f"SELECT count(*) FROM {base} WHERE r.run_id = ?{where}", [run_id, *args]
    ).fetchone()[0]
    order = (
        "CASE f.severity WHEN 'exploited' THEN 0 WHEN 'covered' THEN 1 WHEN 'verify' THEN 2 "
        "WHEN 'advisory' THEN 3 ELSE 4 END, f.list, r.device_id, f.id"
    )
    rows = conn.execute(
        f"""SELECT r.device_id, s.addresses, s.manufacturer, s.model, s.site, f.rule, f.list, f.entity, f.reason,
                   f.scope, f.severity, f.sources
            FROM {base} WHERE r.run_id = ?{where} ORDER BY {order} LIMIT ? OFFSET ?""",
        [run_id, *args, limit, max(0, int(offset))],
    ).fetchall()
    return [
        FindingRow(
            row[0],
            tuple(codec.loads(row[1]) or ()),
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            tuple(codec.loads(row[11]) or ()),
        )
        for row in rows
    ], total


def device_findings(store: Store, run_id: int, device_id: str) -> list[FindingRow]:
    return list_findings(store, run_id, device=device_id, limit=PER_PAGE_MAX)[0]
