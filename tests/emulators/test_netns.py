"""Devices behind a veth pair in a namespace we create: vendor MACs become visible.

Skipped unless we are root and `ip netns add` is permitted.
"""

from __future__ import annotations

import shutil
import subprocess

import defusedxml.ElementTree as DET
import pytest

from .client import http, snmp_get
from .netns import NetnsNetwork, netns_available
from .network import worker_index
from .profiles import load_profiles

SUBNET = 20 + worker_index()  # 198.18.SUBNET.0/24, distinct per pytest-xdist worker

pytestmark = pytest.mark.skipif(not netns_available(), reason="needs root and permission for `ip netns add`")


@pytest.fixture(scope="module")
def nsnet():
    profiles = [p for p in load_profiles() if p.name in ("hikvision-ipc", "huawei-switch")]
    with NetnsNetwork(profiles, subnet=SUBNET) as net:
        yield net


def test_devices_answer_from_inside_the_namespace(nsnet: NetnsNetwork) -> None:
    hik, sw = nsnet.devices
    assert hik.address == f"198.18.{SUBNET}.20"
    status, headers, _ = http(hik.address, 80, "GET", "/")
    assert status == b"HTTP/1.1 200 OK" and headers[b"server"] == [b"App-webs/"]
    msg = snmp_get(sw.address, 161, ["1.3.6.1.2.1.1.1.0"])
    assert msg is not None and msg.varbinds[0][1].value.startswith(b"S5720-12TP-PWR-LI-AC")


def test_neighbour_table_shows_vendor_mac(nsnet: NetnsNetwork) -> None:
    hik = nsnet.devices[0]
    http(hik.address, 80, "GET", "/")
    out = subprocess.run(["ip", "neigh", "show", hik.address], capture_output=True, timeout=10, check=True)
    assert b"lladdr 44:a6:42:5b:10:20" in out.stdout


@pytest.mark.nmap
@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap not installed")
def test_nmap_reports_mac_addresses(nsnet: NetnsNetwork) -> None:
    proc = subprocess.run(
        ["nmap", "-sn", "-n", "-oX", "-", *nsnet.addresses], capture_output=True, timeout=60, check=True
    )
    root = DET.fromstring(proc.stdout)
    macs = {
        host.find("address[@addrtype='ipv4']").get("addr"): host.find("address[@addrtype='mac']").get("addr")  # type: ignore[union-attr]
        for host in root.iter("host")
    }
    assert macs == {f"198.18.{SUBNET}.20": "44:A6:42:5B:10:20", f"198.18.{SUBNET}.21": "64:F8:1C:0A:BC:26"}


def test_namespace_is_removed_on_exit() -> None:
    profiles = [p for p in load_profiles() if p.name == "ubiquiti-ap"]
    with NetnsNetwork(profiles, subnet=SUBNET + 100) as net:
        name = net.ns
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, timeout=10, check=True).stdout
        assert name.encode() in listed
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, timeout=10, check=True).stdout
    assert name.encode() not in listed
