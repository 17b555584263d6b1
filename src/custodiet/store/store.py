"""The SQLite inventory: runs, their inputs, observations, devices and findings.

One file, WAL mode (readers never block the writer, and a killed writer leaves the last committed
state), schema versioned by PRAGMA user_version and upgraded on open (store.migrations). Every
SQLite failure surfaces as StoreError naming the file, so the CLI can say which --db is broken.

Opening says precisely what is wrong: a missing folder is never created here; an inventory that
cannot be written (read-only file system, immutable file, permission denied) is refused for a
run with that reason, and opened read-only for reading (readonly=True: `runs`, `report`,
`explain`); a damaged file (PRAGMA integrity_check fails) is refused before a run is appended to it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from custodiet.errors import NotFoundError, StoreError, UsageError
from custodiet.model import Device, Finding, Match, Observation, PhoneHome, RunReport
from custodiet.store import codec, migrations
from custodiet.store.names import host_prefix, query_names
from custodiet.store.writer import OBSERVATION_SELECT, RunWriter, _contacts, decode_observations, now, paths


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One finished run, counted: what `custodiet runs` lists (review: devices that need review;
    files: its inputs' paths; profile: the profile it was audited with, None for old runs)."""

    id: int
    started: str
    finished: str
    inputs: int
    devices: int
    covered: int
    findings: int
    review: int = 0
    profile: str | None = None
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceDetail:
    """One device of one run with every observation behind it, for `custodiet show HOST`;
    contacts are its traffic summed per kind, name, remote and port, phone_home what they mean."""

    device: Device
    observations: list[tuple[Observation, tuple[Match, ...]]]
    contacts: list[codec.ContactSummary] = field(default_factory=list)
    phone_home: list[PhoneHome] = field(default_factory=list)


DAMAGED = (
    "is damaged ({detail}): restore it from a backup, or salvage what is left with "
    "`sqlite3 FILE .recover`; custodiet does not write to a damaged inventory"
)


