"""Phone-home in every report: present, and hostile strings escaped (HTML, terminal, CSV) or exact
(JSON)."""

from __future__ import annotations

import csv
import io

import orjson
from phonehome_builders import HOSTILE, phone_home_fact
from rich.console import Console

from custodiet.model import Device, Identity, InputSummary, Provenance, RunReport
from custodiet.report.csv_report import HEADER, write_csv
from custodiet.report.html import render_html
from custodiet.report.json_report import write_json
from custodiet.report.terminal import render_summary

DEVICE = Device(
    id="mac:00:11:22:33:44:55",
    addresses=("10.0.0.9",),
    mac="00:11:22:33:44:55",
    hostnames=(),
    services=(),
    identity=Identity(manufacturer="Dahua", confidence=0.85),
)


HOSTILE_FACT = phone_home_fact(
    endpoint="=cmd|' /C calc'!A0" + HOSTILE,
    owner=HOSTILE,
    role="foreign network",
    evidence=(Provenance(HOSTILE, HOSTILE),),
    country="C<",
    asn=HOSTILE,
    sources=(HOSTILE,),
)


def run() -> RunReport:
    return RunReport(
        run_id=1,
        started="a",
        finished="b",
        content_version="v",
        inputs=(InputSummary("cap.pcap", "pcap", "ab", 1, 1, contacts=3),),
        devices=(DEVICE,),
        findings=(),
        phone_home=(phone_home_fact(), HOSTILE_FACT),
    )


def test_html_has_the_phone_home_tables_and_escapes_everything() -> None:
    page = render_html(run())
    assert "<h2>Phone home</h2>" in page
    assert "P2P (device-side)" in page and "www.easy4ipcloud.com" in page and "3,000" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\u202e" not in page
    assert '<a href="#dev-0">' in page  # the per-device table links to the device


def test_json_carries_every_fact_exactly() -> None:
    out = io.BytesIO()
    write_json(run(), out)
    doc = orjson.loads(out.getvalue())
    assert doc["inputs"][0]["contacts"] == 3
    first, hostile = doc["phone_home"]
    assert first == {
        "device": DEVICE.id,
        "endpoint": "www.easy4ipcloud.com",
        "owner": "Dahua",
        "role": "P2P (device-side)",
        "confidence": "high",
        "first_seen": "2026-01-01T00:00:00Z",
        "last_seen": "2026-01-01T01:00:00Z",
        "count": 61,
        "bytes_out": 3000,
        "bytes_in": 1500,
        "country": "CN",
        "asn": "AS45102",
        "sources": ["gh-dh-p2p"],
        "evidence": [{"file": "cap.pcap", "place": "packet 1"}],
    }
    assert hostile["owner"] == HOSTILE


def test_csv_has_a_phone_home_column_without_formulas() -> None:
    out = io.StringIO()
    write_csv(run(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert HEADER[-1] == "phone_home"
    cell = rows[0]["phone_home"]
    assert cell.startswith("Dahua P2P (device-side) www.easy4ipcloud.com [CN AS45102], 61 contacts; ")
    assert "\t" not in cell and "\x1b" not in cell


def test_csv_phone_home_cell_never_starts_a_formula() -> None:
    only = RunReport(1, "a", "b", "v", (), (DEVICE,), (), (phone_home_fact(owner="=1+1"),))
    out = io.StringIO()
    write_csv(only, out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["phone_home"].startswith("'=1+1")


def test_terminal_summary_counts_endpoints_and_countries_literally() -> None:
    console = Console(record=True, width=200, color_system=None)
    render_summary(run(), console)
    text = console.export_text()
    assert "Phone home: vendor infrastructure reached" in text
    assert "Phone home: foreign networks" in text
    assert "[bold]m[/bold]" in text  # markup shown as text, not applied
    assert "\x1b" not in text
