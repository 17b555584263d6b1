"""SNMPv3 (USM) with the credentials the user gives, against a real agent: net-snmp's snmpd.

The agent serves, as its sysDescr and sysObjectID, the values of the Huawei S5720 profile
(tests/emulators/profiles/07-huawei-switch.yaml, its line breaks as spaces: snmpd.conf takes one
line). Users: authPriv (SHA, AES) and authNoPriv (MD5).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from tests.emulators.network import worker_index

SNMPD = shutil.which("snmpd") or ("/usr/sbin/snmpd" if os.path.exists("/usr/sbin/snmpd") else None)
pytestmark = pytest.mark.skipif(SNMPD is None or os.geteuid() != 0, reason="needs net-snmp's snmpd and root")

AGENT = f"127.{worker_index()}.46.20"
CUSTODIET = str(Path(sys.executable).with_name("custodiet"))
SYSDESCR = (
    "S5720-12TP-PWR-LI-AC Huawei Versatile Routing Platform Software VRP (R) software,Version 5.170 "
    "(S5720 V200R010C00SPC600) Copyright (C) 2007 Huawei Technologies Co., Ltd."
)


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("snmpd")
    conf = tmp / "snmpd.conf"
    conf.write_text(
        f"agentAddress udp:{AGENT}:161\n"
        f"sysDescr {SYSDESCR}\n"
        "sysObjectID .1.3.6.1.4.1.2011.2.23.398\n"
        "sysName HUAWEI\n"
        "createUser private SHA authpass1234 AES privpass1234\n"
        "createUser signed MD5 authpass5678\n"
        "rouser private priv\n"
        "rouser signed auth\n"
    )
    env = {**os.environ, "MIBS": "", "SNMP_PERSISTENT_DIR": str(tmp / "persist")}
    proc = subprocess.Popen(
        [str(SNMPD), "-f", "-Lf", str(tmp / "log"), "-C", "-c", str(conf), "-p", str(tmp / "pid")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and b"NET-SNMP version" not in (
        (tmp / "log").read_bytes() if (tmp / "log").exists() else b""
    ):
        time.sleep(0.1)
    try:
        yield tmp
    finally:
        proc.terminate()
        proc.wait(10)


def scan(tmp: Path, name: str, *options: str) -> tuple[subprocess.CompletedProcess[bytes], list[dict], dict]:
    replies, report = tmp / f"{name}.jsonl", tmp / f"{name}.json"
    run = subprocess.run(
        [CUSTODIET, "scan", AGENT, "--ports", "22", "--timeout", "1", "--assume-up", "--db", str(tmp / f"{name}.sqlite"),
         "--replies", str(replies), "--json", str(report), "-q", *options],
        capture_output=True, timeout=120,
    )  # fmt: skip
    records = [orjson.loads(x) for x in replies.read_bytes().splitlines()] if replies.exists() else []
    return run, records, orjson.loads(report.read_bytes()) if report.exists() else {}


def test_auth_priv_sha_aes(agent: Path) -> None:
    run, records, report = scan(
        agent, "priv", "--snmp-user", "private", "--snmp-auth-protocol", "SHA",
        "--snmp-auth-password", "authpass1234", "--snmp-priv-protocol", "AES", "--snmp-priv-password", "privpass1234",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    snmp = [r for r in records if r.get("protocol") == "snmp"]
    assert len(snmp) == 2  # engine discovery (a report), then the encrypted GET
    assert "decoded_b64" in snmp[1] and "error" not in snmp[1]
    assert b"Huawei Versatile" not in orjson.dumps(snmp[1]["reply_b64"])  # encrypted on the wire
    text = (agent / "priv.jsonl").read_bytes()
    assert b"authpass1234" not in text and b"privpass1234" not in text
    device = report["devices"][0]
    assert device["manufacturer"] == "Huawei" and device["covered"]
    assert {"snmp.sysdescr", "snmp.sysobjectid"} <= {e["field"] for e in device["evidence"]}
    assert "HUAWEI" in device["hostnames"]


def test_auth_no_priv_md5_via_environment(agent: Path) -> None:
    os.environ["CUSTODIET_SNMP_AUTH_PASSWORD"] = "authpass5678"
    try:
        run, _records, report = scan(agent, "auth", "--snmp-user", "signed", "--snmp-auth-protocol", "MD5")
    finally:
        del os.environ["CUSTODIET_SNMP_AUTH_PASSWORD"]
    assert run.returncode == 0, run.stderr.decode()
    assert report["devices"][0]["manufacturer"] == "Huawei"


def test_a_wrong_key_identifies_nothing(agent: Path) -> None:
    run, records, report = scan(
        agent, "wrong", "--snmp-user", "private", "--snmp-auth-password", "not-the-password",
        "--snmp-priv-password", "privpass1234",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    snmp = [r for r in records if r.get("protocol") == "snmp"]
    assert snmp and all("decoded_b64" not in r for r in snmp)
    assert [r.get("error") for r in snmp][-1]
    assert not [d for d in report["devices"] if d["manufacturer"]]


def test_v3_options_are_checked(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custodiet.cli.main import app

    for options in (["--snmp-auth-password", "authpass1234"], ["--snmp-user", "u", "--snmp-auth-password", "short"],
                    ["--snmp-user", "u", "--snmp-auth-protocol", "SHA1", "--snmp-auth-password", "longenough"],
                    ["--snmp-user", "u", "--snmp-priv-password", "longenough"]):  # fmt: skip
        result = CliRunner().invoke(app, ["scan", AGENT, "--db", str(tmp_path / "x.sqlite"), *options])
        assert result.exit_code == 2, (options, result.output)
