"""`custodiet scan --local-discovery` on a namespace link: multicast discovery, scope-checked.

The real CLI runs in the scanner's namespace; the devices (and decoys that claim to be cameras)
answer SSDP, WS-Discovery, mDNS and SADP multicast questions on the other end of a veth pair.
Most of the /24 has no host at all: those addresses never answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest
from tests.emulators.discovery_link import DiscoveryLink
from tests.emulators.netns import netns_available
from tests.emulators.network import worker_index
from tests.emulators.profiles import load_profiles

pytestmark = pytest.mark.skipif(not netns_available(), reason="needs root and ip netns")

PROFILES = ["hikvision-ipc", "hikvision-nvr", "dahua-ipc", "synology-nas", "axis-camera", "huawei-ont"]
CUSTODIET = str(Path(sys.executable).with_name("custodiet"))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("netns-scan")
    contacts = tmp / "contacts.txt"
    contacts.touch()
    by_name = {p.name: p for p in load_profiles()}
    with DiscoveryLink(
        [by_name[n] for n in PROFILES], subnet=120 + worker_index(), contacts=contacts
    ) as link:
        run = link.run_in_scanner(
            [
                CUSTODIET,
                "scan",
                link.network,
                "--exclude",
                link.excluded,
                "--local-discovery",
                "--timeout",
                "2",
                "--ports",
                "80,554,5000,22,U:1900,U:3702,U:5353",
                "--db",
                str(tmp / "inv.sqlite"),
                "--replies",
                str(tmp / "replies.jsonl"),
                "--json",
                str(tmp / "report.json"),
            ]
        )
        lines = [orjson.loads(x) for x in (tmp / "replies.jsonl").read_bytes().splitlines()]
        yield {
            "link": link,
            "run": run,
            "records": [r for r in lines if "target" in r],
            "trailer": lines[-1]["custodiet_scan_end"],
            "report": orjson.loads((tmp / "report.json").read_bytes()),
            "contacts": contacts.read_text().splitlines(),
            "address": {d.name: d.address for d in link.devices},
        }


def test_scan_ran(scanned) -> None:  # type: ignore[no-untyped-def]
    assert scanned["run"].returncode == 0, scanned["run"].stderr.decode()[-2000:]
    assert b"local discovery on" in scanned["run"].stderr


def test_decoys_never_contacted_nor_believed(scanned) -> None:  # type: ignore[no-untyped-def]
    link = scanned["link"]
    assert scanned["contacts"] == []
    assert not [r for r in scanned["records"] if r["target"] in (link.excluded, link.outside)]
    # The excluded decoy and the outside decoy answered SSDP, WS-Discovery and SADP: 6 ignored.
    assert scanned["trailer"]["discovery_ignored"] >= 6
    assert not [
        d for d in scanned["report"]["devices"] if set(d["addresses"]) & {link.excluded, link.outside}
    ]


def test_multicast_answers_are_recorded_per_device(scanned) -> None:  # type: ignore[no-untyped-def]
    address = scanned["address"]
    multicast = {(r["target"], r["protocol"]) for r in scanned["records"] if r.get("via") == "multicast"}
    hik = address["hikvision-ipc"]
    assert {(hik, "ssdp"), (hik, "wsd"), (hik, "sadp"), (address["hikvision-nvr"], "sadp"),
            (address["synology-nas"], "mdns")} <= multicast  # fmt: skip
    # The in-scope pointer's answers are believed, but what they point to (outside) is not fetched.
    pointer = scanned["link"].pointer
    assert (pointer, "ssdp") in multicast
    assert not [r for r in scanned["records"] if r["target"] == pointer and r["protocol"] == "http"]


def test_the_description_a_location_names_is_fetched_on_its_own_host(scanned) -> None:  # type: ignore[no-untyped-def]
    hik = scanned["address"]["hikvision-ipc"]
    urls = {r.get("url") for r in scanned["records"] if r["target"] == hik and r["protocol"] == "http"}
    assert "/upnp/desc.xml" in urls


def test_identities_from_discovery(scanned) -> None:  # type: ignore[no-untyped-def]
    devices = {d["addresses"][0]: d for d in scanned["report"]["devices"]}
    address = scanned["address"]
    hik = devices[address["hikvision-ipc"]]
    assert hik["manufacturer"] == "Hikvision" and hik["covered"]
    assert devices[address["hikvision-nvr"]]["mac"] == "24:28:FD:7A:31:21"  # from its SADP answer
    assert "synology-nas" in devices[address["synology-nas"]]["hostnames"]  # from mDNS
    covered = {a for a, d in devices.items() if d["covered"]}
    assert covered == {address[n] for n in ("hikvision-ipc", "hikvision-nvr", "dahua-ipc", "huawei-ont")}


def test_hosts_that_never_answer_end_the_scan_in_time(scanned) -> None:  # type: ignore[no-untyped-def]
    trailer = scanned["trailer"]
    assert trailer["hosts_done"] == trailer["hosts"] == 255
    assert not trailer["interrupted"]
    silent = {f"198.18.{120 + worker_index()}.{n}" for n in range(100, 255)}
    assert not [r for r in scanned["records"] if r["target"] in silent]
