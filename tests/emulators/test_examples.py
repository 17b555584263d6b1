"""The committed examples/ match the profiles and carry the identity text they should."""

from __future__ import annotations

import csv
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from .make_examples import EXAMPLES, inventory_rows, planned_devices
from .profiles import load_profiles

HEADER = ["Asset Name", "IP Address", "MAC Address", "Manufacturer", "Model", "Serial Number", "Location"]


def _hosts(path: Path) -> dict[str, str]:
    """address -> all text nmap recorded for the host (scripts, products, fingerprints, MAC)."""
    root = DET.parse(str(path)).getroot()
    out: dict[str, str] = {}
    for host in root.iter("host"):
        addr = next(a.get("addr", "") for a in host.iter("address") if a.get("addrtype") == "ipv4")
        parts = [
            f"{a.get('addr')} {a.get('vendor', '')}"
            for a in host.iter("address")
            if a.get("addrtype") == "mac"
        ]
        for port in host.iter("port"):
            service = port.find("service")
            if service is not None:
                parts += [service.get(k, "") for k in ("product", "version", "servicefp")]
            parts += [s.get("output", "") for s in port.iter("script")]
        out[addr] = "\n".join(parts)
    return out


@pytest.mark.parametrize("name", ["sample-network.xml", "sample-network-netns.xml"])
def test_sample_scan_carries_identity_text(name: str) -> None:
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{name} not generated")
    assert path.stat().st_size < 1_000_000
    truth_name = "ground-truth.csv" if name == "sample-network.xml" else "ground-truth-netns.csv"
    with (Path(__file__).parent / "ground-truth" / truth_name).open(encoding="utf-8") as fh:
        truth = {row["profile"]: row for row in csv.DictReader(fh)}
    hosts = _hosts(path)
    assert len(hosts) == len(load_profiles())
    expect = {
        "hikvision-ipc": ["App-webs/", "Hikvision"],
        "hikvision-nvr": ["DNVRS-Webs"],
        "ezviz-camera": ["EZVIZ Device"],
        "dahua-ipc": ["WEB SERVICE", "Dahua"],
        "dahua-xvr": ["Dahua", "NVR"],
        "lorex-nvr": ["Login to ND022109022961"],
        "huawei-switch": ["SSH-2.0-HUAWEI-1.5", "Huawei Versatile Routing Platform Software"],
        "huawei-ont": ["HG8145V5"],
        "zte-ont": ["F6600P"],
        "cisco-switch": ["C2960X-UNIVERSALK9-M"],
        "xiongmai-dvr": ["uc-httpd 1.0.0", "NETSuveillance WEB"],
        "linux-server": ["nginx/1.22.1", "Asterisk PBX"],
        "hostile-device": ["<script>alert(1)</script>"],
    }
    for profile, needles in expect.items():
        text = hosts[truth[profile]["address"]]
        for needle in needles:
            assert needle in text, (name, profile, needle)
    if name.endswith("-netns.xml"):
        hik = hosts[truth["hikvision-ipc"]["address"]]
        assert "44:A6:42:5B:10:20 Hangzhou Hikvision" in hik


def test_inventory_is_clean_and_current() -> None:
    with (EXAMPLES / "inventory.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == HEADER
    assert rows[1:] == inventory_rows(planned_devices())
    makers = " ".join(r[3] for r in rows[1:])
    for maker in ("Hikvision", "HIKVISION", "Dahua", "Lorex", "Huawei", "ZTE", "Hytera"):
        assert maker in makers
    for row in rows[1:]:
        assert len(row) == len(HEADER)
        if row[2]:
            assert len(row[2]) == 17 and row[2].count(":") == 5
