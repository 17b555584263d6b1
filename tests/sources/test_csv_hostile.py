"""The CSV inventory reader on broken and foreign files (issue 12 rows 15 and 17, issue 10): one
bad record never stops the file, every usual encoding of a spreadsheet export is read, header
variants are recognised and every column not read is reported."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from custodiet.sources import csv_inventory
from custodiet.sources.base import SourceOptions
from custodiet.sources.csv_inventory import SKIP_UNCLOSED, SYNONYMS, map_columns, read
from custodiet.sources.detect import detect_format

from .growth import assert_linear
from .helpers import run_reader, texts


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def ip(i: int) -> str:
    return f"10.0.{i >> 8}.{i & 255}"


def rows(first: int, count: int) -> str:
    return "".join(f"{ip(i)},Vendor {i}\n" for i in range(first, first + count))


# --------------------------------------------------------------------------- row 15


def test_an_unterminated_quote_is_skipped_at_the_line_it_opened(tmp_path: Path) -> None:
    """The quote used to swallow the rest of the file (reported thousands of lines later)."""
    text = "ip,vendor\n" + rows(1, 3) + '192.0.2.99,"never closed\n' + rows(10, 2000)
    obs, stats = run_reader(read, write(tmp_path / "q.csv", text))
    assert stats.skipped == {SKIP_UNCLOSED: 1}
    assert stats.first_bad == {SKIP_UNCLOSED: "line 5"}
    addresses = {o.subject.address for o in obs}
    assert len(addresses) == 2003 and "192.0.2.99" not in addresses
    assert texts(obs, "inventory.vendor", ip(2009)) == ["Vendor 2009"]
    (late,) = [o for o in obs if o.subject.address == ip(2009)]
    assert late.provenance.place == "line 2005"  # line numbers stay true after the replay


def test_a_quote_open_at_the_end_of_the_file(tmp_path: Path) -> None:
    text = "ip,vendor\n" + rows(1, 2) + '192.0.2.50,"open\n' + rows(60, 3)
    obs, stats = run_reader(read, write(tmp_path / "e.csv", text))
    assert stats.first_bad == {SKIP_UNCLOSED: "line 4"}
    assert {o.subject.address for o in obs} == {ip(1), ip(2), ip(60), ip(61), ip(62)}


def test_multi_line_quoted_cells_are_still_one_record(tmp_path: Path) -> None:
    text = 'ip,vendor,site\n192.0.2.1,Acme,"Building A\nFloor 2\nRoom 7"\n192.0.2.2,Acme,B\n'
    obs, stats = run_reader(read, write(tmp_path / "m.csv", text))
    assert not stats.skipped
    assert texts(obs, "inventory.site", "192.0.2.1") == ["Building A\nFloor 2\nRoom 7"]
    assert {o.provenance.place for o in obs if o.subject.address == "192.0.2.2"} == {"line 5"}


def test_nul_bytes_and_over_long_lines_cost_their_line_only(tmp_path: Path) -> None:
    text = "ip,vendor\n192.0.2.1,a\x00b\n" + "192.0.2.2," + "x" * (2 << 20) + "\n" + rows(3, 2)
    obs, stats = run_reader(read, write(tmp_path / "n.csv", text))
    assert stats.first_bad == {"line over 1 MiB (skipped)": "line 3"}
    assert {o.subject.address for o in obs} == {"192.0.2.1", ip(3), ip(4)}


def test_reading_is_linear_even_with_a_bad_quote_every_100_lines(tmp_path: Path) -> None:
    def make(n: int):  # type: ignore[no-untyped-def]
        body = "".join(
            f'192.0.{i // 250}.{i % 250},"never closed\n'
            if i % 100 == 50
            else f"192.0.{i // 250}.{i % 250},V\n"
            for i in range(n)
        )
        path = write(tmp_path / f"g{n}.csv", "ip,vendor\n" + body)
        return lambda: run_reader(read, path)

    assert_linear(make, 5000)


# --------------------------------------------------------------------------- row 17


SPREADSHEET = "IP Address\tManufacturer\tModel\tLocation\n192.0.2.7\tHikvision\tDS-2CD2143G0-I\tLobby 北\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_spreadsheet_text_is_detected_and_read(tmp_path: Path, codec: str) -> None:
    """Excel's "Unicode text" is UTF-16 with a byte-order mark: it was "unknown format"."""
    data = SPREADSHEET.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = write(tmp_path / "export.txt", data)
    assert detect_format(path, path.name) == "csv"
    obs, stats = run_reader(read, path)
    assert {o.field: o.text for o in obs} == {
        "inventory.vendor": "Hikvision",
        "inventory.model": "DS-2CD2143G0-I",
        "inventory.site": "Lobby 北",
    }
    assert not stats.skipped and not stats.notices


