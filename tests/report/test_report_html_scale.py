"""A run of many devices makes an HTML report that still opens: the rows and the evidence in the
file are bounded (covered first, then needs review), and the file says what it left out."""

from __future__ import annotations

from dataclasses import replace

from report_builders import hostile_run

from custodiet.model import Device, Evidence, Finding, Identity, Provenance
from custodiet.report.html import render_html


def _many(count: int) -> tuple[tuple[Device, ...], tuple[Finding, ...]]:
    devices = []
    findings = []
    for i in range(count):
        covered = i % 10 == 0
        review = i % 10 == 1
        evidence = Evidence(
            "http.server",
            f"Webs-{i}" + "x" * 200,
            Provenance("scan.xml", f"host {i}"),
            "http.server/x",
            {"manufacturer": "Maker"},
            0.8,
        )
        devices.append(
            Device(
                f"ip:10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
                (f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",),
                None,
                (),
                (),
                Identity(manufacturer="Maker", confidence=0.5 + (i % 50) / 100, evidence=(evidence,) * 5),
                covered=covered,
                review=review,
            )
        )
        if covered or review:
            findings.append(
                Finding(
                    devices[-1].id,
                    "l:maker",
                    "l",
                    "Maker",
                    "reason " * 20,
                    "scope",
                    "covered" if covered else "verify",
                )
            )
    return tuple(devices), tuple(findings)


def test_a_large_run_is_bounded_and_says_so() -> None:
    devices, findings = _many(3000)
    run = replace(hostile_run(), devices=devices, findings=findings, waivers=(), remediation=(), seen=())
    out = render_html(run, max_rows=1000, max_detail=50)
    assert out.count('<tbody class="device') == 1000
    assert out.count("<details>") == 50
    assert "This file lists 1,000 of 3,000 devices" in out
    assert "Evidence and findings are shown for 50 devices" in out
    # Covered devices come first, then those that need review: all 600 flagged are in the file.
    assert (
        out.count('<tbody class="device covered"') == 300 and out.count('<tbody class="device review"') == 300
    )
    assert len(out) < 3_000_000
    small = render_html(replace(run, devices=devices[:40], findings=()))
    assert "This file lists" not in small and small.count('<tbody class="device') == 40
