"""End to end: a traffic source (a fake reader registered here) yields observations and contacts;
the audit identifies the relabelled camera by the P2P server it registers with, stores contacts and
phone-home facts, reports them, and keys runs by the phone-home options."""

from __future__ import annotations

from pathlib import Path

import pytest
from phonehome_builders import contact
from typer.testing import CliRunner

from custodiet.cli.main import app
from custodiet.errors import InputError, UsageError
from custodiet.model import Observation, Provenance, Subject
from custodiet.pipeline.audit import AuditRequest, audit, load_report
from custodiet.pipeline.context import load_context
from custodiet.sources import registry
from custodiet.store import Store

CAMERA = Subject("10.0.0.9", "02:00:00:00:00:09")  # locally administered: the MAC names no maker
PHONE = Subject("10.0.0.30", "02:00:00:00:00:30")
PLAIN = Subject("10.0.0.40")


def traffic(path, label, stats, options):  # type: ignore[no-untyped-def]
    """What a pcap source makes of a capture: a relabelled camera registering with Dahua P2P, a phone
    using the Hik-Connect app, and a host that talks to a network in China."""
    stats.records = 6
    yield Observation(CAMERA, "http.server", "lighttpd", Provenance(label, "packet 1"), "80/tcp")
    yield contact(
        "dns",
        remote="47.91.1.2",
        name="www.easy4ipcloud.com.",
        place="packet 2",
        file=label,
        subject=CAMERA,
        first_seen="2026-01-01T00:00:00Z",
    )
    yield contact(
        "flow",
        remote="47.91.1.2",
        port="8800/udp",
        place="packet 3",
        file=label,
        subject=CAMERA,
        count=40,
        bytes_out=4000,
        bytes_in=2000,
        first_seen="2026-01-01T00:00:01Z",
        last_seen="2026-01-01T02:00:00Z",
    )
    yield contact(
        "tls", remote="8.8.8.8", name="api.hik-connect.com", place="packet 4", file=label, subject=PHONE
    )
    yield contact(
        "flow", remote="223.5.5.5", port="443/tcp", place="packet 5", file=label, subject=PLAIN, bytes_out=123
    )
    yield contact("flow", remote="1.0.16.1", port="443/tcp", place="packet 6", file=label, subject=PLAIN)


@pytest.fixture
def capture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(registry.READERS, "fake-traffic", traffic)
    path = tmp_path / "capture.bin"
    path.write_bytes(b"traffic")
    return path


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return load_context()


def test_audit_turns_contacts_into_identity_and_phone_home(capture: Path, tmp_path: Path, context) -> None:
    result = audit(AuditRequest(paths=(capture,), db=tmp_path / "db", format="fake-traffic"), context)
    assert result.errors == []
    report = load_report(tmp_path / "db", result.run_id)
    devices = {d.addresses[0]: d for d in report.devices}
    camera = devices["10.0.0.9"]
    assert camera.identity.manufacturer == "Dahua"  # from the P2P server alone (device-side, high)
    assert camera.identity.evidence[0].field == "contact.name"
    assert camera.covered
    phone = devices["10.0.0.30"]
    assert (phone.identity.confidence, phone.covered) == (0.3, False)  # an app-side endpoint alone is weak
    assert devices["10.0.0.40"].identity.explanation == (
        "seen only in traffic: no observation names a manufacturer",
    )
    assert report.inputs[0].contacts == 5
    facts = {(f.device, f.endpoint): f for f in report.phone_home}
    p2p = facts[(camera.id, "www.easy4ipcloud.com")]
    assert (p2p.owner, p2p.role, p2p.confidence, p2p.count, p2p.bytes_out, p2p.bytes_in) == (
        "Dahua",
        "P2P (device-side)",
        "high",
        41,
        4000,
        2000,
    )
    assert {e.place for e in p2p.evidence} == {"packet 2", "packet 3"}
    app_side = facts[(devices["10.0.0.30"].id, "api.hik-connect.com")]
    assert (app_side.owner, app_side.role) == ("Hikvision", "cloud API (app-side)")
    foreign = [f for f in report.phone_home if f.role == "foreign network"]
    assert [(f.endpoint, f.country) for f in foreign] == [("223.5.5.5", "CN")]  # JP is not watched
    with Store(tmp_path / "db") as store:
        detail = store.device_detail("10.0.0.9")
    assert {c.kind for c in detail.contacts} == {"dns", "flow"}
    assert detail.phone_home == [p2p]


def test_home_country_and_endpoint_files_make_another_run(capture: Path, tmp_path: Path, context) -> None:
    db = tmp_path / "db"
    first = audit(AuditRequest(paths=(capture,), db=db, format="fake-traffic"), context)
    again = audit(AuditRequest(paths=(capture,), db=db, format="fake-traffic"), context)
    assert again.reused and again.run_id == first.run_id
    home = audit(AuditRequest(paths=(capture,), db=db, format="fake-traffic", home_country="us"), context)
    assert not home.reused
    assert sorted(
        f.country for f in load_report(db, home.run_id).phone_home if f.role == "foreign network"
    ) == ["CN", "JP"]
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "endpoints:\n  - {address: 1.0.16.0/24, owner: Example Cloud, side: device, role: other, confidence: low}\n"
    )
    user = audit(AuditRequest(paths=(capture,), db=db, format="fake-traffic", endpoints=(mine,)), context)
    assert not user.reused
    assert any(
        f.owner == "Example Cloud" and f.endpoint == "1.0.16.1"
        for f in load_report(db, user.run_id).phone_home
    )


def test_bad_phone_home_options_are_usage_and_input_errors(capture: Path, tmp_path: Path, context) -> None:
    with pytest.raises(UsageError, match="two-letter"):
        audit(AuditRequest(paths=(capture,), db=tmp_path / "db", home_country="USA"), context)
    bad = tmp_path / "bad.yaml"
    bad.write_text("endpoints:\n  - {host: x.example}\n")
    with pytest.raises(InputError) as excinfo:
        audit(AuditRequest(paths=(capture,), db=tmp_path / "db", endpoints=(bad,)), context)
    assert excinfo.value.file == str(bad)


def test_cli_audit_reports_phone_home(capture: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [
            "audit",
            str(capture),
            "--format",
            "fake-traffic",
            "--db",
            str(tmp_path / "db"),
            "--home-country",
            "US",
            "--json",
            str(out),
            "--html",
            str(tmp_path / "r.html"),
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "Phone home: vendor infrastructure reached" in result.output
    assert '"phone_home":' in out.read_text()
    assert "<h2>Phone home</h2>" in (tmp_path / "r.html").read_text()
    explain = CliRunner().invoke(
        app, ["explain", "10.0.0.9", "--db", str(tmp_path / "db")], env={"COLUMNS": "200"}
    )
    assert explain.exit_code == 0, explain.output
    assert "Phone home" in explain.output and "www.easy4ipcloud.com" in explain.output
