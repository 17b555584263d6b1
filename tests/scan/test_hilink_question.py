"""The HiLink identity question: a Huawei LTE router whose home page names nobody is identified,
with its model, from the answer of GET /api/device/basic_information (and only from it)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.emulators.network import worker_index
from tests.emulators.scanbait import Bait

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the bait listens on port 80 (root)")

NET = f"127.{worker_index()}.48."
CUSTODIET = str(Path(sys.executable).with_name("custodiet"))

# The answer as mpaulse/mobitra doc/develop.md shows it for an E5573Cs-322 Mobile WiFi.
BASIC_INFORMATION = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<response>\n<productfamily>LTE</productfamily>\n'
    b"<classify>mobile-wifi</classify>\n<multimode>0</multimode>\n<restore_default_status>0</restore_default_status>\n"
    b"<sim_save_pin_enable>0</sim_save_pin_enable>\n<devicename>E5573Cs-322</devicename>\n</response>\n"
)
HOME = b"<html><head><title>Mobile WiFi</title></head><body></body></html>"


def _reply(status: bytes, content_type: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\nContent-Type: " + content_type
        + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )  # fmt: skip


async def _hilink(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A router web server: the home page names nobody; the HiLink API answers; the rest is 404."""
    head = await reader.readuntil(b"\r\n\r\n")
    path = head.split(b" ", 2)[1]
    if path == b"/api/device/basic_information":
        writer.write(_reply(b"200 OK", b"text/html", BASIC_INFORMATION))
    elif path == b"/":
        writer.write(_reply(b"200 OK", b"text/html", HOME))
    else:
        writer.write(_reply(b"404 Not Found", b"text/html", b""))
    await writer.drain()
    writer.close()


def test_a_hilink_router_is_named_from_its_basic_information(tmp_path: Path) -> None:
    with Bait() as bait:
        bait.tcp(f"{NET}10", 80, _hilink)
        run = subprocess.run(
            [CUSTODIET, "scan", f"{NET}10", "--ports", "80", "--timeout", "2", "--db", str(tmp_path / "db.sqlite"),
             "--replies", str(tmp_path / "r.jsonl"), "--json", str(tmp_path / "r.json"), "-q"],
            capture_output=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    asked = [orjson.loads(x).get("url") for x in (tmp_path / "r.jsonl").read_bytes().splitlines()]
    assert "/api/device/basic_information" in asked
    (device,) = orjson.loads((tmp_path / "r.json").read_bytes())["devices"]
    assert device["manufacturer"] == "Huawei" and device["covered"]
    assert device["model"] == "E5573Cs-322"
    hilink = [e for e in device["evidence"] if e["signature"].startswith("huawei-hilink/")]
    assert hilink and all(e["place"].endswith("http /api/device/basic_information") for e in hilink)
