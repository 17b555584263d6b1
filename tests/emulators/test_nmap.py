"""The real nmap, run against two emulated devices, sees the identity text they serve."""

from __future__ import annotations

import shutil
import subprocess

import defusedxml.ElementTree as DET
import pytest

from .network import default_offset, start_network, worker_index

NMAP = shutil.which("nmap")

pytestmark = [pytest.mark.nmap, pytest.mark.skipif(NMAP is None, reason="nmap not installed")]


def test_nmap_reports_emulated_server_strings() -> None:
    offset = default_offset()
    with start_network(
        ["hikvision-ipc", "huawei-switch"], base=f"127.{worker_index()}.6.", first=1, port_offset=offset
    ) as net:
        hik, sw = net.devices
        ports = f"{hik.port('http')},{sw.port('ssh')}"
        cmd = [NMAP, "-n", "-Pn", "-sT", "-sV", "--version-light", "-T4", "-p", ports,
               "--script", "http-server-header,http-title,banner", "-oX", "-", hik.address, sw.address]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    root = DET.fromstring(proc.stdout)
    by_host: dict[str, dict[str, str]] = {}
    for host in root.iter("host"):
        addr = host.find("address").get("addr")  # type: ignore[union-attr]
        texts: dict[str, str] = {}
        for port in host.iter("port"):
            if port.find("state").get("state") != "open":  # type: ignore[union-attr]
                continue
            key = port.get("portid", "")
            parts = [s.get("output", "") for s in port.iter("script")]
            service = port.find("service")
            if service is not None:
                parts += [service.get("product", ""), service.get("servicefp", "")]
            texts[key] = "\n".join(parts)
        by_host[addr] = texts
    hik_text = by_host[hik.address][str(hik.port("http"))]
    assert "App-webs/" in hik_text
    assert "index" in hik_text  # http-title
    sw_text = by_host[sw.address][str(sw.port("ssh"))]
    assert "SSH-2.0-HUAWEI-1.5" in sw_text