def test_shift_jis_cells_are_decoded(tmp_path: Path) -> None:
    text = "IPアドレス,ip,メーカー,vendor\n,192.0.2.8,監視カメラ,Hikvision\n"
    obs, stats = run_reader(read, write(tmp_path / "sj.csv", text.encode("cp932")))
    assert texts(obs, "inventory.vendor") == ["Hikvision"]
    assert stats.notices["lines not in UTF-8, read as Shift_JIS"] == 2
    assert "'IPアドレス', 'メーカー'" in next(n for n in stats.notices if n.startswith("columns not read"))


def test_latin1_lines_in_a_utf8_file(tmp_path: Path) -> None:
    data = "ip,vendor,site\n192.0.2.1,Acme,Zürich\n".encode() + "192.0.2.2,Acme,Malmö\n".encode("latin-1")
    obs, stats = run_reader(read, write(tmp_path / "mixed.csv", data))
    assert texts(obs, "inventory.site") == ["Zürich", "Malmö"]
    assert stats.notices == {"lines not in UTF-8, read as Windows-1252": 1}


# --------------------------------------------------------------------------- issue 10: headers


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Vendor Name", "vendor"), ("Part No.", "model"), ("Ethernet Addr", "mac"), ("Site Code", "site"),
        ("Device IP", "address"), ("Mgmt IPv4", "address"), ("IP Addresses", "address"), ("MAC-Adresse", None),
        ("Hardware Address", "mac"), ("Manufacturer Name", "vendor"), ("Model #", "model"),
        ("Serial No", "serial"), ("S/N", "serial"), ("Service Tag", "serial"), ("Building", "site"),
        ("Asset Owner", "owner"), ("Department", "owner"), ("FQDN", "hostname"), ("DNS Name", "hostname"),
        ("Asset Description", "name"), ("Product Name", "model"), ("Brand", "vendor"), ("Comments", None),
    ],
)  # fmt: skip
def test_header_variants(header: str, role: str | None) -> None:
    columns = map_columns(["IP" if role != "address" else "Other", header], {}, "x")
    found = [r for r, index in columns.items() if index == 1]
    assert found == ([role] if role else []), header


def test_no_header_name_belongs_to_two_roles() -> None:
    seen: dict[str, str] = {}
    for role, names in SYNONYMS.items():
        for name in names:
            assert seen.setdefault(name, role) == role, (name, seen[name], role)


def test_columns_not_read_are_reported(tmp_path: Path) -> None:
    text = "Vendor Name,Part No.,Ethernet Addr,Site Code,IP,Purchase Date,Notes,\n"
    text += "Hikvision,DS-7608NI,44:a6:42:01:02:03,HQ-1,192.0.2.9,2021-03-04,rack 2,\n"
    obs, stats = run_reader(read, write(tmp_path / "cmdb.csv", text))
    assert {o.field: o.text for o in obs} == {
        "mac": "44:A6:42:01:02:03",
        "inventory.vendor": "Hikvision",
        "inventory.model": "DS-7608NI",
        "inventory.site": "HQ-1",
    }
    assert stats.notices == {"columns not read: 'Purchase Date', 'Notes'": 2}
    assert not stats.skipped


def test_custodiet_report_reads_back_as_an_inventory(tmp_path: Path) -> None:
    header = "id,addresses,mac,hostnames,manufacturer,brand,model,firmware,device_type,covered,confidence,findings,top_evidence,phone_home\n"
    row = "mac:44:A6:42:01:02:03,192.0.2.5 2001:db8::5,44:A6:42:01:02:03,cam-1 '-cam-2,Hikvision,,DS-2CD,,camera,yes,0.9,r,e,\n"
    obs, stats = run_reader(read, write(tmp_path / "report.csv", header + row))
    assert {o.subject for o in obs} == {
        csv_inventory.Subject("192.0.2.5", "44:A6:42:01:02:03"),
        csv_inventory.Subject("2001:db8::5", "44:A6:42:01:02:03"),
    }
    assert sorted(set(texts(obs, "hostname"))) == [
        "'-cam-2",
        "cam-1",
    ]  # the mark is taken off whole cells only
    assert stats.notices["custodiet CSV report read as an inventory"] == 1
    assert stats.records == 1


def test_strict_still_stops_at_the_first_bad_record(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "ip,vendor\n" + rows(1, 2) + '192.0.2.9,"open\n' + rows(10, 3))
    with pytest.raises(csv_inventory.InputError) as caught:
        run_reader(read, path, SourceOptions(strict=True))
    assert caught.value.place == "line 4"
