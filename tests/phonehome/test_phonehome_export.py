"""`custodiet endpoints list / export`: Zeek intel files with the framework's header and columns,
plain domain lists, user files merged, nothing a user file says can break a line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from custodiet.cli.endpoints import ZEEK_HEADER, domain_list, one_line, zeek_intel
from custodiet.cli.main import app
from custodiet.identify.compile import content_dir
from custodiet.policy.phonehome import load_endpoints

runner = CliRunner()

USER = (
    "endpoints:\n"
    "  - {host: relay.example.net, owner: Example Corp, side: device, role: P2P, confidence: low,\n"
    '     note: "tab\\there, newline\\nthere"}\n'
    "  - {address: 198.51.100.7, owner: dahua, side: device, role: other, confidence: medium}\n"
    "  - {address: 198.18.0.0/15, owner: dahua, side: device, role: other, confidence: medium}\n"
)


def _rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    assert lines[0] == ZEEK_HEADER
    assert ZEEK_HEADER.split("\t") == ["#fields", "indicator", "indicator_type", "meta.source", "meta.desc"]
    return [line.split("\t") for line in lines[1:]]


def test_zeek_intel_of_the_content(tmp_path: Path) -> None:
    rows = _rows(zeek_intel(load_endpoints(content_dir())))
    assert all(len(row) == 4 for row in rows)
    by_indicator = {row[0]: row for row in rows}
    p2p = by_indicator["www.easy4ipcloud.com"]
    assert p2p[1:3] == ["Intel::DOMAIN", "custodiet"]
    assert "dahua" in p2p[3].lower() and "P2P (device-side)" in p2p[3] and "8800/udp" in p2p[3]
    assert len(rows) == 12


def test_cli_export_writes_both_files_with_user_endpoints(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text(USER, encoding="utf-8")
    intel, domains = tmp_path / "custodiet.intel", tmp_path / "domains.txt"
    result = runner.invoke(
        app,
        [
            "endpoints",
            "export",
            "--zeek-intel",
            str(intel),
            "--domains",
            str(domains),
            "--endpoints",
            str(user),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _rows(intel.read_text(encoding="utf-8"))
    kinds = {row[0]: row[1] for row in rows}
    assert kinds["relay.example.net"] == "Intel::DOMAIN"
    assert kinds["198.51.100.7"] == "Intel::ADDR"
    assert kinds["198.18.0.0/15"] == "Intel::SUBNET"
    assert all(len(row) == 4 for row in rows)  # the note's tab and newline did not split anything
    listed = domains.read_text(encoding="utf-8").splitlines()
    assert listed == sorted(set(listed))
    assert "relay.example.net" in listed and "www.easy4ipcloud.com" in listed
    assert "198.51.100.7" not in listed


def test_cli_export_needs_a_target_and_a_good_user_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["endpoints", "export"]).exit_code == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "endpoints:\n  - {host: x.example, owner: dahua, side: sideways, role: P2P, confidence: high}\n"
    )
    result = runner.invoke(
        app, ["endpoints", "export", "--domains", str(tmp_path / "d"), "--endpoints", str(bad)]
    )
    assert result.exit_code == 5  # a bad user file is bad input
    assert "line 2" in result.output


def test_cli_list_shows_endpoints_and_the_address_data() -> None:
    result = runner.invoke(app, ["endpoints", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "www.easy4ipcloud.com" in result.output and "watch countries" in result.output
    assert "iptocc" in result.output


def test_one_line_and_domain_list() -> None:
    assert one_line("a\tb\nc\x00d") == "a b c d"
    assert one_line("") == "-"
    assert domain_list(load_endpoints(content_dir())).count("\n") == 12
