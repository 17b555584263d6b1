"""Fixtures for the pcap tests: one real recording of loopback traffic per session, written by
tcpdump (micro- and nanosecond pcap) and tshark (pcapng) at the same time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.emulators.network import start_network, worker_index

from .recorder import recording
from .traffic import PROFILES, Seen, UdpServer, dns_answer, drive

KINDS = ("pcap", "pcap-nano", "pcapng")


@dataclass
class Recorded:
    files: dict[str, Path]
    seen: Seen
    addresses: dict[str, str]  # device name -> address
    dns_server: str
    client: str


@pytest.fixture(scope="session")
def loopback_recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recorded]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("capturing needs root")
    base = f"127.{worker_index()}.209."  # a block no other test uses
    folder = tmp_path_factory.mktemp("pcap-live")
    try:
        net = start_network(PROFILES, base=base, first=20, port_offset=0)
    except OSError as exc:
        pytest.skip(f"cannot start the emulators on {base}20+: {exc}")
    dns_server = UdpServer(f"{base}53", 53, dns_answer)
    files = {kind: folder / f"live.{kind}" for kind in KINDS}
    try:
        with ExitStack() as stack:
            for kind, path in files.items():
                stack.enter_context(
                    recording(path, "lo", f"net {base}0/24", kind.replace("pcapng", "pcapng"))
                )
            dahua = net.device("dahua-xvr")
            seen = drive(net, dns_server=f"{base}53", tls_host=dahua.address, tls_port=dahua.port("https"),
                         client_ip=f"{base}99")  # fmt: skip
        yield Recorded(files, seen, {d.name: d.address for d in net.devices}, f"{base}53", f"{base}99")
    finally:
        dns_server.close()
        net.stop()