@contextmanager
def _errors(label: str, doing: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_CORRUPT" or "malformed" in str(exc):
            raise StoreError(DAMAGED.format(detail=exc), file=label) from exc
        raise StoreError(f"{doing}: {exc}", file=label) from exc
    except sqlite3.Error as exc:
        raise StoreError(f"{doing}: {exc}", file=label) from exc


def _reason(exc: OSError) -> str:
    """The cause of a refused write, in the words a user can act on."""
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.EACCES:
        return "permission denied"
    if exc.errno == errno.EPERM:
        return "operation not permitted (an immutable or append-only file? see lsattr)"
    return exc.strerror or str(exc)


def _unwritable(path: Path) -> OSError | None:
    """Why SQLite could not write this existing inventory (the file, or its folder, where the
    -wal and -shm files live), or None when it can."""
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        return exc
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return PermissionError(errno.EACCES, f"cannot write in the folder {folder}")
    return None


class Store:
    """Open (create, migrate) an inventory; see the module doc. Use as a context manager."""

    def __init__(self, path: str | Path, *, timeout: float = 5.0, readonly: bool = False) -> None:
        """timeout: seconds to wait for another process's write lock before giving up.

        readonly: for commands that only read. The file must exist (NotFoundError otherwise); it
        is opened as usual when it can be written (so an old schema is still upgraded), else
        read-only, without upgrading. Without it, an inventory that cannot be written is refused
        with the reason (read-only file system, permission denied, ...)."""
        self.path = Path(path)
        self._label = str(path)
        self._writer: RunWriter | None = None
        self.readonly = False  # True when opened read-only (see readonly above)
        self._conn = self._connect(timeout, readonly)
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    # Opening -----------------------------------------------------------------------------------

    def _connect(self, timeout: float, reading: bool) -> sqlite3.Connection:
        folder = self.path.parent
        try:
            if not stat.S_ISDIR(os.stat(folder).st_mode):
                raise NotADirectoryError(errno.ENOTDIR, "not a directory")
            exists = self.path.exists()
            if stat.S_ISDIR(os.stat(self.path).st_mode if exists else 0):
                raise StoreError("is a directory, not an inventory file", file=self._label)
        except FileNotFoundError:
            raise StoreError(
                f"the directory does not exist ({folder}); custodiet creates no folders for --db",
                file=self._label,
            ) from None
        except NotADirectoryError:
            raise StoreError(f"{folder} is not a directory", file=self._label) from None
        except PermissionError:
            raise StoreError(f"permission denied (cannot reach {folder})", file=self._label) from None
        if not exists:
            if reading:
                raise NotFoundError("no inventory here yet (`custodiet audit` creates one)", file=self._label)
            # The inventory maps the network: readable by its owner only (SQLite gives the
            # -wal and -shm files the same mode).
            try:
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(f"cannot create: {_reason(exc)}", file=self._label) from exc
        else:
            problem = _unwritable(self.path)
            if problem is not None:
                if not reading:
                    raise StoreError(
                        f"cannot record a run: {_reason(problem)} (reading commands such as "
                        "`custodiet runs` and `custodiet report` still work)",
                        file=self._label,
                    )
                return self._connect_readonly(timeout, problem)
        with _errors(self._label, "cannot open"):
            return sqlite3.connect(self.path, timeout=timeout, isolation_level=None)

    def _connect_readonly(self, timeout: float, problem: OSError) -> sqlite3.Connection:
        """A read-only connection. SQLite reads a WAL inventory read-only when its -shm file exists
        or can be made; on a read-only file system or an immutable file it may not, and the file
        is then opened as immutable (nothing can change it there), unless a write-ahead log holds
        changes not yet in the main file, which immutable mode would not see."""
        self.readonly = True
        if not os.access(self.path, os.R_OK):
            raise StoreError("cannot read: permission denied", file=self._label)
        uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
        try:
            return self._open_uri(uri, timeout)
        except sqlite3.Error as exc:
            first = exc
        wal = Path(f"{self.path}-wal")
        unsaved = wal.exists() and wal.stat().st_size > 0
        if problem.errno in (errno.EROFS, errno.EPERM) and not unsaved:
            with _errors(self._label, f"cannot open read-only ({_reason(problem)})"):
                return self._open_uri(uri + "&immutable=1", timeout)
        raise StoreError(
            f"cannot open read-only ({_reason(problem)}): {first}"
            + (f"; its write-ahead log {wal} must be taken in by a writer first" if unsaved else ""),
            file=self._label,
        )

    @staticmethod
    def _open_uri(uri: str, timeout: float) -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _prepare(self) -> None:
        conn = self._conn
        known = migrations.MIGRATIONS
        with _errors(self._label, "cannot open as a custodiet inventory"):
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != migrations.APPLICATION_ID and (app_id != 0 or version != 0 or tables != 0):
            raise StoreError(
                "is an SQLite file of another application, not a custodiet inventory", file=self._label
            )
        if version > len(known):
            raise StoreError(
                f"was written by a newer custodiet (schema {version}; this version knows up to "
                f"{len(known)}); upgrade custodiet",
                file=self._label,
            )
        if self.readonly:
            if version < len(known):
                raise StoreError(
                    f"needs a schema upgrade ({version} -> {len(known)}), which a read-only inventory "
                    "cannot take: open it once where it can be written",
                    file=self._label,
                )
            return
        with _errors(self._label, "cannot open"):
            if tables == 0:
                # Bigger pages: fewer B-tree splits when a run appends a million rows (a new file only).
                conn.execute("PRAGMA page_size = 16384")
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            # NORMAL is safe in WAL mode (no corruption); a power cut may only lose the last run.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -32768")  # KiB: 32 MiB page cache
            conn.execute("PRAGMA temp_store = FILE")
        with _errors(self._label, "cannot upgrade the schema"):
            if version < len(known):
                migrations.migrate(conn, known)

    def close(self) -> None:
        """Close the file; a run still being written is rolled back."""
        if self._writer is not None:
            self._writer.abort()
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # Runs --------------------------------------------------------------------------------------

    def find_run(self, input_key: str) -> int | None:
        """The id of a finished run over exactly these inputs and content, if there is one."""
        with _errors(self._label, "cannot read runs"):
            row = self._conn.execute(
                "SELECT id FROM run WHERE input_key = ? AND finished IS NOT NULL", (input_key,)
            ).fetchone()
        return row[0] if row else None

    def begin_run(
        self,
        input_key: str,
        content_version: str,
        *,
        profile: str | None = None,
        options: Mapping[str, object] | None = None,
        lists: list[dict[str, object]] | None = None,
    ) -> RunWriter:
        """Start writing a run; waits up to `timeout` for another writer, then StoreError.

        profile, options and lists are kept with the run (what it was audited with, and the list
        versions in force), for reports of it later."""
        if self._writer is not None:
            raise StoreError("another run is being written through this connection", file=self._label)
        if self.readonly:
            raise StoreError("cannot record a run: opened read-only", file=self._label)
        self.check_integrity()
        conn = self._conn
        with _errors(self._label, "cannot start a run (is another custodiet writing to it?)"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                existing = conn.execute("SELECT id FROM run WHERE input_key = ?", (input_key,)).fetchone()
                if existing:
                    raise StoreError(f"run {existing[0]} already holds these inputs", file=self._label)
                cursor = conn.execute(
                    "INSERT INTO run (input_key, content_version, started, profile, options, lists) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        input_key,
                        content_version,
                        now(),
                        profile,
                        codec.dumps(options or {}),
                        codec.dumps(lists or []),
                    ),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        run_id = cursor.lastrowid
        assert run_id is not None
        self._writer = RunWriter(self, conn, self._label, run_id)
        return self._writer

    def check_integrity(self) -> None:
        """StoreError unless PRAGMA integrity_check finds the file sound: a run is never appended
        to a damaged inventory (it would stay unreadable, and the damage could spread). It reads
        the whole file: about 1.4 s for a 154 MiB inventory of 1,000,000 observations on the
        2-core test machine, 20% more than quick_check, which skips the index-against-table
        cross-check (bench/store_check.py prints both)."""
        with _errors(self._label, "cannot check the inventory"):
            rows = self._conn.execute("PRAGMA integrity_check(5)").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            detail = "; ".join(str(r[0]) for r in rows)
            raise StoreError(DAMAGED.format(detail=f"PRAGMA integrity_check: {detail}"), file=self._label)

    def _writer_closed(self, writer: RunWriter) -> None:
        if self._writer is writer:
            self._writer = None

    def _run_id(self, run_id: int | None) -> int:
        """run_id if that run is finished, or the latest finished run; StoreError otherwise
        (saying which runs there are)."""
        if run_id is None:
            row = self._conn.execute(
                "SELECT id FROM run WHERE finished IS NOT NULL ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise NotFoundError("holds no finished run yet (audit something first)", file=self._label)
            return row[0]
        row = self._conn.execute(
            "SELECT id FROM run WHERE id = ? AND finished IS NOT NULL", (run_id,)
        ).fetchone()
        if row is None:
            ids = [
                r[0] for r in self._conn.execute("SELECT id FROM run WHERE finished IS NOT NULL ORDER BY id")
            ]
            known = _ranges_text(ids) if ids else "none yet"
            raise NotFoundError(
                f"has no finished run {run_id} (runs: {known}; `custodiet runs` lists them)", file=self._label
            )
        return run_id

    def run_paths(self, run_id: int) -> dict[int, str]:
        """The run's input file numbers -> paths (evidence and observations name files by number)."""
        return paths(self._conn, run_id)

    def load_run(self, run_id: int | None = None, evidence: str = "all") -> RunReport:
        """Everything a report needs about one run (default: the latest finished run).

        evidence: "all" decodes every device's evidence; "covered" only covered devices' (enough
        for the terminal summary, and memory stays small on a 100,000-device run); "none" none.
        """
        with _errors(self._label, "cannot read run"):
            rid = self._run_id(run_id)
            conn = self._conn
            files = paths(conn, rid)
            started, finished, content_version, profile, options, lists = conn.execute(
                "SELECT started, finished, content_version, profile, options, lists FROM run WHERE id = ?",
                (rid,),
            ).fetchone()
            inputs = tuple(
                codec.load_input(row)
                for row in conn.execute(
                    f"SELECT {codec.INPUT_SELECT} FROM input WHERE run_id = ? ORDER BY id", (rid,)
                )
            )
            covered = codec.COVERED_COLUMN
            devices = tuple(
                codec.load_device(
                    row,
                    with_evidence=evidence == "all" or (evidence == "covered" and bool(row[covered])),
                    paths=files,
                )
                for row in conn.execute(
                    f"SELECT {codec.STATE_SELECT} FROM {codec.STATE_FROM} WHERE r.run_id = ? ORDER BY r.device_id",
                    (rid,),
                )
            )
            findings = tuple(
                codec.load_finding(row)
                for row in conn.execute(
                    f"SELECT {codec.FINDING_SELECT} FROM run_device r JOIN state_finding f "
                    "ON f.state_id = r.state_id WHERE r.run_id = ? ORDER BY r.device_id, f.id",
                    (rid,),
                )
            )
            phone_home = tuple(
                codec.load_phone_home(row)
                for row in conn.execute(
                    f"SELECT {codec.PHONE_HOME_SELECT} FROM phone_home WHERE run_id = ? ORDER BY id", (rid,)
                )
            )
        from custodiet.store import history

        with _errors(self._label, "cannot read run"):
            extra = history.run_context(self, rid, [d.id for d in devices])
        return RunReport(
            run_id=rid,
            started=started,
            finished=finished,
            content_version=content_version,
            inputs=inputs,
            devices=devices,
            findings=findings,
            phone_home=phone_home,
            profile=profile,
            options=tuple(sorted((str(k), str(v)) for k, v in (codec.loads(options) or {}).items())),
            lists=codec.load_lists(lists),
            **extra,
        )

    def device_findings(self, device_id: str, run_id: int | None = None) -> list[Finding]:
        """One device's findings in a run (default: the latest), without loading the run."""
        with _errors(self._label, "cannot read findings"):
            rid = self._run_id(run_id)
            return [
                codec.load_finding(row)
                for row in self._conn.execute(
                    f"SELECT {codec.FINDING_SELECT} FROM run_device r JOIN state_finding f "
                    "ON f.state_id = r.state_id WHERE r.run_id = ? AND r.device_id = ? ORDER BY f.id",
                    (rid, device_id),
                )
            ]

    def finding_severities(self, run_id: int) -> dict[str, int]:
        """How many findings of each severity a run has (for --fail-on without loading the run)."""
        with _errors(self._label, "cannot read run"):
            rows = self._conn.execute(
                "SELECT f.severity, COUNT(*) FROM run_device r JOIN state_finding f ON f.state_id = r.state_id "
                "WHERE r.run_id = ? GROUP BY f.severity",
                (run_id,),
            ).fetchall()
        return {severity: count for severity, count in rows}

    def runs(self) -> list[RunInfo]:
        """Every finished run, oldest first, with counts (kept in the run row at commit)."""
        with _errors(self._label, "cannot read runs"):
            rows = self._conn.execute(
                """SELECT r.id, r.started, r.finished,
                          (SELECT count(*) FROM input WHERE run_id = r.id),
                          coalesce(r.devices, 0), coalesce(r.covered, 0), coalesce(r.findings, 0),
                          coalesce(r.review, 0), r.profile
                   FROM run r WHERE r.finished IS NOT NULL ORDER BY r.id"""
            ).fetchall()
            files: dict[int, list[str]] = {}
            for run_id, path in self._conn.execute(
                "SELECT i.run_id, i.path FROM input i JOIN run r ON r.id = i.run_id "
                "WHERE r.finished IS NOT NULL AND i.format <> '-' ORDER BY i.run_id, i.id"
            ):
                files.setdefault(run_id, []).append(path)
        # a row is the nine counted columns above, in RunInfo's order (mypy cannot count them)
        return [RunInfo(*row, files=tuple(files.get(row[0], ()))) for row in rows]  # type: ignore[misc]

    # Devices -----------------------------------------------------------------------------------

    def device_detail(self, host: str, run_id: int | None = None) -> DeviceDetail:
        """One device named by id, IP, MAC (any notation) or hostname, with its observations.

        UsageError when no device or several devices carry that name (the candidates are listed).
        """
        with _errors(self._label, "cannot read device"):
            rid = self._run_id(run_id)
            device_id = self._resolve_host(host, rid)
        return self.device_detail_by_id(device_id, rid)

    def device_detail_by_id(self, device_id: str, run_id: int) -> DeviceDetail:
        """device_detail() of the device with exactly this id in that run; UsageError if it has none."""
        with _errors(self._label, "cannot read device"):
            rid = self._run_id(run_id)
            files = paths(self._conn, rid)
            row = self._conn.execute(
                f"SELECT {codec.STATE_SELECT}, s.observation_key FROM {codec.STATE_FROM} "
                "WHERE r.run_id = ? AND r.device_id = ?",
                (rid, device_id),
            ).fetchone()
            if row is None:
                raise UsageError(f"no device {device_id!r} in run {rid}")
            device = codec.load_device(row[:-1], paths=files)
            key = row[-1]
            observations: list[tuple[Observation, tuple[Match, ...]]] = []
            if key is not None:
                rows = self._conn.execute(
                    OBSERVATION_SELECT + "WHERE r.run_id = ? AND r.device_key = ? ORDER BY r.first_id, o.id",
                    (rid, key),
                )
                observations = [(obs, matches) for _, obs, matches in decode_observations(rows, files)]
            # Traffic-only devices have no observation key: their id is their contacts' key.
            contacts = _contacts(self._conn, rid, key if key is not None else device_id)
            phone_home = [
                codec.load_phone_home(r)
                for r in self._conn.execute(
                    f"SELECT {codec.PHONE_HOME_SELECT} FROM phone_home WHERE run_id = ? AND device_id = ? "
                    "ORDER BY id",
                    (rid, device_id),
                )
            ]
        return DeviceDetail(
            device=device, observations=observations, contacts=contacts, phone_home=phone_home
        )

    def _resolve_host(self, host: str, rid: int | None) -> str:
        """The id of the one device of run rid (any run when None) that `host` names."""
        ids = self.find_devices(host, rid)
        where = f"in run {rid}" if rid is not None else "in the inventory"
        if not ids:
            raise NotFoundError(f"no device named {host!r} {where} (try an IP address, MAC, hostname or id)")
        if len(ids) > 1:
            raise UsageError(
                f"{host!r} names {len(ids)} devices {where}; give one of: "
                + "; ".join(self._describe(rid, ids))
            )
        return ids[0]

    def find_devices(self, host: str, run_id: int | None = None) -> list[str]:
        """Ids of the devices that `host` (id, IP, MAC in any notation, hostname or its first
        label) names in one run, or in any run when run_id is None (newest names first matter
        not: a device keeps its id)."""
        names = sorted(query_names(host))
        marks = ", ".join("?" * len(names))
        conn = self._conn
        if run_id is None:
            exact = (
                f"SELECT DISTINCT s.device_id FROM state_name n JOIN state s ON s.id = n.state_id "
                f"WHERE n.name IN ({marks}) ORDER BY 1",
                names,
            )
            by_prefix = (
                "SELECT DISTINCT s.device_id FROM state_name n JOIN state s ON s.id = n.state_id "
                "WHERE n.name >= ? AND n.name < ? ORDER BY 1",
            )
        else:
            exact = (
                f"SELECT DISTINCT s.device_id FROM state_name n JOIN state s ON s.id = n.state_id "
                f"JOIN run_device r ON r.run_id = ? AND r.device_id = s.device_id AND r.state_id = s.id "
                f"WHERE n.name IN ({marks}) ORDER BY 1",
                [run_id, *names],  # type: ignore[list-item]
            )
            by_prefix = (
                "SELECT DISTINCT s.device_id FROM state_name n JOIN state s ON s.id = n.state_id "
                "JOIN run_device r ON r.run_id = ? AND r.device_id = s.device_id AND r.state_id = s.id "
                "WHERE n.name >= ? AND n.name < ? ORDER BY 1",
            )
        ids = [r[0] for r in conn.execute(*exact)]
        if not ids:
            # "cam1" for "cam1.example.org": the first label of a fully qualified name.
            prefix = host_prefix(host)
            args = [prefix, prefix[:-1] + "/"] if run_id is None else [run_id, prefix, prefix[:-1] + "/"]
            ids = [r[0] for r in conn.execute(by_prefix[0], args)]
        return ids

    def _describe(self, rid: int | None, ids: list[str], limit: int = 20) -> list[str]:
        out = []
        for device_id in ids[:limit]:
            if rid is None:
                row = self._conn.execute(
                    "SELECT addresses, hostnames FROM state WHERE device_id = ? ORDER BY id DESC LIMIT 1",
                    (device_id,),
                ).fetchone()
            else:
                row = self._conn.execute(
                    "SELECT s.addresses, s.hostnames FROM run_device r JOIN state s ON s.id = r.state_id "
                    "WHERE r.run_id = ? AND r.device_id = ?",
                    (rid, device_id),
                ).fetchone()
            addresses, hostnames = row
            extra = [*codec.loads(addresses), *codec.loads(hostnames)]
            out.append(f"{device_id} ({', '.join(extra)})" if extra else device_id)
        if len(ids) > limit:
            out.append(f"and {len(ids) - limit} more")
        return out


def _ranges_text(ids: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    parts: list[str] = []
    start = prev = ids[0]
    for value in [*ids[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if value is not None:
            start = prev = value
    return ", ".join(parts)
