"""The command line under hostile paths, full disks, odd inventories and bad options (issue 12,
rows 6, 8, 11, 12, 16, 18 and the one-rule items; issue 10's CLI conventions).

Everything runs the real command in a child process. Full disks and read-only mounts are real:
a small tmpfs mounted in a mount namespace the test creates (`unshare -m`, we run as root)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet import __version__
from custodiet.sources.registry import READERS
from custodiet.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-network.xml"
INVENTORY = ROOT / "examples" / "inventory.csv"
CLI = [sys.executable, "-m", "custodiet.cli.main"]
ESC = "\x1b"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without CUSTODIET_DB and COLUMNS (pytest sets COLUMNS=80 for children)."""
    base = {k: v for k, v in os.environ.items() if k not in ("CUSTODIET_DB", "COLUMNS")}
    return {**base, **extra}


def cli(*args: object, env: dict | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """The real command; no CUSTODIET_DB and no COLUMNS unless the test sets them."""
    result = subprocess.run(
        [*CLI, *map(str, args)], capture_output=True, input=stdin, timeout=300, env=clean_env(**(env or {}))
    )
    result.out = result.stdout.decode("utf-8", "replace")  # type: ignore[attr-defined]
    result.err = result.stderr.decode("utf-8", "replace")  # type: ignore[attr-defined]
    return result


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err


def runs_of(db: Path) -> list[int]:
    with Store(db, readonly=True) as store:
        return [r.id for r in store.runs()]


def namespaces_work() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


needs_namespaces = pytest.mark.skipif(not namespaces_work(), reason="needs root and unshare -m")


def in_mount_namespace(script: str, **values: object) -> str:
    """Run a shell script in a new mount namespace (its mounts vanish with it); its stdout."""
    env = clean_env(PY=sys.executable, **{k: str(v) for k, v in values.items()})
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# Conventions (issue 10) ---------------------------------------------------------------------------


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0 and result.out.strip() == f"custodiet {__version__}"


def test_audit_help_lists_every_format_of_the_registry() -> None:
    result = cli("audit", "--help", env={"COLUMNS": "250"})
    assert result.returncode == 0
    assert len(READERS) >= 13
    missing = [name for name in READERS if name not in result.out]
    assert missing == [], result.out


def test_usage_errors_and_bad_input_have_distinct_codes(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert cli("audit", SAMPLE, "--db", db, "--fail-on", "sometimes").returncode == 2
    assert cli("audit", SAMPLE, "--db", db, "--no-such-option").returncode == 2
    assert cli("audit", SAMPLE, "--db", db, "--format", "word-doc").returncode == 2
    empty = tmp_path / "empty.xml"
    empty.write_text("")
    bad = cli("audit", empty, "--db", db)
    assert bad.returncode == 5 and "empty.xml: empty file" in bad.err
    no_traceback(bad)


def test_report_of_an_unknown_run_or_of_no_run_is_a_usage_error(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    missing = cli("runs", "--db", db)
    assert missing.returncode == 2 and "no inventory here yet" in missing.err
    assert not db.exists()  # a reading command creates nothing
    Store(db).close()
    empty = cli("report", "--db", db)
    assert empty.returncode == 2 and "no finished run yet" in empty.err
    assert cli("audit", SAMPLE, "--db", db, "-q").returncode == 0
    unknown = cli("report", "--db", db, "--run", "99")
    assert unknown.returncode == 2 and "no finished run 99" in unknown.err
    no_traceback(unknown)


def test_standard_input_and_standard_output(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    result = cli("audit", "-", "--db", db, "--json", "-", stdin=SAMPLE.read_bytes())
    assert result.returncode == 0, result.err
    report = json.loads(result.stdout)  # nothing but the report on stdout; the summary went to stderr
    assert [i["path"] for i in report["inputs"]] == ["<stdin>"]
    assert any(d["manufacturer"] == "Hikvision" for d in report["devices"])
    assert {e["file"] for d in report["devices"] for e in d["evidence"]} == {"<stdin>"}
    assert "devices" in result.err
    table = cli("report", "--db", db, "--csv", "-")
    assert table.returncode == 0 and table.out.startswith('"id","addresses"')
    twice = cli("report", "--db", db, "--csv", "-", "--json", "-")
    assert twice.returncode == 2 and "standard output" in twice.err


def test_piped_output_is_not_wrapped(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert cli("audit", SAMPLE, "--db", db, "-q").returncode == 0
    result = cli("report", "--db", db)  # stdout is a pipe, COLUMNS unset
    assert result.returncode == 0
    assert any(len(line) > 120 for line in result.out.splitlines())
    assert any("Hangzhou Hikvision Digital Technology Company" in line for line in result.out.splitlines())


# Row 8: nothing from input reaches the terminal raw -------------------------------------------------


def test_control_characters_from_paths_and_options_are_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    evil = folder / "cam\x1b]0;pwned\x07\x1b[2J.xml"
    evil.write_text(SAMPLE.read_text()[:2000])  # nmap XML cut short: an error naming the file
    db = tmp_path / "db.sqlite"
    for target in (folder, evil, evil):  # the last: a run reused, its input error told again
        result = cli("audit", target, "--db", db)
        assert result.returncode == 5
        assert ESC not in result.err and "\x07" not in result.err and ESC not in result.out
        assert "cam\\x1b]0;pwned\\x07\\x1b[2J.xml" in result.err
    for args in (("--format", "x\x1b]0;t\x07"), ("--x\x1b[2J",), ("--fail-on", "\x1b[31m")):
        result = cli("audit", SAMPLE, "--db", db, *args)
        assert result.returncode == 2, result.err
        assert ESC not in result.err and "\\x1b" in result.err, result.err
        no_traceback(result)


# Row 6: reports into places that cannot take them ----------------------------------------------------


def test_report_paths_that_cannot_be_written_are_refused_before_any_work(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    missing = cli("audit", SAMPLE, "--db", db, "--json", tmp_path / "no" / "r.json")
    assert missing.returncode == 6 and "r.json" in missing.err and "does not exist" in missing.err
    assert not db.exists()  # refused before the audit
    folder = cli("audit", SAMPLE, "--db", db, "--html", tmp_path)
    assert folder.returncode == 6 and "is a folder" in folder.err
    for result in (missing, folder):
        no_traceback(result)


def test_a_full_device_keeps_the_run_and_the_device(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    result = cli("audit", SAMPLE, "--db", db, "--json", "/dev/full", "--csv", tmp_path / "r.csv", "-q")
    assert result.returncode == 6
    assert "/dev/full: cannot write: No space left on device" in result.err
    assert "custodiet report --run 1" in result.err
    no_traceback(result)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # written in place, never replaced
    assert (tmp_path / "r.csv").stat().st_size > 0  # the other report was written
    assert runs_of(db) == [1]


@needs_namespaces
def test_a_full_disk_leaves_no_truncated_report_and_keeps_the_run(tmp_path: Path) -> None:
    out = tmp_path / "small"
    out.mkdir()
    db = tmp_path / "db.sqlite"
    (out / "r.json").write_text("the previous report")
    printed = in_mount_namespace(
        'mount -t tmpfs -o size=48k tmpfs "$OUT" && echo old > "$OUT/r.json" && '
        '"$PY" -m custodiet.cli.main audit "$SAMPLE" --db "$DB" --json "$OUT/r.json" '
        '--html "$OUT/r.html" --csv "$OUT/r.csv" -q 2>"$DB.err"; echo "rc=$?"; ls -a "$OUT"; '
        'cat "$OUT/r.json"',
        OUT=out,
        DB=db,
        SAMPLE=SAMPLE,
    )
    lines = printed.split()
    assert lines[0] == "rc=6", printed + Path(f"{db}.err").read_text()
    assert sorted(lines[1:-1]) == [".", "..", "r.csv", "r.json"]  # no .part file, no r.html
    assert lines[-1] == "old"  # the previous report intact, not truncated
    err = Path(f"{db}.err").read_text()
    assert "No space left on device" in err and "Traceback" not in err
    assert runs_of(db) == [1]


def test_db_whose_parent_is_a_file_or_missing(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = cli("audit", SAMPLE, "--db", afile / "x.sqlite", "-q")
    assert result.returncode == 4 and f"{afile}/x.sqlite: {afile} is not a directory" in result.err
    no_traceback(result)
    missing = tmp_path / "no" / "such" / "x.sqlite"
    result = cli("audit", SAMPLE, "--db", missing, "-q")
    assert result.returncode == 4 and "does not exist" in result.err
    assert not (tmp_path / "no").exists()  # row 18: no folders made for --db
    result = cli("audit", SAMPLE, "-q", env={"CUSTODIET_DB": str(missing)})
    assert result.returncode == 4 and not (tmp_path / "no").exists()


def test_the_default_inventory_folder_is_created_owner_only(tmp_path: Path) -> None:
    result = cli("audit", SAMPLE, "-q", env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 0, result.err
    folder = tmp_path / "xdg" / "custodiet"
    assert (folder / "inventory.sqlite").is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_reports_are_written_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    old = tmp_path / "r.json"
    old.write_text("{}")
    old.chmod(0o644)
    paths = {"--html": tmp_path / "r.html", "--json": old, "--csv": tmp_path / "r.csv"}
    args = [a for option, path in paths.items() for a in (option, path)]
    assert cli("audit", SAMPLE, "--db", db, "-q", *args).returncode == 0
    for path in paths.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert json.loads(old.read_text())["devices"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# One rule: a bug in one reader is that input's error --------------------------------------------------


def test_an_unexpected_exception_in_one_reader_keeps_the_other_inputs(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    wrapper = tmp_path / "buggy.py"
    wrapper.write_text(
        "import sys\n"
        "from custodiet.sources import registry\n"
        "def buggy(path, label, stats, options):\n"
        "    yield from ()\n"
        "    raise ZeroDivisionError('simulated reader bug')\n"
        "registry.READERS['csv'] = buggy\n"
        "from custodiet.cli.main import app\n"
        "sys.argv = ['custodiet', *sys.argv[1:]]\n"
        "app()\n"
    )
    result = subprocess.run(
        [sys.executable, str(wrapper), "audit", str(SAMPLE), str(INVENTORY), "--db", str(db),
         "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=300,
        env=clean_env(),
    )  # fmt: skip
    assert result.returncode == 70, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "inventory.csv" in result.stderr
        and "internal error: ZeroDivisionError: simulated reader bug" in result.stderr
    )
    assert "This is a bug in custodiet" in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert any(d["manufacturer"] == "Hikvision" for d in report["devices"])  # the other input kept
    errors = {Path(i["path"]).name: i["error"] for i in report["inputs"]}
    assert "simulated reader bug" in errors["inventory.csv"] and errors["sample-network.xml"] is None
    assert runs_of(db) == [1]


def test_a_bug_outside_the_inputs_is_an_internal_error_not_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    wrapper = tmp_path / "buggy.py"
    wrapper.write_text(
        "import sys\n"
        "import custodiet.report.terminal as t\n"
        "def boom(*args, **kwargs):\n"
        "    raise KeyError('simulated renderer bug')\n"
        "t.render_summary = boom\n"
        "from custodiet.cli.main import app\n"
        "sys.argv = ['custodiet', *sys.argv[1:]]\n"
        "app()\n"
    )
    result = subprocess.run(
        [sys.executable, str(wrapper), "audit", str(SAMPLE), "--db", str(db)],
        capture_output=True, text=True, timeout=300,
        env=clean_env(),
    )  # fmt: skip
    assert result.returncode == 70
    assert "Traceback" not in result.stderr and "internal error: KeyError" in result.stderr
    assert runs_of(db) == [1]  # the run was committed before the summary failed


# Rows 11 and 12: inventories that cannot be written, or are damaged -----------------------------------


READ_ONLY_SCRIPT = """
run() { "$PY" -m custodiet.cli.main "$@" > "$OUT/$name.out" 2> "$OUT/$name.err"; echo "$name=$?"; }
mount -t tmpfs -o size=16m tmpfs "$INV" || exit 1
name=first run audit "$SAMPLE" --db "$INV/inv.sqlite" -q
prepare
name=runs run runs --db "$INV/inv.sqlite"
name=report run report --db "$INV/inv.sqlite" --json "$OUT/r.json"
name=audit run audit "$INVENTORY" --db "$INV/inv.sqlite" -q
undo
"""


@needs_namespaces
@pytest.mark.parametrize(
    ("prepare", "undo", "reason"),
    [
        ('mount -o remount,ro "$INV"', "true", "read-only file system"),
        ('chattr +i "$INV/inv.sqlite"', 'chattr -i "$INV/inv.sqlite"', "operation not permitted"),
    ],
    ids=["read-only-mount", "immutable-file"],
)
def test_a_read_only_inventory_is_read_and_refused_for_writing_with_the_reason(
    tmp_path: Path, prepare: str, undo: str, reason: str
) -> None:
    inv, out = tmp_path / "inv", tmp_path / "out"
    inv.mkdir()
    out.mkdir()
    script = READ_ONLY_SCRIPT.replace("prepare\n", prepare + "\n").replace("undo\n", undo + "\n")
    printed = in_mount_namespace(script, INV=inv, OUT=out, SAMPLE=SAMPLE, INVENTORY=INVENTORY)
    codes = dict(line.split("=") for line in printed.split())
    assert codes == {"first": "0", "runs": "0", "report": "0", "audit": "4"}, (
        printed + (out / "audit.err").read_text()
    )
    assert "Audit runs" in (out / "runs.out").read_text()
    assert json.loads((out / "r.json").read_text())["run"]["id"] == 1
    refused = (out / "audit.err").read_text()
    assert f"inv.sqlite: cannot record a run: {reason}" in refused
    assert "another custodiet" not in refused and "cannot open as" not in refused


def test_an_inventory_that_cannot_be_read_says_permission_denied(tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to act as another user")
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"custodiet-perm-{os.getpid()}"
    folder.mkdir(mode=0o755)
    try:
        db = folder / "inv.sqlite"
        assert cli("audit", SAMPLE, "--db", db, "-q").returncode == 0
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *CLI, "runs", "--db", str(db)],
            capture_output=True, text=True, timeout=120, env=clean_env(),
        )  # fmt: skip
        assert result.returncode == 4, result.stderr
        assert "inv.sqlite: cannot read: permission denied" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        shutil.rmtree(folder)


def test_a_damaged_inventory_is_not_appended_to(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert cli("audit", SAMPLE, "--db", db, "-q").returncode == 0
    with sqlite3.connect(db) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'state'").fetchone()[0]
    data = bytearray(db.read_bytes())
    end = root * page_size  # the end of the state table's page: its cells
    data[end - 384 : end] = b"\xa5" * 384
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    result = cli("audit", INVENTORY, "--db", db, "-q")
    assert result.returncode == 4, result.err
    assert "is damaged" in result.err and ".recover" in result.err
    no_traceback(result)
    assert db.read_bytes() == before
    listing = cli("report", "--db", db, "--json", tmp_path / "r.json")  # reads the damaged states
    assert listing.returncode == 4 and "is damaged" in listing.err, listing.err
