"""Real Ethernet: emulated devices behind a veth pair in a network namespace we create, each with
its vendor's MAC (macvlan), recorded on the veth (Ethernet) and on `any` (Linux cooked v1 and v2).

Skipped unless we are root and may create namespaces. Traffic never leaves the pair.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from tests.emulators import client
from tests.emulators.netns import NetnsNetwork, netns_available
from tests.emulators.network import worker_index
from tests.emulators.profiles import load_profiles

from .helpers import contact_keys, facts, run
from .recorder import recording

SUBNET = 120 + worker_index()  # 198.18.SUBNET.0/24, distinct from the emulators' own tests
HIK_MAC = "44:A6:42:5B:10:20"
HUAWEI_MAC = "64:F8:1C:0A:BC:26"

pytestmark = pytest.mark.skipif(not netns_available(), reason="needs root and permission for `ip netns add`")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory):
    profiles = [p for p in load_profiles() if p.name in ("hikvision-ipc", "huawei-switch")]
    folder = tmp_path_factory.mktemp("pcap-netns")
    with NetnsNetwork(profiles, subnet=SUBNET) as net:
        hik, switch = net.devices
        files = {
            "ethernet": (folder / "veth.pcap", net.host_if, "pcap"),
            "sll2": (folder / "any.pcap", "any", "pcap"),
            "sll": (folder / "any-sll.pcap", "any", "sll"),
        }
        with ExitStack() as stack:
            for path, interface, kind in files.values():
                stack.enter_context(recording(path, interface, f"net 198.18.{SUBNET}.0/24", kind))
            client.http(hik.address, 80, "GET", "/")
            client.read_banner(switch.address, 22, 100, timeout=1.0)
            client.snmp_get(switch.address, 161, ["1.3.6.1.2.1.1.1.0"])
        host_mac = Path(f"/sys/class/net/{net.host_if}/address").read_text().strip().upper()
        yield {name: spec[0] for name, spec in files.items()}, hik.address, switch.address, host_mac


@pytest.mark.parametrize("name", ["ethernet", "sll2", "sll"])
def test_subjects_carry_the_vendor_mac(recorded, name: str) -> None:
    files, hik, switch, host_mac = recorded
    observations, contacts, stats = run(files[name])
    assert not stats.skipped
    by_field = {(o.subject.address, o.field): o for o in observations}
    assert by_field[(hik, "http.server")].subject.mac == HIK_MAC
    assert by_field[(hik, "http.server")].text == "App-webs/"
    assert by_field[(switch, "ssh.banner")].subject.mac == HUAWEI_MAC
    assert by_field[(switch, "snmp.sysdescr")].text.startswith("S5720-12TP-PWR-LI-AC")
    macs = {(o.subject.address, o.text) for o in observations if o.field == "mac"}
    assert {(hik, HIK_MAC), (switch, HUAWEI_MAC)} <= macs
    assert (f"198.18.{SUBNET}.1", host_mac) in macs
    assert ("mac", HIK_MAC, None) in facts(observations, hik)
    # Both sides are local: the client that opened the connections is the device of the flows.
    flows = contact_keys(contacts, "flow")
    assert ("flow", f"198.18.{SUBNET}.1", hik, None, "80/tcp") in flows
    assert ("flow", f"198.18.{SUBNET}.1", switch, None, "161/udp") in flows
    assert all(c.subject.mac == host_mac for c in contacts if c.kind == "flow")
