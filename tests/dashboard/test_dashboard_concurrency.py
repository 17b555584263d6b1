"""An audit writing while the dashboard reads: every request answers (the last committed state),
nothing is lost, and the new run shows once it is committed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from dashboard_server import EXAMPLES, Server, cli, get
from tests.bench_modules import bench_module


def test_reading_during_an_audit(tmp_path: Path) -> None:
    db = tmp_path / "inventory.sqlite"
    cli("audit", EXAMPLES / "sample-network.xml", "--db", db, "--quiet")
    gen = bench_module("gen_nmap")
    scan = tmp_path / "big.xml"
    with scan.open("w", encoding="utf-8") as handle:
        gen.write_nmap_xml(handle, 3000, seed=7, mix="heavy")
    server = Server(db)
    try:
        # One run: the diff page says there is nothing to compare yet.
        status, _, body = get(server.base + "/diff.json")
        assert status == 200 and "the only run" in json.loads(body)["note"]
        assert get(server.base + "/diff")[0] == 200
        audit = subprocess.Popen(
            [sys.executable, "-m", "custodiet.cli.main", "audit", str(scan), "--db", str(db), "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        answers: list[tuple[int, int, int]] = []
        while audit.poll() is None:
            status, _, body = get(server.base + "/devices.json?per=5")
            runs_status, _, _runs = get(server.base + "/runs.json")
            total = json.loads(body).get("total", -1) if status == 200 else -1
            answers.append((status, runs_status, total))
            time.sleep(0.05)
        _, stderr = audit.communicate()
        assert audit.returncode == 0, stderr
        assert len(answers) >= 3, "the audit ended before the dashboard could read during it"
        # Every answer came, from the last committed run: the first run's 18 devices until the
        # second was committed.
        assert all(status == 200 and runs == 200 for status, runs, _ in answers), answers
        _, _, body = get(server.base + "/runs.json")
        assert [r["id"] for r in json.loads(body)["runs"]] == [1, 2]
        _, _, body = get(server.base + "/devices.json?per=1")
        final = json.loads(body)["total"]
        assert final > 2000
        assert {total for _, _, total in answers} <= {18, final}
        assert answers[0][2] == 18
    finally:
        server.stop()
