"""DHCP servers' lease files and logs: ISC dhcpd.leases, dnsmasq (lease file and syslog), Kea
memfile CSV. The files under data/logs/ follow the servers' documented formats (dhcpd.leases(5),
dnsmasq's lease file and log-dhcp lines, Kea's memfile CSV); addresses and MACs are
documentation and locally administered values."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.errors import InputError
from custodiet.model import Observation, Subject
from custodiet.sources import dhcp_logs
from custodiet.sources.base import ReadStats, SourceOptions
from custodiet.sources.detect import detect_format

from .helpers import DATA
from .reading import assert_detected_plain_and_gzipped, read_checked

LOGS = DATA / "logs"


def by_subject(observations: list[Observation]) -> dict[Subject, dict[str, str]]:
    out: dict[Subject, dict[str, str]] = {}
    for o in observations:
        fields = out.setdefault(o.subject, {})
        assert o.field not in fields, f"{o.field} twice for {o.subject}"
        fields[o.field] = o.text
    return out


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("dhcpd.leases", "dhcpd-leases"),
        ("dnsmasq.leases", "dnsmasq"),
        ("dnsmasq-syslog.log", "dnsmasq"),
        ("kea-leases4.csv", "kea-leases"),
        ("kea-leases6.csv", "kea-leases"),
    ],
)
def test_detected(name: str, fmt: str, tmp_path: Path) -> None:
    assert_detected_plain_and_gzipped(LOGS / name, fmt, tmp_path)


def test_dhcpd_leases_without_header_comment(tmp_path: Path) -> None:
    path = tmp_path / "leases"
    path.write_text('lease 10.0.0.9 {\n  hardware ethernet 02:00:5e:00:53:09;\n  client-hostname "x";\n}\n')
    assert detect_format(path, "leases") == "dhcpd-leases"
    observations, _ = read_checked(dhcp_logs.read_dhcpd_leases, path)
    assert by_subject(observations) == {
        Subject("10.0.0.9", "02:00:5E:00:53:09"): {"mac": "02:00:5E:00:53:09", "hostname": "x"}
    }


def test_dhcpd_leases() -> None:
    observations, stats = read_checked(dhcp_logs.read_dhcpd_leases, LOGS / "dhcpd.leases")
    assert by_subject(observations) == {
        Subject("192.168.50.10", "02:00:5E:00:53:10"): {
            "mac": "02:00:5E:00:53:10",
            "hostname": "cam-lobby",
            "dhcp.vendor_class": "ExampleVendor IPC",
        },
        # the later block for .11 replaced the earlier one (another device took the address)
        Subject("192.168.50.11", "02:00:5E:00:53:12"): {
            "mac": "02:00:5E:00:53:12",
            "hostname": "printer-2f",
            "dhcp.vendor_class": "Example",  # written unquoted as colon-separated hex
        },
        # a free lease no longer binds the address, but still tells what the MAC's device is
        Subject(None, "02:00:5E:00:53:13"): {
            "mac": "02:00:5E:00:53:13",
            "hostname": 'phone-\u00e9t\u00e9 "x"',  # octal escapes of UTF-8 bytes
            "dhcp.vendor_class": "android-dhcp-14",
        },
    }
    places = {o.subject.address: o.provenance.place for o in observations}
    assert places["192.168.50.10"] == "line 9" and places["192.168.50.11"] == "line 28"
    assert stats.records == 5
    assert stats.skipped == {"dhcpd.leases block other than a lease (not read)": 2, "bad lease address": 1}


def test_dhcpd_leases_broken(tmp_path: Path) -> None:
    path = tmp_path / "dhcpd.leases"
    path.write_text("}\nlease 10.0.0.1 {\n  hardware ethernet 02:00:5e:00:53:01;\n")
    # Nothing readable and only malformed lines: an error (issue 12, row 14), after the counts.
    stats = ReadStats()
    with pytest.raises(InputError, match=r"nothing could be read as an ISC dhcpd\.leases file") as caught:
        list(dhcp_logs.read_dhcpd_leases(path, path.name, stats, SourceOptions()))
    assert caught.value.place == "line 1"
    assert stats.skipped == {"unbalanced '}'": 1, "file ends inside a block": 1}
    with pytest.raises(InputError) as caught:
        read_checked(dhcp_logs.read_dhcpd_leases, path, SourceOptions(strict=True))
    assert (caught.value.file, caught.value.place) == ("dhcpd.leases", "line 1")


def test_dnsmasq_leases() -> None:
    observations, stats = read_checked(dhcp_logs.read_dnsmasq, LOGS / "dnsmasq.leases")
    assert by_subject(observations) == {
        Subject("192.168.60.30", "02:00:5E:00:53:30"): {"mac": "02:00:5E:00:53:30", "hostname": "cam-garden"},
        Subject("192.168.60.31", "02:00:5E:00:53:31"): {"mac": "02:00:5E:00:53:31"},
        Subject("2001:db8:60::32"): {"hostname": "nas-6"},  # DHCPv6: an IAID, not a MAC
    }
    assert stats.records == 3 and not stats.skipped


def test_dnsmasq_syslog() -> None:
    observations, stats = read_checked(dhcp_logs.read_dnsmasq, LOGS / "dnsmasq-syslog.log")
    mac = "02:00:5E:00:53:40"
    assert by_subject(observations) == {
        Subject("192.168.60.140", mac): {
            "mac": mac,
            "hostname": "cam-porch",
            "dhcp.vendor_class": "ExampleVendor IPC",
            "dhcp.parameter_list": "1,3,6,15,28,42",  # logged twice, read once
        },
        Subject("192.168.60.141", "02:00:5E:00:53:41"): {
            "mac": "02:00:5E:00:53:41",
            "hostname": "tv-livingroom",
        },
        Subject("2001:db8:60::50"): {"hostname": "nas-6"},
    }
    assert stats.records == 14
    assert stats.skipped == {"syslog line of another program": 1}


def test_dnsmasq_pending_transactions_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dhcp_logs, "MAX_PENDING", 2)
    lines = []
    for i in range(5):
        mac = f"02:00:5e:00:54:{i:02x}"
        lines.append(f"Jan 1 00:00:0{i} gw dnsmasq-dhcp[1]: {100 + i} vendor class: V{i}")
        lines.append(f"Jan 1 00:00:0{i} gw dnsmasq-dhcp[1]: {100 + i} DHCPDISCOVER(eth0) {mac}")
    path = tmp_path / "syslog"
    path.write_text("\n".join(lines) + "\n")
    observations, _ = read_checked(dhcp_logs.read_dnsmasq, path)
    vendors = {(o.subject.mac, o.text) for o in observations if o.field == "dhcp.vendor_class"}
    assert vendors == {(f"02:00:5E:00:54:{i:02X}", f"V{i}") for i in range(5)}


def test_kea_leases() -> None:
    observations, stats = read_checked(dhcp_logs.read_kea_leases, LOGS / "kea-leases4.csv")
    assert by_subject(observations) == {
        Subject("192.168.70.10", "02:00:5E:00:53:70"): {"mac": "02:00:5E:00:53:70", "hostname": "cam-dock"},
        Subject("192.168.70.11", "02:00:5E:00:53:72"): {
            "mac": "02:00:5E:00:53:72",
            "hostname": "printer, 2nd floor",
        },
        Subject(None, "02:00:5E:00:53:75"): {"mac": "02:00:5E:00:53:75", "hostname": "expired-one"},
    }
    assert stats.records == 7
    assert stats.skipped == {"wrong number of fields": 1, "bad address": 1}
    observations, _ = read_checked(dhcp_logs.read_kea_leases, LOGS / "kea-leases6.csv")
    assert by_subject(observations) == {
        Subject("2001:db8:70::10", "02:00:5E:00:53:80"): {"mac": "02:00:5E:00:53:80", "hostname": "nas-70"}
    }
    with pytest.raises(InputError) as caught:
        read_checked(dhcp_logs.read_kea_leases, LOGS / "kea-leases4.csv", SourceOptions(strict=True))
    assert caught.value.place == "line 8"


def test_kea_needs_its_header(tmp_path: Path) -> None:
    path = tmp_path / "leases.csv"
    path.write_text("ip,mac\n10.0.0.1,02:00:5e:00:53:01\n")
    assert detect_format(path, "leases.csv") == "csv"  # an inventory stays an inventory
    with pytest.raises(InputError, match="not a Kea lease file"):
        read_checked(dhcp_logs.read_kea_leases, path)
