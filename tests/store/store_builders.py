"""Builders for store tests: observations, matches, devices and a small but complete run.

(A plain module, not conftest.py: test modules import it by a name no other test folder uses.)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from custodiet.model import (
    Conflict,
    Device,
    Evidence,
    Finding,
    Identity,
    InputSummary,
    Match,
    Observation,
    Provenance,
    Service,
    Subject,
)

HOSTILE = (
    "<script>alert(1)</script>\x00NUL\x1b[31mred\x1b[0m [bold]markup[/bold] \u202etxt.exe \U0001f600 ünï"
)


def make_obs(
    address: str | None,
    mac: str | None = None,
    field: str = "http.server",
    text: str = "Server",
    file: str = "scan.xml",
    place: str = "line 1",
    port: str | None = "80/tcp",
) -> Observation:
    return Observation(
        subject=Subject(address=address, mac=mac),
        field=field,
        text=text,
        provenance=Provenance(file=file, place=place),
        port=port,
    )


HIK_MATCH = Match(
    signature="http.server/hikvision-webs",
    field="http.server",
    sets={"manufacturer": "Hikvision", "device_type": "camera"},
    strength=0.85,
)
RELABEL_MATCH = Match(
    signature="http.www_authenticate/amcrest",
    field="http.www_authenticate",
    sets={"manufacturer": "Dahua", "brand": "Amcrest"},
    strength=0.6,
    relabel="Amcrest",
)


def make_device(
    device_id: str,
    addresses: tuple[str, ...],
    mac: str | None = None,
    hostnames: tuple[str, ...] = (),
    manufacturer: str | None = None,
    covered: bool = False,
    text: str = "Hikvision-Webs",
) -> Device:
    evidence = ()
    if manufacturer:
        evidence = (
            Evidence(
                field="http.server",
                text=text,
                provenance=Provenance(file="scan.xml", place=f"host {addresses[0] if addresses else mac}"),
                signature="http.server/hikvision-webs",
                sets={"manufacturer": manufacturer, "device_type": "camera"},
                strength=0.85,
                port="80/tcp",
            ),
        )
    return Device(
        id=device_id,
        addresses=addresses,
        mac=mac,
        hostnames=hostnames,
        services=(
            Service(port="80/tcp", name="http", product=text[:50]),
            Service(port="554/tcp", name="rtsp"),
        ),
        identity=Identity(
            manufacturer=manufacturer,
            brand="Amcrest" if manufacturer == "Dahua" else None,
            product="IP camera" if manufacturer else None,
            model="DS-2CD2143G0-I" if manufacturer else None,
            firmware="V5.5.0" if manufacturer else None,
            device_type="camera" if manufacturer else None,
            confidence=0.8725 if manufacturer else 0.0,
            evidence=evidence,
            conflicts=(Conflict(attribute="model", values=(("DS-2CD2143G0-I", 0.85), ("DS-2CD2T", 0.3))),)
            if manufacturer
            else (),
            explanation=("strong http.server hit: 0.85", "noisy-or over 2 hits: 0.8725")
            if manufacturer
            else (),
        ),
        covered=covered,
    )


def dump_content(path: Path) -> list[str]:
    """Every row of every table as SQL: two equal dumps mean equal content."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def sample_inputs() -> tuple[InputSummary, ...]:
    return (
        InputSummary(
            path="scans/site-a.xml",
            format="nmap-xml",
            sha256="ab" * 32,
            records=3,
            observations=7,
            skipped=2,
            skip_reasons=(("host down", 1), ("no address", 1)),
        ),
        InputSummary(
            path="inventory.csv",
            format="csv",
            sha256="cd" * 32,
            records=10,
            observations=4,
            error="line 11: unterminated quote",
        ),
    )


def sample_findings() -> tuple[Finding, ...]:
    return (
        Finding(
            device="mac:44:19:B6:00:00:01",
            rule="us-fcc-covered-list:hikvision",
            list="us-fcc-covered-list",
            entity="Hangzhou Hikvision Digital Technology Co.",
            reason="manufacturer Hikvision (0.87): http.server Hikvision-Webs",
            scope="video surveillance for public safety, security of government facilities, critical infrastructure",
            severity="covered",
            sources=("fcc-covered-list",),
        ),
    )
