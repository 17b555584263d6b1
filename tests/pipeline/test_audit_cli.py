"""`custodiet audit` end to end through the real command: the sample network, bad inputs, the store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample-network.xml"
INVENTORY = ROOT / "examples" / "inventory.csv"


def custodiet(*args: str | Path, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUSTODIET_DB": str(db), "COLUMNS": "200", **(env or {})},
    )


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select name from sqlite_master where type='table' and name not like 'sqlite_%'"
            )
        ]
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("audit")
    db = out / "inventory.sqlite"
    result = custodiet(
        "audit",
        SAMPLE,
        INVENTORY,
        "--html",
        out / "r.html",
        "--json",
        out / "r.json",
        "--csv",
        out / "r.csv",
        db=db,
    )
    return out, db, result


def test_sample_network_finds_covered_vendors_with_evidence(audited) -> None:
    out, _db, result = audited
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "r.json").read_text())
    by_address = {a: d for d in report["devices"] for a in d["addresses"]}
    hik = by_address["127.0.0.20"]
    assert hik["manufacturer"] == "Hikvision" and hik["covered"] is True and hik["confidence"] >= 0.9
    assert hik["model"] == "DS-2CD2386G2-IU"
    assert any(
        e["signature"].startswith("http") and e["file"].endswith("sample-network.xml")
        for e in hik["evidence"]
    )
    assert by_address["127.0.0.26"]["manufacturer"] == "Huawei"
    assert by_address["127.0.0.29"]["manufacturer"] == "Axis" and by_address["127.0.0.29"]["covered"] is False
    rules = {(f["device"], f["rule"]) for f in report["findings"]}
    assert (hik["id"], "us-fcc-covered-list:hikvision") in rules
    finding = next(
        f for f in report["findings"] if f["device"] == hik["id"] and f["list"] == "us-ndaa-fy2019-s889"
    )
    assert "Purpose-limited" in finding["scope"] and finding["reason"]
    assert "Hikvision" in result.stdout and "covered" in result.stdout


def test_hostile_device_text_stays_inert_in_html_and_csv(audited) -> None:
    out, _db, _ = audited
    html = (out / "r.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for line in (out / "r.csv").read_text().splitlines()[1:]:
        for cell in line.split(","):
            assert not cell.strip('"').startswith(("=", "+", "@")), line


def test_reaudit_changes_nothing(audited) -> None:
    _out, db, _ = audited
    before = counts(db)
    again = custodiet("audit", INVENTORY, SAMPLE, db=db)
    assert again.returncode == 0
    assert "already audited" in again.stderr
    assert counts(db) == before


def test_fail_on_covered_exits_1(audited) -> None:
    _out, db, _ = audited
    assert custodiet("audit", SAMPLE, "--fail-on", "covered", "--quiet", db=db).returncode == 1


def test_explain_prints_the_chain(audited) -> None:
    _out, db, _ = audited
    result = custodiet("explain", "127.0.0.20", db=db)
    assert result.returncode == 0, result.stderr
    assert "Hikvision" in result.stdout and "1 - prod(1 - s)" in result.stdout
    assert "us-fcc-covered-list:hikvision" in result.stdout
    missing = custodiet("explain", "10.9.9.9", db=db)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_truncated_xml_is_an_error_with_line_and_other_inputs_are_audited(tmp_path: Path) -> None:
    text = SAMPLE.read_text()
    broken = tmp_path / "broken.xml"
    broken.write_text(text[: len(text) // 2])
    db = tmp_path / "db.sqlite"
    result = custodiet("audit", broken, INVENTORY, "--json", tmp_path / "r.json", db=db)
    assert result.returncode == 5  # bad input
    assert "broken.xml" in result.stderr and "line" in result.stderr and "Traceback" not in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert any(d["manufacturer"] == "Hytera" for d in report["devices"])  # from the inventory
    assert any("127.0.0.20" in d["addresses"] for d in report["devices"])  # hosts before the cut


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xml", "", "empty file"),
        (
            "bomb.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            "<nmaprun>&lol2;</nmaprun>",
            "entit",
        ),
        ("noaddr.csv", "name,vendor\ncam1,Hikvision\n", "address"),
    ],
)
def test_bad_inputs_give_one_line_errors(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = custodiet("audit", path, db=tmp_path / "db.sqlite")
    assert result.returncode == 5
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") <= 3


def test_missing_path_is_reported_and_others_audited(tmp_path: Path) -> None:
    result = custodiet(
        "audit", tmp_path / "nope.xml", INVENTORY, "--json", tmp_path / "r.json", db=tmp_path / "db.sqlite"
    )
    assert result.returncode == 5 and "nope.xml" in result.stderr and "Traceback" not in result.stderr
    assert json.loads((tmp_path / "r.json").read_text())["devices"]


def test_a_crash_mid_audit_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    assert custodiet("audit", INVENTORY, db=db).returncode == 0
    before = counts(db)
    crash = tmp_path / "crash.py"
    crash.write_text(
        "import sys\n"
        "import custodiet.policy.evaluate as e\n"
        "calls = {'n': 0}\n"
        "orig = e.Policy.findings\n"
        "def boom(self, device):\n"
        "    calls['n'] += 1\n"
        "    if calls['n'] > 3:\n"
        "        raise RuntimeError('simulated crash')\n"
        "    return orig(self, device)\n"
        "e.Policy.findings = boom\n"
        "from custodiet.cli.main import app\n"
        "sys.argv = ['custodiet', 'audit', sys.argv[1]]\n"
        "app()\n"
    )
    result = subprocess.run(
        [sys.executable, str(crash), str(SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, "CUSTODIET_DB": str(db)},
        timeout=300,
    )
    assert result.returncode != 0 and "simulated crash" in result.stderr
    assert counts(db) == before
