"""Terminal summary: the right numbers, and nothing a device sends can style or drive the terminal."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from report_builders import BIDI, HUGE, SCRIPT_BANNER, hostile_run
from rich.console import Console

from custodiet.model import RunReport
from custodiet.report import render_summary


def _render(run: RunReport, *, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=200,
        force_terminal=color,
        color_system="truecolor" if color else None,
        legacy_windows=False,
    )
    render_summary(run, console)
    return buffer.getvalue()


def test_summary_shows_inputs_makers_findings_and_covered_devices() -> None:
    out = _render(hostile_run(), color=False)
    assert "custodiet run 7" in out
    assert "4 devices, 1 covered, 1 need review, 2 findings (1 open, 1 waived)" in out
    # Inputs with their problems: skip reasons and read errors.
    assert "bad address" in out
    assert "error: line 3: ok\\x00nul\\x1b[2J" in out
    # Makers with covered devices come first.
    makers = [
        line.split()[0]
        for line in out.splitlines()
        if re.match(r"\s+(Hikvision|Dahua|Seiko|\(unidentified\))\s", line)
    ]
    assert makers[:2] == ["Dahua", "Hikvision"] or makers[:2] == ["Hikvision", "Dahua"]
    assert makers[2:] == ["Seiko", "(unidentified)"]
    # Findings by rule, with severities.
    assert "us-fcc-covered-list:hikvision" in out and "us-fcc-covered-list:dahua" in out
    assert "verify 1" in out
    # The covered-devices table: address, maker/brand, model, firmware, confidence, evidence.
    covered = out[out.index("Covered devices") : out.index("\nNeeds review ")]
    assert "10.0.0.5" in covered and "10.0.0.10" not in covered and "10.0.0.9" not in covered
    assert "DS-2CD2143G0-I" in covered and "V5.5.0" in covered
    assert "96%" in covered
    assert "http.server/hikvision-webs" in covered
    # A weak relabel is not covered: it needs review, with what to check.
    review = out[out.index("\nNeeds review ") :]
    assert "10.0.0.10" in review and "Dahua / Amcrest" in review and "60%" in review
    assert "1 finding(s) need a human check" in out
    # Sites, remediation and a waiver that ended.
    assert "Devices by site" in out and "Warehouse" in out
    assert "Remediation: 1 ticketed" in out
    assert "1 finding(s) are open again: their waiver ended." in out


def test_no_raw_control_characters_reach_the_terminal() -> None:
    out = _render(hostile_run(), color=False)
    assert "\x1b" not in out and "\x00" not in out and "\x07" not in out and "\x9b" not in out
    assert "\r" not in out and "\u202e" not in out
    assert "ok\\x00nul\\x1b[2J\\x1b]8;;http://evil.example/\\x07link\\x9b31m\\x0d\\x7f" in out


def test_markup_in_device_strings_is_shown_literally() -> None:
    run = hostile_run()
    out = _render(run, color=False)
    assert SCRIPT_BANNER in out
    colored = _render(run, color=True)
    # Only Rich's own SGR colour sequences: no cursor movement, no OSC hyperlinks, no raw ESC from data.
    assert re.findall(r"\x1b(?!\[[0-9;]*m)", colored) == []
    assert "\x1b[2J" not in colored and "\x1b]8" not in colored


def test_markup_text_in_a_table_cell_is_literal() -> None:
    run = hostile_run()
    hik = run.devices[1]
    evil_model = f"[blink]x[/] [link=http://e.x]y[/link] {BIDI}"
    device = replace(hik, identity=replace(hik.identity, model=evil_model))
    out = _render(replace(run, devices=(device,)), color=True)
    assert "[blink]x[/] [link=http://e.x]y[/link] cam\\u202eexe.txt" in out
    assert "\x1b]8" not in out and "\x1b[5m" not in out and "\u202e" not in out


def test_a_megabyte_banner_stays_a_few_lines() -> None:
    run = hostile_run()
    hik = run.devices[1]
    strongest = replace(hik.identity.evidence[0], text=HUGE)
    identity = replace(hik.identity, model=HUGE, evidence=(strongest,))
    out = _render(replace(run, devices=(replace(hik, identity=identity),)), color=False)
    assert len(out) < 20_000
    assert out.count("more characters not shown") == 2
    assert "A" * 60 in out and "A" * 200 not in out


def test_covered_table_is_bounded_most_confident_first() -> None:
    run = hostile_run()
    hik = run.devices[1]
    many = tuple(
        replace(
            hik,
            id=f"ip:10.1.0.{i}",
            addresses=(f"10.1.0.{i}",),
            identity=replace(hik.identity, confidence=i / 100),
        )
        for i in range(1, 61)
    )
    buffer = io.StringIO()
    render_summary(replace(run, devices=many, findings=()), Console(file=buffer, width=200), max_devices=5)
    out = buffer.getvalue()
    shown = re.findall(r"^\s+(10\.1\.0\.\d+)\s", out, re.MULTILINE)
    assert shown == ["10.1.0.60", "10.1.0.59", "10.1.0.58", "10.1.0.57", "10.1.0.56"]
    assert "… and 55 more covered devices" in out
