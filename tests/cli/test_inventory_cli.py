"""The history, decision, export and compliance commands through the real `custodiet` command."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from custodiet.store import Store, history

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def custodiet(*args: str | Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(db), "COLUMNS": "200"},
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "inventory.sqlite"
    for inputs in ((EXAMPLES / "sample-network.xml", EXAMPLES / "inventory.csv"), (EXAMPLES,)):
        assert custodiet("audit", *inputs, "--quiet", db=path).returncode == 0
    return path


def test_diff_as_text_and_json_on_standard_output(db: Path) -> None:
    with Store(db) as store:
        expected = history.diff(store, 1, 2)
    counts = [len(expected.new), len(expected.gone), len(expected.changed)]
    text = custodiet("diff", db=db)
    assert text.returncode == 0
    assert "run 1" in text.stdout and "{} new, {} gone, {} changed".format(*counts) in text.stdout
    doc = json.loads(custodiet("diff", "--from", "1", "--to", "2", "--json", "-", db=db).stdout)
    assert [len(doc[k]) for k in ("new", "gone", "changed")] == counts
    # Scanning the namespace too (run 2) adds devices and addresses; nothing is gone.
    assert counts[0] >= 5 and counts[1] == 0 and counts[2] >= 5
    assert sorted(d["id"] for d in doc["new"]) == sorted(d.id for d in expected.new)
    lorex = next(c for c in doc["changed"] if c["addresses"][0] == "127.0.0.25")
    assert {"what": "status", "before": "needs review", "after": "covered"} in lorex["changes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "--from", "9"), "has no finished run 9 (runs: 1-2"),
        (("report", "--run", "42"), "has no finished run 42 (runs: 1-2"),
        (("devices", "--run", "0"), "has no finished run 0"),
        (("history", "10.99.99.99"), "no device named '10.99.99.99' in the inventory"),
        (
            ("waive", "--device", "10.99.99.99", "--who", "a", "--why", "b", "--until", "2099-01-01"),
            "no device named",
        ),
        (
            ("waive", "--rule", "nope", "--who", "a", "--why", "b", "--until", "2099-01-01"),
            "no finding in the inventory",
        ),
        (("remediate", "127.0.0.20", "--state", "gone", "--who", "a"), "is not one of"),
        (("export", "--format", "xml"), "--format accepts csv or jsonl"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_write_nothing(
    db: Path, args: tuple[str, ...], message: str
) -> None:
    before = custodiet("waivers", db=db).stdout
    result = custodiet(*args, db=db)
    assert result.returncode != 0
    assert message in " ".join(result.stderr.split())
    assert custodiet("waivers", db=db).stdout == before


def test_decisions_reach_the_export_and_the_compliance_report(db: Path, tmp_path: Path) -> None:
    assert (
        custodiet(
            "remediate", "127.0.0.20", "--state", "ticketed", "--who", "soc", "--ticket", "INC-7", db=db
        ).returncode
        == 0
    )
    waived = custodiet(
        "waive", "--device", "127.0.0.25", "--rule", "us-ndaa-fy2019-s889", "--who", "ciso",
        "--why", "isolated VLAN", "--until", "2099-12-31", db=db,
    )  # fmt: skip
    assert waived.returncode == 0 and "until 2099-12-31" in waived.stdout
    with Store(db) as store:
        run = store.load_run(evidence="none")
    lines = custodiet("export", db=db).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(run.findings) and len({r["key"] for r in records}) == len(records)
    lorex = [r for r in records if r["addresses"] and r["addresses"][0] == "127.0.0.25"]
    assert {r["list"]: r["status"] for r in lorex} == {
        "us-fcc-covered-list": "open",
        "us-ndaa-fy2019-s889": "waived",
    }
    camera = next(r for r in records if r["addresses"] and r["addresses"][0] == "127.0.0.20")
    assert (camera["remediation"], camera["ticket"], camera["site"]) == (
        "ticketed",
        "INC-7",
        "HQ / Floor 0 / Lobby",
    )
    open_only = custodiet("export", "--open", "--format", "csv", db=db).stdout
    rows = list(csv.DictReader(io.StringIO(open_only)))
    assert len(rows) == len(run.findings) - 1 and {r["status"] for r in rows} == {"open"}
    report = tmp_path / "889.html"
    result = custodiet(
        "compliance", "--html", report, "--organisation", "Example <Corp>", "--contract", "W91-1", db=db
    )
    assert result.returncode == 0, result.stderr
    html = report.read_text(encoding="utf-8")
    assert "Example &lt;Corp&gt;" in html and "W91-1" in html and "<script" not in html
    covered = sum(d.covered for d in run.devices)
    assert (
        "isolated VLAN" in html and "INC-7" in html and f"{covered} device(s) are covered equipment" in html
    )
    runs = custodiet("runs", db=db).stdout
    assert "us-federal" in runs and "examples/inventory.csv" in runs
