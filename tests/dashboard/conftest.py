"""A real dashboard (`custodiet serve`, uvicorn on loopback) over an inventory of the sample
network audited twice, with a waiver and a remediation step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_server import EXAMPLES, Server, cli


@pytest.fixture(scope="package")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("dashboard") / "inventory.sqlite"
    cli("audit", EXAMPLES / "sample-network.xml", EXAMPLES / "inventory.csv", "--db", db, "--quiet")
    cli("audit", EXAMPLES, "--db", db, "--quiet")
    cli(
        "remediate", "127.0.0.20", "--state", "ticketed", "--who", "alice", "--ticket", "INC-1001", "--db", db
    )
    cli(
        "waive", "--device", "127.0.0.25", "--rule", "us-ndaa-fy2019-s889", "--who", "bob",
        "--why", "isolated <b>VLAN</b>", "--until", "2099-03-31", "--db", db,
    )  # fmt: skip
    return db


@pytest.fixture(scope="package")
def server(inventory: Path) -> Iterator[Server]:
    running = Server(inventory)
    yield running
    running.stop()
