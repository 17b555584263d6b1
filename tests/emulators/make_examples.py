"""Regenerate examples/: a real nmap scan of the emulated network, and a CMDB export.

    sudo .venv/bin/python -m tests.emulators.make_examples            # from the repo root
    .venv/bin/python -m tests.emulators.make_examples --inventory-only

Runs /usr/bin/nmap against the emulated loopback addresses only (127.0.0.20 upwards)
and writes:

- examples/sample-network.xml   nmap -oX output (timestamps kept as nmap wrote them)
- tests/emulators/ground-truth/ground-truth.csv  which device answers at which address (for tests)
- examples/inventory.csv        a CMDB-style asset export for some of the same devices
                                plus a few that no scan sees

Needs root (a SYN and UDP scan, and ports below 1024). Refuses any target outside
127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import csv
import ipaddress
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .netns import TEST_NET, NetnsNetwork, netns_available
from .network import EmulatedNetwork, start_network
from .profiles import load_profiles

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
NMAP = "/usr/bin/nmap"

# Every port a profile listens on, so the scan sees each service once.
TCP_PORTS = "21,22,23,80,443,554,5000,8000,8443,34567,35000,37777"
UDP_PORTS = "161,1900,3702,5060"
# Scripts that print identity text here. Left out: rtsp-methods (every RTSP device answers
# 401 without a Public header, and the script then fails), ssh2-enum-algos/ssh-hostkey
# (the emulators stop after the SSH identification line), snmp-info (SNMPv3 only).
SCRIPTS = "http-title,http-headers,http-server-header,http-auth,ssl-cert,upnp-info,snmp-sysdescr,banner,sip-methods,wsdd-discover"
MAX_OUTPUT = 1_000_000


def nmap_command(addresses: list[str], out: Path, os_detect: bool = False, netns: bool = False) -> list[str]:
    """The exact nmap command line (documented in examples/README.md).

    Targets must be loopback, or (netns mode) 198.18.0.0/15 inside our own namespace.
    """
    allowed = TEST_NET if netns else ipaddress.ip_network("127.0.0.0/8")
    for addr in addresses:
        if ipaddress.ip_address(addr) not in allowed:
            raise SystemExit(f"refusing to scan {addr}: only {allowed} is allowed")
    first, last = addresses[0], addresses[-1]
    prefix = first.rsplit(".", 1)[0]
    target = f"{first}-{last.rsplit('.', 1)[1]}" if last.startswith(prefix + ".") else " ".join(addresses)
    cmd = [NMAP, "-v", "-Pn", "-n", "-sS", "-sU", "-sV", "-T4", "--max-retries", "1"]
    if os_detect:
        cmd.append("-O")
    cmd += ["-p", f"T:{TCP_PORTS},U:{UDP_PORTS}", "--script", SCRIPTS, "-oX", str(out), *target.split()]
    return cmd


def write_ground_truth(net: EmulatedNetwork | NetnsNetwork, path: Path) -> None:
    """address -> profile, so tests can check what a pipeline should find."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            ["address", "profile", "vendor", "model", "firmware", "category", "covered", "mac", "services"]
        )
        for dev in net.devices:
            prof = dev.profile
            services = " ".join(f"{dev.ports[s.name]}/{s.transport}:{s.kind}" for s in prof.services)
            writer.writerow([dev.address, prof.name, prof.vendor, prof.model, prof.firmware, prof.category,
                             "yes" if prof.covered else "no", prof.mac or "", services])  # fmt: skip


# Extra CMDB rows for assets no scan sees (powered off, other sites, radios). Addresses are
# from the RFC 5737 documentation range (never scanned); MAC prefixes are the vendors'
# IEEE OUI blocks (shared/reference/high-risk-vendors.yaml).
EXTRA_ROWS = [
    [
        "DMR repeater - roof",
        "192.0.2.41",
        "9C:06:6E:12:00:41",
        "Hytera Communications Corporation Limited",
        "RD985 DMR Repeater",
        "RD985S1234567",
        "HQ / Roof plant room",
    ],
    [
        "Lorex cam - loading dock",
        "192.0.2.77",
        "00:1F:54:3A:5C:77",
        "Lorex Technology Inc.",
        "E893AB 4K IP Camera",
        "ND0221090300412",
        "Warehouse / Loading dock",
    ],
    [
        "HiLook turret - car park",
        "192.0.2.78",
        "BC:AD:28:0F:33:78",
        "HiLook",
        "IPC-T240H",
        "IPC-T240H20220514AAWRG1122334",
        "Car park / Gate",
    ],
    [
        "Amcrest doorbell",
        "192.0.2.79",
        "9C:8E:CD:41:22:79",
        "Amcrest",
        "AD410",
        "AMC0512AB34CD56EF",
        "Reception",
    ],
    [
        "Huawei AP - 2F east",
        "192.0.2.52",
        "64:F8:1C:AB:01:52",
        "Huawei Technologies Co., Ltd.",
        "AirEngine 5761-11",
        "2102353VKN10L8001234",
        "HQ / Floor 2 / East",
    ],
    [
        "Staff laptop 0153",
        "192.0.2.153",
        "",
        "HP Inc.",
        "EliteBook 840 G8",
        "5CG1234XYZ",
        "HQ / Floor 2 / Desk 14",
    ],
]


