"""CSV report: one row per device, formula injection neutralised (OWASP), bounded cells."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from report_builders import CONTROL, HUGE, hostile_run

from custodiet.report import csv_report, write_csv


def _rows(run=None) -> list[dict[str, str]]:
    buffer = io.StringIO(newline="")
    write_csv(run or hostile_run(), buffer)
    buffer.seek(0)
    return list(csv.DictReader(buffer))


def test_one_row_per_device_with_the_columns() -> None:
    rows = _rows()
    assert list(rows[0]) == list(csv_report.HEADER)
    assert [r["id"] for r in rows] == [
        "ip:10.0.0.9",
        "mac:44:19:B6:00:00:01",
        "ip:2001:db8::1",
        "ip:10.0.0.10",
    ]
    hik = rows[1]
    assert hik["addresses"] == "10.0.0.5"
    assert hik["mac"] == "44:19:B6:00:00:01"
    assert (
        hik["manufacturer"] == "Hikvision"
        and hik["model"] == "DS-2CD2143G0-I"
        and hik["firmware"] == "V5.5.0"
    )
    assert hik["device_type"] == "camera"
    assert hik["covered"] == "yes" and rows[0]["covered"] == "no"
    assert hik["confidence"] == "0.9625"
    assert hik["findings"] == "us-fcc-covered-list:hikvision"
    assert hik["top_evidence"].startswith('http.server 80/tcp "<script>alert(1)</script>')
    assert hik["top_evidence"].endswith("(http.server/hikvision-webs, 0.85)")
    assert rows[3]["brand"] == "Amcrest"
    # One word for the status; CMDB facts, history and decisions.
    assert [r["status"] for r in rows] == ["not covered", "covered", "not covered", "needs review"]
    assert rows[3]["covered"] == "no" and rows[3]["needs_review"] == "yes"
    assert hik["site"] == "HQ <script>alert(1)</script>" and hik["serial"] == "SN-0001"
    assert hik["owner"] == "Facilities" and hik["first_seen"] == "2025-03-01T10:00:00Z"
    assert hik["remediation"] == "ticketed 2025-06-02" and hik["ticket"] == "INC-<script>alert(1)</script>"
    assert (hik["open_findings"], hik["waived_findings"]) == ("1", "0")
    assert (rows[3]["open_findings"], rows[3]["waived_findings"]) == ("0", "1")


def test_formula_cells_are_neutralised() -> None:
    rows = _rows()
    hik, amcrest = rows[1], rows[3]
    assert hik["hostnames"].startswith("cam<script>")  # not a formula: left alone
    assert amcrest["model"] == "'+IP2M-841"
    assert amcrest["firmware"] == "'-2.800"
    # A hostname list whose first name is a formula.
    odd = replace(hostile_run().devices[1], hostnames=('=HYPERLINK("http://evil.example","x")',))
    row = _rows(replace(hostile_run(), devices=(odd,)))[0]
    assert row["hostnames"] == '\'=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "\\x09=1"),  # control characters are shown escaped, so no cell starts with TAB or CR
        ("\r=1", "\\x0d=1"),
        ("plain", "plain"),
        ("", ""),
        (None, ""),
    ],
)
def test_cell(value: str | None, expected: str) -> None:
    assert csv_report.cell(value) == expected


def test_no_cell_starts_with_a_formula_character() -> None:
    for row in _rows():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_cells_are_bounded_and_visible() -> None:
    run = hostile_run()
    hik = run.devices[1]
    odd = replace(hik, hostnames=(CONTROL,), identity=replace(hik.identity, model=HUGE))
    buffer = io.StringIO(newline="")
    write_csv(replace(run, devices=(odd,)), buffer)
    out = buffer.getvalue()
    assert len(out) < 5_000
    assert "999,000 more characters not shown" in out
    assert "\x00" not in out and "\x1b" not in out
    assert "ok\\x00nul\\x1b[2J" in out
