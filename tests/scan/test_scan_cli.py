"""The `custodiet scan` command: exit codes, SNMP only with the community given, Ctrl-C keeps
what was found, and `custodiet audit` re-identifies a replies file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from tests.emulators.network import start_network, worker_index
from tests.emulators.scanbait import Bait

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="emulators need ports below 1024 (root)")

NET = f"127.{worker_index()}.44."
CUSTODIET = str(Path(sys.executable).with_name("custodiet"))


def custodiet(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([CUSTODIET, *args], capture_output=True, timeout=timeout)


def lines_of(path: Path) -> list[dict]:
    return [orjson.loads(x) for x in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def net():  # type: ignore[no-untyped-def]
    with start_network(
        ["hikvision-ipc", "huawei-switch", "cisco-switch"], base=NET, first=20, port_offset=0
    ) as network:
        yield network


def test_fail_on_covered_and_snmp_with_the_given_community(net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replies = tmp_path / "r.jsonl"
    run = custodiet(
        "scan", f"{NET}20-22", "--ports", "22,80,U:161", "--timeout", "1", "--snmp-community", "wrong",
        "--snmp-community", "public", "--db", str(tmp_path / "db.sqlite"), "--replies", str(replies),
        "--json", str(tmp_path / "r.json"), "--fail-on", "covered", "-q",
    )  # fmt: skip
    assert run.returncode == 1, run.stderr.decode()
    records = [r for r in lines_of(replies) if r.get("protocol") == "snmp"]
    # The wrong community goes unanswered (no record), the given one is answered, per agent.
    assert sorted(r["target"] for r in records) == [f"{NET}21", f"{NET}22"]
    assert all(r["port"] == 161 for r in records)
    report = orjson.loads((tmp_path / "r.json").read_bytes())
    huawei = next(d for d in report["devices"] if d["addresses"] == [f"{NET}21"])
    assert huawei["manufacturer"] == "Huawei" and huawei["covered"]
    assert any(e["field"] == "snmp.sysdescr" for e in huawei["evidence"])


def test_udp_only_ports_probe_every_host(net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replies = tmp_path / "r.jsonl"
    run = custodiet("scan", f"{NET}22", "--ports", "U:161", "--snmp-community", "public", "--timeout", "1",
                    "--db", str(tmp_path / "db.sqlite"), "--replies", str(replies), "-q")  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    assert [(r["target"], r["protocol"]) for r in lines_of(replies) if "target" in r] == [
        (f"{NET}22", "snmp")
    ]


def test_audit_reidentifies_a_replies_file(net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replies = tmp_path / "r.jsonl"
    first = custodiet("scan", f"{NET}20", "--ports", "80,554", "--timeout", "1", "--db", str(tmp_path / "a.sqlite"),
                      "--replies", str(replies), "--json", str(tmp_path / "a.json"), "-q")  # fmt: skip
    assert first.returncode == 0, first.stderr.decode()
    again = custodiet(
        "audit", str(replies), "--db", str(tmp_path / "b.sqlite"), "--json", str(tmp_path / "b.json"), "-q"
    )
    assert again.returncode == 0, again.stderr.decode()
    a = orjson.loads((tmp_path / "a.json").read_bytes())
    b = orjson.loads((tmp_path / "b.json").read_bytes())
    assert b["inputs"][0]["format"] == "scan-replies"
    shown = [(d["addresses"], d["manufacturer"], d["model"], d["covered"]) for d in a["devices"]]
    assert shown == [(d["addresses"], d["manufacturer"], d["model"], d["covered"]) for d in b["devices"]]
    assert shown == [([f"{NET}20"], "Hikvision", "DS-2CD2386G2-IU", True)]


def test_scan_audited_together_with_an_inventory(net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(f"IP Address,Hostname,Site\n{NET}20,lobby-cam-1,HQ lobby\n")
    run = custodiet("scan", f"{NET}20", "--ports", "80", "--timeout", "1", "--with", str(inventory),
                    "--db", str(tmp_path / "db.sqlite"), "--replies", str(tmp_path / "r.jsonl"),
                    "--json", str(tmp_path / "r.json"), "-q")  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    report = orjson.loads((tmp_path / "r.json").read_bytes())
    assert sorted(i["format"] for i in report["inputs"]) == ["csv", "scan-replies"]
    (device,) = report["devices"]
    assert device["manufacturer"] == "Hikvision" and "lobby-cam-1" in device["hostnames"]


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from custodiet.cli.main import app

    db = str(tmp_path / "d.sqlite")
    for args, says in ((["10.0.0.0/7"], "more than"), ([f"{NET}20", "--rate", "0"], "--rate"),
                       ([f"{NET}20", "--exclude", f"{NET}0/24"], "excluded"), ([f"{NET}20", "--ports", "x"], "--ports"),
                       ([f"{NET}20", "--fail-on", "maybe"], "--fail-on")):  # fmt: skip
        result = CliRunner().invoke(app, ["scan", *args, "--db", db])
        assert result.exit_code == 2, (args, result.output)
        assert says in result.output, result.output


def _ctrl_c_as_in_a_terminal() -> None:
    """SIGINT as a foreground process in a terminal gets it. A process started in the background
    (`cmd &` in a script, nohup) inherits SIGINT ignored, and so do pytest-xdist workers run
    that way and their children: Python then never raises KeyboardInterrupt and the scan rightly
    ignores Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_keeps_what_was_found(net, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    replies = tmp_path / "r.jsonl"
    with Bait() as bait:
        # Slow hosts keep the scan busy long after the fast device has answered.
        for n in range(100, 140):
            bait.slowloris(f"{NET}{n}", 80, b"HTTP/1.1 200 OK\r\n", every=0.5)
        proc = subprocess.Popen(
            [CUSTODIET, "scan", f"{NET}20", f"{NET}100-139", "--ports", "80", "--timeout", "20", "--per-host", "1",
             "--rate", "20", "--db", str(tmp_path / "db.sqlite"), "--replies", str(replies),
             "--json", str(tmp_path / "r.json")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONFAULTHANDLER": "1"},
            preexec_fn=_ctrl_c_as_in_a_terminal,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if replies.exists() and b'"127.' in replies.read_bytes() and b"App-webs" in replies.read_bytes():
                break
            time.sleep(0.2)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGABRT)  # faulthandler prints where every thread is
            _out, err = proc.communicate(timeout=30)
            pytest.fail("the scan went on 60 s after Ctrl-C:\n" + err.decode(errors="replace")[-6000:])
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"interrupted" in err
    records = lines_of(replies)
    assert records[-1]["custodiet_scan_end"]["interrupted"] is True
    assert records[-1]["custodiet_scan_end"]["hosts_done"] < 41
    report = orjson.loads((tmp_path / "r.json").read_bytes())
    hik = next(d for d in report["devices"] if d["addresses"] == [f"{NET}20"])
    assert hik["manufacturer"] == "Hikvision" and hik["covered"]