def inventory_rows(net_devices: list[tuple[str, object]]) -> list[list[str]]:
    """CMDB rows for some scanned devices (by address) plus EXTRA_ROWS."""
    wanted = {
        "hikvision-ipc": (
            "Cam 01 - lobby",
            "Hangzhou Hikvision Digital Technology Co.,Ltd.",
            "HQ / Floor 0 / Lobby",
        ),
        "hikvision-nvr": ("NVR - server room", "HIKVISION", "HQ / Floor 0 / Server room"),
        "dahua-ipc": ("Cam 07 - yard", "Dahua", "Warehouse / Yard"),
        "lorex-nvr": ("Warehouse recorder", "Lorex", "Warehouse / Office"),
        "huawei-switch": ("Access switch 2F", "Huawei", "HQ / Floor 2 / Comms cupboard"),
        "zte-ont": ("Fibre ONT - branch", "ZTE Corporation", "Branch office / Comms cabinet"),
        "axis-camera": ("Cam 12 - reception", "Axis Communications AB", "HQ / Floor 0 / Reception"),
        "cisco-switch": ("Core access 1F", "Cisco Systems", "HQ / Floor 1 / Comms cupboard"),
        "hp-printer": ("Printer 1F", "HP", "HQ / Floor 1 / Print room"),
        "synology-nas": ("Backup NAS", "Synology Inc.", "HQ / Floor 0 / Server room"),
    }
    rows: list[list[str]] = []
    for address, prof in net_devices:
        name = getattr(prof, "name", "")
        if name in wanted:
            asset, maker, site = wanted[name]
            rows.append([asset, address, getattr(prof, "mac", "") or "", maker, getattr(prof, "model", ""),
                         getattr(prof, "serial", ""), site])  # fmt: skip
    return rows + [list(r) for r in EXTRA_ROWS]


def write_inventory(net_devices: list[tuple[str, object]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(
            ["Asset Name", "IP Address", "MAC Address", "Manufacturer", "Model", "Serial Number", "Location"]
        )
        writer.writerows(inventory_rows(net_devices))


def _relative_args(xml: Path) -> None:
    """Show the output path relative to the repository in nmap's recorded command line."""
    try:
        rel = xml.resolve().relative_to(REPO)
    except ValueError:
        return
    data = xml.read_bytes()
    xml.write_bytes(data.replace(str(xml.resolve()).encode(), str(rel).encode()))


def planned_devices(first: int = 20, base: str = "127.0.0.") -> list[tuple[str, object]]:
    return [(f"{base}{first + i}", p) for i, p in enumerate(load_profiles())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=EXAMPLES)
    parser.add_argument("--first", type=int, default=20, help="last octet of the first device (127.0.0.N)")
    parser.add_argument(
        "--os", action="store_true", help="add -O (on loopback it only finds this Linux kernel)"
    )
    parser.add_argument(
        "--inventory-only", action="store_true", help="write inventory.csv and stop (no scan)"
    )
    parser.add_argument(
        "--netns",
        action="store_true",
        help="put the devices in a network namespace behind a veth pair (vendor MACs, 198.18.0.0/24); "
        "writes sample-network-netns.xml and ground-truth-netns.csv",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    devices = planned_devices(args.first)
    write_inventory(devices, args.out / "inventory.csv")
    if args.inventory_only:
        return 0
    if os.geteuid() != 0:
        print("make_examples needs root (SYN/UDP scan, ports below 1024)", file=sys.stderr)
        return 2
    if not shutil.which(NMAP):
        print(f"{NMAP} not found", file=sys.stderr)
        return 2
    suffix = "-netns" if args.netns else ""
    xml = args.out / f"sample-network{suffix}.xml"
    if args.netns and not netns_available():
        print("--netns: cannot create a network namespace here", file=sys.stderr)
        return 2
    network = NetnsNetwork(load_profiles(), first=args.first) if args.netns else None
    with network or start_network(first=args.first, port_offset=0) as net:
        write_ground_truth(net, Path(__file__).parent / "ground-truth" / f"ground-truth{suffix}.csv")
        cmd = nmap_command(net.addresses, xml, args.os, args.netns)
        print(" ".join(cmd), flush=True)
        started = time.monotonic()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, timeout=3600, check=False)
        print(f"nmap exit {proc.returncode} after {time.monotonic() - started:.0f} s", flush=True)
    _relative_args(xml)
    size = xml.stat().st_size
    print(f"{xml}: {size} bytes")
    if size > MAX_OUTPUT:
        print(f"warning: {xml} is over {MAX_OUTPUT} bytes", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
