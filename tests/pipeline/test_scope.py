"""What a run examined (pipeline.scope): nmap's targets from its command line, the hosts a scan
lists (down ones too), an inventory's rows, a capture's subnets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from custodiet.model.scope import AddressRanges
from custodiet.pipeline import scope
from custodiet.pipeline.audit import AuditRequest, audit
from custodiet.pipeline.context import load_context
from custodiet.sources.base import SourceOptions
from custodiet.store import Store, history

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "inside", "outside"),
    [
        ("nmap -sS -p 22,80 -oX out.xml 10.0.0.0/24", ["10.0.0.0", "10.0.0.255"], ["10.0.1.0", "22.0.0.0"]),
        ("nmap -v -iL hosts.txt -oX x.xml", [], ["10.0.0.1"]),
        (
            "nmap -sV 192.168.1.1-20 192.168.2.5",
            ["192.168.1.1", "192.168.1.20", "192.168.2.5"],
            ["192.168.1.21", "192.168.2.4"],
        ),
        (
            "nmap 10.1-2.0.* --exclude 10.1.0.7,10.2.0.0/25",
            ["10.1.0.6", "10.1.0.8", "10.2.0.200"],
            ["10.1.0.7", "10.2.0.1", "10.3.0.1"],
        ),
        ("nmap -S 10.9.9.9 -D 10.8.8.8 -e eth0 172.16.0.0/30", ["172.16.0.3"], ["10.9.9.9", "10.8.8.8"]),
        ("nmap -6 2001:db8::/126", ["2001:db8::3"], ["2001:db8::4"]),
        ("nmap --exclude=10.0.0.1 10.0.0.0/30", ["10.0.0.2"], ["10.0.0.1"]),
        ("nmap scanme.example.org 10.0.0.999 10.0.0.1-300", [], ["10.0.0.1"]),
    ],
)
def test_nmap_command_line_targets(args: str, inside: list[str], outside: list[str]) -> None:
    targets = scope.nmap_targets(args)
    assert all(a in targets for a in inside), targets
    assert not any(a in targets for a in outside), targets


def test_a_huge_octet_range_is_not_taken() -> None:
    assert not scope.nmap_targets("nmap *.*.*.*")


def test_collector_merges_consecutive_and_widens_captures() -> None:
    hosts = scope.ScopeCollector()
    for i in range(1, 200):
        hosts.add(f"10.0.0.{i}")
    hosts.add("10.0.5.1")
    hosts.add("not an address")
    hosts.add("2001:db8::1")
    ranges = hosts.ranges()
    assert ranges.as_text() == [
        ("10.0.0.1", "10.0.0.199"),
        ("10.0.5.1", "10.0.5.1"),
        ("2001:db8::1", "2001:db8::1"),
    ]
    capture = scope.ScopeCollector(subnets=True)
    capture.add("192.168.7.42")
    capture.add("fe80::1")
    widened = capture.ranges()
    assert "192.168.7.0" in widened and "192.168.7.255" in widened and "192.168.8.0" not in widened
    assert "fe80::ffff:ffff:ffff:ffff" in widened
    assert AddressRanges.from_text(ranges.as_text()) == ranges


def test_an_audit_records_each_inputs_scope(tmp_path: Path) -> None:
    xml = (ROOT / "examples" / "sample-network.xml").read_text(encoding="utf-8")
    # nmap -v lists down hosts: one is added here, outside the command line's targets.
    down = '<host><status state="down" reason="no-response" reason_ttl="0"/><address addr="127.0.9.9" addrtype="ipv4"/></host>\n'
    scan = tmp_path / "scan.xml"
    scan.write_text(
        xml.replace("</runstats>", "</runstats>").replace("<runstats>", down + "<runstats>", 1),
        encoding="utf-8",
    )
    db = tmp_path / "inventory.sqlite"
    result = audit(
        AuditRequest(
            paths=(scan, ROOT / "examples" / "inventory.csv"), db=db, source_options=SourceOptions()
        ),
        load_context(),
    )
    assert result.errors == []
    with Store(db) as store:
        summaries = history.scope_summaries(store, result.run_id)
        examined = history.scope_of(store, result.run_id)
    kinds = {(s.input.rsplit("/", 1)[-1], s.kind): s for s in summaries}
    assert kinds[("scan.xml", "nmap targets")].ranges == (("127.0.0.20", "127.0.0.37"),)
    assert kinds[("scan.xml", "hosts listed")].addresses == 19  # 18 up, 1 down
    assert kinds[("inventory.csv", "inventory rows")].addresses == 16
    assert "127.0.9.9" in examined and "192.0.2.41" in examined and "127.0.0.19" not in examined
    # When each input's data was taken: the scan's start (nmaprun@start), the inventory's mtime.
    with Store(db) as store:
        inputs = {i.path.rsplit("/", 1)[-1]: i for i in store.load_run(result.run_id, evidence="none").inputs}
    start = xml[xml.index('start="') + 7 :].split('"', 1)[0]
    expected = datetime.fromtimestamp(int(start), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert inputs["scan.xml"].taken == expected
    assert inputs["inventory.csv"].taken and inputs["inventory.csv"].taken.endswith("Z")
