"""Record real traffic for the pcap tests: tcpdump (pcap, micro- or nanosecond) or dumpcap/tshark
(pcapng) on an interface, started before the traffic and stopped (flushed) after it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.processes import stop_process


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def _command(kind: str, interface: str, out: Path, bpf: str) -> tuple[list[str], bytes]:
    if kind == "pcapng":
        return [
            tool("tshark"),
            "-q",
            "-B",
            "16",  # MiB of kernel buffer: a loaded machine must not drop the test's packets
            "-i",
            interface,
            "-F",
            "pcapng",
            "-w",
            str(out),
            "-f",
            bpf,
        ], b"Capturing on"
    command = [
        tool("tcpdump"),
        "--immediate-mode",
        "-U",
        "-n",
        "-s",
        "0",
        "-B",
        "16384",
        "-i",
        interface,
        "-w",
        str(out),
    ]
    if kind == "pcap-nano":
        command[1:1] = ["--time-stamp-precision", "nano"]
    elif kind == "sll":  # Linux cooked v1 (tcpdump -i any writes v2 by default)
        command[1:1] = ["-y", "LINUX_SLL"]
    return [*command, bpf], b"listening on"


def _settle(out: Path, quiet: float = 0.8, limit: float = 15.0) -> None:
    """Wait until the recorder has written what the kernel handed it: on a loaded machine it
    lags behind the traffic, and the packets still queued when it is interrupted are lost."""
    deadline = time.monotonic() + limit
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = out.stat().st_size if out.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


@contextmanager
def recording(out: Path, interface: str, bpf: str, kind: str = "pcap") -> Iterator[Path]:
    """Capture on interface while the with-block runs; the file is complete on exit."""
    command, ready = _command(kind, interface, out, bpf)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 20
        seen = b""
        while ready not in seen:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                pytest.skip(f"{command[0]} cannot capture here: {seen.decode(errors='replace')[-300:]}")
            seen += line
            if time.monotonic() > deadline:
                pytest.skip("capture tool did not start")
        time.sleep(0.3)
        yield out
        _settle(out)
    finally:
        stop_process(proc, signal.SIGINT, grace=15)
